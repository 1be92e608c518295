"""English words: the one stopword list and the one stemmer every component shares."""

from __future__ import annotations

# Function words (and reporting verbs, titles) that carry no content of their own: left out
# when content words are compared (drift), names are told from sentence starts (checks), or
# dictionary glosses are reduced to what they mean (lexicon).
ENGLISH_STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it its
    itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them themselves
    then there these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours yourself yourselves said says say mr
    mrs ms dr may might must shall us one""".split()
)
STEM_LENGTH = 5  # words match on their first letters once inflections are cut
_SUFFIXES = (("iest", "y"), ("ier", "y"), ("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""), ("ly", ""))


def stem(word: str) -> str:
    """A crude English stem: 'refugees', 'refugee' -> 'refug'; 'argued', 'argues', 'argue' ->
    'argu'; 'troops' -> 'troop'. Enough to match a word across its inflections."""
    word = word.lower().replace("’", "'").strip("'-")
    if word.endswith("'s"):
        word = word[:-2]
    if word.endswith("men") and len(word) > 3:
        word = word[:-3] + "man"  # women, chairmen
    for suffix, replacement in _SUFFIXES:
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            word = word[: -len(suffix)] + replacement
            break
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    return word[:STEM_LENGTH]


def is_content_word(word: str) -> bool:
    """A word of three or more letters that is not a stopword."""
    return len(word) > 2 and word.isalpha() and word.lower() not in ENGLISH_STOPWORDS
