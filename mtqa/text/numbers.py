"""Numbers and dates as they are written in the languages most often translated.

`numbers_in` reads digits locale-aware (`1,000.5` = `1.000,5` = `1 000,5`, thousands grouped
by a comma, full stop, apostrophe, space, no-break space or narrow no-break space), scaled by
a multiplier word (`$200m`, `315.1亿`); `_word_numbers` reads small numbers written as words and Chinese
numerals; `dates_in` reads dates with a year in ISO, numeric, CJK and written-month forms.
`number_differences` and `date_differences` compare a target with its source or reference.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

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
# Characters that group thousands: besides , . and ' (Swiss), the spaces that French, Czech,
# Polish, Russian... write between groups: space, no-break space, narrow no-break space,
# thin space, figure space.
_GROUP_SPACES = " \u00a0\u202f\u2009\u2007"
_NUMBER = re.compile(
    rf"(?<![A-Za-z0-9.,])(?P<digits>\d{{1,3}}(?:[,.'’{_GROUP_SPACES}]\d{{3}}(?!\d))+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
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
    # Month names and their abbreviations: "2月10日" is "February 10", "10月" "Oct.".
    **{month: number for number, month in enumerate(
        "january february march april may june july august september october november december".split(), 1)},
    **{month: number for number, month in enumerate("jan feb mar apr _ jun jul aug sep oct nov dec".split(), 1)},
    "sept": 9,
    # Times of day a translation writes as the hour: "midnight" -> "0時", "noon" -> "12時".
    "midnight": 0, "noon": 12,
}


def _digits_value(digits: str) -> float:
    """Read '1,000.5', '1.000,5' and '3.5' alike.

    With two kinds of separator, or a last group not of three digits, the last separator is
    the decimal mark; a lone '.' is a decimal point; otherwise separators group thousands.
    """
    compact = re.sub(rf"['’{_GROUP_SPACES}]", "", digits)
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
    """A number at `start:end`. `parts`: for digits grouped by plain spaces ("5 100"), the
    values of the groups read as separate numbers ("chapter 5, 100 years"), which the
    comparison accepts when the grouped value has no match."""

    value: float
    start: int
    end: int
    parts: tuple[float, ...] = ()


def numbers_in(text: str) -> list[NumberMention]:
    """Numeric values written with Arabic digits, scaled by a following multiplier word."""
    mentions = []
    for match in _NUMBER.finditer(text):
        value = _digits_value(match["digits"])
        unit = (match["unit"] or "").lower()
        if unit:
            value *= _MULTIPLIERS[unit]
        groups = match["digits"].split(" ")
        parts = tuple(_digits_value(g) for g in groups) if len(groups) > 1 and not unit else ()
        # Nine significant digits: 315.1亿 and 31.51 billion are the same number in floating point too.
        mentions.append(NumberMention(float(f"{value:.9g}"), match.start(), match.end(), parts))
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
    rf"|{_MONTH.replace('month_name', 'month_first')}\s+(?P<day_after_month>\d{{1,2}})(?:st|nd|rd|th)?,?"
    r"\s+(?P<year>\d{4})"
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


def _unmatched(mentions: list[NumberMention], others: list[NumberMention]) -> list[NumberMention]:
    """Mentions with no counterpart of the same value among `others` (each used once); one
    grouped by plain spaces also matches when each of its groups does."""
    available = Counter(n.value for n in others)
    for n in others:
        available.update(n.parts)
    left = []
    for mention in mentions:
        if available[mention.value] > 0:
            available[mention.value] -= 1
        else:
            left.append(mention)
    unmatched = []
    for mention in left:
        if mention.parts and all(available[p] > 0 for p in mention.parts):
            available.subtract(mention.parts)
        else:
            unmatched.append(mention)
    return unmatched


def number_differences(target: str, other: str) -> tuple[list[NumberMention], list[NumberMention]]:
    """(numbers of the target not in `other`, numbers of `other` not in the target).

    A small number written as a word on the other side ("three", "三") counts as present.
    Numbers that are part of a date are compared as dates (`date_differences`).
    """
    target_numbers = _outside_dates(numbers_in(target), target)
    other_numbers = _outside_dates(numbers_in(other), other)
    extra = _unmatched(target_numbers, other_numbers)
    missing = _unmatched(other_numbers, target_numbers)
    other_words, target_words = _word_numbers(other), _word_numbers(target)
    extra = [n for n in extra if n.value not in other_words]
    missing = [n for n in missing if n.value not in target_words]
    return extra, missing
