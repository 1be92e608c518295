"""A bounded memo (least recently used entries dropped first) for the models' and scorers' caches.

A batch run sees each text once or a few times close together (within a chunk), so a memo the
size of a few chunks saves all the repeated work while memory stays flat however long the run.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Memo(OrderedDict[K, V], Generic[K, V]):
    """A dict of at most `size` entries (None: unbounded); reading or writing an entry makes it
    the most recent, and the least recent is dropped when one more is stored."""

    def __init__(self, size: int | None) -> None:
        super().__init__()
        self.size = size

    def get_recent(self, key: K) -> V | None:
        """The entry for `key` (now the most recent), or None."""
        if key not in self:
            return None
        self.move_to_end(key)
        return self[key]

    def __setitem__(self, key: K, value: V) -> None:
        super().__setitem__(key, value)
        self.move_to_end(key)
        if self.size is not None:
            while len(self) > self.size:
                self.popitem(last=False)

    def resize(self, size: int | None) -> None:
        self.size = size
        if size is not None:
            while len(self) > size:
                self.popitem(last=False)
