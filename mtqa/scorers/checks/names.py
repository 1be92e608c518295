"""Names, acronyms and codes of the source (or reference) missing from the target."""

from __future__ import annotations

from mtqa.core.components import Feature, Rule
from mtqa.core.documents import Segment
from mtqa.scorers.checks.base import Check, CheckOutcome, comparison_text, missing
from mtqa.text.language import dominant_script
from mtqa.text.names import missing_names

NAME_MISSING = Rule(
    "checks/name-missing", "a name, acronym or code of the source missing from the target",
    severity="major", penalty=0.3,
    explanation="In a source in a non-Latin script every Latin-script token (FTIR, NATO, iPhone 15) must reach "
    "the target; against a Latin-script reference, capitalised words that do not start a sentence. Names "
    "in a Latin-script source are not checked (they are often translated or transliterated).")


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
    issues = [missing(NAME_MISSING, segment, f"{name!r} of the {side} is missing from the target", [name])
              for name in names]
    return CheckOutcome(True, issues, {"names_missing": len(names)})


NAMES = Check("names", (NAME_MISSING,), (
    Feature("names_missing", "count", -1, "names and codes of the source not in the target"),
), check_names)
