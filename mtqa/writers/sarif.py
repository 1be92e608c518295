"""`sarif`: SARIF 2.1.0 for GitHub code scanning and other viewers, one result per finding.

Locations are physical: the input file (relative paths stay relative, so code scanning
resolves them against the repository root) and the region's line and column, counted in
Unicode code points (`columnKind`). Output is deterministic: sorted keys, rounded floats,
no timestamps.
"""

from __future__ import annotations

import json
from pathlib import PurePath
from typing import Any, TextIO
from urllib.parse import quote

from mtqa.core.version import __version__
from mtqa.gate.policy import Finding
from mtqa.gate.report import Report
from mtqa.gate.rules import find_rule
from mtqa.writers import register_writer

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/mtqa/"
FINGERPRINT_KEY = "mtqa/v1"


@register_writer("sarif")
def write_sarif(report: Report, stream: TextIO) -> None:
    json.dump(sarif_log(report), stream, ensure_ascii=False, indent=2, sort_keys=True)
    stream.write("\n")


def sarif_log(report: Report) -> dict[str, Any]:
    outcome = report.gate()
    uses_baseline = report.policy is not None and report.policy.baseline is not None
    rules = sorted({f.rule for f in outcome.findings})
    rule_index = {rule: i for i, rule in enumerate(rules)}
    artifacts = [doc.document.path for doc in report.documents]
    artifact_index = {path: i for i, path in enumerate(artifacts)}
    results = [_result(f, rule_index[f.rule], artifact_index[f.file], uses_baseline)
               for f in outcome.findings]
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "mtqa",
                "version": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_rule(rule) for rule in rules],
            }},
            "columnKind": "unicodeCodePoints",
            "artifacts": [{"location": {"uri": artifact_uri(path)}} for path in artifacts],
            "results": results,
            "properties": {
                "signature": report.signature,
                "failOn": report.fail_on,
                "gateFailed": outcome.failed,
                "counts": report.counts(),
            },
        }],
    }


def artifact_uri(path: str) -> str:
    pure = PurePath(path)
    if pure.is_absolute():
        return "file://" + quote(pure.as_posix())
    return quote(pure.as_posix().removeprefix("./"))


def _rule(rule_id: str) -> dict[str, Any]:
    """The SARIF rule: its declared summary and explanation (see `mtqa rules`)."""
    rule = find_rule(rule_id)
    summary = rule.summary if rule else f"{rule_id.partition('/')[0]} finding"
    described: dict[str, Any] = {"id": rule_id, "name": rule_id.replace("/", "."),
                                 "shortDescription": {"text": summary[:1].upper() + summary[1:]},
                                 "properties": {"dimension": rule_id.partition("/")[0]}}
    if rule and rule.explanation:
        described["fullDescription"] = {"text": rule.explanation}
    return described


def _result(finding: Finding, rule_index: int, artifact_index: int, uses_baseline: bool) -> dict[str, Any]:
    line, column, end_line, end_column = finding.location()
    region: dict[str, Any] = {"startLine": line, "startColumn": column,
                              "endLine": end_line, "endColumn": end_column}
    if finding.excerpt:
        region["snippet"] = {"text": finding.excerpt}
    result = finding.result
    out: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": finding.level,
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": artifact_uri(finding.file), "index": artifact_index},
            "region": region,
        }}],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {
            "verdict": result.verdict,
            "risk": None if result.risk is None else round(result.risk, 4),
            "scores": {k: round(v, 4) for k, v in sorted(result.scores.items()) if v is not None},
            "blocking": finding.blocking,
            "segment": result.segment.text,
        },
    }
    if finding.suppressed:
        out["suppressions"] = [{"kind": "inSource", "justification": "mtqa: ignore marker"}]
    if uses_baseline:
        out["baselineState"] = "unchanged" if finding.baselined else "new"
    return out
