"""The review queue: flagged segments, most risky first, narrowed by the editor's filters."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

FLAGGED = ("review", "fail")


@dataclass
class QueueFilter:
    verdicts: tuple[str, ...] = FLAGGED
    # Keep segments blamed on one of these dimensions (a finding or a reason names it).
    dimensions: tuple[str, ...] = ()
    min_risk: float = 0.0
    # Keep segments whose lowest score (over `dimensions`, or all) is at most this.
    max_score: float = 1.0
    search: str = ""
    hide_decided: bool = False
    decided: frozenset[int] = field(default_factory=frozenset)

    def keeps(self, segment: dict[str, Any]) -> bool:
        if segment["verdict"] not in self.verdicts:
            return False
        if (segment["risk"] or 0.0) < self.min_risk:
            return False
        if self.hide_decided and segment["index"] in self.decided:
            return False
        if self.search and self.search.casefold() not in segment["text"].casefold():
            return False
        if self.dimensions and not blamed_dimensions(segment) & set(self.dimensions):
            return False
        if self.max_score < 1.0:
            names = self.dimensions or tuple(segment["scores"])
            scores = [segment["scores"].get(n) for n in names]
            if min((s for s in scores if s is not None), default=1.0) > self.max_score:
                return False
        return True


def blamed_dimensions(segment: dict[str, Any]) -> set[str]:
    """Dimensions a finding or a reason (`"grammar: ..."`) points at."""
    named = {reason.split(":", 1)[0] for reason in segment["reasons"] if ":" in reason}
    return named | {issue["dimension"] for issue in segment["issues"]}


def build_queue(segments: list[dict[str, Any]], queue_filter: QueueFilter) -> list[dict[str, Any]]:
    kept = [s for s in segments if queue_filter.keeps(s)]
    return sorted(kept, key=lambda s: (-(s["risk"] or 0.0), s["index"]))
