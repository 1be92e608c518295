"""Semantic drift: has the meaning moved away from what the sentence should say?

Three modes, chosen per segment by what there is to compare with:

- "reference": a reference translation, or an English source (a rewrite). Sentence-embedding
  cosine, sentence chrF and TER against it, plus numbers, names and negations that differ, and
  (raw only, for the risk model) the causal LM's mean log-probability of the target after it.
- "crosslingual": a source in another language. How much of the source's content has a
  dictionary translation in the target (`mtqa.text.lexicon`; built in for Chinese to English),
  and cosine in a cross-lingual embedder when one is configured (it then gives the score);
  with neither, no score (the checks scorer still compares numbers and names).
Language coverage, per mode: chrF, TER and numbers work in any language; the default sentence
embedder (MiniLM) and causal LM read English, so against a reference in another language only
chrF, TER and numbers count (cosine, the LM, names and negations are left out), and context
mode abstains for a target language they do not read (`unsupported_language`). Configured
models (a path or a hub name) are trusted with any language.

- "context": neither. How well the sentence fits its document: embedding similarity to its
  neighbours and to the rest of the document, as z-scores within the document, so a sentence
  that does not fit stands out whatever the document's topic. (Words that do not fit their
  sentence are the fluency scorer's word-level test, mtqa.scorers.substitution.)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mtqa.core.components import ComponentSpec, Feature, Rule, Scorer
from mtqa.core.config import Settings
from mtqa.core.documents import DimensionResult, Document, Issue, Segment
from mtqa.core.risk import logistic
from mtqa.models.memo import Memo
from mtqa.text.language import comparison_mode, primary, source_language
from mtqa.text.lexicon import Coverage, Lexicon, describe, lexicon_for
from mtqa.text.names import missing_names
from mtqa.text.numbers import number_differences
from mtqa.text.words import is_content_word, stem

if TYPE_CHECKING:
    from mtqa.models.embeddings import SentenceEmbedder
    from mtqa.models.lm import CausalLM

DIMENSION = "drift"

NEGATIONS = frozenset("not no never none nobody nothing neither nor without cannot n't".split())
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_FINAL_PUNCTUATION = re.compile(r"[.!?。！？…\"”’»)\]]\s*$")

# Reference mode: score = weighted mean of three similarities, minus penalties for hard
# mismatches. Weights chosen on DEMETR dev (benchmarks/drift_checks.py demetr): 94.3% of pairs
# ranked right, vs 89.2% for chrF alone and 87.9% for cosine alone.
WEIGHTS = {"cosine": 0.5, "chrf": 0.4, "ter": 0.1}
PENALTIES = {"number": 0.15, "name": 0.1, "negation": 0.1, "final_punctuation": 0.05}
# Below this cosine with the reference the meaning is reported as changed.
MEANING_COSINE = 0.6
# Below this weighted share of the source's content found in the target (lexicon), the most
# informative missing source terms are reported; MQM zh-en: a quarter of the translations.
LOW_COVERAGE = 0.6
MISSING_TERMS_REPORTED = 3
# Context mode: the score is logistic(CONTEXT_OFFSET + CONTEXT_SLOPE * z); z = 0 -> 0.88.
CONTEXT_OFFSET, CONTEXT_SLOPE = 2.0, 1.5
# A sentence whose topical fit is this many standard deviations below the document's is reported.
CONTEXT_OUTLIER_Z = -1.5
# Documents whose sentence fits are kept (bounded, so a long batch run's memory stays flat).
DOCUMENT_FITS_KEPT = 256


def words(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]


def unsupported_words(target: str, comparison: str) -> list[tuple[str, int, int]]:
    """Content words of the target whose stem does not occur in `comparison`."""
    known = {stem(w) for w, _, _ in words(comparison)}
    return [(w, s, e) for w, s, e in words(target) if is_content_word(w) and stem(w) not in known]


def negation_count(text: str) -> int:
    tokens = [w.lower().replace("’", "'") for w, _, _ in words(text)]
    return sum(w in NEGATIONS or w.endswith("n't") for w in tokens)


@dataclass
class SentenceFit:
    """How a sentence fits its document; the z-scores are within the document, length-adjusted."""

    neighbour_similarity: float
    centroid_similarity: float
    neighbour_z: float
    centroid_z: float

    @property
    def z(self) -> float:
        return (self.neighbour_z + self.centroid_z) / 2


MEANING_CHANGED = Rule(
    "drift/meaning", "the meaning differs from the reference or source", severity="major",
    explanation=f"Sentence-embedding similarity with what the target is compared with is below {MEANING_COSINE}: "
    "a mistranslation, an omission or an addition that changes what the sentence says.")
UNSUPPORTED_WORD = Rule(
    "drift/unsupported-word", "a content word of the target that the reference or source does not support",
    explanation="Reported with drift/meaning: the target's content words whose stem is not in the reference, "
    "the likely carriers of the changed meaning.")
SOURCE_TERM_MISSING = Rule(
    "drift/source-term-missing", "source content with no dictionary translation in the target",
    explanation=f"Under {LOW_COVERAGE:.0%} of the source's content (weighted by how informative each word is) "
    "has a translation from the bilingual lexicon in the target: something may be left out or mistranslated. "
    "The most informative missing terms are named with their glosses.")
OFF_CONTEXT = Rule(
    "drift/off-context",
    "a sentence off its document's topic",
    explanation="The sentence's similarity to its neighbours and the rest of the document is over "
    f"{-CONTEXT_OUTLIER_Z} standard deviations below the document's typical sentence (length taken into account).",
)


class DriftScorer(Scorer):
    dimension = DIMENSION

    def __init__(self, settings: Settings | None = None) -> None:
        from sacrebleu.metrics import CHRF, TER

        self.settings = settings or Settings()
        self.chrf, self.ter = CHRF(), TER()
        # Always one reference; sacrebleu only records that on first use, and the signature
        # is needed before any scoring (mtqa batch keys its result store with it).
        self.chrf.num_refs = self.ter.num_refs = 1
        # A document's sentences are scored together (one chunk), so a few hundred suffice.
        self._fits: Memo[tuple[str, str], dict[int, SentenceFit]] = Memo(DOCUMENT_FITS_KEPT)

    @property
    def embedder(self) -> SentenceEmbedder:
        from mtqa.models.embeddings import embedder_for

        return embedder_for(self.settings)

    @property
    def lm(self) -> CausalLM:
        from mtqa.models.lm import causal_lm_for

        return causal_lm_for(self.settings)

    @property
    def crosslingual(self) -> SentenceEmbedder | None:
        s = self.settings
        if not s.crosslingual_embedder:
            return None
        from mtqa.models.embeddings import embedder_for

        return embedder_for(s, s.crosslingual_embedder)

    def reads(self, language: str) -> bool:
        """Whether the sentence embedder and the causal LM read `language` (the default models
        read English; configured ones are trusted with any language)."""
        from mtqa.models.sources import EMBEDDER_ALIASES, LM_ALIASES

        english_only = self.settings.embedder in EMBEDDER_ALIASES or self.settings.lm in LM_ALIASES
        return language == "en" or not english_only

    def score(self, segments: Sequence[Segment]) -> list[DimensionResult]:
        results: list[DimensionResult | None] = [None] * len(segments)
        by_mode: dict[str, list[int]] = {}
        for i, segment in enumerate(segments):
            language = segment.language(self.settings.language)
            mode = comparison_mode(segment, language) if segment.scored else None
            if mode is None:
                results[i] = DimensionResult(None)
            elif mode == "reference" and not self.reads(language):
                by_mode.setdefault("reference-any-language", []).append(i)
            elif mode == "context" and not self.reads(language):
                results[i] = DimensionResult(None, {"unsupported_language": language, "mode": mode})
            else:
                by_mode.setdefault(mode, []).append(i)
        handlers = {"reference": self._against_reference, "crosslingual": self._crosslingual_source,
                    "context": self._in_context, "reference-any-language": self._against_reference_text}
        for mode, indices in by_mode.items():
            for i, result in zip(indices, handlers[mode]([segments[i] for i in indices]), strict=True):
                result.raw["mode"] = mode.removesuffix("-any-language")
                results[i] = result
        return [r if r is not None else DimensionResult(None) for r in results]

    # --- reference mode ------------------------------------------------------------------

    def _against_reference(self, segments: Sequence[Segment]) -> list[DimensionResult]:
        comparisons = [s.reference or s.source or "" for s in segments]
        texts = [s.text for s in segments]
        cosines = self.embedder.similarity(texts, comparisons)
        # How predictable the target is once the LM has read the reference: a faithful
        # target is largely copied or paraphrased from it, a changed word or meaning is not.
        given = self.lm.score(texts, comparisons)
        return [self._compare(s, c, float(cos), g.mean_logprob)
                for s, c, cos, g in zip(segments, comparisons, cosines, given, strict=True)]

    def _compare(self, segment: Segment, comparison: str, cosine: float,
                 logprob_given_comparison: float) -> DimensionResult:
        target = segment.text
        chrf = self.chrf.sentence_score(target, [comparison]).score
        ter = self.ter.sentence_score(target, [comparison]).score
        extra_numbers, missing_numbers = number_differences(target, comparison)
        names = missing_names(target, comparison, other_is_latin=True)
        negation_changed = negation_count(target) != negation_count(comparison)
        final_punctuation_missing = bool(
            _FINAL_PUNCTUATION.search(comparison) and not _FINAL_PUNCTUATION.search(target)
        )
        raw: dict[str, Any] = {
            "cosine": round(cosine, 4),
            "chrf": round(chrf, 2),
            "ter": round(ter, 2),
            "number_mismatches": len(extra_numbers) + len(missing_numbers),
            "names_missing": len(names),
            "negation_mismatch": negation_changed,
            "final_punctuation_missing": final_punctuation_missing,
            "lm_logprob_given_reference": round(logprob_given_comparison, 4),
            "against": "reference" if segment.reference else "source",
        }
        similarity = (
            WEIGHTS["cosine"] * max(cosine, 0.0)
            + WEIGHTS["chrf"] * chrf / 100
            + WEIGHTS["ter"] * (1 - min(ter, 100.0) / 100)
        )
        penalty = (
            PENALTIES["number"] * min(raw["number_mismatches"], 2)
            + PENALTIES["name"] * min(len(names), 2)
            + PENALTIES["negation"] * negation_changed
            + PENALTIES["final_punctuation"] * final_punctuation_missing
        )
        score = min(1.0, max(0.0, similarity - penalty))
        issues = []
        if cosine < MEANING_COSINE:
            issues.append(MEANING_CHANGED.at(0, len(target),
                                             f"meaning differs from the {raw['against']} (similarity {cosine:.2f})",
                                             [comparison]))
            issues += [UNSUPPORTED_WORD.at(start, end, f"{word!r} is not in the {raw['against']}")
                       for word, start, end in unsupported_words(target, comparison)[:3]]
        return DimensionResult(score, raw, issues)

    def _against_reference_text(self, segments: Sequence[Segment]) -> list[DimensionResult]:
        """Reference mode in a language the models do not read: chrF, TER and numbers only."""
        results = []
        for segment in segments:
            comparison = segment.reference or segment.source or ""
            chrf = self.chrf.sentence_score(segment.text, [comparison]).score
            ter = self.ter.sentence_score(segment.text, [comparison]).score
            extra, missing = number_differences(segment.text, comparison)
            raw: dict[str, Any] = {"chrf": round(chrf, 2), "ter": round(ter, 2),
                                   "number_mismatches": len(extra) + len(missing),
                                   "against": "reference" if segment.reference else "source"}
            weight = WEIGHTS["chrf"] + WEIGHTS["ter"]
            similarity = (WEIGHTS["chrf"] * chrf / 100 + WEIGHTS["ter"] * (1 - min(ter, 100.0) / 100)) / weight
            penalty = PENALTIES["number"] * min(raw["number_mismatches"], 2)
            results.append(DimensionResult(min(1.0, max(0.0, similarity - penalty)), raw))
        return results

    # --- cross-lingual mode --------------------------------------------------------------

    def _crosslingual_source(self, segments: Sequence[Segment]) -> list[DimensionResult]:
        embedder = self.crosslingual
        cosines: list[float | None] = [None] * len(segments)
        if embedder is not None:
            cosines = embedder.similarity([s.text for s in segments], [s.source or "" for s in segments]).tolist()
        results = []
        for segment, cosine in zip(segments, cosines, strict=True):
            score, raw, issues = None, {}, []
            lexicon = self._lexicon(segment)
            coverage = lexicon.coverage(segment.source or "", segment.text) if lexicon else None
            if coverage is not None and coverage.share is not None:
                score = coverage.share
                raw.update(lexical_coverage=round(coverage.share, 4), source_terms=len(coverage.terms),
                           source_terms_missing=len(coverage.missing()), lexicon=lexicon.name)
                if coverage.share < LOW_COVERAGE:
                    issues.append(_missing_terms_issue(segment, coverage))
            if cosine is not None:
                score = max(0.0, cosine)
                raw["cosine"] = round(cosine, 4)
                if cosine < MEANING_COSINE:
                    issues.append(
                        MEANING_CHANGED.at(
                            0,
                            len(segment.text),
                            f"meaning differs from the source (cross-lingual similarity {cosine:.2f})",
                        )
                    )
            if score is None:
                raw["reason"] = "source in another language, and no cross-lingual embedder or lexicon for it"
            results.append(DimensionResult(score, raw, issues))
        return results

    def _lexicon(self, segment: Segment) -> Lexicon | None:
        s = self.settings
        return lexicon_for(s.lexicon, source_language(segment), primary(segment.language(s.language)),
                           s.cache_dir)

    # --- context mode --------------------------------------------------------------------

    def _in_context(self, segments: Sequence[Segment]) -> list[DimensionResult]:
        results = []
        for segment in segments:
            fit = self._document_fit(segment.document).get(segment.index) if segment.document else None
            if fit is None:
                results.append(DimensionResult(None, {"reason": "no document context of 4+ sentences"}))
            else:
                results.append(self._context_result(segment, fit))
        return results

    def _document_fit(self, document: Document) -> dict[int, SentenceFit]:
        """How each sentence of `document` fits the rest (computed once per document)."""
        key = (document.path, document.content_hash)
        fits = self._fits.get_recent(key)
        if fits is None:
            sentences = [s for s in document.segments if s.scored and s.kind == "sentence"]
            fits = self._fits[key] = self._fit_sentences(sentences) if len(sentences) >= 4 else {}
        return fits

    def _fit_sentences(self, sentences: list[Segment]) -> dict[int, SentenceFit]:
        import numpy as np

        vectors = self.embedder.encode([s.text for s in sentences])
        position = {s.index: i for i, s in enumerate(sentences)}
        total = vectors.sum(axis=0)
        neighbour_sim, centroid_sim = [], []
        for i, sentence in enumerate(sentences):
            rest = total - vectors[i]  # leave-one-out centroid
            centroid_sim.append(float(vectors[i] @ rest / (np.linalg.norm(rest) or 1.0)))
            near = [position[n.index] for n in sentence.neighbours() if n.index in position]
            neighbour_sim.append(float(np.mean(vectors[near] @ vectors[i])) if near else centroid_sim[-1])
        # Short sentences are less similar to anything: z-scores of what length does not
        # explain, so length alone separates nothing.
        lengths = [len(words_of) for words_of in (words(s.text) for s in sentences)]
        z_neighbour = length_adjusted_zscores(neighbour_sim, lengths)
        z_centroid = length_adjusted_zscores(centroid_sim, lengths)
        return {s.index: SentenceFit(neighbour_sim[i], centroid_sim[i], z_neighbour[i], z_centroid[i])
                for i, s in enumerate(sentences)}

    def _context_result(self, segment: Segment, fit: SentenceFit) -> DimensionResult:
        z = fit.z
        raw = {
            "neighbour_similarity": round(fit.neighbour_similarity, 4),
            "centroid_similarity": round(fit.centroid_similarity, 4),
            "neighbour_z": round(fit.neighbour_z, 3),
            "centroid_z": round(fit.centroid_z, 3),
            "context_z": round(z, 3),
        }
        issues = []
        if z < CONTEXT_OUTLIER_Z:
            issues.append(OFF_CONTEXT.at(0, len(segment.text), "this sentence is about something else than the "
                                         "sentences around it and the rest of the document"))
        return DimensionResult(logistic(CONTEXT_OFFSET + CONTEXT_SLOPE * z), raw, issues)

    def signature(self) -> dict[str, Any]:
        s = self.settings
        return {
            "embedder": s.embedder,
            "crosslingual_embedder": s.crosslingual_embedder,
            "lexicon": describe(s.lexicon),
            "chrf": self.chrf.get_signature().format(),
            "ter": self.ter.get_signature().format(),
            "reference_lm": f"{s.lm}:mean_logprob(target|reference)",
        }


def _missing_terms_issue(segment: Segment, coverage: Coverage) -> Issue:
    """Source content with no translation in the target: something may be left out or
    mistranslated. Zero-width at the end of the target, as there is nothing to point at."""
    shown = ", ".join(f"{t.text} ({_short(t.gloss)})" for t in coverage.missing()[:MISSING_TERMS_REPORTED])
    end = len(segment.text)
    return SOURCE_TERM_MISSING.at(end, end, f"only {coverage.share:.0%} of the source's content has a dictionary "
                                  f"translation in the target; not found: {shown}")


def _short(gloss: str, limit: int = 30) -> str:
    return gloss if len(gloss) <= limit else gloss[: limit - 1].rstrip() + "…"


def length_adjusted_zscores(values: Sequence[float], lengths: Sequence[int]) -> list[float]:
    """z-scores of the residuals of `values` after a least-squares fit on log length."""
    import numpy as np

    array = np.asarray(values, dtype=float)
    design = np.column_stack([np.ones(len(array)), np.log1p(np.asarray(lengths, dtype=float))])
    coefficients, *_ = np.linalg.lstsq(design, array, rcond=None)
    residuals = array - design @ coefficients
    spread = residuals.std() or 1.0
    return (residuals / spread).tolist()


SPEC = ComponentSpec(
    DIMENSION, "default", DriftScorer,
    "how far the meaning moved from the reference, the source, or the rest of the document",
    features=(
        Feature("mode", "name", 0, "what the target was compared with: reference, crosslingual or context"),
        Feature("reason", "text", 0, "why there is no score, when there is none"),
        # reference mode
        Feature("against", "name", 0, "reference, or an English source (a rewrite)"),
        Feature("cosine", "cosine", 1, "sentence-embedding similarity with the reference, source (cross-lingual "
                "embedder) or neither"),
        Feature("chrf", "chrF", 1, "sentence chrF against the reference"),
        Feature("ter", "TER", -1, "sentence TER against the reference"),
        Feature("number_mismatches", "count", -1, "numbers that differ from the reference"),
        Feature("names_missing", "count", -1, "names of the reference missing from the target"),
        Feature("negation_mismatch", "flag", -1, "the target and the reference differ in negation"),
        Feature("final_punctuation_missing", "flag", -1, "the reference ends a sentence, the target does not"),
        Feature("lm_logprob_given_reference", "nats/token", 1, "LM log-probability of the target after the reference"),
        # cross-lingual mode
        Feature("lexical_coverage", "share", 1, "share of the source's content with a dictionary translation in "
                "the target, weighted by informativeness"),
        Feature("source_terms", "count", 0, "source terms the lexicon looked up"),
        Feature("source_terms_missing", "count", -1, "of them, terms with no translation in the target"),
        Feature("lexicon", "name", 0, "the bilingual lexicon used"),
        # context mode
        Feature("neighbour_similarity", "cosine", 1, "mean similarity with the neighbouring sentences",
                whole_sentence=True),
        Feature("centroid_similarity", "cosine", 1, "similarity with the rest of the document", whole_sentence=True),
        Feature("neighbour_z", "z", 1, "neighbour similarity within the document, length-adjusted",
                whole_sentence=True),
        Feature("centroid_z", "z", 1, "document similarity within the document, length-adjusted", whole_sentence=True),
        Feature("context_z", "z", 1, "neighbour and document similarity together", whole_sentence=True),
    ),
    rules=(MEANING_CHANGED, UNSUPPORTED_WORD, SOURCE_TERM_MISSING, OFF_CONTEXT),
)
