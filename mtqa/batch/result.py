"""What a finished batch hands to its report builders and to its caller."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mtqa.batch.compare import Comparison
from mtqa.batch.records import PipelineInfo
from mtqa.batch.summary import BatchSummary
from mtqa.gate.report import VERDICT_RANK


@dataclass
class BatchResult:
    summary: BatchSummary
    info: PipelineInfo
    engine: str
    elapsed_seconds: float
    inputs: list[str]
    settings: dict[str, Any]
    fail_on: str
    comparison: Comparison | None = None
    created: str = ""
    outputs: dict[str, Path] = field(default_factory=dict)

    def gate_failed(self) -> bool:
        """True when any segment's verdict reaches `fail_on` (as `mtqa check` decides)."""
        if self.fail_on == "never":
            return False
        level = VERDICT_RANK[self.fail_on]
        return any(count and VERDICT_RANK[verdict] >= level for verdict, count in self.summary.counts().items())

    def header(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "engine": self.engine,
            "elapsed_seconds": round(self.elapsed_seconds, 3),
            "inputs": self.inputs,
            "signature": self.info.signature,
            "signature_short": self.info.signature_short,
            "components": self.info.components,
            "settings": self.settings,
            "fail_on": self.fail_on,
            "gate_failed": self.gate_failed(),
        }

    def to_dict(self) -> dict[str, Any]:
        data = {**self.header(), **self.summary.to_dict()}
        if self.comparison:
            data["comparison"] = self.comparison.to_dict()
        return data
