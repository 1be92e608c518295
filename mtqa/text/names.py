"""Names, acronyms and codes that a translation must carry over from its source or reference."""

from __future__ import annotations

import re

from mtqa.text.words import ENGLISH_STOPWORDS

_LATIN_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-.&'][A-Za-z0-9]+)*")
_CAPITALISED = re.compile(r"(?<![\w'])([A-Z][\w]*(?:[-'][A-Z]?\w+)*)")


def _contains_word(text: str, word: str) -> bool:
    return re.search(rf"(?<![\w]){re.escape(word)}(?![\w])", text, re.IGNORECASE) is not None


def missing_names(target: str, other: str, other_is_latin: bool) -> list[str]:
    """Names of `other` absent from the target.

    In a non-Latin text every Latin-script token is a name, acronym or code (FTIR, NATO).
    In a Latin-script reference, a capitalised word that does not start the sentence is taken
    as a name; function words are skipped.
    """
    if not other_is_latin:
        candidates = [m.group() for m in _LATIN_TOKEN.finditer(other)]
    else:
        candidates = [
            m.group(1) for m in _CAPITALISED.finditer(other)
            if m.start() > 0 and not re.search(r"[.!?:\"“«]\s*$", other[: m.start()])
            and m.group(1).lower() not in ENGLISH_STOPWORDS
        ]
    return list(dict.fromkeys(c for c in candidates if not _contains_word(target, c)))
