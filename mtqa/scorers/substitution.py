"""Word-level evidence of a substituted word: would a near-synonym read much better here?

An article spinner (or a careless rewrite) swaps words for thesaurus synonyms regardless of
sense: "annexed" becomes "overthrew", "exercises" becomes "match". A causal LM reads only the
left context, so such a word shows twice: the word itself is surprising, and so are the words
after it, which were written for the original. For the most surprising content words of a
sentence, the sentence is scored again with each word swapped for candidate alternatives:

- near-synonyms from WordNet (mtqa.text.thesaurus), put in the word's form;
- the LM's own likeliest words at that position (its top predictions, from the same pass).

Each variant is scored as a window of the sentence (LEFT_WORDS words before the word, the
alternative, and the RIGHT_WORDS words after it), beside the same window as written; the gain
is how many bits likelier the alternative makes the word and the words after it. A much
likelier alternative is evidence that the word was swapped, and becomes the suggestion
("overthrew -> annexed?"). The windows of all sentences are scored in one batch
(`CausalLM.score_once`), at most TESTED_WORDS x (1 + THESAURUS_CANDIDATES + LM_CANDIDATES) per
sentence, each a few words long (benchmarks/bench_spun.py measures the cost).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mtqa.text.words import is_content_word

if TYPE_CHECKING:
    from mtqa.models.lm import CausalLM, TokenScores, WordSurprisal
    from mtqa.text.thesaurus import WordNet

LN2 = math.log(2)
# Content words tested per sentence (the most surprising ones), and the least surprisal (bits)
# that makes a word worth testing: most well-chosen content words lie below it.
TESTED_WORDS = 3
MIN_TESTED_SURPRISAL = 9.0
# Alternatives per tested word: WordNet near-synonyms (the most common first) and the LM's top
# predictions; only words at least this common (wordfreq Zipf scale: 3 = once per million words)
# are tried, as a rare word is not what the text should have said.
THESAURUS_CANDIDATES = 3
LM_CANDIDATES = 1
LM_TOP_K = 40
MIN_ZIPF = 3.0
# Words after the swapped one that the comparison covers: a wrong word makes them surprising too.
RIGHT_WORDS = 4
# Words before it that each variant keeps: enough for the local sense, and the cost of a variant
# stays bounded however long the sentence (measured on spun_dev by benchmarks/bench_spun.py).
LEFT_WORDS = 8


@dataclass(frozen=True)
class Alternative:
    text: str
    source: str  # "thesaurus" or "lm"
    gain: float  # bits: how much likelier the word and the RIGHT_WORDS after it read with it


@dataclass(frozen=True)
class WordTest:
    """One tested word and its alternatives, best first."""

    word: WordSurprisal
    right_surprisal: float  # bits: the RIGHT_WORDS words after it, as written
    alternatives: tuple[Alternative, ...]

    def best(self, source: str) -> Alternative | None:
        return next((a for a in self.alternatives if a.source == source), None)

    def to_dict(self) -> dict:
        return {"word": self.word.text, "start": self.word.start, "end": self.word.end,
                "surprisal": round(self.word.surprisal, 2), "right_surprisal": round(self.right_surprisal, 2),
                "alternatives": [{"text": a.text, "source": a.source, "gain": round(a.gain, 2)}
                                 for a in self.alternatives]}


def test_words(lm: CausalLM, sentences: Sequence[TokenScores], wordnet: WordNet | None) -> list[list[WordTest]]:
    """For each of `sentences` (scored with `top_k` >= LM_TOP_K), its most surprising content
    words with their alternatives, in text order. The variants of all sentences are scored in
    one batch, each as a window: LEFT_WORDS words before the tested word, the word (or an
    alternative) and the RIGHT_WORDS after it; the window as written is scored too, so a gain
    compares like with like."""
    windows: list[str] = []
    plans = []  # per sentence: (word, right bits, where the word starts in its window, window index, alternatives)
    for scores in sentences:
        plan = []
        for index in _words_to_test(scores):
            word = scores.words[index]
            stretch_end = scores.words[min(len(scores.words), index + RIGHT_WORDS + 1) - 1].end
            head = scores.text[scores.words[max(0, index - LEFT_WORDS)].start:word.start]
            tail = scores.text[word.end:stretch_end]
            right = sum(w.surprisal for w in scores.words[index + 1:index + 1 + RIGHT_WORDS])
            alternatives = []
            for text, source in _candidates(word, scores, wordnet):
                alternatives.append((text, source, len(windows) + 1 + len(alternatives)))
            plan.append((word, right, len(head), len(windows), alternatives))
            windows.append(head + word.text + tail)
            windows.extend(head + text + tail for text, _, _ in alternatives)
        plans.append(plan)
    scored = lm.score_once(windows) if windows else []
    results = []
    for plan in plans:
        tests = []
        for word, right, offset, original, alternatives in plan:
            as_written = _bits(scored[original], offset, len(windows[original]))
            found = [Alternative(text, source, as_written - _bits(scored[at], offset, len(windows[at])))
                     for text, source, at in alternatives]
            tests.append(WordTest(word, right, tuple(sorted(found, key=lambda a: -a.gain))))
        results.append(tests)
    return results


def load_tables(wordnet: WordNet | None) -> None:
    """Load what the first test reads (wordfreq's English list, lemminflect's tables, WordNet's
    indexes): about a second, once per process."""
    from wordfreq import zipf_frequency

    zipf_frequency("the", "en")
    if wordnet is not None:
        import lemminflect

        lemminflect.getAllLemmas("tested")
        lemminflect.getAllInflections("test", "VERB")
        wordnet.load_indexes()


def describe(wordnet: WordNet | None) -> str:
    """The test's settings, for the signature."""
    return (f"words={TESTED_WORDS}@{MIN_TESTED_SURPRISAL}b,candidates={THESAURUS_CANDIDATES}+{LM_CANDIDATES}"
            f"@zipf{MIN_ZIPF},left={LEFT_WORDS},right={RIGHT_WORDS},thesaurus={wordnet.name if wordnet else 'none'}")


def _words_to_test(scores: TokenScores) -> list[int]:
    """Indices of up to TESTED_WORDS content words by surprisal (at least MIN_TESTED_SURPRISAL),
    in text order. The first word has no context to be judged against; capitalised words are
    mostly names, not word choices; a word the frequency list does not know is a spelling
    matter (grammar's), not a substitution."""
    from wordfreq import zipf_frequency

    eligible = [i for i, w in enumerate(scores.words[1:], start=1)
                if is_content_word(w.text) and not w.text[0].isupper()
                and w.surprisal >= MIN_TESTED_SURPRISAL and zipf_frequency(w.text.lower(), "en") > 0]
    eligible.sort(key=lambda i: -scores.words[i].surprisal)
    return sorted(eligible[:TESTED_WORDS])


def _candidates(word: WordSurprisal, scores: TokenScores, wordnet: WordNet | None) -> list[tuple[str, str]]:
    from wordfreq import zipf_frequency

    from mtqa.text.thesaurus import synonyms_in_form

    def common(candidate: str) -> bool:
        lower = candidate.lower()
        return lower != word.text.lower() and zipf_frequency(lower, "en") >= MIN_ZIPF

    found: dict[str, str] = {}
    if wordnet is not None:
        synonyms = [s for s in synonyms_in_form(word.text, wordnet, limit=50) if common(s)]
        synonyms.sort(key=lambda s: -zipf_frequency(s.lower(), "en"))
        found.update((s, "thesaurus") for s in synonyms[:THESAURUS_CANDIDATES])
    predicted = 0
    for token, _ in _predictions_at(scores, word.start):
        candidate = token.strip()
        if predicted >= LM_CANDIDATES:
            break
        if token.startswith(" ") and is_content_word(candidate) and common(candidate) and candidate not in found:
            found[candidate] = "lm"
            predicted += 1
    return list(found.items())


def _predictions_at(scores: TokenScores, start: int) -> Sequence[tuple[str, float]]:
    """The LM's likeliest tokens at the token that starts at character `start`."""
    if scores.top_k is None:
        return ()
    for position, (token_start, _) in enumerate(scores.offsets):
        if token_start >= start:
            return scores.top_k[position] if token_start == start else ()
    return ()


def _bits(scores: TokenScores, start: int, end: int) -> float:
    """Surprisal (bits) of the tokens of `scores` that lie in [start, end) of its text."""
    return -sum(logprob for (a, b), logprob in zip(scores.offsets, scores.logprobs, strict=True)
                if a >= start and b <= end and b > a) / LN2
