"""The pipeline: documents in, one `SegmentResult` per segment out.

Scorers are built once from `Settings` through the component registry
(`mtqa.scorers.registry`), so each can be swapped by name in the config. Segments of all
documents are scored together in chunks (models batch within a chunk); a scorer only sees the
segments whose target language its models cover (the others abstain: no score, no finding).
Then `risk.RiskModel` combines the dimensions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from mtqa.core.components import ComponentSpec, Scorer
from mtqa.core.config import Settings
from mtqa.core.documents import DimensionResult, Document, DocumentResult, Issue, Segment, SegmentResult
from mtqa.core.errors import ConfigError
from mtqa.core.risk import NOT_SCORED, RiskModel
from mtqa.core.signature import Signature
from mtqa.gate.rules import TOO_LONG_RULE
from mtqa.models.threads import set_torch_threads
from mtqa.scorers.registry import component
from mtqa.text.language import identify_target_language
from mtqa.text.normalise import issues_in_original, normalised_segments

# Segments scored per round: big enough for length-sorted batching, small enough for progress.
CHUNK_SIZE = 512
Progress = Callable[[int], None]
# The longest text (target, source or reference) a segment may have to be scored. The LM reads
# at most 1,024 tokens (about 4,000 characters of English) and the embedder 256, so a longer
# segment is judged by its beginning only, while drift's cost keeps growing (measured on one
# unit: 5,000 characters 13 s, 20,000 16 s, 80,000 59 s and 3.9 GB; 1 MB ran out of 22 GB).
# A longer segment is not scored: it gets a major finding (so a verdict of at least review).
MAX_SEGMENT_CHARS = 10_000


def too_long(segment: Segment) -> DimensionResult | None:
    """The finding for a segment too long to score, or None."""
    for what, text in (("the segment", segment.text), ("its source", segment.source),
                       ("its reference", segment.reference)):
        if text is not None and len(text) > MAX_SEGMENT_CHARS:
            message = (f"{NOT_SCORED}: {what} is {len(text):,} characters long; segments of up to "
                       f"{MAX_SEGMENT_CHARS:,} are scored (split it into sentences or rows)")
            issue = Issue("checks", 0, 0, message, TOO_LONG_RULE, severity="major")
            return DimensionResult(None, {"too_long_chars": len(text)}, [issue])
    return None


class Pipeline:
    """Load the configured scorers once; score any number of documents with them."""

    def __init__(self, settings: Settings | None = None, risk_model: RiskModel | None = None):
        self.settings = (settings or Settings()).validate()
        if self.settings.threads:
            # CTranslate2 takes `threads` when the LM loads; torch's pool is process-wide, and
            # torch is set wherever it is imported (mtqa.models), not imported here for this.
            set_torch_threads(self.settings.threads)
        self.specs: dict[str, ComponentSpec] = {
            dimension: component(dimension, name)
            for dimension, name in self.settings.components().items() if name != "none"}
        # Before any model loads: a risk model fitted on features these components lack, or
        # thresholds the wrong way round, stop the run now.
        if risk_model is None:
            risk_model = RiskModel.load(self.settings.risk_model, self.specs)
        else:
            risk_model.check_features(self.specs)
        self.risk = risk_model.with_thresholds(self.settings.review_threshold,
                                               self.settings.fail_threshold)
        if self.risk.review_threshold > self.risk.fail_threshold:
            raise ConfigError("review_threshold must not exceed fail_threshold")
        self.scorers: dict[str, Scorer] = {}
        # Built side by side: loading the LM and Harper's dictionary release the GIL, so on
        # two cores start-up takes about as long as the slower of the two, not their sum.
        with ThreadPoolExecutor(max_workers=len(self.specs) or 1) as pool:
            futures = {dimension: pool.submit(spec.build, self.settings) for dimension, spec in self.specs.items()}
        failure: BaseException | None = None
        for dimension, future in futures.items():  # in the configured order
            try:
                self.scorers[dimension] = future.result()
            except BaseException as exc:  # noqa: BLE001 (re-raised below, after closing the others)
                failure = failure or exc
        if failure is not None:
            self.close()
            raise failure

    def score_segments(self, segments: Sequence[Segment]) -> list[dict[str, DimensionResult]]:
        """Every scorer's result for each segment (unscored segments get empty dicts). Scorers
        see the text in NFC; findings point into the text as given (mtqa.text.normalise). A
        document whose file declares no target language may get the one its text is identified
        as first (`identify_target_language`), unless its file's decision is already recorded
        on it (a chunk of a long table in `mtqa batch`, `mtqa.batch.units`)."""
        if self.settings.identify_language:
            for document in {id(s.document): s.document for s in segments if s.document is not None}.values():
                identify_target_language(document, self.settings.language)
        segments, mappings = normalised_segments(segments)
        out: list[dict[str, DimensionResult]] = [{} for _ in segments]
        languages = [s.language(self.settings.language) for s in segments]
        scorable = []
        for i, segment in enumerate(segments):
            if segment.scored and (refused := too_long(segment)) is not None:
                out[i]["checks"] = refused
            else:
                scorable.append(i)
        for dimension, scorer in self.scorers.items():
            positions = []
            for i in scorable:
                segment, language = segments[i], languages[i]
                if not scorer.covers(language):
                    if segment.scored:
                        out[i][dimension] = DimensionResult(None, {"unsupported_language": language})
                elif scorer.accepts(segment, language):
                    positions.append(i)
            todo = [segments[i] for i in positions]
            spec = self.specs[dimension]
            for position, result in zip(positions, scorer.score(todo), strict=True):
                spec.check_result(result)
                if position in mappings:
                    result = DimensionResult(result.score, result.raw, issues_in_original(result.issues,
                                                                                          mappings[position]))
                out[position][dimension] = result
        return out

    def combine(self, segment: Segment, dims: dict[str, DimensionResult]) -> SegmentResult:
        """Risk, verdict and reasons for one segment from its dimensions' results."""
        return self.risk.combine(segment, dims, segment.language(self.settings.language))

    def run(self, documents: Iterable[Document], progress: Progress | None = None,
            select: Callable[[Segment], bool] | None = None,
            chunk_size: int = CHUNK_SIZE) -> list[DocumentResult]:
        """One result per segment of each document, in order. With `select`, only the segments
        it accepts are scored and reported; the others stay in their documents as the context
        that scorers read (`--diff`: the changed segments get the numbers of a whole-file run).
        `progress` is called with the number of segments done after each `chunk_size` of them
        (an exception it raises stops the run there)."""
        documents = list(documents)
        segments = [s for d in documents for s in d.segments if select is None or select(s)]
        dims: list[dict[str, DimensionResult]] = []
        for start in range(0, len(segments), chunk_size):
            chunk = segments[start:start + chunk_size]
            dims.extend(self.score_segments(chunk))
            if progress:
                progress(len(chunk))
        combined = iter(self.combine(s, d) for s, d in zip(segments, dims, strict=True))
        return [DocumentResult(doc, [next(combined) for s in doc.segments if select is None or select(s)])
                for doc in documents]

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
