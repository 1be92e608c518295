"""Targets left untranslated: empty, copied from the source, or still in the source's language."""

from __future__ import annotations

import re

from mtqa.core.components import Feature, Rule
from mtqa.core.documents import Segment
from mtqa.scorers.checks.base import Check, CheckOutcome, missing
from mtqa.text.language import dominant_script, looks_english, primary

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


UNTRANSLATED = Rule(
    "checks/untranslated", "a target identical to its source, or still in the source language",
    severity="major", penalty=0.6,
    explanation="The target copies the source or reads as the source's language when the file declares "
    "another target language. Sources without common words (numbers, codes, names) are not judged.")
EMPTY_TARGET = Rule(
    "checks/empty-target", "a unit with a source and no target", severity="major", penalty=1.0,
    explanation="Reported for units of translation files left untranslated, with --include-untranslated.")


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
        issues.append(UNTRANSLATED.at(0, len(segment.text), f"target {what}: untranslated"))
    return CheckOutcome(True, issues, {"untranslated": bool(issues)})


def check_empty_target(segment: Segment) -> CheckOutcome:
    """A unit with a source and no target. Untranslated units only reach the checks with
    `include_untranslated` (see ChecksScorer); otherwise they are skipped, not scored."""
    if not (segment.source or "").strip() or segment.text.strip():
        return CheckOutcome()
    issue = missing(EMPTY_TARGET, segment, "target is empty: not translated")
    return CheckOutcome(True, [issue], {"empty_target": True})


UNTRANSLATED_CHECK = Check("untranslated", (UNTRANSLATED,), (
    Feature("untranslated", "flag", -1, "the target is the source, or in the source's language"),
), check_untranslated)
EMPTY = Check("empty-target", (EMPTY_TARGET,), (
    Feature("empty_target", "flag", -1, "a unit with a source and no target"),
), check_empty_target)
