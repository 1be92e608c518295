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
import pickle
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mtqa.core.documents import DimensionResult, Document, Issue, Segment
from mtqa.core.files import write_atomically
from mtqa.core.pipeline import CHUNK_SIZE, Pipeline
from mtqa.core.version import __version__

SegmentDims = dict[str, DimensionResult]


def components_key(pipeline: Pipeline) -> str:
    """Short hash of everything in the pipeline that affects a dimension's numbers: each
    scorer's class and signature (so `grammar = "auto"` that ran Harper is Harper), and the
    features and rules its spec declares (a feature added to a scorer scores again)."""
    scorers = {dimension: {"class": f"{type(scorer).__module__}.{type(scorer).__qualname__}",
                           **scorer.signature(),
                           "declared": sorted([*scorer.spec.raw_keys, *(r.id for r in scorer.spec.rules)])}
               for dimension, scorer in pipeline.scorers.items()}
    described = json.dumps({"mtqa": __version__, **scorers}, sort_keys=True, default=str)
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
    memos = ModelMemos(pipeline) if use_cache else None
    dims: list[SegmentDims] = []
    for start in range(0, len(segments), CHUNK_SIZE):
        dims.extend(pipeline.score_segments(segments[start:start + CHUNK_SIZE]))
        if not quiet:
            print(f"mtqa eval: {view}: scored {len(dims)}/{len(segments)} segments",
                  file=sys.stderr, flush=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, gzip.compress(json.dumps([_to_record(d) for d in dims]).encode("utf-8")))
    if memos:
        memos.save()
    return dims


class ModelMemos:
    """The models' memos (LM scores per text, sentence vectors per text) kept on disk.

    The models dominate extraction time, and their outputs do not change when a scorer
    merely derives another raw value from them: with these, adding a feature and extracting
    again costs the cheap parts only. Each file is keyed by the model's own settings.
    """

    def __init__(self, pipeline: Pipeline) -> None:
        from mtqa.models.embeddings import embedder_for
        from mtqa.models.lm import causal_lm_for

        s = pipeline.settings
        folder = Path(s.cache_dir).expanduser() / "eval"
        lm = causal_lm_for(s)
        embedder = embedder_for(s)
        self.models = {folder / f"lm-memo-{_short_hash(lm.signature())}.pkl": lm,
                       folder / f"embedder-memo-{_short_hash(embedder.signature())}.pkl": embedder}
        for path, model in self.models.items():
            model.memo.resize(None)  # keep every score of the data set, to save them all
            if path.is_file():
                model.remember(pickle.loads(path.read_bytes()))

    def save(self) -> None:
        for path, model in self.models.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(path, pickle.dumps(model.memo_items(), protocol=pickle.HIGHEST_PROTOCOL))


def _short_hash(settings: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode()).hexdigest()[:12]


def _to_record(dims: SegmentDims) -> dict[str, Any]:
    return {name: {"score": d.score, "raw": d.raw, "issues": [i.to_dict() for i in d.issues]}
            for name, d in dims.items()}


def _from_record(record: dict[str, Any]) -> SegmentDims:
    return {name: DimensionResult(d["score"], d["raw"], [Issue(**i) for i in d["issues"]])
            for name, d in record.items()}


def segment(text: str, index: int, **fields: Any) -> Segment:
    """A segment covering the whole of `text` (rows of a dataset, not spans of a file)."""
    return Segment(text, index, 0, len(text), **fields)
