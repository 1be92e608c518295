"""Batch scoring: many files into Parquet/CSV results, an HTML report and a Markdown summary,
with a SQLite result store for incremental re-runs and an optional Ray engine.

    result = run_batch(["corpus/"], "out/")          # doctest: +SKIP
    result.summary.counts()                          # doctest: +SKIP
"""

from mtqa.batch.compare import Comparison, paired_bootstrap
from mtqa.batch.engine import CHUNK_SIZE
from mtqa.batch.result import BatchResult
from mtqa.batch.run import ENGINES, run_batch
from mtqa.batch.store import ResultStore, segment_key

__all__ = ["CHUNK_SIZE", "ENGINES", "BatchResult", "Comparison", "ResultStore", "paired_bootstrap",
           "run_batch", "segment_key"]
