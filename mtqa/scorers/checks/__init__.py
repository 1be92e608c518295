"""Deterministic QA checks of a target against its source (any language) or reference.

Each check (`base.Check`) is a small function of a segment declared with the rules it reports
and the raw values it emits; `CHECKS` lists them, in report order. A check compares the target
with the source when there is one (the authority), else with the reference. Findings about
something *missing* from the target carry a zero-width span at its end (there is nothing to
point at); findings about something present point at it. The score is 1 minus the rules'
penalties for the findings (floor 0); null when no check had anything to compare.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mtqa.core.components import ComponentSpec, Feature, Scorer
from mtqa.core.config import Settings
from mtqa.core.documents import DimensionResult, Segment
from mtqa.scorers.checks import (
    alignment,
    consistency,
    glossary,
    length,
    marks,
    names,
    numbers,
    placeholders,
    plurals,
    tags,
    untranslated,
)
from mtqa.scorers.checks.base import DIMENSION, Check, CheckFunction

CHECKS: tuple[Check, ...] = (
    placeholders.PLACEHOLDERS, plurals.PLURALS, numbers.NUMBERS, names.NAMES, marks.BRACKETS, marks.QUOTES,
    length.LENGTH, tags.TAGS,
    untranslated.UNTRANSLATED_CHECK, untranslated.EMPTY, untranslated.FUZZY, consistency.WHITESPACE, consistency.LINKS,
    consistency.CONSISTENCY, alignment.ALIGNMENT, glossary.GLOSSARY_CHECK,
)
PENALTY = {rule.id: rule.penalty for check in CHECKS for rule in check.rules}


class ChecksScorer(Scorer):
    """Runs every check of `CHECKS` (or those named in `checks`) that the settings enable."""

    dimension = DIMENSION

    def __init__(self, settings: Settings | None = None, checks: Sequence[str] | None = None) -> None:
        self.settings = settings or Settings()
        self.checks: dict[str, CheckFunction] = {}
        for check in CHECKS:
            function = check.bind(self.settings) if checks is None or check.name in checks else None
            if function is not None:
                self.checks[check.name] = function
        # Untranslated units are reported (checks/empty-target) unless turned off; never in templates.
        self.judges_untranslated = self.settings.include_untranslated

    def score_one(self, segment: Segment) -> DimensionResult:
        # An empty target is reported once, as empty: not also as missing every tag and number.
        checks = self.checks if segment.text.strip() else {
            name: function for name, function in self.checks.items() if name == untranslated.EMPTY.name}
        outcomes = [function(segment) for function in checks.values()]
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
        # Untranslated units have nothing for a model to score but something to report, except
        # in a template (a .pot file, or a file with no translation at all).
        template = segment.document is not None and segment.document.meta.get("template")
        return segment.scored or (self.judges_untranslated and bool(segment.meta.get("untranslated"))
                                  and not template)

    def signature(self) -> dict[str, Any]:
        signature: dict[str, Any] = {"checks": sorted(self.checks)}
        if self.settings.glossary is not None and "glossary" in self.checks:
            signature["glossary"] = self.settings.glossary.name
        if not self.judges_untranslated:
            signature["include_untranslated"] = False
        return signature


SPEC = ComponentSpec(
    DIMENSION, "default", ChecksScorer,
    "deterministic QA checks: placeholders, numbers, dates, names, tags, links, whitespace, length, consistency, "
    "glossary",
    features=(*(feature for check in CHECKS for feature in check.features),
              Feature("issues", "count", -1, "findings of every check")),
    rules=tuple(rule for check in CHECKS for rule in check.rules),
)
