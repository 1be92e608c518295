"""Readers turn input files into Documents; the registry picks one by file extension.

    read_inputs(["article.txt", "corpus/", "*.tsv", "-"])  # -> Iterator[Document]

Formats: txt (.txt, .text), md (.md, .markdown), tsv (.tsv, .tab), csv (.csv),
jsonl (.jsonl, .ndjson), xliff (.xlf, .xliff, .sdlxliff, .mxliff), tmx (.tmx), po (.po, .pot).
More are added with `register_reader(extensions, reader)`.
"""

from __future__ import annotations

import glob
import os
import re
import sys
from collections.abc import Iterator, Sequence

from mtqa.core.documents import Document
from mtqa.core.errors import InputError

# Importing the reader modules registers them (`text` under another name: it is a common parameter).
from mtqa.readers import po, table, tmx, xliff  # noqa: F401
from mtqa.readers import text as plain_text  # noqa: F401
from mtqa.readers.base import (
    Reader,
    is_supported,
    known_extensions,
    known_formats,
    reader_for_format,
    reader_for_path,
    register_reader,
)
from mtqa.readers.decoding import check_regular_file, decode_bytes
from mtqa.readers.table import COLUMN_ALIASES, iter_table_rows

__all__ = [
    "Reader",
    "register_reader",
    "known_extensions",
    "known_formats",
    "read_path",
    "read_text",
    "read_inputs",
    "expand_inputs",
    "sniff_format",
    "iter_table_rows",
]

STDIN = "-"
STDIN_NAME = "<stdin>"
_GLOB_CHARACTERS = re.compile(r"[*?\[]")
_MARKDOWN_HINT = re.compile(r"^(#{1,6} |```|~~~|[-*+] \S)", re.MULTILINE)


def read_path(path: str, input_format: str | None = None) -> Document:
    """Read one file; `input_format` ("tsv", ".tsv"...) overrides its extension."""
    reader = reader_for_format(input_format, path) if input_format else reader_for_path(path)
    return reader.read_path(path)


def read_text(name: str, text: str, format: str) -> Document:
    """Read already-decoded text in the given format ("txt", "md", "tsv", ".csv"...)."""
    return reader_for_format(format, name).read_text(name, text)


def sniff_format(text: str) -> str:
    """Guess the format of unnamed input (standard input): a table if the first line is a
    JSON object or a header with a target column, Markdown if it has Markdown blocks,
    otherwise plain text."""
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if first_line.startswith("{"):
        return "jsonl"
    for format, delimiter in (("tsv", "\t"), ("csv", ",")):
        header = [column.strip().strip('"').lower() for column in first_line.split(delimiter)]
        if len(header) > 1 and set(header) & set(COLUMN_ALIASES["target"]):
            return format
    return "md" if _MARKDOWN_HINT.search(text) else "txt"


def _files_under(directory: str) -> list[str]:
    """Supported regular files below `directory`, recursively; hidden folders and files, and
    FIFOs, devices and sockets (reading one would hang or never end), skipped."""
    found = []
    for root, folders, files in os.walk(directory):
        folders[:] = [f for f in folders if not f.startswith(".")]
        candidates = (os.path.join(root, f) for f in files if not f.startswith(".") and is_supported(f))
        found.extend(path for path in candidates if os.path.isfile(path))
    return sorted(found)


def expand_inputs(paths: Sequence[str], input_format: str | None = None) -> list[str]:
    """The files (and "-") that `paths` name, in order, without duplicates.

    Directories are searched recursively and globs expanded; both keep only files with a
    known extension (any file when `input_format` is given), sorted. Raises InputError
    for a missing file, a directory without supported files, or a glob matching nothing.
    """
    expanded: list[str] = []
    for path in paths:
        if path == STDIN:
            expanded.append(STDIN)
        elif os.path.isdir(path):
            files = _files_under(path)
            if not files:
                raise InputError(f"{path}: directory has no supported files ({', '.join(known_extensions())})")
            expanded.extend(files)
        elif _GLOB_CHARACTERS.search(path) and not os.path.exists(path):
            matches = sorted(m for m in glob.glob(path, recursive=True) if os.path.isfile(m))
            files = matches if input_format else [m for m in matches if is_supported(m)]
            if not files:
                problem = "matches no supported files" if matches else "matches no files"
                raise InputError(f"{path}: pattern {problem}")
            expanded.extend(files)
        elif not os.path.exists(path):
            raise InputError(f"{path}: no such file")
        else:
            check_regular_file(path)
            if not input_format:
                reader_for_path(path)  # unknown extensions fail now, before any work
            expanded.append(path)
    return list(dict.fromkeys(expanded))


def read_stdin(input_format: str | None = None) -> Document:
    text = decode_bytes(sys.stdin.buffer.read(), STDIN_NAME)
    return read_text(STDIN_NAME, text, input_format or sniff_format(text))


def read_inputs(paths: Sequence[str], input_format: str | None = None) -> Iterator[Document]:
    """Documents for every input named in `paths` ("-" = standard input).

    All paths are checked before the first document is read, so a typo fails fast; the
    files themselves are read one at a time as the iterator advances.
    """
    if input_format:
        reader_for_format(input_format, "--input-format")
    for path in expand_inputs(paths, input_format):
        yield read_stdin(input_format) if path == STDIN else read_path(path, input_format)
