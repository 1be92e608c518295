"""The files a batch writes into its output folder, each replaced atomically at the end.

Segment rows stream into temporary Parquet and CSV files chunk by chunk; the summaries and
reports are written once all rows are in. An interrupted or failed run removes its
temporary files and leaves the previous run's outputs untouched; the temporary files of a
killed run (`.segments.csv.PID.tmp`) are removed by the next run into the folder. Replaced
outputs keep their mode (see `mtqa.core.files`).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

import pyarrow as pa
import pyarrow.parquet as pq

from mtqa.batch.records import row_schema
from mtqa.core.errors import OutputError
from mtqa.core.files import (
    check_outputs,
    install,
    remove_stale_temporaries,
    temporary_path,
    writes_in_place,
)

SEGMENTS_PARQUET = "segments.parquet"
SEGMENTS_CSV = "segments.csv"
FILES_CSV = "files.csv"
SUMMARY_JSON = "summary.json"
REPORT_HTML = "report.html"
SUMMARY_MD = "summary.md"
COMPARISON_CSV = "comparison.csv"
OUTPUT_NAMES = (SEGMENTS_PARQUET, SEGMENTS_CSV, FILES_CSV, SUMMARY_JSON, REPORT_HTML, SUMMARY_MD, COMPARISON_CSV)


def check_batch_outputs(folder: Path, inputs: Sequence[str]) -> None:
    """Refuse an output folder whose outputs would replace an input, or that cannot be written."""
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder}: exists and is not a folder (--out needs a folder)")
    if not folder.is_dir():
        return
    check_outputs([(name, folder / name) for name in OUTPUT_NAMES], inputs)
    for name in OUTPUT_NAMES:
        if writes_in_place(folder / name):
            raise OutputError(f"{folder / name}: is not a regular file, and a batch replaces its outputs")


class BatchOutputs:
    """Temporary output files in `folder`, renamed into place by `commit`."""

    def __init__(self, folder: Path, dimensions: Sequence[str], with_system: bool) -> None:
        check_batch_outputs(folder, ())
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise OutputError(f"{folder}: cannot create the output folder ({error.strerror})") from None
        remove_stale_temporaries(folder, OUTPUT_NAMES)
        self.folder = folder
        self.schema = row_schema(dimensions, with_system)
        self._pending: dict[Path, Path] = {}
        self._parquet = pq.ParquetWriter(self.reserve(SEGMENTS_PARQUET), self.schema)
        self._csv_stream = self.reserve(SEGMENTS_CSV).open("w", encoding="utf-8", newline="")
        self._csv = csv.DictWriter(self._csv_stream, fieldnames=self.schema.names, lineterminator="\n")
        self._csv.writeheader()

    def reserve(self, name: str) -> Path:
        """A temporary path for output `name`, moved into place by `commit`."""
        final = self.folder / name
        temporary = temporary_path(final, unique=False)
        self._pending[final] = temporary
        return temporary

    def write_rows(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            self._parquet.write_table(pa.Table.from_pylist(rows, schema=self.schema))
            self._csv.writerows(rows)

    def write_text(self, name: str, write: Callable[[TextIO], None]) -> None:
        with self.reserve(name).open("w", encoding="utf-8", newline="") as stream:
            write(stream)

    def write_json(self, name: str, data: Any) -> None:
        self.write_text(name, lambda stream: json.dump(data, stream, indent=2, ensure_ascii=False))

    def write_csv(self, name: str, rows: list[dict[str, Any]]) -> None:
        def write(stream: TextIO) -> None:
            writer = csv.DictWriter(stream, fieldnames=list(rows[0]) if rows else [], lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)

        self.write_text(name, write)

    def close_segments(self) -> Path:
        """Finish the segment files (so they can be read back, e.g. to pair two systems)."""
        self._parquet.close()
        self._csv_stream.close()
        return self._pending[self.folder / SEGMENTS_PARQUET]

    def commit(self) -> dict[str, Path]:
        for final, temporary in self._pending.items():
            install(temporary, final)
        written = {final.name: final for final in self._pending}
        self._pending.clear()
        return written

    def abort(self) -> None:
        for closeable in (self._parquet, self._csv_stream):
            try:
                closeable.close()
            except Exception:  # noqa: BLE001 - already failing; the temporary files go anyway
                pass
        for temporary in self._pending.values():
            temporary.unlink(missing_ok=True)
        self._pending.clear()
