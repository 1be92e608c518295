"""Language-independent checks of a target against its source (any language) or reference.

Each check is a small function `(segment) -> CheckOutcome` registered in `CHECKS` with
`@check(rule)`; the scorer runs them all. A check compares the target with the source when
there is one (the authority), else with the reference. Issues found for something *missing*
from the target carry a zero-width span at the end of the target (there is nothing to point
at); issues about something present point at it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from mtqa.core.config import Settings
from mtqa.core.documents import DimensionResult, Issue, Segment
from mtqa.scorers.base import Scorer, register
from mtqa.text.language import dominant_script
from mtqa.text.names import missing_names
from mtqa.text.numbers import date_differences, number_differences, numbers_in

DIMENSION = "checks"


@dataclass
class CheckOutcome:
    """What one check says of one segment: `compared` is False when it had nothing to compare."""

    compared: bool = False
    issues: list[Issue] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)


Check = Callable[[Segment], CheckOutcome]
CHECKS: dict[str, Check] = {}
# How much one issue of a rule lowers the checks score (1 = perfect).
PENALTY: dict[str, float] = {}


def check(rule: str, penalty: float) -> Callable[[Check], Check]:
    def decorator(function: Check) -> Check:
        CHECKS[rule] = function
        PENALTY[rule] = penalty
        return function

    return decorator


# Checks that depend on the settings (a glossary file): a factory `(settings) -> Check`, or
# None when the check is off. The scorer builds them once.
CheckFactory = Callable[[Settings], Check | None]
CONFIGURED_CHECKS: dict[str, CheckFactory] = {}


def configured_check(rule: str, penalty: float) -> Callable[[CheckFactory], CheckFactory]:
    def decorator(factory: CheckFactory) -> CheckFactory:
        CONFIGURED_CHECKS[rule] = factory
        PENALTY[rule] = penalty
        return factory

    return decorator


def comparison_text(segment: Segment) -> str | None:
    """What the target is checked against: the source if there is one, else the reference."""
    return segment.source or segment.reference or None


def missing_issue(segment: Segment, rule: str, message: str, suggestions: Sequence[str] = ()) -> Issue:
    end = len(segment.text)
    return Issue(DIMENSION, end, end, message, rule, list(suggestions), severity="major")


def _format_number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,}"


@check("checks.number-mismatch", penalty=0.35)
def check_numbers(segment: Segment) -> CheckOutcome:
    """Numbers (`checks.number-mismatch`) and dates (`checks.date-mismatch`) that differ."""
    other = comparison_text(segment)
    if other is None:
        return CheckOutcome()
    extra, missing = number_differences(segment.text, other)
    side = "source" if segment.source else "reference"
    issues = [
        Issue(DIMENSION, n.start, n.end, f"number {segment.text[n.start:n.end]!r} is not in the {side}",
              "checks.number-mismatch", [_format_number(m.value) for m in missing[:1]], severity="major")
        for n in extra
    ]
    # A missing number already suggested as the replacement of an extra one is not reported twice.
    issues += [
        missing_issue(segment, "checks.number-mismatch",
                      f"number {other[n.start:n.end]!r} of the {side} is missing from the target")
        for n in (missing[1:] if extra else missing)
    ]
    extra_dates, missing_dates = date_differences(segment.text, other)
    iso = [f"{y:04d}-{m:02d}-{d:02d}" for y, m, d in (sorted(missing_dates[0].dates)[:1] if missing_dates else [])]
    issues += [Issue(DIMENSION, d.start, d.end, f"date {segment.text[d.start:d.end]!r} is not in the {side}",
                     "checks.date-mismatch", iso, severity="major") for d in extra_dates]
    issues += [missing_issue(segment, "checks.date-mismatch",
                             f"date {other[d.start:d.end]!r} of the {side} is missing from the target")
               for d in (missing_dates[1:] if extra_dates else missing_dates)]
    compared = bool(numbers_in(other) or numbers_in(segment.text))
    return CheckOutcome(compared, issues, {"numbers_extra": len(extra), "numbers_missing": len(missing),
                                           "dates_differing": len(extra_dates) + len(missing_dates)})


PENALTY["checks.date-mismatch"] = 0.35

# --- Names -------------------------------------------------------------------------------

@check("checks.name-missing", penalty=0.3)
def check_names(segment: Segment) -> CheckOutcome:
    other = comparison_text(segment)
    if other is None:
        return CheckOutcome()
    other_is_latin = dominant_script(other) == "latin"
    if other_is_latin and not segment.reference:
        # Names in a Latin-script source are often translated or transliterated; not checked.
        return CheckOutcome()
    if other_is_latin:
        other = segment.reference or other
    names = missing_names(segment.text, other, other_is_latin)
    side = "reference" if other_is_latin else "source"
    issues = [
        missing_issue(segment, "checks.name-missing", f"{name!r} of the {side} is missing from the target",
                      [name])  # fmt: skip
        for name in names
    ]
    return CheckOutcome(True, issues, {"names_missing": len(names)})


# --- Brackets and quotes -----------------------------------------------------------------

_PAIRS = {"(": ")", "[": "]", "{": "}", "“": "”", "«": "»", "「": "」", "『": "』", "（": "）", "【": "】"}
_CLOSERS = {closer: opener for opener, closer in _PAIRS.items()}
_QUOTES = frozenset('"“”«»「」『』')


def mark_kind(char: str) -> str:
    """Quotes of every script are one kind, brackets another: a translation may swap styles."""
    return "quote" if char in _QUOTES else "bracket"


def unbalanced_marks(text: str) -> list[tuple[int, str]]:
    """Positions of brackets/quotes without their partner (straight double quotes: odd count)."""
    stack: list[tuple[int, str]] = []
    unmatched: list[tuple[int, str]] = []
    for position, char in enumerate(text):
        if char in _PAIRS and not (char == "“" and stack and stack[-1][1] == "“"):
            stack.append((position, char))
        elif char in _CLOSERS or char == "“":
            # A second “ where ” was due is a common typo for the closing quote.
            opener = _CLOSERS.get(char, "“")
            if stack and stack[-1][1] == opener:
                stack.pop()
            else:
                unmatched.append((position, char))
    unmatched += stack
    straight = [i for i, c in enumerate(text) if c == '"']
    if len(straight) % 2:
        unmatched.append((straight[-1], '"'))
    return sorted(unmatched)


@check("checks.unbalanced-brackets", penalty=0.1)
def check_brackets(segment: Segment) -> CheckOutcome:
    unmatched = unbalanced_marks(segment.text)
    if segment.source or segment.reference:
        # A quote opened in one sentence and closed in the next is unbalanced in the source too.
        expected = {mark_kind(char) for _, char in unbalanced_marks(comparison_text(segment) or "")}
        unmatched = [(i, c) for i, c in unmatched if mark_kind(c) not in expected]
    issues = [
        Issue(DIMENSION, i, i + 1,
              f"{char!r} has no matching {'opening' if char in _CLOSERS else 'closing'} mark",
              "checks.unbalanced-brackets")
        for i, char in unmatched
    ]
    return CheckOutcome(False, issues, {"unbalanced_marks": len(unmatched)})


# Quotation marks of any script, and Chinese title marks (《》), which translations into
# English render with quotation marks (or italics, which plain text cannot show).
_QUOTATION_MARKS = _QUOTES | frozenset("„《》")
_QUOTED = re.compile(r"“[^“”]+”|「[^「」]+」|『[^『』]+』|《[^《》]+》|«[^«»]+»|\"[^\"]+\"")


@check("checks.quote-mismatch", penalty=0.1)
def check_quotes(segment: Segment) -> CheckOutcome:
    """Quotation marks of the source missing from the target. Quoted expressions (slogans,
    coined terms, idioms: “芯片战”) are where translations paraphrase or mistranslate; on WMT23
    zh-en MQM, a translation that drops the source's quotes is usually the worse one."""
    other = comparison_text(segment)
    if other is None:
        return CheckOutcome()
    expected = sum(char in _QUOTATION_MARKS for char in other)
    missing = max(0, expected - sum(char in _QUOTATION_MARKS for char in segment.text))
    issues = []
    if missing >= 2:  # at least a pair
        side = "source" if segment.source else "reference"
        quoted = ", ".join(m.group() for m in _QUOTED.finditer(other))
        end = len(segment.text)
        issues.append(Issue(DIMENSION, end, end,
                            f"the {side} has {expected} quotation marks ({quoted or 'unpaired'}), the target "
                            f"{expected - missing}: a quoted expression may be lost or paraphrased",
                            "checks.quote-mismatch"))
    return CheckOutcome(bool(expected), issues, {"quote_marks_missing": missing})


# --- Length ratio ------------------------------------------------------------------------

# Target characters per source character, by source script, for a Latin-script target:
# the 1st-99th percentile of WMT23 zh-en MQM and DEMETR translations, widened a little.
LENGTH_RATIO_RANGE = {
    "han": (1.8, 6.5),
    "kana": (1.4, 5.0),
    "hangul": (1.5, 4.5),
}
SAME_SCRIPT_RANGE = (0.6, 1.7)


@check("checks.length-ratio", penalty=0.3)
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
        issues.append(Issue(DIMENSION, 0, len(segment.text),
                            f"target is {what} for its {side}: {ratio:.2f} characters per {side} "
                            f"character (normal {low}-{high})", "checks.length-ratio"))
    return CheckOutcome(True, issues, raw)


# --- Scorer ------------------------------------------------------------------------------


@register(DIMENSION, "default")
class ChecksScorer(Scorer):
    """Runs every registered check; score = 1 minus the penalties of the issues found (floor 0)."""

    dimension = DIMENSION

    def __init__(self, settings: Settings | None = None, checks: Sequence[str] | None = None) -> None:
        self.settings = settings or Settings()
        self.checks = {rule: CHECKS[rule] for rule in (checks or CHECKS)}
        for rule, factory in CONFIGURED_CHECKS.items():
            configured = factory(self.settings) if checks is None or rule in checks else None
            if configured is not None:
                self.checks[rule] = configured
        # Untranslated units are only reported (checks.empty-target) when asked for.
        self.judges_untranslated = self.settings.include_untranslated

    def score_one(self, segment: Segment) -> DimensionResult:
        outcomes = [function(segment) for function in self.checks.values()]
        issues = [issue for outcome in outcomes for issue in outcome.issues]
        raw: dict[str, Any] = {}
        for outcome in outcomes:
            raw.update(outcome.raw)
        raw["issues"] = len(issues)
        if not issues and not any(outcome.compared for outcome in outcomes):
            return DimensionResult(None, raw, [])
        penalty = sum(PENALTY[issue.rule] for issue in issues)
        return DimensionResult(max(0.0, 1.0 - penalty), raw, issues)

    def score(self, segments: Sequence[Segment]) -> list[DimensionResult]:
        return [self.score_one(segment) for segment in segments]

    def accepts(self, segment: Segment, language: str) -> bool:
        # Untranslated units have nothing for a model to score but something to report.
        return segment.scored or self.judges_untranslated and bool(segment.meta.get("untranslated"))

    def signature(self) -> dict[str, Any]:
        signature: dict[str, Any] = {"checks": sorted(self.checks)}
        if self.settings.glossary is not None and "checks.glossary" in self.checks:
            signature["glossary"] = self.settings.glossary.name
        if self.judges_untranslated:
            signature["include_untranslated"] = True
        return signature


# The localisation checks (tags, untranslated, whitespace, links, consistency, alignment,
# glossary) register themselves in the same table.
from mtqa.scorers import checks_translation  # noqa: E402,F401
