"""`json`: one object with the run's header and every file's segments; `jsonl`: one segment a line."""

from __future__ import annotations

import json
from typing import TextIO

from mtqa.gate.report import Report
from mtqa.writers import register_writer


@register_writer("json")
def write_json(report: Report, stream: TextIO) -> None:
    json.dump(report.to_dict(), stream, ensure_ascii=False, indent=2)
    stream.write("\n")


@register_writer("jsonl")
def write_jsonl(report: Report, stream: TextIO) -> None:
    for result in report.results():
        stream.write(json.dumps(result.to_dict(), ensure_ascii=False))
        stream.write("\n")
