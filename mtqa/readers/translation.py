"""What XLIFF, TMX and PO readers have in common: translation units become "unit" segments.

Each segment's text is the visible target text (empty when untranslated), `source` the
visible source text, `id` the unit's (or segment's) id, `line`/`column` the target element
in the file. `meta` keys shared by all formats:

    notes          list[str]   notes and comments (XLIFF notes, TMX notes, PO comments)
    tags           list[dict]  inline placeholders of the target (see mtqa.readers.inline)
    source_tags    list[dict]  inline placeholders of the source
    unit           int         position of the annotatable unit in the file (write-back)
    untranslated   bool        no target: not scored, reported only with include_untranslated
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mtqa.core.documents import Document, Segment
from mtqa.readers.inline import InlineTag
from mtqa.readers.xml_tree import Element

# How mtqa's own annotations (mtqa.annotate) begin, so that reading an annotated file does
# not take them for the translator's notes. `mtqa: ignore[...]` markers are notes, not these.
ANNOTATION_PREFIXES = ("mtqa: review", "mtqa: fail")


def is_annotation(note: str) -> bool:
    return note.strip().startswith(ANNOTATION_PREFIXES)


@dataclass
class TranslationUnit:
    id: str
    source: str
    target: str | None
    line: int
    column: int
    unit: int
    source_tags: list[InlineTag] = field(default_factory=list)
    target_tags: list[InlineTag] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    # The XML element holding the target text (XLIFF <target>/<mrk>, TMX <seg>), for writing
    # edited targets back (mtqa.annotate.targets); None when there is no target or no XML.
    target_element: Element | None = field(default=None, repr=False, compare=False)

    def to_segment(self, index: int) -> Segment:
        text = self.target or ""
        meta = {
            "notes": list(self.notes),
            "tags": [t.to_dict() for t in self.target_tags],
            "source_tags": [t.to_dict() for t in self.source_tags],
            "unit": self.unit,
            "untranslated": not text.strip(),
            **self.meta,
        }
        return Segment(text=text, index=index, start=0, end=len(text), line=self.line,
                       column=self.column, id=self.id, source=self.source, kind="unit", meta=meta)


def build_document(path: str, format: str, units: list[TranslationUnit], source_lang: str | None,
                   target_lang: str | None, **meta: Any) -> Document:
    segments = [unit.to_segment(index) for index, unit in enumerate(units)]
    return Document(path=path, format=format, segments=segments, source_lang=source_lang,
                    target_lang=target_lang, meta=meta)
