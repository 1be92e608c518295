"""Determiner-noun number agreement in English: "These [military] Aid is", "this art galleries."

A rewriter that swaps a plural noun for a singular synonym ("aids" -> "Aid"), or an MT system
that loses a plural, leaves a demonstrative that no longer agrees with its noun. Harper does not
check this (LanguageTool does, with its own rules), so the Harper grammar component adds it.

Two readings are reported, both chosen so that a correct sentence is not flagged:

- "these"/"those", a noun phrase (nouns and adjectives, a bracketed editorial insertion), then
  a singular verb ("is", "was", "has", "does"): the noun and the verb agree with each other and
  the determiner is the odd one out. Holds for mass nouns too ("these aid is").
- a demonstrative and one noun that can only be a noun, of the other number, that ends the
  phrase (punctuation, a preposition or a conjunction follows): "those dancer.", "this
  horses,". "This" and "that" are not judged before a verb: they are pronouns and
  conjunctions as often ("because of this prices are rising", "said that children are").

Measured with benchmarks-style checks on the dev data (../shared/data): no finding in 2,400
BLiMP good sentences, 500 DEMETR references, 316 spun_dev originals, 3,397 WMT23 zh-en MT
targets, 104 en-de sources and 1,704 Django and Sphinx msgids; half of BLiMP's
determiner_noun_agreement_2 bad sentences found (the rest have nouns lemminflect does not
know as noun-only, or two-word phrases). Word classes are lemminflect's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words, bracketed insertions ("[military]"), and single punctuation marks.
_TOKEN = re.compile(r"\[[^\]]*\]|[^\W\d_]+(?:['’-][^\W\d_]+)*|[^\s\w]")
PLURAL_DETERMINERS = {"these": "this", "those": "that"}
SINGULAR_DETERMINERS = {"this": "these", "that": "those"}
SINGULAR_VERBS = frozenset({"is", "was", "has", "does", "isn't", "wasn't", "hasn't", "doesn't",
                            "isn’t", "wasn’t", "hasn’t", "doesn’t"})
# What may end a noun phrase for the second reading.
PHRASE_ENDS = frozenset(".,;:!?") | frozenset({"of", "in", "on", "at", "for", "with", "from", "to", "by",
                                               "and", "or", "but"})
# Words that lemminflect lists as nouns or adjectives but that end a noun phrase's head run.
FUNCTION_WORDS = frozenset({
    "the", "a", "an", "of", "in", "on", "at", "for", "with", "from", "to", "by", "and", "or", "but", "who",
    "which", "that", "this", "these", "those", "it", "its", "their", "his", "her", "our", "my", "your",
    "there", "here", "not", "no", "all", "some", "many", "much", "more", "most", "very", "so", "too",
    "also", "only", "just", "one", "two"})
MAX_PHRASE_WORDS = 5


@dataclass(frozen=True)
class Disagreement:
    """A determiner whose number its noun (and verb) contradict: `start:end` spans the
    determiner to the noun (or the verb), in string indices of the text."""

    start: int
    end: int
    determiner: str
    noun: str
    verb: str | None
    replacement: str  # the determiner of the noun's number


def determiner_disagreements(text: str) -> list[Disagreement]:
    """Every determiner-noun number disagreement in English `text` (see the module docstring)."""
    tokens = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    found = []
    for index, (word, start, _) in enumerate(tokens):
        determiner = word.lower()
        if determiner not in PLURAL_DETERMINERS and determiner not in SINGULAR_DETERMINERS:
            continue
        after = index + 1
        while after < len(tokens) and after - index <= MAX_PHRASE_WORDS and _in_noun_phrase(tokens[after][0]):
            after += 1
        words = [tokens[i] for i in range(index + 1, after) if not tokens[i][0].startswith("[")]
        if not words:
            continue
        noun, _, noun_end = words[-1]
        follower = tokens[after][0] if after < len(tokens) else "."
        if determiner in PLURAL_DETERMINERS and follower.lower() in SINGULAR_VERBS and _singular_or_mass(noun):
            found.append(Disagreement(start, tokens[after][2], word, noun, follower,
                                      _cased(PLURAL_DETERMINERS[determiner], word)))
        elif len(words) == 1 and follower.lower() in PHRASE_ENDS:
            if determiner in PLURAL_DETERMINERS and _only_singular_noun(noun):
                found.append(Disagreement(start, noun_end, word, noun, None,
                                          _cased(PLURAL_DETERMINERS[determiner], word)))
            elif determiner in SINGULAR_DETERMINERS and _only_plural_noun(noun):
                found.append(Disagreement(start, noun_end, word, noun, None,
                                          _cased(SINGULAR_DETERMINERS[determiner], word)))
    return found


def _lemmas(word: str) -> dict[str, tuple[str, ...]]:
    import lemminflect

    return lemminflect.getAllLemmas(word.lower())


def _in_noun_phrase(word: str) -> bool:
    if word.startswith("["):
        return True
    if not word[0].isalpha() or word.lower() in FUNCTION_WORDS:
        return False
    lemmas = _lemmas(word)
    return "NOUN" in lemmas or "ADJ" in lemmas


def _singular_or_mass(word: str) -> bool:
    """The word is a noun in its base form (singular, or a mass noun)."""
    return word.lower() in _lemmas(word).get("NOUN", ())


def _only_singular_noun(word: str) -> bool:
    """A noun, never a verb or adjective, whose plural is another word."""
    import lemminflect

    lemmas = _lemmas(word)
    lower = word.lower()
    return (set(lemmas) == {"NOUN"} and lower in lemmas["NOUN"]
            and lower not in lemminflect.getInflection(lower, "NNS"))


def _only_plural_noun(word: str) -> bool:
    """A plural noun that is never a verb or adjective ("galleries", "children", not "plans")."""
    import lemminflect

    lower = word.lower()
    lemmas = _lemmas(word)
    if "VERB" in lemmas or "ADJ" in lemmas:
        return False
    if "NOUN" in lemmas:
        return lower not in lemmas["NOUN"]
    lemma = lemminflect.getLemma(lower, "NOUN")
    return bool(lemma) and lemma[0] != lower and lower.endswith("s")


def _cased(word: str, like: str) -> str:
    return word.capitalize() if like[:1].isupper() else word
