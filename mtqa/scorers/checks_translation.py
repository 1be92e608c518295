"""The localisation QA checks (Xbench/CheckMate style), registered in `checks.CHECKS`.

Inline tags, untranslated and empty targets, whitespace, URLs and e-mail addresses,
inconsistent translations within a file, alignment gaps (see mtqa.text.align) and the glossary.
Each has its own rule id; all are deterministic.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from mtqa.core.config import Settings
from mtqa.core.documents import Document, Issue, Segment
from mtqa.readers.inline import InlineTag
from mtqa.scorers.checks import (
    DIMENSION,
    PENALTY,
    Check,
    CheckOutcome,
    check,
    comparison_text,
    configured_check,
    missing_issue,
)
from mtqa.text.glossary import Term, find_term, load_glossary
from mtqa.text.language import dominant_script, looks_english, primary

# Rules reported by a check registered under another rule.
PENALTY.update({"checks.tag-order": 0.1, "checks.whitespace-edges": 0.05, "checks.email-mismatch": 0.3,
                "align.addition": 0.4, "checks.do-not-translate": 0.3})

# --- Inline tags -------------------------------------------------------------------------


def _tags(segment: Segment, key: str) -> list[InlineTag]:
    return [InlineTag.from_dict(t) for t in segment.meta.get(key, [])]


def _unmatched(tags: list[InlineTag], surplus: Counter[tuple[str, str, str]]) -> list[InlineTag]:
    """The last `surplus[key]` tags of each key: the ones without a partner on the other side."""
    left = Counter(surplus)
    chosen = []
    for tag in reversed(tags):
        if left[tag.key] > 0:
            left[tag.key] -= 1
            chosen.append(tag)
    return chosen[::-1]


@check("checks.tag-mismatch", penalty=0.3)
def check_tags(segment: Segment) -> CheckOutcome:
    """Inline tags of the source missing from the target or added to it (major), or the
    same tags in another order (`checks.tag-order`, minor: word order may move them)."""
    if "source_tags" not in segment.meta:
        return CheckOutcome()
    source_tags, target_tags = _tags(segment, "source_tags"), _tags(segment, "tags")
    if not source_tags and not target_tags:
        return CheckOutcome()
    expected, found = Counter(t.key for t in source_tags), Counter(t.key for t in target_tags)
    missing, added = expected - found, found - expected
    issues = [missing_issue(segment, "checks.tag-mismatch", f"tag {t.display()} of the source is missing",
                            [t.display()])
              for t in _unmatched(source_tags, missing)]
    issues += [Issue(DIMENSION, t.offset, t.offset, f"tag {t.display()} is not in the source",
                     "checks.tag-mismatch", severity="major")
               for t in _unmatched(target_tags, added)]
    if not issues and [t.key for t in source_tags] != [t.key for t in target_tags]:
        order = " ".join(t.display() for t in source_tags)
        issues.append(Issue(DIMENSION, 0, len(segment.text),
                            f"inline tags are not in the source's order ({order})", "checks.tag-order"))
    return CheckOutcome(True, issues, {"tags_missing": sum(missing.values()), "tags_added": sum(added.values())})


# --- Untranslated and empty targets ------------------------------------------------------

# The script a target language is written in, where that is not the Latin alphabet.
LANGUAGE_SCRIPTS = {
    "zh": "han", "ja": "kana", "ko": "hangul", "ru": "cyrillic", "uk": "cyrillic", "bg": "cyrillic",
    "sr": "cyrillic", "el": "greek", "ar": "arabic", "fa": "arabic", "he": "hebrew", "hi": "devanagari",
    "th": "thai",
}
# A lower-case word (or two letters of a caseless script): names, codes and acronyms alone
# ("Acme Cloud", "ACME-1234") are often left as they are on purpose.
_HAS_WORDS = re.compile(r"(?<!\w)[^\W\d_A-Z]*[a-zà-ÿ]{3,}(?!\w)|[^\W\d_a-zA-Z\u00c0-\u024f]{2,}")


def _still_in_source_language(segment: Segment) -> bool:
    """The target is in the source's language rather than the document's target language."""
    document = segment.document
    source_lang, target_lang = primary(document and document.source_lang), primary(document and document.target_lang)
    if not target_lang or source_lang == target_lang:
        return False
    expected_script = LANGUAGE_SCRIPTS.get(target_lang, "latin")
    if dominant_script(segment.text) not in (None, expected_script):
        return dominant_script(segment.text) == dominant_script(segment.source or "")
    return target_lang != "en" and (source_lang == "en" or not source_lang) and looks_english(segment.text) \
        and looks_english(segment.source or "")


@check("checks.untranslated", penalty=0.6)
def check_untranslated(segment: Segment) -> CheckOutcome:
    """The target copies the source, or is still in the source's language (a file's
    languages known). Sources without common words (numbers, codes, names) are not judged."""
    source = segment.source
    if not source or not segment.text.strip() or not _HAS_WORDS.search(source):
        return CheckOutcome()
    same = " ".join(segment.text.split()) == " ".join(source.split())
    foreign = not same and _still_in_source_language(segment)
    issues = []
    if same or foreign:
        what = "is identical to the source" if same else "is still in the source language"
        issues.append(Issue(DIMENSION, 0, len(segment.text), f"target {what}: untranslated",
                            "checks.untranslated", severity="major"))
    return CheckOutcome(True, issues, {"untranslated": bool(issues)})


@check("checks.empty-target", penalty=1.0)
def check_empty_target(segment: Segment) -> CheckOutcome:
    """A unit with a source and no target. Untranslated units only reach the checks with
    `include_untranslated` (see ChecksScorer); otherwise they are skipped, not scored."""
    if not (segment.source or "").strip() or segment.text.strip():
        return CheckOutcome()
    issue = missing_issue(segment, "checks.empty-target", "target is empty: not translated")
    return CheckOutcome(True, [issue], {"empty_target": True})


# --- Whitespace --------------------------------------------------------------------------

_DOUBLE_SPACE = re.compile(r"(?<=\S) {2,}(?=\S)")


@check("checks.double-space", penalty=0.05)
def check_whitespace(segment: Segment) -> CheckOutcome:
    """Runs of spaces inside the target that the source does not have, and leading or
    trailing whitespace that differs from the source's (`checks.whitespace-edges`)."""
    other = comparison_text(segment)
    expected_runs = len(_DOUBLE_SPACE.findall(other or ""))
    runs = list(_DOUBLE_SPACE.finditer(segment.text))
    issues = [Issue(DIMENSION, m.start(), m.end(), "double space", "checks.double-space", [" "])
              for m in (runs if len(runs) > expected_runs else [])]
    if other is not None and segment.text.strip():
        text = segment.text
        for side, ours, theirs, start in (
            ("leading", text[: len(text) - len(text.lstrip())], other[: len(other) - len(other.lstrip())], 0),
            ("trailing", text[len(text.rstrip()):], other[len(other.rstrip()):], len(text.rstrip())),
        ):
            if ours != theirs:
                issues.append(Issue(DIMENSION, start, start + len(ours),
                                    f"{side} whitespace {ours!r} differs from the source's {theirs!r}",
                                    "checks.whitespace-edges", [theirs]))
    return CheckOutcome(other is not None, issues, {"whitespace_issues": len(issues)})


# --- URLs and e-mail addresses -----------------------------------------------------------

_URL = re.compile(r"\b(?:https?://|ftp://|www\.)[^\s<>\"'“”«»]+[^\s<>\"'“”«».,;:!?)\]]")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")


def _mismatches(pattern: re.Pattern[str], rule: str, what: str, segment: Segment, other: str) -> list[Issue]:
    expected = Counter(m.group() for m in pattern.finditer(other))
    issues = []
    for match in pattern.finditer(segment.text):
        if expected[match.group()] > 0:
            expected[match.group()] -= 1
            continue
        suggestion = [next(iter(+expected))] if +expected else []
        issues.append(Issue(DIMENSION, match.start(), match.end(), f"{what} {match.group()!r} is not in the source",
                            rule, suggestion, severity="major"))
    suggested = {s for issue in issues for s in issue.suggestions}
    issues += [missing_issue(segment, rule, f"{what} {value!r} of the source is missing", [value])
               for value in (+expected) if value not in suggested]
    return issues


@check("checks.url-mismatch", penalty=0.3)
def check_urls(segment: Segment) -> CheckOutcome:
    """URLs (`checks.url-mismatch`) and e-mail addresses (`checks.email-mismatch`) must be
    copied unchanged from the source."""
    other = comparison_text(segment)
    if other is None:
        return CheckOutcome()
    issues = _mismatches(_URL, "checks.url-mismatch", "URL", segment, other)
    issues += _mismatches(_EMAIL, "checks.email-mismatch", "e-mail address", segment, _URL.sub(" ", other))
    compared = bool(_URL.search(other) or _EMAIL.search(other) or _URL.search(segment.text) or _EMAIL.search(segment.text))
    return CheckOutcome(compared, issues, {"links_altered": len(issues)})


# --- Consistency within a file -----------------------------------------------------------

_TRANSLATIONS: dict[int, tuple[Document, dict[str, Counter[str]]]] = {}


def _normalised(text: str) -> str:
    return " ".join(text.split())


def translations_by_source(document: Document) -> dict[str, Counter[str]]:
    """For each (normalised) source of the document, how often each target translates it.
    Computed once per document object."""
    cached = _TRANSLATIONS.get(id(document))
    if cached is None or cached[0] is not document:
        table: dict[str, Counter[str]] = {}
        for segment in document.segments:
            if segment.source and segment.text.strip():
                table.setdefault(_normalised(segment.source), Counter())[_normalised(segment.text)] += 1
        if len(_TRANSLATIONS) > 8:
            _TRANSLATIONS.clear()
        cached = _TRANSLATIONS[id(document)] = (document, table)
    return cached[1]


@check("checks.inconsistent-translation", penalty=0.1)
def check_consistency(segment: Segment) -> CheckOutcome:
    """The same source is translated differently elsewhere in the file: reported on the
    targets that differ from the most frequent translation (the first one on a tie)."""
    if not segment.source or segment.document is None or not segment.text.strip():
        return CheckOutcome()
    variants = translations_by_source(segment.document).get(_normalised(segment.source), Counter())
    if len(variants) < 2:
        return CheckOutcome(True)
    usual = variants.most_common(1)[0][0]
    issues = []
    if _normalised(segment.text) != usual:
        issues.append(Issue(DIMENSION, 0, len(segment.text),
                            f"the same source is translated as {usual!r} elsewhere in the file",
                            "checks.inconsistent-translation", [usual]))
    return CheckOutcome(True, issues, {"translation_variants": len(variants)})


# --- Alignment gaps (documents aligned by mtqa.text.align) ------------------------------------


@check("align.omission", penalty=0.4)
def check_alignment(segment: Segment) -> CheckOutcome:
    """Sentences of the source/reference with no counterpart in the target (`align.omission`,
    reported next to where they belong), and target sentences with none in the source
    (`align.addition`)."""
    omitted: list[str] = segment.meta.get("omitted", [])
    issues = [missing_issue(segment, "align.omission", f"not in the target: {sentence!r}", [sentence])
              for sentence in omitted]
    if segment.meta.get("alignment") == "addition":
        issues.append(Issue(DIMENSION, 0, len(segment.text), "sentence has no counterpart: added",
                            "align.addition", severity="major"))
    compared = "alignment" in (segment.document.meta if segment.document else {})
    return CheckOutcome(compared, issues, {"omitted_sentences": len(omitted)} if compared else {})


# --- Glossary ----------------------------------------------------------------------------


def glossary_issues(segment: Segment, terms: Iterable[Term]) -> list[Issue]:
    """Terms of the source whose required translation is missing from the target
    (`checks.glossary`), and do-not-translate terms not kept as is (`checks.do-not-translate`)."""
    issues = []
    source = segment.source or ""
    for term in terms:
        if not find_term(source, term.source):
            continue
        if term.do_not_translate:
            if find_term(segment.text, term.source, case_sensitive=True) is None:
                issues.append(missing_issue(segment, "checks.do-not-translate",
                                            f"{term.source!r} must not be translated", [term.source]))
        elif not any(find_term(segment.text, target, inflected=True) for target in term.targets):
            issues.append(missing_issue(segment, "checks.glossary",
                                        f"glossary: {term.source!r} must be translated as "
                                        f"{' or '.join(map(repr, term.targets))}", list(term.targets)))
    return issues


@configured_check("checks.glossary", penalty=0.2)
def glossary_check(settings: Settings) -> Check | None:
    """The glossary of `settings.glossary`, for the language pair of each segment's file."""
    if settings.glossary is None:
        return None
    path = settings.glossary
    load_glossary(path)  # a missing or malformed glossary fails before any scoring

    def check_glossary(segment: Segment) -> CheckOutcome:
        if not segment.source:
            return CheckOutcome()
        document = segment.document
        terms = load_glossary(path, document and document.source_lang, document and document.target_lang)
        issues = glossary_issues(segment, terms)
        raw: dict[str, Any] = {"glossary_violations": len(issues)}
        return CheckOutcome(True, issues, raw)

    return check_glossary
