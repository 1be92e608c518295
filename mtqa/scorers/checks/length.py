"""The target's length against its source's or reference's, for the language pair."""

from __future__ import annotations

import math
from typing import Any

from mtqa.core.components import Feature, Rule
from mtqa.core.documents import Segment
from mtqa.scorers.checks.base import Check, CheckOutcome, comparison_text
from mtqa.text.language import dominant_script

# Target characters per source character, by source script, for a Latin-script target:
# the 1st-99th percentile of WMT23 zh-en MQM and DEMETR translations, widened a little.
LENGTH_RATIO_RANGE = {
    "han": (1.8, 6.5),
    "kana": (1.4, 5.0),
    "hangul": (1.5, 4.5),
}
SAME_SCRIPT_RANGE = (0.6, 1.7)


LENGTH_RATIO = Rule(
    "checks/length-ratio", "a target far shorter or longer than its source or reference", penalty=0.3,
    explanation="Target characters per source character outside the 1st-99th percentile range of the language "
    "pair's translations: content may be missing or added.")


def check_length_ratio(segment: Segment) -> CheckOutcome:
    other = comparison_text(segment)
    if other is None or not other.strip() or not segment.text.strip():
        return CheckOutcome()
    ratio = len(segment.text.strip()) / len(other.strip())
    script = dominant_script(other) if segment.source else None
    low, high = LENGTH_RATIO_RANGE.get(script or "", SAME_SCRIPT_RANGE)
    raw: dict[str, Any] = {"length_ratio": round(ratio, 4), "length_ratio_range": [low, high],
                           "source_log_length": round(math.log(len(other.strip())), 4)}
    # Log-distance outside the normal range, 0 inside it: how abnormal the length is.
    raw["length_ratio_excess"] = round(max(0.0, math.log(low / ratio), math.log(ratio / high)), 4)
    # Log of the ratio to a typical one (the range's geometric middle), for the risk model:
    # below 0 the target is shorter than usual, a graded sign of omission (zh-en MQM: among
    # translations of one source, shorter ones omit content).
    raw["length_log_ratio"] = round(math.log(ratio / math.sqrt(low * high)), 4)
    issues = []
    if raw["length_ratio_excess"] > 0 and len(other.strip()) >= 8:
        what = "short" if ratio < low else "long"
        side = "source" if segment.source else "reference"
        issues.append(LENGTH_RATIO.at(0, len(segment.text), f"target is {what} for its {side}: {ratio:.2f} "
                                      f"characters per {side} character (normal {low}-{high})"))
    return CheckOutcome(True, issues, raw)


LENGTH = Check("length", (LENGTH_RATIO,), (
    Feature("length_ratio", "ratio", 0, "target characters per source (or reference) character"),
    Feature("length_ratio_range", "ratio range", 0, "the language pair's normal range of that ratio"),
    Feature("source_log_length", "ln characters", 0, "length of the source: a base rate, longer sources hold "
            "more errors"),
    Feature("length_ratio_excess", "ln ratio", -1, "how far the ratio lies outside the normal range"),
    Feature("length_log_ratio", "ln ratio", 1, "the ratio against a typical one: below 0 shorter than usual"),
), check_length_ratio)
