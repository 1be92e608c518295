"""Write edited targets back into a file of the format it came from (the dashboard's
"Edited document"): every byte outside the changed text stays as it was.

    replace_targets("xliff", "file.xlf", data, {3: "Neuer Text."})   # segment index -> new target

XLIFF and TMX: only the characters of the target's visible text that changed are replaced,
found by a character diff of old and new text, so inline tags (`<g>`, `<x/>`, `<ph>`...)
stay where they stood and entities elsewhere are not rewritten. PO: the entry's `msgstr`
(or `msgstr[n]`) lines are replaced. TSV/CSV: the edited rows' lines are written again with
the file's delimiter and line ending, the target cell replaced (columns as the table reader
finds them, `mtqa.readers.table`); JSON lines: the edited rows' objects are written again.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from mtqa.annotate.xml import Edit, _escape, apply_edits
from mtqa.core.errors import InputError
from mtqa.readers.decoding import decode_bytes, split_lines
from mtqa.readers.inline import TextRun, text_runs
from mtqa.readers.po import _units as po_units
from mtqa.readers.po import decode_po, parse_po
from mtqa.readers.table import ColumnRoles
from mtqa.readers.tmx import parse_tmx
from mtqa.readers.translation import TranslationUnit
from mtqa.readers.xliff import parse_xliff
from mtqa.readers.xml_tree import Element, XmlSource

Edits = dict[int, str]  # segment index -> new target text
_RAW_TOKEN = re.compile(r"<!--.*?-->|<\?.*?\?>|<!\[CDATA\[(.*?)\]\]>|&#x([0-9a-fA-F]+);|&#([0-9]+);|&(\w+);|\r\n?|.",
                        re.DOTALL)
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def _raw_offsets(raw: str, base: int, expected: str) -> list[int] | None:
    """File offset of each character of `expected` (and of its end) as read from `raw`, which
    starts at `base`; None where `raw` does not decode to `expected`."""
    decoded: list[str] = []
    offsets: list[int] = []
    for token in _RAW_TOKEN.finditer(raw):
        text = token.group()
        if text.startswith(("<!--", "<?")):
            continue
        if token.group(1) is not None:  # CDATA: its characters as they are
            start = token.start(1)
            chars = [(c, base + start + i) for i, c in enumerate(token.group(1))]
        elif token.group(2) or token.group(3):
            chars = [(chr(int(token.group(2), 16) if token.group(2) else int(token.group(3))), base + token.start())]
        elif token.group(4):
            chars = [(_ENTITIES.get(token.group(4), ""), base + token.start())]
        else:
            chars = [("\n" if text.startswith("\r") else text, base + token.start())]
        for char, offset in chars:
            decoded.append(char)
            offsets.append(offset)
    if "".join(decoded) != expected:
        return None
    return offsets + [base + len(raw)]


@dataclass(frozen=True)
class _Run:
    """Visible text read from one stretch of the file: `offsets[k]` is where its character k
    starts in the file's text, `offsets[-1]` where the stretch ends."""

    visible_start: int
    text: str
    offsets: list[int]


def _xml_run(text: str, run: TextRun) -> _Run:
    mapped = None if run.atomic else _raw_offsets(text[run.raw_start:run.raw_end], run.raw_start, run.text)
    if mapped is None:  # replaced as a whole: its first character stands for all of it
        mapped = [run.raw_start] + [run.raw_end] * len(run.text)
    return _Run(run.visible_start, run.text, mapped)


def _diff_edits(runs: list[_Run], new: str, escape: Callable[[str], str]) -> list[Edit]:
    """Edits that make the visible text of `runs` (at least one) read `new`: a character diff,
    so only what changed is rewritten and whatever separates the runs (tags, line breaks of
    the file) stays where it was."""
    old = "".join(run.text for run in runs)
    edits: list[Edit] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        replacement = escape(new[j1:j2])
        if i1 == i2:  # an insertion: into the run that ends here, else the one that starts here
            run = next((r for r in runs if r.visible_start < i1 <= r.visible_start + len(r.text)),
                       next(r for k, r in enumerate(runs) if r.visible_start >= i1 or k == len(runs) - 1))
            position = run.offsets[min(max(i1 - run.visible_start, 0), len(run.text))]
            edits.append((position, position, replacement))
            continue
        for run in runs:  # the replacement goes where the replaced text begins
            first, last = max(i1, run.visible_start), min(i2, run.visible_start + len(run.text))
            if first < last:
                edits.append((run.offsets[first - run.visible_start], run.offsets[last - run.visible_start],
                              replacement))
                replacement = ""
    return edits


def replace_visible_text(text: str, element: Element, inline_namespaces: frozenset[str], new: str) -> list[Edit]:
    """Edits of the file's `text` that make `element`'s visible text read `new`."""
    runs = [_xml_run(text, run) for run in text_runs(element, inline_namespaces)]
    if not runs:
        return [(element.inner_start, element.inner_start, _escape(new))] if new else []
    return _diff_edits(runs, new, _escape)


def _translation_units(units: list[TranslationUnit], edits: Edits, name: str, text: str,
                       namespaces: frozenset[str]) -> list[Edit]:
    changes: list[Edit] = []
    for index, new in edits.items():
        if not 0 <= index < len(units):
            raise InputError(f"{name}: no segment {index} to write back")
        element = units[index].target_element
        if element is None:
            raise InputError(f"{name}: unit {units[index].id!r} has no target element to write the edit into")
        changes += replace_visible_text(text, element, namespaces, new)
    return changes


def _xliff(name: str, data: bytes, edits: Edits) -> bytes:
    parsed = parse_xliff(XmlSource.from_bytes(data, name))
    text = parsed.source.text
    changes = _translation_units(parsed.units, edits, name, text, frozenset({parsed.root.namespace}))
    return parsed.source.encode(apply_edits(text, changes))


def _tmx(name: str, data: bytes, edits: Edits) -> bytes:
    parsed = parse_tmx(XmlSource.from_bytes(data, name))
    text = parsed.source.text
    return parsed.source.encode(apply_edits(text, _translation_units(parsed.units, edits, name, text, frozenset({""}))))


_PO_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}
_PO_UNESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def _po_escape(value: str) -> str:
    return "".join(_PO_ESCAPES.get(char, char) for char in value)


def _po_runs(lines: list[str], starts: list[int], first: int, last: int) -> list[_Run]:
    """The quoted strings of lines first..last-1 (a msgstr and its continuation lines)."""
    runs, length = [], 0
    for number in range(first, last):
        line = lines[number]
        opening, closing = line.index('"'), line.rstrip("\r\n").rindex('"')
        chars, offsets, position = [], [], opening + 1
        while position < closing:
            offsets.append(starts[number] + position)
            if line[position] == "\\":
                chars.append(_PO_UNESCAPES.get(line[position + 1], line[position + 1]))
                position += 2
            else:
                chars.append(line[position])
                position += 1
        runs.append(_Run(length, "".join(chars), offsets + [starts[number] + closing]))
        length += len(chars)
    return runs


def _po(name: str, data: bytes, edits: Edits) -> bytes:
    po = parse_po(name, *decode_po(data, name))
    units = po_units(po)
    forms: list[int] = []  # the msgstr form of each unit: an entry's units are its forms in order
    for position, unit in enumerate(units):
        same_entry = position > 0 and units[position - 1].unit == unit.unit
        forms.append(forms[-1] + 1 if same_entry else 0)
    starts = [0]
    for line in po.lines:
        starts.append(starts[-1] + len(line))
    changes: list[Edit] = []
    for index, new in edits.items():
        if not 0 <= index < len(units):
            raise InputError(f"{name}: no segment {index} to write back")
        entry = po.entries[units[index].unit]
        first = entry.msgstr_line[sorted(entry.msgstr)[forms[index]]]
        last = first + 1
        while last < len(po.lines) and po.lines[last].strip().startswith('"'):
            last += 1
        changes += _diff_edits(_po_runs(po.lines, starts, first, last), new, _po_escape)
    return po.encode(apply_edits("".join(po.lines), changes))


def _text_encoding(data: bytes) -> tuple[bytes, str]:
    """(byte-order mark, codec) a decoded text file is written back with."""
    for mark, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                        (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(mark):
            return mark, codec
    return b"", "utf-8"


def _table(delimiter: str | None) -> Callable[[str, bytes, Edits], bytes]:
    def write(name: str, data: bytes, edits: Edits) -> bytes:
        bom, codec = _text_encoding(data)
        lines = split_lines(decode_bytes(data, name))
        rows = _json_rows(name, lines) if delimiter is None else _delimited_rows(name, lines, delimiter)
        new_lines: dict[int, tuple[int, str]] = {}  # first line -> (lines replaced, new text)
        for index, (first, count, rewrite) in enumerate(rows):
            if index in edits:
                newline = "\r\n" if lines[first + count - 1].endswith("\r\n") else "\n"
                new_lines[first] = (count, rewrite(edits[index], newline))
        missing = sorted(set(edits) - set(range(index + 1 if lines else 0)))
        if missing:
            raise InputError(f"{name}: no row {missing[0]} to write back")
        out, position = [], 0
        while position < len(lines):
            count, text = new_lines.get(position, (1, lines[position]))
            out.append(text)
            position += count
        return bom + "".join(out).encode(codec)

    return write


Row = tuple[int, int, Callable[[str, str], str]]  # (first line, line count, rewrite(new target, newline))


def _delimited_rows(name: str, lines: list[str], delimiter: str) -> list[Row]:
    reader = csv.reader(lines, delimiter=delimiter)
    rows: list[Row] = []
    target_at = None
    consumed = 0
    for fields in reader:
        first, consumed = consumed, reader.line_num
        if not fields:
            continue
        if target_at is None:
            target_at = fields.index(ColumnRoles.resolve(fields, name).by_role["target"])
            continue

        def rewrite(new: str, newline: str, fields: list[str] = fields, target_at: int = target_at) -> str:
            stream = io.StringIO()
            csv.writer(stream, delimiter=delimiter, lineterminator=newline).writerow(
                [new if position == target_at else value for position, value in enumerate(fields)])
            return stream.getvalue()

        rows.append((first, consumed - first, rewrite))
    return rows


def _json_rows(name: str, lines: list[str]) -> list[Row]:
    rows: list[Row] = []
    for number, line in enumerate(lines):
        if not line.strip():
            continue
        fields = json.loads(line)
        key = ColumnRoles.resolve(fields, f"{name}: line {number + 1}").by_role["target"]

        def rewrite(new: str, newline: str, fields: dict = fields, key: str = key) -> str:
            return json.dumps({**fields, key: new}, ensure_ascii=False) + newline

        rows.append((number, 1, rewrite))
    return rows


WRITERS: dict[str, Callable[[str, bytes, Edits], bytes]] = {
    "xliff": _xliff, "tmx": _tmx, "po": _po,
    "tsv": _table("\t"), "csv": _table(","), "jsonl": _table(None),
}
"""Formats whose files `replace_targets` writes back (the others are text, written as text)."""


def replace_targets(format: str, name: str, data: bytes, edits: Edits) -> bytes:
    """The file `data` (named `name`, in reader format `format`) with the targets of the
    segments in `edits` replaced; InputError when a format or segment cannot be written."""
    if format not in WRITERS:
        raise InputError(f"{name}: edited {format} files are written as text, not by replace_targets")
    if not edits:
        return data
    return WRITERS[format](name, data, edits)
