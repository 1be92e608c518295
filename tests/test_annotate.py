"""Write-back: notes on flagged units, every other byte unchanged, never over the input."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

from mtqa.annotate import annotate_report, annotated_bytes, check_annotation_target
from mtqa.core.documents import DocumentResult, SegmentResult
from mtqa.core.errors import InputError, OutputError
from mtqa.gate.report import Report
from mtqa.readers import read_path
from mtqa.readers.xml_tree import XmlSource, parse_xml

L10N = Path(__file__).resolve().parent.parent / "fixtures" / "l10n"
FILES = ["memoq_en_de.xlf", "okapi_en_fr.xlf", "memory_en_es.tmx", "messages_de.po"]
REASON = "checks: number '5' is not in the source & <b> was dropped"


def results(document, flagged: dict[str, str]) -> DocumentResult:
    """A result per segment: the verdict named in `flagged` by segment id, else ok."""
    return DocumentResult(document, [
        SegmentResult(s, {}, {}, [], 0.8 if flagged.get(s.id) == "fail" else 0.1,
                      flagged.get(s.id, "ok"), [REASON] if s.id in flagged else [])
        for s in document.segments
    ])


def inserted_lines(before: bytes, after: bytes) -> list[str]:
    """The lines `after` adds to `before`; fails if anything of `before` changed."""
    old, new = before.decode("utf-8").splitlines(keepends=True), after.decode("utf-8").splitlines(keepends=True)
    opcodes = difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes()
    assert {tag for tag, *_ in opcodes} <= {"equal", "insert"}, "an original line changed"
    return [line for tag, _, _, j1, j2 in opcodes if tag == "insert" for line in new[j1:j2]]


@pytest.mark.parametrize("name", FILES)
def test_no_findings_leaves_the_file_byte_for_byte_identical(name: str) -> None:
    path = L10N / name
    assert annotated_bytes(results(read_path(str(path)), {})) == path.read_bytes()


@pytest.mark.parametrize("name", FILES)
def test_notes_are_added_and_everything_else_is_unchanged(name: str, tmp_path: Path) -> None:
    path = L10N / name
    document = read_path(str(path))
    flagged = {document.segments[1].id: "fail", document.segments[2].id: "review"}
    annotated = annotated_bytes(results(document, flagged))
    new_lines = inserted_lines(path.read_bytes(), annotated)
    assert new_lines, "nothing was added"
    assert any("fail (risk 0.80): checks: number '5'" in line for line in new_lines)
    # The output reads again, with the same segments and notes (mtqa's own are not notes).
    copy = tmp_path / name
    copy.write_bytes(annotated)
    again = read_path(str(copy))
    assert [(s.id, s.text, s.meta["notes"]) for s in again.segments] == \
        [(s.id, s.text, s.meta["notes"]) for s in document.segments]
    # Annotating the annotated file replaces the old notes: with no findings, the original.
    assert annotated_bytes(results(again, {})) == path.read_bytes()


def test_xliff12_note_is_escaped_and_placed_at_the_end_of_the_unit() -> None:
    path = L10N / "memoq_en_de.xlf"
    annotated = annotated_bytes(results(read_path(str(path)), {"2": "fail"}))
    root = parse_xml(XmlSource.from_bytes(annotated, "out.xlf"))
    unit = next(u for u in root.iter("trans-unit") if u.get("id") == "2")
    note = unit.children[-1]
    assert (note.name, note.get("from"), note.get("priority")) == ("note", "mtqa", "1")
    assert note.text_content() == f"mtqa: fail (risk 0.80): {REASON}"
    assert b"&amp; &lt;b&gt; was dropped</note>" in annotated
    assert b'\n          <note from="mtqa"' in annotated  # indented like its siblings


def test_xliff2_notes_element_is_created_before_the_segments() -> None:
    path = L10N / "okapi_en_fr.xlf"
    annotated = annotated_bytes(results(read_path(str(path)), {"settings": "review", "s2": "fail"}))
    root = parse_xml(XmlSource.from_bytes(annotated, "out.xlf"))
    units = {u.get("id"): u for u in root.iter("unit")}
    created = units["settings"].children[0]
    assert created.name == "notes" and created.children[0].get("category") == "mtqa"
    assert created.children[0].text_content().startswith("mtqa: review")
    # A unit with notes already gets one more; with two segments the note names the segment.
    welcome_notes = units["welcome"].child("notes").children
    assert [n.get("category") for n in welcome_notes] == ["context", "mtqa"]
    assert welcome_notes[1].text_content().startswith("mtqa: fail: [s2] fail (risk 0.80)")


def test_po_gets_a_translator_comment_first_in_the_entry() -> None:
    path = L10N / "messages_de.po"
    annotated = annotated_bytes(results(read_path(str(path)), {"Delete 5 files?": "review"})).decode("utf-8")
    assert f"\n# mtqa: review (risk 0.10): {REASON}\n#: src/files.c:20\n#, fuzzy\n" in annotated


def test_windows_line_endings_and_bom_are_kept(tmp_path: Path) -> None:
    original = (L10N / "memory_en_es.tmx").read_bytes().replace(b"\n", b"\r\n")
    path = tmp_path / "crlf.tmx"
    path.write_bytes(b"\xef\xbb\xbf" + original)
    annotated = annotated_bytes(results(read_path(str(path)), {"2": "review"}))
    assert annotated.startswith(b"\xef\xbb\xbf") and b"\n" not in annotated.replace(b"\r\n", b"")
    assert annotated_bytes(results(read_path(str(path)), {})) == path.read_bytes()


def test_refuses_to_write_over_the_input_or_to_annotate_plain_text(tmp_path: Path) -> None:
    copy = tmp_path / "in.xlf"
    shutil.copy(L10N / "memoq_en_de.xlf", copy)
    document = read_path(str(copy))
    with pytest.raises(OutputError, match="would overwrite the input"):
        check_annotation_target([document], str(copy))
    text = tmp_path / "a.txt"
    text.write_text("One sentence.\n")
    with pytest.raises(InputError, match="writes po, tmx, xliff files, not txt"):
        check_annotation_target([read_path(str(text))], str(tmp_path / "out.txt"))
    with pytest.raises(OutputError, match="does not exist"):
        check_annotation_target([document], str(tmp_path / "missing" / "out.xlf"))


def test_output_is_written_atomically_and_a_failed_write_keeps_the_old_file(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    document = read_path(str(L10N / "memoq_en_de.xlf"))
    report = Report([results(document, {"1": "fail"})], "signature")
    out = tmp_path / "out.xlf"
    out.write_bytes(b"previous run")

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("mtqa.core.files.os.replace", broken)
    with pytest.raises(OutputError, match="out.xlf: cannot write the annotated file \\(disk full\\)"):
        annotate_report(report, str(out))
    assert out.read_bytes() == b"previous run" and [p.name for p in tmp_path.iterdir()] == ["out.xlf"]
    monkeypatch.undo()
    annotate_report(report, str(out))
    assert b'<note from="mtqa" priority="1">' in out.read_bytes()
