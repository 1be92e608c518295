"""`text`: readable report, flagged segments with their reasons; coloured on a terminal."""

from __future__ import annotations

import os
import textwrap
from typing import TextIO

from mtqa.core.documents import SegmentResult
from mtqa.core.risk import finding_reason
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

    for doc in report.documents:
        shown = [r for r in doc.results if show_all or r.verdict in ("review", "fail")]
        if shown:
            stream.write(paint(BOLD, doc.document.path) + "\n")
        for result in shown:
            _write_segment(result, stream, paint)
        counts = doc.counts()
        scored = counts["ok"] + counts["review"] + counts["fail"]
        summary = (f"{doc.document.path}: {scored} segments scored: {counts['ok']} ok, "
                   f"{counts['review']} review, {counts['fail']} fail")
        if counts["skipped"]:
            summary += f" ({counts['skipped']} skipped: page furniture, empty, or not scored)"
        if doc.document.meta.get("identified_language"):  # None: read in the configured language
            summary += (f"; read as language {doc.document.meta['identified_language']!r}, identified from its text "
                        "(--no-identify-language: as --language)")
        stream.write(paint(DIM, summary) + "\n\n" if shown else summary + "\n")
    if len(report.documents) > 1:
        totals = report.counts()
        stream.write(f"total: {totals['ok']} ok, {totals['review']} review, {totals['fail']} fail "
                     f"in {len(report.documents)} files\n")
    stream.write(paint(DIM, f"signature: {report.signature}") + "\n")


def _write_segment(result: SegmentResult, stream: TextIO, paint) -> None:
    seg = result.segment
    verdict = result.verdict.upper()
    risk = "" if result.risk is None else f" risk {result.risk:.2f}"
    location = f"{seg.line}:{seg.column}" if seg.kind != "row" else f"row {seg.id}"
    stream.write(f"  {location:>8}  {paint(COLOURS[result.verdict], f'{verdict:<6}')}{risk}  ")
    stream.write(textwrap.shorten(seg.text, width=110, placeholder=" …") + "\n")
    if result.verdict == "skipped":
        return
    scores = "  ".join(f"{name} {value:.2f}" for name, value in result.scores.items() if value is not None)
    stream.write(paint(DIM, f"{'':12}{scores}") + "\n")
    # A reason that quotes a finding is not repeated: the finding's line below says it, with its rule.
    findings = tuple(finding_reason(issue) for issue in result.issues)
    for reason in result.reasons:
        if not reason.startswith(findings):
            stream.write(f"{'':12}· {reason}\n")
    for issue in sorted(result.issues, key=lambda i: (i.start, i.end)):  # in reading order
        fix = f" → {', '.join(issue.suggestions[:3])}" if issue.suggestions else ""
        excerpt = seg.text[issue.start:issue.end]
        where = f"“{excerpt}” " if excerpt and excerpt not in issue.message else ""
        stream.write(paint(DIM, f"{'':14}{issue_rule_id(issue)}: {where}{issue.message}{fix}") + "\n")
