"""Threads for the models: the `threads` setting for torch, and the one thread a CTranslate2
model lives on.

torch keeps one intra-op thread pool per process and is imported only by the models that run
on it, so the setting is remembered and applied on that import.

A CTranslate2 model is ~8x slower (CPU time) once the thread that loaded it has ended, which
is what happens when scorers are built in a thread pool or a Streamlit rerun uses a model an
earlier rerun loaded. `ModelThread` loads the model and runs every call on one long-lived
thread of its own, whichever thread asks.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
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


class ModelThread:
    """One thread that a model is loaded on and called on; calls wait for their result."""

    def __init__(self, name: str) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)

    def run(self, function: Callable[..., T], *args: object, **kwargs: object) -> T:
        return self._executor.submit(function, *args, **kwargs).result()
