"""How each labelled dataset is turned into documents for the pipeline ("views").

A view fixes what a segment is compared with, hence the risk model's comparison mode:
- `mqm-source`: each MQM target with its Chinese source (mode "source");
- `mqm-document`: the same targets with nothing to compare with, one document per system and
  source document, in segment order (mode "document": context drift has neighbours);
- `demetr`: `mt_sent` then `pert_sent` of each item with the human reference (mode "reference");
- `demetr-monolingual`: the same pairs with nothing to compare with, each sentence a document of
  its own (mode "document"), for a sample of MONOLINGUAL_PER_TYPE items per perturbation type;
- `blimp`: the good then the bad sentence of each pair, alone (mode "document", no context);
- `spun`: the spun sentences of each document, in order, as one document (mode "document").
"""

from __future__ import annotations

from collections.abc import Callable

from mtqa.core.documents import Document
from mtqa.evaluation.datasets import Dataset
from mtqa.evaluation.features import segment

VIEWS: dict[str, tuple[str, ...]] = {
    "mqm": ("mqm-source", "mqm-document"),
    "demetr": ("demetr", "demetr-monolingual"),
    "blimp": ("blimp",),
    "spun": ("spun",),
}
# DEMETR items per perturbation type in the monolingual view: the word-level test scores a dozen
# variants of each sentence, so the whole file (10k sentences) would take hours on a CPU.
MONOLINGUAL_PER_TYPE = 30


def mqm_documents(dataset: Dataset, with_source: bool) -> list[Document]:
    """One document per (system, doc), segments in seg_id order; row order is kept in `meta`."""
    grouped: dict[tuple[str, str], list[int]] = {}
    for position, row in enumerate(dataset.rows):
        grouped.setdefault((row["system"], row["doc"]), []).append(position)
    documents = []
    for (system, doc), positions in grouped.items():
        positions.sort(key=lambda p: _seg_number(dataset.rows[p]["seg_id"]))
        document = Document(f"{system}/{doc}", "mqm", source_lang="zh" if with_source else None,
                            target_lang="en")
        for position in positions:
            row = dataset.rows[position]
            document.add(segment(row["target"], len(document.segments), id=str(row["seg_id"]),
                                 source=row["source"] if with_source else None,
                                 kind="row" if with_source else "sentence", meta={"row": position}))
        documents.append(document)
    return documents


def pair_documents(dataset: Dataset, first: str, second: str,
                   reference: str | None = None) -> list[Document]:
    """One two-segment document per pair: the better text, then the worse one."""
    documents = []
    for position, row in enumerate(dataset.rows):
        document = Document(f"{dataset.name}#{position}", dataset.kind)
        for column in (first, second):
            document.add(segment(row[column], len(document.segments), id=f"{position}:{column}",
                                 reference=row[reference] if reference else None,
                                 meta={"row": position}))
        documents.append(document)
    return documents


def monolingual_documents(dataset: Dataset) -> list[Document]:
    """`mt_sent` and `pert_sent` of the first MONOLINGUAL_PER_TYPE items of each perturbation
    type, each sentence alone (a two-sentence document would let the perturbed sentence be read
    after its unperturbed twin)."""
    taken: dict[str, int] = {}
    documents = []
    for position, row in enumerate(dataset.rows):
        kind = row["pert_name"]
        if taken.get(kind, 0) >= MONOLINGUAL_PER_TYPE:
            continue
        taken[kind] = taken.get(kind, 0) + 1
        for column in ("mt_sent", "pert_sent"):
            document = Document(f"{dataset.name}#{position}:{column}", dataset.kind)
            document.add(segment(row[column], 0, id=f"{position}:{column}", meta={"row": position}))
            documents.append(document)
    return documents


def spun_documents(dataset: Dataset) -> list[Document]:
    """One document per `doc`, its spun sentences in `seg_id` order."""
    grouped: dict[str, list[int]] = {}
    for position, row in enumerate(dataset.rows):
        grouped.setdefault(str(row["doc"]), []).append(position)
    documents = []
    for doc, positions in grouped.items():
        positions.sort(key=lambda p: _seg_number(str(dataset.rows[p]["seg_id"])))
        document = Document(doc, "spun", target_lang="en")
        for position in positions:
            row = dataset.rows[position]
            document.add(segment(row["spun"], len(document.segments), id=str(row["seg_id"]),
                                 kind="sentence", meta={"row": position}))
        documents.append(document)
    return documents


BUILDERS: dict[str, Callable[[Dataset], list[Document]]] = {
    "mqm-source": lambda d: mqm_documents(d, with_source=True),
    "mqm-document": lambda d: mqm_documents(d, with_source=False),
    "demetr": lambda d: pair_documents(d, "mt_sent", "pert_sent", reference="eng_sent"),
    "demetr-monolingual": monolingual_documents,
    "blimp": lambda d: pair_documents(d, "sentence_good", "sentence_bad"),
    "spun": spun_documents,
}


def _seg_number(seg_id: str) -> tuple[int, str]:
    return (int(seg_id), "") if str(seg_id).isdigit() else (0, str(seg_id))
