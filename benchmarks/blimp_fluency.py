"""BLiMP minimal pairs: how often `scores.fluency` ranks the good sentence above the bad one.

    .venv/bin/python benchmarks/blimp_fluency.py [--data /work/shared/data/blimp_dev.jsonl]

Ties count as failures. Prints accuracy per phenomenon (UID) and overall.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from pathlib import Path

import torch

from mtqa.core.config import load_settings
from mtqa.core.documents import Document, Segment
from mtqa.scorers.fluency import LMFluencyScorer

DEFAULT_DATA = Path("/work/shared/data/blimp_dev.jsonl")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    pairs = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line]
    document = Document(str(args.data), "jsonl")
    for pair in pairs:
        for text in (pair["sentence_good"], pair["sentence_bad"]):
            document.add(Segment(text, len(document.segments), 0, len(text)))
    scorer = LMFluencyScorer(load_settings())
    started = time.perf_counter()
    results = scorer.score(document.segments)
    elapsed = time.perf_counter() - started
    wins: dict[str, list[bool]] = defaultdict(list)
    for pair, good, bad in zip(pairs, results[0::2], results[1::2], strict=True):
        wins[pair["UID"]].append(good.score > bad.score)
    for phenomenon, outcomes in sorted(wins.items()):
        print(f"{phenomenon:55s} {sum(outcomes) / len(outcomes):6.1%}  (n={len(outcomes)})")
    everything = [won for outcomes in wins.values() for won in outcomes]
    print(f"{'overall':55s} {sum(everything) / len(everything):6.1%}  (n={len(everything)})")
    print(f"{len(results) / elapsed:.1f} sentences/s; signature: {scorer.signature()}")


if __name__ == "__main__":
    main()
