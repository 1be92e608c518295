"""`--diff REV`: only files, and in them only segments, changed since a git revision.

Changes are taken against the merge base of REV and HEAD (what a pull request adds, not
what landed on the target branch meanwhile), from the working tree, so uncommitted and
untracked files count too.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from mtqa.core.documents import Document, Segment
from mtqa.core.errors import ConfigError, InputError
from mtqa.gate.policy import segment_lines

# None: the whole file is new.
ChangedLines = dict[Path, set[int] | None]
_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


def _git(*args: str, cwd: Path | None = None) -> str:
    try:
        done = subprocess.run(["git", "-c", "core.quotePath=false", *args], cwd=cwd,
                              capture_output=True, text=True, encoding="utf-8", check=False)
    except FileNotFoundError:
        raise ConfigError("--diff needs git, which is not installed") from None
    if done.returncode != 0:
        message = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"
        raise InputError(f"git {args[0]}: {message}")
    return done.stdout


def changed_lines(revision: str, cwd: Path | None = None) -> ChangedLines:
    """Changed lines per file (absolute paths) between the merge base of `revision` and HEAD
    and the working tree, plus untracked files."""
    root = Path(_git("rev-parse", "--show-toplevel", cwd=cwd).strip())
    try:
        base = _git("merge-base", revision, "HEAD", cwd=root).strip()
    except InputError:
        raise InputError(f"--diff {revision}: no common ancestor with HEAD; is the revision "
                         "fetched (in GitHub Actions: actions/checkout with fetch-depth: 0)?") from None
    changes: ChangedLines = {}
    current: Path | None = None
    for line in _git("diff", "--no-color", "--no-ext-diff", "-U0", base, "--", cwd=root).splitlines():
        if line.startswith("+++ "):
            name = line[4:]
            current = None if name == "/dev/null" else root / name.removeprefix("b/")
            if current is not None:
                changes.setdefault(current, set())
        elif current is not None and (hunk := _HUNK.match(line)):
            start, count = int(hunk.group(1)), int(hunk.group(2) or 1)
            lines = changes[current]
            if lines is not None:
                # A pure deletion (count 0) changes the text around line `start`.
                lines.update(range(start, start + count) if count else (max(start, 1),))
    for name in _git("diff", "--name-only", "--diff-filter=A", base, "--", cwd=root).splitlines():
        changes[root / name] = None
    for name in _git("ls-files", "--others", "--exclude-standard", cwd=root).splitlines():
        changes[root / name] = None
    return changes


@dataclass
class DiffSelection:
    """What `--diff` checks: the documents of changed files, whole, and in them the segments
    that `selects`. The other segments stay in their documents unscored, as the context the
    scorers read (drift's fit of a sentence to its document, consistency across a file), so
    a changed segment gets the numbers, and keeps the index, of a run over the whole file."""

    documents: list[Document]
    # id(document) -> its changed lines; None: every segment (a new file, standard input)
    lines: dict[int, set[int] | None] = field(default_factory=dict)

    def selects(self, segment: Segment) -> bool:
        """Whether `segment` is on a changed line (or in a new file) and so is reported."""
        return _touches(segment, self.lines.get(id(segment.document)))


def select_changed(documents: Iterable[Document], changes: ChangedLines) -> DiffSelection:
    """The documents of changed files and, in them, the segments on changed lines."""
    selection = DiffSelection([])
    for document in documents:
        path = Path(document.path)
        if not path.is_file():  # standard input or text: nothing to compare with
            lines = None
        elif path.resolve() in changes:
            lines = changes[path.resolve()]
        else:
            continue
        if lines is None or any(_touches(s, lines) for s in document.segments):
            selection.documents.append(document)
            selection.lines[id(document)] = lines
    return selection


def _touches(segment: Segment, lines: set[int] | None) -> bool:
    if lines is None:
        return True
    first, last = segment_lines(segment)
    return any(line in lines for line in range(first, last + 1))
