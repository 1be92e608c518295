"""Visible text of a translation segment, with its inline tags set aside as placeholders.

XLIFF and TMX wrap formatting and variables in inline elements (`<g>`, `<x/>`, `<ph>`,
`<pc>`, `<bpt>`/`<ept>`, `<it>`, `<mrk>`...). Scorers must see the text a reader sees, so
the tags are removed from the text and kept as `InlineTag`s (in `Segment.meta["tags"]` for
the target, `meta["source_tags"]` for the source) with the offset where they stood; the tag
checks compare them. Native code inside `<bpt>`, `<ph>` and the like is not visible text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from mtqa.readers.xml_tree import Element

# Codes whose content is the original format's markup, not text: the content is dropped.
# `it` (an isolated tag) says by its `pos` whether it opens or closes.
_NATIVE_CODE_KIND = {"bpt": "open", "ept": "close", "ph": "standalone", "ut": "standalone", "it": None}
# Empty codes (XLIFF 1.2 x/bx/ex, XLIFF 2 sc/ec).
_EMPTY_CODE_KIND = {"x": "standalone", "bx": "open", "ex": "close", "sc": "open", "ec": "close"}
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
        ident = f' id="{self.id}"' if self.id else ""
        if self.kind == "close":
            return f"</{self.tag}{ident}>"
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


def flatten(element: Element, inline_namespaces: frozenset[str]) -> tuple[str, list[InlineTag]]:
    """(visible text, placeholders) of a `<source>`, `<target>` or `<seg>` element.

    Only elements in `inline_namespaces` (the format's own) are treated as codes; elements
    of other namespaces are transparent (their text is kept).
    """
    pieces: list[str] = []
    tags: list[InlineTag] = []
    length = 0

    def add_tag(child: Element, kind: str) -> None:
        tags.append(InlineTag(child.name, _tag_id(child), kind, length))

    # Walked with a stack, not recursion: a hostile file may nest inline tags 1,000 deep.
    # Each entry: the children still to visit, and the wrapping code to close after them.
    stack: list[tuple[Iterator[str | Element], Element | None]] = [(iter(element.content), None)]
    while stack:
        children, wrapper = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if wrapper is not None:
                add_tag(wrapper, "close")
            continue
        if isinstance(child, str):
            pieces.append(child)
            length += len(child)
            continue
        name = child.name if child.namespace in inline_namespaces else ""
        if name in _NATIVE_CODE_KIND:
            add_tag(child, _NATIVE_CODE_KIND[name] or ("open" if child.get("pos") in ("begin", "open") else "close"))
        elif name in _EMPTY_CODE_KIND:
            add_tag(child, _EMPTY_CODE_KIND[name])
        elif name in _WRAPPING_CODES:
            add_tag(child, "open")
            stack.append((iter(child.content), child))
        elif name == "cp":
            code_point = chr(int(child.get("hex", "20"), 16))  # type: ignore[arg-type]
            pieces.append(code_point)
            length += 1
        else:  # annotation markers and foreign elements: their text is visible
            stack.append((iter(child.content), None))
    return "".join(pieces), tags
