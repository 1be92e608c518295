"""The LM engines (CTranslate2, torch) and the embedder's, with the real models (converted once
per machine and cached): same numbers, top-k predictions, variants, bounded memos, settings."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

import mtqa.models.lm
from mtqa.core.config import Settings, load_settings
from mtqa.core.errors import ConfigError, ModelError
from mtqa.models.embeddings import SentenceEmbedder
from mtqa.models.lm import CausalLM, TokenScores, choose_engine, length_batches
from mtqa.models.memo import Memo
from mtqa.models.sources import PROVENANCE_FILE

pytestmark = pytest.mark.slow

TEXTS = ["Russia in 2014 overthrew the Crimea Peninsula after the overthrow of a Ukrainian leader.",
         "The cats sleeps on the sofa.", "Hi.", "Prices rose again, said the minister on Friday."]  # fmt: skip
CONTEXTS = [None, "The family has two cats.", None, "Inflation was high in May."]


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings(config_path=None)


@pytest.fixture(scope="module")
def ct2(settings: Settings) -> CausalLM:
    return CausalLM(settings.lm, settings.cache_dir, engine="ctranslate2")


@pytest.fixture(scope="module")
def torch_lm(settings: Settings) -> CausalLM:
    return CausalLM(settings.lm, settings.cache_dir, engine="torch")


def test_ctranslate2_and_torch_give_the_same_log_probabilities(ct2: CausalLM, torch_lm: CausalLM) -> None:
    for fast, reference in zip(ct2.score(TEXTS, CONTEXTS), torch_lm.score(TEXTS, CONTEXTS), strict=True):
        assert fast.tokens == reference.tokens and fast.offsets == reference.offsets
        # The risk model is fitted on fp32 torch numbers: the default engine must reproduce them.
        assert fast.logprobs == pytest.approx(reference.logprobs, abs=5e-3)
        assert fast.end_logprob == pytest.approx(reference.end_logprob, abs=5e-3)
        assert [w.text for w in fast.words] == [w.text for w in reference.words]
    assert ct2.signature()["lm_engine"] == "ctranslate2" and torch_lm.signature()["lm_engine"] == "torch"
    assert ct2.signature()["lm_revision"] == torch_lm.signature()["lm_revision"]


def test_converted_copy_is_cached_with_its_provenance(ct2: CausalLM, settings: Settings) -> None:
    path = ct2.engine.path
    assert path.parent == Path(settings.cache_dir).expanduser() / "models" and path.name.endswith("-ct2")
    provenance = json.loads((path / PROVENANCE_FILE).read_text())
    assert provenance["engine"] == "ctranslate2" and provenance["source"] == str(ct2.path.resolve())
    assert provenance["source_gguf_sha256"].startswith(ct2.signature()["lm_revision"])
    stamp = (path / PROVENANCE_FILE).stat().st_mtime_ns
    again = CausalLM(settings.lm, settings.cache_dir, engine="ctranslate2")
    assert again.engine.path == path and (path / PROVENANCE_FILE).stat().st_mtime_ns == stamp  # not rebuilt


@pytest.mark.parametrize("engine", ["ctranslate2", "torch"])
def test_top_k_predictions_come_from_the_same_pass(engine: str, ct2: CausalLM, torch_lm: CausalLM) -> None:
    lm = {"ctranslate2": ct2, "torch": torch_lm}[engine]
    plain = lm.score(TEXTS[:2], CONTEXTS[:2])
    ranked = lm.score(TEXTS[:2], CONTEXTS[:2], top_k=5)
    for scores, bare in zip(ranked, plain, strict=True):
        assert scores.top_k is not None and len(scores.top_k) == scores.n_tokens + 1  # each token, then the end
        assert scores.logprobs == pytest.approx(bare.logprobs, abs=1e-4)
        for position, (predictions, actual) in enumerate(
            zip(scores.top_k, scores.logprobs + (scores.end_logprob,), strict=True)
        ):
            values = [value for _, value in predictions]
            assert len(predictions) == 5 and values == sorted(values, reverse=True)
            assert values[0] >= actual - 1e-4  # nothing is likelier than the likeliest
            decoded = [token for token, _ in predictions]
            if position < scores.n_tokens and lm.tokenizer.decode([lm.tokenizer.token_to_id(scores.tokens[position])]) \
                    in decoded:  # fmt: skip
                index = decoded.index(lm.tokenizer.decode([lm.tokenizer.token_to_id(scores.tokens[position])]))
                assert values[index] == pytest.approx(actual, abs=1e-4)
    # "The cats sleep|s": the agreement error is a token the model did not expect; predictions
    # are token texts with their leading space (" are" after "The cats").
    cats = ranked[1]
    suffix = cats.tokens.index("s")
    assert cats.top_k[suffix][0][1] > cats.logprobs[suffix] + 2.0
    assert cats.top_k[2][0][0] == " are" and cats.tokens[2] == "Ġsleep"
    # Asked again with fewer (or no) predictions, the memo answers.
    hits = lm.memo_hits
    assert lm.score(TEXTS[:2], CONTEXTS[:2], top_k=3)[0] is ranked[0]
    assert lm.memo_hits == hits + 2


def test_top_k_predictions_agree_across_engines(ct2: CausalLM, torch_lm: CausalLM) -> None:
    (fast,), (reference,) = ct2.score([TEXTS[3]], top_k=3), torch_lm.score([TEXTS[3]], top_k=3)
    assert [p[0][0] for p in fast.top_k] == [p[0][0] for p in reference.top_k]
    assert np.allclose([[v for _, v in p] for p in fast.top_k], [[v for _, v in p] for p in reference.top_k], atol=5e-3)


def test_variants_are_scored_like_the_texts_they_spell_and_not_memoised(ct2: CausalLM) -> None:
    text, context = "Russia in 2014 overthrew the Crimea Peninsula.", "It was a tense year."
    start = text.index("overthrew")
    spelled = [text[:start] + word + text[start + len("overthrew"):] for word in ("annexed", "seized", "overthrew")]
    size = len(ct2.memo)
    variants = ct2.score_once(spelled, context, top_k=2)
    assert len(ct2.memo) == size
    assert [v.text for v in variants] == [text.replace("overthrew", w) for w in ("annexed", "seized", "overthrew")]
    for variant in variants:
        (alone,) = ct2.score([variant.text], [context])
        assert variant.logprobs == pytest.approx(alone.logprobs, abs=1e-3)
        assert variant.top_k is not None
    annexed, _, overthrew = variants
    assert annexed.logprob > overthrew.logprob  # the original word is the spun one


def test_int8_is_an_opt_in_mode_recorded_in_the_signature(settings: Settings, ct2: CausalLM) -> None:
    fast = CausalLM(settings.lm, settings.cache_dir, engine="ctranslate2", compute="int8")
    assert fast.signature()["lm_dtype"] == "int8" and ct2.signature()["lm_dtype"] == "float32"
    good, bad = fast.score(["The cats sleep on the sofa.", "The cats sleeps on the sofa."])
    exact = ct2.score([good.text])[0]
    assert good.logprob != exact.logprob and good.logprob == pytest.approx(exact.logprob, rel=0.1)
    assert good.logprob > bad.logprob


def test_memo_is_bounded_and_a_large_call_still_answers(ct2: CausalLM) -> None:
    assert ct2.memo.size == mtqa.models.lm.MEMO_SIZE
    ct2.memo.resize(3)
    texts = [f"Sentence number {i} is here." for i in range(7)]
    scores = ct2.score(texts)  # more texts than the memo holds, in one call
    assert [s.text for s in scores] == texts and len(ct2.memo) == 3
    assert list(ct2.memo) == [(None, t) for t in texts[-3:]]
    ct2.memo.resize(None)  # what `mtqa eval` does
    ct2.score(texts)
    assert len(ct2.memo) == 7


def test_memo_drops_the_least_recently_used() -> None:
    memo: Memo[str, int] = Memo(2)
    memo["a"], memo["b"] = 1, 2
    assert memo.get_recent("a") == 1  # now "b" is the oldest
    memo["c"] = 3
    assert list(memo) == ["a", "c"] and memo.get_recent("b") is None
    memo.update({"d": 4, "e": 5})
    assert list(memo) == ["d", "e"]


def test_length_batches_respect_the_item_and_token_budgets() -> None:
    lengths = [5, 50, 6, 400, 7, 49, 8]
    batches = length_batches(lengths, max_items=3, max_tokens=120)
    assert sorted(i for batch in batches for i in batch) == list(range(len(lengths)))
    for batch in batches:
        assert len(batch) <= 3
        assert len(batch) == 1 or len(batch) * max(lengths[i] for i in batch) <= 120
    assert [3] in batches  # longer than the budget alone: a batch of its own


def test_embedder_engines_agree_and_the_memo_is_bounded(settings: Settings) -> None:
    fast = SentenceEmbedder(settings.embedder, cache_dir=settings.cache_dir)
    reference = SentenceEmbedder(settings.embedder, cache_dir=settings.cache_dir, engine="torch")
    assert (fast.engine, reference.engine) == ("ctranslate2", "torch")
    texts = ["A man is playing a guitar.", "Zelenskyy thanked Blinken for the donation.", "word " * 400, ""]
    assert np.abs(fast.encode(texts) - reference.encode(texts)).max() < 1e-4  # long text: truncated alike
    fast.memo.resize(2)
    fast.encode(texts)
    assert len(fast.memo) == 2


def test_engine_choice_and_settings_validation(monkeypatch) -> None:
    assert choose_engine("auto", "auto", "cpu") == "ctranslate2"
    assert choose_engine("auto", "bf16", "cpu") == "torch"  # a torch dtype asks for torch
    assert choose_engine("auto", "auto", "cuda") == "torch"
    with pytest.raises(ModelError, match="lm_engine"):
        choose_engine("onnx", "auto", "cpu")
    assert Settings(lm_engine="torch").validate().lm_engine == "torch"
    for bad, message in (({"lm_engine": "onnx"}, "lm_engine"), ({"lm_compute": "int4"}, "lm_compute"),
                         ({"lm_engine": "torch", "lm_compute": "int8"}, "torch engine uses dtype"),
                         ({"threads": 0}, "threads")):  # fmt: skip
        with pytest.raises(ConfigError, match=message):
            Settings(**bad).validate()
    monkeypatch.setenv("MTQA_LM_COMPUTE", "int8")
    assert load_settings(config_path=None).lm_compute == "int8"
    monkeypatch.setenv("MTQA_LM_ENGINE", "tensorflow")
    with pytest.raises(ConfigError, match="lm_engine"):
        load_settings(config_path=None)


def test_token_scores_without_top_k_stay_compatible() -> None:
    # Memos pickled by `mtqa eval` before top-k existed unpickle with top_k None.
    scores = TokenScores("Hi.", None, ("Hi", "."), ((0, 2), (2, 3)), (-1.0, -2.0), -3.0, ())
    assert scores.top_k is None and scores.logprob == -3.0


def test_a_ctranslate2_model_lives_on_a_thread_of_its_own(settings: Settings) -> None:
    # Loaded in a pool thread that then ends (as the pipeline builds its scorers), a CTranslate2
    # model ran ~8x slower; it now lives, and is called, on one long-lived thread of its own.
    with ThreadPoolExecutor(max_workers=1) as pool:
        lm = pool.submit(CausalLM, settings.lm, settings.cache_dir, engine="ctranslate2").result()
    home = lm.engine.thread.run(threading.current_thread)
    assert home.is_alive() and home is not threading.current_thread()
    assert lm.engine.thread.run(threading.current_thread) is home
    (scores,) = lm.score(["The treaty was signed."])
    assert scores.n_tokens == 5 and all(p < 0 for p in scores.logprobs)
