"""Plain-text and Markdown documents, split into sentences by `mtqa.text.segmenter`."""

from __future__ import annotations

from mtqa.core.documents import Document
from mtqa.readers.base import Reader, register_reader
from mtqa.text.segmenter import segment_text


class PlainTextReader(Reader):
    format = "txt"
    markdown = False

    def read_text(self, name: str, text: str) -> Document:
        return Document(path=name, format=self.format, segments=segment_text(text, self.markdown), text=text)


class MarkdownReader(PlainTextReader):
    format = "md"
    markdown = True


register_reader([".txt", ".text"], PlainTextReader())
register_reader([".md", ".markdown"], MarkdownReader())
