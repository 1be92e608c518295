"""Speed of the fluency scorer on real MT output.

    .venv/bin/python benchmarks/bench_fluency.py [--n 1000] [--threads 2] [--dtype auto]

Scores the first N targets of the WMT23 zh-en MQM file; prints sentences/s and peak RSS.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import resource
import sys
import time
from pathlib import Path

import torch

from mtqa.core.config import load_settings
from mtqa.core.documents import Document, Segment
from mtqa.scorers.fluency import LMFluencyScorer

DEFAULT_DATA = Path("/work/shared/data/mqm_zhen_generalmt2023.tsv")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--dtype", default="auto")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    csv.field_size_limit(sys.maxsize)
    with args.data.open(encoding="utf-8", newline="") as handle:
        targets = [row["target"] for row in itertools.islice(csv.DictReader(handle, delimiter="\t"), args.n)]
    document = Document(str(args.data), "tsv")
    for text in targets:
        document.add(Segment(text, len(document.segments), 0, len(text)))
    started = time.perf_counter()
    scorer = LMFluencyScorer(load_settings(dtype=args.dtype))
    loaded = time.perf_counter()
    scorer.score(document.segments)
    done = time.perf_counter()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"load {loaded - started:.1f} s; {len(targets)} sentences in {done - loaded:.1f} s = "
          f"{len(targets) / (done - loaded):.1f} sentences/s; peak RSS {peak_mb:.0f} MB; "
          f"dtype {scorer.signature()['lm_dtype']}, {args.threads} threads")


if __name__ == "__main__":
    main()
