"""A causal language model that scores text: per-token log-probabilities and word surprisals.

API (the fluency and drift scorers use the first three; word-level evidence can use the rest):

- `causal_lm_for(settings)` / `load_causal_lm(...)`: the process-wide `CausalLM` for these
  settings (loaded on first use), so every scorer shares the weights and the memo.
- `CausalLM.score(texts, contexts=None, top_k=0) -> list[TokenScores]`, in input order: the
  natural-log probability of each token of each text after the model's document separator
  (SmolLM2: `<|endoftext|>`, not the chat BOS `<|im_start|>`), or after `contexts[i]` when given,
  plus the probability that the text ends there. Memoised per (context, text): a text scored
  twice in a run goes through the model once (`memo_hits` counts the saved work; at most
  `MEMO_SIZE` entries, oldest dropped first).
- `top_k=k`: from the same forward pass, `TokenScores.top_k[i]` holds (at least) the k likeliest
  tokens at text position i (what the model expected instead of `tokens[i]`; the last entry is for the
  position after the text), each `(token text with its leading space, log-probability)`,
  likeliest first.
- `CausalLM.score_once(texts, context=None, top_k=0)`: one-off texts (the word-level test's
  variants of a sentence, one word swapped for an alternative) scored in length-sorted
  batches without filling the memo.

Engines (`lm_engine`): "ctranslate2" runs a converted copy of the model on CTranslate2
(`<cache_dir>/models/<model>-ct2/`, converted once from the transformers folder that
`mtqa.models.sources` builds), which is how a CPU runs it fastest; "torch" runs the
transformers model (GPUs, and models CTranslate2 cannot convert); "auto" is CTranslate2 on a
CPU and torch on a GPU or with a torch `dtype` other than fp32. Both give the same numbers to
about 1e-4 nats in float32 (tests/test_fluency.py compares them). `lm_compute` picks
CTranslate2's compute type: "auto" is float32, the numbers the risk model is fitted on;
"int8" (~2x faster, log-probabilities off by up to a few nats on rare tokens) and "int16" are
opt-in and recorded in the signature (`lm_dtype`).

Text is tokenised by the `tokenizers` library (the model's fast tokenizer, with character
offsets), so neither torch nor transformers is imported on the CTranslate2 path.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from mtqa.core.config import LM_COMPUTE_TYPES, LM_ENGINES, Settings
from mtqa.core.errors import ModelError
from mtqa.models.device import require_device
from mtqa.models.memo import Memo
from mtqa.models.sources import lm_prefix_token, lm_provenance, resolve_ct2_lm, resolve_lm
from mtqa.models.threads import ModelThread, import_torch

if TYPE_CHECKING:
    from tokenizers import Tokenizer


# Words for word-level surprisal: letters/digits, with inner apostrophes and hyphens.
WORD_PATTERN = re.compile(r"\w+(?:['’-]\w+)*")
# Longest input the model sees; a longer context is cut from the left, a longer text at the end.
MAX_TOKENS = 1024
# Token positions in one batch (padding included): bounds the memory of the logits, which
# cover the whole 49,152-word vocabulary at every position (512 x 49,152 x 4 bytes = 100 MB).
BATCH_TOKENS = 512
# Token positions sent through the torch engine's vocabulary head at once.
HEAD_SLICE = 256
# Texts whose scores are kept (about 10 KB each for a 50-token sentence): a few chunks' worth
# of a batch run (fluency and drift score each segment once or twice), so memory stays flat.
MEMO_SIZE = 4096
LN2 = math.log(2)
# CTranslate2 compute types ("auto" = float32: the numbers the risk model is fitted on; the
# float16/bfloat16 ones need a GPU or a CPU that CTranslate2 runs them on).
ENGINES, COMPUTE_TYPES = LM_ENGINES, LM_COMPUTE_TYPES

TopK = tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class WordSurprisal:
    """A word of the scored text and how unexpected the model found it."""

    start: int  # character offsets into the scored text
    end: int
    text: str
    surprisal: float  # bits: -log2 p of the word's tokens, summed
    n_tokens: int


@dataclass(frozen=True)
class TokenScores:
    """What the LM says of one text: a log-probability per token, offsets into the text."""

    text: str
    context: str | None
    tokens: tuple[str, ...]
    offsets: tuple[tuple[int, int], ...]  # per token, into `text`, leading space excluded
    logprobs: tuple[float, ...]  # natural log p(token | separator, context, earlier tokens)
    end_logprob: float  # natural log p(separator | everything before): the text may end here
    words: tuple[WordSurprisal, ...]
    # With score(top_k=k): per token position, then the end, the k likeliest tokens there.
    top_k: tuple[TopK, ...] | None = None

    @property
    def n_tokens(self) -> int:
        return len(self.logprobs)

    @property
    def logprob(self) -> float:
        return float(sum(self.logprobs))

    @property
    def mean_logprob(self) -> float:
        return self.logprob / self.n_tokens if self.logprobs else 0.0


@dataclass
class _Encoded:
    ids: list[int]
    text_start: int  # index in `ids` of the first token of the text
    tokens: tuple[str, ...]
    offsets: list[tuple[int, int]]
    end_id: int

    @property
    def targets(self) -> list[int]:
        """The tokens the model predicts: the text's, then the separator after it."""
        return [*self.ids[self.text_start :], self.end_id]


# Per encoded item: log p of each text token and of the end (n + 1 values); with top-k, the
# k likeliest token ids and their log-probabilities at each of those n + 1 positions.
Predicted = tuple[np.ndarray, np.ndarray | None, np.ndarray | None]


class Engine(Protocol):
    tokenizer: Tokenizer
    separator: str
    dtype: str

    def predict(self, batch: list[_Encoded], top_k: int) -> list[Predicted]: ...


class CausalLM:
    """Scores texts with a causal LM; results are memoised per (context, text)."""

    def __init__(self, name: str, cache_dir: Path, dtype: str = "auto", device: str = "cpu",
                 batch_size: int = 32, engine: str = "auto", compute: str = "auto",
                 threads: int | None = None) -> None:  # fmt: skip
        self.name = name
        self.device = device
        self.batch_size = batch_size
        self.engine_name = choose_engine(engine, dtype, device)
        cache_dir = Path(cache_dir).expanduser()
        self.path = resolve_lm(name, cache_dir)
        if self.engine_name == "ctranslate2":
            self.engine: Engine = CTranslate2Engine(name, cache_dir, self.path, compute, device, threads)
        else:
            if compute not in ("auto", "float32"):
                raise ModelError(f"lm_compute {compute!r} applies to the ctranslate2 engine; torch uses dtype")
            self.engine = TorchEngine(name, self.path, dtype, device)
        self.tokenizer = self.engine.tokenizer
        self.separator = self.engine.separator
        self.separator_id = self.tokenizer.token_to_id(self.separator)
        self._decoded: dict[int, str] = {}
        # `mtqa eval` lifts the bound (memo.resize(None)) to keep a whole data set's scores.
        self.memo: Memo[tuple[str | None, str], TokenScores] = Memo(MEMO_SIZE)
        self.memo_hits = 0

    def signature(self) -> dict[str, Any]:
        provenance = lm_provenance(self.path)
        return {
            "lm": self.name,
            "lm_revision": provenance.get("gguf_sha256", "")[:12] or _commit_of(self.path),
            "lm_engine": self.engine_name,
            "lm_dtype": self.engine.dtype,
            "lm_prefix": self.separator,
        }

    def score(self, texts: Sequence[str], contexts: Sequence[str | None] | None = None,
              top_k: int = 0) -> list[TokenScores]:  # fmt: skip
        """Token log-probabilities of each text (after its context, if any), in input order."""
        if contexts is None:
            contexts = [None] * len(texts)
        if len(contexts) != len(texts):
            raise ValueError("score() needs one context per text")
        keys = [(context or None, text) for context, text in zip(contexts, texts, strict=True)]
        found = {key: scores for key in dict.fromkeys(keys) if (scores := self._recall(key, top_k)) is not None}
        self.memo_hits += sum(key in found for key in keys)
        missing = [key for key in dict.fromkeys(keys) if key not in found]
        found.update(zip(missing, self._score_uncached(missing, top_k), strict=True))
        self.memo.update((key, found[key]) for key in missing)
        return [found[key] for key in keys]

    def score_once(self, texts: Sequence[str], context: str | None = None, top_k: int = 0) -> list[TokenScores]:
        """`texts` scored after `context` in length-sorted batches without filling the memo:
        for many one-off texts (the word-level test's variants)."""
        return self._score_uncached([(context or None, text) for text in texts], top_k)

    def remember(self, scores: dict[tuple[str | None, str], TokenScores]) -> None:
        """Seed the memo with scores computed earlier (`mtqa eval` keeps them on disk)."""
        self.memo.update(scores)

    def memo_items(self) -> dict[tuple[str | None, str], TokenScores]:
        return dict(self.memo)

    def _recall(self, key: tuple[str | None, str], top_k: int) -> TokenScores | None:
        """The memoised scores of `key` if they hold what is asked (top-k predictions included)."""
        scores = self.memo.get_recent(key)
        if scores is None or not top_k or (scores.top_k is not None and all(len(p) >= top_k for p in scores.top_k)):
            return scores
        return None

    def _score_uncached(self, keys: list[tuple[str | None, str]], top_k: int = 0) -> list[TokenScores]:
        encoded = [self._encode(context, text) for context, text in keys]
        results: list[TokenScores | None] = [None] * len(keys)
        for batch in length_batches([len(item.ids) + 1 for item in encoded], self.batch_size, BATCH_TOKENS):
            for i, predicted in zip(batch, self.engine.predict([encoded[i] for i in batch], top_k), strict=True):
                results[i] = self._scores(keys[i], encoded[i], predicted)
        return [r for r in results if r is not None]

    def _encode(self, context: str | None, text: str) -> _Encoded:
        # After a context the text is a continuation, so its first word carries its space.
        lead = " " if context else ""
        piece = self.tokenizer.encode(lead + text, add_special_tokens=False)
        text_ids = piece.ids[: MAX_TOKENS - 1]
        offsets = [_trim(text, start - len(lead), end - len(lead))
                   for start, end in piece.offsets[: len(text_ids)]]  # fmt: skip
        context_ids: list[int] = []
        if context:
            context_ids = self.tokenizer.encode(context, add_special_tokens=False).ids
            context_ids = context_ids[max(0, len(context_ids) - (MAX_TOKENS - 1 - len(text_ids))) :]
        tokens = tuple(piece.tokens[: len(text_ids)])
        return _Encoded([self.separator_id, *context_ids, *text_ids], 1 + len(context_ids),
                        tokens, offsets, self.separator_id)  # fmt: skip

    def _scores(self, key: tuple[str | None, str], item: _Encoded, predicted: Predicted) -> TokenScores:
        context, text = key
        logprobs, top_ids, top_logprobs = predicted
        values = logprobs.tolist()
        token_logprobs = tuple(values[:-1])
        top = None
        if top_ids is not None and top_logprobs is not None:
            top = tuple(tuple((self._decode(int(i)), float(p)) for i, p in zip(ids, lps, strict=True))
                        for ids, lps in zip(top_ids, top_logprobs, strict=True))  # fmt: skip
        return TokenScores(text, context, item.tokens, tuple(item.offsets), token_logprobs, values[-1],
                           _word_surprisals(text, item.offsets, token_logprobs), top)  # fmt: skip

    def _decode(self, token_id: int) -> str:
        if token_id not in self._decoded:
            self._decoded[token_id] = self.tokenizer.decode([token_id], skip_special_tokens=False)
        return self._decoded[token_id]


def length_batches(lengths: Sequence[int], max_items: int, max_tokens: int) -> list[list[int]]:
    """Indices grouped by similar length (little compute goes to padding): at most `max_items`
    per batch, and at most `max_tokens` padded positions unless one item alone is longer."""
    batches: list[list[int]] = []
    for i in sorted(range(len(lengths)), key=lengths.__getitem__):
        batch = batches[-1] if batches else None
        if batch is None or len(batch) >= max_items or (len(batch) + 1) * lengths[i] > max_tokens:
            batches.append([i])
        else:
            batch.append(i)
    return batches


def choose_engine(engine: str, dtype: str, device: str) -> str:
    """The engine "auto" stands for: CTranslate2 on a CPU in fp32, torch on a GPU or for
    another torch dtype; torch also where CTranslate2 is not installed."""
    if engine not in ENGINES:
        raise ModelError(f"unknown lm_engine {engine!r}; use {', '.join(ENGINES)}")
    if engine != "auto":
        return engine
    if device != "cpu" or dtype not in ("auto", "fp32", "float32"):
        return "torch"
    import importlib.util

    return "ctranslate2" if importlib.util.find_spec("ctranslate2") else "torch"


def _top_k(logprobs: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row of `logprobs` (positions x vocabulary): the k largest ids and values, largest first."""
    k = min(k, logprobs.shape[-1])
    ids = np.argpartition(-logprobs, k - 1, axis=-1)[:, :k]
    values = np.take_along_axis(logprobs, ids, axis=-1)
    order = np.argsort(-values, axis=-1, kind="stable")
    return np.take_along_axis(ids, order, axis=-1), np.take_along_axis(values, order, axis=-1)


class CTranslate2Engine:
    """The model converted for CTranslate2 (int8/float32 kernels built for CPU inference)."""

    def __init__(self, name: str, cache_dir: Path, source: Path, compute: str, device: str,
                 threads: int | None) -> None:  # fmt: skip
        try:
            import ctranslate2
        except ImportError:
            raise ModelError(
                "lm_engine = 'ctranslate2' needs the ctranslate2 package: pip install ctranslate2"
            ) from None
        from tokenizers import Tokenizer

        if compute not in COMPUTE_TYPES:
            raise ModelError(f"unknown lm_compute {compute!r}; use {', '.join(COMPUTE_TYPES)}")
        self.path = resolve_ct2_lm(name, cache_dir, source)
        self.dtype = "float32" if compute == "auto" else compute
        self.thread = ModelThread("mtqa-lm")
        try:
            self.generator = self.thread.run(ctranslate2.Generator, str(self.path),
                                             device="cuda" if device.startswith("cuda") else "cpu",
                                             compute_type=self.dtype, intra_threads=threads or os.cpu_count() or 1)
            self.tokenizer = Tokenizer.from_file(str(self.path / "tokenizer.json"))
        except (RuntimeError, ValueError, OSError) as exc:  # CTranslate2 reports unsupported types as ValueError
            raise ModelError(f"{self.path}: cannot load the LM on CTranslate2 ({self.dtype}): {exc}") from None
        config = json.loads((self.path / "config.json").read_text(encoding="utf-8"))
        self.separator = lm_prefix_token(name) or config.get("bos_token") or config.get("eos_token")
        if not self.separator or self.tokenizer.token_to_id(self.separator) is None:
            raise ModelError(f"{self.path}: the tokenizer has no bos or eos token to score after")
        self._vocabulary = [self.tokenizer.id_to_token(i) for i in range(self.tokenizer.get_vocab_size())]

    def predict(self, batch: list[_Encoded], top_k: int) -> list[Predicted]:
        if not top_k:
            # score_batch returns log p of tokens[1:] given the earlier ones, computed in the engine.
            tokens = [[self._vocabulary[i] for i in (*item.ids, item.end_id)] for item in batch]
            results = self.thread.run(self.generator.score_batch, tokens, max_batch_size=0)
            return [(np.asarray(r.log_probs[item.text_start - 1 :], dtype=np.float64), None, None)
                    for item, r in zip(batch, results, strict=True)]  # fmt: skip
        logprobs = np.asarray(self.thread.run(self.generator.forward_batch, [item.ids for item in batch],
                                              return_log_probs=True))  # fmt: skip
        out: list[Predicted] = []
        for row, item in enumerate(batch):
            positions = np.arange(item.text_start - 1, len(item.ids))
            rows = logprobs[row, positions]
            top_ids, top_values = _top_k(rows, top_k)
            out.append((rows[np.arange(len(positions)), item.targets].astype(np.float64), top_ids, top_values))
        return out


class TorchEngine:
    """The transformers model on torch: GPUs, and models CTranslate2 cannot convert."""

    def __init__(self, name: str, path: Path, dtype: str, device: str) -> None:
        try:
            torch = import_torch()
            from transformers import AutoModelForCausalLM, AutoTokenizer
            from transformers.utils import logging as transformers_logging
        except ImportError:
            raise ModelError(
                "lm_engine = 'torch' needs torch and transformers: pip install torch transformers"
            ) from None
        transformers_logging.disable_progress_bar()  # quiet by default: no "Loading weights" bar
        self.torch = torch
        self.device = device
        self.torch_dtype = resolve_dtype(dtype, device)
        self.dtype = str(self.torch_dtype).removeprefix("torch.")
        try:
            tokenizer = AutoTokenizer.from_pretrained(path)
            self.model = AutoModelForCausalLM.from_pretrained(path, dtype=self.torch_dtype)
        except Exception as exc:  # transformers raises many kinds; all mean "cannot load"
            raise ModelError(f"{path}: cannot load causal LM: {exc}") from None
        if not tokenizer.is_fast:
            raise ModelError(f"{path}: needs a fast tokenizer (for character offsets)")
        self.tokenizer = tokenizer.backend_tokenizer
        self.model.to(device).eval()
        self.separator = lm_prefix_token(name) or tokenizer.bos_token or tokenizer.eos_token
        if self.separator is None or self.tokenizer.token_to_id(self.separator) is None:
            raise ModelError(f"{path}: the tokenizer has no bos or eos token to score after")

    def predict(self, batch: list[_Encoded], top_k: int) -> list[Predicted]:
        torch = self.torch
        with torch.inference_mode():
            width = max(len(item.ids) for item in batch)
            ids = torch.zeros(len(batch), width, dtype=torch.long)
            mask = torch.zeros(len(batch), width, dtype=torch.long)
            for row, item in enumerate(batch):  # right padding: positions of real tokens unchanged
                ids[row, : len(item.ids)] = torch.tensor(item.ids)
                mask[row, : len(item.ids)] = 1
            hidden = self.model.base_model(input_ids=ids.to(self.device), attention_mask=mask.to(self.device),
                                           use_cache=False).last_hidden_state  # fmt: skip
            # Only positions that predict a text token or the end go through the vocabulary head.
            rows, positions, targets = [], [], []
            for row, item in enumerate(batch):
                predicted = item.targets
                rows += [row] * len(predicted)
                positions += range(item.text_start - 1, item.text_start - 1 + len(predicted))
                targets += predicted
            states, wanted = hidden[rows, positions], torch.tensor(targets, device=hidden.device)
            head = self.model.get_output_embeddings()
            # A slice at a time: a batch's logits over the whole vocabulary take hundreds of MB.
            parts = [self._slice(head, states[i : i + HEAD_SLICE], wanted[i : i + HEAD_SLICE], top_k)
                     for i in range(0, len(targets), HEAD_SLICE)]  # fmt: skip
        logprobs = np.concatenate([p[0] for p in parts]).astype(np.float64)
        sizes = np.cumsum([len(item.targets) for item in batch])[:-1]
        if not top_k:
            return [(lp, None, None) for lp in np.split(logprobs, sizes)]
        top_ids = np.split(np.concatenate([p[1] for p in parts]), sizes)
        top_values = np.split(np.concatenate([p[2] for p in parts]), sizes)
        return list(zip(np.split(logprobs, sizes), top_ids, top_values, strict=True))

    def _slice(self, head: Any, states: Any, targets: Any, top_k: int) -> tuple[np.ndarray, ...]:
        logprobs = self.torch.log_softmax(head(states).float(), dim=-1)
        wanted = logprobs.gather(1, targets[:, None])[:, 0].cpu().numpy()
        if not top_k:
            return (wanted,)
        values, ids = logprobs.topk(min(top_k, logprobs.shape[-1]), dim=-1)
        return wanted, ids.cpu().numpy(), values.cpu().numpy()


def resolve_dtype(dtype: str, device: str) -> Any:
    """The torch dtype: "auto" is fp32 on a CPU and bf16 on a GPU that runs it natively.

    On a CPU fp32 is the default even where bf16 runs natively (AVX512-BF16, AMX): the risk
    model is fitted on fp32 scores, and bf16 moves a token's log-probability by up to 0.2 nats,
    so the same text would get another verdict on another machine. `dtype = "bf16"` opts in.
    """
    import torch

    require_device(device)
    named = {"bf16": torch.bfloat16, "bfloat16": torch.bfloat16, "fp32": torch.float32,
             "float32": torch.float32, "fp16": torch.float16, "float16": torch.float16}  # fmt: skip
    if dtype != "auto":
        if dtype not in named:
            raise ModelError(f"unknown dtype {dtype!r}; use auto, {', '.join(named)}")
        return named[dtype]
    if device.startswith("cuda"):
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float32
    return torch.float32


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """A token's span without the whitespace it carries in front."""
    start, end = max(0, start), max(0, end)
    while start < end and text[start].isspace():
        start += 1
    return start, end


def _word_surprisals(text: str, offsets: Sequence[tuple[int, int]],
                     logprobs: Sequence[float]) -> tuple[WordSurprisal, ...]:  # fmt: skip
    """Sum token surprisals per word; a token belongs to the word holding its last character."""
    spans = [m.span() for m in WORD_PATTERN.finditer(text)]
    totals = [0.0] * len(spans)
    counts = [0] * len(spans)
    word_at = {}
    for index, (start, end) in enumerate(spans):
        for char in range(start, end):
            word_at[char] = index
    for (start, end), logprob in zip(offsets, logprobs, strict=False):
        index = word_at.get(end - 1) if end > start else None
        if index is not None:
            totals[index] -= logprob / LN2
            counts[index] += 1
    return tuple(WordSurprisal(start, end, text[start:end], totals[i], counts[i])
                 for i, (start, end) in enumerate(spans))  # fmt: skip


def _commit_of(path: Path) -> str:
    """The hub snapshot folder name is its commit hash; a plain folder has none."""
    return path.name if path.parent.name == "snapshots" else ""


_LOADED: dict[tuple[Any, ...], CausalLM] = {}


def load_causal_lm(name: str, cache_dir: Path, dtype: str = "auto", device: str = "cpu", batch_size: int = 32,
                   engine: str = "auto", compute: str = "auto", threads: int | None = None) -> CausalLM:  # fmt: skip
    """The process-wide instance for these settings (loaded on first use)."""
    engine = choose_engine(engine, dtype, device)
    key = (name, engine, dtype, compute, device, str(Path(cache_dir).expanduser()))
    if key not in _LOADED:
        _LOADED[key] = CausalLM(name, Path(cache_dir).expanduser(), dtype, device, batch_size, engine, compute,
                                threads)  # fmt: skip
    return _LOADED[key]


def causal_lm_for(settings: Settings) -> CausalLM:
    """The process-wide LM that `settings` configure."""
    s = settings
    return load_causal_lm(s.lm, s.cache_dir, s.dtype, s.device, s.batch_size, s.lm_engine, s.lm_compute, s.threads)
