"""MQM-rated translations: correlation with the raters, verdict quality, error spans.

Segment level: Kendall tau-b between a metric's quality (-risk, a dimension score, a peer)
and -MQM, flat over all rows and item-grouped (within the systems' translations of one
source segment, keyed by (doc, seg_id), then averaged; flat tau over all rows mostly
measures length, because longer segments collect more errors), plus Pearson. System level:
the systems' mean metric against their mean MQM (pairwise accuracy, Kendall tau).
Verdicts: how well `review`/`fail` find segments with a Major error and how clean `ok` is.
Spans: mtqa's issue offsets against the raters' error spans (see `spans`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import numpy as np

from mtqa.evaluation import ScoredView
from mtqa.evaluation.datasets import Dataset
from mtqa.evaluation.peers import (
    HARPER_ERRORS,
    LM_LOGPROB,
    LM_MEAN_LOGPROB,
    dimension_score,
)
from mtqa.evaluation.spans import Span, share_caught, span_scores
from mtqa.evaluation.stats import (
    bootstrap_mean_ci,
    grouped_kendall_tau,
    kendall_tau_b,
    pearson,
    precision_recall,
    system_agreement,
)
from mtqa.evaluation.tables import Table
from mtqa.evaluation.views import mode_of

# An average MQM score at which a segment counts as having a Major error (one Major = 5).
MAJOR_MQM = 5.0


def errors_of(row: dict[str, Any]) -> list[dict[str, Any]]:
    return json.loads(row.get("errors_json") or "[]")


def is_major(row: dict[str, Any]) -> bool:
    """The raters found a Major error: a Major span (any rater) or an MQM score of 5 or more."""
    return float(row["mqm"]) >= MAJOR_MQM or any(e["severity"] == "Major" for e in errors_of(row))


def by_row(view: ScoredView, quality: Callable[[int], float | None], n_rows: int) -> np.ndarray:
    """The metric's quality per dataset row (NaN where the view has none)."""
    values = np.full(n_rows, np.nan)
    for position, row in enumerate(view.rows):
        value = quality(position)
        if value is not None:
            values[row] = value
    return values


def metrics(dataset: Dataset, views: dict[str, ScoredView]) -> dict[str, np.ndarray]:
    """Name -> quality per row (higher = better) for mtqa and its peers."""
    n = len(dataset.rows)
    out: dict[str, np.ndarray] = {}
    for view in views.values():
        out[f"risk ({mode_of(view)} mode)"] = by_row(
            view, lambda p, v=view: None if v.results[p].risk is None else -v.results[p].risk, n)
    source, document = views["mqm-source"], views["mqm-document"]
    for dimension in ("fluency", "grammar", "checks"):
        out[f"{dimension} score"] = by_row(source, lambda p, d=dimension: dimension_score(d)(source.dims[p]), n)
    out["drift score (source lexicon)"] = by_row(source, lambda p: dimension_score("drift")(source.dims[p]), n)
    out["drift score (document context)"] = by_row(
        document, lambda p: dimension_score("drift")(document.dims[p]), n)
    out["peer: LM logprob (bare, summed)"] = by_row(source, lambda p: LM_LOGPROB(source.dims[p]), n)
    out["peer: LM logprob (bare, per token)"] = by_row(source, lambda p: LM_MEAN_LOGPROB(source.dims[p]), n)
    out["peer: Harper error count"] = by_row(source, lambda p: HARPER_ERRORS(source.dims[p]), n)
    out["baseline: target length (chars)"] = np.array([float(len(r["target"])) for r in dataset.rows])
    return out


def correlation_table(dataset: Dataset, views: dict[str, ScoredView]) -> Table:
    human = np.array([-float(r["mqm"]) for r in dataset.rows])
    items = [(r["doc"], r["seg_id"]) for r in dataset.rows]
    systems = [r["system"] for r in dataset.rows]
    table = Table("MQM segment- and system-level agreement (quality vs -MQM)",
                  ["metric", "rows", "tau flat", "tau grouped", "grouped 95% CI", "pearson",
                   "sys pairwise acc", "sys tau"],
                  note="tau: Kendall tau-b; grouped: within the systems' translations of one source "
                  "segment (doc, seg_id), averaged over segments; CI: bootstrap over segments. "
                  "Sentence BLEU, chrF, TER and embedding cosine need a reference, which this file "
                  "lacks (and the default embedder is English-only), so they do not apply here.")
    for name, values in metrics(dataset, views).items():
        keep = ~np.isnan(values)
        if not keep.any():  # a dimension that abstains for the target language: shown as such
            table.add(name, 0, *[float("nan")] * 2, "n/a", *[float("nan")] * 3)
            continue
        grouped, per_item = grouped_kendall_tau(
            values[keep], human[keep], [i for i, k in zip(items, keep, strict=True) if k]
        )
        low, high = bootstrap_mean_ci(per_item)
        system = system_agreement(values[keep], human[keep], [s for s, k in zip(systems, keep, strict=True) if k])
        table.add(name, int(keep.sum()), kendall_tau_b(values[keep], human[keep]), grouped,
                  f"[{low:.3f}, {high:.3f}]", pearson(values[keep], human[keep]),
                  system["pairwise_accuracy"], system["kendall_tau"])
    return table


def verdict_table(dataset: Dataset, views: dict[str, ScoredView]) -> Table:
    table = Table("MQM verdicts against Major errors (a Major span, or MQM >= 5)",
                  ["mode", "segments", "major", "ok", "review", "fail", "flagged precision",
                   "flagged recall", "ok precision", "ok recall", "fail precision"],
                  note="flagged = review or fail; ok precision = share of ok segments with no Major "
                  "error; ok recall = share of segments without a Major error that are ok.")
    for view in views.values():
        major = [is_major(dataset.rows[r]) for r in view.rows]
        verdicts = [result.verdict for result in view.results]
        flagged = precision_recall([v in ("review", "fail") for v in verdicts], major)
        ok = precision_recall([v == "ok" for v in verdicts], [not m for m in major])
        failed = precision_recall([v == "fail" for v in verdicts], major)
        table.add(mode_of(view), len(verdicts), sum(major), verdicts.count("ok"), verdicts.count("review"),
                  verdicts.count("fail"), flagged["precision"], flagged["recall"], ok["precision"],
                  ok["recall"], failed["precision"])
    return table


def span_table(dataset: Dataset, views: dict[str, ScoredView]) -> Table:
    table = Table("MQM error spans (character overlap with the raters' spans, all raters)",
                  ["mode", "issues of", "precision", "recall", "F1", "major spans caught", "major spans"],
                  note="Predicted: the character spans of mtqa's issues; gold: every rater's error "
                  "spans (omissions have no span and are left out). A Major span is caught when an "
                  "issue overlaps it.")
    for view in views.values():
        gold, major = [], []
        for row in view.rows:
            errors = [e for e in errors_of(dataset.rows[row]) if e["end"] > e["start"]]
            gold.append([Span(e["start"], e["end"]) for e in errors])
            major.append(sorted({Span(e["start"], e["end"]) for e in errors if e["severity"] == "Major"},
                                key=lambda s: (s.start, s.end)))
        for scope in ("all segments", "flagged segments"):
            predicted = [
                [Span(i.start, i.end) for i in result.issues if i.end > i.start]
                if scope == "all segments" or result.verdict in ("review", "fail") else []
                for result in view.results
            ]
            scores = span_scores(predicted, gold)
            caught, total = share_caught(predicted, major)
            table.add(mode_of(view), scope, scores["precision"], scores["recall"], scores["f1"],
                      caught / total if total else float("nan"), total)
    return table


def tables(dataset: Dataset, views: dict[str, ScoredView]) -> list[Table]:
    return [correlation_table(dataset, views), verdict_table(dataset, views), span_table(dataset, views)]
