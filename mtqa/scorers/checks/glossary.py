"""Terminology: glossary terms translated as required, do-not-translate terms kept as they are."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mtqa.core.components import Feature, Rule
from mtqa.core.config import Settings
from mtqa.core.documents import Issue, Segment
from mtqa.scorers.checks.base import Check, CheckFunction, CheckOutcome, missing
from mtqa.text.glossary import Term, find_term, load_glossary

GLOSSARY = Rule(
    "checks/glossary", "a glossary term of the source not translated as the glossary requires",
    severity="major", penalty=0.2,
    explanation="With --glossary FILE (TSV or TBX): each source term must be rendered by one of its "
    "translations (inflected forms count).")
DO_NOT_TRANSLATE = Rule("checks/do-not-translate", "a do-not-translate term of the source changed in the target",
                        severity="major", penalty=0.3)


def glossary_issues(segment: Segment, terms: Iterable[Term]) -> list[Issue]:
    """Terms of the source whose required translation is missing from the target
    (`checks/glossary`), and do-not-translate terms not kept as is (`checks/do-not-translate`)."""
    issues = []
    source = segment.source or ""
    for term in terms:
        if not find_term(source, term.source):
            continue
        if term.do_not_translate:
            if find_term(segment.text, term.source, case_sensitive=True) is None:
                issues.append(missing(DO_NOT_TRANSLATE, segment, f"{term.source!r} must not be translated",
                                      [term.source]))
        elif not any(find_term(segment.text, target, inflected=True) for target in term.targets):
            issues.append(missing(GLOSSARY, segment, f"glossary: {term.source!r} must be translated as "
                                  f"{' or '.join(map(repr, term.targets))}", term.targets))
    return issues


def glossary_check(settings: Settings) -> CheckFunction | None:
    """The glossary of `settings.glossary`, for the language pair of each segment (its row's, a
    table's language columns, else its file's)."""
    if settings.glossary is None:
        return None
    path = settings.glossary
    load_glossary(path)  # a missing or malformed glossary fails before any scoring

    def check_glossary(segment: Segment) -> CheckOutcome:
        if not segment.source:
            return CheckOutcome()
        terms = load_glossary(path, segment.source_language_tag(), segment.target_language())
        issues = glossary_issues(segment, terms)
        raw: dict[str, Any] = {"glossary_violations": len(issues)}
        return CheckOutcome(True, issues, raw)

    return check_glossary


GLOSSARY_CHECK = Check("glossary", (GLOSSARY, DO_NOT_TRANSLATE), (
    Feature("glossary_violations", "count", -1, "glossary terms not rendered as required"),
), configure=glossary_check)
