"""Fixtures shared by the tests that run the CLI end to end on bad inputs and outputs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

ARTICLE = "The committee met on Tuesday. It approved the budget for 2024.\n"


@pytest.fixture
def checks_only(tmp_path: Path) -> Path:
    """A config that runs only the deterministic checks: the real pipeline, no models to load."""
    config = tmp_path / "mtqa.toml"
    config.write_text('fluency = "none"\ngrammar = "none"\ndrift = "none"\n', "utf-8")
    return config


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, "utf-8")
    return path


@pytest.fixture
def one_line_error(capsys: pytest.CaptureFixture[str]) -> Callable[[], str]:
    """Standard error so far, asserted to be one `mtqa: error:` line and no traceback."""
    def read() -> str:
        err = capsys.readouterr().err
        assert err.startswith("mtqa: error: ") and err.count("\n") == 1 and "Traceback" not in err, err
        return err

    return read
