"""Whitespace, links and consistency within a file: the checks of Xbench-style QA tools."""

from __future__ import annotations

import re
from collections import Counter

from mtqa.core.components import Feature, Rule
from mtqa.core.documents import Document, Issue, Segment
from mtqa.scorers.checks.base import Check, CheckOutcome, comparison_text, missing

_DOUBLE_SPACE = re.compile(r"(?<=\S) {2,}(?=\S)")


DOUBLE_SPACE = Rule("checks/double-space", "a run of spaces inside the target that the source does not have",
                    penalty=0.05)
WHITESPACE_EDGES = Rule("checks/whitespace-edges", "leading or trailing whitespace unlike the source's",
                        penalty=0.05, explanation="Leading and trailing whitespace often matters where the "
                        "string is concatenated with others (UI strings, messages).")


def check_whitespace(segment: Segment) -> CheckOutcome:
    """Runs of spaces inside the target that the source does not have, and leading or
    trailing whitespace that differs from the source's (`checks/whitespace-edges`)."""
    other = comparison_text(segment)
    expected_runs = len(_DOUBLE_SPACE.findall(other or ""))
    runs = list(_DOUBLE_SPACE.finditer(segment.text))
    issues = [DOUBLE_SPACE.at(m.start(), m.end(), "double space", [" "])
              for m in (runs if len(runs) > expected_runs else [])]
    if other is not None and segment.text.strip():
        text = segment.text
        for side, ours, theirs, start in (
            ("leading", text[: len(text) - len(text.lstrip())], other[: len(other) - len(other.lstrip())], 0),
            ("trailing", text[len(text.rstrip()):], other[len(other.rstrip()):], len(text.rstrip())),
        ):
            if ours != theirs:
                issues.append(WHITESPACE_EDGES.at(start, start + len(ours),
                                                  f"{side} whitespace {ours!r} differs from the source's {theirs!r}",
                                                  [theirs]))
    return CheckOutcome(other is not None, issues, {"whitespace_issues": len(issues)})


_URL = re.compile(r"\b(?:https?://|ftp://|www\.)[^\s<>\"'“”«»]+[^\s<>\"'“”«».,;:!?)\]]")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")


URL_MISMATCH = Rule("checks/url-mismatch", "a URL of the source changed, dropped or added", severity="major",
                    penalty=0.3, explanation="URLs must be copied unchanged: a changed link leads elsewhere.")
EMAIL_MISMATCH = Rule("checks/email-mismatch", "an e-mail address of the source changed, dropped or added",
                      severity="major", penalty=0.3)


def _mismatches(pattern: re.Pattern[str], rule: Rule, what: str, segment: Segment, other: str) -> list[Issue]:
    expected = Counter(m.group() for m in pattern.finditer(other))
    issues = []
    for match in pattern.finditer(segment.text):
        if expected[match.group()] > 0:
            expected[match.group()] -= 1
            continue
        suggestion = [next(iter(+expected))] if +expected else []
        issues.append(rule.at(match.start(), match.end(), f"{what} {match.group()!r} is not in the source", suggestion))
    suggested = {s for issue in issues for s in issue.suggestions}
    issues += [missing(rule, segment, f"{what} {value!r} of the source is missing", [value])
               for value in (+expected) if value not in suggested]
    return issues


def check_urls(segment: Segment) -> CheckOutcome:
    """URLs (`checks/url-mismatch`) and e-mail addresses (`checks/email-mismatch`) must be
    copied unchanged from the source."""
    other = comparison_text(segment)
    if other is None:
        return CheckOutcome()
    issues = _mismatches(_URL, URL_MISMATCH, "URL", segment, other)
    issues += _mismatches(_EMAIL, EMAIL_MISMATCH, "e-mail address", segment, _URL.sub(" ", other))
    compared = any(pattern.search(text) for pattern in (_URL, _EMAIL) for text in (other, segment.text))
    return CheckOutcome(compared, issues, {"links_altered": len(issues)})


_TRANSLATIONS: dict[int, tuple[Document, dict[str, Counter[str]]]] = {}


def _normalised(text: str) -> str:
    return " ".join(text.split())


def message_identity(segment: Segment) -> str:
    """What makes two units the same message: the source, and its context (a PO msgctxt: "Open"
    as a toolbar action and as a task status are different messages)."""
    return f"{segment.meta.get('context') or ''}\x04{_normalised(segment.source or '')}"


def translations_by_source(document: Document) -> dict[str, Counter[str]]:
    """For each message of the document (`message_identity`), how often each target translates
    it. Computed once per document object."""
    cached = _TRANSLATIONS.get(id(document))
    if cached is None or cached[0] is not document:
        table: dict[str, Counter[str]] = {}
        for segment in document.segments:
            if segment.source and segment.text.strip():
                table.setdefault(message_identity(segment), Counter())[_normalised(segment.text)] += 1
        if len(_TRANSLATIONS) > 8:
            _TRANSLATIONS.clear()
        cached = _TRANSLATIONS[id(document)] = (document, table)
    return cached[1]


INCONSISTENT = Rule(
    "checks/inconsistent-translation", "the same source translated differently elsewhere in the file", penalty=0.1,
    explanation="Reported on the targets that differ from the most frequent translation of the same source "
    "(in the same context: PO msgctxt and the like make different messages).")


def check_consistency(segment: Segment) -> CheckOutcome:
    """The same source is translated differently elsewhere in the file: reported on the
    targets that differ from the most frequent translation (the first one on a tie)."""
    if not segment.source or segment.document is None or not segment.text.strip():
        return CheckOutcome()
    variants = translations_by_source(segment.document).get(message_identity(segment), Counter())
    if len(variants) < 2:
        return CheckOutcome(True)
    usual = variants.most_common(1)[0][0]
    issues = []
    if _normalised(segment.text) != usual:
        issues.append(INCONSISTENT.at(0, len(segment.text),
                                      f"the same source is translated as {usual!r} elsewhere in the file", [usual]))
    return CheckOutcome(True, issues, {"translation_variants": len(variants)})


WHITESPACE = Check("whitespace", (DOUBLE_SPACE, WHITESPACE_EDGES), (
    Feature("whitespace_issues", "count", -1, "double spaces and edges unlike the source's"),
), check_whitespace)
LINKS = Check("links", (URL_MISMATCH, EMAIL_MISMATCH), (
    Feature("links_altered", "count", -1, "URLs and e-mail addresses not copied exactly"),
), check_urls)
CONSISTENCY = Check("consistency", (INCONSISTENT,), (
    Feature("translation_variants", "count", 0, "different translations of this source in the file"),
), check_consistency)
