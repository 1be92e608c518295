"""Contrastive pairs (DEMETR, BLiMP): how often a metric ranks the better text of a pair higher.

A pair counts as right only when the better text scores strictly better: ties are failures
(a metric that cannot tell the two apart has not ranked them).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from mtqa.evaluation import ScoredView
from mtqa.evaluation.datasets import Dataset
from mtqa.evaluation.peers import (
    EMBEDDING_COSINE,
    HARPER_ERRORS,
    LM_LOGPROB,
    LM_MEAN_LOGPROB,
    dimension_score,
    reference_metrics,
)
from mtqa.evaluation.tables import Table
from mtqa.evaluation.views import MONOLINGUAL_PER_TYPE


def pair_values(view: ScoredView, quality: Callable[[int], float | None]) -> tuple[np.ndarray, np.ndarray]:
    """Quality of the better and the worse text of each pair (views keep them in that order)."""
    values = np.array([np.nan if (q := quality(p)) is None else q for p in range(len(view.segments))])
    return values[0::2], values[1::2]


def accuracy(better: np.ndarray, worse: np.ndarray) -> float:
    """Share ranked right; a pair the metric cannot score counts as wrong, like a tie."""
    return float(np.mean(np.nan_to_num(better - worse, nan=0.0) > 0)) if len(better) else float("nan")


def _metric_columns(
    view: ScoredView, extra: dict[str, list[float]] | None = None
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Name -> (better, worse) quality arrays: mtqa's risk and dimensions, then peers."""
    def from_dims(quality):  # noqa: ANN001, ANN202 - a peers.Quality
        return lambda p: quality(view.dims[p])

    columns = {
        "risk": pair_values(view, lambda p: None if view.results[p].risk is None else -view.results[p].risk),
        "fluency": pair_values(view, from_dims(dimension_score("fluency"))),
        "grammar": pair_values(view, from_dims(dimension_score("grammar"))),
        "drift": pair_values(view, from_dims(dimension_score("drift"))),
    }
    for name, values in (extra or {}).items():
        columns[name] = (np.array(values[0::2]), np.array(values[1::2]))
    columns["cosine"] = pair_values(view, from_dims(EMBEDDING_COSINE))
    columns["LM logprob"] = pair_values(view, from_dims(LM_LOGPROB))
    columns["LM mean logprob"] = pair_values(view, from_dims(LM_MEAN_LOGPROB))
    columns["Harper errors"] = pair_values(view, from_dims(HARPER_ERRORS))
    return {name: pair for name, pair in columns.items() if not np.isnan(pair[0]).all()}


def _breakdown(title: str, labels: Sequence[str], columns: dict[str, tuple[np.ndarray, np.ndarray]],
               note: str = "") -> Table:
    table = Table(title, ["group", "pairs", *columns], note=note)
    groups = sorted(set(labels))
    label_array = np.array(labels)
    for group in [*groups, "overall"]:
        mask = np.ones(len(labels), bool) if group == "overall" else label_array == group
        table.add(group, int(mask.sum()), *(accuracy(b[mask], w[mask]) for b, w in columns.values()))
    return table


NOTE = ("Share of pairs ranked the right way (ties count as failures). risk: -risk (higher = better);"
        " fluency/grammar/drift: mtqa's dimension scores; peers: sacrebleu sentence metrics with the"
        " reference, bare embedding cosine with the reference, bare LM log-probability (summed, mean"
        " per token), Harper's error count.")


def demetr_tables(dataset: Dataset, views: dict[str, ScoredView]) -> list[Table]:
    view = views["demetr"]
    references = [s.reference or "" for s in view.segments]
    peers, signatures = reference_metrics([s.text for s in view.segments], references)
    columns = _metric_columns(view, peers)
    rows = view.rows[0::2]
    note = f"{NOTE} sacrebleu: {signatures}"
    return [
        _breakdown("DEMETR accuracy by severity", [dataset.rows[r]["severity"] for r in rows], columns, note),
        _breakdown("DEMETR accuracy by perturbation", [dataset.rows[r]["pert_name"] for r in rows], columns),
        *([monolingual_table(dataset, views)] if "demetr-monolingual" in views else []),
    ]


def monolingual_table(dataset: Dataset, views: dict[str, ScoredView]) -> Table:
    """The sampled items without their reference (each sentence alone, mode "document") beside
    the same items with it: what mtqa sees of each perturbation in text it cannot compare."""
    alone, compared = views["demetr-monolingual"], views["demetr"]
    rows = alone.rows[0::2]
    position_of = {row: p for p, row in enumerate(compared.rows[0::2])}
    picked = [position_of[row] for row in rows]
    with_reference = pair_values(compared, lambda p: None if compared.results[p].risk is None
                                 else -compared.results[p].risk)
    columns = {"risk, with reference": (with_reference[0][picked], with_reference[1][picked]),
               **{f"{name}, no reference": pair for name, pair in _metric_columns(alone).items()
                  if name in ("risk", "fluency", "grammar", "LM mean logprob")}}
    title = "DEMETR accuracy by perturbation, without the reference (monolingual)"
    return _breakdown(title, [dataset.rows[r]["pert_name"] for r in rows], columns,
                      note=f"The first {MONOLINGUAL_PER_TYPE} items of each perturbation type; each sentence "
                      "scored alone, as text with nothing to compare with (mode document), beside the same "
                      "items scored with their reference.")


def blimp_tables(dataset: Dataset, views: dict[str, ScoredView]) -> list[Table]:
    view = views["blimp"]
    columns = _metric_columns(view)
    rows = view.rows[0::2]
    note = NOTE + " BLiMP has no reference: BLEU, chrF, TER and cosine do not apply."
    return [_breakdown("BLiMP accuracy by phenomenon", [dataset.rows[r]["linguistics_term"] for r in rows],
                       columns, note)]
