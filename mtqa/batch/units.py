"""Work units for batch scoring, streamed so that a huge table is never held in memory.

A text document (txt, md, ...) is one unit: document-context drift compares each sentence
with the whole document, so its sentences are always scored together. A table is cut into
units of `chunk_size` rows (rows are independent), read lazily with the readers' row iterator.
A file's target language, where it declares none, is identified once, from the whole file, as
`mtqa check` does: every unit of the file gets that decision (its result's store key too).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice

from mtqa.core.documents import Document, Segment
from mtqa.core.errors import InputError
from mtqa.readers import expand_inputs, read_path
from mtqa.readers.base import Reader, reader_for_format, reader_for_path
from mtqa.readers.table import TableReader
from mtqa.text.language import (
    identify_language,
    identify_rows,
    identify_target_language,
    set_identified_language,
)

STDIN = "-"


@dataclass
class Unit:
    """Segments scored together. `first_index` is the file position of the first segment
    (table chunks are re-indexed from 0 so that `Segment.neighbours` stays within the chunk)."""

    document: Document
    first_index: int = 0

    @property
    def segments(self) -> list[Segment]:
        return self.document.segments

    def file_index(self, segment: Segment) -> int:
        return self.first_index + segment.index

    def release(self) -> None:
        """Break the segment <-> document reference cycle, so a finished unit is freed at
        once rather than at the next full garbage collection (which lets memory creep)."""
        for segment in self.document.segments:
            segment.document = None


def batch_files(inputs: Sequence[str], input_format: str | None = None) -> list[str]:
    """The files `inputs` name (directories recursively, globs expanded); no standard input,
    because a batch reads its inputs twice (once to count them for the progress bar)."""
    files = expand_inputs(inputs, input_format)
    if STDIN in files:
        raise InputError("-: mtqa batch reads files, not standard input; use mtqa check")
    return files


def _reader(path: str, input_format: str | None) -> Reader:
    return reader_for_format(input_format, path) if input_format else reader_for_path(path)


def iter_units(path: str, chunk_size: int, input_format: str | None = None,
               language: str | None = None) -> Iterator[Unit]:
    """The units of a file. With `language` (the configured target language, a tag such as
    "en-US"; None: no identification), each unit's document gets the target language identified
    from the whole file (`mtqa.text.language`), decided before any unit is scored."""
    reader = _reader(path, input_format)
    if not isinstance(reader, TableReader):
        document = read_path(path, input_format)
        if language is not None:
            identify_target_language(document, language)
        yield Unit(document)
        return
    # A second, streaming read of the file's first rows: a chunk alone is too little to
    # decide from, and holding rows back until there is enough would not bound memory.
    identified = identify_language(reader.iter_rows(path), language) if language is not None else None
    rows = reader.iter_rows(path)
    while chunk := list(islice(rows, chunk_size)):
        first_index = chunk[0].index
        for segment in chunk:
            segment.index -= first_index
        document = Document(path=path, format=reader.format, segments=chunk)
        if language is not None:
            set_identified_language(document, identified)
            if identified is None:
                identify_rows(chunk, language)  # row by row: the same in any chunk
        yield Unit(document, first_index)


def count_segments(path: str, input_format: str | None = None) -> int:
    """Segments in a file, read the same streaming way (for the progress bar's total)."""
    reader = _reader(path, input_format)
    if isinstance(reader, TableReader):
        return sum(1 for _ in reader.iter_rows(path))
    unit = Unit(read_path(path, input_format))
    unit.release()
    return len(unit.segments)
