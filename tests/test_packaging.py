"""What pyproject.toml promises: the Python floor the code keeps to, and a default install that
holds the whole product (the dashboard and the CTranslate2 engine included)."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
# Standard-library modules newer than Python 3.8, with the release that added them.
STDLIB_ADDED = {"zoneinfo": (3, 9), "graphlib": (3, 9), "tomllib": (3, 11)}


def floor() -> tuple[int, int]:
    match = re.fullmatch(r">=\s*(\d+)\.(\d+)", PROJECT["requires-python"].split("#")[0].strip())
    assert match, PROJECT["requires-python"]
    return int(match[1]), int(match[2])


def sources() -> list[Path]:
    return sorted(p for folder in ("mtqa", "scripts", "benchmarks") for p in (ROOT / folder).rglob("*.py"))


def test_code_parses_as_the_declared_floor() -> None:
    for path in sources():
        # feature_version rejects syntax newer than the floor (e.g. 3.12's `type` statements).
        ast.parse(path.read_text(encoding="utf-8"), str(path), feature_version=floor())


def test_no_standard_library_module_newer_than_the_floor() -> None:
    for path in sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else []  # fmt: skip
            for name in names:
                added = STDLIB_ADDED.get(name.split(".")[0])
                assert added is None or added <= floor(), f"{path}: imports {name} (Python {added}) below the floor"


def test_default_install_holds_the_dashboard_and_the_engine() -> None:
    required = {re.split(r"[<>=!~\[ ]", d)[0].lower() for d in PROJECT["dependencies"]}
    assert {"streamlit", "plotly", "pandas"} <= required  # `mtqa dashboard` works after the quick start
    assert {"ctranslate2", "tokenizers"} <= required


def test_setup_asks_for_torch_cpu_build_as_an_extra_index() -> None:
    setup = (ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8")
    workflow = (ROOT / ".github" / "workflows" / "mtqa.yml").read_text(encoding="utf-8")
    for text in (setup, workflow):
        assert "--extra-index-url" in text and "download.pytorch.org/whl/cpu" in text
        assert "--index-url" not in text.replace("--extra-index-url", "")  # never the CPU index alone
