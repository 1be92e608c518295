"""How each labelled dataset is turned into documents for the pipeline ("views").

A view fixes what a segment is compared with, hence the risk model's comparison mode:
- `mqm-source`: each MQM target with its source (mode "source"; "l10n" for a target language
  the fluency model does not read, such as German). The language pair comes from the `doc`
  column's suffix (`news_x.123:en-de`), zh-en when it has none;
- `mqm-document`: the same targets with nothing to compare with, one document per system and
  source document, in segment order (mode "document": context drift has neighbours);
- `demetr`: `mt_sent` then `pert_sent` of each item with the human reference (mode "reference");
- `blimp`: the good then the bad sentence of each pair, alone (mode "document", no context).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from mtqa.core.documents import Document
from mtqa.core.risk import LOCALISATION_MODE, is_localisation
from mtqa.evaluation.datasets import Dataset
from mtqa.evaluation.features import segment

if TYPE_CHECKING:
    from mtqa.evaluation import ScoredView

# The risk model each fittable view is judged by (but see `mode_of`).
MODE_OF_VIEW = {"mqm-source": "source", "mqm-document": "document", "demetr": "reference"}
VIEWS: dict[str, tuple[str, ...]] = {
    "mqm": ("mqm-source", "mqm-document"),
    "demetr": ("demetr",),
    "blimp": ("blimp",),
}


def mqm_documents(dataset: Dataset, with_source: bool) -> list[Document]:
    """One document per (system, doc), segments in seg_id order; row order is kept in `meta`."""
    grouped: dict[tuple[str, str], list[int]] = {}
    for position, row in enumerate(dataset.rows):
        grouped.setdefault((row["system"], row["doc"]), []).append(position)
    documents = []
    for (system, doc), positions in grouped.items():
        positions.sort(key=lambda p: _seg_number(dataset.rows[p]["seg_id"]))
        source_lang, target_lang = language_pair(doc)
        document = Document(f"{system}/{doc}", "mqm", source_lang=source_lang if with_source else None,
                            target_lang=target_lang)
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


BUILDERS: dict[str, Callable[[Dataset], list[Document]]] = {
    "mqm-source": lambda d: mqm_documents(d, with_source=True),
    "mqm-document": lambda d: mqm_documents(d, with_source=False),
    "demetr": lambda d: pair_documents(d, "mt_sent", "pert_sent", reference="eng_sent"),
    "blimp": lambda d: pair_documents(d, "sentence_good", "sentence_bad"),
}


def language_pair(doc: str) -> tuple[str, str]:
    """(source, target) language of an MQM document id such as `news_x.123:en-de` (WMT's
    naming); zh-en when the id does not say."""
    suffix = doc.rsplit(":", 1)[-1] if ":" in doc else ""
    source, _, target = suffix.partition("-")
    return (source, target) if source.isalpha() and target.isalpha() else ("zh", "en")


def _seg_number(seg_id: str) -> tuple[int, str]:
    return (int(seg_id), "") if str(seg_id).isdigit() else (0, str(seg_id))


def mode_of(view: ScoredView, language: str = "en") -> str:
    """The risk model a view's segments are judged by: its comparison mode's, or `l10n` when
    most of them have a target language the fluency model does not read (German targets)."""
    localised = sum(is_localisation(s, d, s.language(language)) for s, d in zip(view.segments, view.dims, strict=True))
    return LOCALISATION_MODE if localised * 2 > len(view.segments) else MODE_OF_VIEW.get(view.name, "document")
