"""The Python entry point: `mtqa.check(...)` returns the same results the CLI prints."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from os import PathLike
from typing import Any

from mtqa.core.config import Settings, load_settings
from mtqa.core.documents import Document, Segment
from mtqa.core.pipeline import Pipeline, Progress
from mtqa.gate.policy import GatePolicy
from mtqa.gate.report import Report


def check(
    inputs: str | PathLike[str] | Document | Iterable[str | PathLike[str] | Document] = (),
    *,
    text: str | None = None,
    settings: Settings | None = None,
    pipeline: Pipeline | None = None,
    **overrides: Any,
) -> Report:
    """Score files (paths, globs, directories), `Document`s, or a `text` string.

    `overrides` are `Settings` fields (e.g. `grammar="harper"`, `fail_on="review"`); an
    unknown name or a value of the wrong type raises ConfigError before any model loads.
    Pass a `pipeline` to reuse loaded models across calls.

    >>> report = mtqa.check("article.txt")                        # doctest: +SKIP
    >>> [r.verdict for r in report.results()]                      # doctest: +SKIP
    """
    from mtqa.readers import read_inputs, read_text

    if isinstance(inputs, (str, PathLike, Document)):
        inputs = [inputs]
    documents: list[Document] = []
    paths: list[str] = []
    for item in inputs:
        if isinstance(item, Document):
            documents.append(item)
        else:
            paths.append(str(item))
    documents.extend(read_inputs(paths))
    if text is not None:
        documents.append(read_text("<text>", text, "txt"))
    if pipeline is None:
        settings = settings.replace(**overrides).validate() if settings else load_settings(**overrides)
        with Pipeline(settings) as owned:
            return build_report(owned, documents)
    return build_report(pipeline, documents)


def build_report(pipeline: Pipeline, documents: list[Document], progress: Progress | None = None,
                 verbose: bool = False, baseline: frozenset[str] | None = None,
                 select: Callable[[Segment], bool] | None = None) -> Report:
    """Score `documents` (only the segments that `select` accepts, in the context of the whole
    documents, see `Pipeline.run`) and gate them by the pipeline's settings (and an accepted
    `baseline`)."""
    results = pipeline.run(documents, progress=progress, select=select)
    policy = GatePolicy.from_settings(pipeline.settings, baseline=baseline,
                                      thresholds=pipeline.risk.mode_thresholds())
    return Report(results, str(pipeline.signature()), pipeline.components(),
                  pipeline.settings.fail_on, verbose, policy)
