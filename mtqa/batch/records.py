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

from mtqa.core.components import score_dimensions
from mtqa.core.documents import Segment, flat_columns, flat_row, segment_fields
from mtqa.core.pipeline import Pipeline


@dataclass(frozen=True)
class PipelineInfo:
    """What a batch needs to know of the pipeline without holding its models."""

    signature: str
    signature_short: str
    components: dict[str, dict[str, Any]]
    dimensions: tuple[str, ...] = field(default=score_dimensions(()))

    @classmethod
    def of(cls, pipeline: Pipeline) -> PipelineInfo:
        signature = pipeline.signature()
        return cls(str(signature), signature.short, pipeline.components(), score_dimensions(pipeline.scorers))


def score_records(pipeline: Pipeline, segments: Sequence[Segment]) -> list[str]:
    """Score segments (each keeps its document, for context) and combine them into records
    (`SegmentResult.record`, as JSON)."""
    dimensions = pipeline.score_segments(segments)
    return [json.dumps(pipeline.combine(segment, dims).record(), ensure_ascii=False)
            for segment, dims in zip(segments, dimensions, strict=True)]


_ARROW_TYPES = {"index": pa.int64(), "line": pa.int64(), "column": pa.int64(), "start": pa.int64(),
                "end": pa.int64(), "risk": pa.float64()}


def row_schema(dimensions: Sequence[str], with_system: bool) -> pa.Schema:
    """The Parquet schema of `flat_columns` (with a leading `system` column when comparing)."""
    columns = (["system"] if with_system else []) + flat_columns(dimensions)
    return pa.schema([(c, pa.float64() if c.startswith("score_") else _ARROW_TYPES.get(c, pa.string()))
                      for c in columns])


def output_row(segment: Segment, file_index: int, record: str, dimensions: Sequence[str],
               system: str | None = None) -> dict[str, Any]:
    """The flat row of a stored record, for the segment at `file_index` of its file."""
    document = segment.document
    row: dict[str, Any] = {"system": system} if system is not None else {}
    row.update(flat_row({**segment_fields(segment, file_index), **json.loads(record)}, dimensions,
                        document.format if document else ""))
    return row
