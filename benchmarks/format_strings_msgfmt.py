"""Agreement of mtqa's format-string check with `msgfmt --check-format` on real catalogues.

    python benchmarks/format_strings_msgfmt.py                     # Django and Sphinx from PyPI
    python benchmarks/format_strings_msgfmt.py --wheel x.whl --planted

For every PO catalogue in the projects' wheels (`pip download --no-deps`), compares per entry
the entries msgfmt (GNU gettext) rejects for their format strings with the entries where
mtqa's placeholder check (`checks/placeholder-*`, `checks/message-format-apostrophe`) gives a
critical finding. Prints entries checked, both, msgfmt only (mtqa misses) and mtqa only
(mtqa's false alarms against msgfmt), with up to `--show` examples of each. `--planted`
also plants the format-string errors of `PLANTS` into every entry they fit, so that the
comparison is not only on the few errors that released catalogues still hold.
Needs msgfmt on PATH (Debian: gettext).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from bisect import bisect_right
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mtqa.readers import read_inputs  # noqa: E402
from mtqa.readers.po import read_po_file  # noqa: E402
from mtqa.scorers.checks import ChecksScorer  # noqa: E402
from mtqa.scorers.checks.placeholders import PLACEHOLDERS  # noqa: E402

PROJECTS = ("django", "sphinx")
MSGFMT_LINE = re.compile(r"^[^:]+:(\d+): (.*)$")
# What msgfmt says about a format string (not about the header or plural syntax).
FORMAT_ERROR = re.compile(r"format specification|not a valid .* format string|doesn't exist in 'msgstr'")
RULES = {rule.id for rule in PLACEHOLDERS.rules}
# Planted errors (--planted): a regular expression on the msgstr and its replacement.
PLANTS = {
    "size changed": (r"%(\d+\$)?(-?\d*)(l?)d", r"%\1\2ll\3d"),
    "signedness changed": (r"%(\d+\$)?(\d*)d", r"%\1\2u"),
    "numbered beside unnumbered": (r"%s", r"%1$s"),
    "python conversion changed": (r"%\((\w+)\)s", r"%(\1)d"),
    "percent sign not doubled": (r"%%", r" %"),
}


def catalogues(wheel: Path, out: Path) -> list[Path]:
    with zipfile.ZipFile(wheel) as archive:
        names = [n for n in archive.namelist() if n.endswith(".po") and "/locale/" in n]
        archive.extractall(out, names)
    return [out / name for name in names]


def rejected_entries(path: Path, entry_starts: list[int]) -> set[int]:
    """Indices of the entries whose format strings msgfmt rejects."""
    checked = subprocess.run(["msgfmt", "--check-format", "-o", "/dev/null", str(path)], capture_output=True,
                             text=True)
    found = set()
    for line in checked.stderr.splitlines():
        match = MSGFMT_LINE.match(line)
        if match and FORMAT_ERROR.search(match[2]):
            found.add(bisect_right(entry_starts, int(match[1]) - 1) - 1)
    return found


def flagged_entries(path: Path, entry_starts: list[int]) -> tuple[set[int], int]:
    """(indices of the entries with a critical format-string finding, entries with format flags)."""
    [document] = read_inputs([str(path)])
    scorer = ChecksScorer(checks=[PLACEHOLDERS.name])  # as `mtqa check` runs it: empty targets skipped
    found, declared = set(), set()
    for segment in document.segments:
        entry = bisect_right(entry_starts, segment.line - 1) - 1
        if any(flag.endswith("-format") and not flag.startswith("no-") for flag in segment.meta.get("flags", ())):
            declared.add(entry)
        if any(i.severity == "critical" and i.rule in RULES for i in scorer.score_one(segment).issues):
            found.add(entry)
    return found, len(declared)


def planted_copy(path: Path, pattern: str, replacement: str, out: Path, number: int) -> Path:
    """`path` with the first match of `pattern` in every msgstr line replaced."""
    lines = path.read_text("utf-8").splitlines(keepends=True)
    planted = [re.sub(pattern, replacement, line, count=1) if line.startswith("msgstr") else line for line in lines]
    target = out / f"{number}-{path.name}"
    target.write_text("".join(planted), "utf-8")
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheel", action="append", type=Path, help="a wheel to read (default: PROJECTS from PyPI)")
    parser.add_argument("--planted", action="store_true", help="also compare on planted format-string errors")
    parser.add_argument("--show", type=int, default=3, help="examples shown per kind of disagreement")
    args = parser.parse_args()
    if shutil.which("msgfmt") is None:
        sys.exit("format_strings_msgfmt.py: msgfmt is not installed (Debian: apt-get install gettext)")
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        wheels = args.wheel or []
        if not wheels:
            subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
                            *PROJECTS, "-d", str(work)], check=True, capture_output=True)
            wheels = sorted(work.glob("*.whl"))
        paths = [p for wheel in wheels for p in catalogues(wheel, work / wheel.stem)]
        runs = {"released catalogues": paths}
        if args.planted:
            for kind, (pattern, replacement) in PLANTS.items():
                (work / kind).mkdir()
                runs[kind] = [planted_copy(p, pattern, replacement, work / kind, n) for n, p in enumerate(paths)]
        for name, files in runs.items():
            compare(name, files, args.show)
    return 0


def compare(name: str, paths: list[Path], show: int) -> None:
    totals = {"declared": 0, "both": 0, "msgfmt only": 0, "mtqa only": 0}
    examples: dict[str, list[str]] = {"msgfmt only": [], "mtqa only": []}
    for path in paths:
        po = read_po_file(str(path))
        starts = [entry.first_line for entry in po.entries]
        rejected = rejected_entries(path, starts)
        flagged, declared = flagged_entries(path, starts)
        totals["declared"] += declared
        totals["both"] += len(rejected & flagged)
        for kind, entries in (("msgfmt only", rejected - flagged), ("mtqa only", flagged - rejected)):
            totals[kind] += len(entries)
            for entry in sorted(entries)[:max(0, show - len(examples[kind]))]:
                found = po.entries[entry]
                examples[kind].append(f"{path.name}:{found.first_line + 1}: {found.msgid!r} -> {found.msgstr}")
    print(f"{name}: {len(paths)} catalogues, {totals['declared']} entries with format flags; rejected by both "
          f"{totals['both']}, msgfmt only {totals['msgfmt only']}, mtqa only {totals['mtqa only']}")
    for kind, lines in examples.items():
        for line in lines:
            print(f"  {kind}: {line}")


if __name__ == "__main__":
    sys.exit(main())
