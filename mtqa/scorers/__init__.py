"""Scorers, one dimension each, behind the `Scorer` interface of `base.py`.

Built-in scorers register themselves when their module is imported; `build_scorer`
imports them on demand so that `mtqa --help` does not pay for torch.
"""

from __future__ import annotations

import importlib

from mtqa.core.config import Settings
from mtqa.core.errors import ConfigError
from mtqa.scorers.base import Scorer, registered

BUILTIN_MODULES = {
    "fluency": "mtqa.scorers.fluency",
    "grammar": "mtqa.scorers.grammar",
    "drift": "mtqa.scorers.drift",
    "checks": "mtqa.scorers.checks",
}


def build_scorer(dimension: str, name: str, settings: Settings) -> Scorer:
    if dimension in BUILTIN_MODULES:
        importlib.import_module(BUILTIN_MODULES[dimension])
    factories = registered(dimension)
    if name not in factories:
        known = ", ".join(sorted(factories)) or "none"
        raise ConfigError(f"unknown {dimension} component {name!r}; known: {known}")
    return factories[name](settings)
