"""The causal LM and the fluency scorer, with the real SmolLM2 model (converted once, cached)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from mtqa.core.config import Settings, load_settings
from mtqa.core.documents import Document, Segment
from mtqa.core.errors import ModelError
from mtqa.models import sources
from mtqa.models.lm import CausalLM, load_causal_lm
from mtqa.models.sources import PROVENANCE_FILE, lm_cache_info, resolve_lm
from mtqa.scorers.fluency import excess_surprisal
from mtqa.scorers.registry import component

pytestmark = pytest.mark.slow

# From fixtures/spun_news_article.txt: the rewriter turned "tough talks" into "difficult".
SPUN = ("Ahead of the difficult Friday talks between US Secretary of State Antony Blinken and "
        "Russian Foreign Minister Sergey Lavrov, the two sides appeared to be on the verge of a "
        "conflict that could reduce tensions and prevent a threat to the Russian invasion.")
CRIMEA = ("Russia in 2014 overthrew the Crimea Peninsula after the overthrow of a Ukrainian leader "
          "who was friendly to Moscow.")


@pytest.fixture(scope="session")
def settings() -> Settings:
    # The default cache (or MTQA_CACHE_DIR), so the one-off conversion is reused across runs.
    return load_settings(config_path=None)


@pytest.fixture(scope="session")
def scorer(settings: Settings):
    with component("fluency", "lm").build(settings) as fluency:
        yield fluency


def segments_of(*texts: str) -> list[Segment]:
    document = Document("test.txt", "text")
    offset = 0
    for index, text in enumerate(texts):
        document.add(Segment(text, index, offset, offset + len(text)))
        offset += len(text) + 1
    return document.segments


@pytest.mark.parametrize(
    ("good", "bad"),
    [
        ("The cats sleep on the sofa.", "The cats sleeps on the sofa."),
        ("Who did the teacher say that Mary met?", "Who did the teacher say that met Mary?"),
        ("She has eaten the apples.", "She has ate the apples."),
        ("Every student brought their own book.", "Every student brought book their own."),
    ],
)
def test_grammatical_sentence_scores_higher(scorer, good: str, bad: str) -> None:
    good_result, bad_result = scorer.score(segments_of(good, bad))
    assert 0.0 <= bad_result.score < good_result.score <= 1.0


def test_rare_proper_noun_is_not_disfluent(scorer) -> None:
    plain, named = scorer.score(
        segments_of("The president spoke to reporters in the capital.",
                    "Zelenskyy spoke to reporters in Kyiv.")  # fmt: skip
    )
    assert named.issues == []
    assert abs(named.score - plain.score) < 0.25


def test_raw_values(scorer) -> None:
    (result,) = scorer.score(segments_of("The weather was pleasant today."))
    raw = result.raw
    assert raw["n_tokens"] == 6
    assert raw["logprob"] < 0 and raw["mean_logprob"] == pytest.approx(raw["logprob"] / 6, abs=1e-3)
    # The word whose surprisal most exceeds its frequency's, never the first (it has no context).
    words = scorer.lm.score(["The weather was pleasant today."])[0].words
    assert [w.text for w in words] == ["The", "weather", "was", "pleasant", "today"]
    worst = max(words[1:], key=lambda w: excess_surprisal(w, "en"))
    assert raw["worst_word"] == worst.text and raw["worst_surprisal"] == pytest.approx(worst.surprisal, abs=1e-3)
    assert raw["max_excess_surprisal"] == pytest.approx(excess_surprisal(worst, "en"), abs=1e-3)
    assert raw["slor"] > 0  # better than a bag of the same words
    assert raw["slor_adjusted"] == pytest.approx(raw["slor"] - 0.75 * math.log(6), abs=1e-3)


def test_surprising_word_is_flagged_with_offsets(scorer, settings: Settings) -> None:
    (result,) = scorer.score(segments_of(SPUN))
    assert 1 <= len(result.issues) <= settings.fluency_spans
    top = result.issues[0]
    assert SPUN[top.start : top.end] == "difficult"
    assert top.rule in ("fluency/surprisal", "fluency/word-choice") and top.dimension == "fluency"
    assert top.message.startswith(("“difficult” is unexpected here", "‘difficult’ does not fit here"))
    assert "bits" not in top.message
    assert result.raw["worst_word"] == "difficult"


# From the sample article: the rewriter turned "pulling its forces back" into "withdrawing its power".
POWER = ("Blinken reiterated Washington’s call for Russia to reduce the crisis by withdrawing its power "
         "from the border, which Moscow has vehemently denied.")


def test_a_swapped_word_is_reported_with_what_the_model_expects_instead(scorer) -> None:
    (result,) = scorer.score(segments_of(POWER))
    (choice,) = [i for i in result.issues if i.rule == "fluency/word-choice" and POWER[i.start:i.end] == "power"]
    tested = {t["word"]: t for t in result.raw["words_tested"]}
    synonyms = {a["text"] for a in tested["power"]["alternatives"] if a["source"] == "thesaurus"}
    # Replacements offered are near-synonyms; the model's own prediction is only named.
    assert choice.suggestions and set(choice.suggestions) <= synonyms and "power" not in choice.suggestions
    assert choice.message.startswith("‘power’ does not fit here; the language model expects ‘")
    assert all(f"‘{s}’" in choice.message for s in choice.suggestions[:1])
    assert max(a["gain"] for a in tested["power"]["alternatives"]) >= 6.0
    assert result.raw["word_choices"] >= 1
    assert max(result.raw["synonym_gain_bits"], result.raw["prediction_gain_bits"]) >= 6.0


def test_a_well_chosen_sentence_has_no_word_choice_finding(scorer) -> None:
    (result,) = scorer.score(segments_of("Zelenskyy thanked Blinken for the aid, which was approved in late "
                                         "December but only confirmed on Wednesday."))
    assert [i for i in result.issues if i.rule == "fluency/word-choice"] == []
    assert {"synonym_gain_bits", "prediction_gain_bits", "word_choices", "words_tested"} <= set(result.raw)


def test_with_a_reference_the_word_level_test_is_not_run(scorer) -> None:
    (segment,) = segments_of(POWER)
    segment.reference = "Blinken repeated Washington's call for Russia to pull its forces back from the border."
    (result,) = scorer.score([segment])
    assert "words_tested" not in result.raw and result.score is not None


def test_the_word_level_test_can_be_turned_off(settings: Settings, scorer) -> None:
    with component("fluency", "lm").build(settings.replace(word_choice=False)) as plain:
        (off,) = plain.score(segments_of(POWER))
        assert plain.signature()["word_choice"] == "off"
    (on,) = scorer.score(segments_of(POWER))
    assert "words_tested" in on.raw and "words_tested" not in off.raw
    assert [i for i in off.issues if i.rule == "fluency/word-choice"] == []
    assert off.score == pytest.approx(on.score)  # the sentence's own score does not depend on it


def test_the_word_choice_flag_and_setting_reach_the_settings(tmp_path) -> None:
    from mtqa.cli import build_parser
    from mtqa.commands.options import settings_from_args

    assert settings_from_args(build_parser().parse_args(["check", "--no-word-choice", "x.txt"])).word_choice is False
    config = tmp_path / "mtqa.toml"
    config.write_text("word_choice = false\n", "utf-8")
    assert load_settings(config_path=config).word_choice is False
    assert Settings().word_choice is True


def test_top_k_predictions_come_from_the_same_pass(settings: Settings) -> None:
    lm = load_causal_lm(settings.lm, settings.cache_dir, settings.dtype, settings.device)
    text = "The talks ended without an agreement."
    (plain,) = lm.score([text], ["Ministers met in Geneva."])
    (ranked,) = lm.score([text], ["Ministers met in Geneva."], top_k=5)
    assert ranked.logprobs == pytest.approx(plain.logprobs, abs=1e-5)
    assert len(ranked.top_k) == ranked.n_tokens + 1 and all(len(top) == 5 for top in ranked.top_k)
    for token_logprob, top in zip(ranked.logprobs, ranked.top_k, strict=False):
        values = [value for _, value in top]
        assert values == sorted(values, reverse=True) and values[0] >= token_logprob - 1e-5
    assert ranked.top_k[1][0][0].startswith(" ")  # tokens with their leading space, as decoded


def test_variants_score_like_the_texts_they_spell(settings: Settings) -> None:
    lm = load_causal_lm(settings.lm, settings.cache_dir, settings.dtype, settings.device)
    annexed, cut = lm.score_once(["Russia annexed the peninsula in 2014.", "Russia annexed it"])
    (direct,) = lm.score(["Russia annexed the peninsula in 2014."])
    assert annexed.text == direct.text and annexed.logprobs == pytest.approx(direct.logprobs, abs=1e-4)
    assert cut.text == "Russia annexed it"


def test_rare_place_names_are_not_flagged(scorer) -> None:
    (result,) = scorer.score(segments_of(CRIMEA))
    flagged = {CRIMEA[issue.start : issue.end] for issue in result.issues}
    assert not flagged & {"Russia", "Crimea", "Peninsula", "Ukrainian", "Moscow"}


def test_fluent_sentence_has_no_issues(scorer) -> None:
    (result,) = scorer.score(segments_of("The company reported higher profits this year."))
    assert result.issues == []
    assert result.score > 0.5


def test_unscored_segments_get_no_score(scorer) -> None:
    blank, sentence = segments_of("   ", "A short sentence.")
    blank_result, sentence_result = scorer.score([blank, sentence])
    assert blank_result.score is None and sentence_result.score is not None


def test_signature_names_model_dtype_prefix_and_formula(scorer) -> None:
    signature = scorer.signature()
    assert signature["lm"] == "smollm2-135m"
    assert signature["lm_prefix"] == "<|endoftext|>"
    assert signature["lm_dtype"] == "float32"  # the default: the numbers the risk model is fitted on
    assert signature["lm_engine"] == "ctranslate2"
    assert len(signature["lm_revision"]) == 12
    assert "slor" in signature["fluency_formula"]


@pytest.fixture(scope="session")
def unbatched_lm(settings: Settings) -> CausalLM:
    """A second, private instance scoring one text at a time: no padding, its own memo."""
    return CausalLM(settings.lm, settings.cache_dir, settings.dtype, settings.device, batch_size=1)


def test_batching_keeps_input_order_and_scores(settings: Settings, unbatched_lm: CausalLM) -> None:
    lm = load_causal_lm(settings.lm, settings.cache_dir, settings.dtype, settings.device)
    texts = ["A much longer sentence, with several clauses, that the batcher sorts last.",
             "Short.", "Of medium length, this one.", "Hi."]  # fmt: skip
    contexts = [None, "Earlier text.", None, "Earlier text, somewhat longer than the other."]
    batched = lm.score(texts, contexts)
    single = unbatched_lm.score(texts[::-1], contexts[::-1])[::-1]
    assert [s.text for s in batched] == texts
    assert [s.context for s in batched] == contexts
    for joint, alone in zip(batched, single, strict=True):
        assert joint is not alone
        assert joint.logprobs == pytest.approx(alone.logprobs, abs=2e-3)
        assert joint.end_logprob == pytest.approx(alone.end_logprob, abs=2e-3)


def test_the_output_layer_in_slices_gives_the_same_scores(settings: Settings, monkeypatch) -> None:
    import mtqa.models.lm

    texts = ["The talks ended without an agreement on Friday.", "Prices rose again.", "Hi."]
    whole = CausalLM(settings.lm, settings.cache_dir, engine="torch").score(texts)
    monkeypatch.setattr(mtqa.models.lm, "HEAD_SLICE", 3)  # slices cut through every sentence
    sliced = CausalLM(settings.lm, settings.cache_dir, engine="torch").score(texts)
    for a, b in zip(whole, sliced, strict=True):
        assert a is not b
        # Up to float rounding: a matrix product of another shape sums in another order.
        assert a.logprobs == pytest.approx(b.logprobs, abs=1e-4)
        assert a.end_logprob == pytest.approx(b.end_logprob, abs=1e-4)


def test_offsets_and_words(settings: Settings) -> None:
    lm = load_causal_lm(settings.lm, settings.cache_dir, settings.dtype, settings.device)
    text = "Zelenskyy didn't sign it."
    (scores,) = lm.score([text], ["He met the press."])
    assert "".join(text[a:b] for a, b in scores.offsets).replace(" ", "") == text.replace(" ", "")
    assert [w.text for w in scores.words] == ["Zelenskyy", "didn't", "sign", "it"]
    zelenskyy = scores.words[0]
    assert zelenskyy.n_tokens > 1  # a multi-token word sums its tokens
    assert all(w.surprisal > 0 for w in scores.words)
    assert sum(w.n_tokens for w in scores.words) == scores.n_tokens - 1  # all but the "."


def test_context_changes_scores_and_is_memoised(settings: Settings) -> None:
    lm = load_causal_lm(settings.lm, settings.cache_dir, settings.dtype, settings.device)
    text = "It was signed on Tuesday."
    (bare,) = lm.score([text])
    (after,) = lm.score([text], ["The treaty was drafted in May."])
    assert after.logprob != bare.logprob
    hits = lm.memo_hits
    again = lm.score([text, text], [None, "The treaty was drafted in May."])
    assert lm.memo_hits == hits + 2
    assert again[0] is bare and again[1] is after


def test_one_instance_per_process(settings: Settings) -> None:
    first = load_causal_lm(settings.lm, settings.cache_dir, settings.dtype, settings.device)
    second = load_causal_lm(settings.lm, settings.cache_dir, settings.dtype, settings.device)
    assert first is second


def test_the_lm_is_converted_once_into_an_empty_cache_and_reused(tmp_path: Path, monkeypatch) -> None:
    """A real conversion of the shipped GGUF into a cache of this test's own; the second
    lookup finds the complete folder and converts nothing."""
    conversions = []
    convert = sources._convert_gguf

    def counted(gguf_path: Path, destination: Path) -> None:
        conversions.append(destination)
        convert(gguf_path, destination)

    monkeypatch.setattr(sources, "_convert_gguf", counted)
    assert not lm_cache_info("smollm2-135m", tmp_path)["cached"]
    path = resolve_lm("smollm2-135m", tmp_path)
    assert path == tmp_path / "models" / "smollm2-135m-instruct" and len(conversions) == 1
    assert (path / PROVENANCE_FILE).is_file() and (path / "config.json").is_file()
    stamp = (path / PROVENANCE_FILE).stat().st_mtime_ns
    assert resolve_lm("smollm2-135m", tmp_path) == path
    assert len(conversions) == 1 and (path / PROVENANCE_FILE).stat().st_mtime_ns == stamp
    assert [p.name for p in (tmp_path / "models").iterdir()] == [path.name]  # no staging folder left
    info = lm_cache_info("smollm2-135m", tmp_path)
    assert info["cached"] and info["size_bytes"] > 100_000_000 and info["version"] == "0.1.2"


def test_missing_model_folder_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not found"):
        resolve_lm(str(tmp_path / "no-such-model"), tmp_path)


def test_folder_without_config_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no config.json"):
        resolve_lm(str(tmp_path), tmp_path)


def test_unknown_hub_name_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="never downloads"):
        resolve_lm("nobody/not-a-model", tmp_path)
