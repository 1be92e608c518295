"""Sentence embeddings: one sentence-transformers model per process, vectors memoised per text.

sentence-transformers (and torch) are imported on first use so that `import mtqa` stays fast.
The hub is switched to offline mode before the import: mtqa never downloads weights.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from mtqa.core.errors import ModelError
from mtqa.models.device import require_device

_EMBEDDERS: dict[tuple[str, str], SentenceEmbedder] = {}


class SentenceEmbedder:
    """Unit-length sentence vectors from a sentence-transformers model, so dot product = cosine."""

    def __init__(self, name: str, device: str = "cpu", batch_size: int = 32) -> None:
        from mtqa.models.sources import resolve_embedder

        self.name = name
        self.path = resolve_embedder(name)
        self.device = device
        self.batch_size = batch_size
        self._model: Any = None
        self._cache: dict[str, np.ndarray] = {}

    def _load(self) -> Any:
        if self._model is None:
            require_device(self.device)
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as transformers_logging

            transformers_logging.disable_progress_bar()  # no "Loading weights" bar on stderr

            try:
                self._model = SentenceTransformer(self.path, device=self.device)
            except (OSError, ValueError) as exc:
                message = f"cannot load sentence embedder {self.name!r} ({self.path}): {exc}"
                raise ModelError(message) from None
        return self._model

    @property
    def dimension(self) -> int:
        return len(self.encode([""])[0])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings of `texts`, shape (len(texts), dimension), each row of unit length."""
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            # Sorting by length keeps padding, hence wasted compute, low within a batch.
            missing.sort(key=len)
            vectors = self._load().encode(
                missing,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
            self._cache.update(zip(missing, vectors.astype(np.float32)))
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])

    def remember(self, vectors: dict[str, np.ndarray]) -> None:
        """Seed the memo with vectors computed earlier (`mtqa eval` keeps them on disk)."""
        self._cache.update(vectors)

    def memo_items(self) -> dict[str, np.ndarray]:
        return dict(self._cache)

    def similarity(self, first: Sequence[str], second: Sequence[str]) -> np.ndarray:
        """Cosine similarity of each `first[i]` with `second[i]`."""
        return np.einsum("ij,ij->i", self.encode(first), self.encode(second))

    def signature(self) -> dict[str, Any]:
        return {"embedder": self.name}


def get_embedder(name: str, device: str = "cpu", batch_size: int = 32) -> SentenceEmbedder:
    """The process-wide embedder for `name` on `device` (loaded once, shared by all scorers)."""
    key = (name, device)
    if key not in _EMBEDDERS:
        _EMBEDDERS[key] = SentenceEmbedder(name, device=device, batch_size=batch_size)
    return _EMBEDDERS[key]
