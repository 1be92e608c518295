"""mtqa: per-sentence quality checks for machine translation and machine-rewritten text.

`mtqa.check(...)` is the Python entry point (`mtqa.api`); it is imported on first use, so that
importing a submodule (the CLI's `--help`, `mtqa rules`) does not load the pipeline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mtqa.core.version import __version__

if TYPE_CHECKING:
    from mtqa.api import check

__all__ = ["check", "__version__"]


def __getattr__(name: str) -> Any:
    if name == "check":
        from mtqa.api import check

        return check
    raise AttributeError(f"module 'mtqa' has no attribute {name!r}")
