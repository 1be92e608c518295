"""The `threads` setting for torch, which keeps one intra-op thread pool per process.

CTranslate2 takes its thread count when a model loads (`mtqa.models.lm`); torch is imported
only by the models that run on it, so the setting is remembered and applied on that import.
"""

from __future__ import annotations

import sys

_threads: int | None = None


def set_torch_threads(threads: int | None) -> None:
    """Use `threads` intra-op threads in torch, now if it is imported, else when it is."""
    global _threads
    _threads = threads or _threads
    if _threads and "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(_threads)


def import_torch():  # returns the torch module (annotating it would import torch)
    """`import torch`, with the thread count set (ImportError when torch is not installed)."""
    import torch

    set_torch_threads(None)
    return torch
