"""Error-span detection against annotated spans, by character overlap (WMT QE span task style).

Predicted spans are the offsets of mtqa's issues; gold spans are the raters' error spans
(omissions, which have no span in the target, are left out of the character counts).
Precision and recall are micro-averaged over all characters of all segments.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    start: int
    end: int

    def chars(self) -> set[int]:
        return set(range(self.start, self.end))


def characters(spans: Iterable[Span]) -> set[int]:
    covered: set[int] = set()
    for span in spans:
        covered |= span.chars()
    return covered


@dataclass
class SpanCounts:
    overlap: int = 0
    predicted: int = 0
    gold: int = 0

    def add(self, predicted: Iterable[Span], gold: Iterable[Span]) -> None:
        p, g = characters(predicted), characters(gold)
        self.overlap += len(p & g)
        self.predicted += len(p)
        self.gold += len(g)

    def scores(self) -> dict[str, float]:
        precision = self.overlap / self.predicted if self.predicted else 0.0
        recall = self.overlap / self.gold if self.gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"precision": precision, "recall": recall, "f1": f1,
                "predicted_chars": self.predicted, "gold_chars": self.gold}


def span_scores(predicted: Sequence[Iterable[Span]], gold: Sequence[Iterable[Span]]) -> dict[str, float]:
    """Character-level precision, recall and F1 over segments (one span list per segment)."""
    counts = SpanCounts()
    for p, g in zip(predicted, gold, strict=True):
        counts.add(p, g)
    return counts.scores()


def share_caught(predicted: Sequence[Iterable[Span]], targets: Sequence[Iterable[Span]]) -> tuple[int, int]:
    """How many target spans (e.g. Major errors) overlap at least one predicted span, of how many."""
    caught = total = 0
    for p, t in zip(predicted, targets, strict=True):
        covered = characters(p)
        for span in t:
            total += 1
            caught += bool(span.chars() & covered)
    return caught, total
