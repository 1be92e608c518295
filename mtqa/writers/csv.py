"""`csv`: one row per segment; nested values (raw, issues, reasons) as compact JSON or text."""

from __future__ import annotations

import csv
import json
from typing import TextIO

from mtqa.core.documents import DIMENSIONS
from mtqa.gate.report import Report
from mtqa.writers import register_writer

COLUMNS = ["file", "index", "id", "kind", "line", "column", "start", "end", "text",
           *(f"score_{d}" for d in DIMENSIONS), "risk", "verdict", "reasons", "issues", "raw"]


@register_writer("csv")
def write_csv(report: Report, stream: TextIO) -> None:
    writer = csv.DictWriter(stream, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for result in report.results():
        row = result.to_dict()
        writer.writerow({
            **{key: row[key] for key in COLUMNS if key in row and key not in ("reasons", "issues", "raw")},
            **{f"score_{d}": _blank(row["scores"].get(d)) for d in DIMENSIONS},
            "risk": _blank(row["risk"]),
            "reasons": "; ".join(row["reasons"]),
            "issues": json.dumps(row["issues"], ensure_ascii=False),
            "raw": json.dumps(row["raw"], ensure_ascii=False),
        })


def _blank(value: float | None) -> str | float:
    return "" if value is None else round(value, 4)
