"""Score a dataset's segments once and keep what the scorers said on disk.

Feature extraction is the slow part of an evaluation (a language model over thousands of
sentences); refitting the risk model or recomputing statistics is not. So every scorer's
`DimensionResult` per segment is cached under `<cache_dir>/eval/`, keyed by the dataset
(file bytes and row limit), the view of it that was scored, and the pipeline's component
signature, which records every setting that affects a number. The risk model is not part
of the key: it is applied afterwards, so refits reuse the cache.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import pickle
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mtqa import __version__
from mtqa.documents import DimensionResult, Document, Issue, Segment
from mtqa.pipeline import CHUNK_SIZE, Pipeline

SegmentDims = dict[str, DimensionResult]


def components_key(pipeline: Pipeline) -> str:
    """Short hash of everything in the pipeline that affects a dimension's numbers."""
    described = json.dumps({"mtqa": __version__, **pipeline.components()}, sort_keys=True, default=str)
    return hashlib.sha256(described.encode("utf-8")).hexdigest()[:12]


def cache_path(pipeline: Pipeline, dataset_digest: str, view: str) -> Path:
    folder = Path(pipeline.settings.cache_dir).expanduser() / "eval"
    return folder / f"{view}-{dataset_digest}-{components_key(pipeline)}.json.gz"


def extract(pipeline: Pipeline, documents: Sequence[Document], dataset_digest: str, view: str,
            use_cache: bool = True, quiet: bool = False) -> list[SegmentDims]:
    """Every scorer's result for every segment of `documents`, in order (cached)."""
    segments = [s for d in documents for s in d.segments]
    path = cache_path(pipeline, dataset_digest, view)
    if use_cache and path.is_file():
        records = json.loads(gzip.decompress(path.read_bytes()))
        if len(records) == len(segments):
            return [_from_record(r) for r in records]
    lm_memo = LMMemo(pipeline) if use_cache else None
    dims: list[SegmentDims] = []
    for start in range(0, len(segments), CHUNK_SIZE):
        dims.extend(pipeline.score_segments(segments[start:start + CHUNK_SIZE]))
        if not quiet:
            print(f"mtqa eval: {view}: scored {len(dims)}/{len(segments)} segments",
                  file=sys.stderr, flush=True)
    _write_atomically(path, gzip.compress(json.dumps([_to_record(d) for d in dims]).encode("utf-8")))
    if lm_memo:
        lm_memo.save()
    return dims


class LMMemo:
    """The language model's per-text scores, kept on disk between evaluation runs.

    The LM dominates extraction time, and its scores do not change when a scorer merely
    derives another raw value from them: with this memo, adding a feature and re-extracting
    costs the cheap scorers only. Keyed by the LM's own signature (model, revision, dtype).
    """

    def __init__(self, pipeline: Pipeline) -> None:
        from mtqa.lm import load_causal_lm

        s = pipeline.settings
        self.lm = load_causal_lm(s.lm, s.cache_dir, s.dtype, s.device, s.batch_size)
        key = hashlib.sha256(json.dumps(self.lm.signature(), sort_keys=True).encode()).hexdigest()[:12]
        self.path = Path(s.cache_dir).expanduser() / "eval" / f"lm-memo-{key}.pkl"
        if self.path.is_file():
            for memo_key, scores in pickle.loads(self.path.read_bytes()).items():
                self.lm.remember(memo_key, scores)

    def save(self) -> None:
        _write_atomically(self.path, pickle.dumps(self.lm.memo_items(), protocol=pickle.HIGHEST_PROTOCOL))


def _to_record(dims: SegmentDims) -> dict[str, Any]:
    return {name: {"score": d.score, "raw": d.raw, "issues": [i.to_dict() for i in d.issues]}
            for name, d in dims.items()}


def _from_record(record: dict[str, Any]) -> SegmentDims:
    return {name: DimensionResult(d["score"], d["raw"], [Issue(**i) for i in d["issues"]])
            for name, d in record.items()}


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "wb") as stream:
        stream.write(data)
    os.replace(temporary, path)


def segment(text: str, index: int, **fields: Any) -> Segment:
    """A segment covering the whole of `text` (rows of a dataset, not spans of a file)."""
    return Segment(text, index, 0, len(text), **fields)
