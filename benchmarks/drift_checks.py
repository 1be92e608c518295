"""Measure the drift and checks scorers on the public dev data.

    python benchmarks/drift_checks.py demetr   # share of pairs where drift(mt) > drift(perturbed)
    python benchmarks/drift_checks.py mqm      # item-grouped Kendall tau of checks raw values
    python benchmarks/drift_checks.py speed    # embedding throughput on 2 threads
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
import torch
from scipy.stats import kendalltau

from mtqa.core.config import Settings
from mtqa.core.documents import Segment
from mtqa.models.embeddings import get_embedder
from mtqa.scorers.checks import ChecksScorer
from mtqa.scorers.drift import DriftScorer

DATA = "/work/shared/data"


def demetr() -> None:
    data = pd.read_json(f"{DATA}/demetr_dev.jsonl", lines=True)
    scorer = DriftScorer(Settings())
    results = {}
    for column in ("mt_sent", "pert_sent"):
        segments = [Segment(t, 0, 0, len(t), reference=r) for t, r in zip(data[column], data.eng_sent, strict=True)]
        results[column] = scorer.score(segments)
    wins = pd.DataFrame({"severity": data.severity, "pert_name": data.pert_name})
    for name, value in (("drift", lambda r: r.score), ("chrF", lambda r: r.raw["chrf"]),
                        ("cosine", lambda r: r.raw["cosine"])):  # fmt: skip
        good = np.array([value(r) for r in results["mt_sent"]])
        bad = np.array([value(r) for r in results["pert_sent"]])
        wins[name] = good > bad  # ties fail
    columns = ["drift", "chrF", "cosine"]
    print(f"DEMETR dev, {len(wins)} pairs: share with score(mt) > score(perturbed)")
    print(wins[columns].mean().round(4).to_string())
    print(wins.groupby("severity")[columns].mean().round(4).to_string())
    print(wins.groupby("pert_name")[columns].mean().round(4).to_string())


def grouped_tau(frame: pd.DataFrame, column: str) -> tuple[float, float, int]:
    """Kendall tau between a badness value and MQM across the systems of each segment
    (= tau between -value and -mqm), averaged: over the segments where the value varies, and
    over all segments where MQM varies (a constant value counting 0); and how many vary."""
    taus, all_taus = [], []
    for _, item in frame.groupby(["doc", "seg_id"]):
        if item.mqm.nunique() < 2:
            continue
        if item[column].nunique() < 2:
            all_taus.append(0.0)
            continue
        taus.append(kendalltau(item[column], item.mqm).statistic)
        all_taus.append(taus[-1])
    return float(np.nanmean(taus)), float(np.nanmean(all_taus)), len(taus)


def mqm() -> None:
    data = pd.read_csv(f"{DATA}/mqm_zhen_generalmt2023.tsv", sep="\t")
    segments = [Segment(t, 0, 0, len(t), source=s) for t, s in zip(data.target, data.source, strict=True)]
    results = ChecksScorer(Settings()).score(segments)
    # Each column is a badness value (higher = worse), as MQM is.
    data["target_length"] = data.target.str.len()  # the baseline
    data["length_ratio"] = [r.raw.get("length_ratio", 0.0) for r in results]
    data["length_ratio_excess"] = [r.raw.get("length_ratio_excess", 0.0) for r in results]
    data["number_mismatches"] = [r.raw.get("numbers_extra", 0) + r.raw.get("numbers_missing", 0) for r in results]
    data["names_missing"] = [r.raw.get("names_missing", 0) for r in results]
    data["unbalanced_marks"] = [r.raw.get("unbalanced_marks", 0) for r in results]
    data["checks_penalty"] = [0.0 if r.score is None else 1.0 - r.score for r in results]
    print(f"MQM zh-en, {len(data)} rows: item-grouped Kendall tau with MQM (higher = agrees)")
    for column in ("target_length", "length_ratio", "length_ratio_excess", "number_mismatches",
                   "names_missing", "unbalanced_marks", "checks_penalty"):  # fmt: skip
        varying, overall, items = grouped_tau(data, column)
        print(f"{column:20s} tau={varying:+.4f} over {items:3d} segments where it varies, "
              f"{overall:+.4f} over all; rows > 0: {int((data[column] > 0).sum())}")


def speed() -> None:
    torch.set_num_threads(2)
    texts = pd.read_json(f"{DATA}/demetr_dev.jsonl", lines=True).mt_sent.drop_duplicates().tolist()[:1000]
    embedder = get_embedder(Settings().embedder)
    embedder.encode(["warm up"])
    started = time.perf_counter()
    embedder.encode(texts)
    elapsed = time.perf_counter() - started
    print(f"{len(texts)} sentences (mean {np.mean([len(t) for t in texts]):.0f} chars): "
          f"{len(texts) / elapsed:.1f} sentences/s on {torch.get_num_threads()} threads")  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["demetr", "mqm", "speed"])
    {"demetr": demetr, "mqm": mqm, "speed": speed}[parser.parse_args().what]()
