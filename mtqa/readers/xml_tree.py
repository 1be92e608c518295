"""A small XML tree that remembers where every element sits in the original text.

Translation files are annotated by inserting text at known positions, so that every byte
not touched stays identical (re-serialising a parsed tree would rewrite quotes, entities,
namespace prefixes and whitespace). The standard library's expat parser reports the byte
offset of every tag; those offsets are mapped to character offsets of the decoded text.

    source = XmlSource.from_bytes(data, "file.xlf")
    root = parse_xml(source)          # Element tree with .start/.end offsets and .line
    source.encode(edited_text)        # back to bytes in the file's own encoding and BOM

Time is linear in the file's size, and no function here recurses: elements nested a
thousand deep (inline tags in a hostile file) are read and walked like flat ones.
"""

from __future__ import annotations

import bisect
import codecs
import re
import sys
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.parsers import expat

from mtqa.core.errors import InputError
from mtqa.readers.decoding import open_binary

XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace"
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_DECLARED_ENCODING = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


@dataclass
class XmlSource:
    """The decoded text of an XML file and how to turn edited text back into its bytes."""

    name: str
    text: str
    codec: str
    bom: bytes = b""
    _newlines: array | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def from_bytes(cls, data: bytes, name: str) -> XmlSource:
        bom, codec = b"", "utf-8"
        for mark, bom_codec in _BOMS:
            if data.startswith(mark):
                bom, codec = mark, bom_codec
                break
        else:
            declared = _DECLARED_ENCODING.match(data[:200])
            if declared:
                codec = declared.group(1).decode("ascii").lower()
        try:
            text = data[len(bom):].decode(codec)
        except LookupError:
            raise InputError(f"{name}: unknown encoding {codec!r} in the XML declaration") from None
        except UnicodeDecodeError as error:
            raise InputError(f"{name}: not valid {codec} (byte offset {len(bom) + error.start})") from None
        return cls(name, text, codec, bom)

    @classmethod
    def from_path(cls, path: str) -> XmlSource:
        with open_binary(path) as handle:
            return cls.from_bytes(handle.read(), path)

    def encode(self, text: str) -> bytes:
        return self.bom + text.encode(self.codec)

    def line_column(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset (the newlines are found once)."""
        if self._newlines is None:
            self._newlines = array("q", (m.start() for m in re.finditer("\n", self.text)))
        before = bisect.bisect_left(self._newlines, offset)
        line_start = self._newlines[before - 1] + 1 if before else 0
        return before + 1, offset - line_start + 1


@dataclass(eq=False, slots=True)  # elements compare by identity; slots: a file has millions
class Element:
    """One element: namespace URI, local name, attributes (`{uri}name` for namespaced ones),
    `content` (text and child elements in order) and its place in the decoded text:
    `start` (the '<' of the start tag), `inner_start` (after the start tag), `inner_end`
    (the '<' of the end tag) and `end` (after the end tag). An empty element `<x/>` has
    inner_start == inner_end == end."""

    namespace: str
    name: str
    attributes: dict[str, str]
    start: int
    line: int
    column: int
    inner_start: int = 0
    inner_end: int = 0
    end: int = 0
    content: list[str | Element] = field(default_factory=list)

    @property
    def children(self) -> list[Element]:
        return [c for c in self.content if isinstance(c, Element)]

    def child(self, name: str) -> Element | None:
        return next((c for c in self.children if c.name == name), None)

    def find_all(self, name: str) -> list[Element]:
        return [c for c in self.children if c.name == name]

    def iter(self, name: str | None = None) -> Iterator[Element]:
        """This element and its descendants, in document order."""
        stack = [self]
        while stack:
            element = stack.pop()
            if name is None or element.name == name:
                yield element
            stack.extend(reversed(element.children))

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attributes.get(name, default)

    @property
    def lang(self) -> str | None:
        return self.attributes.get(f"{{{XML_NAMESPACE}}}lang") or self.attributes.get("lang")

    def text_content(self) -> str:
        pieces = []
        stack = [iter(self.content)]
        while stack:
            for item in stack[-1]:
                if isinstance(item, str):
                    pieces.append(item)
                else:
                    stack.append(iter(item.content))
                    break
            else:
                stack.pop()
        return "".join(pieces)


# The rest of a tag after its '<': anything but quotes and '>', or quoted attribute values.
_TAG_REST = re.compile(r"""[^"'>]*(?:(?:"[^"]*"|'[^']*')[^"'>]*)*>""")


def _tag_end(text: str, start: int) -> int:
    """The offset just after the '>' closing the tag that starts at `start`."""
    match = _TAG_REST.match(text, start + 1)
    return match.end() if match else len(text)


def _split_name(qualified: str) -> tuple[str, str]:
    # Interned: a file repeats a few names and one namespace URI a million times.
    namespace, _, local = qualified.rpartition(" ")
    return sys.intern(namespace), sys.intern(local)


def parse_xml(source: XmlSource) -> Element:
    """The root element of `source`; InputError with line and column if it is not well-formed."""
    data = source.text.encode("utf-8")
    text = source.text
    ascii_only = len(data) == len(text)
    cursor = [0, 0]  # a byte offset and its character offset; expat reports offsets in order

    def char_at(byte: int) -> int:
        if ascii_only:
            return byte
        if byte < cursor[0]:
            cursor[:] = [0, 0]
        cursor[1] += len(data[cursor[0]:byte].decode("utf-8"))
        cursor[0] = byte
        return cursor[1]

    parser = expat.ParserCreate(encoding="UTF-8", namespace_separator=" ")
    parser.buffer_text = True
    stack: list[Element] = []
    roots: list[Element] = []

    def start_element(qualified: str, attributes: dict[str, str]) -> None:
        start = char_at(parser.CurrentByteIndex)
        namespace, name = _split_name(qualified)
        named = {}
        for key, value in attributes.items():
            key_namespace, key_name = _split_name(key)
            named[f"{{{key_namespace}}}{key_name}" if key_namespace else key_name] = value
        line, column = source.line_column(start)
        element = Element(namespace, name, named, start, line, column)
        element.inner_start = _tag_end(text, start)
        if stack:
            stack[-1].content.append(element)
        else:
            roots.append(element)
        stack.append(element)

    def end_element(_qualified: str) -> None:
        element = stack.pop()
        if text[element.inner_start - 2 : element.inner_start] == "/>":
            element.inner_end = element.end = element.inner_start
        else:
            element.inner_end = char_at(parser.CurrentByteIndex)
            element.end = _tag_end(text, element.inner_end)

    def character_data(data: str) -> None:
        if stack:
            stack[-1].content.append(data)

    parser.StartElementHandler = start_element
    parser.EndElementHandler = end_element
    parser.CharacterDataHandler = character_data
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        raise InputError(
            f"{source.name}:{error.lineno}:{error.offset + 1}: malformed XML ({expat.errors.messages[error.code]})"
        ) from None
    return roots[0]
