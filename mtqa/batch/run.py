"""`run_batch`: score many files into an output folder of results and reports."""

from __future__ import annotations

import os
import sys
import time
import warnings
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow.csv as pa_csv

from mtqa.batch.compare import compare_systems
from mtqa.batch.engine import (
    CHUNK_SIZE,
    LocalEngine,
    Progress,
    StoredOnly,
    System,
    iter_system_units,
    run_chunks,
)
from mtqa.batch.html_report import write_html
from mtqa.batch.markdown_report import write_markdown
from mtqa.batch.outputs import (
    COMPARISON_CSV,
    FILES_CSV,
    REPORT_HTML,
    SUMMARY_JSON,
    SUMMARY_MD,
    BatchOutputs,
    check_batch_outputs,  # fmt: skip
)
from mtqa.batch.result import BatchResult
from mtqa.batch.store import ResultStore
from mtqa.batch.summary import BatchSummary
from mtqa.batch.units import batch_files, count_segments
from mtqa.core.config import Settings, load_settings
from mtqa.core.errors import ConfigError, InputError, MtqaWarning
from mtqa.core.pipeline import Pipeline
from mtqa.core.progress import progress_bar

ENGINES = ("local", "ray")
STORE_NAME = "results.sqlite"


def settings_summary(settings: Settings) -> dict[str, Any]:
    """Settings as JSON-friendly values, for the report."""
    plain = (int, float, str, bool, list, type(None))
    return {k: v if isinstance(v, plain) else str(v) for k, v in asdict(settings).items()}


def _systems(inputs: Sequence[str], compare: Sequence[str] | None, input_format: str | None) -> list[System]:
    if compare is None:
        if not inputs:
            raise InputError("no input: give files, directories or globs")
        return [System(None, batch_files(inputs, input_format))]
    if inputs:
        raise InputError(f"{inputs[0]}: give either input paths or --compare A/ B/, not both")
    for folder in compare:
        if not os.path.isdir(folder):
            raise InputError(f"{folder}: --compare needs two folders (one per system)")
    if Path(compare[0]).resolve() == Path(compare[1]).resolve():
        raise InputError(f"{compare[0]}: --compare needs two different folders")
    return [System(folder.rstrip("/") or folder, batch_files([folder], input_format)) for folder in compare]


@contextmanager
def _progress(systems: list[System], progress: Progress | None, show_progress: bool,
              input_format: str | None) -> Iterator[Progress | None]:  # fmt: skip
    # The bar only shows on a terminal: elsewhere, do not pay for counting the inputs.
    if progress is not None or not show_progress or not sys.stderr.isatty():
        yield progress
        return
    total = sum(count_segments(path, input_format) for system in systems for path in system.files)
    with progress_bar(total) as tick:
        yield tick


def _write_reports(outputs: BatchOutputs, result: BatchResult) -> None:
    outputs.write_csv(FILES_CSV, [f.to_dict() for f in result.summary.files_by_risk()])
    outputs.write_json(SUMMARY_JSON, result.to_dict())
    outputs.write_text(REPORT_HTML, lambda stream: write_html(result, stream))
    outputs.write_text(SUMMARY_MD, lambda stream: write_markdown(result, stream))


def run_batch(inputs: Sequence[str], out: Path | str, *,
              compare: Sequence[str] | None = None, settings: Settings | None = None,
              pipeline: Pipeline | None = None, engine: str = "local", address: str | None = None,
              workers: int | None = None, store: Path | str | None = None, use_cache: bool = True,
              input_format: str | None = None, chunk_size: int = CHUNK_SIZE, rebuild_store: bool = False,
              progress: Progress | None = None, show_progress: bool = False) -> BatchResult:  # fmt: skip
    """Score every file under `inputs` (or, with `inputs` empty, the two folders of `compare`)
    and write into the folder `out`:
    segments.parquet/.csv, files.csv, summary.json, report.html, summary.md (and
    comparison.csv). Results are kept in the SQLite `store` (default `out/results.sqlite`);
    `use_cache=False` rescores everything; `rebuild_store` sets a (damaged) store aside and
    starts an empty one. `progress(n)` is called after each chunk.
    """
    if engine not in ENGINES:
        raise ConfigError(f"unknown engine {engine!r}; known: {', '.join(ENGINES)}")
    if chunk_size < 1:
        raise ConfigError(f"chunk size must be positive, not {chunk_size}")
    started = time.perf_counter()
    systems = _systems(inputs, compare, input_format)
    settings = pipeline.settings if pipeline else (settings or load_settings())
    out = Path(out)
    check_batch_outputs(out, [path for system in systems for path in system.files])
    # Each file's target language is identified once, as mtqa check does, not per chunk.
    language = settings.language if settings.identify_language else None
    units = iter_system_units(systems, chunk_size, input_format, language)
    with ExitStack() as stack:
        results = stack.enter_context(ResultStore(Path(store) if store else out / STORE_NAME, rebuild=rebuild_store))
        if results.set_aside:
            warnings.warn(f"{results.path}: the old result store was set aside as {results.set_aside}; "
                          "every segment is scored again", MtqaWarning, stacklevel=2)
        tick = stack.enter_context(_progress(systems, progress, show_progress, input_format))
        scored_on_ray = None
        if engine == "ray":
            from mtqa.batch.ray_engine import fill_store

            info, scored_on_ray = fill_store(units, results, settings, address=address, workers=workers,
                                             use_cache=use_cache, chunk_size=chunk_size, progress=tick)
            scorer, tick, use_cache = StoredOnly(info), None, True
            units = iter_system_units(systems, chunk_size, input_format, language)
        else:
            scorer = LocalEngine(pipeline or stack.enter_context(Pipeline(settings)))
        summary = BatchSummary(scorer.info.dimensions)
        outputs = BatchOutputs(out, scorer.info.dimensions, with_system=compare is not None)
        try:
            run_chunks(scorer, results, units, summary, outputs.write_rows, use_cache=use_cache,
                       chunk_size=chunk_size, progress=tick)
            if scored_on_ray is not None:
                summary.scored, summary.cached = scored_on_ray, summary.segments - scored_on_ray
            segments_parquet = outputs.close_segments()
            comparison = None
            if compare is not None:
                comparison, paired = compare_systems(segments_parquet, systems[0].name, systems[1].name,
                                                     scorer.info.dimensions)
                pa_csv.write_csv(paired, outputs.reserve(COMPARISON_CSV))
            result = BatchResult(
                summary, scorer.info, engine, time.perf_counter() - started,
                [*inputs] if compare is None else [*compare], settings_summary(settings), settings.fail_on,
                comparison, datetime.now(UTC).isoformat(timespec="seconds"),
            )
            _write_reports(outputs, result)
            result.outputs = outputs.commit()
        except BaseException:
            outputs.abort()
            raise
    return result
