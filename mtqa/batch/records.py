"""Segment results as stored (a JSON record) and as written (one flat row per segment).

Every output row is built from the JSON record, whether it was just scored or came from
the store, and whichever engine scored it: so a cached re-run and the Ray engine write
exactly the same numbers as a fresh local run.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from mtqa.core.documents import DIMENSIONS, Segment, SegmentResult
from mtqa.core.pipeline import Pipeline


@dataclass(frozen=True)
class PipelineInfo:
    """What a batch needs to know of the pipeline without holding its models."""

    signature: str
    signature_short: str
    components: dict[str, dict[str, Any]]
    dimensions: tuple[str, ...] = field(default=DIMENSIONS)

    @classmethod
    def of(cls, pipeline: Pipeline) -> PipelineInfo:
        signature = pipeline.signature()
        dimensions = tuple(dict.fromkeys([*DIMENSIONS, *pipeline.scorers]))
        return cls(str(signature), signature.short, pipeline.components(), dimensions)


def record_json(result: SegmentResult) -> str:
    return json.dumps({
        "scores": result.scores,
        "raw": result.raw,
        "issues": [issue.to_dict() for issue in result.issues],
        "risk": result.risk,
        "verdict": result.verdict,
        "reasons": result.reasons,
    }, ensure_ascii=False)


def score_records(pipeline: Pipeline, segments: Sequence[Segment]) -> list[str]:
    """Score segments (each keeps its document, for context) and combine them into records."""
    dimensions = pipeline.score_segments(segments)
    return [record_json(pipeline.combine(segment, dims))
            for segment, dims in zip(segments, dimensions, strict=True)]


def row_schema(dimensions: Sequence[str], with_system: bool) -> pa.Schema:
    fields = [("system", pa.string())] if with_system else []
    fields += [
        ("file", pa.string()), ("format", pa.string()), ("index", pa.int64()), ("id", pa.string()),
        ("kind", pa.string()), ("line", pa.int64()), ("column", pa.int64()), ("text", pa.string()),
        ("source", pa.string()), ("reference", pa.string()),
        *((f"score_{d}", pa.float64()) for d in dimensions),
        ("risk", pa.float64()), ("verdict", pa.string()), ("reasons", pa.string()),
        ("issues", pa.string()), ("raw", pa.string()),
    ]
    return pa.schema(fields)


def output_row(segment: Segment, file_index: int, record: str, dimensions: Sequence[str],
               system: str | None = None) -> dict[str, Any]:
    data = json.loads(record)
    document = segment.document
    row: dict[str, Any] = {"system": system} if system is not None else {}
    row.update({
        "file": document.path if document else "",
        "format": document.format if document else "",
        "index": file_index,
        "id": segment.id,
        "kind": segment.kind,
        "line": segment.line,
        "column": segment.column,
        "text": segment.text,
        "source": segment.source,
        "reference": segment.reference,
    })
    for dimension in dimensions:
        row[f"score_{dimension}"] = data["scores"].get(dimension)
    row.update({
        "risk": data["risk"],
        "verdict": data["verdict"],
        "reasons": "; ".join(data["reasons"]),
        "issues": json.dumps(data["issues"], ensure_ascii=False),
        "raw": json.dumps(data["raw"], ensure_ascii=False),
    })
    return row
