"""Brackets and quotation marks: unbalanced ones, and quotes of the source the target dropped."""

from __future__ import annotations

import re

from mtqa.core.components import Feature, Rule
from mtqa.core.documents import Segment
from mtqa.scorers.checks.base import Check, CheckOutcome, comparison_text

_PAIRS = {"(": ")", "[": "]", "{": "}", "“": "”", "«": "»", "「": "」", "『": "』", "（": "）", "【": "】"}
_CLOSERS = {closer: opener for opener, closer in _PAIRS.items()}
_QUOTES = frozenset('"“”«»「」『』„')


def mark_kind(char: str) -> str:
    """Quotes of every script are one kind, brackets another: a translation may swap styles."""
    return "quote" if char in _QUOTES else "bracket"


# Quotation styles of other languages: „…“ (German, Czech), „…” (Polish, Hungarian, Romanian),
# »…« (German, Danish, Swedish »…»), ”…“ (Arabic, Persian, Hebrew: mirrored in the stored
# order): each opener with the closers it takes.
_LOW_AND_REVERSED = {"„": "“”", "»": "«»", "”": "“"}


def unbalanced_marks(text: str) -> list[tuple[int, str]]:
    """Positions of brackets/quotes without their partner (straight double quotes: odd count)."""
    stack: list[tuple[int, str]] = []
    unmatched: list[tuple[int, str]] = []
    for position, char in enumerate(text):
        top = stack[-1][1] if stack else ""
        if top in _LOW_AND_REVERSED and char in _LOW_AND_REVERSED[top]:
            stack.pop()
        elif char == "„" or char == "»" and "«" not in text[:position] or char == "”" and "“" in text[position:] \
                and "“" not in text[:position]:
            stack.append((position, char))
        elif char in _PAIRS and not (char == "“" and top == "“"):
            stack.append((position, char))
        elif char in _CLOSERS or char == "“":
            # A second “ where ” was due is a common typo for the closing quote.
            opener = _CLOSERS.get(char, "“")
            if top == opener:
                stack.pop()
            else:
                unmatched.append((position, char))
    unmatched += stack
    straight = [i for i, c in enumerate(text) if c == '"']
    if len(straight) % 2:
        unmatched.append((straight[-1], '"'))
    return sorted(unmatched)


UNBALANCED = Rule(
    "checks/unbalanced-brackets", "a bracket or quotation mark without its partner", penalty=0.1,
    explanation="Brackets and quotes of any script must pair up; a mark that is unbalanced in the source too "
    "(a quote opened in one sentence and closed in the next) is not reported.")
QUOTE_MISMATCH = Rule(
    "checks/quote-mismatch", "quotation marks of the source missing from the target", penalty=0.1,
    explanation="Quoted expressions (slogans, coined terms, idioms; Chinese title marks) are where translations "
    "paraphrase or mistranslate; on WMT23 zh-en MQM, a translation that drops the source's quotes is usually "
    "the worse one.")


def check_brackets(segment: Segment) -> CheckOutcome:
    unmatched = unbalanced_marks(segment.text)
    if segment.source or segment.reference:
        # A quote opened in one sentence and closed in the next is unbalanced in the source too.
        expected = {mark_kind(char) for _, char in unbalanced_marks(comparison_text(segment) or "")}
        unmatched = [(i, c) for i, c in unmatched if mark_kind(c) not in expected]
    issues = [UNBALANCED.at(i, i + 1, f"{char!r} has no matching {'opening' if char in _CLOSERS else 'closing'} mark")
              for i, char in unmatched]
    return CheckOutcome(False, issues, {"unbalanced_marks": len(unmatched)})


# Quotation marks of any script, and Chinese title marks (《》), which translations into
# English render with quotation marks (or italics, which plain text cannot show).
_QUOTATION_MARKS = _QUOTES | frozenset("„《》")
_QUOTED = re.compile(r"“[^“”]+”|「[^「」]+」|『[^『』]+』|《[^《》]+》|«[^«»]+»|\"[^\"]+\"")


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
        issues.append(QUOTE_MISMATCH.at(end, end, f"the {side} has {expected} quotation marks "
                                        f"({quoted or 'unpaired'}), the target {expected - missing}: a quoted "
                                        "expression may be lost or paraphrased"))
    return CheckOutcome(bool(expected), issues, {"quote_marks_missing": missing})


BRACKETS = Check("brackets", (UNBALANCED,), (
    Feature("unbalanced_marks", "count", -1, "brackets and quotes without their partner"),
), check_brackets)
QUOTES = Check("quotes", (QUOTE_MISMATCH,), (
    Feature("quote_marks_missing", "count", -1, "quotation marks of the source not in the target"),
), check_quotes)
