"""What an evaluation produces: titled tables of numbers, printable as text or JSON."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

Cell = float | int | str | None


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    note: str = ""

    def add(self, *cells: Cell) -> None:
        self.rows.append(list(cells))

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "note": self.note,
                "rows": [dict(zip(self.columns, map(_json_cell, row), strict=False)) for row in self.rows]}

    def format(self) -> str:
        cells = [self.columns] + [[_text_cell(c) for c in row] for row in self.rows]
        widths = [max(len(row[i]) for row in cells) for i in range(len(self.columns))]
        lines = [self.title, "-" * len(self.title)]
        for n, row in enumerate(cells):
            lines.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                                   for i, (c, w) in enumerate(zip(row, widths, strict=False))).rstrip())
            if n == 0:
                lines.append("  ".join("-" * w for w in widths))
        if self.note:
            lines.append(self.note)
        return "\n".join(lines)


@dataclass
class Evaluation:
    dataset: str
    kind: str
    rows: int
    signature: str
    risk_source: str  # "shipped model" or "held-out (k folds ...)"
    tables: list[Table]

    def to_dict(self) -> dict[str, Any]:
        return {"dataset": self.dataset, "kind": self.kind, "rows": self.rows,
                "signature": self.signature, "risk": self.risk_source,
                "tables": [t.to_dict() for t in self.tables]}

    def format(self) -> str:
        head = (f"{self.dataset} ({self.kind}, {self.rows} rows); risk: {self.risk_source}\n"
                f"signature: {self.signature}")
        return "\n\n".join([head, *(t.format() for t in self.tables)]) + "\n"


def _json_cell(cell: Cell) -> Cell:
    if isinstance(cell, float):
        return None if math.isnan(cell) else round(cell, 4)
    return cell


def _text_cell(cell: Cell) -> str:
    if cell is None:
        return "n/a"
    if isinstance(cell, float):
        return "n/a" if math.isnan(cell) else f"{cell:.3f}"
    return str(cell)
