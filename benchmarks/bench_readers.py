"""Benchmark the readers: seconds and peak memory to read each format at 1, 4, 16 and 64 MB.

Reading must be linear in the input's size: for every format the 64 MB file must read in at
most 20 times the 4 MB file's time (16x the data; the slack absorbs a shared machine's noise).
Files are generated from the sample article's sentences, each made unique by a counter:

    txt, md         paragraphs of 2-6 sentences (md: with headings, list items, a code block)
    tsv, csv, jsonl one row per sentence pair: id, source, target
    xliff, tmx, po  one unit per sentence pair, XLIFF and TMX targets with inline tags

`--shapes` adds the inputs that once went quadratic: a text on a single line, a text of
tiny lines (one paragraph of 3-word lines), an XLIFF whose single unit holds the whole size.

Each read is a separate process (`read_inputs`, what `mtqa check` does before scoring), so
peak memory is that process's maximum resident set (`ru_maxrss`), interpreter included
(about 80 MB after importing mtqa's readers); `--stream` reads tables the way `mtqa batch`
does (chunks of 512 rows), where memory must stay flat. Each cell gives the read's CPU time
(what linearity is judged on: on a shared machine wall-clock time mostly measures the other
jobs) and, in brackets, its wall-clock time.

    python benchmarks/bench_readers.py                      # 8 formats x 4 sizes
    python benchmarks/bench_readers.py --sizes 1,4 --formats txt,xliff --shapes
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = ROOT / "fixtures" / "spun_news_article.clean.txt"
FORMATS = ("txt", "md", "tsv", "csv", "jsonl", "xliff", "tmx", "po")
SHAPES = ("txt-one-line", "txt-tiny-lines", "xliff-one-unit")
MB = 1 << 20
LINEAR_FACTOR = 20  # 64 MB may take at most this many times the 4 MB time


def sentences() -> list[str]:
    found = []
    for line in ARTICLE.read_text("utf-8").splitlines():
        found += [s for s in re.split(r"(?<=[.!?”])\s+", line.strip()) if len(s.split()) >= 4]
    return found


def numbered(size: int) -> Iterator[tuple[int, str]]:
    """(n, sentence n) made unique by a counter, until `size` characters are given out."""
    base = sentences()
    given, n = 0, 0
    while given < size:
        sentence = f"{base[n % len(base)]} ({n})" if n >= len(base) else base[n % len(base)]
        given += len(sentence) + 1
        yield n, sentence
        n += 1


def _paragraphs(size: int) -> Iterator[str]:
    paragraph: list[str] = []
    count = 0
    for _, sentence in numbered(size):
        paragraph.append(sentence)
        if len(paragraph) == 2 + count % 5:
            yield " ".join(paragraph)
            paragraph, count = [], count + 1
    if paragraph:
        yield " ".join(paragraph)


def write_txt(path: Path, size: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for paragraph in _paragraphs(size):
            out.write(paragraph + "\n\n")


def write_md(path: Path, size: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for n, paragraph in enumerate(_paragraphs(size)):
            if n % 10 == 0:
                out.write(f"## Section {n // 10}\n\n")
            if n % 7 == 3:
                out.write("".join(f"- {item}\n" for item in paragraph.split(". ")) + "\n")
            elif n % 50 == 25:
                out.write(f"```\ncode {n}\n```\n\n{paragraph}\n\n")
            else:
                out.write(paragraph + "\n\n")


def _pairs(size: int) -> Iterator[tuple[int, str, str]]:
    """(n, source, target): the target is the sentence, the source a variant of it."""
    for n, sentence in numbered(size // 2):
        yield n, sentence.replace("the ", "a ", 1), sentence


def write_delimited(delimiter: str) -> Callable[[Path, int], None]:
    def write(path: Path, size: int) -> None:
        import csv

        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
            writer.writerow(["id", "source", "target"])
            writer.writerows(_pairs(size))

    return write


def write_jsonl(path: Path, size: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for n, source, target in _pairs(size):
            out.write(json.dumps({"id": n, "source": source, "target": target}, ensure_ascii=False) + "\n")


def _tagged(text: str, n: int) -> str:
    """XML-escaped text with a paired and an empty inline tag (XLIFF 1.2 / TMX style)."""
    words = escape(text).split(" ")
    words.insert(1, "<g id=\"1\">")
    words.insert(3, "</g>")
    return " ".join(words) + f' <x id="{n}"/>'


XLIFF_HEADER = ('<?xml version="1.0" encoding="UTF-8"?>\n<xliff version="1.2" '
                'xmlns="urn:oasis:names:tc:xliff:document:1.2">\n<file original="bench" '
                'source-language="en" target-language="en" datatype="plaintext"><body>\n')
XLIFF_FOOTER = "</body></file></xliff>\n"


def _write_lines(path: Path, header: str, lines: Iterator[str], footer: str) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write(header)
        out.writelines(lines)
        out.write(footer)


def write_xliff(path: Path, size: int) -> None:
    _write_lines(path, XLIFF_HEADER, (f'<trans-unit id="{n}"><source>{_tagged(source, n)}</source>\n'
                                      f"  <target>{_tagged(target, n)}</target></trans-unit>\n"
                                      for n, source, target in _pairs(size)), XLIFF_FOOTER)


def write_tmx(path: Path, size: int) -> None:
    header = ('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="en-GB" '
              'datatype="plaintext" segtype="sentence" adminlang="en" creationtool="bench" '
              'creationtoolversion="1" o-tmf="bench"/><body>\n')
    _write_lines(path, header, (f'<tu tuid="{n}"><tuv xml:lang="en-GB"><seg>{escape(source)}<ph x="{n}">{{0}}</ph>'
                                f'</seg></tuv>\n  <tuv xml:lang="en-US"><seg>{escape(target)}<ph x="{n}">{{0}}</ph>'
                                "</seg></tuv></tu>\n" for n, source, target in _pairs(size)), "</body></tmx>\n")


def _po_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_po(path: Path, size: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: en\\n"\n\n')
        for n, source, target in _pairs(size):
            out.write(f"#: article.txt:{n}\nmsgctxt \"{n}\"\nmsgid {_po_string(source)}\n"
                      f"msgstr {_po_string(target)}\n\n")


def write_txt_one_line(path: Path, size: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write(" ".join(s for _, s in numbered(size)) + "\n")


def write_txt_tiny_lines(path: Path, size: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for _, sentence in numbered(size):
            words = sentence.split()
            out.write("".join(" ".join(words[i:i + 3]) + "\n" for i in range(0, len(words), 3)))


def write_xliff_one_unit(path: Path, size: int) -> None:
    text = escape(" ".join(s for _, s in numbered(size // 2)))
    unit = f'<trans-unit id="1"><source>{text}</source>\n<target>{text}</target></trans-unit>\n'
    _write_lines(path, XLIFF_HEADER, iter([unit]), XLIFF_FOOTER)


WRITERS: dict[str, tuple[str, Callable[[Path, int], None]]] = {
    "txt": (".txt", write_txt), "md": (".md", write_md), "tsv": (".tsv", write_delimited("\t")),
    "csv": (".csv", write_delimited(",")), "jsonl": (".jsonl", write_jsonl), "xliff": (".xlf", write_xliff),
    "tmx": (".tmx", write_tmx), "po": (".po", write_po), "txt-one-line": (".txt", write_txt_one_line),
    "txt-tiny-lines": (".txt", write_txt_tiny_lines), "xliff-one-unit": (".xlf", write_xliff_one_unit),
}


def read_once(path: str, stream: bool) -> dict[str, float]:
    """Read `path` in this process; CPU and wall seconds, segments, peak resident memory (MB)."""
    sys.path.insert(0, str(ROOT))
    from mtqa.batch.units import iter_units
    from mtqa.readers import read_inputs

    started, cpu_started = time.perf_counter(), time.process_time()
    if stream:
        segments = 0
        for unit in iter_units(path, 512):
            segments += len(unit.segments)
            unit.release()
    else:
        segments = sum(len(document.segments) for document in read_inputs([path]))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "cpu": cpu, "segments": segments, "peak_mb": peak}


def measure(path: Path, stream: bool, timeout: float) -> dict[str, float] | None:
    command = [sys.executable, __file__, "--read", str(path)] + (["--stream"] if stream else [])
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return None
    except subprocess.CalledProcessError as error:
        raise SystemExit(f"reading {path} failed:\n{error.stderr}") from None
    return json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1,4,16,64", help="sizes in MB, comma-separated")
    parser.add_argument("--formats", default=",".join(FORMATS), help="formats, comma-separated")
    parser.add_argument("--shapes", action="store_true", help="also the pathological shapes: " + ", ".join(SHAPES))
    parser.add_argument("--stream", action="store_true", help="read tables in chunks, as mtqa batch does")
    parser.add_argument("--timeout", type=float, default=600, help="seconds allowed per read")
    parser.add_argument("--read", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.read:
        print(json.dumps(read_once(args.read, args.stream)))
        return 0
    sizes = [float(s) for s in args.sizes.split(",")]
    base = 1 if len(sizes) > 2 else 0  # the 4 MB column of the default sizes
    formats = args.formats.split(",") + (list(SHAPES) if args.shapes else [])
    print(f"| format | {' | '.join(f'{s:g} MB' for s in sizes)} | segments at {sizes[-1]:g} MB | "
          f"peak memory at {sizes[-1]:g} MB | {sizes[-1]:g} MB / {sizes[base]:g} MB CPU time |")
    print("|---" * (len(sizes) + 4) + "|")
    failed = False
    with tempfile.TemporaryDirectory() as folder:
        for name in formats:
            extension, write = WRITERS[name]
            cells, times, last = [], [], None
            for size in sizes:
                path = Path(folder) / f"{name}-{size:g}{extension}"
                write(path, int(size * MB))
                last = measure(path, args.stream, args.timeout)
                path.unlink()
                if last is None:
                    cells.append(f"> {args.timeout:g} s")
                    break
                cells.append(f"{last['cpu']:.2f} s ({last['seconds']:.1f})")
                times.append(last["cpu"])
            complete = len(times) == len(sizes)
            cells += ["-"] * (len(sizes) - len(cells))
            ratio = times[-1] / times[base] if complete and times[base] > 0 else float("inf")
            failed |= ratio > LINEAR_FACTOR * sizes[-1] / sizes[base] / 16
            tail = f"{last['segments']:,} | {last['peak_mb']:.0f} MB" if complete and last else "- | -"
            print(f"| {name} | {' | '.join(cells)} | {tail} | {ratio:.1f}x |", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
