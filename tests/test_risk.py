"""Combining dimensions into risk, verdicts and reasons (mtqa.core.risk), with hand-made models."""

from __future__ import annotations

from mtqa.core.documents import DimensionResult, Segment
from mtqa.core.risk import (
    BASE_RATE_FEATURES,
    FeatureWeight,
    LinearRiskModel,
    RiskModel,
    explain,
)

CHINESE = "欧盟峰会为难民政策争论，欧盟官员：接收过程步步瓶颈"
PRIOR = BASE_RATE_FEATURES["source"]
# name -> (mean, scale) of a plausible training set
STATISTICS = {"drift.lexical_coverage": (0.8, 0.1), "checks.length_log_ratio": (0.0, 0.3), PRIOR: (3.5, 0.5)}


def model(weights: dict[str, float]) -> RiskModel:
    features = {name: FeatureWeight(*STATISTICS[name], w) for name, w in weights.items()}
    source = LinearRiskModel(0.0, features, review_threshold=0.6, fail_threshold=0.9)
    return RiskModel("risk-test", {"source": source, "reference": source, "document": source}, 0.6, 0.9)


def dims(coverage: float = 0.8, log_ratio: float = 0.0, source_chars: int = 33) -> dict[str, DimensionResult]:
    import math

    return {
        "drift": DimensionResult(coverage, {"lexical_coverage": coverage}),
        "checks": DimensionResult(
            1.0,
            {
                "length_log_ratio": log_ratio,
                "length_ratio": round(4.0 * math.exp(log_ratio), 2),
                "source_log_length": math.log(source_chars),
            },
        ),
    }


def segment() -> Segment:
    return Segment("EU officials: reception is a bottleneck", 0, 0, 39, source=CHINESE)


ADEQUACY = {"drift.lexical_coverage": -1.0, "checks.length_log_ratio": -1.0}


def test_features_raise_risk_in_the_direction_of_their_weights_and_the_verdict_follows() -> None:
    risk = model(ADEQUACY)
    good = risk.combine(segment(), dims(coverage=0.9, log_ratio=0.1))
    review = risk.combine(segment(), dims(coverage=0.7))
    fail = risk.combine(segment(), dims(coverage=0.5, log_ratio=-0.3))
    assert good.risk < 0.5 < review.risk < 0.9 <= fail.risk
    assert [good.verdict, review.verdict, fail.verdict] == ["ok", "review", "fail"]
    assert good.reasons == [] and fail.raw["risk"]["mode"] == "source"


def test_reasons_name_what_raised_the_risk_in_words_a_person_can_act_on() -> None:
    risk = model(ADEQUACY)
    low_coverage = risk.combine(segment(), dims(coverage=0.5))
    assert low_coverage.reasons == [
        "drift: only 50% of the source's content has a dictionary translation in the target"]
    short = risk.combine(segment(), dims(log_ratio=-0.9))
    assert short.reasons == ["checks: target is shorter than a typical translation of its source "
                             "(1.6 characters per source character): content may be missing or added"]


def test_the_base_rate_feature_moves_risk_but_is_never_the_only_reason() -> None:
    risk = model({**ADEQUACY, PRIOR: 1.0})
    long_segment = risk.combine(segment(), dims(source_chars=60))
    short_segment = risk.combine(segment(), dims(source_chars=12))
    assert short_segment.risk < 0.5 < long_segment.risk
    # Length alone is no evidence: the segment is not flagged, though its risk is above review.
    assert long_segment.verdict == "ok" and long_segment.reasons == []
    both = risk.combine(segment(), dims(coverage=0.7, source_chars=60))
    assert both.verdict == "review" and both.reasons == [
        "drift: only 70% of the source's content has a dictionary translation in the target",
        "long segment: more words that can be wrong, which adds to the reasons above"]
    assert explain({PRIOR: 1.0}, dims(), []) == []


def test_where_no_dimension_stands_out_the_one_that_pushed_most_is_named_without_scores() -> None:
    parts = {"drift.lexical_coverage": 0.05, "checks.length_log_ratio": 0.04, "fluency.slor": 0.04,
             "grammar.errors_per_10_words": 0.04}
    reasons = explain(parts, dims(coverage=0.75), [])
    assert reasons == ["drift: only 75% of the source's content has a dictionary translation in the target"]
    document = {"drift": DimensionResult(0.93, {"mode": "context", "neighbour_z": -0.3})}
    (reason,) = explain({"drift.neighbour_z": 0.3}, document, [])
    assert reason.startswith("drift: fits the sentences around it") and "0.93" not in reason
    assert "compared with" not in reason


def test_a_major_finding_is_a_reason_even_where_its_dimension_lowered_the_risk() -> None:
    from mtqa.core.documents import Issue

    risk = model(ADEQUACY)
    found = dims(coverage=0.95)  # good coverage: drift lowers the risk
    found["checks"].issues.append(
        Issue("checks", 39, 39, "not in the target: '难民问题难以解决。'", "checks/align-omission", severity="major")
    )
    result = risk.combine(segment(), found)
    assert result.verdict == "review" and result.risk < 0.5
    assert result.reasons == ["checks: not in the target: '难民问题难以解决。'"]
    # A dimension that moved the logit by a hair is not given as a reason.
    assert explain({"drift.lexical_coverage": 0.004}, dims(), []) == []


def test_a_critical_finding_fails_the_segment_whatever_the_risk() -> None:
    from mtqa.core.documents import Issue
    from mtqa.core.risk import decide

    found = dims(coverage=0.95)
    found["checks"].issues.append(Issue("checks", 5, 16, "placeholder %(details)s is not in the source",
                                        "checks/placeholder-renamed", severity="critical"))
    result = model(ADEQUACY).combine(segment(), found)
    assert result.verdict == "fail" and result.risk < 0.5
    assert result.reasons == ["checks: placeholder %(details)s is not in the source"]
    # the rule the dashboard re-applies at other thresholds
    assert decide(0.1, (0.5, 0.8), ["minor", "critical"], evidence=True) == "fail"
    assert decide(0.1, (0.5, 0.8), ["major"], evidence=True) == "review"
    assert decide(0.9, (0.5, 0.8), ["critical"], evidence=False) == "ok"


def test_a_heading_is_judged_on_the_word_level_test_not_on_how_it_reads_as_a_sentence() -> None:
    statistics = {"fluency.slor": (1.0, 0.5), "fluency.synonym_gain_bits": (3.0, 3.0)}
    features = {name: FeatureWeight(*statistics[name], 1.0 if "gain" in name else -1.0) for name in statistics}
    document = LinearRiskModel(0.0, features, review_threshold=0.5, fail_threshold=0.9)
    risk = RiskModel("risk-test", {"document": document}, 0.5, 0.9)

    def scored(kind: str, slor: float, gain: float):
        fluency = DimensionResult(0.5, {"slor": slor, "synonym_gain_bits": gain})
        return risk.combine(Segment("Uncontrolled anger", 0, 0, 18, kind=kind), {"fluency": fluency})

    # A fragment reads badly as a sentence (low SLOR): that flags a sentence, not a heading.
    assert scored("sentence", slor=-1.0, gain=0.0).verdict in ("review", "fail")
    fragment = scored("heading", slor=-1.0, gain=0.0)
    assert fragment.verdict == "ok" and fragment.risk < 0.5
    # Nothing found by the word-level test puts it low, not at what the model says knowing nothing.
    assert fragment.risk < risk.models["document"].risk({})[0]
    # A word the test finds swapped flags it as it would a sentence.
    swapped = scored("heading", slor=-1.0, gain=7.0)
    assert swapped.verdict == "review" and swapped.reasons
