"""Peer metrics computed in the same run as mtqa, for side-by-side tables.

Reference-based: sentence BLEU, chrF and TER from sacrebleu (default settings, signatures
recorded). Reference-free peers come from the raw values mtqa's scorers already keep:
the bare embedding cosine (drift), the bare LM log-probability (fluency) and Harper's error
count (grammar). Every function returns "quality" values: higher = better.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from mtqa.evaluation.features import SegmentDims

Quality = Callable[[SegmentDims], float | None]


def reference_metrics(hypotheses: Sequence[str], references: Sequence[str]) -> tuple[dict[str, list[float]], str]:
    """Sentence BLEU, chrF and -TER of each hypothesis against its reference, and their signatures."""
    from sacrebleu.metrics import BLEU, CHRF, TER

    metrics = {"BLEU": BLEU(effective_order=True), "chrF": CHRF(), "TER": TER()}
    values: dict[str, list[float]] = {name: [] for name in metrics}
    for hypothesis, reference in zip(hypotheses, references, strict=True):
        for name, metric in metrics.items():
            score = metric.sentence_score(hypothesis, [reference]).score
            values[name].append(-score if name == "TER" else score)
    signatures = "; ".join(f"{name}: {metric.get_signature().format()}" for name, metric in metrics.items())
    return values, signatures


def raw_value(dimension: str, key: str, sign: float = 1.0) -> Quality:
    def value(dims: SegmentDims) -> float | None:
        found: Any = dims[dimension].raw.get(key) if dimension in dims else None
        return sign * float(found) if isinstance(found, (int, float)) else None

    return value


def dimension_score(dimension: str) -> Quality:
    def value(dims: SegmentDims) -> float | None:
        return dims[dimension].score if dimension in dims else None

    return value


LM_LOGPROB = raw_value("fluency", "logprob")
LM_MEAN_LOGPROB = raw_value("fluency", "mean_logprob")
HARPER_ERRORS = raw_value("grammar", "n_errors", sign=-1.0)
EMBEDDING_COSINE = raw_value("drift", "cosine")
