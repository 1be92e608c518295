"""Fluency: how natural a causal LM finds each sentence, and which words it found least expected.

The score is SLOR (syntactic log-odds ratio, Pauls & Klein 2012; Lau et al. 2017): the LM's
log-probability of the sentence minus its unigram log-probability (word frequencies from
`wordfreq`), per token. Subtracting the unigram term stops rare but correct words (names,
technical terms) from reading as disfluent; dividing by length stops long sentences from
reading as worse than short ones. Per-token SLOR still rises with length (later tokens have
more context), so `LENGTH_PENALTY * ln(n_tokens)` is subtracted: with it, SLOR of WMT23 zh-en
translations that raters found (nearly) error-free no longer correlates with length
(Spearman +0.03, vs +0.57 without). A logistic squash maps the result to [0, 1].
See benchmarks/blimp_fluency.py for how the variants rank BLiMP minimal pairs.

A sentence with nothing to compare with (no source, no reference: a rewritten article) also gets
word-level evidence of a substituted word (mtqa.scorers.substitution): its most surprising
content words are swapped for near-synonyms and for the LM's own predictions, and a much
likelier alternative is reported as a `fluency/word-choice` finding that suggests it. With a
source or reference, drift compares the meaning directly, so this (costlier) test is not run.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from mtqa.core.components import ComponentSpec, Feature, Rule, Scorer
from mtqa.core.config import Settings
from mtqa.core.documents import DimensionResult, Issue, Segment
from mtqa.core.risk import logistic
from mtqa.scorers.substitution import LM_TOP_K, Alternative, WordTest, describe, load_tables, test_words
from mtqa.text.language import comparison_mode

if TYPE_CHECKING:
    from mtqa.models.lm import TokenScores, WordSurprisal

LENGTH_PENALTY = 0.75
# Logistic squash of length-adjusted SLOR: MIDPOINT gives 0.5, SCALE sets the slope. On the
# first 400 WMT23 zh-en targets, (nearly) error-free ones (MQM <= 1) have a median of -0.19
# (score 0.85), ones with MQM >= 10 a median of -1.06 (0.56), the lowest tenth lie below -2.25.
SLOR_MIDPOINT = -1.2
SLOR_SCALE = 0.6
# A word is flagged when the LM's surprisal exceeds its unigram surprisal by FLAG_EXCESS_BITS
# and is itself at least FLAG_MIN_SURPRISAL bits. On those 400 targets 27% of sentences get a
# flag and 66% of flags lie inside a span MQM raters marked as an error (31% of all words do).
FLAG_EXCESS_BITS = 7.0
FLAG_MIN_SURPRISAL = 12.0
# A tested word is reported as a wrong word choice when a near-synonym makes it and the words
# after it this many bits likelier, or one of the LM's own predictions does by PREDICTION_BITS
# (a higher bar: the LM picked those for the left context, so they start ahead).
SYNONYM_BITS = 6.0
PREDICTION_BITS = 12.0
SUGGESTIONS = 3
FORMULA = ("slor=(lm_logprob-unigram_logprob)/n_tokens, unknown words neutral; "
           "score=sigmoid((slor-{p}*ln(n_tokens)-({m}))/{s})")


def unigram_surprisal(word: str, language: str = "en") -> float | None:
    """Bits: -log2 of the word's frequency in general text; None if wordfreq does not know it."""
    from wordfreq import word_frequency

    frequency = word_frequency(word, language)
    return -math.log2(frequency) if frequency > 0 else None


def excess_surprisal(word: WordSurprisal, language: str = "en") -> float:
    """How much more surprising the word is here than on its own (bits).

    0 for words wordfreq does not know (new names, typos): the LM cannot judge a word it has
    rarely seen, and spelling is the grammar dimension's job.
    """
    unigram = unigram_surprisal(word.text, language)
    return 0.0 if unigram is None else word.surprisal - unigram


def slor(scores: TokenScores, language: str = "en") -> float:
    """Per-token SLOR in nats (unknown words contribute nothing); 0 for an empty text."""
    if not scores.n_tokens:
        return 0.0
    excess_bits = sum(excess_surprisal(word, language) for word in scores.words)
    lm_bits_outside_words = -scores.logprob / math.log(2) - sum(w.surprisal for w in scores.words)
    return -(excess_bits + lm_bits_outside_words) * math.log(2) / scores.n_tokens


def length_adjusted_slor(slor_value: float, n_tokens: int) -> float:
    return slor_value - LENGTH_PENALTY * math.log(max(1, n_tokens))


def fluency_score(adjusted_slor: float) -> float:
    return logistic((adjusted_slor - SLOR_MIDPOINT) / SLOR_SCALE)


UNEXPECTED_WORD = Rule(
    "fluency/surprisal", "a word the language model finds far less expected here than its frequency predicts",
    explanation="The word's surprisal in context exceeds its unigram surprisal by "
    f"{FLAG_EXCESS_BITS:g} bits and is at least {FLAG_MIN_SURPRISAL:g} bits: a wrong word choice, a "
    "mistranslated term or a garbled phrase. Names and rare terms are judged against their own "
    "frequency, so they are not flagged for being rare.")
WORD_CHOICE = Rule(
    "fluency/word-choice", "a word a near-synonym or the language model's own choice would read much better in",
    explanation="Text with neither source nor reference only: the sentence's most surprising content words are "
    "swapped for WordNet near-synonyms and for the language model's likeliest words, and the word and the "
    f"words after it are scored again. A near-synonym that makes them {SYNONYM_BITS:g} bits likelier (a "
    f"prediction of the model's, {PREDICTION_BITS:g} bits) is named: the word was probably swapped for a "
    "synonym of the wrong sense, as article spinners do. Only near-synonyms are offered as replacements.")


class LMFluencyScorer(Scorer):
    """Scores each segment on its own, after the LM's document separator."""

    dimension = "fluency"

    def __init__(self, settings: Settings) -> None:
        from mtqa.models.lm import causal_lm_for
        from mtqa.text.thesaurus import load_wordnet

        self.settings = settings
        self.wordnet = load_wordnet(settings.thesaurus)
        # The word-level test's tables load on a thread of their own while the models load,
        # which takes a second off the start-up of a short run.
        loader = ThreadPoolExecutor(max_workers=1)
        self.tables = loader.submit(load_tables, self.wordnet if settings.word_choice else None)
        loader.shutdown(wait=False)
        self.lm = causal_lm_for(settings)

    @property
    def languages(self) -> frozenset[str] | None:
        """The default LM reads English; a model the user configured is trusted with any language."""
        from mtqa.models.sources import LM_ALIASES

        return self.spec.languages if self.settings.lm in LM_ALIASES else None

    def signature(self) -> dict[str, Any]:
        return {
            **self.lm.signature(),
            "fluency_formula": FORMULA.format(p=LENGTH_PENALTY, m=SLOR_MIDPOINT, s=SLOR_SCALE),
            "unigram": "wordfreq:<the segment's language>",
            "fluency_flag": f"excess>={FLAG_EXCESS_BITS}b,surprisal>={FLAG_MIN_SURPRISAL}b",
            "fluency_spans": self.settings.fluency_spans,
            "word_choice": (f"{describe(self.wordnet)},synonym>={SYNONYM_BITS}b,prediction>={PREDICTION_BITS}b"
                            if self.settings.word_choice else "off"),
        }

    def score(self, segments: Sequence[Segment]) -> list[DimensionResult]:
        self.tables.result()
        scored = [segment for segment in segments if segment.scored]
        alone = [s for s in scored if self.settings.word_choice
                 and comparison_mode(s, s.language(self.settings.language)) == "context"]
        # One pass each: the word-level test needs the LM's top predictions, the rest does not.
        by_segment = dict(zip(map(id, alone), self.lm.score([s.text for s in alone], top_k=LM_TOP_K), strict=True))
        others = [s for s in scored if id(s) not in by_segment]
        by_segment.update(zip(map(id, others), self.lm.score([s.text for s in others]), strict=True))
        tests = dict(zip(map(id, alone), test_words(self.lm, [by_segment[id(s)] for s in alone], self.wordnet),
                         strict=True))
        return [self._result(by_segment[id(s)], s.language(self.settings.language), tests.get(id(s)))
                if s.scored else DimensionResult(None) for s in segments]  # fmt: skip

    def _result(self, scores: TokenScores, language: str, tests: list[WordTest] | None = None) -> DimensionResult:
        """`language`: the segment's (ISO 639-1), whose word frequencies the unigram term uses."""
        if not scores.n_tokens:
            return DimensionResult(None)
        value = slor(scores, language)
        adjusted = length_adjusted_slor(value, scores.n_tokens)
        # The first word has no context to be judged against, so it is never the culprit.
        excess = {word: excess_surprisal(word, language) for word in scores.words[1:]}
        worst = max(excess, key=excess.__getitem__, default=None)
        raw = {
            "logprob": round(scores.logprob, 4),
            "mean_logprob": round(scores.mean_logprob, 4),
            "slor": round(value, 4),
            "slor_adjusted": round(adjusted, 4),
            "n_tokens": scores.n_tokens,
            "worst_word": worst.text if worst else "",
            "worst_surprisal": round(worst.surprisal, 3) if worst else 0.0,
            "max_excess_surprisal": round(excess[worst], 3) if worst else 0.0,
        }
        choices: list[Issue] = []
        if tests is not None:
            raw.update(word_choice_evidence(tests))
            choices = word_choice_issues(tests)
        chosen = {(issue.start, issue.end) for issue in choices}
        return DimensionResult(fluency_score(adjusted), raw, choices + self._issues(excess, chosen))

    def _issues(self, excess: dict[WordSurprisal, float], reported: set[tuple[int, int]]) -> list[Issue]:
        flagged = [word for word, bits in excess.items()
                   if bits >= FLAG_EXCESS_BITS and word.surprisal >= FLAG_MIN_SURPRISAL
                   and (word.start, word.end) not in reported]  # fmt: skip
        flagged.sort(key=lambda word: excess[word], reverse=True)
        return [
            UNEXPECTED_WORD.at(word.start, word.end,
                               f"“{word.text}” is unexpected here: the language model rarely sees it after "
                               "the words before it")
            for word in flagged[: self.settings.fluency_spans]
        ]


def word_choice_evidence(tests: list[WordTest]) -> dict[str, Any]:
    """Raw values of the word-level test: the best gain per kind of alternative (0 when none
    reads better), how many words are reported, and every tested word."""
    def best(source: str) -> float:
        gains = [a.gain for t in tests if (a := t.best(source)) is not None]
        return round(max([0.0, *gains]), 3)

    return {
        "synonym_gain_bits": best("thesaurus"),
        "prediction_gain_bits": best("lm"),
        "word_choices": sum(1 for t in tests if _suggestions(t)),
        "words_tested": [t.to_dict() for t in tests],
    }


def _suggestions(test: WordTest) -> list[Alternative]:
    """The alternatives that read better by their kind's bar, best first."""
    bar = {"thesaurus": SYNONYM_BITS, "lm": PREDICTION_BITS}
    return [a for a in test.alternatives if a.gain >= bar[a.source]][:SUGGESTIONS]


def word_choice_issues(tests: list[WordTest]) -> list[Issue]:
    """A finding per tested word an alternative reads much better than. Only near-synonyms are
    offered as replacements: the model's own prediction says what it expected, which may mean
    something else (‘skepticism’ -> ‘company’), so it is named in the message only."""
    issues = []
    for test in tests:
        expected = _suggestions(test)
        if expected:
            synonyms = [a.text for a in expected if a.source == "thesaurus"]
            shown = [a.text for a in expected[:2]]
            if synonyms and synonyms[0] not in shown:
                shown = [shown[0], synonyms[0]]
            named = " or ".join(f"‘{s}’" for s in shown)
            issues.append(WORD_CHOICE.at(test.word.start, test.word.end,
                                         f"‘{test.word.text}’ does not fit here; the language model expects "
                                         f"{named}", synonyms))
    return issues


SPEC = ComponentSpec(
    "fluency", "lm", LMFluencyScorer,
    "SLOR of a causal language model: how natural the sentence reads, with its least expected words",
    features=(
        Feature("logprob", "nats", 1, "log-probability of the sentence under the LM", whole_sentence=True),
        Feature("mean_logprob", "nats/token", 1, "log-probability per token", whole_sentence=True),
        Feature("slor", "nats/token", 1, "LM log-probability minus unigram log-probability, per token",
                whole_sentence=True),
        Feature("slor_adjusted", "nats/token", 1, f"SLOR minus {LENGTH_PENALTY} x ln(tokens)", whole_sentence=True),
        Feature("n_tokens", "tokens", 0, "length in LM tokens"),
        Feature("worst_word", "word", 0, "the word whose surprisal most exceeds its frequency's"),
        Feature("worst_surprisal", "bits", -1, "surprisal of that word in context", whole_sentence=True),
        Feature("max_excess_surprisal", "bits", -1, "how much more surprising that word is than its frequency",
                whole_sentence=True),
        Feature("synonym_gain_bits", "bits", -1, "without source or reference: how much likelier the best WordNet "
                "near-synonym of a tested word makes it and the words after it (0: none reads better)"),
        Feature("prediction_gain_bits", "bits", -1, "the same for the language model's own likeliest word"),
        Feature("word_choices", "count", -1, "words reported as wrong word choices (fluency/word-choice)"),
        Feature("words_tested", "list", 0, "each tested word with its alternatives and their gains"),
    ),
    rules=(WORD_CHOICE, UNEXPECTED_WORD),
    languages=frozenset({"en"}),
)
