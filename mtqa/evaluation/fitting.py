"""Fit the risk model (`mtqa.core.risk`) on labelled dev data, and measure it on held-out folds.

One logistic model per comparison mode over standardised raw features (inspectable: one
weight per named feature), fitted as a ranker and then calibrated:
- "reference": DEMETR pairs. A logistic on feature differences learns which direction is
  worse (perturbed minus good = 1); Platt scaling turns its score into the probability
  that a sentence is the perturbed one.
- "source" (a source in another language, no reference): MQM targets with their source. The
  ranker is fitted on pairs of the systems' translations of the same source segment, so it
  learns what separates better from worse translations of the same content rather than
  which sources are hard (fitted on all segments at once, a model learns mostly length:
  longer segments collect more errors); Platt scaling then calibrates it to the probability
  of a Major error (a Major span, or MQM >= 5).
- "document" (nothing to compare with: a rewritten article): the spun sentences of spun_dev,
  each document scored as a document. The ranker is fitted on pairs of sentences of the same
  document with different numbers of replaced words; Platt scaling, with the sentence's length
  as a base rate (a longer sentence holds more words a spinner can replace), calibrates it to
  the probability that the sentence holds a replaced word. (The same MQM targets arranged as
  documents, view "mqm-document", can still be refitted and measured held out by `mtqa eval`.)
Thresholds per mode: `review` is the highest risk that still catches REVIEW_RECALL[mode] of
the serious segments of the training data (document mode: even odds, see fit_view); `fail` the
lowest risk that at most FAIL_FALSE_ALARM of the clean ones reach. Cross-validation groups folds
by MQM document / DEMETR item / spun_dev document, so no group is both fitted and measured.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from itertools import combinations
from typing import TYPE_CHECKING

import numpy as np

from mtqa.core.errors import ConfigError
from mtqa.core.risk import (
    BASE_RATE_FEATURES,
    LOCALISATION_MODE,
    FeatureWeight,
    LinearRiskModel,
    RiskModel,
    feature_values,
    logistic,
)
from mtqa.evaluation.datasets import Dataset
from mtqa.evaluation.features import SegmentDims
from mtqa.evaluation.mqm import is_major
from mtqa.evaluation.views import MODE_OF_VIEW, mode_of
from mtqa.scorers.checks.length import LENGTH_SPREAD

if TYPE_CHECKING:
    from mtqa.evaluation import ScoredView

GROUP_NAME = {"mqm": "document", "demetr": "item", "blimp": "pair", "spun": "document"}
# Inputs of each mode's model: raw values a person can read as a reason (see docs/accuracy.md).
FEATURES: dict[str, tuple[str, ...]] = {
    "source": (
        "fluency.mean_logprob", "fluency.slor", "grammar.errors_per_10_words",
        "checks.length_log_ratio", "checks.length_ratio_excess", "checks.numbers_missing",
        "checks.numbers_extra", "checks.names_missing", "checks.dates_differing",
        "checks.quote_marks_missing", "drift.lexical_coverage",
    ),
    # The word-level test (fluency) and grammar; length enters as the base rate
    # (BASE_RATE_FEATURES). Left out because they did not transfer from spun_dev to the sample
    # article (docs/accuracy.md): SLOR, the count of word choices, and the topical fit against
    # the rest of the document.
    "document": (
        "fluency.synonym_gain_bits", "fluency.prediction_gain_bits", "fluency.max_excess_surprisal",
        "grammar.errors_per_10_words",
    ),
    # Only what works in any target language, and what a person can check: length against
    # the source, numbers, quotes, placeholders, untranslated text, the lexicon's coverage.
    LOCALISATION_MODE: (
        "checks.length_evidence", "checks.length_ratio_excess", "checks.numbers_missing",
        "checks.numbers_extra", "checks.dates_differing", "checks.quote_marks_missing",
        "checks.untranslated", "checks.placeholders_missing", "checks.placeholders_added",
        "drift.lexical_coverage", "drift.cosine",
    ),
    "reference": (
        "drift.lm_logprob_given_reference", "drift.cosine", "drift.chrf", "drift.ter",
        "drift.number_mismatches", "drift.names_missing", "drift.negation_mismatch",
        "drift.final_punctuation_missing", "fluency.slor", "fluency.max_excess_surprisal",
        "grammar.errors_per_10_words",
    ),
}
REGULARISATION = 1.0  # inverse L2 strength of scikit-learn's LogisticRegression
MQM_PAIR_GAP = 0.5  # MQM points between two translations that count as a ranking
# Share of the serious segments `review` should catch, per mode (l10n: without fluency or
# grammar, half of the Major errors is what checks a person can verify reach).
REVIEW_RECALL = {"reference": 0.8, "source": 0.8, LOCALISATION_MODE: 0.5}
# Document mode: review from this calibrated probability that a sentence holds a replaced word
# (a false alarm costs as much as a miss). On spun_dev, 80% recall of the sentences with two or
# more replaced words lay within 0.03 of `fail`, an empty review band.
DOCUMENT_REVIEW_RISK = 0.5
FAIL_FALSE_ALARM = 0.02


def feature_matrix(dims: Sequence[SegmentDims], names: Sequence[str]) -> np.ndarray:
    """One row per segment, one column per feature; NaN where a segment lacks it."""
    matrix = np.full((len(dims), len(names)), np.nan)
    for i, d in enumerate(dims):
        values = feature_values(d)
        for j, name in enumerate(names):
            value = values.get(name)
            if value is not None and math.isfinite(value):
                matrix[i, j] = value
    return matrix


def _standardise(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """z-scores (missing -> 0, the mean) and the means and scales used."""
    with warnings.catch_warnings():  # a feature no training segment has: mean 0, scale 1
        warnings.simplefilter("ignore", RuntimeWarning)
        means = np.nan_to_num(np.nanmean(matrix, axis=0))
        scales = np.nan_to_num(np.nanstd(matrix, axis=0))
    scales[scales == 0] = 1.0
    return np.nan_to_num((matrix - means) / scales), means, scales


def _linear_model(names: Sequence[str], means: np.ndarray, scales: np.ndarray,
                  weights: np.ndarray, bias: float) -> LinearRiskModel:
    return LinearRiskModel(float(bias), {
        name: FeatureWeight(round(float(m), 6), round(float(s), 6), round(float(w), 6))
        for name, m, s, w in zip(names, means, scales, weights, strict=True)
    })


def fit_ranking(dims: Sequence[SegmentDims], pairs: Sequence[tuple[int, int]],
                labels: Sequence[bool], names: Sequence[str], prior: str | None = None) -> LinearRiskModel:
    """A logistic ranker on feature differences of (worse, better) pairs of `dims`, turned
    into a probability of `labels` by Platt scaling (one slope, one bias, and a weight for
    the `prior` feature when given)."""
    try:
        from sklearn.linear_model import LogisticRegression
    except ImportError:
        raise ConfigError("fitting the risk model needs scikit-learn: pip install 'mtqa[eval]'") from None

    z, means, scales = _standardise(feature_matrix(dims, names))
    worse, better = np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])
    differences = np.vstack([z[worse] - z[better], z[better] - z[worse]])
    direction = np.r_[np.ones(len(pairs)), np.zeros(len(pairs))]
    ranker = LogisticRegression(C=REGULARISATION, fit_intercept=False, max_iter=1000).fit(differences, direction)
    weights = ranker.coef_[0]
    score = z @ weights
    y = np.asarray(labels, dtype=int)
    prior_z, prior_mean, prior_scale = _standardise(feature_matrix(dims, [prior] if prior else []))
    platt = LogisticRegression(max_iter=1000).fit(np.c_[score, prior_z], y)
    if prior and platt.coef_[0][1] <= 0:
        # The base rate states that more of the feature makes an error likelier; where the
        # ranking already carries it (or the data say otherwise) it is left out (weight 0).
        prior_z = np.zeros_like(prior_z)
        platt = LogisticRegression(max_iter=1000).fit(np.c_[score, prior_z], y)
    slope, bias = float(platt.coef_[0][0]), float(platt.intercept_[0])
    prior_weight = platt.coef_[0][1:]
    if slope <= 0:
        # The ranking does not order the labels across items: keep the ranking (unit slope)
        # and put the average segment at the labels' base rate.
        rate = min(max(y.mean(), 1e-3), 1 - 1e-3)
        slope, bias, prior_weight = 1.0, math.log(rate / (1 - rate)) - float(score.mean()), prior_weight * 0
    return _linear_model([*names, *([prior] if prior else [])], np.r_[means, prior_mean],
                         np.r_[scales, prior_scale], np.r_[weights * slope, prior_weight], bias)


def risks(model: LinearRiskModel, dims: Sequence[SegmentDims]) -> np.ndarray:
    return np.array([model.risk(feature_values(d))[0] for d in dims])


def choose_thresholds(serious_risks: Sequence[float], clean_risks: Sequence[float],
                      recall: float) -> tuple[float, float]:
    """(review, fail): review catches `recall` of the serious, fail reaches at most
    FAIL_FALSE_ALARM of the clean (and is never below review)."""
    review = round(float(np.quantile(serious_risks, 1 - recall)), 4)
    return review, fail_threshold(clean_risks, review)


def fail_threshold(clean_risks: Sequence[float], review: float) -> float:
    """The lowest risk at most FAIL_FALSE_ALARM of the clean reach, never below `review`."""
    return round(max(float(np.quantile(clean_risks, 1 - FAIL_FALSE_ALARM)), review), 4)


def fit_view(dataset: Dataset, view: ScoredView, positions: Sequence[int],
             names: Sequence[str]) -> LinearRiskModel:
    """The model of the view's mode over features `names`, fitted on the segments at
    `positions` (with its thresholds)."""
    mode = mode_of(view)
    if mode == "reference":
        rows = sorted({view.rows[p] for p in positions})
        by_row = _pair_positions(view)
        better = [view.dims[by_row[r][0]] for r in rows]
        worse = [view.dims[by_row[r][1]] for r in rows]
        n = len(rows)
        model = fit_ranking([*better, *worse], [(n + i, i) for i in range(n)],
                            [False] * n + [True] * n, names)
        serious = [d for r, d in zip(rows, worse, strict=True)
                   if dataset.rows[r]["severity"] in ("major", "critical")] or worse
        review, fail = choose_thresholds(risks(model, serious), risks(model, better),
                                         REVIEW_RECALL["reference"])
    else:
        positions = list(positions)
        dims = [view.dims[p] for p in positions]
        rows = [dataset.rows[view.rows[p]] for p in positions]
        if dataset.kind == "spun":
            labels, pairs = np.array([int(row["n_replaced"]) > 0 for row in rows]), _within_document_pairs(rows)
        else:
            labels, pairs = np.array([is_major(row) for row in rows]), _within_item_pairs(rows)
        # A base-rate feature (mtqa.core.risk) enters at the calibration step only, so it cannot
        # change the order of translations of one source.
        prior = BASE_RATE_FEATURES.get(mode)
        ranked = [name for name in names if name != prior]
        model = fit_ranking(dims, pairs, labels, ranked, prior if prior in names else None)
        if mode == LOCALISATION_MODE:
            model = _with_declared_directions(model, dims, pairs, labels, ranked)
        scored = risks(model, dims)
        if mode == "document":
            # A segment the model knows nothing about (every feature at its mean: the language
            # model abstained) must not be put up for review.
            review = max(DOCUMENT_REVIEW_RISK, round(logistic(model.bias) + 1e-4, 4))
            fail = fail_threshold(scored[~labels], review)
        else:
            review, fail = choose_thresholds(scored[labels], scored[~labels], REVIEW_RECALL[mode])
        if mode == LOCALISATION_MODE:
            # Verdicts rest on evidence a person can check: a translation that passes every
            # check and whose length is within the normal range is not put up for review.
            floor = round(model.risk(_evidence_boundary(names))[0] + 1e-4, 4)
            review, fail = max(review, floor), max(fail, floor)
    model.review_threshold, model.fail_threshold = review, fail
    return model


def _with_declared_directions(model: LinearRiskModel, dims: Sequence[SegmentDims], pairs: list[tuple[int, int]],
                              labels: np.ndarray, names: list[str]) -> LinearRiskModel:
    """The model refitted without the features whose weight contradicts their declared
    direction (more missing numbers cannot make a translation better), until none does: each
    weight then says what a person checking the feature expects. Dropped ones keep weight 0."""
    from mtqa.core.components import features_of
    from mtqa.scorers.registry import components

    direction = {name: feature.direction for name, feature in features_of(components().values()).items()}
    kept = list(names)
    while True:
        wrong = [name for name in kept if direction.get(name, 0) * model.features[name].weight > 0]
        if not wrong or len(wrong) == len(kept):
            break
        kept = [name for name in kept if name not in wrong]
        model = fit_ranking(dims, pairs, labels, kept)
    for name in names:
        if name not in model.features:
            model.features[name] = FeatureWeight(0.0, 1.0, 0.0)
    return model


def _evidence_boundary(names: Sequence[str]) -> dict[str, float]:
    """Feature values of the most doubtful translation the l10n model must let pass: no check
    finding, and shorter than a typical translation by two spreads of correct ones (a long text
    22% shorter; a short string must be far shorter, its evidence being shrunk); the other
    features stay at their mean."""
    values = {name: 0.0 for name in names if name.startswith("checks.")}
    values["checks.length_evidence"] = -2 * LENGTH_SPREAD
    return values


def _within_item_pairs(rows: Sequence[dict]) -> list[tuple[int, int]]:
    """(worse, better) index pairs among the systems' translations of each source segment
    whose MQM scores differ by at least MQM_PAIR_GAP: the ranker learns what separates
    translations of the same content, not what makes some sources harder than others."""
    items: dict[tuple[str, str], list[int]] = {}
    for i, row in enumerate(rows):
        items.setdefault((row["doc"], row["seg_id"]), []).append(i)
    pairs = []
    for members in items.values():
        for a, b in combinations(members, 2):
            gap = float(rows[a]["mqm"]) - float(rows[b]["mqm"])
            if abs(gap) >= MQM_PAIR_GAP:
                pairs.append((a, b) if gap > 0 else (b, a))
    return pairs


def _within_document_pairs(rows: Sequence[dict]) -> list[tuple[int, int]]:
    """(worse, better) index pairs of sentences of one document whose numbers of replaced words
    differ: the ranker learns what separates garbled from clean sentences of the same text."""
    documents: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        documents.setdefault(str(row["doc"]), []).append(i)
    pairs = []
    for members in documents.values():
        for a, b in combinations(members, 2):
            gap = int(rows[a]["n_replaced"]) - int(rows[b]["n_replaced"])
            if gap:
                pairs.append((a, b) if gap > 0 else (b, a))
    return pairs


def _pair_positions(view: ScoredView) -> dict[int, tuple[int, int]]:
    """Dataset row -> positions of its better and worse segment in the view."""
    positions: dict[int, list[int]] = {}
    for position, row in enumerate(view.rows):
        positions.setdefault(row, []).append(position)
    return {row: (p[0], p[1]) for row, p in positions.items()}


def group_of(dataset: Dataset, row: int) -> str:
    values = dataset.rows[row]
    return str(values["doc"] if dataset.kind in ("mqm", "spun") else values.get("id", row))


def fold_of_groups(groups: Sequence[str], folds: int) -> dict[str, int]:
    """Groups dealt round-robin into folds in a fixed shuffled order (reproducible)."""
    unique = sorted(set(groups))
    order = np.random.default_rng(0).permutation(len(unique))
    return {unique[i]: n % folds for n, i in enumerate(order)}


def fold_splits(groups: Sequence[str], folds: int) -> list[tuple[list[int], list[int]]]:
    """(train, test) positions of each fold: test holds the positions whose group was dealt to
    the fold, train all others, so no group is on both sides."""
    fold_of = fold_of_groups(groups, folds)
    return [([p for p, g in enumerate(groups) if fold_of[g] != fold],
             [p for p, g in enumerate(groups) if fold_of[g] == fold]) for fold in range(folds)]


def held_out_views(dataset: Dataset, views: dict[str, ScoredView], folds: int,
                   base: RiskModel, language: str) -> dict[str, ScoredView]:
    """Each fittable view's results with risk from models fitted on the other folds, over
    the features of `base`'s model for that mode (so an ablated model file is measured as is)."""
    out = dict(views)
    for name, view in views.items():
        if name not in MODE_OF_VIEW:
            continue
        groups = [group_of(dataset, row) for row in view.rows]
        results = list(view.results)
        # each fold's segments get the model fitted without them
        for fold, (train, test) in enumerate(fold_splits(groups, folds)):
            mode = mode_of(view, language)
            names = list(base.models[mode].features) if mode in base.models else _feature_names(mode)
            models = {**base.models, mode: fit_view(dataset, view, train, names)}
            risk = RiskModel(base.version + f"+fold{fold}", models, base.review_threshold,
                             base.fail_threshold, base.meta)
            for p in test:
                segment = view.segments[p]
                results[p] = risk.combine(segment, view.dims[p], segment.language(language))
        out[name] = type(view)(view.name, view.segments, view.dims, results)
    return out


# The data each mode is fitted on: dataset (the key of `scored` in `fit_risk_model`) and view.
TRAINING_VIEW = {"source": ("mqm", "mqm-source"), "document": ("spun", "spun"),
                 "reference": ("demetr", "demetr"), LOCALISATION_MODE: ("mqm-l10n", "mqm-source")}


def _feature_names(mode: str, drop: Sequence[str] = ()) -> list[str]:
    base_rate = [BASE_RATE_FEATURES[mode]] if mode in BASE_RATE_FEATURES else []
    return [name for name in (*FEATURES[mode], *base_rate) if name not in drop]


def fit_risk_model(scored: dict[str, tuple[Dataset, dict[str, ScoredView]]], version: str,
                   meta: dict | None = None, drop: Sequence[str] = (), modes: Sequence[str] | None = None,
                   kept: RiskModel | None = None) -> RiskModel:
    """Fit `modes` (default: every mode whose data is given) on all of their data, over FEATURES
    less `drop`, and take the other modes from `kept`. `scored`: dataset (`TRAINING_VIEW`'s keys:
    "mqm", "spun", "demetr", "mqm-l10n") -> (dataset, its views). The global thresholds (for a
    mode without its own) are the document mode's."""
    models = dict(kept.models) if kept else {}
    for mode, (key, view_name) in TRAINING_VIEW.items():
        if key not in scored or modes is not None and mode not in modes:
            continue
        dataset, views = scored[key]
        view = views[view_name]
        models[mode] = fit_view(dataset, view, range(len(view.segments)), _feature_names(mode, drop))
    thresholds = models.get("document") or next(iter(models.values()))
    return RiskModel(version, models, thresholds.review_threshold, thresholds.fail_threshold, meta or {})


def model_to_dict(model: RiskModel) -> dict:
    """The JSON form that `RiskModel.load` reads."""
    return {
        "version": model.version,
        "thresholds": {"review": model.review_threshold, "fail": model.fail_threshold},
        "meta": model.meta,
        "models": {
            mode: {
                "bias": round(m.bias, 6),
                "thresholds": {"review": m.review_threshold, "fail": m.fail_threshold},
                "features": {name: {"mean": fw.mean, "scale": fw.scale, "weight": fw.weight}
                             for name, fw in m.features.items()},
            }
            for mode, m in model.models.items()
        },
    }
