"""Notes for XLIFF 1.2 (`<note from="mtqa">` at the end of the trans-unit), XLIFF 2.x
(`<note category="mtqa">` in the unit's `<notes>`, created where the schema wants it) and
TMX (`<note>` first in the `<tu>`), inserted as text: nothing else in the file changes."""

from __future__ import annotations

from mtqa.readers.tmx import parse_tmx
from mtqa.readers.translation import is_annotation
from mtqa.readers.xliff import MTQA_NOTE, parse_xliff
from mtqa.readers.xml_tree import Element, XmlSource

Edit = tuple[int, int, str]  # replace text[start:end] by the string


def apply_edits(text: str, edits: list[Edit]) -> str:
    pieces, position = [], 0
    for start, end, replacement in sorted(edits):
        pieces += [text[position:start], replacement]
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _indent(text: str, element: Element) -> str:
    """The whitespace before `element` on its line ("" if something else precedes it)."""
    line_start = text.rfind("\n", 0, element.start) + 1
    before = text[line_start:element.start]
    return before if not before.strip() else ""


def _removal(text: str, element: Element) -> Edit:
    """Remove `element` together with its own line's indentation and line break."""
    start = element.start - len(_indent(text, element))
    if start > 0 and text[start - 1] == "\n":
        start -= 2 if text[start - 2 : start] == "\r\n" else 1
    return start, element.end, ""


def _prefix(text: str, element: Element) -> str:
    """The namespace prefix the element was written with ('xlf:' or '')."""
    name = text[element.start + 1 :].split(None, 1)[0].split(">", 1)[0].rstrip("/")
    return name.split(":", 1)[0] + ":" if ":" in name else ""


def _priority(note: str) -> str:
    return "1" if note.startswith("mtqa: fail") else "2"


def _xliff1_edits(text: str, unit: Element, note: str | None) -> list[Edit]:
    old = [n for n in unit.find_all("note") if n.get("from") == MTQA_NOTE]
    edits = [_removal(text, n) for n in old]
    if note:
        last = [c for c in unit.children if c not in old][-1]
        prefix = _prefix(text, unit)
        element = f'<{prefix}note from="{MTQA_NOTE}" priority="{_priority(note)}">{_escape(note)}</{prefix}note>'
        edits.append((last.end, last.end, _newline(text) + _indent(text, last) + element))
    return edits


def _xliff2_edits(text: str, unit: Element, note: str | None) -> list[Edit]:
    notes = unit.child("notes")
    old = [n for n in notes.find_all("note") if n.get("category") == MTQA_NOTE] if notes else []
    kept = [n for n in notes.find_all("note") if n not in old] if notes else []
    if notes and old and not kept:
        edits, notes = [_removal(text, notes)], None
    else:
        edits = [_removal(text, n) for n in old]
    if not note:
        return edits
    prefix, newline = _prefix(text, unit), _newline(text)
    element = (f'<{prefix}note category="{MTQA_NOTE}" priority="{_priority(note)}" appliesTo="target">'
               f"{_escape(note)}</{prefix}note>")
    if kept:
        return edits + [(kept[-1].end, kept[-1].end, newline + _indent(text, kept[-1]) + element)]
    # <notes> comes before <originalData> and the segments, after extension elements.
    first = next(c for c in unit.children if c.namespace == unit.namespace and c is not unit.child("notes"))
    indent = _indent(text, first)
    step = indent[len(_indent(text, unit)):] or "  "
    block = f"<{prefix}notes>{newline}{indent}{step}{element}{newline}{indent}</{prefix}notes>{newline}{indent}"
    return edits + [(first.start, first.start, block)]


def _tmx_edits(text: str, tu: Element, note: str | None) -> list[Edit]:
    old = [n for n in tu.find_all("note") if is_annotation(n.text_content())]
    edits = [_removal(text, n) for n in old]
    if note:
        first = next(c for c in tu.children if c not in old)
        edits.append((first.start, first.start, f"<note>{_escape(note)}</note>{_newline(text)}{_indent(text, first)}"))
    return edits


def annotate_xliff(path: str, notes: dict[int, str]) -> bytes:
    parsed = parse_xliff(XmlSource.from_path(path))
    text = parsed.source.text
    unit_edits = _xliff1_edits if parsed.version == 1 else _xliff2_edits
    edits = [e for position, unit in enumerate(parsed.anchors) for e in unit_edits(text, unit, notes.get(position))]
    return parsed.source.encode(apply_edits(text, edits))


def annotate_tmx(path: str, notes: dict[int, str]) -> bytes:
    parsed = parse_tmx(XmlSource.from_path(path))
    text = parsed.source.text
    edits = [e for position, tu in enumerate(parsed.anchors) for e in _tmx_edits(text, tu, notes.get(position))]
    return parsed.source.encode(apply_edits(text, edits))
