"""PO plural entries whose number of forms differs from the header's `nplurals`."""

from __future__ import annotations

from mtqa.core.components import Feature, Rule
from mtqa.core.documents import Segment
from mtqa.scorers.checks.base import Check, CheckOutcome

PLURAL_FORMS = Rule(
    "checks/plural-forms", "a plural entry with fewer or more forms than the header's nplurals", severity="major",
    penalty=0.3,
    explanation="gettext picks msgstr[i] by the header's Plural-Forms expression: with a form missing, those "
    "counts show the source text; a form beyond nplurals is never shown (often a plural category another tool "
    "added, such as CLDR's 'many').")


def check_plural_forms(segment: Segment) -> CheckOutcome:
    """Reported once per entry, on its first form: how its forms differ from `nplurals`."""
    plural = segment.meta.get("plural")
    if not plural or not plural.get("nplurals") or plural["form"] != 0:
        return CheckOutcome()
    forms, nplurals = plural["forms"], plural["nplurals"]
    if forms == nplurals:
        return CheckOutcome(True, [], {"plural_forms_differing": 0})
    what = "missing: those counts show the source text" if forms < nplurals else "beyond it are never shown"
    # Extra forms are harmless at run time: minor; missing ones lose translations: major.
    issue = PLURAL_FORMS.at(0, len(segment.text), f"plural entry has {forms} forms, the header's Plural-Forms says "
                            f"nplurals={nplurals}; the forms {what}", severity="minor" if forms > nplurals else None)
    return CheckOutcome(True, [issue], {"plural_forms_differing": abs(forms - nplurals)})


PLURALS = Check("plural-forms", (PLURAL_FORMS,), (
    Feature("plural_forms_differing", "count", -1, "forms of a plural entry missing or beyond nplurals"),
), check_plural_forms)
