"""Verdicts at the thresholds an editor chooses, and the shades that show verdict and risk.

A scored run carries the review and fail thresholds of its risk model per comparison mode
(`pipeline.risk.thresholds(mode)`, stored in the payload as `thresholds`); each segment's
mode is in `raw["risk"]["mode"]`. Moving a threshold re-applies the risk model's verdict
rule to the stored risks, so counts and colours follow without scoring again; at the run's
own thresholds every segment keeps the verdict mtqa gave it.
"""

from __future__ import annotations

from typing import Any

from mtqa.core.risk import recorded_decisive_risk, verdict_at

Thresholds = dict[str, tuple[float, float]]  # comparison mode -> (review, fail)
FLAGGED = ("review", "fail")
# Shades per verdict, lightest first (risk low to high within the verdict's range). Text on
# them is always TEXT_ON_SHADE, so they read the same in light and dark themes (contrast of
# TEXT_ON_SHADE on the darkest shade: 10.9:1). Review is yellow, fail salmon: apart in
# lightness as well as hue, so colour-blind readers tell them apart; badges say it in words.
SHADES = {
    "review": ("#fff4c2", "#ffe893", "#ffd95e"),
    "fail": ("#fcd9cc", "#f8bba6", "#f29d82"),
}
TEXT_ON_SHADE = "#1a1a1a"
MODE_LABELS = {"document": "no source or reference", "source": "with a source",
               "reference": "with a reference", "l10n": "into a language the fluency model does not read"}


def segment_mode(segment: dict[str, Any]) -> str | None:
    return (segment.get("raw") or {}).get("risk", {}).get("mode")


def modes_in(segments: list[dict[str, Any]]) -> list[str]:
    """Comparison modes of the scored segments, most common first."""
    counts: dict[str, int] = {}
    for segment in segments:
        mode = segment_mode(segment)
        if mode:
            counts[mode] = counts.get(mode, 0) + 1
    return sorted(counts, key=lambda mode: -counts[mode])


def with_verdicts(segments: list[dict[str, Any]], thresholds: Thresholds) -> list[dict[str, Any]]:
    """Copies of `segments` whose `verdict` is the one at `thresholds`."""
    return [{**segment, "verdict": verdict_at(segment, thresholds)} for segment in segments]


def shade(segment: dict[str, Any], thresholds: Thresholds) -> str | None:
    """Background of a segment: its verdict's hue, darker as its risk nears the next verdict
    (review) or 1 (fail); None for ok and skipped segments."""
    verdict = segment["verdict"]
    if verdict not in SHADES:
        return None
    review, fail = thresholds.get(segment_mode(segment) or "", (0.0, 1.0))
    low, high = (review, fail) if verdict == "review" else (fail, 1.0)
    position = (recorded_decisive_risk(segment) - low) / (high - low) if high > low else 1.0
    steps = SHADES[verdict]
    return steps[min(len(steps) - 1, max(0, int(position * len(steps))))]


def counts(segments: list[dict[str, Any]]) -> dict[str, int]:
    found = {"ok": 0, "review": 0, "fail": 0, "skipped": 0}
    for segment in segments:
        found[segment["verdict"]] = found.get(segment["verdict"], 0) + 1
    return found
