"""Sentence alignment of two documents that are not segment-aligned (Vecalign/Bertalign spirit).

    mtqa check target.txt --source source.txt      # or --reference ref.txt

Both documents are split into sentences; a dynamic programme finds the monotonic alignment
of minimum cost made of beads: 1-1, merges and splits up to 3-1 / 1-3, and 1-0 / 0-1 for
sentences with no counterpart. A bead's cost per sentence it covers is its dissimilarity:
1 - cosine of the sentence embeddings of the joined sentences, plus a length prior (the
log of the length ratio) and a small price per extra sentence merged; leaving a sentence
unaligned costs `SKIP_COST`. Without a usable embedder (a source in another language and
no `crosslingual_embedder`) the dissimilarity is the length prior plus how many numbers
and names (the anchors) the two sides do not share, plus, when a bilingual lexicon covers
the language pair (`mtqa.text.lexicon`), the share of the source's content the target lacks.

The target document's sentences of a bead become one segment whose `source` (or
`reference`) is the bead's joined counterpart. Target sentences with no counterpart are
marked `meta["alignment"] = "addition"`; counterpart sentences left out are listed in
`meta["omitted"]` of the target segment they would have preceded or followed. The checks
scorer reports both (rules `checks/align-addition`, `checks/align-omission`).
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from mtqa.core.config import Settings
from mtqa.core.documents import Document, Segment
from mtqa.core.errors import InputError
from mtqa.models.embeddings import SentenceEmbedder, embedder_for
from mtqa.readers import read_path
from mtqa.text.language import (
    LANGUAGE_OF_SCRIPT,
    dominant_script,
    looks_english,
    primary,
)
from mtqa.text.lexicon import Lexicon, lexicon_for
from mtqa.text.numbers import numbers_in

# (source sentences, target sentences) a bead may cover.
BEADS = ((1, 1), (1, 2), (2, 1), (1, 3), (3, 1), (1, 0), (0, 1))
# Dissimilarity above which two sentences are better left unaligned.
SKIP_COST = 0.7
# Price of each sentence beyond the first on one side of a bead.
MERGE_COST = 0.05
# Weight of |log(length ratio / expected ratio)| in the dissimilarity.
LENGTH_WEIGHT = 0.3
# Without embeddings, anchors tell less: a full mismatch stays below SKIP_COST, so
# sentences are left unaligned only when their lengths are far apart too.
ANCHOR_WEIGHT = 0.6
# A translation with half its source's content found by the dictionary still aligns (0.45
# with no anchors either way); one with a tenth and other numbers does not (0.84).
LEXICON_WEIGHT = 0.8
_ANCHOR_NAME = re.compile(r"\b[A-Z][A-Za-z]+\b|\b[A-Z]{2,}\b")

Dissimilarity = Callable[[str, str], float]


@dataclass
class Alignment:
    """Pairs of (source sentence indices, target sentence indices), in order, and how the
    dissimilarity was measured ("embeddings:<name>" or "length+anchors")."""

    beads: list[tuple[list[int], list[int]]]
    method: str


def align(sources: Sequence[str], targets: Sequence[str], dissimilarity: Dissimilarity,
          method: str = "custom", source_joinable: Sequence[bool] | None = None,
          target_joinable: Sequence[bool] | None = None) -> Alignment:
    """The minimum-cost monotonic alignment of two sentence lists. Sentences marked not
    joinable (headings) are only aligned one to one or left unaligned."""
    source_joinable = source_joinable or [True] * len(sources)
    target_joinable = target_joinable or [True] * len(targets)
    expected_ratio = (sum(map(len, targets)) + 1) / (sum(map(len, sources)) + 1)
    n, m = len(sources), len(targets)
    cost = np.full((n + 1, m + 1), math.inf)
    back: dict[tuple[int, int], tuple[int, int]] = {}
    cost[0, 0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            if i == j == 0:
                continue
            for a, b in BEADS:
                if a > i or b > j or not math.isfinite(cost[i - a, j - b]):
                    continue
                if (a > 1 or b > 1) and not (all(source_joinable[i - a : i]) and all(target_joinable[j - b : j])):
                    continue
                if a == 0 or b == 0:
                    step = SKIP_COST * (a + b)
                else:
                    source, target = " ".join(sources[i - a : i]), " ".join(targets[j - b : j])
                    length = abs(math.log((len(target) + 1) / (len(source) + 1) / expected_ratio))
                    distance = dissimilarity(source, target) + LENGTH_WEIGHT * length
                    step = (a + b) * distance + MERGE_COST * (a + b - 2)
                if cost[i - a, j - b] + step < cost[i, j]:
                    cost[i, j] = cost[i - a, j - b] + step
                    back[i, j] = (a, b)
    beads = []
    i, j = n, m
    while i or j:
        a, b = back[i, j]
        beads.append((list(range(i - a, i)), list(range(j - b, j))))
        i, j = i - a, j - b
    return Alignment(beads[::-1], method)


def embedding_dissimilarity(embedder: SentenceEmbedder, texts: Sequence[str]) -> Dissimilarity:
    """1 - cosine in `embedder`; `texts` (every span the alignment may compare) are encoded
    up front in batches, the embedder memoises them."""
    embedder.encode(list(dict.fromkeys(texts)))

    def dissimilarity(source: str, target: str) -> float:
        return float(1.0 - embedder.similarity([source], [target])[0])

    return dissimilarity


def _anchors(text: str, with_names: bool) -> set[str]:
    numbers = {str(n.value) for n in numbers_in(text)}
    return numbers | set(_ANCHOR_NAME.findall(text)) if with_names else numbers


def anchor_dissimilarity(source: str, target: str) -> float:
    """Share of anchors not found on both sides, scaled by `ANCHOR_WEIGHT` (half of it when
    neither side has any). Anchors are numbers, and capitalised names when both sides are
    in the Latin script (names are transliterated into other scripts)."""
    with_names = dominant_script(source) == dominant_script(target) == "latin"
    ours, theirs = _anchors(source, with_names), _anchors(target, with_names)
    if not ours and not theirs:
        return ANCHOR_WEIGHT / 2
    return ANCHOR_WEIGHT * (1.0 - len(ours & theirs) / len(ours | theirs))


def lexicon_dissimilarity(lexicon: Lexicon) -> Dissimilarity:
    """Half the anchors' dissimilarity, plus LEXICON_WEIGHT times the weighted share of the
    source's content with no dictionary translation in the target (counted as half when the
    source has no dictionary words)."""

    def dissimilarity(source: str, target: str) -> float:
        share = lexicon.coverage(source, target).share
        return anchor_dissimilarity(source, target) / 2 + LEXICON_WEIGHT * (1.0 - (0.5 if share is None else share))

    return dissimilarity


def _same_language(first: str, second: str) -> bool:
    """Both in the same script and both English or both not (the default embedder is English)."""
    return dominant_script(first) == dominant_script(second) and looks_english(first) == looks_english(second)


def choose_dissimilarity(settings: Settings, sources: Sequence[str], targets: Sequence[str],
                         crosslingual: bool) -> tuple[Dissimilarity, str]:
    """Embeddings when they can compare the two sides, else length and anchors. A source
    (`crosslingual`) in another language needs `settings.crosslingual_embedder`."""
    if crosslingual and settings.crosslingual_embedder:
        name = settings.crosslingual_embedder
    elif not crosslingual or _same_language(" ".join(sources), " ".join(targets)):
        name = settings.embedder
    else:
        source_language = LANGUAGE_OF_SCRIPT.get(dominant_script(" ".join(sources)) or "", "")
        lexicon = lexicon_for(settings.lexicon, source_language, primary(settings.language), settings.cache_dir)
        if lexicon is not None:
            return lexicon_dissimilarity(lexicon), f"length+anchors+lexicon:{lexicon.name}"
        return anchor_dissimilarity, "length+anchors"
    embedder = embedder_for(settings, name)
    return embedding_dissimilarity(embedder, spans(sources) + spans(targets)), f"embeddings:{name}"


def aligned_document(target: Document, counterpart: Document, role: str, settings: Settings) -> Document:
    """`target` re-segmented so that each segment carries its aligned `role` ("source" or
    "reference") text from `counterpart`; `document.meta["alignment"]` says how."""
    scored = [s for s in target.segments if s.scored]
    others = [s for s in counterpart.segments if s.scored]
    sources, targets = [s.text for s in others], [s.text for s in scored]
    dissimilarity, method = choose_dissimilarity(settings, sources, targets, crosslingual=role == "source")
    alignment = align(sources, targets, dissimilarity, method,
                      [s.kind == "sentence" for s in others], [s.kind == "sentence" for s in scored])
    position_of = {id(segment): position for position, segment in enumerate(target.segments)}
    merged: dict[int, Segment] = {}  # position of the first scored segment of a bead -> segment
    pending_omissions: list[str] = []
    last: Segment | None = None
    for source_indices, target_indices in alignment.beads:
        counterpart_text = " ".join(others[i].text for i in source_indices)
        if not target_indices:
            pending_omissions.append(counterpart_text)
            continue
        segment = _join(target, [scored[j] for j in target_indices])
        if source_indices:
            setattr(segment, role, counterpart_text)
        else:
            segment.meta["alignment"] = "addition"
        if pending_omissions:
            segment.meta["omitted"] = pending_omissions
            pending_omissions = []
        merged[position_of[id(scored[target_indices[0]])]] = segment
        last = segment
    if pending_omissions and last is not None:
        last.meta.setdefault("omitted", []).extend(pending_omissions)
    covered = {id(scored[j]) for _, js in alignment.beads for j in js[1:]}
    segments = [merged.get(position, segment) for position, segment in enumerate(target.segments)
                if id(segment) not in covered]
    for index, segment in enumerate(segments):
        segment.index = index
    meta = {**target.meta, "alignment": {"method": alignment.method, "role": role, "counterpart": counterpart.path}}
    source_lang = counterpart.source_lang if role == "source" else target.source_lang
    return Document(target.path, target.format, segments, target.text, source_lang, target.target_lang, meta)


def _join(document: Document, parts: list[Segment]) -> Segment:
    first, last = parts[0], parts[-1]
    if len(parts) == 1:
        return Segment(first.text, first.index, first.start, first.end, first.line, first.column,
                       first.id, kind=first.kind, meta=dict(first.meta))
    text = (document.text or "")[first.start : last.end]
    return Segment(text, first.index, first.start, last.end, first.line, first.column, first.id,
                   kind="sentence", meta={**first.meta, "sentences": len(parts)})


def spans(sentences: Sequence[str]) -> list[str]:
    """Every run of up to 3 consecutive sentences joined, as a bead would join them."""
    longest = max(max(a, b) for a, b in BEADS)
    return [" ".join(sentences[i : i + k]) for i in range(len(sentences)) for k in range(1, longest + 1)
            if i + k <= len(sentences)]


def read_counterpart(path: str) -> Document:
    """The --source/--reference document: plain text or Markdown, split into sentences."""
    document = read_path(path)
    if document.text is None:
        raise InputError(f"{path}: --source/--reference must be a text or Markdown document, not {document.format}")
    return document


def align_inputs(documents: list[Document], source: str | None, reference: str | None,
                 settings: Settings) -> Document:
    """The CLI's `--source`/`--reference`: the one text input aligned to that document.
    Says on standard error when only length and anchors could be used."""
    if source and reference:
        raise InputError(f"{reference}: give --source or --reference, not both")
    if len(documents) != 1 or documents[0].text is None:
        raise InputError(f"{source or reference}: --source/--reference need exactly one text or Markdown input")
    role, path = ("source", source) if source else ("reference", reference)
    document = aligned_document(documents[0], read_counterpart(path), role, settings)  # type: ignore[arg-type]
    if document.meta["alignment"]["method"] == "length+anchors":
        print(f"mtqa: note: {path} is in another language and neither a crosslingual_embedder nor a "
              "lexicon covers it: sentences aligned by length, numbers and names only", file=sys.stderr)
    return document
