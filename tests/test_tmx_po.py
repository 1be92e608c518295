"""TMX and gettext PO readers on realistic fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from mtqa.core.errors import InputError
from mtqa.readers import read_path, read_text
from mtqa.readers.inline import InlineTag

L10N = Path(__file__).resolve().parent.parent / "fixtures" / "l10n"


def by_id(document):
    return {segment.id: segment for segment in document.segments}


def test_tmx_pairs_source_and_target_variants() -> None:
    document = read_path(str(L10N / "memory_en_es.tmx"))
    assert (document.format, document.source_lang, document.target_lang) == ("tmx", "en-US", "es-ES")
    units = by_id(document)
    assert units["1"].source == "Press Start to begin." and units["1"].text == "Pulse Inicio para empezar."
    assert units["1"].meta["notes"] == ["Approved by the client."]
    tags = [InlineTag.from_dict(t) for t in units["1"].meta["tags"]]
    assert [(t.tag, t.id, t.kind) for t in tags] == [("bpt", "1", "open"), ("ept", "1", "close")]
    assert units["1"].text[tags[0].offset : tags[1].offset] == "Inicio"
    assert units["3"].source == 'Tap "OK" & wait.'  # CDATA
    assert units["4"].meta["untranslated"] and units["4"].text == ""
    lines = (L10N / "memory_en_es.tmx").read_text("utf-8").splitlines()
    assert lines[units["2"].line - 1][units["2"].column - 1 :].startswith("<seg>La batería")


def tmx(*units: str) -> str:
    return f'<tmx version="1.4"><header srclang="*all*"/><body>{"".join(units)}</body></tmx>'


FR_DE = '<tu><tuv xml:lang="fr"><seg>Bonjour</seg></tuv><tuv xml:lang="de"><seg>Hallo</seg></tuv></tu>'


def test_tmx_srclang_all_takes_the_first_variant_as_source() -> None:
    document = read_text("memory.tmx", tmx(FR_DE), "tmx")
    assert (document.source_lang, document.target_lang) == ("fr", "de")
    assert [(s.source, s.text) for s in document.segments] == [("Bonjour", "Hallo")]


def test_tmx_unit_without_a_source_variant_is_an_error() -> None:
    only_german = '<tu><tuv xml:lang="de"><seg>Nur Deutsch</seg></tuv></tu>'
    with pytest.raises(InputError, match=r"memory.tmx:1: <tu> has no fr variant"):
        read_text("memory.tmx", tmx(FR_DE, only_german), "tmx")


def test_po_entries_plurals_flags_and_comments() -> None:
    document = read_path(str(L10N / "messages_de.po"))
    assert (document.format, document.target_lang) == ("po", "de")
    units = by_id(document)
    # The header and the obsolete (#~) entry are not segments.
    assert list(units) == ["Sign in", "%d file was deleted.[0]", "%d file was deleted.[1]", "Delete 5 files?",
                           "menu|Open", "Visit https://example.com for more \"information\".\\n", "Quit"]
    assert units["Sign in"].text == "Anmelden" and units["Sign in"].meta["notes"] == ["Button on the login screen"]
    assert units["Sign in"].meta["references"] == ["src/login.c:42"]
    plural = units["%d file was deleted.[1]"]
    assert plural.source == "%d files were deleted." and plural.text == "%d Dateien wurden gelöscht."
    assert plural.meta["notes"] == ["Translator: keep it short."] and plural.meta["flags"] == ["c-format"]
    assert units["Delete 5 files?"].meta["fuzzy"] and not units["Sign in"].meta["fuzzy"]
    assert units["menu|Open"].meta["context"] == "menu"
    visit = units['Visit https://example.com for more "information".\\n']
    assert visit.text == 'Besuchen Sie https://example.com für weitere "Informationen".\n'
    assert units["Quit"].meta["untranslated"] and not units["Quit"].scored
    lines = (L10N / "messages_de.po").read_text("utf-8").splitlines()
    assert lines[units["Sign in"].line - 1] == 'msgstr "Anmelden"'
    assert lines[plural.line - 1].startswith("msgstr[1]")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('msgid "a"\nmsgstr "b\n', r"bad.po:2: expected a quoted string"),
        ('msgid "a"\nmsgstr "b"\nnonsense\n', r"bad.po:3: not PO syntax"),
        ('"orphan"\n', r"bad.po:1: string continuation without a keyword"),
    ],
)
def test_bad_po_is_an_input_error_with_a_line(text: str, expected: str) -> None:
    with pytest.raises(InputError, match=expected):
        read_text("bad.po", text, "po")


def test_po_in_a_declared_legacy_charset(tmp_path: Path) -> None:
    path = tmp_path / "legacy.po"
    path.write_bytes('msgid ""\nmsgstr "Content-Type: text/plain; charset=ISO-8859-1\\n"\n\n'
                     'msgid "Coffee"\nmsgstr "Café"\n'.encode("latin-1"))
    assert read_path(str(path)).segments[0].text == "Café"
