"""`mtqa eval`: meta-evaluate mtqa against human judgements on a labelled dataset.

`evaluate(path, pipeline)` reads the dataset (its kind comes from its columns), scores each
of its views with the pipeline (cached, see `features`), combines the dimensions into risk
with the pipeline's risk model, or with models refitted on the other folds when `folds` is
given (held-out figures), and returns the kind's tables (see `mqm` and `contrastive`).
"""

from __future__ import annotations

from dataclasses import dataclass

from mtqa.core.documents import Segment, SegmentResult
from mtqa.core.pipeline import Pipeline
from mtqa.core.risk import RiskModel
from mtqa.evaluation.datasets import Dataset, load_dataset
from mtqa.evaluation.features import SegmentDims, extract
from mtqa.evaluation.tables import Evaluation, Table
from mtqa.evaluation.views import BUILDERS, VIEWS


@dataclass
class ScoredView:
    """One view of a dataset after scoring: segments, what each scorer said, combined results."""

    name: str
    segments: list[Segment]
    dims: list[SegmentDims]
    results: list[SegmentResult]

    @property
    def rows(self) -> list[int]:
        """The dataset row each segment came from."""
        return [s.meta["row"] for s in self.segments]

    def rescore(self, risk: RiskModel, language: str) -> ScoredView:
        """The same segments combined by `risk` (targets in `language` unless a file says)."""
        results = [risk.combine(s, d, s.language(language))
                   for s, d in zip(self.segments, self.dims, strict=True)]
        return ScoredView(self.name, self.segments, self.dims, results)


def score_views(pipeline: Pipeline, dataset: Dataset, use_cache: bool = True,
                quiet: bool = False) -> dict[str, ScoredView]:
    views = {}
    for name in VIEWS[dataset.kind]:
        documents = BUILDERS[name](dataset)
        segments = [s for d in documents for s in d.segments]
        dims = extract(pipeline, documents, dataset.digest, name, use_cache, quiet)
        views[name] = ScoredView(name, segments, dims, []).rescore(pipeline.risk, pipeline.settings.language)
    return views


def evaluate(path: str, pipeline: Pipeline, limit: int | None = None, folds: int | None = None,
             use_cache: bool = True, quiet: bool = False) -> Evaluation:
    from mtqa.evaluation import contrastive, fitting, mqm, spun

    dataset = load_dataset(path, limit)
    views = shipped = score_views(pipeline, dataset, use_cache, quiet)
    risk_source = f"shipped model {pipeline.risk.version}"
    fitted_on = pipeline.risk.meta.get("fitted_on", {}).values()
    if not folds and any(info.get("file") == dataset.name for info in fitted_on):
        risk_source += " (in-sample: it was fitted on a file of this name; --folds K gives held-out figures)"
    if folds:
        views = fitting.held_out_views(dataset, views, folds, pipeline.risk, pipeline.settings.language)
        risk_source = (
            f"held out: refitted on {folds - 1} of {folds} folds grouped by {fitting.GROUP_NAME[dataset.kind]}"
        )
    tables: list[Table] = {"mqm": mqm.tables, "demetr": contrastive.demetr_tables,
                           "blimp": contrastive.blimp_tables,
                           "spun": lambda d, v: spun.tables(d, v, shipped)}[dataset.kind](dataset, views)
    return Evaluation(str(dataset.path), dataset.kind, len(dataset.rows), str(pipeline.signature()),
                      risk_source, tables)
