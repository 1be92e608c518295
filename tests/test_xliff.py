"""XLIFF 1.2 and 2.x readers on CAT-tool-like fixtures: text, placeholders, notes, locations, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from mtqa.cli import main
from mtqa.core.errors import InputError
from mtqa.readers import read_path, read_text
from mtqa.readers.inline import InlineTag

L10N = Path(__file__).resolve().parent.parent / "fixtures" / "l10n"


def by_id(document):
    return {segment.id: segment for segment in document.segments}


def line_at(path: Path, segment) -> str:
    """The file's text from the segment's line and column on."""
    return path.read_text("utf-8").splitlines()[segment.line - 1][segment.column - 1 :]


def tags(segment, key="tags"):
    return [InlineTag.from_dict(t) for t in segment.meta[key]]


def test_xliff12_languages_units_and_visible_text() -> None:
    document = read_path(str(L10N / "memoq_en_de.xlf"))
    assert (document.format, document.source_lang, document.target_lang) == ("xliff", "en-US", "de-DE")
    units = by_id(document)
    # translate="no" leaves unit 8 out; the seg-source of unit 9 gives two segments.
    assert list(units) == ["1", "2", "3", "4", "5", "6", "7", "9a", "9b"]
    assert all(s.kind == "unit" for s in document.segments)
    assert units["1"].text == "Sparen Sie 20 % bei Ihrer ersten Bestellung."
    assert units["1"].source == "Save 20% on your first order."
    # CDATA and entities are text; native code inside <bpt>/<ept> is not.
    assert units["5"].source == "Use the <Ctrl> key & the mouse."
    assert units["4"].source == "Click  to open the help page."
    assert units["7"].source == "Terms & conditions apply\u2019s."
    assert units["9b"].source == "It is free." and units["9b"].text == "Es ist kostenlos."


def test_xliff12_placeholders_keep_their_offsets() -> None:
    units = by_id(read_path(str(L10N / "memoq_en_de.xlf")))
    bold = tags(units["1"])
    assert [(t.tag, t.id, t.kind) for t in bold] == [("g", "1", "open"), ("g", "1", "close")]
    assert units["1"].text[bold[0].offset : bold[1].offset] == "20 %"
    source_tags = tags(units["4"], "source_tags")
    assert [t.display() for t in source_tags] == ['<x id="5"/>', '<bpt id="6">', '<ept id="6">']
    assert tags(units["4"]) == []


def test_xliff12_notes_states_and_untranslated_units() -> None:
    path = L10N / "memoq_en_de.xlf"
    units = by_id(read_path(str(path)))
    assert units["1"].meta["notes"] == ["Keep the discount in bold."]
    assert units["4"].meta["notes"][0].startswith("mtqa: ignore[")
    assert units["4"].meta["state"] == "needs-review-translation"
    assert units["7"].text == "" and units["7"].meta["untranslated"] and not units["7"].scored
    assert not units["1"].meta["untranslated"]
    # line/column point at the <target> element (at the unit when there is none).
    assert line_at(path, units["2"]).startswith("<target")
    assert line_at(path, units["7"]).startswith('<trans-unit id="7"')
    # A segmented unit: each segment points at its own <mrk> inside the target.
    assert line_at(path, units["9b"]).startswith('<mrk mtype="seg" mid="9b">Es ist')


def test_xliff21_segments_notes_and_codes() -> None:
    path = L10N / "okapi_en_fr.xlf"
    document = read_path(str(path))
    assert (document.source_lang, document.target_lang, document.meta["xliff_version"]) == ("en", "fr", "2.1")
    units = by_id(document)
    assert list(units) == ["s1", "s2", "settings", "logout", "tm"]  # <ignorable> is not a segment
    assert units["s1"].source == "Welcome back, !" and units["s1"].text == "Bon retour,  !"
    assert units["s1"].meta["notes"] == units["s2"].meta["notes"] == ["Shown on the start screen."]
    assert units["s2"].meta["state"] == "translated"
    pc = tags(units["s2"])
    assert units["s2"].text[pc[0].offset : pc[1].offset] == "3 nouveaux"
    assert [t.display() for t in tags(units["settings"])] == ['<ec id="3">', '<sc id="3">']
    assert units["tm"].text.startswith("Acme Cloud")  # <mrk> content is text, not a code
    assert tags(units["tm"]) == []
    assert units["logout"].meta["untranslated"]
    assert line_at(path, units["settings"]).startswith("<target>")


def test_xliff_read_text_and_other_encodings(tmp_path: Path) -> None:
    text = (L10N / "okapi_en_fr.xlf").read_text("utf-8")
    assert [s.id for s in read_text("inline.xlf", text, "xliff").segments][:2] == ["s1", "s2"]
    latin1 = tmp_path / "latin1.xlf"
    latin1.write_bytes(
        '<?xml version="1.0" encoding="ISO-8859-1"?>\n<xliff version="1.2" '
        'xmlns="urn:oasis:names:tc:xliff:document:1.2"><file source-language="en" target-language="fr">'
        '<body><trans-unit id="a"><source>Coffee</source><target>Café</target></trans-unit></body></file></xliff>'
        .encode("latin-1")
    )
    assert read_path(str(latin1)).segments[0].text == "Café"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("malformed.xlf", "malformed.xlf:7:"),
        ("unknown_version.xlf", "unsupported XLIFF version '3.0'"),
        ("mismatched_segments.xlf", "mismatched_segments.xlf:8: trans-unit '1' has 2 source segments but 1 target"),
    ],
)
def test_bad_xliff_is_an_input_error_with_a_location(name: str, expected: str) -> None:
    with pytest.raises(InputError, match=expected.replace("(", r"\(")):
        read_path(str(L10N / "bad" / name))


def test_bad_xliff_exits_2_naming_the_file(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(L10N / "bad" / "malformed.xlf")
    assert main(["check", path, "--no-progress"]) == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith(f"mtqa: error: {path}:7:") and "mismatched tag" in error
    assert len(error.splitlines()) == 1
