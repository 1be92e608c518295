"""A run's results together with what produced them: the object every writer receives."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mtqa.core.components import score_dimensions
from mtqa.core.documents import DocumentResult, SegmentResult
from mtqa.core.version import __version__

if TYPE_CHECKING:
    from mtqa.gate.policy import GateOutcome, GatePolicy

VERDICT_RANK = {"skipped": -1, "ok": 0, "review": 1, "fail": 2}


@dataclass
class Report:
    documents: list[DocumentResult]
    signature: str
    components: dict[str, dict[str, Any]] = field(default_factory=dict)
    fail_on: str = "fail"
    # Text output only: also list segments that passed.
    verbose: bool = False
    # Rule selection, thresholds, --max-flagged and baseline (mtqa.gate.policy); None = defaults.
    policy: GatePolicy | None = None

    def results(self) -> Iterator[SegmentResult]:
        for document in self.documents:
            yield from document.results

    def dimensions(self) -> tuple[str, ...]:
        """Dimensions with a score column (see `score_dimensions`)."""
        return score_dimensions(self.components)

    def counts(self) -> dict[str, int]:
        totals = {"ok": 0, "review": 0, "fail": 0, "skipped": 0}
        for document in self.documents:
            for verdict, count in document.counts().items():
                totals[verdict] += count
        return totals

    def gate(self) -> GateOutcome:
        """The findings, each marked suppressed/baselined/blocking, and which files fail."""
        from mtqa.gate.policy import GatePolicy, evaluate  # gates imports this module

        return evaluate(self, self.policy or GatePolicy())

    def gate_failed(self) -> bool:
        """True when a selected, unsuppressed, new finding reaches `fail_on` in a file over
        its `max_flagged` budget (any segment at or above `fail_on`, by default)."""
        return self.gate().failed

    def header(self) -> dict[str, Any]:
        return {
            "mtqa": __version__,
            "signature": self.signature,
            "components": self.components,
            "fail_on": self.fail_on,
            "counts": self.counts(),
            "gate_failed": self.gate_failed(),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.header(),
            "files": [
                {
                    "file": doc.document.path,
                    "format": doc.document.format,
                    "counts": doc.counts(),
                    "segments": [r.to_dict() for r in doc.results],
                }
                for doc in self.documents
            ],
        }
