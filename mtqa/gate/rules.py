"""Rule ids as the gate reads them: how `--select`/`--ignore` patterns and `mtqa: ignore[...]`
markers match them, the ids of earlier releases that stay accepted, and the gate's own rules.

A rule id is `dimension/name` (`checks/number-mismatch`, `grammar/harper/SpellCheck`).
Earlier releases wrote the scorer's rule after the dimension (`checks/checks.number-mismatch`,
`grammar/harper.SpellCheck`, `checks/align.omission`): such ids in baselines, markers and
settings are read as today's (`canonical_rule_id`).
"""

from __future__ import annotations

from mtqa.core.components import DIMENSIONS, Rule
from mtqa.core.documents import Issue

COMBINED_RULE = "risk/combined"
# A segment the pipeline refuses to score (mtqa.core.pipeline.MAX_SEGMENT_CHARS).
TOO_LONG_RULE = "checks/segment-too-long"
MIN_SCORE_SUFFIX = "min-score"
RISK_SUFFIX = "risk"
# Prefixes of the grammar backends' rule families, `grammar/<backend>/<the backend's rule id>`.
GRAMMAR_BACKENDS = ("harper", "languagetool")


def canonical_rule_id(rule_id: str) -> str:
    """Today's id for `rule_id`, which may be an id of an earlier release (see the module
    docstring) or a bare rule of an old report (`checks.number-mismatch`, `harper.SpellCheck`)."""
    head, slash, rest = rule_id.partition("/")
    if not slash:
        first, dot, name = rule_id.partition(".")
        if not dot or not name:
            return rule_id
        if first in GRAMMAR_BACKENDS:
            return f"grammar/{first}/{name}"
        return f"checks/align-{name}" if first == "align" else f"{first}/{name}"
    first, dot, name = rest.partition(".")
    if not dot or not name or "/" in first:
        return rule_id
    if first == head:
        return f"{head}/{name}"
    if head == "grammar" and first in GRAMMAR_BACKENDS:
        return f"grammar/{first}/{name}"
    return f"{head}/align-{name}" if first == "align" else rule_id


def legacy_rule_id(rule_id: str) -> str:
    """The id an earlier release gave the rule `rule_id` (itself where it had the same): the
    fingerprints of old baselines were computed with it."""
    head, _, rest = rule_id.partition("/")
    backend, slash, name = rest.partition("/")
    if head == "grammar" and slash and backend in GRAMMAR_BACKENDS:
        return f"grammar/{backend}.{name}"
    if rest.startswith("align-"):
        return f"{head}/align.{rest.removeprefix('align-')}"
    if head in ("fluency", "drift", "checks") and "/" not in rest and rest not in (RISK_SUFFIX, MIN_SCORE_SUFFIX):
        return f"{head}/{head}.{rest}"
    return rule_id


def issue_rule_id(issue: Issue) -> str:
    """The rule id of a scorer's finding: `issue.rule` when it is a full id, else the dimension
    and the rule (a plugin or an old scorer that names its rule without its dimension)."""
    return issue.rule if "/" in issue.rule else canonical_rule_id(f"{issue.dimension}/{issue.rule}")


def rule_matches(rule: str, pattern: str) -> bool:
    """`grammar` matches `grammar/X` and `grammar`; `*` matches everything, and a family as
    `mtqa rules` lists it (`grammar/harper/*`) its members; case-insensitive. An id of an
    earlier release in `pattern` matches the rule it names today."""
    pattern = canonical_rule_id(pattern.strip()).removesuffix("/*")
    rule, pattern = rule.casefold(), pattern.casefold()
    return pattern == "*" or rule == pattern or rule.startswith(pattern + "/")


def gate_rules(dimensions: tuple[str, ...] = DIMENSIONS) -> list[Rule]:
    """The findings the gate itself reports, beside the scorers' rules."""
    rules = [Rule(f"{d}/{RISK_SUFFIX}", f"the {d} dimension made the segment's risk high, with no finding to "
                  "quote", explanation="Given with the reason the risk model found (for example a low score "
                  "or a length far from a typical translation's), on the whole segment.") for d in dimensions]
    rules += [Rule(f"{d}/{MIN_SCORE_SUFFIX}", f"the {d} score is below the configured minimum",
                   severity="major", explanation="Set with --min-score or min_scores; fails the gate at any "
                   "verdict.") for d in dimensions]
    rules.append(Rule(COMBINED_RULE, "several small signals together, with no single dimension standing out"))
    rules.append(Rule(TOO_LONG_RULE, "a target, source or reference too long to score", severity="major",
                      explanation="The segment is not scored (no model reads it) and gets at least review: "
                      "split it into sentences or rows."))
    return rules


def all_rules() -> list[Rule]:
    """Every rule: those the registered components declare, then the gate's own."""
    from mtqa.scorers.registry import dimensions, rules

    return [*rules(), *gate_rules(dimensions())]


def find_rule(rule_id: str) -> Rule | None:
    """The declared rule (or rule family) that `rule_id`, of today or an earlier release, names."""
    rule_id = canonical_rule_id(rule_id.strip())
    known = all_rules()
    exact = [rule for rule in known if rule.id.casefold() == rule_id.casefold()]
    return exact[0] if exact else next((rule for rule in known if rule.matches(rule_id)), None)


def known_rule_ids(dimensions: tuple[str, ...]) -> list[str]:
    """Every rule id a finding can have: the registered components' (a family ends in `/*`)
    and the gate's own."""
    from mtqa.scorers.registry import rules

    return [rule.id for rule in rules() + gate_rules(dimensions)] + [COMBINED_RULE, TOO_LONG_RULE]


def names_a_rule(pattern: str, known: list[str]) -> bool:
    """Whether `pattern` matches a rule of `known` (a family matches any name under it)."""
    pattern = canonical_rule_id(pattern.strip()).removesuffix("/*").casefold()
    if pattern == "*" or "/" not in pattern:
        return True
    for rule_id in known:
        base = rule_id.removesuffix("/*")
        if rule_matches(base, pattern) or (rule_id.endswith("/*") and pattern.startswith(base.casefold() + "/")):
            return True
    return False
