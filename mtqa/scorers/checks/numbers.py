"""Numbers and dates of the source (or reference) that the target changed, dropped or added."""

from __future__ import annotations

from mtqa.core.components import Feature, Rule
from mtqa.core.documents import Segment
from mtqa.scorers.checks.base import (
    Check,
    CheckOutcome,
    comparison_text,
    missing,
    side_of,
)
from mtqa.text.language import without_code
from mtqa.text.numbers import date_differences, number_differences, numbers_in

NUMBER_MISMATCH = Rule(
    "checks/number-mismatch", "a number of the source missing from the target, or one it does not have",
    severity="major", penalty=0.35,
    explanation="Numbers are read locale-aware (1,000.5 = 1.000,5 = 1 000,5, also with a no-break or narrow "
    "no-break space; $200m = 200 million dollars; 315.1亿 = 31.51 billion); a small number written as a word on "
    "one side counts as present; a PO plural form may use the numbers of either msgid.")
DATE_MISMATCH = Rule(
    "checks/date-mismatch", "a date of the source missing from the target, or one it does not have",
    severity="major", penalty=0.35,
    explanation="Dates with a year are compared by value: March 5, 2024 = 5. März 2024 = 2024-03-05; "
    "03/05/2024 may be either order.")


def _format_number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,}"


def check_numbers(segment: Segment) -> CheckOutcome:
    """Numbers (`checks/number-mismatch`) and dates (`checks/date-mismatch`) that differ."""
    other = comparison_text(segment)
    if other is None:
        return CheckOutcome()
    # Digits inside placeholders (%2$d, {1}, %5.2f) are code, not numbers; blanked, offsets kept.
    extra, absent = number_differences(without_code(segment.text), without_code(other))
    plural = segment.meta.get("plural")
    if plural:
        # A plural form may use the numbers of either msgid, and needs only those of both:
        # "1 photo" / "%d photos" -> "%d фото" (msgstr[0] of Russian serves 1, 21, 31...).
        values = [{n.value for n in numbers_in(text)} for text in (plural["msgid"], plural["msgid_plural"])]
        extra = [n for n in extra if not any(n.value in v for v in values)]
        absent = [n for n in absent if all(n.value in v for v in values)]
    side = side_of(segment)
    issues = [NUMBER_MISMATCH.at(n.start, n.end, f"number {segment.text[n.start:n.end]!r} is not in the {side}",
                                 [_format_number(m.value) for m in absent[:1]])
              for n in extra]
    # A missing number already suggested as the replacement of an extra one is not reported twice.
    issues += [missing(NUMBER_MISMATCH, segment, f"number {other[n.start:n.end]!r} of the {side} is missing "
                       "from the target")
               for n in (absent[1:] if extra else absent)]
    extra_dates, absent_dates = date_differences(segment.text, other)
    iso = [f"{y:04d}-{m:02d}-{d:02d}" for y, m, d in (sorted(absent_dates[0].dates)[:1] if absent_dates else [])]
    issues += [DATE_MISMATCH.at(d.start, d.end, f"date {segment.text[d.start:d.end]!r} is not in the {side}", iso)
               for d in extra_dates]
    issues += [missing(DATE_MISMATCH, segment, f"date {other[d.start:d.end]!r} of the {side} is missing from "
                       "the target")
               for d in (absent_dates[1:] if extra_dates else absent_dates)]
    compared = bool(numbers_in(other) or numbers_in(segment.text))
    return CheckOutcome(compared, issues, {"numbers_extra": len(extra), "numbers_missing": len(absent),
                                           "dates_differing": len(extra_dates) + len(absent_dates)})


NUMBERS = Check("numbers", (NUMBER_MISMATCH, DATE_MISMATCH), (
    Feature("numbers_extra", "count", -1, "numbers of the target not in the source"),
    Feature("numbers_missing", "count", -1, "numbers of the source not in the target"),
    Feature("dates_differing", "count", -1, "dates of either side not on the other"),
), check_numbers)
