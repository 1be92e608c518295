"""`csv`: one row per segment (`flat_row`: the same columns as batch's segments.csv)."""

from __future__ import annotations

import csv
from typing import TextIO

from mtqa.core.documents import flat_columns, flat_row
from mtqa.gate.report import Report
from mtqa.writers import register_writer


@register_writer("csv")
def write_csv(report: Report, stream: TextIO) -> None:
    dimensions = report.dimensions()
    writer = csv.DictWriter(stream, fieldnames=flat_columns(dimensions), lineterminator="\n")
    writer.writeheader()
    for document in report.documents:
        for result in document.results:
            row = flat_row(result.to_dict(), dimensions, document.document.format)
            writer.writerow({key: _blank(value) for key, value in row.items()})


def _blank(value: object) -> object:
    """Empty cells for missing values; scores and risk to four decimals."""
    if value is None:
        return ""
    return round(value, 4) if isinstance(value, float) else value
