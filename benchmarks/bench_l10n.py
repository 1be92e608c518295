"""False alarms and recall of `mtqa check` on a real project's gettext catalogues.

    python benchmarks/bench_l10n.py                              # Django, 12 languages
    python benchmarks/bench_l10n.py --project sphinx --languages de,fr,ja,ru
    python benchmarks/bench_l10n.py --wheel dist/x.whl --include locale/

Downloads the project's wheel from PyPI (`pip download --no-deps PROJECT`, or `--wheel`), reads
its catalogues `.../locale/<language>/LC_MESSAGES/*.po` (for Django: `django/conf/locale` and
`django/contrib/admin/locale`), writes copies of them in which one kind of error is planted in
every entry it fits, and runs `mtqa check` once over the originals and the copies. Prints per
language:

- the share of translated entries (non-empty msgstr, not fuzzy) whose verdict is not `ok`:
  false alarms, as the catalogues are professionally maintained (goal <= 2%);
- recall per kind of planted error: the share of planted copies flagged, counting only entries
  whose original is `ok` (goal >= 95%): placeholder renamed, dropped or added; a number
  changed; the target left as the source; an inline (markup) tag dropped.

The plants are made with mtqa's own placeholder reader (`mtqa.text.placeholders`), so what
counts as a placeholder is what mtqa checks; `--why` prints the reasons behind false alarms.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mtqa.cli import main as mtqa_main  # noqa: E402
from mtqa.readers.po import PoEntry, few_count_forms, read_po_file  # noqa: E402
from mtqa.scorers.checks.tags import markup_tags  # noqa: E402
from mtqa.text.language import prose_words  # noqa: E402
from mtqa.text.numbers import numbers_in  # noqa: E402
from mtqa.text.placeholders import SYNTAXES, detect_syntaxes, placeholders_in, syntaxes_of_flags  # noqa: E402

LANGUAGES = ("de", "fr", "es", "ja", "zh_Hans", "ru", "ar", "pt_BR", "ko", "pl", "it", "nl")
PROJECT_PATHS = {"django": ("django/conf/locale/", "django/contrib/admin/locale/")}
KINDS = ("placeholder renamed", "placeholder dropped", "placeholder added", "number changed",
         "target left as source", "tag dropped")


def wheel_of(project: str, folder: Path) -> Path:
    found = sorted(folder.glob(f"{project.replace('-', '_')}-*.whl")) + sorted(folder.glob(f"{project}-*.whl"))
    if not found:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:", project,
                        "-d", str(folder)], check=True, capture_output=True)
        found = sorted(folder.glob("*.whl"))
    return found[-1]


def catalogues(wheel: Path, include: tuple[str, ...], languages: tuple[str, ...], out: Path) -> dict[str, list[Path]]:
    """language -> its .po files, extracted under `out`."""
    pattern = re.compile(r"(?:^|/)locale/([^/]+)/LC_MESSAGES/[^/]+\.po$")
    found: dict[str, list[Path]] = defaultdict(list)
    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            m = pattern.search(name)
            if m and m.group(1) in languages and (not include or any(name.startswith(p) for p in include)):
                archive.extract(name, out)
                found[m.group(1)].append(out / name)
    return found


def _syntaxes(entry: PoEntry) -> tuple[list[str], bool]:
    declared, excluded = syntaxes_of_flags(entry.flags)
    if declared:
        return [s for s in SYNTAXES if s in declared - excluded], False
    detected = detect_syntaxes(entry.msgid) | detect_syntaxes(entry.msgid_plural or "")
    return [s for s in SYNTAXES if s in detected - excluded], True


def plant(kind: str, entry: PoEntry, target: str, source: str, few_counts: bool) -> str | None:
    """`target` with an error of `kind`, or None when the entry has nothing to plant it in."""
    syntaxes, conservative = _syntaxes(entry)
    found = placeholders_in(target, syntaxes, conservative) if syntaxes else []
    in_source = placeholders_in(source, syntaxes, conservative) if syntaxes else []
    if kind == "placeholder renamed" and found:
        p = found[0]
        if p.syntax in ("python", "brace", "double-brace", "dollar-brace") and p.numbered and not p.key.isdigit():
            renamed = p.text.replace(p.key, p.key + "_x", 1)
        elif p.syntax == "printf" and p.text[-1] in "sd":
            renamed = p.text[:-1] + ("d" if p.text[-1] == "s" else "s")
        elif p.syntax in ("brace", "qt"):
            renamed = p.text.replace(p.key, str(int(p.key) + 7) if p.key.isdigit() else "x", 1)
        else:
            return None
        return target[:p.start] + renamed + target[p.end:]
    if kind == "placeholder dropped" and not few_counts:
        # One the target has once: a named placeholder may be repeated, and dropping a repeat loses nothing.
        once = [p for p in found if sum(q.identity == p.identity for q in found) == 1]
        if once:
            p = once[0]
            return (target[:p.start] + target[p.end:]).replace("  ", " ")
        return None
    if kind == "placeholder added" and in_source:
        p = in_source[0]
        extra = {"python": "%(extra)s", "brace": "{extra}", "double-brace": "{{ extra }}",
                 "dollar-brace": "${extra}", "qt": "%9", "printf": "%s"}[p.syntax]
        if p.syntax == "brace" and not p.numbered:
            extra = "{}"
        return f"{target} {extra}"
    if kind == "number changed":
        shared = [n for n in numbers_in(target) if n.value in {m.value for m in numbers_in(source)}]
        if shared:
            n = shared[0]
            digits = re.search(r"\d", target[n.start:n.end])
            if digits:
                at = n.start + digits.start()
                return target[:at] + str((int(target[at]) + 1) % 10) + target[at + 1:]
        return None
    if kind == "target left as source":
        words = prose_words(source, target)
        if words and [w.lower() for w in prose_words(target, source)] != [w.lower() for w in words]:
            return source
        return None
    if kind == "tag dropped":
        tags = markup_tags(target)
        if tags and markup_tags(source):
            t = tags[0]
            return target[:t.offset] + target[t.end or t.offset:]
    return None


def po_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


def planted_copy(path: Path, kind: str, out: Path) -> Path:
    """A copy of the catalogue with `kind` planted in every entry it fits (the others left out);
    its units keep the ids of the originals."""
    po = read_po_file(str(path))
    header = po.entries[0] if po.entries and not po.entries[0].msgid else None
    single = few_count_forms(po.header.get("plural-forms", ""))
    lines = []
    if header is not None:
        lines += ['msgid ""', 'msgstr ""'] + [po_string(line + "\n") for line in header.msgstr[0].split("\n") if line]
        lines.append("")
    for entry in po.entries:
        if not entry.msgid or "fuzzy" in entry.flags or not any(entry.msgstr.values()):
            continue
        forms = {}
        changed = False
        for form, target in sorted(entry.msgstr.items()):
            source = entry.msgid if entry.msgid_plural is None or form == 0 else entry.msgid_plural
            few_counts = form in single and entry.msgid_plural is not None
            new = plant(kind, entry, target, source, few_counts) if target else None
            changed |= new is not None and new != target
            forms[form] = new if new is not None else target
        if not changed:
            continue
        if entry.flags:
            lines.append("#, " + ", ".join(entry.flags))
        if entry.msgctxt is not None:
            lines.append("msgctxt " + po_string(entry.msgctxt))
        lines.append("msgid " + po_string(entry.msgid))
        if entry.msgid_plural is not None:
            lines.append("msgid_plural " + po_string(entry.msgid_plural))
            lines += [f"msgstr[{form}] " + po_string(text) for form, text in forms.items()]
        else:
            lines.append("msgstr " + po_string(forms[0]))
        lines.append("")
    target_path = out / f"{path.parent.parent.name}-{abs(hash(str(path))) % 10**8}-{kind.replace(' ', '_')}.po"
    target_path.write_text("\n".join(lines) + "\n", "utf-8")
    return target_path


def base_id(segment_id: str) -> str:
    return re.sub(r"\[\d+\]$", "", segment_id)


def run(args: argparse.Namespace) -> int:
    work = Path(tempfile.mkdtemp(prefix="bench_l10n-"))
    wheel = Path(args.wheel) if args.wheel else wheel_of(args.project, Path(args.download_dir))
    project = wheel.name.split("-")[0].lower() if args.wheel else args.project
    include = tuple(args.include) if args.include else PROJECT_PATHS.get(project, ())
    found = catalogues(wheel, include, tuple(args.languages.split(",")), work / "original")
    if not found:
        print(f"no catalogues of {args.languages} in {wheel.name}", file=sys.stderr)
        return 2
    planted_files: dict[Path, tuple[str, str, Path]] = {}  # copy -> (language, kind, original)
    (work / "planted").mkdir()
    for language, paths in found.items():
        for path in paths:
            for kind in KINDS:
                planted_files[planted_copy(path, kind, work / "planted")] = (language, kind, path)
    report = work / "report.json"
    files = [str(p) for paths in found.values() for p in paths] + [str(p) for p in planted_files]
    argv = ["check", *files, "--format", "json", "-o", str(report), "--no-progress", "--fail-on", "never"]
    code = mtqa_main(argv)
    if code not in (0, 1):
        return code
    data = json.loads(report.read_text("utf-8"))
    verdicts: dict[str, dict[str, list[dict]]] = {f["file"]: defaultdict(list) for f in data["files"]}
    for f in data["files"]:
        for s in f["segments"]:
            verdicts[f["file"]][base_id(s["id"] or "")].append(s)
    print(f"{wheel.name}: {sum(len(p) for p in found.values())} catalogues and {len(planted_files)} planted "
          "copies, one mtqa check run\n")
    header = ["language", "translated", "flagged", "flagged %", *KINDS]
    rows = []
    reasons: Counter[str] = Counter()
    total_translated = total_flagged = 0
    recall_totals: dict[str, list[int]] = {kind: [0, 0] for kind in KINDS}
    for language in sorted(found):
        translated = flagged = 0
        ok_entries: set[tuple[str, str]] = set()
        for path in found[language]:
            for entry_id, segments in verdicts[str(path)].items():
                units = [s for s in segments if s["text"].strip() and s["verdict"] != "skipped"
                         and not any(i["rule"] == "checks/fuzzy" for i in s["issues"])]
                if not units:
                    continue
                translated += 1
                if any(s["verdict"] in ("review", "fail") for s in units):
                    flagged += 1
                    for s in units:
                        for reason in s["reasons"]:
                            reasons[f"{language}: {reason[:110]}"] += 1
                else:
                    ok_entries.add((str(path), entry_id))
        recall = {}
        for copy, (lang, kind, original) in planted_files.items():
            if lang != language:
                continue
            for entry_id, segments in verdicts.get(str(copy), {}).items():
                if (str(original), entry_id) not in ok_entries:
                    continue
                recall.setdefault(kind, [0, 0])
                recall[kind][1] += 1
                recall[kind][0] += any(s["verdict"] in ("review", "fail") for s in segments)
        for kind, (caught, n) in recall.items():
            recall_totals[kind][0] += caught
            recall_totals[kind][1] += n
        total_translated += translated
        total_flagged += flagged
        rows.append([language, translated, flagged, f"{100 * flagged / max(translated, 1):.1f}",
                     *(f"{100 * recall[k][0] / recall[k][1]:.0f}% of {recall[k][1]}" if recall.get(k, [0, 0])[1]
                       else "n/a" for k in KINDS)])
    rows.append(["all", total_translated, total_flagged, f"{100 * total_flagged / max(total_translated, 1):.1f}",
                 *(f"{100 * c / n:.1f}% of {n}" if n else "n/a" for c, n in recall_totals.values())])
    widths = [max(len(str(x)) for x in column) for column in zip(header, *rows, strict=True)]
    for row in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=True)))
    if args.why:
        print("\nreasons behind false alarms:")
        for reason, n in reasons.most_common(args.why):
            print(f"{n:4d}  {reason}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", default="django", help="a PyPI project that ships .po catalogues")
    parser.add_argument("--wheel", help="its wheel, instead of downloading it")
    parser.add_argument("--download-dir", default=os.path.join(tempfile.gettempdir(), "bench_l10n_wheels"))
    parser.add_argument("--include", action="append", help="path prefixes in the wheel to read (repeatable)")
    parser.add_argument("--languages", default=",".join(LANGUAGES), help="locale folder names, comma-separated")
    parser.add_argument("--why", type=int, default=0, metavar="N", help="print the N commonest false-alarm reasons")
    args = parser.parse_args()
    Path(args.download_dir).mkdir(parents=True, exist_ok=True)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
