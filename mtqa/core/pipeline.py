"""The pipeline: documents in, one `SegmentResult` per segment out.

Scorers are built once from `Settings` through the registry (`mtqa.scorers.base`), so
each can be swapped by name in the config. Segments of all documents are scored together
in chunks (models batch within a chunk), then `risk.RiskModel` combines the dimensions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from mtqa.core.config import Settings
from mtqa.core.documents import DimensionResult, Document, DocumentResult, Segment, SegmentResult
from mtqa.core.errors import ConfigError
from mtqa.core.risk import RiskModel
from mtqa.core.signature import Signature
from mtqa.scorers import build_scorer
from mtqa.scorers.base import Scorer

# Segments scored per round: big enough for length-sorted batching, small enough for progress.
CHUNK_SIZE = 512
Progress = Callable[[int], None]


class Pipeline:
    """Load the configured scorers once; score any number of documents with them."""

    def __init__(self, settings: Settings | None = None, risk_model: RiskModel | None = None):
        self.settings = (settings or Settings()).validate()
        if self.settings.threads:
            import torch  # the scorers' models run on torch; its thread pool is process-wide

            torch.set_num_threads(self.settings.threads)
        self.scorers: dict[str, Scorer] = {}
        try:
            for dimension, name in self.settings.components().items():
                if name != "none":
                    self.scorers[dimension] = build_scorer(dimension, name, self.settings)
        except BaseException:
            self.close()
            raise
        risk_model = risk_model or RiskModel.load(self.settings.risk_model)
        self.risk = risk_model.with_thresholds(self.settings.review_threshold,
                                               self.settings.fail_threshold)
        if self.risk.review_threshold > self.risk.fail_threshold:
            raise ConfigError("review_threshold must not exceed fail_threshold")

    def score_segments(self, segments: Sequence[Segment]) -> list[dict[str, DimensionResult]]:
        """Every scorer's result for each segment (unscored segments get empty dicts)."""
        out: list[dict[str, DimensionResult]] = [{} for _ in segments]
        languages = [s.language(self.settings.language) for s in segments]
        for dimension, scorer in self.scorers.items():
            positions = []
            for i, (segment, language) in enumerate(zip(segments, languages, strict=True)):
                if scorer.accepts(segment, language):
                    positions.append(i)
                elif segment.scored:
                    out[i][dimension] = DimensionResult(None, {"unsupported_language": language})
            todo = [segments[i] for i in positions]
            for position, result in zip(positions, scorer.score(todo), strict=True):
                out[position][dimension] = result
        return out

    def combine(self, segment: Segment, dims: dict[str, DimensionResult]) -> SegmentResult:
        """Risk, verdict and reasons for one segment from its dimensions' results."""
        return self.risk.combine(segment, dims, segment.language(self.settings.language))

    def run(self, documents: Iterable[Document], progress: Progress | None = None,
            chunk_size: int = CHUNK_SIZE) -> list[DocumentResult]:
        """`progress` is called with the number of segments done after each `chunk_size` of them
        (an exception it raises stops the run there)."""
        documents = list(documents)
        segments = [s for d in documents for s in d.segments]
        dims: list[dict[str, DimensionResult]] = []
        for start in range(0, len(segments), chunk_size):
            chunk = segments[start:start + chunk_size]
            dims.extend(self.score_segments(chunk))
            if progress:
                progress(len(chunk))
        combined = iter(self.combine(s, d) for s, d in zip(segments, dims, strict=True))
        return [DocumentResult(doc, [next(combined) for _ in doc.segments]) for doc in documents]

    def components(self) -> dict[str, dict[str, Any]]:
        """Each scorer's signature, named by its registered name unless it names itself."""
        configured = self.settings.components()
        return {dimension: {"name": configured[dimension], **scorer.signature()}
                for dimension, scorer in self.scorers.items()}

    def signature(self) -> Signature:
        return Signature.from_pipeline(self)

    def close(self) -> None:
        for scorer in self.scorers.values():
            scorer.close()

    def __enter__(self) -> Pipeline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
