"""The data that flows through mtqa: documents, their segments, and what scorers say of them.

A reader turns a file into a `Document` of `Segment`s. Each scorer returns one
`DimensionResult` per segment; `risk.py` folds them into a `SegmentResult`, which the
writers print. Offsets are character offsets (Python string indices).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

# "unit": one segment of a translation file (XLIFF, TMX, PO), target with its source.
SegmentKind = Literal["sentence", "heading", "row", "unit", "furniture"]
Verdict = Literal["ok", "review", "fail", "skipped"]


@dataclass
class Issue:
    """One concrete finding, with offsets into the segment's text."""

    dimension: str
    start: int
    end: int
    message: str
    rule: str
    suggestions: list[str] = field(default_factory=list)
    severity: str = "minor"

    def to_dict(self) -> dict[str, Any]:
        return {
            "dimension": self.dimension,
            "start": self.start,
            "end": self.end,
            "message": self.message,
            "rule": self.rule,
            "suggestions": list(self.suggestions),
            "severity": self.severity,
        }


@dataclass
class Segment:
    """A unit that is scored: a sentence of a document or a row of a table.

    `start`/`end` locate `text` in the document's original text (for tables, in the
    target cell); `line`/`column` (1-based) locate the segment in the input file.
    """

    text: str
    index: int
    start: int
    end: int
    line: int = 1
    column: int = 1
    id: str | None = None
    source: str | None = None
    reference: str | None = None
    kind: SegmentKind = "sentence"
    meta: dict[str, Any] = field(default_factory=dict)
    document: Document | None = field(default=None, repr=False, compare=False)

    @property
    def scored(self) -> bool:
        return self.kind != "furniture" and bool(self.text.strip())

    def target_language(self) -> str | None:
        """The target's language tag as declared: the row's (a table's language column), else
        the document's; None where neither says."""
        return self.meta.get("target_lang") or (self.document.target_lang if self.document else None)

    def source_language_tag(self) -> str | None:
        """The source's language tag as declared: the row's (a table's source language column),
        else the document's; None where neither says (`mtqa.text.language.source_language`
        also reads the source's text)."""
        return self.meta.get("source_lang") or (self.document.source_lang if self.document else None)

    def language(self, default: str) -> str:
        """Primary subtag of the target language (`target_language`), else of `default` (e.g. "en")."""
        tag = self.target_language() or default
        return tag.replace("_", "-").split("-")[0].lower()

    def neighbours(self, window: int = 2) -> list[Segment]:
        """Scored segments of the same document within `window` positions."""
        if self.document is None:
            return []
        segments = self.document.segments
        lo, hi = max(0, self.index - window), min(len(segments), self.index + window + 1)
        return [s for s in segments[lo:hi] if s is not self and s.scored]


@dataclass
class Document:
    """One input file (or one stream) split into segments."""

    path: str
    format: str
    segments: list[Segment] = field(default_factory=list)
    text: str | None = None
    source_lang: str | None = None
    target_lang: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for segment in self.segments:
            segment.document = self

    def add(self, segment: Segment) -> None:
        segment.document = self
        self.segments.append(segment)

    @property
    def content_hash(self) -> str:
        """Stable identity of the document's content, used to key stored decisions."""
        digest = hashlib.sha256()
        for segment in self.segments:
            digest.update(segment.text.encode("utf-8"))
            digest.update(b"\x1f")
        return digest.hexdigest()[:16]

    @property
    def has_source(self) -> bool:
        return any(s.source for s in self.segments)

    @property
    def has_reference(self) -> bool:
        return any(s.reference for s in self.segments)


@dataclass
class DimensionResult:
    """What one scorer says of one segment: a score (higher = better), raw values, findings."""

    score: float | None
    raw: dict[str, Any] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)


@dataclass
class SegmentResult:
    """The final, combined result for one segment: the public per-sentence record."""

    segment: Segment
    scores: dict[str, float | None]
    raw: dict[str, dict[str, Any]]
    issues: list[Issue]
    risk: float | None
    verdict: Verdict
    reasons: list[str] = field(default_factory=list)

    @property
    def file(self) -> str:
        return self.segment.document.path if self.segment.document else ""

    def record(self) -> dict[str, Any]:
        """What was found, without the segment: the part a result store keeps."""
        return {
            "scores": dict(self.scores),
            "raw": {k: dict(v) for k, v in self.raw.items()},
            "risk": self.risk,
            "verdict": self.verdict,
            "reasons": list(self.reasons),
            "issues": [issue.to_dict() for issue in self.issues],
        }

    def to_dict(self) -> dict[str, Any]:
        """The public per-segment record (the JSON and JSONL formats; README "Report schema")."""
        return {**segment_fields(self.segment), **self.record()}


def segment_fields(segment: Segment, index: int | None = None) -> dict[str, Any]:
    """The segment's part of a record; `index` overrides its position (a chunk of a long table)."""
    return {
        "file": segment.document.path if segment.document else "",
        "index": segment.index if index is None else index,
        "id": segment.id,
        "kind": segment.kind,
        "text": segment.text,
        "start": segment.start,
        "end": segment.end,
        "line": segment.line,
        "column": segment.column,
        "source": segment.source,
        "reference": segment.reference,
    }


def flat_columns(dimensions: Sequence[str]) -> list[str]:
    """Columns of a flat row, in order: one `score_<dimension>` column per dimension."""
    return ["file", "format", "index", "id", "kind", "line", "column", "start", "end", "text", "source",
            "reference", *(f"score_{d}" for d in dimensions), "risk", "verdict", "reasons", "issues", "raw"]


def flat_row(record: Mapping[str, Any], dimensions: Sequence[str], file_format: str = "") -> dict[str, Any]:
    """A `to_dict` record as one flat row (CSV, Parquet): reasons joined with "; ", issues and
    raw values as compact JSON, a score column per dimension (None where not scored)."""
    row = {key: record.get(key) for key in flat_columns(dimensions) if not key.startswith("score_")}
    row.update({f"score_{d}": record["scores"].get(d) for d in dimensions})
    row.update(format=file_format, reasons="; ".join(record["reasons"]),
               issues=json.dumps(record["issues"], ensure_ascii=False),
               raw=json.dumps(record["raw"], ensure_ascii=False))
    return row


@dataclass
class DocumentResult:
    document: Document
    results: list[SegmentResult]

    def counts(self) -> dict[str, int]:
        counts = {"ok": 0, "review": 0, "fail": 0, "skipped": 0}
        for result in self.results:
            counts[result.verdict] += 1
        return counts
