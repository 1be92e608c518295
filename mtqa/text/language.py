"""Language facts shared by the scorers, the aligner and the risk model.

Which comparison a segment allows depends on languages: a reference, or a source in the
target's own language (a rewrite), can be compared word for word ("reference"); a source in
another language only through a cross-lingual model and language-independent checks
("crosslingual"); with neither, a sentence can only be judged by its document ("context").
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from mtqa.core.documents import Document, Segment

# A text is taken as English when this share of its words are common English words.
ENGLISH_SHARE = 0.7
_WORDS = re.compile(r"[^\W\d_]+")


def primary(tag: str | None) -> str:
    """The primary subtag of a language tag: "en-US" -> "en", "pt_BR" -> "pt", None -> ""."""
    return (tag or "").lower().replace("_", "-").split("-")[0]


def english_share(text: str) -> float:
    """Share of the words of `text` that are common English words (wordfreq Zipf >= 3)."""
    from wordfreq import zipf_frequency

    words = _WORDS.findall(text.lower())[:500]
    return sum(zipf_frequency(w, "en") >= 3 for w in words) / len(words) if words else 0.0


def looks_english(text: str) -> bool:
    return english_share(text) >= ENGLISH_SHARE


# The script a language is written in, where that is not the Latin alphabet.
LANGUAGE_SCRIPTS = {
    "zh": "han", "ja": "kana", "ko": "hangul", "ru": "cyrillic", "uk": "cyrillic", "bg": "cyrillic",
    "sr": "cyrillic", "mk": "cyrillic", "be": "cyrillic", "kk": "cyrillic", "el": "greek", "ar": "arabic",
    "fa": "arabic", "ur": "arabic", "he": "hebrew", "hi": "devanagari", "mr": "devanagari", "ne": "devanagari",
    "th": "thai", "ka": "georgian", "hy": "armenian", "bn": "bengali", "ta": "tamil", "te": "telugu",
}


def script_of_language(language: str | None) -> str | None:
    """The script a language (ISO 639-1) is written in, None when unknown."""
    return LANGUAGE_SCRIPTS.get(language, "latin") if language else None


# Languages told apart by script alone, for a source whose file declares none.
LANGUAGE_OF_SCRIPT = {"han": "zh", "kana": "ja", "hangul": "ko"}


def source_language(segment: Segment) -> str:
    """The source's language: declared by the row (a table's source language column) or the
    file, else "en" when it reads as English, else what its script says (Chinese, Japanese,
    Korean), else unknown ("")."""
    declared = primary(segment.source_language_tag())
    if declared:
        return declared
    source = segment.source or ""
    if looks_english(source):
        return "en"
    return LANGUAGE_OF_SCRIPT.get(dominant_script(source) or "", "")


def script_of(char: str) -> str:
    """A coarse script name: 'latin', 'han', 'kana', 'hangul', or the Unicode name's first word."""
    if "a" <= char.lower() <= "z":
        return "latin"
    name = unicodedata.name(char, "")
    if name.startswith("CJK"):
        return "han"
    if name.startswith(("HIRAGANA", "KATAKANA")):
        return "kana"
    if name.startswith("HANGUL"):
        return "hangul"
    first = name.split(" ", 1)[0].lower()
    return "latin" if first == "latin" else first


@lru_cache(maxsize=4096)  # the aligner asks again for the same sentences
def dominant_script(text: str) -> str | None:
    scripts = Counter(script_of(c) for c in text if c.isalpha())
    if not scripts:
        return None
    if scripts["kana"]:
        return "kana"  # Japanese mixes kana with Han; kana marks it as Japanese
    return scripts.most_common(1)[0][0]


def comparison_mode(segment: Segment, target_language: str) -> str:
    """"reference", "crosslingual" or "context" (see the module docstring)."""
    if segment.reference:
        return "reference"
    if segment.source:
        return "reference" if source_language(segment) == target_language else "crosslingual"
    return "context"


# What language identification sets aside: markup tags, URLs, e-mail addresses, digits.
_NOT_PROSE = re.compile(r"</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>|\b(?:https?://|www\.)\S+|\S+@\S+\.\w+"
                        r"|\d[0-9A-Za-z.,:/%-]*")


def _is_code_or_name(word: str, other: str | None, position: int) -> bool:
    """Acronyms and codes (URL, IPv4, iPhone), and capitalised words the other text also has
    that do not start the text (Django, Lyon): the same in every language."""
    if len(word) > 1 and (word.isupper() or any(c.isupper() for c in word[1:])):
        return True
    return bool(other) and word[0].isupper() and position > 0 and re.search(
        rf"(?<!\w){re.escape(word)}(?!\w)", other or "") is not None


_MARKUP = re.compile(r"</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>")
_DOTTED = re.compile(r"(?<![\w.])(?:[A-Za-z]\.){2,}")


def without_code(text: str) -> str:
    """`text` with its placeholders (as `detect_syntaxes` finds them) and markup tags blanked
    out, offsets kept: what a reader of the formatted string sees of it."""
    from mtqa.text.placeholders import detect_syntaxes, placeholders_in

    if not any(c in text for c in "%{$<"):
        return text
    for p in reversed(placeholders_in(text, detect_syntaxes(text), conservative=True)):
        text = text[:p.start] + " " * (p.end - p.start) + text[p.end:]
    return _MARKUP.sub(lambda m: " " * len(m.group()), text)


def prose_words(text: str, other: str | None = None) -> list[str]:
    """The words of `text` that say which language it is in: placeholders, markup, URLs,
    e-mail addresses, numbers, abbreviations (a.m.), codes and names (see `_is_code_or_name`)
    set aside."""
    text = _DOTTED.sub(lambda m: " " * len(m.group()), _NOT_PROSE.sub(lambda m: " " * len(m.group()),
                                                                      without_code(text)))
    return [m.group() for m in _WORDS.finditer(text) if not _is_code_or_name(m.group(), other, m.start())]


@lru_cache(maxsize=1)
def _identifier():  # type: ignore[no-untyped-def]
    # py3langid (a maintained langid.py, 97 languages, its 4 MB model in the wheel): on short UI
    # strings it beat lingua-language-detector (96 MB) and wordfreq's English share (README,
    # "Untranslated text", for the measurement).
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)


# Codes of the identifier's languages that differ from ISO 639-1 primary subtags.
_IDENTIFIER_CODES = {"nb": "no", "nn": "no"}
# A file that declares no target language is read in the configured one unless its text is
# identified as another: by its script (Chinese, Japanese, Korean); by py3langid, at least
# IDENTIFY_MIN_PROBABILITY sure over at least IDENTIFY_MIN_WORDS prose words (of its first
# IDENTIFY_WORDS); or, where English is configured, when at least NOT_ENGLISH_MIN_WORDS words
# are mostly not common English words (short UI strings, on which py3langid is unsure which
# language it is, not whether it is English).
IDENTIFY_MIN_WORDS = 8
IDENTIFY_WORDS = 400
IDENTIFY_MIN_PROBABILITY = 0.95
NOT_ENGLISH_MIN_WORDS = 3
NOT_ENGLISH_SHARE = 0.25


def identify_language(segments: Iterable[Segment], configured: str) -> str | None:
    """The language (ISO 639-1) the targets of `segments` (a file's, in file order) are
    identified as, where it is not `configured` (a tag such as "en-US") and the constants above
    say so; else None. Reads `segments` only until it has IDENTIFY_WORDS prose words, so a
    table streamed row by row is read no further than that."""
    words: list[str] = []
    for segment in segments:
        if segment.meta.get("target_lang"):
            continue  # a row that declares its language (a table's language column) is read in it
        words += prose_words(segment.text, segment.source)
        if len(words) >= IDENTIFY_WORDS:
            break
    text = " ".join(words[:IDENTIFY_WORDS])
    script = dominant_script(text) if text else None
    if script in LANGUAGE_OF_SCRIPT:
        language = LANGUAGE_OF_SCRIPT[script]
    elif len(words) < NOT_ENGLISH_MIN_WORDS:
        return None
    else:
        language, probability = _identifier().classify(text)
        sure = probability >= IDENTIFY_MIN_PROBABILITY and len(words) >= IDENTIFY_MIN_WORDS
        not_english = primary(configured) == "en" and english_share(text) < NOT_ENGLISH_SHARE
        if not (sure or not_english):
            return None
    return None if language == primary(configured) else language


# A row of a table read in English is read in another language when its own words are clearly
# that language (a table of several languages without a language column): its script, or at
# least ROW_MIN_WORDS words that py3langid is IDENTIFY_MIN_PROBABILITY sure of and of which less
# than ROW_ENGLISH_SHARE are common English words (German "die", "an", "den" are). On the MQM
# files' targets: no English row of 2,936 (zh-en) read as another language, 892 German
# paragraphs of 1,040 (en-de) read as German; no sentence of spun_dev's 620.
ROW_MIN_WORDS = 5
ROW_ENGLISH_SHARE = 0.6


def identify_rows(segments: Iterable[Segment], configured: str) -> None:
    """Set `meta["target_lang"]` (and `meta["identified_language"]`) of each table row of
    `segments`, read in `configured` English, whose text is clearly another language (see
    ROW_MIN_WORDS); rows that declare their language are left alone."""
    if primary(configured) != "en":
        return
    for segment in segments:
        if segment.kind != "row" or segment.meta.get("target_lang"):
            continue
        words = prose_words(segment.text, segment.source)
        text = " ".join(words)
        script = dominant_script(text) if text else None
        if script in LANGUAGE_OF_SCRIPT:
            language = LANGUAGE_OF_SCRIPT[script]
        elif len(words) >= ROW_MIN_WORDS and english_share(text) < ROW_ENGLISH_SHARE:
            language, probability = _identifier().classify(text)
            if probability < IDENTIFY_MIN_PROBABILITY:
                continue
        else:
            continue
        if language != "en":
            segment.meta["target_lang"] = segment.meta["identified_language"] = _IDENTIFIER_CODES.get(language,
                                                                                                      language)


def set_identified_language(document: Document, language: str | None) -> None:
    """Record a file's decision on `document`: `target_lang` = `language` where one was
    identified, and `meta["identified_language"]` (None: read in the configured language) in
    any case, so that it is not identified again. A chunk of a long table (`mtqa batch`) gets
    its whole file's decision this way: identified from the chunk alone, chunks of one file
    could be read as different languages."""
    document.meta["identified_language"] = language
    if language is not None:
        document.target_lang = language


def identify_target_language(document: Document, configured: str) -> str | None:
    """Set `document.target_lang` (and `document.meta["identified_language"]`) where its file
    declares none, no decision was recorded on it yet (`set_identified_language`), and its
    segments' text is in another language than `configured` (`identify_language`); return the
    language set, else None. German targets in a table are then judged as German (models that
    read English only abstain), not as English rewrites of their sources."""
    if document.target_lang is not None or "identified_language" in document.meta:
        return None
    language = identify_language(document.segments, configured)
    set_identified_language(document, language)
    if language is None:
        identify_rows(document.segments, configured)
    return language


def language_probability(words: list[str], language: str, versus: str) -> float | None:
    """Probability that `words` are in `language` rather than in `versus` (ISO 639-1), by
    py3langid restricted to the two; None when it does not know either language."""
    identifier = _identifier()
    a, b = (_IDENTIFIER_CODES.get(code, code) for code in (language, versus))
    if a == b or a not in identifier.labels or b not in identifier.labels or not words:
        return None
    ranked = dict(identifier.rank(" ".join(words)))
    total = ranked[a] + ranked[b]
    return ranked[a] / total if total > 0 else None


def word_zipf(word: str, language: str) -> float:
    """The word's frequency in `language` on wordfreq's Zipf scale (log10 per billion words);
    0 where wordfreq has no list for the language (or lacks its tokenizer, MeCab)."""
    from wordfreq import zipf_frequency

    try:
        return zipf_frequency(word.lower(), language)
    except (LookupError, ValueError, ImportError):
        return 0.0


def more_frequent_in(word: str, language: str, than: str) -> float:
    """How much more frequent (Zipf units, log10) `word` is in `language` than in `than`."""
    return word_zipf(word, language) - word_zipf(word, than)
