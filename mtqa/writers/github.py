"""`github`: GitHub Actions workflow commands, so findings show inline on the pull request.

One `::error` (fails the gate) or `::warning` (reported only) line per finding:

    ::error file=docs/fr/intro.md,line=12,col=5,endLine=12,endColumn=19,title=mtqa grammar/X::message

Suppressed and baselined findings are left out. GitHub shows at most 10 annotations of
each level per step; use `sarif` with code scanning to see every finding.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import TextIO

from mtqa.core.risk import NOT_SCORED
from mtqa.gate.policy import Finding
from mtqa.gate.report import Report
from mtqa.writers import register_writer


@register_writer("github")
def write_github(report: Report, stream: TextIO) -> None:
    outcome = report.gate()
    for doc in report.documents:
        # A file mtqa could not judge passes the gate: say so, or a green check misleads.
        unscored = [r for r in doc.results if r.verdict == "skipped" and r.reasons[0].startswith(NOT_SCORED)]
        if unscored:
            path = escape_property(PurePath(doc.document.path).as_posix().removeprefix("./"))
            message = f"{len(unscored)} of {len(doc.results)} segments {unscored[0].reasons[0]}"
            stream.write(f"::notice file={path},title=mtqa::{escape_data(message)}\n")
    for finding in outcome.reported():
        line, column, end_line, end_column = finding.location()
        properties = {
            "file": PurePath(finding.file).as_posix().removeprefix("./"),
            "line": line, "col": column, "endLine": end_line, "endColumn": end_column,
            "title": f"mtqa {finding.rule}",
        }
        if end_line != line:
            del properties["col"], properties["endColumn"]  # GitHub takes columns on one line only
        fields = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
        level = "error" if finding.blocking else "warning"
        stream.write(f"::{level} {fields}::{escape_data(_message(finding))}\n")


def _message(finding: Finding) -> str:
    verdict = finding.result.verdict
    risk = "" if finding.result.risk is None else f", risk {finding.result.risk:.2f}"
    return f"{finding.message} [{verdict}{risk}]"


def escape_data(text: str) -> str:
    """As @actions/core escapes a command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """As @actions/core escapes a command's property values."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
