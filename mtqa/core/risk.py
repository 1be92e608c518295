"""Combine the dimensions of one segment into a risk, a verdict and reasons a person can act on.

The combination is a logistic model over standardised raw features, one per comparison mode
(`reference`: a reference or an English source; `source`: a source in another language;
`document`: neither; `l10n`: a source in another language and a target language the fluency
model does not read, judged by what works in any language: checks, length against the
source, drift where a lexicon or cross-lingual embedder covers the pair). Its parameters live
in a small versioned JSON file in the package
(`mtqa/data/risk_model.json`), refitted by `scripts/fit_risk.py`. A feature missing for a
segment counts as the training mean, so it adds nothing either way. Each mode may carry its
own review/fail thresholds (chosen on its own labelled data); the file's global thresholds
apply where it does not, and thresholds given in the settings override both.

Headings are fragments by design ("‘Uncontrolled anger’"): the language model's judgement of
the segment as a sentence (SLOR, its least expected word) and the document-context fit would
flag them for being short. So a heading is not judged on the features its component declares
`whole_sentence` (`sentence_features`); what compares words or texts (grammar, checks, the
word-level test, a source or reference) still counts, and a heading is put up for review
only when that raises its risk (or a finding is major).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mtqa.core.components import features_of, score_dimensions
from mtqa.core.documents import DimensionResult, Issue, Segment, SegmentResult, Verdict
from mtqa.core.errors import ConfigError
from mtqa.text.language import comparison_mode

if TYPE_CHECKING:
    from mtqa.core.components import ComponentSpec

# Risk model per comparison mode (mtqa.text.language.comparison_mode).
RISK_MODES = {"reference": "reference", "crosslingual": "source", "context": "document"}
# The model for a source in another language when the fluency model abstained for the target
# language (a German target of an English source): see `risk_mode`.
LOCALISATION_MODE = "l10n"
# A reason is given for a dimension whose share of what pushed the logit up is at least this.
REASON_MIN_CONTRIBUTION = 0.35
# ... and at least this much of the logit: a dimension that barely moved the risk is no reason.
REASON_MIN_LOGIT = 0.01
# Severities that on their own put a segment up for review, whatever the risk says; a critical
# finding (a certain break: a format string that raises at run time) fails it.
REVIEW_SEVERITIES = ("major", "critical")
FAIL_SEVERITY = "critical"
# How the reason of a segment that nothing could judge starts (a skipped one that is prose).
NOT_SCORED = "not scored"
# Per mode, a feature that sets the base rate rather than pointing at a problem: a longer
# source gives more room for error (MQM zh-en: 44% of the shortest fifth of segments has a
# Major error, 77% of the longest), and a longer sentence of a rewritten text holds more words
# a rewriter can have garbled, so `ok` means as much for a long segment as for a short one.
# It is never the only reason a segment is flagged (see `explain`).
BASE_RATE_FEATURES = {"source": "checks.source_log_length", "document": "fluency.n_tokens"}


def logistic(x: float) -> float:
    """1 / (1 + e^-x), with x clamped to +-30 so that exp cannot overflow."""
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, x))))


@dataclass
class FeatureWeight:
    mean: float
    scale: float
    weight: float


@dataclass
class LinearRiskModel:
    bias: float
    features: dict[str, FeatureWeight]
    review_threshold: float | None = None  # None: the file's global thresholds
    fail_threshold: float | None = None

    def contributions(self, values: dict[str, float]) -> dict[str, float]:
        out = {}
        for name, fw in self.features.items():
            value = values.get(name)
            if value is None or not math.isfinite(value):
                continue
            out[name] = fw.weight * (value - fw.mean) / fw.scale
        return out

    def risk(self, values: dict[str, float]) -> tuple[float, dict[str, float]]:
        parts = self.contributions(values)
        return logistic(self.bias + sum(parts.values())), parts


@dataclass
class RiskModel:
    version: str
    models: dict[str, LinearRiskModel]
    review_threshold: float
    fail_threshold: float
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None = None, components: dict[str, ComponentSpec] | None = None) -> RiskModel:
        """The model in `path` (default: the one shipped in the package).

        With `components` (the configured spec of each dimension), every feature the model uses
        must be one the dimension's component declares: a raw key renamed or dropped would
        otherwise contribute nothing, silently. A dimension that is not configured abstains and
        its features count as their training mean. ConfigError otherwise.
        """
        model = cls._read(path)
        if components is not None:
            model.check_features(components, path)
        return model

    def check_features(self, components: dict[str, ComponentSpec], path: Path | None = None) -> None:
        declared = features_of(components.values())
        for mode, linear in self.models.items():
            for name in linear.features:
                dimension = name.split(".", 1)[0]
                if dimension in components and name not in declared:
                    spec = components[dimension]
                    raise ConfigError(f"{path or 'built-in risk model'}: its {mode} model uses {name}, which the "
                                      f"configured {spec.id} component does not emit; refit the risk model "
                                      "(scripts/fit_risk.py) or configure the component it was fitted with")

    @classmethod
    def _read(cls, path: Path | None) -> RiskModel:
        try:
            if path is None:
                text = resources.files("mtqa.data").joinpath("risk_model.json").read_text("utf-8")
            else:
                text = Path(path).read_text("utf-8")
            data = json.loads(text)
            models = {
                mode: LinearRiskModel(
                    bias=spec["bias"],
                    features={name: FeatureWeight(**fw) for name, fw in spec["features"].items()},
                    review_threshold=spec.get("thresholds", {}).get("review"),
                    fail_threshold=spec.get("thresholds", {}).get("fail"),
                )
                for mode, spec in data["models"].items()
            }
            return cls(
                version=data["version"],
                models=models,
                review_threshold=data["thresholds"]["review"],
                fail_threshold=data["thresholds"]["fail"],
                meta=data.get("meta", {}),
            )
        except (OSError, KeyError, TypeError, ValueError) as exc:
            raise ConfigError(f"{path or 'built-in risk model'}: cannot load risk model: {exc}") from None

    def with_thresholds(self, review: float | None, fail: float | None) -> RiskModel:
        """Thresholds given here apply to every mode (the modes' own are dropped)."""
        if review is None and fail is None:
            return self
        models = {mode: LinearRiskModel(m.bias, m.features) for mode, m in self.models.items()}
        return RiskModel(self.version, models,
                         self.review_threshold if review is None else review,
                         self.fail_threshold if fail is None else fail, self.meta)

    def thresholds(self, mode: str | None = None) -> tuple[float, float]:
        """(review, fail) for segments compared in `mode`."""
        model = self.models.get(mode) if mode else None
        review = model.review_threshold if model else None
        fail = model.fail_threshold if model else None
        return (self.review_threshold if review is None else review,
                self.fail_threshold if fail is None else fail)

    def mode_thresholds(self) -> dict[str, tuple[float, float]]:
        """(review, fail) of every comparison mode the model has."""
        return {mode: self.thresholds(mode) for mode in sorted(self.models)}

    def combine(self, segment: Segment, dims: dict[str, DimensionResult], language: str = "en") -> SegmentResult:
        """The result for `segment`, whose target is in `language` (ISO 639-1)."""
        issues = [issue for dim in dims.values() for issue in dim.issues]
        scores = {name: dims[name].score if name in dims else None for name in score_dimensions(dims)}
        raw = {name: dim.raw for name, dim in dims.items()}
        if not segment.scored and not issues:  # an untranslated unit may have check findings
            return SegmentResult(segment, scores, raw, issues, None, "skipped",
                                 [_skip_reason(segment)])
        mode = self.risk_mode(segment, dims, language)
        values = feature_values(dims)
        if not set(values) & set(self.models[mode].features) - set(BASE_RATE_FEATURES.values()):
            # No feature of the mode's model was measured (its scorers abstained): a risk would
            # be the model's base rate alone, about nothing. Where a check still found
            # something, its severity decides, without a risk.
            if not issues:
                return SegmentResult(segment, scores, raw, issues, None, "skipped", [_abstained_reason(dims, language)])
            reasons = explain({}, dims, issues)
            verdict = decide(0.0, (math.inf, math.inf), (issue.severity for issue in issues), True)
            raw["risk"] = {"mode": mode, "model": self.version, "evidence": True, "contributions": {}}
            return SegmentResult(segment, scores, raw, issues, None, verdict, reasons if verdict != "ok" else [])
        if segment.kind == "heading":
            values = {k: v for k, v in values.items() if k not in sentence_features()}
        risk, parts = self.models[mode].risk(values)
        decisive = decisive_risk(risk, segment.kind, parts)
        evidence = explain(parts, dims, issues)
        verdict = decide(decisive, self.thresholds(mode), (issue.severity for issue in issues),
                         bool(evidence))
        reasons = evidence if verdict != "ok" else []
        # `evidence` lets a reader re-apply the verdict rule at other thresholds (the dashboard).
        raw["risk"] = {"mode": mode, "model": self.version, "evidence": bool(evidence),
                       "contributions": {k: round(v, 4) for k, v in parts.items()}}
        return SegmentResult(segment, scores, raw, issues, round(risk, 4), verdict, reasons)

    def risk_mode(self, segment: Segment, dims: dict[str, DimensionResult], language: str) -> str:
        """The model that judges `segment`: its comparison mode's, except that a source in
        another language with a target the fluency model does not cover is judged by the
        `l10n` model (when the file has one), fitted on the signals that work in any language."""
        if LOCALISATION_MODE in self.models and is_localisation(segment, dims, language):
            return LOCALISATION_MODE
        return RISK_MODES[comparison_mode(segment, language)]


@lru_cache(maxsize=1)
def sentence_features() -> frozenset[str]:
    """Risk-model names (`dimension.key`) of the registered components' features that judge a
    segment as a complete sentence (`Feature.whole_sentence`): not counted for a heading."""
    from mtqa.scorers.registry import components

    return frozenset(name for name, feature in features_of(components().values()).items()
                     if feature.whole_sentence)


def decisive_risk(risk: float, kind: str | None, contributions: dict[str, float]) -> float:
    """The risk a verdict is decided on, shared with the dashboard: a heading (a fragment by
    design) whose features' contributions do not speak against it is judged at risk 0."""
    return 0.0 if kind == "heading" and sum(contributions.values()) <= 0 else risk


def decide(risk: float, thresholds: tuple[float, float], severities: Iterable[str], evidence: bool) -> Verdict:
    """The verdict rule, shared with the dashboard (which re-applies it at other thresholds):
    fail from the fail threshold or with a critical finding, review from the review threshold
    or with a major one (`severities`: the segment's findings'), and never flagged with nothing
    but a base rate such as length against it (`evidence`: `explain` found a reason)."""
    review_threshold, fail_threshold = thresholds
    severities = set(severities)
    if not evidence:
        return "ok"
    if risk >= fail_threshold or FAIL_SEVERITY in severities:
        return "fail"
    if risk >= review_threshold or severities & set(REVIEW_SEVERITIES):
        return "review"
    return "ok"


def recorded_decisive_risk(record: Mapping[str, Any]) -> float:
    """`decisive_risk` of a stored per-segment record (`SegmentResult.to_dict()`)."""
    contributions = (record.get("raw") or {}).get("risk", {}).get("contributions", {})
    return decisive_risk(record["risk"] or 0.0, record.get("kind"), contributions)


def verdict_at(record: Mapping[str, Any], thresholds: Mapping[str, tuple[float, float]],
               severities: Iterable[str] | None = None) -> Verdict:
    """The verdict of a stored per-segment record (`SegmentResult.to_dict()`) re-decided at
    `thresholds` (comparison mode -> (review, fail)), counting the findings of `severities`
    (default: all of the record's). Skipped segments, and segments of a mode without
    thresholds, keep their verdict."""
    mode = (record.get("raw") or {}).get("risk", {}).get("mode")
    if record["verdict"] == "skipped" or mode not in thresholds:
        return record["verdict"]
    if severities is None:
        severities = (issue["severity"] for issue in record["issues"])
    if record["risk"] is None:  # nothing the model reads was measured: the findings decide alone
        return decide(0.0, (math.inf, math.inf), severities, True)
    return decide(recorded_decisive_risk(record), thresholds[mode], severities,
                  record["raw"]["risk"].get("evidence", True))


def is_localisation(segment: Segment, dims: dict[str, DimensionResult], language: str) -> bool:
    """A source in another language, and a target language the fluency model did not read
    (it abstained, or is off and the target is not English): the `l10n` model's segments."""
    if comparison_mode(segment, language) != "crosslingual":
        return False
    fluency = dims.get("fluency")
    return "unsupported_language" in fluency.raw if fluency is not None else language != "en"


def feature_values(dims: dict[str, DimensionResult]) -> dict[str, float]:
    """Flatten numeric raw values to `dimension.key` names, plus `dimension.score`
    (a yes/no raw value counts as 1/0)."""
    values: dict[str, float] = {}
    for name, dim in dims.items():
        if dim.score is not None:
            values[f"{name}.score"] = float(dim.score)
        for key, value in dim.raw.items():
            if isinstance(value, (int, float)):
                values[f"{name}.{key}"] = float(value)
    return values


def explain(parts: dict[str, float], dims: dict[str, DimensionResult], issues: list[Issue]) -> list[str]:
    """One short reason per dimension that pushed the risk up, most important first.

    Reasons name evidence: a base rate (`BASE_RATE_FEATURES`, e.g. length) is added as a note
    after the evidence, never given alone. Empty when nothing but a base rate pushed the risk
    up: such a segment is not flagged (`RiskModel.combine`)."""
    by_dimension: dict[str, float] = {}
    base_rate = sum(parts.get(feature, 0.0) for feature in BASE_RATE_FEATURES.values())
    parts = {feature: value for feature, value in parts.items() if feature not in BASE_RATE_FEATURES.values()}
    for feature, value in parts.items():
        dimension = feature.split(".", 1)[0]
        by_dimension[dimension] = by_dimension.get(dimension, 0.0) + value
    pushing_up = sum(weight for weight in by_dimension.values() if weight > 0)
    ranked = sorted(by_dimension.items(), key=lambda kv: -kv[1])
    # The dimensions that pushed hardest; where none stands out, the one that pushed most.
    chosen = [d for d, weight in ranked
              if weight >= REASON_MIN_LOGIT and weight >= REASON_MIN_CONTRIBUTION * pushing_up]
    if not chosen and ranked and ranked[0][1] >= REASON_MIN_LOGIT:
        chosen = [ranked[0][0]]
    reasons = []
    for dimension in chosen:
        top_feature = max((f for f in parts if f.startswith(dimension + ".")), key=parts.__getitem__)
        reasons.append(_reason_for(dimension, dims.get(dimension), issues, top_feature))
    # A major finding is a reason of its own, whatever its dimension did to the risk.
    for issue in issues:
        if issue.severity in REVIEW_SEVERITIES and issue.dimension not in chosen:
            reasons.append(finding_reason(issue))
    if reasons and base_rate >= REASON_MIN_LOGIT:
        reasons.append("long segment: more words that can be wrong, which adds to the reasons above")
    return reasons


def finding_reason(issue: Issue) -> str:
    """A finding given as a reason: "dimension: message" (a writer that lists the findings can
    tell these reasons from the others)."""
    return f"{issue.dimension}: {issue.message}"


def _length_reason(raw: dict[str, Any]) -> str:
    what = "shorter" if raw["length_log_ratio"] < 0 else "longer"
    return (f"target is {what} than a typical translation of its source ({raw['length_ratio']:.1f} "
            "characters per source character): content may be missing or added")


# Reasons for features that say more than their dimension's generic reason, given the raw
# values of the dimension; used when the dimension has no finding to quote.
FEATURE_REASONS = {
    "checks.length_log_ratio": _length_reason,
    "drift.lexical_coverage": lambda raw: (f"only {raw['lexical_coverage']:.0%} of the source's content has a "
                                           "dictionary translation in the target"),
    "fluency.synonym_gain_bits": lambda raw: _weak_word_choice(raw, "thesaurus"),
    "fluency.prediction_gain_bits": lambda raw: _weak_word_choice(raw, "lm"),
}


def _weak_word_choice(raw: dict[str, Any], source: str) -> str:
    """The tested word whose best alternative of `source` reads most better, as a reason below
    the bar of a finding (fluency/word-choice)."""
    best = max(((test, alternative) for test in raw.get("words_tested", ()) for alternative in test["alternatives"]
                if alternative["source"] == source), key=lambda pair: pair[1]["gain"], default=None)
    if best is None or best[1]["gain"] <= 0:
        return "reads unnaturally: the language model finds its wording unusual"
    return f"‘{best[0]['word']}’ reads less naturally here than ‘{best[1]['text']}’ would"


def _reason_for(dimension: str, dim: DimensionResult | None, issues: list[Issue], top_feature: str) -> str:
    """The dimension's first finding, else what its most risk-raising feature says, in words
    that say what was compared with what (nothing, in a document with neither source nor
    reference)."""
    mine = [i for i in issues if i.dimension == dimension]
    if mine:
        more = f" (+{len(mine) - 1} more)" if len(mine) > 1 else ""
        return finding_reason(mine[0]) + more
    raw = dim.raw if dim is not None else {}
    if top_feature in FEATURE_REASONS and dim is not None:
        return f"{dimension}: {FEATURE_REASONS[top_feature](raw)}"
    if dimension == "drift":
        return f"drift: {DRIFT_REASONS.get(raw.get('mode', ''), DRIFT_REASONS['reference']).format(**raw)}"
    generic = {
        "fluency": "reads unnaturally: the language model finds its wording unusual",
        "grammar": "the grammar checker has findings",
        "checks": "source and target disagree on numbers, names or punctuation",
    }
    return f"{dimension}: {generic.get(dimension, 'its score is low')}"


# The drift reason by comparison mode (mtqa.scorers.drift), where no finding says more.
DRIFT_REASONS = {
    "reference": "the meaning may differ from the {against}",
    "crosslingual": "the meaning may differ from the source",
    "context": "fits the sentences around it and the rest of the document less well than its other sentences do",
}


def _abstained_reason(dims: dict[str, DimensionResult], language: str) -> str:
    if any("unsupported_language" in dim.raw for dim in dims.values()):
        return (f"{NOT_SCORED}: mtqa's models do not read language {language!r}, and there is no source or "
                "reference to compare with (give one, or a model for the language)")
    return f"{NOT_SCORED}: every scorer abstained (too little text to judge)"


def _skip_reason(segment: Segment) -> str:
    if segment.kind == "furniture":
        return "page furniture, not prose"
    return "empty segment"
