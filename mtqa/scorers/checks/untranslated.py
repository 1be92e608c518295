"""Targets left untranslated: empty, copied from the source, or still in the source's language.

What says which language a string is in are its words once placeholders, markup, URLs,
numbers, codes and names are set aside (`mtqa.text.language.prose_words`): "Sortierung:
%(priority_number)s" is German, "OK", "IPv6", "%(name)s" and "Django" are in no language.

- Identical to the source (after that stripping): reported, unless its words are names (a
  capitalised word rarer than NAME_ZIPF in the source language: Kannada, Interlingua, Udmurt)
  or as much the target language's as the source's ("Filter", "Text", "August" in German;
  "Total" in Spanish): a single word must be over IDENTICAL_WORD_MARGIN Zipf
  unit (a factor of 10) more frequent in the source language than in the target language
  (wordfreq), a longer string must have a word over IDENTICAL_PHRASE_MARGIN.
- Different from the source but still in its language: with both languages known, at least
  MIN_WORDS words, and py3langid (restricted to the two languages) at least
  SOURCE_LANGUAGE_PROBABILITY sure; or, for a target language written in another script,
  no word of the target in that script.
"""

from __future__ import annotations

from mtqa.core.components import Feature, Rule
from mtqa.core.documents import Segment
from mtqa.scorers.checks.base import Check, CheckOutcome, missing
from mtqa.text.language import (
    LANGUAGE_SCRIPTS,
    dominant_script,
    language_probability,
    more_frequent_in,
    primary,
    prose_words,
    source_language,
    word_zipf,
)

# A capitalised word rarer than this (Zipf) in the source language is taken for a name.
NAME_ZIPF = 2.5
IDENTICAL_WORD_MARGIN = 1.0
IDENTICAL_PHRASE_MARGIN = 1.0
MIN_WORDS = 2
SOURCE_LANGUAGE_PROBABILITY = 0.9


def _identical_is_untranslated(words: list[str], source_lang: str, target_lang: str) -> bool:
    """Whether a target identical to its source is left untranslated rather than the same in
    both languages (see the module docstring)."""
    if not target_lang or not source_lang or target_lang == source_lang:
        return bool(words)
    words = [w for w in words if not (w[0].isupper() and word_zipf(w, source_lang) < NAME_ZIPF)]
    if not words:
        return False  # names (of languages, places, products) only
    if LANGUAGE_SCRIPTS.get(target_lang, "latin") != dominant_script(" ".join(words)):
        return True  # a Japanese, Russian... target is not written in the source's letters
    margin = IDENTICAL_WORD_MARGIN if len(words) == 1 else IDENTICAL_PHRASE_MARGIN
    return any(more_frequent_in(word, source_lang, target_lang) >= margin for word in words)


def _still_in_source_language(segment: Segment, source_lang: str, target_lang: str) -> bool:
    if not target_lang or not source_lang or source_lang == target_lang:
        return False
    expected_script = LANGUAGE_SCRIPTS.get(target_lang, "latin")
    words = prose_words(segment.text, segment.source)
    if expected_script != "latin":
        # A target that has any of its own script is translated, if only in part ("Django 文档").
        return bool(words) and not any(dominant_script(w) == expected_script for w in words) and \
            dominant_script(" ".join(words)) == dominant_script(segment.source or "")
    if len(words) < MIN_WORDS:
        return False
    probability = language_probability(words, source_lang, target_lang)
    return probability is not None and probability >= SOURCE_LANGUAGE_PROBABILITY


UNTRANSLATED = Rule(
    "checks/untranslated", "a target identical to its source, or still in the source language",
    severity="major", penalty=0.6,
    explanation="The target copies the source (placeholders, markup, numbers, codes and names set aside), or "
    "reads as the source's language (py3langid) when the file declares another target language. Strings that "
    "are the same in both languages (names, codes, OK, placeholders only, words as common in the target "
    "language) are not reported.")
EMPTY_TARGET = Rule(
    "checks/empty-target", "a unit with a source and no target", severity="major", penalty=1.0,
    explanation="Reported for units of translation files left untranslated (an empty PO msgstr beside "
    "translated entries, an empty XLIFF <target>); templates (.pot, files without any translation) are "
    "exempt; --no-include-untranslated skips such units instead.")


def check_untranslated(segment: Segment) -> CheckOutcome:
    """The target copies the source, or is still in the source's language (the module
    docstring says when)."""
    source = segment.source
    if not source or not segment.text.strip():
        return CheckOutcome()
    words = prose_words(source, segment.text)
    if not words:
        return CheckOutcome()  # placeholders, numbers, codes or names only: nothing to translate
    source_lang = source_language(segment)
    target_lang = primary(segment.target_language())
    # The same words in the same order: identical once placeholders, markup, numbers... are set aside.
    same = [w.lower() for w in prose_words(segment.text, source)] == [w.lower() for w in words]
    issues = []
    if same and _identical_is_untranslated(words, source_lang, target_lang):
        issues.append(UNTRANSLATED.at(0, len(segment.text), "target is identical to the source: untranslated"))
    elif not same and _still_in_source_language(segment, source_lang, target_lang):
        issues.append(UNTRANSLATED.at(0, len(segment.text), "target is still in the source language: untranslated"))
    return CheckOutcome(True, issues, {"untranslated": bool(issues)})


def check_empty_target(segment: Segment) -> CheckOutcome:
    """A unit with a source and no target. Untranslated units reach the checks unless
    `include_untranslated` is off or the file is a template (see ChecksScorer)."""
    if not (segment.source or "").strip() or segment.text.strip():
        return CheckOutcome()
    issue = missing(EMPTY_TARGET, segment, "target is empty: not translated")
    return CheckOutcome(True, [issue], {"empty_target": True})


FUZZY_ENTRY = Rule(
    "checks/fuzzy", "a unit marked as needing review (PO fuzzy, XLIFF needs-review state)", severity="major",
    penalty=0.3,
    explanation="gettext leaves fuzzy entries out of the compiled catalogue, so users see the source text; "
    "XLIFF states needs-review-* and needs-translation say the same of a target. Review the translation and "
    "clear the mark.")


def check_fuzzy(segment: Segment) -> CheckOutcome:
    """A unit marked fuzzy (PO) or as needing review or translation (XLIFF `state`)."""
    state = str(segment.meta.get("state") or "")
    if not segment.text.strip() or not (segment.meta.get("fuzzy") or state.startswith("needs-")):
        return CheckOutcome()
    what = "marked fuzzy" if segment.meta.get("fuzzy") else f"in state {state}"
    return CheckOutcome(True, [FUZZY_ENTRY.at(0, len(segment.text), f"translation is {what}: needs review")],
                        {"fuzzy": True})


UNTRANSLATED_CHECK = Check("untranslated", (UNTRANSLATED,), (
    Feature("untranslated", "flag", -1, "the target is the source, or in the source's language"),
), check_untranslated)
EMPTY = Check("empty-target", (EMPTY_TARGET,), (
    Feature("empty_target", "flag", -1, "a unit with a source and no target"),
), check_empty_target)
FUZZY = Check("fuzzy", (FUZZY_ENTRY,), (
    Feature("fuzzy", "flag", -1, "the unit is marked as needing review"),
), check_fuzzy)
