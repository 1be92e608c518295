"""Two systems translating the same sources: paired per-segment differences and a paired
bootstrap confidence interval, as in sacrebleu's significance testing (Koehn, 2004).

Segments are paired by file (relative to each system's folder) and position. Risk is lower
= better; every dimension score is higher = better. Differences are B minus A.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from mtqa.core.errors import InputError

BOOTSTRAP_SAMPLES = 1000
BOOTSTRAP_SEED = 12345
CONFIDENCE = 0.95


@dataclass(frozen=True)
class PairedBootstrap:
    mean_difference: float
    low: float
    high: float
    p_value: float

    def to_dict(self) -> dict[str, float]:
        return {"mean_difference": self.mean_difference, "ci_low": self.low, "ci_high": self.high,
                "p_value": self.p_value}


def paired_bootstrap(differences: np.ndarray, samples: int = BOOTSTRAP_SAMPLES,
                     seed: int = BOOTSTRAP_SEED, confidence: float = CONFIDENCE) -> PairedBootstrap:  # fmt: skip
    """Resample segments with replacement; the interval is the percentile interval of the
    resampled mean differences, the p-value sacrebleu's: how often a resampled difference,
    centred on the resampled mean, is at least as far from zero as the observed one."""
    n = len(differences)
    if n == 0:
        return PairedBootstrap(float("nan"), float("nan"), float("nan"), float("nan"))
    rng = np.random.default_rng(seed)
    means = np.array([differences[rng.integers(0, n, n)].mean() for _ in range(samples)])
    observed = float(differences.mean())
    tail = (1 - confidence) / 2
    low, high = np.quantile(means, [tail, 1 - tail])
    extreme = np.abs(means - means.mean()) >= abs(observed)
    return PairedBootstrap(observed, float(low), float(high), float((extreme.sum() + 1) / (samples + 1)))


@dataclass(frozen=True)
class MeasureComparison:
    measure: str
    pairs: int
    a_better: float
    b_better: float
    ties: float
    bootstrap: PairedBootstrap

    def to_dict(self) -> dict[str, Any]:
        return {"measure": self.measure, "pairs": self.pairs, "a_better": self.a_better,
                "b_better": self.b_better, "ties": self.ties, **self.bootstrap.to_dict()}


@dataclass(frozen=True)
class Comparison:
    system_a: str
    system_b: str
    paired: int
    unpaired_a: int
    unpaired_b: int
    measures: list[MeasureComparison]

    def to_dict(self) -> dict[str, Any]:
        return {"system_a": self.system_a, "system_b": self.system_b, "paired": self.paired,
                "unpaired_a": self.unpaired_a, "unpaired_b": self.unpaired_b,
                "measures": [m.to_dict() for m in self.measures]}


def _system_table(table: pa.Table, system: str, measures: Sequence[str]) -> pa.Table:
    rows = table.filter(pc.equal(table["system"], system))
    prefix = len(system.rstrip("/")) + 1
    document = pc.utf8_slice_codeunits(rows["file"], prefix)
    return pa.table({"document": document, "index": rows["index"], "text": rows["text"],
                     **{m: rows[m] for m in measures}})


def compare_systems(segments_parquet: Path, system_a: str, system_b: str,
                    dimensions: Sequence[str]) -> tuple[Comparison, pa.Table]:  # fmt: skip
    """Paired statistics, and the paired rows (for comparison.csv)."""
    measures = ["risk", *(f"score_{d}" for d in dimensions)]
    table = pq.read_table(segments_parquet, columns=["system", "file", "index", "text", *measures])
    a = _system_table(table, system_a, measures)
    b = _system_table(table, system_b, measures)
    paired = a.join(b, keys=["document", "index"], join_type="inner", left_suffix="_a", right_suffix="_b")
    if paired.num_rows == 0:
        raise InputError(f"{system_a}, {system_b}: no segments pair up (same file names and segment "
                         "positions are needed under both folders)")
    paired = paired.sort_by([("document", "ascending"), ("index", "ascending")])
    results = []
    for measure in measures:
        values_a = paired[f"{measure}_a"].to_numpy(zero_copy_only=False).astype(float)
        values_b = paired[f"{measure}_b"].to_numpy(zero_copy_only=False).astype(float)
        both = ~(np.isnan(values_a) | np.isnan(values_b))
        difference = values_b[both] - values_a[both]
        if len(difference) == 0:
            continue  # a disabled dimension: nothing to compare
        # Lower risk is better; higher scores are better.
        b_wins = difference < 0 if measure == "risk" else difference > 0
        a_wins = difference > 0 if measure == "risk" else difference < 0
        count = len(difference)
        results.append(MeasureComparison(
            measure, count, float(a_wins.sum() / count), float(b_wins.sum() / count),
            float((difference == 0).sum() / count), paired_bootstrap(difference)))
        paired = paired.append_column(f"{measure}_difference", pa.array(values_b - values_a, from_pandas=True))
    comparison = Comparison(system_a, system_b, paired.num_rows, a.num_rows - paired.num_rows,
                            b.num_rows - paired.num_rows, results)
    return comparison, paired
