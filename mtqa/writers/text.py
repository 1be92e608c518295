"""`text`: readable report, flagged segments with their reasons; coloured on a terminal.

It shows what the gate counts (`Report.gate`): findings that `--select`/`--ignore`, an inline
`mtqa: ignore` or the baseline set aside are not listed, and a segment shows the verdict the
gate re-decided for it; a segment left with nothing to report is listed only with `--verbose`.
"""

from __future__ import annotations

import os
import textwrap
from typing import TextIO

from mtqa.core.documents import SegmentResult
from mtqa.core.risk import finding_reason
from mtqa.gate.policy import Finding
from mtqa.gate.report import Report
from mtqa.gate.rules import issue_rule_id
from mtqa.writers import register_writer

COLOURS = {"fail": "\033[31m", "review": "\033[33m", "ok": "\033[32m", "skipped": "\033[2m"}
DIM, BOLD, RESET = "\033[2m", "\033[1m", "\033[0m"


def _use_colour(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    return bool(os.environ.get("FORCE_COLOR")) or (hasattr(stream, "isatty") and stream.isatty())


@register_writer("text")
def write_text(report: Report, stream: TextIO) -> None:
    colour = _use_colour(stream)
    show_all = report.verbose

    def paint(code: str, text: str) -> str:
        return f"{code}{text}{RESET}" if colour else text

    reported: dict[int, list[Finding]] = {}
    for finding in report.gate().reported():
        reported.setdefault(id(finding.result), []).append(finding)
    for doc in report.documents:
        shown = [r for r in doc.results if show_all or id(r) in reported]
        if shown:
            stream.write(paint(BOLD, doc.document.path) + "\n")
        for result in shown:
            _write_segment(result, reported.get(id(result), []), stream, paint)
        counts = doc.counts()
        scored = counts["ok"] + counts["review"] + counts["fail"]
        summary = (f"{doc.document.path}: {scored} segments scored: {counts['ok']} ok, "
                   f"{counts['review']} review, {counts['fail']} fail")
        if counts["skipped"]:
            summary += f" ({counts['skipped']} skipped: page furniture, empty, or not scored)"
        listed = sum(id(r) in reported for r in doc.results)
        if listed != counts["review"] + counts["fail"]:
            summary += f"; {listed} listed after --select/--ignore, inline ignores and the baseline"
        if doc.document.meta.get("identified_language"):  # None: read in the configured language
            summary += (f"; read as language {doc.document.meta['identified_language']!r}, identified from its text "
                        "(--no-identify-language: as --language)")
        stream.write(paint(DIM, summary) + "\n\n" if shown else summary + "\n")
    if len(report.documents) > 1:
        totals = report.counts()
        stream.write(f"total: {totals['ok']} ok, {totals['review']} review, {totals['fail']} fail "
                     f"in {len(report.documents)} files\n")
    stream.write(paint(DIM, f"signature: {report.signature}") + "\n")


def _write_segment(result: SegmentResult, findings: list[Finding], stream: TextIO, paint) -> None:
    """`findings`: the segment's findings the gate reports, with the verdict it counts."""
    seg = result.segment
    verdict = (findings[0].verdict if findings else result.verdict).upper()
    risk = "" if result.risk is None else f" risk {result.risk:.2f}"
    location = f"{seg.line}:{seg.column}" if seg.kind != "row" else f"row {seg.id}"
    stream.write(f"  {location:>8}  {paint(COLOURS[verdict.lower()], f'{verdict:<6}')}{risk}  ")
    stream.write(textwrap.shorten(seg.text, width=110, placeholder=" …") + "\n")
    if result.verdict == "skipped":
        return
    scores = "  ".join(f"{name} {value:.2f}" for name, value in result.scores.items() if value is not None)
    stream.write(paint(DIM, f"{'':12}{scores}") + "\n")
    spans = {(f.rule, f.start, f.end) for f in findings if f.severity}
    issues = [i for i in result.issues if (issue_rule_id(i), i.start, i.end) in spans]
    # A reason that quotes a finding is not repeated: the finding's line below says it, with its rule.
    quoted = tuple(finding_reason(issue) for issue in issues)
    for finding in findings:
        if not finding.severity and not finding.message.startswith(quoted):
            stream.write(f"{'':12}· {finding.message}\n")
    for issue in sorted(issues, key=lambda i: (i.start, i.end)):  # in reading order
        fix = f" → {', '.join(issue.suggestions[:3])}" if issue.suggestions else ""
        excerpt = seg.text[issue.start:issue.end]
        where = f"“{excerpt}” " if excerpt and excerpt not in issue.message else ""
        stream.write(paint(DIM, f"{'':14}{issue_rule_id(issue)}: {where}{issue.message}{fix}") + "\n")
