"""Unicode normalisation before comparisons, with offsets kept in the text as given.

"café" typed as `e` + U+0301 (NFD, as macOS file names and some editors write it) and as
U+00E9 (NFC) are the same text: compared character by character they differ, a spelling
checker sees a stray combining mark, a name check misses "Zürich". Scorers therefore see NFC
text; `NormalisedText.original_span` maps an offset of the NFC text back to the text as given,
so findings still point into what the user wrote.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace

from mtqa.core.documents import Document, Issue, Segment


def nfc(text: str) -> str:
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


@dataclass(frozen=True)
class NormalisedText:
    """`text` in NFC, with the offsets of each normalised piece in the original."""

    original: str
    text: str
    _starts: tuple[int, ...]  # in `text`, of each piece
    _original_starts: tuple[int, ...]  # in `original`, of the same piece

    @classmethod
    def of(cls, original: str) -> NormalisedText:
        if unicodedata.is_normalized("NFC", original):
            return cls(original, original, (0,), (0,))
        # Pieces start at characters that never combine with what precedes them; each
        # piece normalises on its own, so its offsets map as a whole.
        cuts = [0] + [i for i in range(1, len(original)) if _starts_piece(original[i])]
        starts, original_starts, pieces = [], [], []
        length = 0
        for begin, end in zip(cuts, cuts[1:] + [len(original)], strict=True):
            piece = unicodedata.normalize("NFC", original[begin:end])
            starts.append(length)
            original_starts.append(begin)
            pieces.append(piece)
            length += len(piece)
        text = "".join(pieces)
        if text != unicodedata.normalize("NFC", original):  # a composition across pieces: map as one
            return cls(original, unicodedata.normalize("NFC", original), (0,), (0,))
        return cls(original, text, tuple(starts), tuple(original_starts))

    @property
    def changed(self) -> bool:
        return self.text != self.original

    def original_offset(self, offset: int, end: bool = False) -> int:
        """The offset in the original of `offset` in the NFC text (an `end` offset maps to the
        end of the piece it falls in)."""
        if not self.changed:
            return offset
        if offset >= len(self.text):
            return len(self.original)
        piece = bisect_right(self._starts, offset) - 1
        if end and offset > self._starts[piece]:
            piece += 1
            return self._original_starts[piece] if piece < len(self._starts) else len(self.original)
        return self._original_starts[piece]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        return self.original_offset(start), max(self.original_offset(start), self.original_offset(end, end=True))

    def normalised_offset(self, offset: int) -> int:
        """The offset in the NFC text of `offset` in the original (inline tag positions)."""
        if not self.changed:
            return offset
        piece = bisect_right(self._original_starts, offset) - 1
        return self._starts[piece] if offset == self._original_starts[piece] else min(
            len(self.text), self._starts[piece] + 1)


def _starts_piece(char: str) -> bool:
    # Combining marks, and Hangul vowels and final consonants (which compose with the syllable
    # before them), continue the piece before them; the rare other characters that compose
    # with a preceding one are caught by the check in `NormalisedText.of`.
    return unicodedata.combining(char) == 0 and not "\u1160" <= char <= "\u11ff"


def _normalised_segment(segment: Segment) -> tuple[Segment, NormalisedText]:
    target = NormalisedText.of(segment.text)
    meta = dict(segment.meta)
    for key in ("tags", "source_tags"):
        text = target if key == "tags" else NormalisedText.of(segment.source or "")
        if meta.get(key):
            meta[key] = [{**tag, "offset": text.normalised_offset(int(tag["offset"]))} for tag in meta[key]]
    copy = replace(segment, text=target.text, source=segment.source and nfc(segment.source),
                   reference=segment.reference and nfc(segment.reference), meta=meta, document=None)
    return copy, target


def normalised_segments(segments: Sequence[Segment]) -> tuple[list[Segment], dict[int, NormalisedText]]:
    """`segments` as the scorers should see them: in NFC, each in a copy of its document whose
    segments are all in NFC (a document's neighbours are compared too). Returns the segments
    and, by position, the target's mapping back to the text as given (only where the text
    changed). Segments already in NFC, in documents all in NFC, are returned as they are."""
    def needs(segment: Segment) -> bool:
        return not all(unicodedata.is_normalized("NFC", t or "")
                       for t in (segment.text, segment.source, segment.reference))

    copies: dict[int, dict[int, tuple[Segment, NormalisedText]]] = {}  # document id -> segment index -> copy
    out: list[Segment] = []
    maps: dict[int, NormalisedText] = {}
    for position, segment in enumerate(segments):
        document = segment.document
        if document is None:
            if needs(segment):
                segment, maps[position] = _normalised_segment(segment)
            out.append(segment)
            continue
        if id(document) not in copies:
            copies[id(document)] = {}
            if any(needs(s) for s in document.segments):
                shadow = Document(document.path, document.format, [], document.text and nfc(document.text),
                                  document.source_lang, document.target_lang, document.meta)
                for s in document.segments:
                    copy, mapping = _normalised_segment(s)
                    shadow.add(copy)
                    copies[id(document)][s.index] = (copy, mapping)
        copy = copies[id(document)].get(segment.index)
        if copy is None:
            out.append(segment)
            continue
        out.append(copy[0])
        if copy[1].changed:
            maps[position] = copy[1]
    return out, maps


def issues_in_original(issues: list[Issue], mapping: NormalisedText) -> list[Issue]:
    """`issues` found in the NFC text with offsets into the text as given."""
    return [replace(issue, start=span[0], end=span[1])
            for issue, span in ((i, mapping.original_span(i.start, i.end)) for i in issues)]
