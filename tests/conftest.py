"""Fixtures shared by the test modules: a cache of the tests' own and pinned scoring settings.

A test that asserts a verdict must get the same one on every machine: `grammar = "auto"`
picks LanguageTool where a jar happens to be installed, and the cache directory holds parsed
lexicons and evaluation features that another mtqa version may have written. So such tests
pin the Harper backend and use `cache_dir` (the `pinned_settings` and `pinned_flags` fixtures).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mtqa.core.config import Settings, default_cache_dir
from mtqa.models.sources import LM_ALIASES, PROVENANCE_FILE


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An mtqa cache directory for this test session: nothing is written to the user's cache.

    The default LM's converted folder is a function of the pinned wheel alone (see
    `mtqa.models.sources`); when the user's cache holds a complete one, it is linked here
    read-only in effect (a complete folder is never rewritten), so the tests do not pay the
    conversion again. Otherwise the first test that loads the LM converts it here.
    """
    cache = tmp_path_factory.mktemp("mtqa-cache")
    user_cache = Path(os.environ.get("MTQA_CACHE_DIR") or default_cache_dir()).expanduser()
    folder = LM_ALIASES[Settings().lm].folder
    converted = user_cache / "models" / folder
    if (converted / PROVENANCE_FILE).is_file():
        (cache / "models").mkdir()
        (cache / "models" / folder).symlink_to(converted, target_is_directory=True)
    return cache


@pytest.fixture(scope="session")
def pinned_settings(cache_dir: Path) -> Settings:
    """Default settings with the grammar backend and the cache pinned (see the module's doc)."""
    return Settings(grammar="harper", cache_dir=cache_dir)


@pytest.fixture(scope="session")
def pinned_flags(cache_dir: Path) -> list[str]:
    """`pinned_settings` as `mtqa check` flags."""
    return ["--grammar", "harper", "--cache-dir", str(cache_dir)]
