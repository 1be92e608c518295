"""`--engine ray`: score on a Ray cluster with Ray Data, models loaded once per worker.

The driver streams the inputs in the same chunks as the local engine, looks each segment
up in the result store, and puts only the chunks with work left into the object store
(which spills to disk, so the driver's memory stays bounded). `map_batches` runs them
through `RayScorer` actors, each holding one `Pipeline`; the results come back into the
store, and the outputs are then written from the store exactly as the local engine does.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

import pyarrow as pa

from mtqa.batch.engine import Progress, System, chunked, lookup, missing_segments
from mtqa.batch.records import PipelineInfo, score_records
from mtqa.batch.store import ResultStore, segment_key
from mtqa.batch.units import Unit
from mtqa.core.config import Settings
from mtqa.core.documents import Document, Segment
from mtqa.core.errors import ConfigError, ModelError
from mtqa.core.pipeline import Pipeline

RAY_MISSING = "--engine ray needs Ray, which is not installed: pip install 'mtqa[ray]'"
SEGMENT_FIELDS = ("text", "index", "start", "end", "line", "column", "id", "source", "reference", "kind", "meta")


def import_ray() -> Any:
    try:
        import ray
        import ray.data  # noqa: F401  (the extra installs ray[data])
    except ImportError:
        raise ConfigError(RAY_MISSING) from None
    return ray


def document_to_json(document: Document) -> dict[str, Any]:
    return {
        "path": document.path, "format": document.format, "text": document.text,
        "source_lang": document.source_lang, "target_lang": document.target_lang,
        # everything scoring reads of the file: its language decision (mtqa.batch.units), so that
        # a worker does not make its own; whether it is a template (its empty units are not judged)
        "meta": document.meta,
        "segments": [{name: getattr(s, name) for name in SEGMENT_FIELDS} for s in document.segments],
    }


def document_from_json(data: dict[str, Any]) -> Document:
    segments = [Segment(**s) for s in data.pop("segments")]
    return Document(**data, segments=segments)


def pipeline_info(settings: Settings) -> PipelineInfo:
    with Pipeline(settings) as pipeline:
        return PipelineInfo.of(pipeline)


class RayScorer:
    """A Ray Data callable class: one Pipeline per worker, built when the actor starts."""

    def __init__(self, settings: Settings) -> None:
        self.pipeline = Pipeline(settings)
        self.signature = str(self.pipeline.signature())

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[str]]:
        """`batch["work"]`: JSON work items (see `_work_items`); one row per scored segment back."""
        keys: list[str] = []
        records: list[str] = []
        for work in batch["work"]:
            work = json.loads(work)
            documents = [document_from_json(d) for d in work["documents"]]
            segments = [documents[d].segments[s] for d, s in work["positions"]]
            keys += work["keys"]
            records += score_records(self.pipeline, segments)
        return {"key": keys, "record": records, "signature": [self.signature] * len(keys)}


def _work_items(units: Iterable[tuple[System, Unit]], store: ResultStore, signature: str, use_cache: bool,
                chunk_size: int, progress: Progress | None) -> Iterator[str]:  # fmt: skip
    """One JSON work item per chunk with segments left to score (stored ones just tick)."""
    for chunk in chunked(units, chunk_size):
        documents = [unit.document for _, unit in chunk]
        positions = [(d, s) for d, document in enumerate(documents) for s in range(len(document.segments))]
        segments = [documents[d].segments[s] for d, s in positions]
        keys = [segment_key(s, signature) for s in segments]
        todo, todo_keys = missing_segments(segments, keys, lookup(store, keys, use_cache))
        if progress:
            progress(len(segments) - len(todo))
        if todo:
            where = {id(s): p for s, p in zip(segments, positions, strict=True)}
            yield json.dumps({"documents": [document_to_json(d) for d in documents],
                              "positions": [where[id(s)] for s in todo], "keys": todo_keys})
        for _, unit in chunk:
            unit.release()


def fill_store(units: Iterable[tuple[System, Unit]], store: ResultStore, settings: Settings, *,
               address: str | None, workers: int | None, use_cache: bool, chunk_size: int,
               progress: Progress | None) -> tuple[PipelineInfo, int]:  # fmt: skip
    """Score on Ray every segment the store lacks; returns the pipeline info and how many were scored."""
    ray = import_ray()
    if not ray.is_initialized():
        ray.init(address=address, include_dashboard=False, log_to_driver=False)
    cpus_per_worker = settings.threads or 1
    if workers is None:
        workers = max(1, int(ray.cluster_resources().get("CPU", 1) // cpus_per_worker))
    worker_settings = replace(settings, threads=cpus_per_worker)
    # max_calls=1: the worker process exits afterwards instead of idling with the models loaded.
    info_task = ray.remote(num_cpus=cpus_per_worker, max_calls=1)(pipeline_info)
    info = ray.get(info_task.remote(worker_settings))
    blocks = [ray.put(pa.table({"work": [item]}))
              for item in _work_items(units, store, info.signature, use_cache, chunk_size, progress)]
    if not blocks:
        return info, 0
    results = ray.data.from_arrow_refs(blocks).map_batches(
        RayScorer, fn_constructor_kwargs={"settings": worker_settings}, batch_size=1,
        concurrency=workers, num_cpus=cpus_per_worker, batch_format="numpy",
    )
    scored = 0
    for batch in results.iter_batches(batch_size=None, batch_format="pyarrow"):
        keys, records = batch["key"].to_pylist(), batch["record"].to_pylist()
        if set(batch["signature"].to_pylist()) - {info.signature}:
            raise ModelError(
                "a Ray worker runs different models or settings than expected; "
                f"expected signature {info.signature_short}: install the same mtqa and models on every node"
            )
        store.put_many(zip(keys, records, strict=True), info.signature)
        scored += len(keys)
        if progress:
            progress(len(keys))
    return info, scored

