"""What every grammar backend shares: findings, the proper-noun filter, and the score.

A backend (Harper, LanguageTool) only turns a text into `BackendMatch`es; `GrammarScorer` drops
the ones that are names rather than errors and those inside an abbreviation ("a.m." is no
article, "e.g." no misspelling), turns the rest into `Issue`s and scores them.
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
import unicodedata
from abc import abstractmethod
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from mtqa.core.components import Feature, Rule, Scorer
from mtqa.core.config import Settings
from mtqa.core.documents import DimensionResult, Issue, Segment
from mtqa.text.segmenter import abbreviation_spans

DIMENSION = "grammar"
# score = exp(-SCORE_DECAY * errors per 10 words), with sentences under 10 words counted as 10
# so that one slip in a 3-word heading does not weigh like three slips in a long sentence.
SCORE_DECAY = 0.7
SCORE_FORMULA = f"exp(-{SCORE_DECAY}*errors_per_10_words)"
_WORD = re.compile(r"[^\W\d_](?:[\w'’-]*\w)?")
_POSSESSIVE = re.compile(r"['’]s?$")
# What may stand between a sentence end and the first word of the next sentence.
_OPENERS = " \t\n\"'“‘«([{*-–—"
_SENTENCE_END = ".!?…:"


@dataclass(frozen=True)
class BackendMatch:
    """One backend match, before filtering. Offsets are Python string indices.

    `about_word_form` marks rules that judge how a word is written (spelling, casing,
    repeated or merged words): a name trips them, a real grammar rule it does not.
    `unknown_word` marks spelling findings, where the backend did not know the word.
    """

    start: int
    end: int
    message: str
    rule: str  # the rule id, e.g. "grammar/harper/SpellCheck"
    kind: str  # the backend's category, e.g. "Agreement", "TYPOS"
    suggestions: tuple[str, ...] = ()
    about_word_form: bool = False
    unknown_word: bool = False


class NameFilter:
    """Tells findings about proper nouns (Blinken, Zelenskyy, Donbas, EU) from real errors.

    A word counts as a name when it is in `allow_words`, or, in languages that capitalise
    only names (English), when it has a capital letter after its first (EU, NATO, McCain,
    iPhone), or starts with a capital mid-sentence. At a sentence start a capital proves
    nothing, except for a word the backend did not know: an unknown capitalised word in
    news or MT output is far more often a name than a misspelling, so it is dropped too
    (the price: "Recieved the letter." at a sentence start goes unreported).
    """

    def __init__(self, allow_words: Sequence[str], capitals_mark_names: bool) -> None:
        self.allowed = {word.casefold() for word in allow_words}
        self.capitals_mark_names = capitals_mark_names

    def is_name(self, text: str, finding: BackendMatch) -> bool:
        if not finding.about_word_form:
            return False
        span = text[finding.start : finding.end]
        return any(
            self._word_is_name(text, finding.start + match.start(), match.group(), finding.unknown_word)
            for match in _WORD.finditer(span)
        )

    def _word_is_name(self, text: str, position: int, word: str, unknown: bool) -> bool:
        if word.casefold() in self.allowed or _POSSESSIVE.sub("", word).casefold() in self.allowed:
            return True
        if not self.capitals_mark_names:
            return False
        if any(c.isupper() for c in word[1:]):  # EU, NATO, McCain
            return True
        if not word[0].isupper():
            return False
        return unknown or not _starts_sentence(text, position)


def is_accented_spelling(text: str, finding: BackendMatch) -> bool:
    """An unknown word that is a word the checker suggests, written with diacritics ("décor" for
    "decor", "rôle"): English writes such loanwords both ways, so it is no misspelling."""
    if not finding.unknown_word:
        return False
    word = text[finding.start:finding.end]
    plain = "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))
    return plain != word and plain.casefold() in {s.casefold() for s in finding.suggestions}


def _starts_sentence(text: str, position: int) -> bool:
    before = text[:position].rstrip(_OPENERS)
    return not before or before[-1] in _SENTENCE_END


def is_english(language: str) -> bool:
    return language.lower().split("-")[0] == "en"


def count_words(text: str) -> int:
    return len(_WORD.findall(text))


def grammar_score(n_errors: int, n_words: int) -> tuple[float, float]:
    """(score in [0, 1], higher = better; errors per 10 words)."""
    per_10_words = 10.0 * n_errors / max(n_words, 10)
    return math.exp(-SCORE_DECAY * per_10_words), per_10_words


class GrammarScorer(Scorer):
    """Runs a backend over each segment, drops names, and scores what is left.

    Backends implement `_check(text)`; calls are serialised with a lock because neither
    backend tolerates concurrent calls (Harper raises, LanguageTool's offset fix-up keeps
    per-class state).
    """

    dimension: ClassVar[str] = DIMENSION
    backend: ClassVar[str]
    rule: ClassVar[Rule]  # the family of the backend's rules (`backend_rule`)

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.names = NameFilter(settings.allow_words, capitals_mark_names=is_english(settings.language))
        self._lock = threading.Lock()

    def names_in(self, language: str) -> NameFilter:
        """The name filter for a target language: only English capitalises names alone."""
        if is_english(language) == self.names.capitals_mark_names:
            return self.names
        return NameFilter(self.settings.allow_words, capitals_mark_names=is_english(language))

    @abstractmethod
    def _check(self, text: str, language: str) -> list[BackendMatch]:
        """The backend's matches in `text`, written in `language` (ISO 639-1)."""

    def _backend_signature(self) -> dict[str, Any]:
        return {}

    def score(self, segments: Sequence[Segment]) -> list[DimensionResult]:
        return [self._score_text(segment.text, segment.language(self.settings.language)) if segment.scored
                else DimensionResult(None) for segment in segments]

    def _score_text(self, text: str, language: str) -> DimensionResult:
        with self._lock:
            findings = self._check(text, language)
        abbreviations = abbreviation_spans(text)
        names = self.names_in(language)
        kept = sorted((f for f in findings if not names.is_name(text, f) and not is_accented_spelling(text, f)
                       and not any(start <= f.start and f.end <= end for start, end in abbreviations)),
                      key=lambda f: (f.start, f.end))
        score, per_10_words = grammar_score(len(kept), count_words(text))
        raw = {
            "backend": self.backend,
            "n_errors": len(kept),
            "n_spelling": sum(f.unknown_word for f in kept),
            "errors_per_10_words": round(per_10_words, 4),
            "n_errors_by_kind": dict(Counter(f.kind for f in kept)),
        }
        return DimensionResult(round(score, 6), raw, [self._issue(f) for f in kept])

    def _issue(self, match: BackendMatch) -> Issue:
        return self.rule.at(match.start, match.end, match.message, match.suggestions, rule_id=match.rule)

    def signature(self) -> dict[str, Any]:
        allowed = "\n".join(sorted(self.names.allowed)).encode("utf-8")
        return {
            "name": self.backend,
            "language": self.settings.language,
            "score": SCORE_FORMULA,
            "allow_words": hashlib.sha256(allowed).hexdigest()[:8] if allowed else "none",
            **self._backend_signature(),
        }


FEATURES = (
    Feature("backend", "name", 0, "the grammar checker that ran (harper, languagetool)"),
    Feature("n_errors", "count", -1, "findings after names were set aside"),
    Feature("n_spelling", "count", -1, "of them, words the checker did not know"),
    Feature("errors_per_10_words", "per 10 words", -1, "findings per 10 words (short sentences count as 10)"),
    Feature("n_errors_by_kind", "counts", 0, "findings by the checker's own category"),
)


def backend_rule(backend: str, checker: str) -> Rule:
    """The family of a backend's rules, `grammar/<backend>/<its rule id>`. MQM rates grammar
    and spelling slips Minor: "major" would put a segment up for review on its own."""
    return Rule(f"grammar/{backend}/*", f"a finding of {checker}, under the checker's own rule id",
                explanation=f"{checker} reported a grammar, spelling or style error. Words that look like "
                "names (capitalised mid-sentence, all capitals, in allow_words) are not reported.")
