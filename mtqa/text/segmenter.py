"""Split a document's text into sentence segments with exact offsets.

Every segment satisfies ``text[segment.start:segment.end] == segment.text``; the text is
stripped of surrounding whitespace and `line`/`column` (1-based) locate its first character.

The text is first cut into blocks that a sentence never crosses: paragraphs (separated by
blank lines), page-furniture lines, and in Markdown headings, list items and block quotes.
Paragraph blocks are split by pysbd, then repaired by a few rules that pysbd gets wrong on
machine-rewritten text (see `_repair`).

Time is linear in the text's length. pysbd's own cost per character grows with the length of
what it is given (its abbreviation pass rewrites the whole text once per abbreviation found:
3 us a character for 1,000 characters of prose, 9 us for 8,000, 16 us for 16,000), so a block
is handed to it in windows of at most `PYSBD_WINDOW` characters, cut where a sentence ends
(a full stop, then a capital letter, outside the abbreviations above); a window with no
sentence end is cut at a space and the two sentences meeting there are joined again.
pysbd's sentence finder is called directly (`Processor`), not through `Segmenter.segment`,
which searches for every sentence from the start of the text (quadratic) and keeps the text
on the shared segmenter object (two threads then lose each other's sentences); each thread
also gets its own segmenter (`get_segmenter`).

Markdown handling: ATX (`# Title`) and setext (`Title` over `====`) headings become
"heading" segments; list and block-quote markers are left out of the segment (offsets point
past them) and every list item or quoted line is its own block; fenced code blocks
(``` or ~~~) and thematic breaks (`---`) are omitted entirely, because code is not prose
and reporting it would only add noise; link syntax is kept as is.
Plain text: a single-line paragraph that is short and has no terminal punctuation
("World News", "‘Uncontrolled anger’") is a heading. Hard-wrapped lines inside a
paragraph are joined: a sentence may span lines.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pysbd

from mtqa.core.documents import Segment, SegmentKind
from mtqa.text.language import dominant_script

# Whole-line patterns (case-insensitive) for page furniture: navigation, sharing widgets,
# comment forms, cookie notices and the like. Reported, never scored.
FURNITURE_PATTERNS: tuple[str, ...] = (
    r"source(s)? ?links?",
    r"source: .{0,79}[^.!?]",  # a credit, not a sentence
    r"related (articles?|posts?|stories|news|content|topics)",
    r"(you (may|might) also like|recommended( for you)?|more from .{1,40}|most (read|popular))",
    r"(read|see) (more|also|next)( ?:.{0,120})?",
    r"continue reading.{0,80}",
    r"leave a (reply|comment)( cancel reply)?",
    r"(no|\d+) comments?( yet)?",
    r"(cancel reply|post comment|reply)",
    r"your email address will not be published\..{0,80}",
    r"required fields are marked \*?",
    r"save my name, email, and website in this browser.{0,60}",
    r"back to top( button)?",
    r"skip to (main )?content",
    r"share( this( article| post| story| page)?)?( on .{1,30})?",
    r"click to (share|print|email).{0,60}",
    r"(like|share) this:?",
    r"(facebook|twitter|linkedin|whatsapp|pinterest|reddit|telegram|tumblr|pocket|e-?mail|print|tweet|x)",
    r"follow us( on .{1,40})?",
    r"advertisement|sponsored( content)?|ad",
    r"(subscribe|sign up)( now)?( to| for)?( our| the)? (newsletter|updates|channel).{0,80}",
    r"subscribe",
    r"posted (in|on|by|at) .{0,119}[^.!?]",
    r"filed under:? .{0,119}[^.!?]",
    r"(tags?|tagged|categor(y|ies)|topics?): .{0,200}",
    r"(previous|next) (article|post|story)(:.{0,120})?",
    r"(copyright|\(c\)|©) ?(©|\(c\))? ?(\d{4}|by ).{0,120}",
    r".{0,120}all rights reserved\.?",
    r"(privacy policy|cookie (policy|settings|preferences)|terms (of (use|service)|and conditions))",
    r"(accept|reject|allow)( all)? cookies",
    r".{0,300}\b(we|this (web)?site|our (web)?site) uses? cookies\b.{0,300}",
    r"loading\.\.\.|…",
)
_FURNITURE = re.compile(
    r"(?:" + "|".join(f"(?:{p})" for p in FURNITURE_PATTERNS) + r")\s*(?:[:|»>›…-]+|\.\.\.)?", re.IGNORECASE
)

# Abbreviations that never end a sentence: a split right after one is undone.
NON_FINAL_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st sr gen sen rep gov lt col capt sgt rev hon messrs mme mlle "
    "vs e.g i.e cf approx fig figs vol pp".split()
)
# Abbreviations that may end a sentence ("moved to the U.S.A. My aunt..."): dotted initialisms,
# a.m./p.m., et al. A sentence ends after one when a capitalised function word follows (a
# name may follow an initialism inside a sentence: "the U.S. Army").
_FINAL_ABBREVIATION = re.compile(r"(?<![\w.])(?:(?:[A-Za-z]\.){2,}|et al\.)(?=\s+([A-Z][a-z]*)\b)")

# Characters handed to pysbd at once (see the module docstring for the measurements).
PYSBD_WINDOW = 2000
# A window is cut at the last sentence end in its last three quarters.
_WINDOW_MIN_PART = PYSBD_WINDOW // 4
HEADING_MAX_WORDS = 15
HEADING_MAX_CHARS = 120
_TERMINAL_PUNCTUATION = ".!?:;…。！？：；"
_CLOSERS = "\"'”’»)]}›」』）》"
_OPENERS = "\"'“‘«([{‹"

_LINE = re.compile(r"[^\n]*\n?")
_ATX_HEADING = re.compile(r" {0,3}(#{1,6})(?:[ \t]+|$)")
_ATX_CLOSING = re.compile(r"[ \t]+#+[ \t]*$|^#+[ \t]*$")
_SETEXT_UNDERLINE = re.compile(r" {0,3}(=+|-+)[ \t]*$")
_THEMATIC_BREAK = re.compile(r" {0,3}([-*_])([ \t]*\1){2,}[ \t]*$")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_LIST_MARKER = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?")
_QUOTE_MARKER = re.compile(r"[ \t]{0,3}(?:>[ \t]?)+")
_LEADING_CLOSING_QUOTES = re.compile(r"[”’»\"']+(?=\s|$)")


def is_furniture(line: str) -> bool:
    """Whether a whole line is page furniture (navigation, share buttons, cookie notice...)."""
    return _FURNITURE.fullmatch(line.strip()) is not None


def looks_like_heading(block: str) -> bool:
    """A short single line without terminal punctuation, standing alone as a paragraph."""
    if len(block) > 2 * HEADING_MAX_CHARS or "\n" in block.strip():
        return False
    words = block.split()
    if not words or len(words) > HEADING_MAX_WORDS or len(block.strip()) > HEADING_MAX_CHARS:
        return False
    last = block.strip().rstrip(_CLOSERS)
    has_words = any(c.isalnum() for c in last)
    return has_words and last[-1] not in _TERMINAL_PUNCTUATION


@dataclass(frozen=True)
class Block:
    """A stretch of text that no sentence crosses.

    `kind` None: a paragraph, split into sentences unless it looks like a heading;
    "sentence": always split (a list item or quoted line); otherwise the segment's kind.
    """

    start: int
    end: int
    kind: SegmentKind | None = None


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """(offset, line without its newline) for every line of `text`."""
    for match in _LINE.finditer(text):
        if match.start() == len(text) and not match.group():
            return
        yield match.start(), match.group().rstrip("\n")


def _content_span(offset: int, line: str, skip: int = 0) -> tuple[int, int]:
    """Offsets of a line's content after `skip` characters, surrounding whitespace excluded."""
    content = line[skip:]
    leading = len(content) - len(content.lstrip())
    return offset + skip + leading, offset + skip + len(content.rstrip())


def _blocks(text: str, markdown: bool) -> Iterator[Block]:
    paragraph: list[tuple[int, int]] = []  # content spans of the paragraph's lines
    paragraph_kind: SegmentKind | None = None
    open_fence: str | None = None

    def flush() -> Iterator[Block]:
        if paragraph:
            yield Block(paragraph[0][0], paragraph[-1][1], paragraph_kind)
            paragraph.clear()

    for offset, line in _lines(text):
        if open_fence is not None:
            if line.strip().startswith(open_fence):
                open_fence = None
            continue
        if not line.strip():
            yield from flush()
            continue
        if is_furniture(line):
            yield from flush()
            yield Block(*_content_span(offset, line), kind="furniture")
            continue
        if not markdown:
            paragraph.append(_content_span(offset, line))
            continue
        if fence := _FENCE.match(line):
            yield from flush()
            open_fence = fence.group(1)[0] * 3
            continue
        if paragraph and paragraph_kind is None and _SETEXT_UNDERLINE.match(line):
            paragraph_kind = "heading"
            yield from flush()
            continue
        if _THEMATIC_BREAK.match(line):
            yield from flush()
            continue
        if heading := _ATX_HEADING.match(line):
            yield from flush()
            start, end = _content_span(offset, line, heading.end())
            closing = _ATX_CLOSING.search(text, start, end)
            end = closing.start() if closing else end
            if start < end:
                kind: SegmentKind = "furniture" if is_furniture(text[start:end]) else "heading"
                yield Block(start, end, kind=kind)
            continue
        if marker := _LIST_MARKER.match(line) or _QUOTE_MARKER.match(line):
            # A list item or quoted line starts its own block, marker left out; list items
            # continue on the following plain lines, quoted lines do not (their markers
            # would end up inside the sentence).
            yield from flush()
            start, end = _content_span(offset, line, marker.end())
            if start == end:
                continue
            if is_furniture(text[start:end]):
                yield Block(start, end, kind="furniture")
                continue
            paragraph.append((start, end))
            paragraph_kind = "sentence"
            if marker.group().lstrip().startswith(">"):
                yield from flush()
            continue
        if not paragraph:
            paragraph_kind = None
        paragraph.append(_content_span(offset, line))
    yield from flush()


def _find_words(block: str, words: list[str], cursor: int) -> tuple[int, int] | None:
    """The first (start, end) at or after `cursor` where `words` occur in `block` in order,
    separated by whitespace only (what the regex `word\\s+word...` finds, without compiling
    one pattern per sentence)."""
    first = words[0]
    start = block.find(first, cursor)
    while start != -1:
        position = start + len(first)
        for word in words[1:]:
            gap_end = position
            while gap_end < len(block) and block[gap_end].isspace():
                gap_end += 1
            if gap_end == position or not block.startswith(word, gap_end):
                break
            position = gap_end + len(word)
        else:
            return start, position
        start = block.find(first, start + 1)
    return None


def _align(block: str, pieces: list[str]) -> list[tuple[int, int]]:
    """Locate pysbd's pieces in `block`, in order, as (start, end) of their stripped text.

    Offsets are found with a moving cursor (a repeated sentence is found at its own place).
    Whitespace may differ (newlines were blanked); should pysbd ever alter other characters,
    the rest of the block becomes one span rather than losing text.
    """
    spans = []
    cursor = 0
    for piece in pieces:
        words = piece.split()
        if not words:
            continue
        found = _find_words(block, words, cursor)
        if found is None:
            rest = block[cursor:]
            spans.append((cursor + len(rest) - len(rest.lstrip()), len(block.rstrip())))
            break
        spans.append(found)
        cursor = found[1]
    return spans


# Where a window for pysbd may end: after a sentence's final punctuation (and closing quotes),
# before whitespace and a capital letter or digit (Latin, Greek, Cyrillic), or right after
# a CJK full stop.
_SENTENCE_END = re.compile(
    r"[.!?…]+[\"'”’»)\]]*\s+(?=[\"'“‘«(\[]?[A-Z0-9À-ÖØ-ÞĀ-ſΑ-ΩА-Я])|[。！？]+[”’」』）]*"
)


def _sentence_end_before(text: str, low: int, high: int, start: int) -> int | None:
    """The last place in text[low:high] where a sentence surely ends: outside quotation
    marks counted from `start` (pysbd never splits inside a quotation), not after an
    abbreviation that never ends a sentence or an initial. Failing that, the last such
    place inside a quotation; None if there is none."""
    best = inside_quotes = None
    straight = opened = 0  # straight quotes and unclosed curly ones from `start` on
    counted = start
    for match in _SENTENCE_END.finditer(text, low, high):
        head = text[max(0, match.start() - 12):match.start() + 1].split()
        last_word = head[-1].lstrip(_OPENERS).lower() if head else ""
        if last_word[:-1] in NON_FINAL_ABBREVIATIONS or (len(last_word) == 2 and last_word[0].isalpha()):
            continue
        between = text[counted:match.end()]
        straight += between.count('"')
        opened += between.count("“") - between.count("”")
        counted = match.end()
        if straight % 2 == 0 and opened <= 0:
            best = match.end()
        else:
            inside_quotes = match.end()
    return best if best is not None else inside_quotes


def _windows(text: str, size: int = PYSBD_WINDOW) -> Iterator[tuple[int, int, bool]]:
    """(start, end, joined) windows of at most `size` characters covering `text`: cut where
    a sentence ends (outside quotations where possible), else at the last space (`joined`:
    the sentences meeting at `end` are one), else anywhere."""
    start = 0
    while len(text) - start > size:
        limit = start + size
        cut = _sentence_end_before(text, start + _WINDOW_MIN_PART, limit, start)
        joined = cut is None
        if cut is None:
            space = max(text.rfind(" ", start + 1, limit), text.rfind("\t", start + 1, limit))
            cut = space + 1 if space > start else limit
        yield start, cut, joined
        start = cut
    yield start, len(text), False


_OPENING_STRAIGHT_QUOTE = re.compile(r'(?:^|(?<=[\s(\[{]))"(?=\S)')


def _straight_quotes_pair_up(text: str) -> bool:
    """Whether straight double quotes alternate opening, closing, opening... An opening
    quote follows a space or bracket and precedes a non-space; any other is closing."""
    opening = {m.start() for m in _OPENING_STRAIGHT_QUOTE.finditer(text)}
    quotes = [i for i, c in enumerate(text) if c == '"']
    expected_opening = [i % 2 == 0 for i in range(len(quotes))]
    return len(quotes) % 2 == 0 and [q in opening for q in quotes] == expected_opening


def _reclaim_gaps(block: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Give characters left between spans (hidden quote marks) back to a sentence: to the
    previous one if they touch it, otherwise to the next one."""
    if not spans:
        return spans
    reclaimed = list(spans)
    first_start = reclaimed[0][0]
    leading = block[:first_start]
    reclaimed[0] = (len(leading) - len(leading.lstrip()), reclaimed[0][1])
    for i in range(1, len(reclaimed)):
        (previous_start, previous_end), (start, end) = reclaimed[i - 1], reclaimed[i]
        gap = block[previous_end:start]
        if not gap.strip():
            continue
        if gap[0].isspace():
            reclaimed[i] = (previous_end + len(gap) - len(gap.lstrip()), end)
        else:
            reclaimed[i - 1] = (previous_start, previous_end + len(gap.rstrip()))
    reclaimed[-1] = (reclaimed[-1][0], len(block.rstrip()))
    return reclaimed


def _ends_with_non_final_abbreviation(sentence: str) -> bool:
    last_word = sentence[-24:].split()[-1].lstrip(_OPENERS).lower()
    return last_word.endswith(".") and last_word[:-1] in NON_FINAL_ABBREVIATIONS


def _starts_lowercase(sentence: str) -> bool:
    first = sentence.lstrip(_OPENERS + " ")
    return bool(first) and first[0].islower()


def _repair(block: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Undo splits that pysbd makes wrongly. Each rule joins a piece to the previous one:

    - a piece without letters or digits (a stray quote mark after the full stop);
    - a piece starting in lower case (a stray full stop inside a sentence: "...to make a
      decision. for the invasion of Ukraine.");
    - a piece after an abbreviation that never ends a sentence ("Dr.", "e.g.").
    A closing quote that opens a piece ("said. ” Next") is moved to the previous one.
    """
    repaired: list[tuple[int, int]] = []
    leading_marks_start: int | None = None  # stray marks before the first real piece
    for start, end in spans:
        piece = block[start:end]
        has_words = any(c.isalnum() for c in piece)
        if not repaired:
            if not has_words:
                leading_marks_start = start if leading_marks_start is None else leading_marks_start
                continue
            repaired.append((start if leading_marks_start is None else leading_marks_start, end))
            continue
        previous_start, previous_end = repaired[-1]
        # The end is all the rules look at (a previous piece may be long after many joins).
        previous = block[max(previous_start, previous_end - 24):previous_end]
        if not has_words or _starts_lowercase(piece) or _ends_with_non_final_abbreviation(previous):
            repaired[-1] = (previous_start, end)
            continue
        if stray_quote := _LEADING_CLOSING_QUOTES.match(piece):
            repaired[-1] = (previous_start, start + stray_quote.end())
            rest = piece[stray_quote.end() :]
            start = end - len(rest.lstrip())
        repaired.append((start, end))
    if not repaired and leading_marks_start is not None:
        repaired.append((leading_marks_start, spans[-1][1]))
    return repaired


_KNOWN_ABBREVIATIONS = "|".join(re.escape(a) for a in sorted(NON_FINAL_ABBREVIATIONS, key=len, reverse=True))
_ABBREVIATION = re.compile(rf"(?<![\w.])(?:(?:[A-Za-z]\.){{2,}}|et al\.|(?:{_KNOWN_ABBREVIATIONS})\.)", re.IGNORECASE)


def abbreviation_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of abbreviations in `text` ("a.m.", "U.S.A.", "et al.", "Dr.", "e.g."),
    whose letters a grammar checker must not judge as words (the "a" of "a.m." is no article)."""
    return [m.span() for m in _ABBREVIATION.finditer(text)]


def _split_after_final_abbreviations(block: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Split where pysbd kept a sentence that ends in an abbreviation together with the next
    one: after "U.S.A." or "p.m." followed by a capitalised function word ("My", "The")."""
    from mtqa.text.words import ENGLISH_STOPWORDS

    out = []
    for start, end in spans:
        for match in _FINAL_ABBREVIATION.finditer(block, start, end):
            word = match.group(1).lower()
            if word in ENGLISH_STOPWORDS and match.group().lower().rstrip(".") not in NON_FINAL_ABBREVIATIONS:
                out.append((start, match.end()))
                start = match.end() + len(block[match.end():end]) - len(block[match.end():end].lstrip())
        out.append((start, end))
    return out


class SentenceSegmenter:
    """Turns text (plain or Markdown) into sentence, heading and furniture segments."""

    def __init__(self, language: str = "en") -> None:
        self.language = language
        self._pysbd = pysbd.Segmenter(language=language, clean=False)

    def _sentences(self, text: str) -> list[tuple[int, int]]:
        """pysbd's sentences of `text` as spans, window by window (see `_windows`)."""
        spans: list[tuple[int, int]] = []
        join_next = False
        for start, end, joined in _windows(text):
            window = text[start:end]
            found = [(start + a, start + b) for a, b in _align(window, self._pysbd.processor(window).process())]
            if join_next and spans and found:
                found[0] = (spans.pop()[0], found[0][1])
            spans.extend(found)
            join_next = joined
        return spans

    def split_block(self, block: str) -> list[tuple[int, int]]:
        """Sentence (start, end) offsets within one block of text."""
        # pysbd treats every newline as a boundary; blank them (same length) so that
        # hard-wrapped sentences survive and offsets stay valid.
        flattened = block.replace("\r", " ").replace("\n", " ")
        if not _straight_quotes_pair_up(flattened):
            # pysbd pairs straight quotes and never splits inside a pair; an unbalanced
            # quote (common in MT output) would glue the rest of the paragraph into one
            # sentence. Hide them from pysbd and give them back to the sentences after.
            flattened = flattened.replace('"', " ")
        spans = _repair(block, _reclaim_gaps(block, self._sentences(flattened)))
        return _split_after_final_abbreviations(block, spans) if self.language == "en" else spans

    def spans(self, text: str, markdown: bool = False) -> list[tuple[int, int, SegmentKind]]:
        """(start, end, kind) of every segment of `text`, in order."""
        result: list[tuple[int, int, SegmentKind]] = []
        for block in _blocks(text, markdown):
            block_text = text[block.start : block.end]
            if block.kind is None and looks_like_heading(block_text):
                result.append((block.start, block.end, "heading"))
            elif block.kind not in (None, "sentence"):
                result.append((block.start, block.end, block.kind))
            else:
                for start, end in self.split_block(block_text):
                    result.append((block.start + start, block.start + end, "sentence"))
        return result

    def segments(self, text: str, markdown: bool = False) -> list[Segment]:
        """Segments of `text` with index, offsets, 1-based line/column and kind."""
        segments = []
        line, line_start, scanned = 1, 0, 0
        for index, (start, end, kind) in enumerate(self.spans(text, markdown)):
            newlines = text.count("\n", scanned, start)
            if newlines:
                line += newlines
                line_start = text.rfind("\n", scanned, start) + 1
            scanned = start
            segments.append(
                Segment(
                    text=text[start:end],
                    index=index,
                    start=start,
                    end=end,
                    line=line,
                    column=start - line_start + 1,
                    kind=kind,
                )
            )
        return segments


_PER_THREAD = threading.local()


def get_segmenter(language: str = "en") -> SentenceSegmenter:
    """This thread's segmenter for `language` (pysbd keeps state while it works, so threads
    never share one)."""
    segmenters = _PER_THREAD.__dict__.setdefault("segmenters", {})
    if language not in segmenters:
        segmenters[language] = SentenceSegmenter(language)
    return segmenters[language]


# pysbd's rules for text in these scripts (Chinese and Japanese end sentences with 。！？);
# any other text is split by the English rules, which suit most Latin-script languages.
PYSBD_LANGUAGE_OF_SCRIPT = {"han": "zh", "kana": "ja"}


def segment_text(text: str, markdown: bool = False, language: str | None = None) -> list[Segment]:
    """Split `text` into segments (see the module docstring for the rules); `language`
    (pysbd's code) defaults to what the text's script says."""
    if language is None:
        language = PYSBD_LANGUAGE_OF_SCRIPT.get(dominant_script(text[:5000]) or "", "en")
    return get_segmenter(language).segments(text, markdown)
