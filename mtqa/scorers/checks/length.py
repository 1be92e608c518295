"""The target's length against its source's or reference's, for the language pair."""

from __future__ import annotations

import math
from typing import Any

from mtqa.core.components import Feature, Rule
from mtqa.core.documents import Segment
from mtqa.scorers.checks.base import Check, CheckOutcome, comparison_text
from mtqa.text.language import dominant_script, primary, script_of_language, without_code

# Target characters per source character, by source script, for a Latin-script target:
# the 1st-99th percentile of WMT23 zh-en MQM and DEMETR translations, widened a little.
# The other way round (a CJK target of an alphabetic source) the inverse range.
LENGTH_RATIO_RANGE = {
    "han": (1.8, 6.5),
    "kana": (1.4, 5.0),
    "hangul": (1.5, 4.5),
}
SAME_SCRIPT_RANGE = (0.6, 1.7)
SHORT_WIDENING = 1.0
# Translations between alphabetic scripts run about 10% longer than the middle of their range
# (median ln ratio against it: +0.15 for WMT23 en-de, +0.06 to +0.17 for Sphinx's de, es, fr,
# pl and ru catalogues); into scripts that leave vowels out, shorter (Sphinx and Wagtail
# catalogues from English, strings of 20+ characters: Arabic -0.10, Hebrew -0.27, Thai -0.06,
# Persian -0.01). The spread of the ln ratio among correct translations is about 0.11
# for long texts and 0.22 for strings under 30 characters, as for a variance s^2 + c^2/n with
# c^2 / s^2 = 60 characters: the length evidence counts half at SHRINK_CHARS.
TYPICAL_LOG_RATIO = 0.1
TYPICAL_LOG_RATIO_OF_SCRIPT = {"arabic": -0.1, "hebrew": -0.2, "thai": -0.05}
LENGTH_SPREAD = 0.11
SHRINK_CHARS = 60


def ratio_range(source_script: str | None, target_script: str | None) -> tuple[float, float]:
    """The normal range of target characters per source character for the two scripts."""
    dense = LENGTH_RATIO_RANGE
    if (source_script in dense) == (target_script in dense):
        return SAME_SCRIPT_RANGE
    if source_script in dense:
        return dense[source_script]
    low, high = dense[target_script or ""]
    return round(1 / high, 3), round(1 / low, 3)


LENGTH_RATIO = Rule(
    "checks/length-ratio", "a target far shorter or longer than its source or reference", penalty=0.3,
    explanation="Target characters per source character outside the 1st-99th percentile range of the language "
    "pair's translations: content may be missing or added.")


def check_length_ratio(segment: Segment) -> CheckOutcome:
    """Target characters per source character, placeholders and markup left out on both sides
    (they are the same in every language and would pull every ratio towards 1)."""
    other = comparison_text(segment)
    if other is None or not other.strip() or not segment.text.strip():
        return CheckOutcome()
    text, other = " ".join(without_code(segment.text).split()), " ".join(without_code(other).split())
    if not text or not other:
        return CheckOutcome()
    ratio = len(text) / len(other)
    if segment.source:
        # The file's target language says its script better than the text, which may hold
        # Latin-script names and terms ("Django 文档").
        target_script = script_of_language(primary(segment.target_language())) or dominant_script(text)
        low, high = ratio_range(dominant_script(other), target_script)
    else:
        low, high, target_script = *SAME_SCRIPT_RANGE, dominant_script(text)
    raw: dict[str, Any] = {"length_ratio": round(ratio, 4), "length_ratio_range": [low, high],
                           "source_log_length": round(math.log(len(other.strip())), 4)}
    # Log-distance outside the normal range, 0 inside it: how abnormal the length is.
    raw["length_ratio_excess"] = round(max(0.0, math.log(low / ratio), math.log(ratio / high)), 4)
    # Log of the ratio to a typical one (the range's geometric middle), for the risk model:
    # below 0 the target is shorter than usual, a graded sign of omission (zh-en MQM: among
    # translations of one source, shorter ones omit content).
    raw["length_log_ratio"] = round(math.log(ratio / math.sqrt(low * high)), 4)
    # Against a typical translation, shrunk towards 0 as the source gets short: a 10-character
    # UI string's ratio says little (one word more or less moves it far), a paragraph's much.
    source_chars = len(other.strip())
    if (low, high) != SAME_SCRIPT_RANGE:
        typical = 0.0
    else:
        typical = TYPICAL_LOG_RATIO_OF_SCRIPT.get(target_script or "", TYPICAL_LOG_RATIO)
    raw["length_evidence"] = round((raw["length_log_ratio"] - typical) * source_chars / (source_chars + SHRINK_CHARS),
                                   4)
    issues = []
    # Short strings vary more: the range is widened by SHORT_WIDENING / sqrt(characters) in log
    # space before a finding is reported (the raw values above keep the plain range).
    widening = SHORT_WIDENING / math.sqrt(len(other.strip()))
    if raw["length_ratio_excess"] > widening and len(other.strip()) >= 8:
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
    Feature("length_evidence", "ln ratio", 1, f"(length_log_ratio - the typical one: {TYPICAL_LOG_RATIO} between "
            f"alphabetic scripts) x n / (n + {SHRINK_CHARS}) for a source of n characters: short strings say little"),
), check_length_ratio)
