"""Sentence embeddings: one embedder per model per process, vectors memoised per text.

A sentence-transformers model that is a BERT encoder with mean pooling and normalisation (the
default all-MiniLM-L6-v2 is one) runs on CTranslate2: converted once into
`<cache_dir>/models/<name>-ct2/` (conversion needs torch and transformers; running does not),
tokenised by the `tokenizers` library, mean-pooled and normalised here; its vectors equal
sentence-transformers' to about 1e-6. Any other model, or `lm_engine = "torch"`, or a GPU runs
on sentence-transformers. Heavy libraries are imported on first use, so `import mtqa` stays
fast; the hub is switched to offline mode first: mtqa never downloads weights.
"""

from __future__ import annotations

import importlib.util
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from mtqa.core.config import Settings, default_cache_dir
from mtqa.core.errors import ModelError
from mtqa.models.device import require_device
from mtqa.models.memo import Memo
from mtqa.models.threads import ModelThread

# Sentence vectors kept (1.5 KB each for 384 dimensions): a few chunks' worth of a batch run.
MEMO_SIZE = 8192

_EMBEDDERS: dict[tuple[str, str, str, str], SentenceEmbedder] = {}


class SentenceEmbedder:
    """Unit-length sentence vectors from a sentence-transformers model, so dot product = cosine."""

    def __init__(self, name: str, device: str = "cpu", batch_size: int = 32, cache_dir: Path | None = None,
                 engine: str = "auto", threads: int | None = None) -> None:  # fmt: skip
        from mtqa.models.sources import resolve_embedder

        self.name = name
        self.path = resolve_embedder(name)
        self.device = device
        self.batch_size = batch_size
        self.threads = threads
        self.cache_dir = Path(cache_dir or default_cache_dir()).expanduser()
        self.engine = "ctranslate2" if engine != "torch" and device == "cpu" and _runs_on_ctranslate2(self.path) \
            else "torch"  # fmt: skip
        self._model: Any = None
        # `mtqa eval` lifts the bound (memo.resize(None)) to keep a whole data set's vectors.
        self.memo: Memo[str, np.ndarray] = Memo(MEMO_SIZE)

    def _load(self) -> Any:
        if self._model is None:
            self._model = _CTranslate2Encoder(self) if self.engine == "ctranslate2" else self._sentence_transformer()
        return self._model

    def _sentence_transformer(self) -> Any:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from mtqa.models.threads import import_torch

            import_torch()
            require_device(self.device)
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as transformers_logging
        except ImportError:
            raise ModelError(
                f"embedder {self.name!r} needs sentence-transformers: pip install sentence-transformers"
            ) from None
        transformers_logging.disable_progress_bar()  # no "Loading weights" bar on stderr
        try:
            return SentenceTransformer(self.path, device=self.device)
        except (OSError, ValueError) as exc:
            raise ModelError(f"cannot load sentence embedder {self.name!r} ({self.path}): {exc}") from None

    @property
    def dimension(self) -> int:
        return len(self.encode([""])[0])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings of `texts`, shape (len(texts), dimension), each row of unit length."""
        found = {t: v for t in dict.fromkeys(texts) if (v := self.memo.get_recent(t)) is not None}
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            # Sorting by length keeps padding, hence wasted compute, low within a batch.
            missing.sort(key=len)
            vectors = self._load().encode(missing, batch_size=self.batch_size, normalize_embeddings=True,
                                          convert_to_numpy=True, show_progress_bar=False)  # fmt: skip
            fresh = dict(zip(missing, vectors.astype(np.float32), strict=True))
            self.memo.update(fresh)
            found.update(fresh)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([found[t] for t in texts])

    def remember(self, vectors: dict[str, np.ndarray]) -> None:
        """Seed the memo with vectors computed earlier (`mtqa eval` keeps them on disk)."""
        self.memo.update(vectors)

    def memo_items(self) -> dict[str, np.ndarray]:
        return dict(self.memo)

    def similarity(self, first: Sequence[str], second: Sequence[str]) -> np.ndarray:
        """Cosine similarity of each `first[i]` with `second[i]`."""
        return np.einsum("ij,ij->i", self.encode(first), self.encode(second))

    def signature(self) -> dict[str, Any]:
        # The engines agree to ~1e-6 (tests/test_drift.py), so results stay comparable across them.
        return {"embedder": self.name}


def _runs_on_ctranslate2(path: str) -> bool:
    """A BERT encoder followed by mean pooling and normalisation, and ctranslate2 installed."""
    folder = Path(path)
    try:
        modules = [m["type"].rsplit(".", 1)[-1] for m in json.loads((folder / "modules.json").read_text("utf-8"))]
        pooling = json.loads((folder / "1_Pooling" / "config.json").read_text("utf-8"))
        model_type = json.loads((folder / "config.json").read_text("utf-8")).get("model_type")
    except (OSError, ValueError, KeyError, TypeError):
        return False
    mean_only = pooling.get("pooling_mode_mean_tokens") and not any(
        value for key, value in pooling.items() if key.startswith("pooling_mode_") and key != "pooling_mode_mean_tokens"
    )
    return (modules == ["Transformer", "Pooling", "Normalize"] and bool(mean_only) and model_type == "bert"
            and (folder / "tokenizer.json").is_file()
            and importlib.util.find_spec("ctranslate2") is not None)  # fmt: skip


class _CTranslate2Encoder:
    """What sentence-transformers computes for such a model: tokens (truncated to the model's
    max_seq_length), the encoder's last hidden states averaged over the tokens, unit length."""

    def __init__(self, embedder: SentenceEmbedder) -> None:
        import ctranslate2
        from tokenizers import Tokenizer

        from mtqa.models.sources import resolve_ct2_encoder

        path = resolve_ct2_encoder(embedder.name, embedder.path, embedder.cache_dir)
        config = json.loads((Path(embedder.path) / "sentence_bert_config.json").read_text("utf-8")) \
            if (Path(embedder.path) / "sentence_bert_config.json").is_file() else {}  # fmt: skip
        self.tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(int(config.get("max_seq_length") or 512))
        self.thread = ModelThread("mtqa-embedder")
        try:
            self.encoder = self.thread.run(ctranslate2.Encoder, str(path),
                                           intra_threads=embedder.threads or os.cpu_count() or 1)
        except (RuntimeError, ValueError, OSError) as exc:
            raise ModelError(f"{path}: cannot load the embedder on CTranslate2: {exc}") from None

    def encode(self, texts: Sequence[str], batch_size: int, **_: Any) -> np.ndarray:
        vectors = []
        for begin in range(0, len(texts), batch_size):
            encodings = self.tokenizer.encode_batch(list(texts[begin : begin + batch_size]))
            output = self.thread.run(self.encoder.forward_batch, [e.tokens for e in encodings])
            hidden = np.asarray(output.last_hidden_state)
            for row, encoding in enumerate(encodings):
                mean = hidden[row, : len(encoding.ids)].mean(axis=0)
                vectors.append(mean / max(float(np.linalg.norm(mean)), 1e-12))
        return np.asarray(vectors, dtype=np.float32)


def get_embedder(name: str, device: str = "cpu", batch_size: int = 32, cache_dir: Path | None = None,
                 engine: str = "auto", threads: int | None = None) -> SentenceEmbedder:  # fmt: skip
    """The process-wide embedder for `name` on `device` (loaded once, shared by all scorers)."""
    cache = str(Path(cache_dir or default_cache_dir()).expanduser())
    key = (name, device, cache, "torch" if engine == "torch" else "auto")
    if key not in _EMBEDDERS:
        _EMBEDDERS[key] = SentenceEmbedder(name, device, batch_size, Path(cache), engine, threads)
    return _EMBEDDERS[key]


def embedder_for(settings: Settings, name: str | None = None) -> SentenceEmbedder:
    """The process-wide embedder `name` (default: `settings.embedder`) as `settings` configure it."""
    s = settings
    return get_embedder(name or s.embedder, s.device, s.batch_size, s.cache_dir, s.lm_engine, s.threads)
