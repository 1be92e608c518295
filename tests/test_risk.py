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
        "checks": DimensionResult(1.0, {"length_log_ratio": log_ratio, "length_ratio": round(4.0 * math.exp(log_ratio), 2),
                                        "source_log_length": math.log(source_chars)}),
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


def test_the_base_rate_feature_moves_risk_but_is_never_a_reason() -> None:
    risk = model({**ADEQUACY, PRIOR: 1.0})
    long_segment = risk.combine(segment(), dims(source_chars=60))
    short_segment = risk.combine(segment(), dims(source_chars=12))
    assert short_segment.risk < 0.5 < long_segment.risk and long_segment.verdict == "review"
    assert long_segment.reasons == [
        "long segment: errors are more likely than average, though no single signal stands out"]
    both = risk.combine(segment(), dims(coverage=0.6, source_chars=60))
    assert both.reasons == [
        "drift: only 60% of the source's content has a dictionary translation in the target"]
    assert explain("review", {PRIOR: 1.0}, dims(), [])[0].startswith("long segment")


def test_a_major_finding_is_a_reason_even_where_its_dimension_lowered_the_risk() -> None:
    from mtqa.core.documents import Issue

    risk = model(ADEQUACY)
    found = dims(coverage=0.95)  # good coverage: drift lowers the risk
    found["checks"].issues.append(Issue("checks", 39, 39, "not in the target: '难民问题难以解决。'", "checks/align-omission",
                                        severity="major"))
    result = risk.combine(segment(), found)
    assert result.verdict == "review" and result.risk < 0.5
    assert result.reasons == ["checks: not in the target: '难民问题难以解决。'"]
    # A dimension that moved the logit by a hair is not given as a reason.
    assert explain("review", {"drift.lexical_coverage": 0.004}, dims(), []) == [
        "several small signals together: drift 0.80, checks 1.00"]
