"""`mtqa rules [ID]`: every rule mtqa can report, or what one of them means (as `ruff rule`)."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict

from mtqa.core.errors import ConfigError


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "rules", help="list the rules findings are reported under, or explain one",
        description="Without ID: every rule of the registered components and of the gate, with its "
        "severity and what it finds. With ID (e.g. checks/number-mismatch, or an id of an earlier "
        "release): what it means and where it comes from.")
    parser.add_argument("rule", nargs="?", metavar="ID", help="a rule id")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from mtqa.gate.rules import all_rules, canonical_rule_id, find_rule, legacy_rule_id
    from mtqa.scorers.registry import components

    if args.rule is None:
        rules = all_rules()
        if args.format == "json":
            json.dump([asdict(rule) for rule in rules], sys.stdout, indent=2)
            sys.stdout.write("\n")
        else:
            width = max(len(rule.id) for rule in rules)
            for rule in rules:
                print(f"{rule.id:<{width}}  {rule.severity:<5}  {rule.summary}")
        return 0
    rule = find_rule(args.rule)
    if rule is None:
        near = [r.id for r in all_rules() if args.rule.strip().lower() in r.id.lower()]
        hint = f"rules with that in their id: {', '.join(near)}" if near else "`mtqa rules` lists them"
        raise ConfigError(f"unknown rule {args.rule!r}; {hint}")
    rule_id = canonical_rule_id(args.rule.strip())
    declared_by = [spec.id for spec in components().values() if spec.rule(rule_id)] or ["the CI gate"]
    details = {**asdict(rule), "id": rule_id, "family": rule.id if rule.id != rule_id else None,
               "dimension": rule.dimension, "declared_by": declared_by,
               "earlier_id": legacy_rule_id(rule_id) if legacy_rule_id(rule_id) != rule_id else None}
    if args.format == "json":
        json.dump(details, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    print(f"{rule_id}: {rule.summary}")
    print(f"  severity: {rule.severity}" + (f", lowers the {rule.dimension} score by {rule.penalty:g}"
                                             if rule.penalty else ""))
    print(f"  declared by: {', '.join(declared_by)}" + (f" (family {rule.id})" if details["family"] else ""))
    if details["earlier_id"]:
        print(f"  earlier id: {details['earlier_id']} (still accepted in baselines, markers and settings)")
    if rule.explanation:
        print(f"\n{rule.explanation}")
    return 0
