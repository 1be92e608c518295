"""Visible text of a translation segment, with its inline tags set aside as placeholders.

XLIFF and TMX wrap formatting and variables in inline elements (`<g>`, `<x/>`, `<ph>`,
`<pc>`, `<bpt>`/`<ept>`, `<it>`, `<mrk>`...). Scorers must see the text a reader sees, so
the tags are removed from the text and kept as `InlineTag`s (in `Segment.meta["tags"]` for
the target, `meta["source_tags"]` for the source) with the offset where they stood; the tag
checks compare them. Native code inside `<bpt>`, `<ph>` and the like is not visible text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from mtqa.readers.xml_tree import Element

# Codes whose content is the original format's markup, not text: the content is dropped.
# `it` (an isolated tag) says by its `pos` whether it opens or closes.
_NATIVE_CODE_KIND = {"bpt": "open", "ept": "close", "ph": "standalone", "ut": "standalone", "it": None}
# Empty codes (XLIFF 1.2 x/bx/ex, XLIFF 2 sc/ec).
_EMPTY_CODE_KIND = {"x": "standalone", "bx": "open", "ex": "close", "sc": "open", "ec": "close"}
_CODES = frozenset(_NATIVE_CODE_KIND) | frozenset(_EMPTY_CODE_KIND)
# Codes that wrap visible text: an opening and a closing placeholder around it.
_WRAPPING_CODES = frozenset({"g", "pc", "hi"})


@dataclass(frozen=True)
class InlineTag:
    """One placeholder: the element (`g`, `x`...), its id, open/close/standalone, and the
    offset in the visible text where it stood."""

    tag: str
    id: str
    kind: str
    offset: int
    end: int | None = None  # markup written in the text: where it ends (inline elements take no room)

    @property
    def key(self) -> tuple[str, str, str]:
        return self.tag, self.id, self.kind

    def display(self) -> str:
        """The tag as written: `</g>` closes a container; codes that close one (`<ept id="6">`,
        `<ec id="3">`) are elements of their own, shown with their id."""
        if self.kind == "close" and self.tag not in _CODES:
            return f"</{self.tag}>"
        ident = f' id="{self.id}"' if self.id else ""
        return f"<{self.tag}{ident}{'/' if self.kind == 'standalone' else ''}>"

    def to_dict(self) -> dict[str, object]:
        # Spelled out: dataclasses.asdict deep-copies, and was a third of reading an XLIFF file.
        data: dict[str, object] = {"tag": self.tag, "id": self.id, "kind": self.kind, "offset": self.offset}
        if self.end is not None:
            data["end"] = self.end
        return data

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> InlineTag:
        end = data.get("end")
        return cls(str(data["tag"]), str(data["id"]), str(data["kind"]), int(data["offset"]),  # type: ignore[arg-type]
                   None if end is None else int(end))  # type: ignore[arg-type]


def _tag_id(element: Element) -> str:
    for attribute in ("id", "rid", "startRef", "i", "x"):
        if element.get(attribute):
            return element.get(attribute, "")  # type: ignore[return-value]
    return ""


@dataclass(frozen=True)
class _Part:
    """A piece of a segment element in document order: visible `text` (with the raw span of
    the file's text it was read from), an inline `tag`, or one visible `char` (`<cp>`)."""

    kind: str  # "text", "tag" or "char"
    element: Element
    text: str = ""
    tag_kind: str = ""
    raw_start: int = 0
    raw_end: int = 0


@dataclass(slots=True)
class _Frame:
    """An element being walked: its children still to visit (then None), the text read since
    the last code and where in the file it began, and whether it is a wrapping code to close."""

    element: Element
    children: Iterator[str | Element | None]
    raw_start: int
    closes: bool
    texts: list[str] = field(default_factory=list)


def _parts(root: Element, inline_namespaces: frozenset[str]) -> Iterator[_Part]:
    # Walked with a stack, not recursion: a hostile file may nest inline tags 1,000 deep.
    stack = [_Frame(root, iter([*root.content, None]), root.inner_start, closes=False)]
    while stack:
        frame = stack[-1]
        child = next(frame.children)
        if isinstance(child, str):
            frame.texts.append(child)
            continue
        node = frame.element
        if frame.texts:
            raw_end = node.inner_end if child is None else child.start
            yield _Part("text", node, "".join(frame.texts), raw_start=frame.raw_start, raw_end=raw_end)
            frame.texts = []
        if child is None:
            stack.pop()
            if frame.closes:
                yield _Part("tag", node, tag_kind="close")
            continue
        frame.raw_start = child.end
        name = child.name if child.namespace in inline_namespaces else ""
        if name in _NATIVE_CODE_KIND:
            kind = _NATIVE_CODE_KIND[name] or ("open" if child.get("pos") in ("begin", "open") else "close")
            yield _Part("tag", child, tag_kind=kind)
        elif name in _EMPTY_CODE_KIND:
            yield _Part("tag", child, tag_kind=_EMPTY_CODE_KIND[name])
        elif name in _WRAPPING_CODES:
            yield _Part("tag", child, tag_kind="open")
            stack.append(_Frame(child, iter([*child.content, None]), child.inner_start, closes=True))
        elif name == "cp":
            yield _Part("char", child, chr(int(child.get("hex", "20"), 16)), raw_start=child.start,  # type: ignore[arg-type]
                        raw_end=child.end)
        else:  # annotation markers and foreign elements: their text is visible
            stack.append(_Frame(child, iter([*child.content, None]), child.inner_start, closes=False))


def flatten(element: Element, inline_namespaces: frozenset[str]) -> tuple[str, list[InlineTag]]:
    """(visible text, placeholders) of a `<source>`, `<target>` or `<seg>` element.

    Only elements in `inline_namespaces` (the format's own) are treated as codes; elements
    of other namespaces are transparent (their text is kept).
    """
    pieces: list[str] = []
    tags: list[InlineTag] = []
    length = 0
    for part in _parts(element, inline_namespaces):
        if part.kind == "tag":
            tags.append(InlineTag(part.element.name, _tag_id(part.element), part.tag_kind, length))
        else:
            pieces.append(part.text)
            length += len(part.text)
    return "".join(pieces), tags


@dataclass(frozen=True)
class TextRun:
    """Visible text of a segment element that lies in one stretch of the file: characters
    `visible_start`.. of the visible text, read from `raw_start`..`raw_end` of the file's
    text. `atomic` runs (a `<cp>` element) are replaced whole."""

    visible_start: int
    text: str
    raw_start: int
    raw_end: int
    atomic: bool = False


def text_runs(element: Element, inline_namespaces: frozenset[str]) -> list[TextRun]:
    """Where each piece of `flatten(element)`'s visible text sits in the file (mtqa.annotate.targets)."""
    runs, length = [], 0
    for part in _parts(element, inline_namespaces):
        if part.kind != "tag":
            runs.append(TextRun(length, part.text, part.raw_start, part.raw_end, part.kind == "char"))
            length += len(part.text)
    return runs
