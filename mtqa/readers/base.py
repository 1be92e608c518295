"""The reader interface and the registry of readers by format name and file extension."""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Iterable

from mtqa.core.documents import Document
from mtqa.core.errors import InputError
from mtqa.readers.decoding import read_text_file


class Reader(ABC):
    """Turns one input into a Document. `format` names it (e.g. "txt", "tsv")."""

    format: str

    def read_path(self, path: str) -> Document:
        """Read a file. Readers that need the raw bytes (XML declares its own encoding)
        or that stream override this; the default decodes the file as text."""
        return self.read_text(path, read_text_file(path))

    @abstractmethod
    def read_text(self, name: str, text: str) -> Document:
        """Read already-decoded text; `name` is used as the document path and in errors."""


_READERS_BY_EXTENSION: dict[str, Reader] = {}
_READERS_BY_FORMAT: dict[str, Reader] = {}


def _normalise_extension(extension: str) -> str:
    return "." + extension.lower().lstrip(".")


def register_reader(extensions: Iterable[str], reader: Reader) -> Reader:
    """Make `reader` handle files with these extensions (".xlf" or "xlf") and its format name."""
    for extension in extensions:
        _READERS_BY_EXTENSION[_normalise_extension(extension)] = reader
    _READERS_BY_FORMAT[reader.format] = reader
    return reader


def known_extensions() -> list[str]:
    return sorted(_READERS_BY_EXTENSION)


def known_formats() -> list[str]:
    return sorted(_READERS_BY_FORMAT)


def is_supported(path: str) -> bool:
    return _normalise_extension(os.path.splitext(path)[1]) in _READERS_BY_EXTENSION


def reader_for_format(input_format: str, name: str) -> Reader:
    """The reader for a format name ("tsv") or an extension (".tsv")."""
    key = input_format.lower()
    reader = _READERS_BY_FORMAT.get(key) or _READERS_BY_EXTENSION.get(_normalise_extension(key))
    if reader is None:
        raise InputError(f"{name}: unknown input format '{input_format}'; known: {', '.join(known_formats())}")
    return reader


def reader_for_path(path: str) -> Reader:
    extension = os.path.splitext(path)[1]
    reader = _READERS_BY_EXTENSION.get(_normalise_extension(extension)) if extension else None
    if reader is None:
        shown = extension or "(no extension)"
        raise InputError(f"{path}: unknown format '{shown}'; known: {', '.join(known_extensions())}")
    return reader
