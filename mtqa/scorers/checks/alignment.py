"""Gaps found when documents are aligned sentence by sentence (see mtqa.text.align)."""

from __future__ import annotations

from mtqa.core.components import Feature, Rule
from mtqa.core.documents import Segment
from mtqa.scorers.checks.base import Check, CheckOutcome, missing

OMISSION = Rule(
    "checks/align-omission", "a sentence of the source or reference with no counterpart in the target",
    severity="major", penalty=0.4,
    explanation="Aligned documents (--source/--reference with a text input): the omitted sentence is quoted, "
    "reported next to where it belongs.")
ADDITION = Rule("checks/align-addition", "a target sentence with no counterpart in the source or reference",
                severity="major", penalty=0.4)


def check_alignment(segment: Segment) -> CheckOutcome:
    """Sentences of the source/reference with no counterpart in the target (`checks/align-omission`,
    reported next to where they belong), and target sentences with none in the source
    (`checks/align-addition`)."""
    omitted: list[str] = segment.meta.get("omitted", [])
    issues = [missing(OMISSION, segment, f"not in the target: {sentence!r}", [sentence]) for sentence in omitted]
    if segment.meta.get("alignment") == "addition":
        issues.append(ADDITION.at(0, len(segment.text), "sentence has no counterpart: added"))
    compared = "alignment" in (segment.document.meta if segment.document else {})
    return CheckOutcome(compared, issues, {"omitted_sentences": len(omitted)} if compared else {})


ALIGNMENT = Check("alignment", (OMISSION, ADDITION), (
    Feature("omitted_sentences", "count", -1, "sentences of the source next to this one that the target lacks"),
), check_alignment)
