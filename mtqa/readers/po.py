"""gettext PO files (.po, .pot): one segment per msgstr, plural forms included.

The target language comes from the header's `Language:`; the source language from
`X-Source-Language:` when present. Fuzzy entries are read (they are the ones needing review)
and marked `meta["fuzzy"]`; obsolete (`#~`) entries are left out; entries with an empty
msgstr are untranslated (see mtqa.readers.translation). Translator (`# `) and extracted
(`#.`) comments go to `meta["notes"]`, except mtqa's own `# mtqa: review ...` comments.

Plural entries: `msgstr[0]` is compared with `msgid` and the other forms with `msgid_plural`;
in a language with one form (`nplurals=1`) that form serves every count, so it is compared
with `msgid_plural`. `meta["plural"]` records the form, both msgids, and whether the header's
`Plural-Forms` expression selects the form for few counts (fewer than FEW_COUNTS: the form
for n = 1, French's for n = 0 and 1, may spell the number out instead of printing it, as
`msgfmt --check-format` allows), and how many
forms the entry has against the header's `nplurals` (checks/plural-forms reports a mismatch). A `.pot`
file, or one whose every msgstr is empty, is a template (`Document.meta["template"]`).
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass, field
from functools import lru_cache

from mtqa.core.documents import Document
from mtqa.core.errors import InputError
from mtqa.readers.base import Reader, register_reader
from mtqa.readers.decoding import decode_bytes, split_lines
from mtqa.readers.translation import TranslationUnit, build_document, is_annotation

_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*)$")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_ESCAPE = re.compile(r"\\(.)")
_CHARSET = re.compile(rb"charset=([A-Za-z0-9._-]+)")
_NPLURALS = re.compile(r"nplurals\s*=\s*(\d+)")


@dataclass
class PoEntry:
    first_line: int  # 0-based index of the entry's first line
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    msgstr_line: dict[int, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    mtqa_lines: list[int] = field(default_factory=list)  # earlier mtqa comments, replaced on write-back
    obsolete: bool = False


@dataclass
class PoFile:
    name: str
    lines: list[str]
    codec: str
    bom: bytes
    entries: list[PoEntry]
    header: dict[str, str]

    @property
    def newline(self) -> str:
        return "\r\n" if self.lines and self.lines[0].endswith("\r\n") else "\n"

    def encode(self, text: str) -> bytes:
        return self.bom + text.encode(self.codec)


def _unquote(quoted: str, where: str) -> str:
    quoted = quoted.strip()
    if len(quoted) < 2 or not (quoted[0] == quoted[-1] == '"'):
        raise InputError(f"{where}: expected a quoted string, found {quoted[:40]!r}")
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(0)), quoted[1:-1])


def _parse_entries(name: str, lines: list[str]) -> list[PoEntry]:
    entries: list[PoEntry] = []
    entry: PoEntry | None = None
    keywords: set[str] = set()  # keywords the current entry has had
    field_name: tuple[str, int] | None = None  # what a continuation line ("...") appends to

    def begin(index: int) -> PoEntry:
        nonlocal field_name
        new = PoEntry(index)
        entries.append(new)
        keywords.clear()
        field_name = None
        return new

    for index, raw in enumerate(lines):
        stripped = raw.strip()
        where = f"{name}:{index + 1}"
        if not stripped:
            entry = None
            continue
        if stripped.startswith("#"):
            if entry is None or keywords:
                entry = begin(index)
            _comment(entry, stripped, index)
            continue
        if stripped.startswith('"'):
            if entry is None or field_name is None:
                raise InputError(f"{where}: string continuation without a keyword before it")
            _append(entry, field_name, _unquote(stripped, where))
            continue
        keyword = _KEYWORD.match(stripped)
        if keyword is None:
            raise InputError(f"{where}: not PO syntax: {stripped[:40]!r}")
        found, plural_index, rest = keyword.groups()
        if entry is None or (found == "msgctxt" and keywords) or (found == "msgid" and "msgid" in keywords):
            entry = begin(index)
        keywords.add(found)
        field_name = ("msgstr", int(plural_index or 0)) if found.startswith("msgstr") else (found, 0)
        if field_name[0] == "msgstr":
            entry.msgstr_line[field_name[1]] = index
        _append(entry, field_name, _unquote(rest, where), first=True)
    return [e for e in entries if not e.obsolete and (e.msgstr or e.msgid)]


def _comment(entry: PoEntry, comment: str, index: int) -> None:
    if comment.startswith("#~"):
        entry.obsolete = True
    elif is_annotation(comment[1:]):
        entry.mtqa_lines.append(index)
    elif comment.startswith("#."):
        entry.notes.append(comment[2:].strip())
    elif comment.startswith("#:"):
        entry.references.extend(comment[2:].split())
    elif comment.startswith("#,"):
        entry.flags.extend(flag.strip() for flag in comment[2:].split(","))
    elif comment.startswith(("# ", "#\t")) or comment == "#":
        entry.notes.append(comment[1:].strip())


def _append(entry: PoEntry, key: tuple[str, int], value: str, first: bool = False) -> None:
    name, index = key
    if name == "msgstr":
        entry.msgstr[index] = ("" if first else entry.msgstr.get(index, "")) + value
    elif name == "msgctxt":
        entry.msgctxt = ("" if first else entry.msgctxt or "") + value
    elif name == "msgid_plural":
        entry.msgid_plural = ("" if first else entry.msgid_plural or "") + value
    else:
        entry.msgid = ("" if first else entry.msgid) + value


def _header(entries: list[PoEntry]) -> dict[str, str]:
    if not entries or entries[0].msgid or entries[0].msgctxt is not None:
        return {}
    fields = (line.split(":", 1) for line in entries[0].msgstr.get(0, "").split("\n") if ":" in line)
    return {key.strip().lower(): value.strip() for key, value in fields}


def decode_po(data: bytes, name: str) -> tuple[str, str, bytes]:
    """(text, codec, byte-order mark) using the header's charset, UTF-8 by default."""
    declared = _CHARSET.search(data[:4096])
    codec = declared.group(1).decode("ascii").lower() if declared else "utf-8"
    # "CHARSET" is the placeholder of a fresh .pot template.
    if codec in ("utf-8", "utf8", "charset"):
        text = decode_bytes(data, name)
        bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
        return text, "utf-8", bom
    try:
        return data.decode(codec), codec, b""
    except (LookupError, UnicodeDecodeError) as error:
        raise InputError(f"{name}: cannot decode as its declared charset {codec} ({error})") from None


def parse_po(name: str, text: str, codec: str = "utf-8", bom: bytes = b"") -> PoFile:
    lines = split_lines(text)
    entries = _parse_entries(name, lines)
    return PoFile(name, lines, codec, bom, entries, _header(entries))


def read_po_file(path: str) -> PoFile:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror})") from None
    return parse_po(path, *decode_po(data, path))


_PLURAL = re.compile(r"plural\s*=\s*([^;]+)")
# Counts tried when telling which plural forms serve few counts; a form selected for fewer than
# FEW_COUNTS of them may leave the count out (gettext's msgfmt, OFTEN in msgl-check.c).
_COUNTS = range(0, 1001)
FEW_COUNTS = 5


@lru_cache(maxsize=64)
def few_count_forms(plural_forms: str) -> frozenset[int]:
    """Forms that the `Plural-Forms` header's expression selects for fewer than FEW_COUNTS counts
    in 0..1000 (e.g. form 0 of `plural=(n != 1)` and of French's `plural=(n > 1)`, forms 0-2 of
    Arabic's); empty when the expression cannot be read."""
    match = _PLURAL.search(plural_forms)
    if match is None:
        return frozenset()
    try:
        select = gettext.c2py(match.group(1).strip())
        counts: dict[int, int] = {}
        for n in _COUNTS:
            form = select(n)
            counts[form] = counts.get(form, 0) + 1
    except (ValueError, SyntaxError, ZeroDivisionError, RecursionError):
        return frozenset()
    return frozenset(form for form, times in counts.items() if times < FEW_COUNTS)


def _units(po: PoFile) -> list[TranslationUnit]:
    plural_forms = po.header.get("plural-forms", "")
    match = _NPLURALS.search(plural_forms)
    nplurals = int(match.group(1)) if match else None
    single = few_count_forms(plural_forms)
    units = []
    for position, entry in enumerate(po.entries):
        if not entry.msgid and entry.msgctxt is None:
            continue  # the header
        for form in sorted(entry.msgstr):
            one_form = nplurals == 1 or len(entry.msgstr) == 1
            source = entry.msgid if entry.msgid_plural is None or form == 0 and not one_form else entry.msgid_plural
            line = entry.msgstr_line[form]
            readable_msgid = entry.msgid.replace("\n", "\\n")
            entry_id = f"{entry.msgctxt}|{readable_msgid}" if entry.msgctxt else readable_msgid
            unit = TranslationUnit(entry_id if entry.msgid_plural is None else f"{entry_id}[{form}]",
                                   source, entry.msgstr[form], line + 1, 1, position, notes=list(entry.notes))
            unit.meta.update(fuzzy="fuzzy" in entry.flags, flags=list(entry.flags),
                             references=list(entry.references))
            if entry.msgctxt is not None:
                unit.meta["context"] = entry.msgctxt
            if entry.msgid_plural is not None:
                unit.meta["plural"] = {"form": form, "msgid": entry.msgid, "msgid_plural": entry.msgid_plural,
                                       "few_counts": form in single and not one_form, "forms": len(entry.msgstr),
                                       "nplurals": nplurals}
            units.append(unit)
    return units


class PoReader(Reader):
    format = "po"

    def read_path(self, path: str) -> Document:
        return self.document(read_po_file(path))

    def read_text(self, name: str, text: str) -> Document:
        return self.document(parse_po(name, text))

    def document(self, po: PoFile) -> Document:
        units = _units(po)
        template = po.name.lower().endswith(".pot") or not any((u.target or "").strip() for u in units)
        # msgids are in English unless the header says otherwise (the gettext convention).
        return build_document(po.name, self.format, units, po.header.get("x-source-language") or "en",
                              po.header.get("language") or None, template=template)


register_reader([".po", ".pot"], PoReader())
