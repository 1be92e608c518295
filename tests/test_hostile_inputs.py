"""Inputs built to break a reader: deep nesting, unclosed quotes, pipes where files belong,
huge segments. Each gets the README's promise: a one-line error naming the file and the
problem (exit code 2), or a result, never a traceback or a hang; reading time is linear
(benchmarks/bench_readers.py measures it; these tests check the mechanisms)."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from mtqa.cli import main
from mtqa.core.errors import InputError
from mtqa.readers import expand_inputs, read_path
from mtqa.readers.xml_tree import XmlSource, parse_xml
from mtqa.text.glossary import load_glossary

DEPTH = 1000


def _xliff(inner: str, translated: str | None = None) -> str:
    target = inner if translated is None else translated
    return ('<?xml version="1.0"?>\n<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">'
            '<file original="x" source-language="en" target-language="de" datatype="plaintext"><body>\n'
            f'<trans-unit id="1"><source>{inner}</source><target>{target}</target></trans-unit>\n'
            "</body></file></xliff>\n")


def test_xliff_with_inline_tags_nested_a_thousand_deep(tmp_path: Path) -> None:
    path = tmp_path / "deep.xlf"
    path.write_text(_xliff('<g id="1">' * DEPTH + "Deep text." + "</g>" * DEPTH), "utf-8")
    (segment,) = read_path(str(path)).segments
    assert segment.text == segment.source == "Deep text."
    assert len(segment.meta["tags"]) == 2 * DEPTH
    assert [t["kind"] for t in segment.meta["tags"][DEPTH - 1:DEPTH + 1]] == ["open", "close"]


def test_tmx_with_highlights_nested_a_thousand_deep(tmp_path: Path) -> None:
    seg = "<hi>" * DEPTH + "Deep text." + "</hi>" * DEPTH
    path = tmp_path / "deep.tmx"
    path.write_text('<?xml version="1.0"?><tmx version="1.4"><header srclang="en"/><body><tu>'
                    f'<tuv xml:lang="en"><seg>{seg}</seg></tuv><tuv xml:lang="de"><seg>{seg}</seg></tuv>'
                    "</tu></body></tmx>", "utf-8")
    (segment,) = read_path(str(path)).segments
    assert segment.text == "Deep text."


def test_tbx_glossary_with_a_term_nested_a_thousand_deep(tmp_path: Path) -> None:
    term = "<hi>" * DEPTH + "Acme Cloud" + "</hi>" * DEPTH
    path = tmp_path / "deep.tbx"
    path.write_text('<?xml version="1.0"?><martif type="TBX"><text><body><termEntry>'
                    f'<langSet xml:lang="en"><tig><term>{term}</term></tig></langSet>'
                    '<langSet xml:lang="de"><tig><term>Acme-Wolke</term></tig></langSet>'
                    "</termEntry></body></text></martif>", "utf-8")
    (entry,) = load_glossary(path, "en", "de")
    assert (entry.source, entry.targets) == ("Acme Cloud", ("Acme-Wolke",))


def test_deeply_nested_xliff_is_checked_end_to_end(tmp_path: Path, checks_only: Path, capsys) -> None:
    path = tmp_path / "deep.xlf"
    path.write_text(_xliff('<g id="1">' * DEPTH + "Deep text." + "</g>" * DEPTH,
                           '<g id="1">' * DEPTH + "Tiefer Text." + "</g>" * DEPTH), "utf-8")
    config = checks_only
    code = main(["check", str(path), "--config", str(config), "--no-progress", "-f", "jsonl",
                 "--fail-on", "never", "--annotate", str(tmp_path / "out.xlf")])
    assert code == 0, capsys.readouterr().err
    (annotated,) = read_path(str(tmp_path / "out.xlf")).segments
    assert annotated.text == "Tiefer Text."


class CountingText(str):
    """A text that counts the characters its searches scan (count, find, rfind)."""

    scanned = 0

    def _scan(self, method: str, sub: str, start: int | None = None, end: int | None = None):
        lo, hi = start or 0, len(self) if end is None else end
        CountingText.scanned += max(0, hi - lo)
        return getattr(str, method)(self, sub, *(x for x in (start, end) if x is not None))

    def count(self, sub, start=None, end=None):  # type: ignore[override]
        return self._scan("count", sub, start, end)

    def find(self, sub, start=None, end=None):  # type: ignore[override]
        return self._scan("find", sub, start, end)

    def rfind(self, sub, start=None, end=None):  # type: ignore[override]
        return self._scan("rfind", sub, start, end)


def test_xml_lines_and_columns_are_found_without_rescanning_the_file() -> None:
    """Line and column of every element: one pass over the text, not one per element
    (32,000 units took 129 s when each element's line was counted from the start)."""
    units = "".join(f'<trans-unit id="{n}">\n  <source>Zwölf € {n}</source><target>x</target>\r\n</trans-unit>\n'
                    for n in range(3000))
    text = _xliff("").replace('<trans-unit id="1"><source></source><target></target></trans-unit>\n', units)
    CountingText.scanned = 0
    root = parse_xml(XmlSource("many.xlf", CountingText(text), "utf-8"))
    assert CountingText.scanned <= 2 * len(text)
    lines = text.split("\n")
    for element in root.iter("target"):
        assert lines[element.line - 1][element.column - 1:].startswith("<target>")
    last = list(root.iter("source"))[-1]
    assert (last.line, last.column) == (text[:last.start].count("\n") + 1, 3)


def test_a_csv_with_an_unclosed_quote_names_the_line_where_it_opens(tmp_path: Path, one_line_error) -> None:
    path = tmp_path / "rows.csv"
    path.write_text('id,target\n1,Fine row.\n2,"Unclosed quote starts here.\n3,Swallowed row.\n4,And this one.\n',
                    "utf-8")
    with pytest.raises(InputError, match=r"rows.csv: line 3: quoted field is never closed"):
        read_path(str(path))
    assert main(["check", str(path), "--no-progress"]) == 2
    assert "line 3: quoted field is never closed" in one_line_error()


def test_a_quote_closed_too_early_swallows_nothing_either(tmp_path: Path) -> None:
    path = tmp_path / "rows.tsv"
    path.write_text('id\ttarget\n1\tFine.\n2\t"Opens here\n3\tswallowed\n4\t"closed" by another field\n', "utf-8")
    with pytest.raises(InputError, match=r"rows.tsv: line 3: quoted field is closed before its end"):
        read_path(str(path))


def test_quoted_cells_over_several_lines_are_still_read(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text('id,target\n1,"Two lines,\nstill one cell ""quoted"""\n2,Next.\n', "utf-8")
    segments = read_path(str(path)).segments
    assert [s.text for s in segments] == ['Two lines,\nstill one cell "quoted"', "Next."]
    assert [s.line for s in segments] == [2, 4]


@pytest.fixture
def fifo(tmp_path: Path):
    path = tmp_path / "pipe.txt"
    os.mkfifo(path)
    return path


def _feed_if_opened(path: Path) -> threading.Thread:
    """Should a reader open the FIFO after all, give it a line, so that a failing test fails
    instead of hanging."""
    def feed() -> None:
        fd = os.open(path, os.O_WRONLY)
        os.write(fd, b"Fed by the test.\n")
        os.close(fd)

    thread = threading.Thread(target=feed, daemon=True)
    thread.start()
    return thread


def test_a_fifo_inside_a_scanned_folder_is_skipped(tmp_path: Path, fifo: Path) -> None:
    (tmp_path / "real.txt").write_text("A real file.\n", "utf-8")
    _feed_if_opened(fifo)
    assert expand_inputs([str(tmp_path)]) == [str(tmp_path / "real.txt")]


def test_a_fifo_given_as_an_input_is_refused_with_a_hint(fifo: Path, one_line_error) -> None:
    _feed_if_opened(fifo)
    assert main(["check", str(fifo), "--no-progress"]) == 2
    assert f"{fifo}: is a FIFO (named pipe), not a file; to read a pipe, pass '-' (standard input)" in \
        one_line_error()


def test_a_fifo_read_by_path_is_refused(fifo: Path) -> None:
    _feed_if_opened(fifo)
    with pytest.raises(InputError, match="is a FIFO"):
        read_path(str(fifo))


def test_a_segment_too_long_to_score_gets_a_finding_not_the_models(tmp_path: Path, checks_only: Path) -> None:
    """One 1 MB XLIFF unit once took 22 GB; a segment over 10,000 characters is now refused
    with a major finding, and the models never see it."""
    long_text = " ".join(f"Sentence {n} of a unit that never ends." for n in range(30000))
    path = tmp_path / "huge.xlf"
    second = '<trans-unit id="2"><source>Hello.</source><target>Hallo.</target></trans-unit>'
    path.write_text(_xliff("Short source.", long_text).replace("</trans-unit>", "</trans-unit>\n" + second, 1),
                    "utf-8")
    config = checks_only
    out = tmp_path / "report.jsonl"
    assert main(["check", str(path), "--config", str(config), "--no-progress", "-f", "jsonl", "-o", str(out),
                 "--fail-on", "never"]) == 0
    huge, normal = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(huge["text"]) > 1_000_000 and huge["verdict"] == "review"
    assert [i["rule"] for i in huge["issues"]] == ["checks/segment-too-long"]
    assert huge["raw"] == {"checks": {"too_long_chars": len(huge["text"])}, "risk": huge["raw"]["risk"]}
    assert "not scored: the segment is" in huge["reasons"][0]
    assert normal["scores"]["checks"] is not None and normal["raw"]["checks"]["issues"] == 0
