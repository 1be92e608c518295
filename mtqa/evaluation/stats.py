"""Agreement statistics of the WMT metrics meta-evaluation, small and dependency-free (numpy).

Every function takes "quality" values where higher means better, for the metric and for the
humans alike (pass -risk and -MQM). Undefined values (a constant input) come back as NaN.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from itertools import combinations

import numpy as np

BOOTSTRAP_SAMPLES = 1000


def kendall_tau_b(x: Sequence[float], y: Sequence[float]) -> float:
    """Kendall's tau-b: (concordant - discordant) / sqrt((n0 - ties_x) (n0 - ties_y))."""
    a, b = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if len(a) != len(b):
        raise ValueError("kendall_tau_b needs two sequences of the same length")
    concordance = 0.0
    untied_x = untied_y = 0
    for i in range(len(a) - 1):
        dx, dy = np.sign(a[i + 1:] - a[i]), np.sign(b[i + 1:] - b[i])
        concordance += float(np.sum(dx * dy))
        untied_x += int(np.count_nonzero(dx))
        untied_y += int(np.count_nonzero(dy))
    if untied_x == 0 or untied_y == 0:
        return math.nan
    return concordance / math.sqrt(untied_x * untied_y)


def grouped_kendall_tau(x: Sequence[float], y: Sequence[float],
                        groups: Sequence[Hashable]) -> tuple[float, list[float]]:
    """Tau-b within each group (e.g. the systems' translations of one source segment),
    averaged over the groups; also returns the per-group values.

    A group where the humans tie everything has nothing to rank and is left out; a group
    where the metric ties everything but the humans do not counts as 0 (the metric could
    not tell them apart). Leaving those out instead would flatter sparse metrics (a count
    that is 0 for most segments), which would then be judged on the few groups they fire in.
    """
    members: dict[Hashable, list[int]] = {}
    for position, group in enumerate(groups):
        members.setdefault(group, []).append(position)
    a, b = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    taus = []
    for positions in members.values():
        if len(positions) < 2 or np.all(b[positions] == b[positions[0]]):
            continue
        tau = kendall_tau_b(a[positions], b[positions])
        taus.append(0.0 if math.isnan(tau) else tau)
    return (float(np.mean(taus)) if taus else math.nan), taus


def pearson(x: Sequence[float], y: Sequence[float]) -> float:
    a, b = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    a, b = a - a.mean(), b - b.mean()
    norm = math.sqrt(float(a @ a) * float(b @ b))
    return float(a @ b) / norm if norm else math.nan


def bootstrap_mean_ci(values: Sequence[float], level: float = 0.95, seed: int = 1) -> tuple[float, float]:
    """Percentile bootstrap interval of a mean (resampling the values, e.g. per-group taus)."""
    array = np.asarray(values, dtype=float)
    if len(array) < 2:
        return math.nan, math.nan
    rng = np.random.default_rng(seed)
    means = array[rng.integers(0, len(array), (BOOTSTRAP_SAMPLES, len(array)))].mean(axis=1)
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(means, [tail, 100 - tail])
    return float(low), float(high)


def group_means(values: Sequence[float], groups: Sequence[Hashable]) -> dict[Hashable, float]:
    sums: dict[Hashable, list[float]] = {}
    for value, group in zip(values, groups, strict=True):
        sums.setdefault(group, []).append(value)
    return {group: float(np.mean(v)) for group, v in sums.items()}


def pairwise_accuracy(metric: dict[Hashable, float], human: dict[Hashable, float]) -> float:
    """Share of system pairs the metric orders as the humans do (a human tie counts when the
    metric ties too), as in the WMT23 metrics task's system-level accuracy."""
    pairs = list(combinations(sorted(human, key=str), 2))
    if not pairs:
        return math.nan
    agree = sum(np.sign(metric[s] - metric[t]) == np.sign(human[s] - human[t]) for s, t in pairs)
    return agree / len(pairs)


def system_agreement(metric: Sequence[float], human: Sequence[float],
                     systems: Sequence[Hashable]) -> dict[str, float]:
    """Pairwise accuracy and Kendall tau-b between the systems' mean metric and human scores."""
    by_metric, by_human = group_means(metric, systems), group_means(human, systems)
    names = sorted(by_human, key=str)
    return {
        "pairwise_accuracy": pairwise_accuracy(by_metric, by_human),
        "kendall_tau": kendall_tau_b([by_metric[n] for n in names], [by_human[n] for n in names]),
        "systems": len(names),
    }


def precision_recall(predicted: Sequence[bool], actual: Sequence[bool]) -> dict[str, float]:
    """Precision and recall of a yes/no prediction, with the counts behind them."""
    hits = sum(p and a for p, a in zip(predicted, actual, strict=True))
    n_predicted, n_actual = sum(map(bool, predicted)), sum(map(bool, actual))
    return {
        "precision": hits / n_predicted if n_predicted else math.nan,
        "recall": hits / n_actual if n_actual else math.nan,
        "predicted": n_predicted,
        "actual": n_actual,
    }


def auc(positives: Sequence[float], negatives: Sequence[float]) -> float:
    """Area under the ROC curve: the chance that a random positive scores above a random
    negative, ties counting half (NaN values left out)."""
    a, b = np.asarray(positives, dtype=float), np.asarray(negatives, dtype=float)
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    if not len(a) or not len(b):
        return math.nan
    difference = a[:, None] - b[None, :]
    return float(((difference > 0).sum() + 0.5 * (difference == 0).sum()) / difference.size)


def ranks(values: Sequence[float]) -> np.ndarray:
    """1-based ranks, ties given their average rank."""
    array = np.asarray(values, dtype=float)
    order = np.argsort(array, kind="stable")
    ranked = np.empty(len(array))
    ranked[order] = np.arange(1, len(array) + 1)
    for value in np.unique(array):
        tied = array == value
        ranked[tied] = ranked[tied].mean()
    return ranked


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    """Spearman's rho: Pearson of the ranks (pairs with a NaN left out)."""
    a, b = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    keep = ~(np.isnan(a) | np.isnan(b))
    return pearson(ranks(a[keep]), ranks(b[keep])) if keep.sum() > 1 else math.nan
