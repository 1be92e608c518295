"""Near-synonyms of an English word in the form it has in the text, from WordNet.

An article spinner swaps words for thesaurus synonyms without regard to sense ("annexed" ->
"overthrew", "exercises" -> "match"); the fluency scorer asks the language model whether one
of the word's near-synonyms would read much better in its place (mtqa.scorers.substitution).

WordNet is read from a WordNet 3.x database folder (`index.noun`, `data.noun`, ... as Princeton
distributes it), found once per process: the `thesaurus` setting names one, or "auto" looks in
`$WNHOME/dict`, `/usr/share/wordnet` (Debian and Ubuntu: `apt-get install wordnet-base`) and
the NLTK data folders (`corpora/wordnet`, what `nltk.download("wordnet")` leaves). Nothing is
downloaded. Inflection (finding a word's lemma and putting a synonym in the same form: past
tense, plural, ...) is lemminflect's.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from mtqa.core.errors import ConfigError

# WordNet's part-of-speech files by lemminflect's universal tags.
POS_FILES = {"NOUN": "noun", "VERB": "verb", "ADJ": "adj", "ADV": "adv"}
SEARCHED = ("/usr/share/wordnet", "/usr/local/share/wordnet", "/usr/share/nltk_data/corpora/wordnet",
            "/usr/local/share/nltk_data/corpora/wordnet", "~/nltk_data/corpora/wordnet")


def find_wordnet(setting: str = "auto") -> Path | None:
    """The WordNet database folder the `thesaurus` setting names: a folder; "auto" (the first of
    $WNHOME/dict and SEARCHED that holds one); "none" (None). ConfigError for a named folder
    that is not a WordNet database."""
    if setting == "none":
        return None
    if setting != "auto":
        path = Path(setting).expanduser()
        if not _is_wordnet(path):
            raise ConfigError(f"thesaurus {setting!r}: not a WordNet database folder (index.noun, data.noun, ...)")
        return path
    candidates = [Path(os.environ["WNHOME"]) / "dict"] if os.environ.get("WNHOME") else []
    candidates += [Path(p).expanduser() for p in SEARCHED]
    return next((path for path in candidates if _is_wordnet(path)), None)


def _is_wordnet(path: Path) -> bool:
    return all((path / f"{kind}.{pos}").is_file() for kind in ("index", "data") for pos in POS_FILES.values())


@dataclass
class WordNet:
    """Synonyms of lemmas, read lazily: an index per part of speech, synsets by byte offset."""

    path: Path
    _index: dict[str, dict[str, tuple[int, ...]]] = field(default_factory=dict)
    _synsets: dict[tuple[str, int], tuple[str, ...]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """"wordnet-<version>" as its licence header states it (e.g. wordnet-3.0)."""
        with open(self.path / "index.noun", encoding="utf-8", errors="replace") as lines:
            for line in lines:
                if not line.startswith(" "):
                    break
                version = re.search(r"WordNet (\d+(?:\.\d+)*)", line)
                if version:
                    return f"wordnet-{version.group(1)}"
        return "wordnet"

    def synonyms(self, lemma: str, pos: str) -> list[str]:
        """One-word lemmas sharing a synset with `lemma` (universal tag `pos`), in WordNet's
        sense order (most frequent sense first), without `lemma` itself."""
        name = POS_FILES[pos]
        offsets = self._lemma_index(name).get(lemma.lower(), ())
        seen: dict[str, None] = {}
        for offset in offsets:
            for word in self._synset(name, offset):
                if "_" not in word and word.lower() != lemma.lower():
                    seen.setdefault(word, None)
        return list(seen)

    def load_indexes(self) -> None:
        """Read every part of speech's index now rather than at the first lookup."""
        for name in POS_FILES.values():
            self._lemma_index(name)

    def _lemma_index(self, name: str) -> dict[str, tuple[int, ...]]:
        if name not in self._index:
            index: dict[str, tuple[int, ...]] = {}
            with open(self.path / f"index.{name}", encoding="utf-8", errors="replace") as lines:
                for line in lines:
                    if line.startswith(" "):
                        continue  # the licence header
                    fields = line.split()
                    synsets = int(fields[2])
                    index[fields[0]] = tuple(int(offset) for offset in fields[len(fields) - synsets:])
            self._index[name] = index
        return self._index[name]

    def _synset(self, name: str, offset: int) -> tuple[str, ...]:
        key = (name, offset)
        if key not in self._synsets:
            with open(self.path / f"data.{name}", "rb") as data:
                data.seek(offset)
                fields = data.readline().decode("utf-8", "replace").split()
            count = int(fields[3], 16)
            # Words alternate with their lex ids; adjectives may carry a marker such as "(a)".
            self._synsets[key] = tuple(fields[4 + 2 * i].split("(")[0] for i in range(count))
        return self._synsets[key]


@lru_cache(maxsize=4)
def load_wordnet(setting: str = "auto") -> WordNet | None:
    path = find_wordnet(setting)
    return WordNet(path) if path else None


def synonyms_in_form(word: str, wordnet: WordNet, limit: int) -> list[str]:
    """Up to `limit` one-word WordNet synonyms of `word` put in its form ("overthrew" ->
    "overturned", "subverted"), for every part of speech the word can be; capitalised like
    `word`'s first letter. Empty for a word neither WordNet nor lemminflect knows."""
    import lemminflect

    lower = word.lower()
    found: dict[str, None] = {}
    for pos, lemmas in lemminflect.getAllLemmas(lower).items():
        if pos not in POS_FILES:
            continue
        for lemma in lemmas:
            # The word's own form (past tense, plural, ...): none when it is the lemma itself.
            tags = [] if lower == lemma.lower() else [
                tag for tag, forms in lemminflect.getAllInflections(lemma, pos).items() if lower in forms]
            for synonym in wordnet.synonyms(lemma, pos):
                form = _inflect(synonym, tags, pos)
                if form and form.lower() != lower:
                    found.setdefault(form, None)
    shaped = [_case_like(word, form) for form in found]
    return shaped[:limit]


def _inflect(lemma: str, tags: list[str], pos: str) -> str | None:
    import lemminflect

    if not tags:  # the word is the lemma itself (or a form lemminflect does not list)
        return lemma
    forms = lemminflect.getInflection(lemma, tags[0], inflect_oov=True) or ()
    return forms[0] if forms else None


def _case_like(word: str, form: str) -> str:
    return form[:1].upper() + form[1:] if word[:1].isupper() else form
