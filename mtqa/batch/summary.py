"""Small running summaries of a batch: what the reports show, in memory bounded by the
number of files (not segments): counts, sums, fixed-bin histograms and the worst segments."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from mtqa.gate.report import VERDICT_RANK

VERDICTS = ("ok", "review", "fail", "skipped")
HISTOGRAM_BINS = 20
FILE_HISTOGRAM_BINS = 10
WORST_SEGMENTS = 50
# Longest segment text kept for the worst-segments table.
SHOWN_TEXT = 400


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def histogram_bin(value: float, bins: int) -> int:
    return min(bins - 1, max(0, int(value * bins)))


@dataclass
class Distribution:
    """Count, sum and a fixed histogram over [0, 1] of one score."""

    bins: int
    count: int = 0
    total: float = 0.0
    histogram: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.histogram = self.histogram or [0] * self.bins

    def add(self, value: float | None) -> None:
        if value is None:
            return
        self.count += 1
        self.total += value
        self.histogram[histogram_bin(value, self.bins)] += 1

    @property
    def mean(self) -> float | None:
        return self.total / self.count if self.count else None

    def to_dict(self) -> dict[str, Any]:
        return {"count": self.count, "mean": _rounded(self.mean), "histogram": list(self.histogram)}


@dataclass
class FileSummary:
    file: str
    format: str
    system: str | None
    dimensions: Sequence[str]
    segments: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(VERDICTS, 0))
    max_risk: float | None = None
    risk: Distribution = field(default_factory=lambda: Distribution(FILE_HISTOGRAM_BINS))
    scores: dict[str, Distribution] = field(default_factory=dict)

    def add(self, row: dict[str, Any]) -> None:
        self.segments += 1
        self.counts[row["verdict"]] += 1
        self.risk.add(row["risk"])
        if row["risk"] is not None:
            self.max_risk = max(self.max_risk or 0.0, row["risk"])
        for dimension in self.dimensions:
            self.scores.setdefault(dimension, Distribution(FILE_HISTOGRAM_BINS)).add(row[f"score_{dimension}"])

    def flagged(self) -> int:
        return self.counts["review"] + self.counts["fail"]

    def to_dict(self) -> dict[str, Any]:
        return {
            **({"system": self.system} if self.system is not None else {}),
            "file": self.file,
            "format": self.format,
            "segments": self.segments,
            **self.counts,
            "flagged_share": _rounded(self.flagged() / self.segments if self.segments else 0.0),
            "mean_risk": _rounded(self.risk.mean),
            "max_risk": self.max_risk,
            **{f"mean_{d}": _rounded(dist.mean) for d, dist in self.scores.items()},
        }


@dataclass
class BatchSummary:
    """Everything the reports need, gathered row by row as results stream past."""

    dimensions: Sequence[str]
    files: dict[tuple[str | None, str], FileSummary] = field(default_factory=dict)
    risk: Distribution = field(default_factory=lambda: Distribution(HISTOGRAM_BINS))
    scores: dict[str, Distribution] = field(default_factory=dict)
    # Review/fail segments whose reasons name each dimension.
    flagged_by_dimension: dict[str, dict[str, int]] = field(default_factory=dict)
    scored: int = 0
    cached: int = 0
    _worst: list[tuple[float, int, dict[str, Any]]] = field(default_factory=list)
    _order: itertools.count = field(default_factory=itertools.count)

    def __post_init__(self) -> None:
        for dimension in self.dimensions:
            self.scores.setdefault(dimension, Distribution(HISTOGRAM_BINS))
            self.flagged_by_dimension.setdefault(dimension, {"review": 0, "fail": 0})

    def add(self, row: dict[str, Any]) -> None:
        system = row.get("system")
        key = (system, row["file"])
        if key not in self.files:
            self.files[key] = FileSummary(row["file"], row["format"], system, self.dimensions)
        self.files[key].add(row)
        self.risk.add(row["risk"])
        for dimension in self.dimensions:
            self.scores[dimension].add(row[f"score_{dimension}"])
        if row["verdict"] in ("review", "fail"):
            self._count_reasons(row)
            self._keep_if_worst(row)

    def _count_reasons(self, row: dict[str, Any]) -> None:
        named = {reason.split(":", 1)[0].strip() for reason in row["reasons"].split("; ")}
        for dimension in named & set(self.flagged_by_dimension):
            self.flagged_by_dimension[dimension][row["verdict"]] += 1

    def _keep_if_worst(self, row: dict[str, Any]) -> None:
        rank = (row["risk"] or 0.0) + VERDICT_RANK[row["verdict"]]
        entry = {key: row.get(key) for key in ("system", "file", "index", "line", "risk", "verdict", "reasons")}
        entry["text"] = row["text"][:SHOWN_TEXT]
        entry["scores"] = {d: row[f"score_{d}"] for d in self.dimensions}
        item = (rank, -next(self._order), entry)
        if len(self._worst) < WORST_SEGMENTS:
            heapq.heappush(self._worst, item)
        else:
            heapq.heappushpop(self._worst, item)

    def worst(self) -> list[dict[str, Any]]:
        return [entry for _, _, entry in sorted(self._worst, key=lambda item: (-item[0], -item[1]))]

    def counts(self) -> dict[str, int]:
        totals = dict.fromkeys(VERDICTS, 0)
        for summary in self.files.values():
            for verdict, count in summary.counts.items():
                totals[verdict] += count
        return totals

    @property
    def segments(self) -> int:
        return sum(f.segments for f in self.files.values())

    def files_by_risk(self) -> list[FileSummary]:
        """Riskiest first: share of flagged segments, then mean risk."""
        return sorted(self.files.values(), key=lambda f: (-f.flagged() / max(f.segments, 1), -(f.risk.mean or 0.0)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "segments": self.segments,
            "scored": self.scored,
            "cached": self.cached,
            "counts": self.counts(),
            "risk": self.risk.to_dict(),
            "scores": {d: dist.to_dict() for d, dist in self.scores.items()},
            "flagged_by_dimension": self.flagged_by_dimension,
            "files": [f.to_dict() for f in self.files_by_risk()],
            "worst": self.worst(),
        }
