"""The pre-commit hook, run by the real pre-commit in a temporary git repository.

`pre-commit try-repo` would install mtqa into a fresh virtualenv with all its dependencies
(torch among them: gigabytes, and the default torch wheel is a CUDA build), so the tests run
the hook defined in `.pre-commit-hooks.yaml` unchanged (id, entry, its file selection,
require_serial) as a `language: system` hook that uses the mtqa of this checkout.
pre-commit still does everything else: picks the staged files, passes them to the entry and
turns the exit code into Passed/Failed."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from pre_commit.clientlib import load_manifest

from mtqa.cli import main
from mtqa.readers import known_extensions
from mtqa.readers.base import reader_for_path

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / ".pre-commit-hooks.yaml"
FIXTURES = ROOT / "fixtures"
SAMPLE = FIXTURES / "spun_news_article.txt"


def test_manifest_is_valid_for_pre_commit():
    [hook] = load_manifest(str(MANIFEST))
    assert hook["id"] == "mtqa" and hook["entry"].startswith("mtqa check")
    assert hook["require_serial"] and hook["pass_filenames"]
    assert hook["language"] == "python"


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def run_hook(tmp_path: Path, files: dict[str, bytes], args: list[str]) -> subprocess.CompletedProcess:
    """Stage `files` in a new repository and run the manifest's hook on them with the real
    pre-commit, `args` appended to its entry; `mtqa` on PATH runs this checkout."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "t@example.org")
    git(repo, "config", "user.name", "t")
    [hook] = yaml.safe_load(MANIFEST.read_text("utf-8"))
    local_hook = {**hook, "language": "system", "args": args}
    del local_hook["minimum_pre_commit_version"]
    config = {"repos": [{"repo": "local", "hooks": [local_hook]}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), "utf-8")
    for name, content in files.items():
        (repo / name).write_bytes(content)
    git(repo, "add", ".")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "mtqa"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m mtqa "$@"\n', "utf-8")
    shim.chmod(shim.stat().st_mode | stat.S_IEXEC)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
           "PYTHONPATH": str(ROOT), "PRE_COMMIT_HOME": str(tmp_path / "cache"), "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "pre_commit", "run"], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=600)


# A file of each format mtqa reads, by reader format name.
SAMPLE_OF_FORMAT = {
    "txt": b"The council approved the budget. Prices rose in the spring.\n",
    "md": (FIXTURES / "readers" / "article.md").read_bytes(),
    "tsv": (FIXTURES / "readers" / "rows.tsv").read_bytes(),
    "csv": (FIXTURES / "readers" / "rows.csv").read_bytes(),
    "jsonl": (FIXTURES / "readers" / "rows.jsonl").read_bytes(),
    "xliff": (FIXTURES / "l10n" / "okapi_en_fr.xlf").read_bytes(),
    "tmx": (FIXTURES / "l10n" / "memory_en_es.tmx").read_bytes(),
    "po": (FIXTURES / "l10n" / "messages_de.po").read_bytes(),
}
CHECKS_ONLY = ["--use", "fluency=none", "--use", "drift=none", "--grammar", "none"]


def test_the_hook_passes_mtqa_every_format_it_reads_and_nothing_else(tmp_path):
    """Every extension in the readers' registry reaches mtqa through the hook (a UTF-16 file,
    which identify calls binary, too); a Python file and an image do not get checked."""
    files = {}
    for extension in known_extensions():
        reader_format = reader_for_path(f"x{extension}").format
        assert reader_format in SAMPLE_OF_FORMAT, f"add a sample of {reader_format} ({extension}) for this test"
        files[f"sample{extension}"] = SAMPLE_OF_FORMAT[reader_format]
    utf16 = files["sample.sdlxliff"].decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    files["sample.sdlxliff"] = utf16.encode("utf-16")
    files["notes.py"] = b"print('not a translation')\n"
    files["logo.png"] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
    report = tmp_path / "report.json"
    done = run_hook(tmp_path, files, [*CHECKS_ONLY, "-f", "json", "-o", str(report), "--fail-on", "never"])
    assert done.returncode == 0, done.stdout + done.stderr
    checked = {entry["file"] for entry in json.loads(report.read_text("utf-8"))["files"]}
    assert checked == {name for name in files if name not in ("notes.py", "logo.png")}
    assert {".xlf", ".xliff", ".sdlxliff", ".mxliff", ".tmx", ".po", ".pot"} <= set(known_extensions())


def test_skip_unknown_checks_nothing_when_no_file_is_readable(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.py").write_text("print('hi')\n", "utf-8")
    assert main(["check", "notes.py", "--no-progress"]) == 2  # named explicitly: an error
    assert "unknown format '.py'" in capsys.readouterr().err
    assert main(["check", "notes.py", "--no-progress", "--skip-unknown"]) == 0
    assert "nothing to check" in capsys.readouterr().err
    assert main(["check", "missing.txt", "--no-progress", "--skip-unknown"]) == 2  # missing still fails
    assert "missing.txt: no such file" in capsys.readouterr().err


@pytest.mark.slow
def test_hook_fails_on_a_bad_staged_translation(tmp_path):
    done = run_hook(tmp_path, {"spun.txt": SAMPLE.read_bytes(), "notes.py": b"print('not a translation')\n"},
                    ["--fail-on", "review"])
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "mtqa (translation quality)" in output and "Failed" in output
    assert "spun.txt" in output and "notes.py" not in output  # mtqa checked the text file only
    assert "- exit code: 1" in output and "Traceback" not in output
    # the hook's output is mtqa's text report: flagged segments, the file's summary, the signature
    assert "spun.txt: " in output and " segments scored: " in output and "signature: " in output
