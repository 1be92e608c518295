"""mtqa: per-sentence quality checks for machine translation and machine-rewritten text."""

from __future__ import annotations

from mtqa.api import check
from mtqa.core.version import __version__

__all__ = ["check", "__version__"]
