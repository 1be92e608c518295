"""Benchmark `mtqa batch`: segments per second and peak memory, local engine versus Ray, and
the cost of a fully cached re-run (target: under 5% of the first run).

The input is a TSV of `--segments` rows made by repeating and varying the public dev data
(/work/shared/data: WMT23 zh-en MQM translations with their Chinese sources, and DEMETR
translations with their English references); every repetition edits each sentence a little
(a word swapped, dropped, doubled or a clause added) so that no two rows are the same and
no model memo can short-cut the work.

Each run is a separate `python -m mtqa batch` process; peak memory is the largest sum of
resident memory over that process and all its descendants (Ray's raylet and workers),
sampled every 0.2 s. The samples also give the run's course: resident memory and segments
stored (rows in the result store) over time, reported per fifth of the segments, so that a
memory or throughput drift from the first chunk to the last shows (both should stay flat).

    python benchmarks/bench_batch.py --segments 100000            # the full benchmark (hours on 2 cores)
    python benchmarks/bench_batch.py --segments 5000 --engines local,ray
    python benchmarks/bench_batch.py --segments 20000 --engines local    # memory flat over 40 chunks
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil

DATA = Path(os.environ.get("MTQA_DEV_DATA", "/work/shared/data"))
CLAUSES = ("according to officials", "as reported on Monday", "in the end", "for now", "once again")


def base_rows() -> list[dict[str, str]]:
    """The two dev sets interleaved, so that any prefix has both kinds of rows."""
    with (DATA / "mqm_zhen_generalmt2023.tsv").open(encoding="utf-8", newline="") as stream:
        mqm = [{"source": r["source"], "target": r["target"], "reference": ""}
               for r in csv.DictReader(stream, delimiter="\t")]
    with (DATA / "demetr_dev.jsonl").open(encoding="utf-8") as stream:
        demetr = [{"source": "", "target": r["pert_sent"], "reference": r["eng_sent"]}
                  for r in map(json.loads, stream)]
    interleaved = [row for pair in zip(mqm, demetr, strict=False) for row in pair]
    longer = mqm if len(mqm) > len(demetr) else demetr
    return interleaved + longer[min(len(mqm), len(demetr)):]


def varied(text: str, repetition: int) -> str:
    """The `repetition`-th variant of a sentence (the 0th is the sentence itself)."""
    if repetition == 0:
        return text
    words = text.split()
    if len(words) < 3:
        return f"{text} ({repetition})"
    position = repetition % (len(words) - 1)
    kind = repetition % 4
    if kind == 0:
        words[position], words[position + 1] = words[position + 1], words[position]
    elif kind == 1:
        del words[position]
    elif kind == 2:
        words.insert(position, words[position])
    else:
        words.insert(position, CLAUSES[repetition % len(CLAUSES)] + ",")
    variant = " ".join(words)
    # Longer runs repeat a (kind, position) pair: a trailing marker keeps every row distinct.
    return variant if repetition < 4 * (len(words) - 1) else f"{variant} [{repetition}]"


def generated_rows(count: int) -> Iterator[dict[str, str]]:
    rows = base_rows()
    for n in range(count):
        row = rows[n % len(rows)]
        yield {"id": str(n + 1), "source": row["source"], "target": varied(row["target"], n // len(rows)),
               "reference": row["reference"]}


def write_corpus(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=["id", "source", "target", "reference"], delimiter="\t",
                                lineterminator="\n")
        writer.writeheader()
        writer.writerows(generated_rows(count))


def tree_rss(process: psutil.Process) -> int:
    total = 0
    for member in [process, *process.children(recursive=True)]:
        try:
            total += member.memory_info().rss
        except psutil.Error:
            pass
    return total


def stored_rows(store: Path) -> int:
    """Segments committed so far (the store is written chunk by chunk, in WAL mode)."""
    try:
        with sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=0.1) as connection:
            return int(connection.execute("SELECT count(*) FROM results").fetchone()[0])
    except sqlite3.Error:
        return 0


def course(samples: list[tuple[float, int, int]], total: int) -> list[dict[str, float]]:
    """Per fifth of the segments: segments/s over it and the peak resident memory during it."""
    out, start = [], (0.0, 0)
    for fifth in range(1, 6):
        inside = [s for s in samples if start[1] <= s[2] <= fifth * total / 5]
        if not inside:
            continue
        end = inside[-1]
        seconds = end[0] - start[0]
        out.append({"segments": f"{start[1]}-{end[2]}", "segments_per_second":
                    round((end[2] - start[1]) / seconds, 2) if seconds > 0 else None,
                    "peak_rss_mib": round(max(s[1] for s in inside) / 2**20, 1)})  # fmt: skip
        start = (end[0], end[2])
    return out


def measured_run(command: list[str], store: Path | None = None, total: int = 0) -> dict[str, Any]:
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    watched = psutil.Process(process.pid)
    peak = 0
    samples: list[tuple[float, int, int]] = []  # (seconds, resident bytes, segments stored)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        tick = 0
        while not done.wait(0.2):
            try:
                rss = tree_rss(watched)
            except psutil.Error:
                return
            peak = max(peak, rss)
            tick += 1
            if store is not None and tick % 10 == 0:  # every 2 s: counting rows is not free
                samples.append((time.perf_counter() - started, rss, stored_rows(store)))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = process.communicate()
    done.set()
    sampler.join()
    seconds = time.perf_counter() - started
    if process.returncode not in (0, 1):  # 1 = the gate failed, which is fine here
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{stderr}")
    result: dict[str, Any] = {"seconds": round(seconds, 2), "peak_rss_mib": round(peak / 2**20, 1)}
    if store is not None and samples:
        result["course"] = course(samples, total)
    return result


def batch_command(corpus: Path, out: Path, engine: str, threads: int) -> list[str]:
    return [sys.executable, "-m", "mtqa", "batch", str(corpus), "--out", str(out), "--no-progress",
            "--engine", engine, "--threads", str(threads)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--segments", type=int, default=100_000)
    parser.add_argument("--engines", default="local,ray", help="comma-separated: local, ray")
    parser.add_argument("--threads", type=int, default=2,
                        help="torch threads of the local engine (Ray runs one 1-thread worker per CPU)")
    parser.add_argument("--work-dir", type=Path, help="keep corpus and outputs here (default: a temp folder)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="mtqa-bench-") as temporary:
        work = args.work_dir or Path(temporary)
        work.mkdir(parents=True, exist_ok=True)
        corpus = work / f"corpus-{args.segments}.tsv"
        write_corpus(corpus, args.segments)
        results: dict[str, dict[str, Any]] = {}
        for engine in args.engines.split(","):
            out = work / f"out-{engine}"
            threads = args.threads if engine == "local" else 1
            first = measured_run(batch_command(corpus, out, engine, threads), out / "results.sqlite", args.segments)
            first["segments_per_second"] = round(args.segments / first["seconds"], 2)
            results[engine] = first
            print(f"{engine}: {first}", flush=True)
            if engine == "local":
                cached = measured_run(batch_command(corpus, out, engine, threads))
                cached["share_of_first_run"] = round(cached["seconds"] / first["seconds"], 4)
                # Not 0 when the code or models changed between the runs (a new signature).
                cached["rescored"] = json.loads((out / "summary.json").read_text("utf-8"))["scored"]
                results["local-cached-rerun"] = cached
                print(f"local cached re-run: {cached}", flush=True)
    report = {"segments": args.segments, "cpus": os.cpu_count(), "results": results}
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
