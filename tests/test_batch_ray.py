"""`mtqa batch --engine ray` on a local Ray instance gives the same results as the local engine.

Ray is an optional extra: `pip install -e '.[dev,ray]'` (or `pip install 'ray[data]'`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest

ray = pytest.importorskip("ray", reason="Ray is not installed: pip install -e '.[ray]' to run the Ray engine tests")

from mtqa.batch import run_batch  # noqa: E402
from mtqa.core.config import Settings  # noqa: E402
from mtqa.core.pipeline import Pipeline  # noqa: E402

MIXED = Path(__file__).resolve().parent.parent / "fixtures" / "batch" / "mixed"
# One thread everywhere, so that the local and the Ray workers' models compute identically.
SETTINGS = Settings(threads=1)
NUMBERS = ("risk", "score_fluency", "score_grammar", "score_drift", "score_checks")


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def _by_segment(out: Path) -> dict[tuple[str, int], dict]:
    return {(r["file"], r["index"]): r for r in pq.read_table(out / "segments.parquet").to_pylist()}


def test_ray_engine_matches_the_local_engine(local_ray: None, tmp_path: Path) -> None:
    with Pipeline(SETTINGS) as pipeline:
        local = run_batch([str(MIXED)], tmp_path / "local", pipeline=pipeline)
    on_ray = run_batch([str(MIXED)], tmp_path / "ray", settings=SETTINGS, engine="ray", workers=1)
    assert on_ray.info.signature == local.info.signature
    assert (on_ray.summary.scored, on_ray.summary.cached) == (local.summary.segments, 0)
    local_rows, ray_rows = _by_segment(tmp_path / "local"), _by_segment(tmp_path / "ray")
    assert local_rows.keys() == ray_rows.keys()
    for key, row in local_rows.items():
        other = ray_rows[key]
        assert (other["text"], other["verdict"], other["reasons"]) == (row["text"], row["verdict"], row["reasons"])
        for column in NUMBERS:
            if column in row:
                # Ray's worker runs 1 thread, the local engine 2: CTranslate2's GEMMs then sum in
                # another order (~1e-7), which drift's within-document z-scores magnify to ~1e-6.
                assert other[column] == pytest.approx(row[column], abs=1e-5), (key, column)
    assert on_ray.summary.counts() == local.summary.counts()
    for name in ("report.html", "summary.md", "files.csv", "segments.csv"):
        assert (tmp_path / "ray" / name).is_file()

    # A second Ray run finds everything in its store and starts no scoring.
    again = run_batch([str(MIXED)], tmp_path / "ray", settings=SETTINGS, engine="ray", workers=1)
    assert (again.summary.scored, again.summary.cached) == (0, local.summary.segments)
    assert _by_segment(tmp_path / "ray") == ray_rows
