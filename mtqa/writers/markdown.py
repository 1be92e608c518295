"""`markdown`: a summary for `$GITHUB_STEP_SUMMARY` or a pull-request comment.

The gate's outcome, a table of counts per file, then the reported findings (suppressed
and baselined ones are only counted), capped at `MAX_FINDINGS` rows to stay within
GitHub's size limits. Deterministic: no timestamps.
"""

from __future__ import annotations

import textwrap
from typing import TextIO

from mtqa.gate.policy import Finding
from mtqa.gate.report import Report
from mtqa.writers import register_writer

MAX_FINDINGS = 200
EXCERPT_CHARS = 90


@register_writer("markdown")
def write_markdown(report: Report, stream: TextIO) -> None:
    outcome = report.gate()
    reported = outcome.reported()
    status = "❌ gate failed" if outcome.failed else "✅ gate passed"
    stream.write(f"## mtqa: {status}\n\n")
    totals = report.counts()
    skipped = f", {totals['skipped']} skipped (not scored, empty or page furniture)" if totals["skipped"] else ""
    stream.write(f"{totals['ok']} ok, {totals['review']} review, {totals['fail']} fail{skipped} "
                 f"in {len(report.documents)} file{'s' if len(report.documents) != 1 else ''}; "
                 f"{sum(f.blocking for f in reported)} findings fail the gate "
                 f"(`--fail-on {report.fail_on}`)")
    suppressed = sum(f.suppressed for f in outcome.findings)
    baselined = sum(f.baselined and not f.suppressed for f in outcome.findings)
    if suppressed or baselined:
        stream.write(f"; not shown: {suppressed} suppressed inline, {baselined} in the baseline")
    stream.write(".\n\n")
    if report.documents:
        stream.write("| File | Scored | ok | review | fail | Flagged | Gate |\n")
        stream.write("| --- | ---: | ---: | ---: | ---: | ---: | --- |\n")
        for doc in report.documents:
            counts, gate = doc.counts(), outcome.files[doc.document.path]
            stream.write(f"| {cell(doc.document.path)} | {gate.scored} | {counts['ok']} | "
                         f"{counts['review']} | {counts['fail']} | {gate.flagged} | "
                         f"{'❌ fail' if gate.failed else '✅ pass'} |\n")
        stream.write("\n")
    if reported:
        stream.write("### Findings\n\n| Location | Level | Rule | Finding | Text |\n"
                     "| --- | --- | --- | --- | --- |\n")
        for finding in reported[:MAX_FINDINGS]:
            stream.write(_row(finding))
        if len(reported) > MAX_FINDINGS:
            stream.write(f"\n…and {len(reported) - MAX_FINDINGS} more findings (see the full report).\n")
        stream.write("\n")
    stream.write(f"<sub>signature: {cell(report.signature)}</sub>\n")


def _row(finding: Finding) -> str:
    line, column, _, _ = finding.location()
    level = "❌ error" if finding.blocking else "⚠️ warning"
    text = textwrap.shorten(finding.segment.text, EXCERPT_CHARS, placeholder=" …")
    return (f"| {cell(finding.file)}:{line}:{column} | {level} | {code(finding.rule)} | "
            f"{cell(finding.message)} | {cell(text)} |\n")


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell: no pipes, line breaks or raw HTML."""
    return (" ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|")
            .replace("<", "&lt;").replace(">", "&gt;"))


def code(text: str) -> str:
    return f"`{text.replace('`', '')}`"
