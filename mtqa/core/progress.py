"""A progress bar on standard error, only for long runs on a terminal (quiet by default)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

# Below this many segments a run is short enough to need no bar.
MIN_SEGMENTS = 200


@contextmanager
def progress_bar(total: int, enabled: bool = True, unit: str = "seg") -> Iterator[Callable[[int], None]]:
    if not (enabled and total >= MIN_SEGMENTS and sys.stderr.isatty()):
        yield lambda n: None
        return
    from tqdm import tqdm

    with tqdm(total=total, unit=unit, file=sys.stderr, dynamic_ncols=True, leave=False) as bar:
        yield bar.update
