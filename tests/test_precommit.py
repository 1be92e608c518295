"""The pre-commit hook, run by the real pre-commit in a temporary git repository.

`pre-commit try-repo` would install mtqa into a fresh virtualenv with all its dependencies
(torch among them: gigabytes, and the default torch wheel is a CUDA build), so the test runs
the hook defined in `.pre-commit-hooks.yaml` unchanged (id, entry, files, types,
require_serial) as a `language: system` hook that uses the mtqa of this checkout.
pre-commit still does everything else: picks the staged files by `files`/`types`, passes
them to the entry and turns the exit code into Passed/Failed.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from pre_commit.clientlib import load_manifest

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / ".pre-commit-hooks.yaml"
SAMPLE = ROOT / "fixtures" / "spun_news_article.txt"


def test_manifest_is_valid_for_pre_commit():
    [hook] = load_manifest(str(MANIFEST))
    assert hook["id"] == "mtqa" and hook["entry"].startswith("mtqa check")
    assert hook["require_serial"] and hook["pass_filenames"]
    assert hook["language"] == "python"


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.mark.slow
def test_hook_fails_on_a_bad_staged_translation(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "t@example.org")
    git(repo, "config", "user.name", "t")
    [hook] = yaml.safe_load(MANIFEST.read_text("utf-8"))
    local_hook = {**hook, "language": "system", "args": ["--fail-on", "review"]}
    del local_hook["minimum_pre_commit_version"]
    config = {"repos": [{"repo": "local", "hooks": [local_hook]}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), "utf-8")
    shutil.copy(SAMPLE, repo / "spun.txt")
    (repo / "notes.py").write_text("print('not a translation')\n", "utf-8")
    git(repo, "add", ".")

    # `mtqa` on PATH runs this checkout, as an installed console script would.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "mtqa"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m mtqa "$@"\n', "utf-8")
    shim.chmod(shim.stat().st_mode | stat.S_IEXEC)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
           "PYTHONPATH": str(ROOT), "PRE_COMMIT_HOME": str(tmp_path / "cache"), "HF_HUB_OFFLINE": "1"}
    done = subprocess.run([sys.executable, "-m", "pre_commit", "run"], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=600)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "mtqa (translation quality)" in output and "Failed" in output
    assert "spun.txt" in output and "notes.py" not in output  # files/types picked the text file only
    assert "- exit code: 1" in output and "Traceback" not in output
    # the hook's output is mtqa's text report: flagged segments, the file's summary, the signature
    assert "spun.txt: " in output and " segments scored: " in output and "signature: " in output
