"""XLIFF 1.2 (also 1.1, and Trados/Phrase variants .sdlxliff/.mxliff) and XLIFF 2.0/2.1.

One segment per `<trans-unit>` (1.x; per `<mrk mtype="seg">` when a `<seg-source>` splits
the unit) or per `<segment>` (2.x). Units marked translate="no" are left out. A file without
any `<target>` is a template (`Document.meta["template"]`): its untranslated units are not
reported. Notes written
by mtqa itself (from="mtqa" / category="mtqa", see mtqa.annotate) are not read as notes.
"""

from __future__ import annotations

from dataclasses import dataclass

from mtqa.core.documents import Document
from mtqa.core.errors import InputError
from mtqa.readers.base import Reader, register_reader
from mtqa.readers.inline import flatten
from mtqa.readers.translation import TranslationUnit, build_document
from mtqa.readers.xml_tree import Element, XmlSource, parse_xml

SUPPORTED_VERSIONS = {"1.1": 1, "1.2": 1, "2.0": 2, "2.1": 2}
MTQA_NOTE = "mtqa"


@dataclass
class XliffFile:
    """A parsed XLIFF file: its units, each with the element mtqa annotates."""

    source: XmlSource
    root: Element
    version: int
    units: list[TranslationUnit]
    anchors: list[Element]  # anchors[unit.unit]: the <trans-unit>/<unit> element
    source_lang: str | None
    target_lang: str | None


def _where(source: XmlSource, element: Element) -> str:
    return f"{source.name}:{element.line}"


def _own_elements(root: Element, name: str) -> list[Element]:
    """Elements named `name` in the XLIFF namespace (extensions may reuse the name)."""
    return [e for e in root.iter(name) if e.namespace == root.namespace]


def _notes(elements: list[Element], mine: str, attribute: str) -> list[str]:
    return [n.text_content().strip() for n in elements if n.get(attribute) != mine and n.text_content().strip()]


def _segment_pairs_1x(source: XmlSource, unit: Element) -> list[tuple[str, Element, Element | None]]:
    """(id, source element, target element) for each segment of a 1.x trans-unit."""
    unit_id = unit.get("id") or str(unit.line)
    target = unit.child("target")
    seg_source = unit.child("seg-source")
    source_segments = [m for m in seg_source.iter("mrk") if m.get("mtype") == "seg"] if seg_source else []
    if not source_segments:
        return [(unit_id, unit.child("source"), target)]  # type: ignore[list-item]
    target_segments = [m for m in target.iter("mrk") if m.get("mtype") == "seg"] if target else []
    if target_segments and len(target_segments) != len(source_segments):
        raise InputError(
            f"{_where(source, target)}: trans-unit {unit_id!r} has {len(source_segments)} source "  # type: ignore[arg-type]
            f"segments but {len(target_segments)} target segments"
        )
    by_mid = {m.get("mid"): m for m in target_segments}
    return [(m.get("mid") or unit_id, m, by_mid.get(m.get("mid"))) for m in source_segments]


def _units_1x(source: XmlSource, root: Element, anchors: list[Element]) -> list[TranslationUnit]:
    namespaces = frozenset({root.namespace})
    units = []
    for unit in _own_elements(root, "trans-unit"):
        if unit.get("translate") == "no":
            continue
        if unit.child("source") is None:
            raise InputError(f"{_where(source, unit)}: trans-unit {unit.get('id')!r} has no <source>")
        notes = _notes(unit.find_all("note"), MTQA_NOTE, "from")
        for segment_id, source_element, target_element in _segment_pairs_1x(source, unit):
            units.append(_unit(segment_id, source_element, target_element, unit, len(anchors), notes, namespaces))
        anchors.append(unit)
    return units


def _units_2x(source: XmlSource, root: Element, anchors: list[Element]) -> list[TranslationUnit]:
    namespaces = frozenset({root.namespace})
    units = []
    for unit in _own_elements(root, "unit"):
        if unit.get("translate") == "no":
            continue
        notes_element = unit.child("notes")
        notes = _notes(notes_element.find_all("note"), MTQA_NOTE, "category") if notes_element else []
        segments = unit.find_all("segment")
        if not segments:
            raise InputError(f"{_where(source, unit)}: unit {unit.get('id')!r} has no <segment>")
        for number, segment in enumerate(segments, 1):
            source_element = segment.child("source")
            if source_element is None:
                raise InputError(f"{_where(source, segment)}: segment of unit {unit.get('id')!r} has no <source>")
            unit_id = unit.get("id") or str(unit.line)
            segment_id = segment.get("id") or (unit_id if len(segments) == 1 else f"{unit_id}:{number}")
            translation = _unit(segment_id, source_element, segment.child("target"), unit, len(anchors),
                                notes, namespaces)
            if segment.get("state"):
                translation.meta["state"] = segment.get("state")
            units.append(translation)
        anchors.append(unit)
    return units


def _unit(segment_id: str, source_element: Element, target_element: Element | None, unit: Element,
          position: int, notes: list[str], namespaces: frozenset[str]) -> TranslationUnit:
    source_text, source_tags = flatten(source_element, namespaces)
    target_text, target_tags = flatten(target_element, namespaces) if target_element is not None else (None, [])
    located = target_element if target_element is not None else unit
    translation = TranslationUnit(segment_id, source_text, target_text, located.line, located.column, position,
                                  source_tags, target_tags, notes, target_element=target_element)
    if target_element is not None and target_element.get("state"):
        translation.meta["state"] = target_element.get("state")
    return translation


def parse_xliff(source: XmlSource) -> XliffFile:
    root = parse_xml(source)
    if root.name != "xliff":
        raise InputError(f"{_where(source, root)}: not an XLIFF file (root element <{root.name}>)")
    version = root.get("version")
    if version not in SUPPORTED_VERSIONS:
        raise InputError(
            f"{_where(source, root)}: unsupported XLIFF version {version!r}; "
            f"supported: {', '.join(SUPPORTED_VERSIONS)}"
        )
    anchors: list[Element] = []
    if SUPPORTED_VERSIONS[version] == 1:
        first_file = root.child("file")
        units = _units_1x(source, root, anchors)
        source_lang = first_file.get("source-language") if first_file else None
        target_lang = first_file.get("target-language") if first_file else None
    else:
        units = _units_2x(source, root, anchors)
        source_lang, target_lang = root.get("srcLang"), root.get("trgLang")
    return XliffFile(source, root, SUPPORTED_VERSIONS[version], units, anchors, source_lang, target_lang)


class XliffReader(Reader):
    format = "xliff"

    def read_path(self, path: str) -> Document:
        return self.document(parse_xliff(XmlSource.from_path(path)))

    def read_text(self, name: str, text: str) -> Document:
        return self.document(parse_xliff(XmlSource(name, text, "utf-8")))

    def document(self, parsed: XliffFile) -> Document:
        # A file without any <target> is a template to translate: its empty units are no finding.
        template = all(unit.target is None for unit in parsed.units)
        return build_document(parsed.source.name, self.format, parsed.units, parsed.source_lang,
                              parsed.target_lang, xliff_version=parsed.root.get("version"), template=template)


register_reader([".xlf", ".xliff", ".sdlxliff", ".mxliff"], XliffReader())
