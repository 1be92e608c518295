"""Language facts shared by the scorers, the aligner and the risk model.

Which comparison a segment allows depends on languages: a reference, or a source in the
target's own language (a rewrite), can be compared word for word ("reference"); a source in
another language only through a cross-lingual model and language-independent checks
("crosslingual"); with neither, a sentence can only be judged by its document ("context").
"""

from __future__ import annotations

import re

from mtqa.documents import Segment

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


def source_language(segment: Segment) -> str:
    """The source's language: declared by the file, else "en" when it reads as English."""
    declared = primary(segment.document.source_lang if segment.document else None)
    if declared:
        return declared
    return "en" if looks_english(segment.source or "") else ""


def comparison_mode(segment: Segment, target_language: str) -> str:
    """"reference", "crosslingual" or "context" (see the module docstring)."""
    if segment.reference:
        return "reference"
    if segment.source:
        return "reference" if source_language(segment) == target_language else "crosslingual"
    return "context"
