"""TMX 1.4 translation memories (1.1-1.3 read the same way).

The source language is the header's `srclang` (with "*all*", the language of the first
variant). The target language is the first other language met in the file; each `<tu>`
becomes one segment pairing its source `<tuv>` with its target-language `<tuv>`. A `<tu>`
without a target variant is untranslated; one without a source variant is an error.
"""

from __future__ import annotations

from dataclasses import dataclass

from mtqa.core.documents import Document
from mtqa.core.errors import InputError
from mtqa.readers.base import Reader, register_reader
from mtqa.readers.inline import flatten
from mtqa.readers.translation import TranslationUnit, build_document, is_annotation
from mtqa.readers.xml_tree import Element, XmlSource, parse_xml

_INLINE_NAMESPACES = frozenset({""})


@dataclass
class TmxFile:
    source: XmlSource
    root: Element
    units: list[TranslationUnit]
    anchors: list[Element]
    source_lang: str | None
    target_lang: str | None


def _language(variant: Element) -> str:
    return (variant.lang or "").lower()


def _notes(element: Element) -> list[str]:
    texts = (n.text_content().strip() for n in element.find_all("note"))
    return [t for t in texts if t and not is_annotation(t)]


def parse_tmx(source: XmlSource) -> TmxFile:
    root = parse_xml(source)
    if root.name != "tmx":
        raise InputError(f"{source.name}:{root.line}: not a TMX file (root element <{root.name}>)")
    if not (root.get("version") or "").startswith("1."):
        raise InputError(f"{source.name}:{root.line}: unsupported TMX version {root.get('version')!r}")
    header, body = root.child("header"), root.child("body")
    if body is None:
        raise InputError(f"{source.name}:{root.line}: TMX file without <body>")
    tus = body.find_all("tu")
    source_lang = (header.get("srclang") if header else None) or "*all*"
    if source_lang == "*all*":
        first = next((v for tu in tus for v in tu.find_all("tuv")), None)
        source_lang = first.lang if first else None
    wanted_source = (source_lang or "").lower()
    target_lang = next((v.lang for tu in tus for v in tu.find_all("tuv") if _language(v) != wanted_source), None)
    wanted_target = (target_lang or "").lower()
    units, anchors = [], []
    for position, tu in enumerate(tus):
        variants = {_language(v): v for v in tu.find_all("tuv")}
        source_variant = variants.get(wanted_source)
        if source_variant is None or source_variant.child("seg") is None:
            raise InputError(f"{source.name}:{tu.line}: <tu> has no {source_lang} variant with a <seg>")
        target_variant = variants.get(wanted_target)
        target_seg = target_variant.child("seg") if target_variant else None
        source_text, source_tags = flatten(source_variant.child("seg"), _INLINE_NAMESPACES)  # type: ignore[arg-type]
        target_text, target_tags = flatten(target_seg, _INLINE_NAMESPACES) if target_seg else (None, [])
        located = target_seg if target_seg is not None else tu
        notes = _notes(tu) + [note for v in (source_variant, target_variant) if v for note in _notes(v)]
        units.append(TranslationUnit(tu.get("tuid") or str(position + 1), source_text, target_text,
                                     located.line, located.column, position, source_tags, target_tags, notes,
                                     target_element=target_seg))
        anchors.append(tu)
    return TmxFile(source, root, units, anchors, source_lang, target_lang)


class TmxReader(Reader):
    format = "tmx"

    def read_path(self, path: str) -> Document:
        return self.document(parse_tmx(XmlSource.from_path(path)))

    def read_text(self, name: str, text: str) -> Document:
        return self.document(parse_tmx(XmlSource(name, text, "utf-8")))

    def document(self, parsed: TmxFile) -> Document:
        return build_document(parsed.source.name, self.format, parsed.units, parsed.source_lang,
                              parsed.target_lang)


register_reader([".tmx"], TmxReader())
