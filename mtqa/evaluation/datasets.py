"""Labelled dev files: read the rows, tell which kind of data they are from the columns.

Four kinds, each with its own meta-evaluation (`mtqa.evaluation.mqm`, `.contrastive`, `.spun`):
- `mqm`: machine translations rated by professional MQM raters (columns target, mqm, ...);
- `demetr`: a good MT sentence and a perturbed copy, with a human reference (mt_sent, pert_sent);
- `blimp`: grammatical / ungrammatical minimal pairs (sentence_good, sentence_bad);
- `spun`: sentences of documents put through a synonym spinner, with the words it replaced
  (doc, seg_id, original, spun, replaced).
"""

from __future__ import annotations

import csv
import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mtqa.core.errors import InputError
from mtqa.readers.table import json_objects

KIND_COLUMNS: dict[str, frozenset[str]] = {
    "mqm": frozenset({"system", "doc", "seg_id", "source", "target", "mqm"}),
    "demetr": frozenset({"mt_sent", "pert_sent", "eng_sent", "severity", "pert_name"}),
    "blimp": frozenset({"sentence_good", "sentence_bad", "linguistics_term"}),
    "spun": frozenset({"doc", "seg_id", "original", "spun", "replaced"}),
}

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass(frozen=True)
class Dataset:
    path: Path
    kind: str
    rows: list[dict[str, Any]]
    digest: str  # of the file's bytes and the row limit: part of the feature-cache key

    @property
    def name(self) -> str:
        return self.path.name


def detect_kind(columns: set[str], where: str) -> str:
    for kind, needed in KIND_COLUMNS.items():
        if needed <= columns:
            return kind
    wanted = "; ".join(f"{kind}: {', '.join(sorted(cols))}" for kind, cols in KIND_COLUMNS.items())
    raise InputError(f"{where}: not a known labelled dataset (columns needed, {wanted})")


def load_dataset(path: str | Path, limit: int | None = None) -> Dataset:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    rows = _read_rows(text, path)
    if not rows:
        raise InputError(f"{path}: no rows")
    kind = detect_kind(set(rows[0]), str(path))
    if limit is not None:
        if limit < 1:
            raise InputError(f"{path}: --limit must be positive, not {limit}")
        rows = rows[:limit]
    digest = hashlib.sha256(data + f"|limit={limit}".encode()).hexdigest()[:16]
    return Dataset(path, kind, rows, digest)


def _read_rows(text: str, path: Path) -> list[dict[str, Any]]:
    if path.suffix.lower() == ".jsonl":
        return [row for _, row in json_objects(str(path), text.splitlines())]
    if path.suffix.lower() in (".tsv", ".csv"):
        delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
        reader = csv.DictReader(text.splitlines(), delimiter=delimiter)
        rows = list(reader)
        if any(None in row or None in row.values() for row in rows):
            raise InputError(f"{path}: ragged rows (a row has more or fewer cells than the header)")
        return rows
    raise InputError(f"{path}: unknown dataset format {path.suffix or '(none)'!r}; use .tsv, .csv or .jsonl")
