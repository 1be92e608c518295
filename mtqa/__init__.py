"""mtqa: per-sentence quality checks for machine translation and machine-rewritten text."""

from __future__ import annotations

__version__ = "0.1.0"

from mtqa.api import check  # noqa: E402  (needs __version__ defined first)

__all__ = ["check", "__version__"]
