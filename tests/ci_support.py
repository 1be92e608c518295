"""Reports built from real Documents (read by mtqa's readers) and real SegmentResults.

The CI formats and the gate only read results; these helpers give them results with known
verdicts and issues, so tests can assert exact locations, counts and outcomes.
"""

from __future__ import annotations

from typing import Any

from mtqa.core.documents import Document, DocumentResult, Issue, Segment, SegmentResult
from mtqa.gate.report import Report
from mtqa.readers import read_text

RISK = {"ok": 0.1, "review": 0.6, "fail": 0.9}
# (dimension, rule, word in the segment, message[, severity]); severity "minor" by default
IssueSpec = tuple[str, ...]


def segment_with(document: Document, needle: str) -> Segment:
    matches = [s for s in document.segments if needle in s.text]
    assert len(matches) == 1, f"{needle!r} is in {len(matches)} segments of {document.path}"
    return matches[0]


def result(segment: Segment, verdict: str = "ok", issues: tuple[IssueSpec, ...] = (),
           reasons: tuple[str, ...] = (), scores: dict[str, float] | None = None,
           risk: float | None = None, mode: str | None = None) -> SegmentResult:
    """`risk`: default by verdict (`RISK`); `mode`: the risk model's comparison mode, which
    lets the gate re-decide the verdict at thresholds (`GatePolicy.thresholds`)."""
    if not segment.scored:
        return SegmentResult(segment, {}, {}, [], None, "skipped", ["page furniture, not prose"])
    found = []
    for dimension, rule, word, message, *severity in issues:
        start = segment.text.index(word)
        found.append(Issue(dimension, start, start + len(word), message, rule, ["fix"], *(severity or ["minor"])))
    scores = scores or {"fluency": 0.9, "grammar": 0.9, "drift": 0.9}
    raw = {"risk": {"mode": mode, "evidence": True}} if mode else {}
    return SegmentResult(segment, dict(scores), raw, found, RISK[verdict] if risk is None else risk, verdict,
                         list(reasons))


def judged(document: Document, judgements: dict[str, dict[str, Any]] | None = None) -> DocumentResult:
    """Every segment `ok` (or skipped), except those containing a key of `judgements`."""
    judgements = judgements or {}
    special = {segment_with(document, needle).index: spec for needle, spec in judgements.items()}
    return DocumentResult(document, [result(s, **special.get(s.index, {})) for s in document.segments])


def make_report(*documents: DocumentResult, fail_on: str = "fail", policy=None) -> Report:
    return Report(list(documents), "mtqa:0.1.0|test:signature", {}, fail_on, False, policy)


def read(path: str, text: str, fmt: str = "md") -> Document:
    return read_text(path, text, fmt)
