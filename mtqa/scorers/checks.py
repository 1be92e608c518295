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
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from mtqa.config import Settings
from mtqa.documents import DimensionResult, Issue, Segment
from mtqa.language import dominant_script
from mtqa.scorers.base import Scorer, register

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


# --- Numbers -----------------------------------------------------------------------------

_MULTIPLIERS = {
    "k": 1e3, "thousand": 1e3, "千": 1e3, "万": 1e4, "萬": 1e4,
    "m": 1e6, "mn": 1e6, "million": 1e6, "millions": 1e6,
    "b": 1e9, "bn": 1e9, "billion": 1e9, "billions": 1e9, "亿": 1e8, "億": 1e8,
    "trillion": 1e12, "兆": 1e12,
    # The same in the languages most often translated (a milliard is a thousand million).
    "tausend": 1e3, "mille": 1e3, "mio": 1e6, "millionen": 1e6, "millones": 1e6, "milioni": 1e6,
    "milhões": 1e6, "miljoen": 1e6, "mrd": 1e9, "milliarde": 1e9, "milliarden": 1e9, "milliard": 1e9,
    "milliards": 1e9, "miliardi": 1e9, "miljard": 1e9, "billionen": 1e12,
}
_UNITS = "|".join(sorted(map(re.escape, _MULTIPLIERS), key=len, reverse=True))
_NUMBER = re.compile(
    r"(?<![A-Za-z0-9.,])(?P<digits>\d{1,3}(?:[,.\u00a0\u202f']\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
    rf"(?:\s?(?P<unit>{_UNITS})\.?(?![a-zà-ÿ]))?",
    re.IGNORECASE,
)
# Small numbers a translator may write as a word on one side and as digits on the other.
_NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "hundred": 100,
    "〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6,
    "七": 7, "八": 8, "九": 9, "十": 10, "百": 100,
    **{ordinal: number for number, ordinal in enumerate(
        "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth".split(), 1)},
    # Month names: "2月10日" is "February 10".
    **{month: number for number, month in enumerate(
        "january february march april may june july august september october november december".split(), 1)},
}


def _digits_value(digits: str) -> float:
    """Read '1,000.5', '1.000,5' and '3.5' alike.

    With two kinds of separator, or a last group not of three digits, the last separator is
    the decimal mark; a lone '.' is a decimal point; otherwise separators group thousands.
    """
    compact = re.sub(r"[\u00a0\u202f']", "", digits)
    separators = re.findall(r"[.,]", compact)
    if not separators:
        return float(compact)
    last = compact.rfind(separators[-1])
    tail = compact[last + 1 :]
    if len(set(separators)) == 2 or len(tail) != 3 or len(separators) == 1 and separators[0] == ".":
        # The last separator is the decimal mark; the others group thousands.
        return float(re.sub(r"[.,]", "", compact[:last]) + "." + tail)
    return float(re.sub(r"[.,]", "", compact))


@dataclass(frozen=True)
class NumberMention:
    value: float
    start: int
    end: int


def numbers_in(text: str) -> list[NumberMention]:
    """Numeric values written with Arabic digits, scaled by a following multiplier word."""
    mentions = []
    for match in _NUMBER.finditer(text):
        value = _digits_value(match["digits"])
        unit = (match["unit"] or "").lower()
        if unit:
            value *= _MULTIPLIERS[unit]
        # Nine significant digits: 315.1亿 and 31.51 billion are the same number in floating point too.
        mentions.append(NumberMention(float(f"{value:.9g}"), match.start(), match.end()))
    return mentions


_CJK_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5,
               "六": 6, "七": 7, "八": 8, "九": 9}
_CJK_UNITS = {"十": 10, "百": 100, "千": 1000}
_CJK_NUMERAL = re.compile("[" + "".join(_CJK_DIGITS) + "".join(_CJK_UNITS) + "]{2,}")


def cjk_numeral_value(numeral: str) -> int | None:
    """二十 -> 20, 四十八 -> 48, 三百零五 -> 305; None for digit strings such as 九二."""
    value, digit = 0, None
    for char in numeral:
        if char in _CJK_UNITS:
            value += (1 if digit is None else digit) * _CJK_UNITS[char]
            digit = None
        elif digit is not None and digit != 0:
            return None  # two digits in a row: a digit string, not a number word
        else:
            digit = _CJK_DIGITS[char]
    return value + (digit or 0)


def _word_numbers(text: str) -> set[float]:
    """Numbers written as words: English and other number words, and Chinese numerals
    (第二十届 is the 20th)."""
    words = re.findall(r"[a-z]+|[\u3007\u4e00-\u9fff]", text.lower())
    values = {float(_NUMBER_WORDS[w]) for w in words if w in _NUMBER_WORDS}
    compounds = (cjk_numeral_value(m.group()) for m in _CJK_NUMERAL.finditer(text))
    return values | {float(v) for v in compounds if v is not None}


# Month names (full, and common abbreviations) of the languages most often translated.
_MONTH_NAMES = (
    "january jan janvier janeiro januar januari enero gennaio",
    "february feb février fevrier fevereiro februar februari febrero febbraio",
    "march mar mars março marco märz maerz maart marzo",
    "april apr avril abril aprile",
    "may mai maio mei mayo maggio",
    "june jun juin junho juni junio giugno",
    "july jul juillet julho juli julio luglio",
    "august aug août aout agosto augustus",
    "september sep sept septembre setembro septiembre settembre",
    "october oct octobre outubro oktober okt octubre ottobre",
    "november nov novembre novembro noviembre",
    "december dec décembre decembre dezembro dezember dez diciembre dicembre",
)
_MONTHS = {name: number for number, names in enumerate(_MONTH_NAMES, 1) for name in names.split()}
_MONTH = "(?P<month_name>" + "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True)) + r")\.?"
_DATE = re.compile(
    r"(?<!\d)(?:"
    r"(?P<iso_y>\d{4})-(?P<iso_m>\d{1,2})-(?P<iso_d>\d{1,2})"
    r"|(?P<a>\d{1,2})(?P<sep>[./])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})"
    r"|(?P<cjk_y>\d{4})年(?P<cjk_m>\d{1,2})月(?P<cjk_d>\d{1,2})日"
    rf"|(?P<day_first>\d{{1,2}})\.?\s+(?:de\s+)?{_MONTH}\s+(?:de\s+)?(?P<year_after_month>\d{{4}})"
    rf"|{_MONTH.replace('month_name', 'month_first')}\s+(?P<day_after_month>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})"
    r")(?!\d)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DateMention:
    """A date and its possible readings (y, m, d): "03/05/2024" is 3 May or March 5."""

    dates: frozenset[tuple[int, int, int]]
    start: int
    end: int


def _readings(match: re.Match[str]) -> set[tuple[int, int, int]]:
    if match["iso_y"]:
        candidates = [(match["iso_y"], match["iso_m"], match["iso_d"])]
    elif match["cjk_y"]:
        candidates = [(match["cjk_y"], match["cjk_m"], match["cjk_d"])]
    elif match["a"]:
        year = match["y"] if len(match["y"]) == 4 else "20" + match["y"]
        candidates = [(year, match["b"], match["a"])]  # day first: the usual order with dots
        if match["sep"] == "/":
            candidates.append((year, match["a"], match["b"]))  # month first: US usage
    elif match["day_first"]:
        candidates = [(match["year_after_month"], str(_MONTHS[match["month_name"].lower()]), match["day_first"])]
    else:
        candidates = [(match["year"], str(_MONTHS[match["month_first"].lower()]), match["day_after_month"])]
    return {(int(y), int(m), int(d)) for y, m, d in candidates if 1 <= int(m) <= 12 and 1 <= int(d) <= 31}


def dates_in(text: str) -> list[DateMention]:
    """Dates with a year, in ISO, numeric (d.m.y, d/m/y or m/d/y), CJK or written-month forms."""
    mentions = []
    for match in _DATE.finditer(text):
        readings = _readings(match)
        if readings:
            mentions.append(DateMention(frozenset(readings), match.start(), match.end()))
    return mentions


def date_differences(target: str, other: str) -> tuple[list[DateMention], list[DateMention]]:
    """(dates of the target matching no date of `other`, dates of `other` matching none of the target)."""
    target_dates, other_dates = dates_in(target), dates_in(other)
    extra = [d for d in target_dates if not any(d.dates & o.dates for o in other_dates)]
    missing = [o for o in other_dates if not any(o.dates & d.dates for d in target_dates)]
    return extra, missing


def _outside_dates(numbers: list[NumberMention], text: str) -> list[NumberMention]:
    dates = dates_in(text)
    return [n for n in numbers if not any(d.start <= n.start < d.end for d in dates)]


def number_differences(target: str, other: str) -> tuple[list[NumberMention], list[NumberMention]]:
    """(numbers of the target not in `other`, numbers of `other` not in the target).

    A small number written as a word on the other side ("three", "三") counts as present.
    Numbers that are part of a date are compared as dates (`date_differences`).
    """
    target_numbers = _outside_dates(numbers_in(target), target)
    other_numbers = _outside_dates(numbers_in(other), other)
    unmatched_other = Counter(n.value for n in other_numbers)
    extra = []
    for mention in target_numbers:
        if unmatched_other[mention.value] > 0:
            unmatched_other[mention.value] -= 1
        else:
            extra.append(mention)
    target_values = Counter(n.value for n in target_numbers)
    missing = []
    for mention in other_numbers:
        if target_values[mention.value] > 0:
            target_values[mention.value] -= 1
        else:
            missing.append(mention)
    other_words, target_words = _word_numbers(other), _word_numbers(target)
    extra = [n for n in extra if n.value not in other_words]
    missing = [n for n in missing if n.value not in target_words]
    return extra, missing


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

_LATIN_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-.&'][A-Za-z0-9]+)*")
_CAPITALISED = re.compile(r"(?<![\w'])([A-Z][\w]*(?:[-'][A-Z]?\w+)*)")


def _contains_word(text: str, word: str) -> bool:
    return re.search(rf"(?<![\w]){re.escape(word)}(?![\w])", text, re.IGNORECASE) is not None


def missing_names(target: str, other: str, other_is_latin: bool) -> list[str]:
    """Names of `other` absent from the target.

    In a non-Latin text every Latin-script token is a name, acronym or code (FTIR, NATO).
    In a Latin-script reference, a capitalised word that does not start the sentence is taken
    as a name; function words are skipped.
    """
    if not other_is_latin:
        candidates = [m.group() for m in _LATIN_TOKEN.finditer(other)]
    else:
        candidates = [
            m.group(1) for m in _CAPITALISED.finditer(other)
            if m.start() > 0 and not re.search(r"[.!?:\"“«]\s*$", other[: m.start()])
            and m.group(1).lower() not in _FUNCTION_WORDS
        ]
    return list(dict.fromkeys(c for c in candidates if not _contains_word(target, c)))


_FUNCTION_WORDS = frozenset(
    "i a an the this that these those he she it we they you his her its our their my your "
    "and or but if in on at of to for by with from as is are was were be mr mrs ms dr".split()
)


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
