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
from functools import lru_cache

from mtqa.core.documents import Segment

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


# Languages told apart by script alone, for a source whose file declares none.
LANGUAGE_OF_SCRIPT = {"han": "zh", "kana": "ja", "hangul": "ko"}


def source_language(segment: Segment) -> str:
    """The source's language: declared by the file, else "en" when it reads as English, else
    what its script says (Chinese, Japanese, Korean), else unknown ("")."""
    declared = primary(segment.document.source_lang if segment.document else None)
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
