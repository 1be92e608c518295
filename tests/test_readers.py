import io
import json
import sys
from pathlib import Path

import pytest

from mtqa.core.documents import Document
from mtqa.core.errors import InputError
from mtqa.readers import (
    Reader,
    expand_inputs,
    iter_table_rows,
    known_extensions,
    read_inputs,
    read_path,
    read_text,
    register_reader,
    sniff_format,
)
from mtqa.readers import base as readers_base

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
READER_FIXTURES = FIXTURES / "readers"


def write(path: Path, data: bytes | str) -> str:
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return str(path)


def input_error(call, *args) -> str:
    with pytest.raises(InputError) as raised:
        result = call(*args)
        if not isinstance(result, Document):
            list(result)
    message = str(raised.value)
    assert "\n" not in message
    return message


# --- text and markdown ---------------------------------------------------------------


def test_sample_article_document():
    path = str(FIXTURES / "spun_news_article.txt")
    document = read_path(path)
    assert document.format == "txt" and document.path == path
    assert document.text == Path(path).read_text(encoding="utf-8")
    assert len(document.segments) == 38
    assert all(s.document is document for s in document.segments)
    assert all(document.text[s.start : s.end] == s.text for s in document.segments)


def test_markdown_document():
    document = read_path(str(READER_FIXTURES / "article.md"))
    assert document.format == "md"
    assert [(s.kind, s.text) for s in document.segments] == [
        ("heading", "Talks in Geneva"),
        ("sentence", "Dr. Smith met Mr. Jones at the U.S. embassy on Friday."),
        ("sentence", "They spoke for an hour, e.g. about\ntrade and the border."),
        ("heading", "Key points"),
        ("sentence", "The talks were short."),
        ("sentence", "Nobody expected a deal."),
        ("sentence", "Both sides agreed to meet again\n  next month."),
        ("sentence", "A numbered item, with a [link](https://example.com/a.b)."),
        ("furniture", "Share this:"),
    ]


@pytest.mark.parametrize(
    "encoded",
    [
        b"Hello there. Fine.",
        b"\xef\xbb\xbf" + b"Hello there. Fine.",
        "Hello there. Fine.".encode("utf-16"),  # with byte-order mark
        "Hello there. Fine.".encode("utf-16-be").join([b"\xfe\xff", b""]),
    ],
)
def test_accepted_encodings(tmp_path, encoded):
    document = read_path(write(tmp_path / "a.txt", encoded))
    assert document.text == "Hello there. Fine."
    assert [s.text for s in document.segments] == ["Hello there.", "Fine."]


def test_empty_files_give_empty_documents(tmp_path):
    for name in ("empty.txt", "empty.md", "empty.tsv", "empty.csv", "empty.jsonl"):
        document = read_path(write(tmp_path / name, b""))
        assert document.segments == []


def test_header_only_table_has_no_rows(tmp_path):
    assert read_path(write(tmp_path / "h.tsv", "id\ttarget\n")).segments == []


# --- tables ---------------------------------------------------------------------------


def test_tsv_with_aliases_and_ids():
    document = read_path(str(READER_FIXTURES / "rows.tsv"))
    rows = document.segments
    assert document.format == "tsv"
    assert [s.text for s in rows] == ["Hello.", "", 'He said "thanks" twice.']
    assert [s.id for s in rows] == ["A1", "A2", "A3"]
    assert [s.index for s in rows] == [0, 1, 2]
    assert [s.line for s in rows] == [2, 3, 4]
    assert [s.source for s in rows] == ["Bonjour.", "Au revoir.", 'Merci "beaucoup".']
    assert [s.reference for s in rows] == ["Hello there.", "Goodbye.", "Thanks a lot."]
    assert [s.meta for s in rows] == [{"system": "sysA"}, {"system": "sysB"}, {"system": "sysA"}]
    assert all(s.kind == "row" and (s.start, s.end) == (0, len(s.text)) for s in rows)
    assert not rows[1].scored  # an empty target is a row the pipeline marks, not dropped


def test_a_row_knows_the_column_where_its_target_text_starts(tmp_path):
    """So CI annotations (SARIF, GitHub) point at the flagged word, not at the row's start."""
    (tmp_path / "a.tsv").write_text('id\tsource\ttarget\n1\t猫坐在垫子上。\tThe cat sat.\n'
                                    '2\tx\t"quoted, cell"\n3\ty\t"an ""escaped"" quote"\n', encoding="utf-8")
    (tmp_path / "a.jsonl").write_text('{"id": 1, "target": "The cat sat."}\n{"target": "Esc \\"q\\""}\n',
                                      encoding="utf-8")
    for name, columns in (("a.tsv", [11, 6, 1]), ("a.jsonl", [22, 1])):
        rows = read_path(str(tmp_path / name)).segments
        lines = (tmp_path / name).read_text("utf-8").splitlines()
        assert [s.column for s in rows] == columns, name
        for row in rows:
            if row.column > 1:  # 1 where it cannot be told: the cell is escaped
                start = row.column - 1
                assert lines[row.line - 1][start:start + len(row.text)] == row.text


def test_csv_with_multiline_cell_and_default_ids():
    rows = read_path(str(READER_FIXTURES / "rows.csv")).segments
    assert [s.text for s in rows] == ["Hello, world.", "Bye.\nSee you."]
    assert [s.source for s in rows] == ["Hallo, Welt.", "Tschüss."]
    assert [s.id for s in rows] == ["1", "2"]
    assert [s.line for s in rows] == [2, 3]
    assert [s.reference for s in rows] == [None, None]
    assert [s.meta for s in rows] == [{"extra": "x"}, {"extra": "y"}]


def test_jsonl_with_aliases_blank_lines_and_nulls():
    rows = read_path(str(READER_FIXTURES / "rows.jsonl")).segments
    assert [s.text for s in rows] == ["Hello.", "", ""]
    assert [s.id for s in rows] == ["7", "8", "x9"]
    assert [s.index for s in rows] == [0, 1, 2]
    assert [s.line for s in rows] == [1, 3, 4]
    assert [s.source for s in rows] == ["Hola.", "Adiós.", "Gracias."]
    assert [s.meta for s in rows] == [{"score": 0.5}, {"score": None}, {"score": 1}]


def test_iter_table_rows_is_lazy(tmp_path):
    # The last row is ragged: an eager reader would fail before yielding anything.
    lines = ["target"] + [f"Row {i}." for i in range(1000)] + ["ragged,row"]
    path = write(tmp_path / "big.csv", "\n".join(lines) + "\n")
    rows = iter_table_rows(path)
    first = next(rows)
    assert (first.text, first.index, first.id, first.line) == ("Row 0.", 0, "1", 2)
    assert input_error(lambda: rows) == f"{path}: line 1002: 2 fields, expected 1 (target)"


def test_iter_table_rows_refuses_text_files():
    assert "not a table format" in input_error(iter_table_rows, str(FIXTURES / "spun_news_article.txt"))


def test_table_with_crlf_and_bom(tmp_path):
    path = write(tmp_path / "w.csv", b"\xef\xbb\xbftarget,id\r\nHello.,a\r\n\"Two\r\nlines\",b\r\n")
    rows = read_path(path).segments
    assert [(s.text, s.id, s.line) for s in rows] == [("Hello.", "a", 2), ("Two\r\nlines", "b", 3)]


# --- read_text, sniffing, stdin -------------------------------------------------------


def test_read_text_by_format_name_or_extension():
    assert [s.text for s in read_text("x", "A one. B two.", "txt").segments] == ["A one.", "B two."]
    assert read_text("x", "# Head\n", ".md").segments[0].text == "Head"
    assert read_text("x", "target\tid\nHi.\t5\n", "tsv").segments[0].id == "5"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"target": "Hi."}\n', "jsonl"),
        ("id\tmt\nx\tHi.\n", "tsv"),
        ("src,target\na,b\n", "csv"),
        ("# Title\n\nText.\n", "md"),
        ("Just text, with a comma.\tAnd a tab.\n", "txt"),
        ("", "txt"),
    ],
)
def test_sniff_format(text, expected):
    assert sniff_format(text) == expected


def test_stdin_is_read_and_sniffed(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"target\tid\nHello.\tz\n")))
    [document] = read_inputs(["-"])
    assert document.path == "<stdin>" and document.format == "tsv"
    assert [(s.text, s.id) for s in document.segments] == [("Hello.", "z")]


def test_stdin_with_explicit_format(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"target\tid\nHello.\tz\n")))
    [document] = read_inputs(["-"], input_format="txt")
    assert document.format == "txt"


# --- expanding inputs -----------------------------------------------------------------


def test_directory_is_expanded_recursively_sorted_known_extensions_only(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / ".hidden").mkdir()
    write(tmp_path / "b.txt", "B one.")
    write(tmp_path / "a.md", "A one.")
    write(tmp_path / "sub" / "c.jsonl", '{"mt": "C one."}\n')
    write(tmp_path / "notes.xyz", "ignored")
    write(tmp_path / ".hidden" / "d.txt", "ignored")
    documents = list(read_inputs([str(tmp_path)]))
    assert [Path(d.path).relative_to(tmp_path).as_posix() for d in documents] == ["a.md", "b.txt", "sub/c.jsonl"]


def test_glob_is_expanded_and_duplicates_dropped(tmp_path):
    write(tmp_path / "x2.txt", "Two.")
    write(tmp_path / "x1.txt", "One.")
    write(tmp_path / "x3.bin", "skip")
    files = expand_inputs([str(tmp_path / "x*"), str(tmp_path / "x1.txt")])
    assert files == [str(tmp_path / "x1.txt"), str(tmp_path / "x2.txt")]


def test_input_format_overrides_extension(tmp_path):
    path = write(tmp_path / "data.out", "target\nHi.\n")
    assert read_path(path, "tsv").segments[0].kind == "row"
    assert [Path(p).name for p in expand_inputs([str(tmp_path / "*.out")], "tsv")] == ["data.out"]


@pytest.fixture
def reader_registry(monkeypatch):
    """The readers' registry as it is now; what a test registers is gone after it."""
    monkeypatch.setattr(readers_base, "_READERS_BY_EXTENSION", dict(readers_base._READERS_BY_EXTENSION))
    monkeypatch.setattr(readers_base, "_READERS_BY_FORMAT", dict(readers_base._READERS_BY_FORMAT))
    before = known_extensions()
    yield
    monkeypatch.undo()
    assert known_extensions() == before


def test_registry_is_open_for_new_formats(tmp_path, reader_registry):
    class UpperReader(Reader):
        format = "upper-test"

        def read_text(self, name, text):
            return read_text(name, text.upper(), "txt")

    register_reader(["upt"], UpperReader())
    assert ".upt" in known_extensions()
    document = read_path(write(tmp_path / "a.upt", "shout. this."))
    assert [s.text for s in document.segments] == ["SHOUT.", "THIS."]


def test_all_paths_checked_before_reading(tmp_path):
    good = write(tmp_path / "good.txt", "Fine.")
    documents = read_inputs([good, str(tmp_path / "missing.txt")])
    assert "missing.txt: no such file" in input_error(lambda: documents)


# --- errors ---------------------------------------------------------------------------


def test_missing_file(tmp_path):
    path = str(tmp_path / "nope.txt")
    assert input_error(read_path, path) == f"{path}: no such file"
    assert input_error(read_inputs, [path]) == f"{path}: no such file"


def test_directory_without_supported_files(tmp_path):
    write(tmp_path / "a.xyz", "x")
    assert f"{tmp_path}: directory has no supported files" in input_error(read_inputs, [str(tmp_path)])


def test_glob_matching_nothing(tmp_path):
    pattern = str(tmp_path / "*.tsv")
    assert input_error(read_inputs, [pattern]) == f"{pattern}: pattern matches no files"
    write(tmp_path / "a.xyz", "x")
    pattern = str(tmp_path / "*")
    assert input_error(read_inputs, [pattern]) == f"{pattern}: pattern matches no supported files"


def test_unknown_extension(tmp_path):
    path = write(tmp_path / "data.xyz", "x")
    message = input_error(read_inputs, [path])
    assert message.startswith(f"{path}: unknown format '.xyz'; known: ")
    assert ".txt" in message and ".jsonl" in message


def test_unknown_input_format(tmp_path):
    path = write(tmp_path / "a.txt", "x")
    assert "unknown input format 'docx'" in input_error(read_path, path, "docx")


def test_binary_file_with_nul_bytes(tmp_path):
    path = write(tmp_path / "junk.txt", b"GIF89a\x00\x01\x02\x03binary")
    assert input_error(read_path, path) == f"{path}: binary file, not text (NUL byte at offset 6)"


def test_mostly_undecodable_file_is_binary(tmp_path):
    path = write(tmp_path / "junk.txt", bytes(range(128, 256)) * 4)
    assert input_error(read_path, path) == f"{path}: binary file, not text"


def test_latin1_text_is_refused_with_offset(tmp_path):
    path = write(tmp_path / "latin.txt", "Caf\u00e9 au lait.".encode("latin-1"))
    assert input_error(read_path, path) == f"{path}: not UTF-8 text (byte 0xe9 at offset 3)"


def test_bad_encoding_in_table_reports_file_offset(tmp_path):
    path = write(tmp_path / "t.tsv", b"target\nok\nbad \xff row\n")
    assert input_error(read_path, path) == f"{path}: not UTF-8 text (byte 0xff at offset 14)"


def test_table_without_target_column(tmp_path):
    path = write(tmp_path / "t.csv", "source,score\na,1\n")
    message = input_error(read_path, path)
    assert message.startswith(f"{path}: line 1: no 'target' column")
    assert "columns found: 'source', 'score'" in message


def test_jsonl_row_without_target(tmp_path):
    path = write(tmp_path / "t.jsonl", '{"target": "a"}\n{"src": "b"}\n')
    assert f"{path}: line 2: no 'target' column" in input_error(read_path, path)


def test_ambiguous_target_columns(tmp_path):
    path = write(tmp_path / "t.tsv", "target\tmt\na\tb\n")
    assert "'target', 'mt' all give the target" in input_error(read_path, path)


@pytest.mark.parametrize(("suffix", "delimiter"), [(".tsv", "\t"), (".csv", ",")])
def test_ragged_rows(tmp_path, suffix, delimiter):
    rows = ["id", "target"], ["1", "fine"], ["2", "too", "many"]
    path = write(tmp_path / f"t{suffix}", "\n".join(delimiter.join(r) for r in rows) + "\n")
    assert input_error(read_path, path) == f"{path}: line 3: 3 fields, expected 2 (id, target)"


def test_invalid_json_line(tmp_path):
    path = write(tmp_path / "t.jsonl", '{"target": "a"}\n\n{"target": "b",}\n')
    assert input_error(read_path, path).startswith(f"{path}: line 3: invalid JSON")


def test_json_line_not_an_object(tmp_path):
    path = write(tmp_path / "t.jsonl", json.dumps(["a"]) + "\n")
    assert input_error(read_path, path) == f"{path}: line 1: expected a JSON object, got list"


def test_json_target_of_wrong_type(tmp_path):
    path = write(tmp_path / "t.jsonl", '{"target": ["a"]}\n')
    assert input_error(read_path, path) == f"{path}: line 1: 'target' must be a string, got list"


def test_directory_given_to_read_path(tmp_path):
    target = tmp_path / "dir.txt"
    target.mkdir()
    assert input_error(read_path, str(target)) == f"{target}: is a directory, not a file"

