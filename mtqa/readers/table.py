"""Tables of segments: .tsv, .csv (header row required) and .jsonl (one object a line).

Columns (names are case-insensitive; aliases in brackets):
  target    required  (mt, hyp, hypothesis, translation, tgt, output)
  source    optional  (src)
  reference optional  (ref)
  id        optional  (seg_id, segment_id); default: the 1-based row number
  target_lang optional (target_language, target_locale, tgt_lang, language, lang, locale):
            the row's target language, a tag such as de or pt-BR (a table of several
            languages); in `Segment.meta["target_lang"]`
  source_lang optional (source_language, source_locale, src_lang): the row's source language
Every other column goes to `Segment.meta`. Each row is exactly one Segment of kind "row":
index = 0-based row number, line = the file line where the row starts, column = where the
target cell's text starts on it (1 when it cannot be told: a cell quoted with escapes, a row
over several lines), start/end span the whole target cell. An empty target is still a row. Blank lines are skipped.
CSV and TSV use standard CSV quoting (as written by pandas or Python's csv module).
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from mtqa.core.documents import Document, Segment
from mtqa.core.errors import InputError
from mtqa.readers.base import (
    Reader,
    reader_for_format,
    reader_for_path,
    register_reader,
)
from mtqa.readers.decoding import iter_text_lines, split_lines

COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "target": ("target", "mt", "hyp", "hypothesis", "translation", "tgt", "output"),
    "source": ("source", "src"),
    "reference": ("reference", "ref"),
    "id": ("id", "seg_id", "segment_id"),
    "target_lang": ("target_lang", "target_language", "target_locale", "tgt_lang", "language", "lang", "locale"),
    "source_lang": ("source_lang", "source_language", "source_locale", "src_lang"),
}
LANGUAGE_ROLES = ("target_lang", "source_lang")
# BCP 47 as files write it: de, pt-BR, pt_BR, zh-Hans, sr-Latn-RS.
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")

# Cells can hold whole documents; the csv module's default limit (128 KiB) is arbitrary.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass(frozen=True)
class ColumnRoles:
    """Which input column plays which role (target, source, reference, id)."""

    by_role: dict[str, str]

    @classmethod
    def resolve(cls, columns: Iterable[str], where: str) -> ColumnRoles:
        columns = list(columns)
        by_role: dict[str, str] = {}
        for role, aliases in COLUMN_ALIASES.items():
            matches = [c for c in columns if c.strip().lower() in aliases]
            if len(matches) > 1:
                raise InputError(f"{where}: columns {', '.join(map(repr, matches))} all give the {role}; keep one")
            if matches:
                by_role[role] = matches[0]
        if "target" not in by_role:
            found = ", ".join(map(repr, columns)) or "none"
            raise InputError(
                f"{where}: no 'target' column (or {', '.join(COLUMN_ALIASES['target'][1:])}); columns found: {found}"
            )
        return cls(by_role)

    def segment(self, fields: dict[str, Any], index: int, line: int, where: str, column: int = 1) -> Segment:
        values = {role: _cell_text(fields.get(column), role, where) for role, column in self.by_role.items()}
        target = values["target"] or ""
        return Segment(
            text=target,
            index=index,
            start=0,
            end=len(target),
            line=line,
            column=column,
            id=values.get("id") or str(index + 1),
            source=values.get("source"),
            reference=values.get("reference"),
            kind="row",
            meta={**{k: v for k, v in fields.items() if k not in self.by_role.values()},
                  **{role: _language_tag(values[role], role, where) for role in LANGUAGE_ROLES if values.get(role)}},
        )


def _language_tag(value: str, role: str, where: str) -> str:
    tag = value.strip()
    if not LANGUAGE_TAG.fullmatch(tag):
        raise InputError(f"{where}: {role} {value!r} is not a language tag such as de or pt-BR")
    return tag


def _cell_text(value: Any, role: str, where: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise InputError(f"{where}: '{role}' must be a string, got {type(value).__name__}")


class _RecordingLines:
    """The lines a csv.reader reads: the last one (to find a cell's column in it) and those
    of the row being read (to find where a malformed quoted field opens)."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self.last = ""
        self.row: list[str] = []

    def __iter__(self) -> _RecordingLines:
        return self

    def __next__(self) -> str:
        self.last = next(self._lines)
        self.row.append(self.last)
        return self.last


def _bad_quote(lines: list[str], delimiter: str) -> tuple[int, str]:
    """(0-based line within `lines`, problem) of the quoted field that makes a row malformed:
    one never closed, or closed before the end of its cell (`"a"b`)."""
    opened_at, in_quotes, just_closed, at_field_start = 0, False, False, True
    for number, line in enumerate(lines):
        position = 0
        while position < len(line):
            char = line[position]
            if in_quotes:
                if char == '"' and line.startswith('""', position):
                    position += 1
                elif char == '"':
                    in_quotes, just_closed = False, True
            elif just_closed and char not in (delimiter, "\r", "\n"):
                return opened_at, "is closed before its end (text after the closing quote)"
            elif char == '"' and at_field_start:
                opened_at, in_quotes = number, True
            else:
                just_closed = False
            at_field_start = not in_quotes and char in (delimiter, "\n")
            position += 1
    return opened_at, "is never closed"


def _cell_column(line: str, delimiter: str, position: int, value: str) -> int:
    """1-based column where the text of cell number `position` starts in `line`, when the
    cells before it are unquoted and the cell holds `value` as is or in plain quotes; else 1."""
    cells = line.rstrip("\r\n").split(delimiter)
    if len(cells) <= position or '"' in delimiter.join(cells[:position]):
        return 1
    column = 1 + sum(len(cell) + 1 for cell in cells[:position])
    if cells[position] == value:
        return column
    return column + 1 if cells[position] == f'"{value}"' else 1


def _json_value_column(line: str, key: str, value: str) -> int:
    """1-based column of the text of string `value` under `key` in a JSON line, when it is
    written without escapes; else 1. (Found by searching, not by a regex per row: compiling
    one for every row was most of the time spent reading a JSON-lines file.)"""
    encoded = json.dumps(value, ensure_ascii=False)
    if encoded[1:-1] != value:
        return 1
    quoted_key = json.dumps(key, ensure_ascii=False)
    found = line.find(quoted_key)
    while found != -1:
        position = _skip_blanks(line, found + len(quoted_key))
        if line.startswith(":", position):
            position = _skip_blanks(line, position + 1)
            if line.startswith(encoded, position):
                return position + 2
        found = line.find(quoted_key, found + 1)
    return 1


def _skip_blanks(line: str, position: int) -> int:
    while position < len(line) and line[position] in " \t":
        position += 1
    return position


def _delimited_rows(name: str, lines: Iterable[str], delimiter: str, label: str) -> Iterator[Segment]:
    recorded = _RecordingLines(lines)
    # strict: a quote that never closes, or closes mid-cell, is an error instead of a cell
    # that swallows the rows after it.
    reader = csv.reader(recorded, delimiter=delimiter, strict=True)
    row_line = 1
    try:
        header = next(reader, None)
        while header == []:
            header = next(reader, None)
        if header is None:
            return
        roles = ColumnRoles.resolve(header, f"{name}: line {reader.line_num}")
        duplicates = sorted({c for c in header if header.count(c) > 1})
        if duplicates:
            raise InputError(f"{name}: line {reader.line_num}: duplicate column {duplicates[0]!r}")
        target_at = header.index(roles.by_role["target"])
        index = 0
        while True:
            row_line = reader.line_num + 1
            recorded.row = []
            row = next(reader, None)
            if row is None:
                return
            if not row:
                continue
            where = f"{name}: line {row_line}"
            if len(row) != len(header):
                raise InputError(f"{where}: {len(row)} fields, expected {len(header)} ({', '.join(header)})")
            column = (
                _cell_column(recorded.last, delimiter, target_at, row[target_at]) if reader.line_num == row_line else 1
            )
            yield roles.segment(dict(zip(header, row, strict=False)), index, row_line, where, column)
            index += 1
    except csv.Error as error:
        if '"' in "".join(recorded.row):
            offset, problem = _bad_quote(recorded.row, delimiter)
            raise InputError(f"{name}: line {row_line + offset}: quoted field {problem} "
                             f"(malformed {label}: {error})") from None
        raise InputError(f"{name}: line {reader.line_num}: malformed {label} ({error})") from None


def _jsonl_rows(name: str, lines: Iterable[str]) -> Iterator[Segment]:
    recorded = _RecordingLines(lines)
    for index, (line_number, fields) in enumerate(json_objects(name, recorded)):
        where = f"{name}: line {line_number}"
        roles = ColumnRoles.resolve(fields, where)
        key = roles.by_role["target"]
        target = fields.get(key)
        column = _json_value_column(recorded.last, key, target) if isinstance(target, str) else 1
        yield roles.segment(fields, index, line_number, where, column)


def json_objects(name: str, lines: Iterable[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-blank line of a JSON-lines file; anything else is an InputError."""
    for line_number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{name}: line {line_number}"
        try:
            fields = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(f"{where}: invalid JSON ({error.msg}, column {error.colno})") from None
        if not isinstance(fields, dict):
            raise InputError(f"{where}: expected a JSON object, got {type(fields).__name__}")
        yield line_number, fields


class TableReader(Reader):
    """Rows of a table, read lazily: `iter_rows` never holds the whole file."""

    def __init__(self, format: str, delimiter: str | None) -> None:
        self.format = format
        self.delimiter = delimiter

    def iter_lines(self, name: str, lines: Iterable[str]) -> Iterator[Segment]:
        if self.delimiter is None:
            return _jsonl_rows(name, lines)
        return _delimited_rows(name, lines, self.delimiter, self.format.upper())

    def iter_rows(self, path: str) -> Iterator[Segment]:
        return self.iter_lines(path, iter_text_lines(path))

    def read_path(self, path: str) -> Document:
        return Document(path=path, format=self.format, segments=list(self.iter_rows(path)))

    def read_text(self, name: str, text: str) -> Document:
        return Document(path=name, format=self.format, segments=list(self.iter_lines(name, split_lines(text))))


TSV_READER = register_reader([".tsv", ".tab"], TableReader("tsv", "\t"))
CSV_READER = register_reader([".csv"], TableReader("csv", ","))
JSONL_READER = register_reader([".jsonl", ".ndjson"], TableReader("jsonl", None))


def iter_table_rows(path: str, table_format: str | None = None) -> Iterator[Segment]:
    """Segments (kind "row") of a .tsv/.csv/.jsonl file, one per row, read lazily.

    Segments are not attached to a Document; `table_format` overrides the extension.
    """
    reader = reader_for_format(table_format, path) if table_format else reader_for_path(path)
    if not isinstance(reader, TableReader):
        raise InputError(f"{path}: not a table format ({reader.format}); tables are .tsv, .csv, .jsonl")
    return reader.iter_rows(path)
