"""A causal language model that scores text: per-token log-probabilities and word surprisals.

One `CausalLM` is loaded per (model, dtype, device, cache) in a process (`load_causal_lm`), and
it memoises every (context, text) it has scored, so the fluency and drift scorers share both
the weights and the work.

Text is scored as the start of a document: after the model's document separator (for
SmolLM2 `<|endoftext|>`, not the chat BOS `<|im_start|>`), or after `context` when one is given.
"""

from __future__ import annotations

import math
import re
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from mtqa.core.errors import ModelError
from mtqa.models.device import require_device
from mtqa.models.sources import lm_prefix_token, lm_provenance, resolve_lm

# Words for word-level surprisal: letters/digits, with inner apostrophes and hyphens.
WORD_PATTERN = re.compile(r"\w+(?:['’-]\w+)*")
# Longest input the model sees; a longer context is cut from the left, a longer text at the end.
MAX_TOKENS = 1024
# Token positions sent through the vocabulary head at once (bounds the logits' memory).
HEAD_SLICE = 256
MEMO_SIZE = 50_000
LN2 = math.log(2)


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

    @property
    def n_tokens(self) -> int:
        return len(self.logprobs)

    @property
    def logprob(self) -> float:
        return float(sum(self.logprobs))

    @property
    def mean_logprob(self) -> float:
        return self.logprob / self.n_tokens if self.logprobs else 0.0


def resolve_dtype(dtype: str, device: str) -> torch.dtype:
    """"auto" is fp32 on a CPU and bf16 on a GPU that runs it natively.

    On a CPU fp32 is the default even where bf16 runs natively (AVX512-BF16, AMX): the risk
    model is fitted on fp32 scores, and bf16 moves a token's log-probability by up to 0.2 nats,
    so the same text would get another verdict on another machine. `dtype = "bf16"` opts in.
    """
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


class CausalLM:
    """Scores texts with a causal LM; results are memoised per (context, text)."""

    def __init__(self, name: str, cache_dir: Path, dtype: str = "auto", device: str = "cpu",
                 batch_size: int = 32) -> None:  # fmt: skip
        from transformers import AutoModelForCausalLM, AutoTokenizer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # quiet by default: no "Loading weights" bar

        self.name = name
        self.device = device
        self.batch_size = batch_size
        self.torch_dtype = resolve_dtype(dtype, device)
        self.path = resolve_lm(name, cache_dir)
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(self.path)
            self.model = AutoModelForCausalLM.from_pretrained(self.path, dtype=self.torch_dtype)
        except Exception as exc:  # transformers raises many kinds; all mean "cannot load"
            raise ModelError(f"{self.path}: cannot load causal LM: {exc}") from None
        if not self.tokenizer.is_fast:
            raise ModelError(f"{self.path}: needs a fast tokenizer (for character offsets)")
        self.model.to(device).eval()
        self.separator = lm_prefix_token(name) or self.tokenizer.bos_token or self.tokenizer.eos_token
        self.separator_id = self.tokenizer.convert_tokens_to_ids(self.separator)
        if self.separator is None or self.separator_id is None:
            raise ModelError(f"{self.path}: the tokenizer has no bos or eos token to score after")
        self._memo: OrderedDict[tuple[str | None, str], TokenScores] = OrderedDict()
        self.memo_hits = 0

    def signature(self) -> dict[str, Any]:
        provenance = lm_provenance(self.path)
        return {
            "lm": self.name,
            "lm_revision": provenance.get("gguf_sha256", "")[:12] or _commit_of(self.path),
            "lm_dtype": str(self.torch_dtype).removeprefix("torch."),
            "lm_prefix": self.separator,
        }

    def score(self, texts: Sequence[str],
              contexts: Sequence[str | None] | None = None) -> list[TokenScores]:  # fmt: skip
        """Token log-probabilities of each text (after its context, if any), in input order."""
        if contexts is None:
            contexts = [None] * len(texts)
        if len(contexts) != len(texts):
            raise ValueError("score() needs one context per text")
        keys = [(context or None, text) for context, text in zip(contexts, texts)]
        missing = list(dict.fromkeys(key for key in keys if key not in self._memo))
        self.memo_hits += sum(1 for key in keys if key in self._memo)
        for key, scores in zip(missing, self._score_uncached(missing)):
            self._remember(key, scores)
        return [self._memo[key] for key in keys]

    def remember(self, scores: dict[tuple[str | None, str], TokenScores]) -> None:
        """Seed the memo with scores computed earlier (`mtqa eval` keeps them on disk)."""
        for key, value in scores.items():
            self._remember(key, value)

    def memo_items(self) -> dict[tuple[str | None, str], TokenScores]:
        return dict(self._memo)

    def _remember(self, key: tuple[str | None, str], scores: TokenScores) -> None:
        self._memo[key] = scores
        if len(self._memo) > MEMO_SIZE:
            self._memo.popitem(last=False)

    def _score_uncached(self, keys: list[tuple[str | None, str]]) -> list[TokenScores]:
        encoded = [self._encode(context, text) for context, text in keys]
        results: list[TokenScores | None] = [None] * len(keys)
        # Similar lengths share a batch, so little compute goes to padding.
        order = sorted(range(len(keys)), key=lambda i: len(encoded[i].ids))
        for begin in range(0, len(order), self.batch_size):
            batch = order[begin : begin + self.batch_size]
            logprobs = self._forward([encoded[i] for i in batch])
            for i, row in zip(batch, logprobs):
                results[i] = encoded[i].scores(keys[i], row)
        return [r for r in results if r is not None]

    def _encode(self, context: str | None, text: str) -> _Encoded:
        # After a context the text is a continuation, so its first word carries its space.
        lead = " " if context else ""
        piece = self.tokenizer(lead + text, add_special_tokens=False, return_offsets_mapping=True)
        text_ids = piece["input_ids"][: MAX_TOKENS - 1]
        offsets = [_trim(text, start - len(lead), end - len(lead))
                   for start, end in piece["offset_mapping"][: len(text_ids)]]  # fmt: skip
        context_ids: list[int] = []
        if context:
            context_ids = self.tokenizer(context, add_special_tokens=False)["input_ids"]
            context_ids = context_ids[max(0, len(context_ids) - (MAX_TOKENS - 1 - len(text_ids))) :]
        tokens = tuple(self.tokenizer.convert_ids_to_tokens(text_ids))
        return _Encoded([self.separator_id, *context_ids, *text_ids], 1 + len(context_ids),
                        tokens, offsets, self.separator_id)  # fmt: skip

    @torch.inference_mode()
    def _forward(self, batch: list[_Encoded]) -> list[torch.Tensor]:
        """Per item: log p of each text token, then of the separator after the text."""
        width = max(len(item.ids) for item in batch)
        ids = torch.zeros(len(batch), width, dtype=torch.long)
        mask = torch.zeros(len(batch), width, dtype=torch.long)
        for row, item in enumerate(batch):  # right padding: positions of real tokens unchanged
            ids[row, : len(item.ids)] = torch.tensor(item.ids)
            mask[row, : len(item.ids)] = 1
        hidden = self.model.base_model(input_ids=ids.to(self.device),
                                       attention_mask=mask.to(self.device), use_cache=False).last_hidden_state  # fmt: skip
        # Only positions that predict a text token or the end go through the vocabulary head.
        rows, positions, targets = [], [], []
        for row, item in enumerate(batch):
            predicted = [*item.ids[item.text_start :], item.end_id]
            rows += [row] * len(predicted)
            positions += range(item.text_start - 1, item.text_start - 1 + len(predicted))
            targets += predicted
        # Through the head a slice at a time: a batch's logits over the whole vocabulary would
        # take hundreds of MB (32 sentences x 60 tokens x 49,152 entries x 4 bytes, twice).
        states, wanted = hidden[rows, positions], torch.tensor(targets, device=hidden.device)
        head = self.model.get_output_embeddings()
        logprobs = torch.cat([self._token_logprobs(head, states[i : i + HEAD_SLICE], wanted[i : i + HEAD_SLICE])
                              for i in range(0, len(targets), HEAD_SLICE)]).cpu()
        sizes = [len(item.ids) - item.text_start + 1 for item in batch]
        return list(torch.split(logprobs, sizes))


    @staticmethod
    def _token_logprobs(head: torch.nn.Module, states: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        logits = head(states).float()
        return logits.gather(1, targets[:, None])[:, 0] - torch.logsumexp(logits, dim=-1)


@dataclass
class _Encoded:
    ids: list[int]
    text_start: int  # index in `ids` of the first token of the text
    tokens: tuple[str, ...]
    offsets: list[tuple[int, int]]
    end_id: int

    def scores(self, key: tuple[str | None, str], logprobs: torch.Tensor) -> TokenScores:
        context, text = key
        values = logprobs.tolist()
        token_logprobs = tuple(values[:-1])
        return TokenScores(text, context, self.tokens, tuple(self.offsets), token_logprobs,
                           values[-1], _word_surprisals(text, self.offsets, token_logprobs))  # fmt: skip


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
    for (start, end), logprob in zip(offsets, logprobs):
        index = word_at.get(end - 1) if end > start else None
        if index is not None:
            totals[index] -= logprob / LN2
            counts[index] += 1
    return tuple(WordSurprisal(start, end, text[start:end], totals[i], counts[i])
                 for i, (start, end) in enumerate(spans))  # fmt: skip


def _commit_of(path: Path) -> str:
    """The hub snapshot folder name is its commit hash; a plain folder has none."""
    return path.name if path.parent.name == "snapshots" else ""


_LOADED: dict[tuple[str, str, str, str], CausalLM] = {}


def load_causal_lm(name: str, cache_dir: Path, dtype: str = "auto", device: str = "cpu",
                   batch_size: int = 32) -> CausalLM:  # fmt: skip
    """The process-wide instance for these settings (loaded on first use)."""
    key = (name, str(resolve_dtype(dtype, device)), device, str(Path(cache_dir).expanduser()))
    if key not in _LOADED:
        _LOADED[key] = CausalLM(name, Path(cache_dir).expanduser(), dtype, device, batch_size)
    return _LOADED[key]
