"""The batch loop: stream units, reuse stored results, score the rest, write rows as they come.

Scoring is delegated to an engine: `LocalEngine` scores in this process with one loaded
`Pipeline`; the Ray engine (`mtqa.batch.ray_engine`) fills the store on a cluster first,
after which this same loop writes the outputs from the store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from mtqa.batch.records import PipelineInfo, output_row, score_records
from mtqa.batch.store import ResultStore, segment_key
from mtqa.batch.summary import BatchSummary
from mtqa.batch.units import Unit, iter_units
from mtqa.core.documents import Segment
from mtqa.core.errors import InputError
from mtqa.core.pipeline import Pipeline

# Segments per round: big enough for length-sorted model batches, small enough that an
# interruption loses little and memory stays bounded.
CHUNK_SIZE = 512
Progress = Callable[[int], None]
RowSink = Callable[[list[dict]], None]


@dataclass(frozen=True)
class System:
    """Files scored under one label: `name` is None for a plain batch, the folder in --compare."""

    name: str | None
    files: Sequence[str]


class Engine(Protocol):
    info: PipelineInfo

    def score(self, segments: Sequence[Segment]) -> list[str]: ...


class LocalEngine:
    """Scores in this process; segments of all files in a chunk share the model batches."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        self.info = PipelineInfo.of(pipeline)

    def score(self, segments: Sequence[Segment]) -> list[str]:
        return score_records(self.pipeline, segments)


class StoredOnly:
    """For writing outputs after another engine filled the store: nothing is left to score."""

    def __init__(self, info: PipelineInfo) -> None:
        self.info = info

    def score(self, segments: Sequence[Segment]) -> list[str]:
        files = sorted({s.document.path for s in segments if s.document})
        raise InputError(f"{', '.join(files)}: changed while the batch was running; run it again")


def iter_system_units(systems: Iterable[System], chunk_size: int, input_format: str | None = None,
                      language: str | None = None) -> Iterator[tuple[System, Unit]]:  # fmt: skip
    """Every file's units; `language` as in `iter_units`."""
    for system in systems:
        for path in system.files:
            for unit in iter_units(path, chunk_size, input_format, language):
                yield system, unit


def chunked(units: Iterable[tuple[System, Unit]], chunk_size: int) -> Iterator[list[tuple[System, Unit]]]:
    """Whole units grouped until a group has `chunk_size` segments (a bigger document goes alone)."""
    chunk: list[tuple[System, Unit]] = []
    size = 0
    for item in units:
        chunk.append(item)
        size += len(item[1].segments)
        if size >= chunk_size:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def lookup(store: ResultStore, keys: Sequence[str], use_cache: bool) -> dict[str, str]:
    return store.get_many(keys) if use_cache else {}


def missing_segments(segments: Sequence[Segment], keys: Sequence[str],
                     found: dict[str, str]) -> tuple[list[Segment], list[str]]:  # fmt: skip
    """The segments to score: one per key not found (identical segments are scored once)."""
    todo: dict[str, Segment] = {}
    for segment, key in zip(segments, keys, strict=True):
        if key not in found and key not in todo:
            todo[key] = segment
    return list(todo.values()), list(todo)


def run_chunks(engine: Engine, store: ResultStore, units: Iterable[tuple[System, Unit]],
               summary: BatchSummary, write_rows: RowSink, *, use_cache: bool = True,
               chunk_size: int = CHUNK_SIZE, progress: Progress | None = None) -> None:  # fmt: skip
    """Score every unit (stored results first), commit each chunk, and stream out its rows."""
    signature = engine.info.signature
    for chunk in chunked(units, chunk_size):
        segments = [s for _, unit in chunk for s in unit.segments]
        keys = [segment_key(s, signature) for s in segments]
        found = lookup(store, keys, use_cache)
        todo, todo_keys = missing_segments(segments, keys, found)
        if todo:
            records = engine.score(todo)
            store.put_many(zip(todo_keys, records, strict=True), signature)
            found.update(zip(todo_keys, records, strict=True))
        summary.scored += len(todo)
        summary.cached += len(segments) - len(todo)
        rows = []
        position = iter(keys)
        for system, unit in chunk:
            for segment in unit.segments:
                rows.append(output_row(segment, unit.file_index(segment), found[next(position)],
                                       engine.info.dimensions, system.name))
        write_rows(rows)
        for row in rows:
            summary.add(row)
        for _, unit in chunk:
            unit.release()
        if progress:
            progress(len(segments))
