"""Write a translation file back with mtqa's verdicts on the units that need attention.

    mtqa check file.xlf --annotate out.xlf

XLIFF and TMX get a note per flagged unit, PO a `# mtqa: ...` translator comment. Text is
inserted at known positions of the original, so every other byte stays as it was; notes
of an earlier mtqa run are replaced, and a file without findings is written unchanged.
The output is written atomically and never over the input.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from mtqa.core.documents import Document, DocumentResult, SegmentResult
from mtqa.core.errors import InputError
from mtqa.core.files import check_output, write_atomically
from mtqa.gate.report import Report

FLAGGED = ("review", "fail")
# format -> function(path, annotation text by unit position) -> annotated bytes
Annotator = Callable[[str, dict[int, str]], bytes]


def _describe(result: SegmentResult) -> str:
    risk = f" (risk {result.risk:.2f})" if result.risk is not None else ""
    reasons = "; ".join(" ".join(reason.split()) for reason in result.reasons)
    return f"{result.verdict}{risk}: {reasons}"


def annotation_text(results: list[SegmentResult], several: bool) -> str:
    """One line saying what mtqa found in a unit: 'mtqa: fail (risk 0.81): reason; reason'.
    With `several` segments in the unit, each flagged one is named by its id."""
    if not several:
        return "mtqa: " + _describe(results[0])
    worst = max((r.verdict for r in results), key=FLAGGED.index)
    return f"mtqa: {worst}: " + " | ".join(f"[{r.segment.id}] {_describe(r)}" for r in results)


def _annotators() -> dict[str, Annotator]:
    from mtqa.annotate import po, xml

    return {"xliff": xml.annotate_xliff, "tmx": xml.annotate_tmx, "po": po.annotate_po}


def check_annotation_target(documents: list[Document], output: str) -> None:
    """Refuse, before any scoring, what cannot be annotated or written (see
    `mtqa.core.files.check_output`: never over the input)."""
    if len(documents) != 1:
        raise InputError(f"{output}: --annotate needs exactly one input file, got {len(documents)}")
    document = documents[0]
    if document.format not in _annotators():
        raise InputError(
            f"{document.path}: --annotate writes {', '.join(sorted(_annotators()))} files, not {document.format}"
        )
    check_output(output, [document.path], "annotated file")


def annotated_bytes(result: DocumentResult) -> bytes:
    """The document's file with notes for its flagged units."""
    flagged: dict[int, list[SegmentResult]] = {}
    segments_per_unit = Counter(segment.meta["unit"] for segment in result.document.segments)
    for segment_result in result.results:
        if segment_result.verdict in FLAGGED:
            flagged.setdefault(segment_result.segment.meta["unit"], []).append(segment_result)
    notes = {unit: annotation_text(results, segments_per_unit[unit] > 1) for unit, results in flagged.items()}
    return _annotators()[result.document.format](result.document.path, notes)


def annotate_report(report: Report, output: str) -> None:
    """Write the single document of `report`, annotated, to `output`."""
    documents = report.documents
    check_annotation_target([d.document for d in documents], output)
    write_atomically(output, annotated_bytes(documents[0]), "annotated file")
