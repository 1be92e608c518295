"""Fluency: how natural a causal LM finds each sentence, and which words it found least expected.

The score is SLOR (syntactic log-odds ratio, Pauls & Klein 2012; Lau et al. 2017): the LM's
log-probability of the sentence minus its unigram log-probability (word frequencies from
`wordfreq`), per token. Subtracting the unigram term stops rare but correct words (names,
technical terms) from reading as disfluent; dividing by length stops long sentences from
reading as worse than short ones. A logistic squash maps it to [0, 1].
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from wordfreq import word_frequency

from mtqa.config import Settings
from mtqa.documents import DimensionResult, Issue, Segment
from mtqa.lm import TokenScores, WordSurprisal, load_causal_lm
from mtqa.scorers.base import Scorer, register

# Unigram probability floor for words wordfreq has never seen (about its own floor).
MIN_WORD_FREQUENCY = 1e-8
# Logistic squash of SLOR (nats per token): MIDPOINT gives 0.5, SCALE sets the slope.
# Chosen from WMT23 zh-en MT output: its median SLOR is ~1.9, garbled text falls below ~0.5.
SLOR_MIDPOINT = 0.5
SLOR_SCALE = 0.6
# A word is flagged when the LM's surprisal exceeds its unigram surprisal by this many bits,
# and its surprisal is itself at least FLAG_MIN_SURPRISAL bits (common words in odd places).
FLAG_EXCESS_BITS = 6.0
FLAG_MIN_SURPRISAL = 10.0
FORMULA = "slor_per_token=(lm_logprob-unigram_logprob)/n_tokens; score=sigmoid((slor-{m})/{s})"


def unigram_surprisal(word: str, language: str = "en") -> float:
    """Bits: -log2 of the word's frequency in general text."""
    return -math.log2(word_frequency(word, language, minimum=MIN_WORD_FREQUENCY))


def excess_surprisal(word: WordSurprisal, language: str = "en") -> float:
    """How much more surprising the word is here than it is on its own (bits)."""
    return word.surprisal - unigram_surprisal(word.text, language)


def slor(scores: TokenScores, language: str = "en") -> float:
    """Per-token SLOR in nats; 0 for an empty text."""
    if not scores.n_tokens:
        return 0.0
    unigram = -sum(unigram_surprisal(w.text, language) for w in scores.words) * math.log(2)
    return (scores.logprob - unigram) / scores.n_tokens


def fluency_score(slor_value: float) -> float:
    return 1.0 / (1.0 + math.exp(-(slor_value - SLOR_MIDPOINT) / SLOR_SCALE))


@register("fluency", "lm")
class LMFluencyScorer(Scorer):
    """Scores each segment on its own, after the LM's document separator."""

    dimension = "fluency"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.language = settings.language.split("-")[0].lower()
        self.lm = load_causal_lm(settings.lm, settings.cache_dir, settings.dtype,
                                 settings.device, settings.batch_size)  # fmt: skip

    def signature(self) -> dict[str, Any]:
        return {
            **self.lm.signature(),
            "fluency_formula": FORMULA.format(m=SLOR_MIDPOINT, s=SLOR_SCALE),
            "unigram": f"wordfreq:{self.language}",
            "fluency_flag": f"excess>={FLAG_EXCESS_BITS}b,surprisal>={FLAG_MIN_SURPRISAL}b",
            "fluency_spans": self.settings.fluency_spans,
        }

    def score(self, segments: Sequence[Segment]) -> list[DimensionResult]:
        scored = [segment for segment in segments if segment.scored]
        by_segment = dict(zip(map(id, scored), self.lm.score([s.text for s in scored])))
        return [self._result(by_segment[id(s)]) if s.scored else DimensionResult(None)
                for s in segments]  # fmt: skip

    def _result(self, scores: TokenScores) -> DimensionResult:
        if not scores.n_tokens:
            return DimensionResult(None)
        value = slor(scores, self.language)
        excess = {word: excess_surprisal(word, self.language) for word in scores.words}
        worst = max(scores.words, key=lambda w: w.surprisal, default=None)
        raw = {
            "logprob": round(scores.logprob, 4),
            "mean_logprob": round(scores.mean_logprob, 4),
            "slor": round(value, 4),
            "n_tokens": scores.n_tokens,
            "worst_word": worst.text if worst else "",
            "worst_surprisal": round(worst.surprisal, 3) if worst else 0.0,
            "max_excess_surprisal": round(max(excess.values(), default=0.0), 3),
        }
        return DimensionResult(fluency_score(value), raw, self._issues(excess))

    def _issues(self, excess: dict[WordSurprisal, float]) -> list[Issue]:
        flagged = [word for word, bits in excess.items()
                   if bits >= FLAG_EXCESS_BITS and word.surprisal >= FLAG_MIN_SURPRISAL]  # fmt: skip
        flagged.sort(key=lambda word: excess[word], reverse=True)
        return [
            Issue(self.dimension, word.start, word.end,
                  f"“{word.text}” is unexpected here (surprisal {word.surprisal:.1f} bits)",
                  "fluency.surprisal")  # fmt: skip
            for word in flagged[: self.settings.fluency_spans]
        ]
