"""Benchmark `mtqa check` end to end beside the bare LM on the same sentences, in one run.

Inputs (from /work/shared/data, or MTQA_DEV_DATA): the first `--n` WMT23 zh-en MQM rows with
their Chinese sources (targets of ~46 tokens), and `--n` BLiMP sentences (~9 tokens; good and
bad alternate), each as a TSV. For each, and each repetition, two processes run in turn:

- `mtqa check FILE -f jsonl -o OUT --threads T`: the whole pipeline (fluency LM, Harper, drift,
  checks, risk, writer), start-up included;
- the bare LM: the same start-up (Python, the LM loaded as the fluency scorer loads it), then
  every target scored once, which is the LM's share of the pipeline's work.

Reported per data set: segments/s of each, pipeline ÷ bare LM (time), and the peak resident
memory of each process. Ratios taken in one run are robust to a loaded machine; the load
average is printed beside them. Also:

- `--startup N`: median wall time of N runs of `mtqa check` on a one-sentence file;
- `--workers`: the same pipeline as two `--threads 1` processes on the two halves of the file,
  side by side (segments/s of the pair), against one process with `--threads 2`;
- `--profile`: one in-process run per data set, timing each scorer and the LM inside them.

    python benchmarks/bench_pipeline.py --n 1000 --repeat 2 --startup 5
    python benchmarks/bench_pipeline.py --n 300 --workers --lm-compute int8
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATA = Path(os.environ.get("MTQA_DEV_DATA", "/work/shared/data"))
ROOT = Path(__file__).resolve().parent.parent


def write_inputs(folder: Path, n: int) -> dict[str, Path]:
    with (DATA / "mqm_zhen_generalmt2023.tsv").open(encoding="utf-8", newline="") as stream:
        mqm = [{"source": r["source"], "target": r["target"]} for r in csv.DictReader(stream, delimiter="\t")][:n]
    with (DATA / "blimp_dev.jsonl").open(encoding="utf-8") as stream:
        pairs = [json.loads(line) for line in stream]
    blimp = [{"target": p[key]} for p in pairs for key in ("sentence_good", "sentence_bad")][:n]
    paths = {}
    for name, rows in (("mqm", mqm), ("blimp", blimp)):
        paths[name] = folder / f"{name}.tsv"
        write_tsv(paths[name], rows)
    return paths


def write_tsv(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=["id", *rows[0]], delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows({"id": str(i + 1), **row} for i, row in enumerate(rows))


def timed(commands: list[list[str]], env: dict[str, str]) -> dict[str, float]:
    """Run the commands side by side: wall seconds until the last ends, CPU seconds (user +
    system, all threads: what a busy machine cannot inflate much), the largest peak RSS."""
    started = time.perf_counter()
    processes = [subprocess.Popen(c, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env) for c in commands]
    peak, cpu = 0, 0.0
    for process in processes:
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        peak = max(peak, usage.ru_maxrss)  # KiB on Linux
        cpu += usage.ru_utime + usage.ru_stime
        if process.returncode not in (0, 1):  # 1: the gate failed, fine here
            raise SystemExit(f"{' '.join(process.args)} failed: {process.stderr.read().decode()[-2000:]}")
    return {"seconds": time.perf_counter() - started, "cpu_seconds": cpu, "peak_rss_mib": peak / 1024}


def check_command(path: Path, out: Path, threads: int, extra: list[str]) -> list[str]:
    return [sys.executable, "-m", "mtqa", "check", str(path), "-f", "jsonl", "-o", str(out), "--no-progress",
            "--threads", str(threads), *extra]


def bare_lm_command(path: Path, threads: int) -> list[str]:
    return [sys.executable, __file__, "--bare-lm", str(path), "--threads", str(threads)]


def bare_lm(path: Path, threads: int) -> None:
    """The LM's part of the pipeline alone: load it as the fluency scorer does, score every target."""
    from mtqa.core.config import load_settings
    from mtqa.models.lm import causal_lm_for

    with path.open(encoding="utf-8", newline="") as stream:
        texts = [row["target"] for row in csv.DictReader(stream, delimiter="\t")]
    causal_lm_for(load_settings(threads=threads)).score(texts)


def profile(path: Path, threads: int) -> dict[str, float]:
    """Seconds in each scorer, and in the LM inside them, for one in-process `mtqa check`."""
    import mtqa
    from mtqa.core.config import load_settings
    from mtqa.core.pipeline import Pipeline
    from mtqa.models.lm import CausalLM

    spent: dict[str, float] = {}

    def timing(name: str, function):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - started
        return wrapper

    started = time.perf_counter()
    pipeline = Pipeline(load_settings(threads=threads))
    loaded = time.perf_counter()
    CausalLM._score_uncached = timing("lm", CausalLM._score_uncached)  # type: ignore[method-assign]
    for dimension, scorer in pipeline.scorers.items():
        scorer.score = timing(dimension, scorer.score)  # type: ignore[method-assign]
    mtqa.check(str(path), pipeline=pipeline)
    total = time.perf_counter() - loaded
    report = {"load_s": loaded - started, "scoring_s": total, **{f"{k}_s": v for k, v in spent.items()}}
    report["everything_but_lm_s"] = total - spent.get("lm", 0.0)
    report["rest_over_lm"] = report["everything_but_lm_s"] / max(spent.get("lm", 1e-9), 1e-9)
    return {k: round(v, 3) for k, v in report.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000, help="rows of each data set")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--data", default="mqm,blimp")
    parser.add_argument("--startup", type=int, default=0, help="runs of `mtqa check` on one sentence")
    parser.add_argument("--workers", action="store_true", help="also: two 1-thread processes on the halves")
    parser.add_argument("--profile", action="store_true", help="also: time each scorer in-process")
    parser.add_argument("--lm-compute", default="auto", help="MTQA_LM_COMPUTE for every run (e.g. int8)")
    parser.add_argument("--bare-lm", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--profile-of", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_lm:
        return bare_lm(args.bare_lm, args.threads)
    if args.profile_of:
        return print(json.dumps(profile(args.profile_of, args.threads)))
    env = {**os.environ, "MTQA_LM_COMPUTE": args.lm_compute, "HF_HUB_OFFLINE": "1",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}  # fmt: skip
    os.environ.update(env)
    report: dict[str, object] = {"cpus": os.cpu_count(), "threads": args.threads, "lm_compute": args.lm_compute}
    with tempfile.TemporaryDirectory(prefix="mtqa-bench-") as temporary:
        folder = Path(temporary)
        inputs = write_inputs(folder, args.n)
        if args.startup:
            one = folder / "one.txt"
            one.write_text("Paula references Robert.\n", encoding="utf-8")
            runs = [timed([check_command(one, folder / "one.jsonl", args.threads, [])], env)
                    for _ in range(args.startup)]  # fmt: skip
            report["startup_s"] = {"median": round(statistics.median(r["seconds"] for r in runs), 2),
                                   "median_cpu": round(statistics.median(r["cpu_seconds"] for r in runs), 2),
                                   "runs": [round(r["seconds"], 2) for r in runs],
                                   "load_average": os.getloadavg()[0]}  # fmt: skip
            print("start-up:", report["startup_s"], flush=True)
        for name in args.data.split(","):
            path = inputs[name]
            for repetition in range(args.repeat):
                load_before = os.getloadavg()[0]
                lm = timed([bare_lm_command(path, args.threads)], env)
                pipeline = timed([check_command(path, folder / "out.jsonl", args.threads, [])], env)
                row = {"segments": args.n, "pipeline_per_s": round(args.n / pipeline["seconds"], 2),
                       "bare_lm_per_s": round(args.n / lm["seconds"], 2),
                       "pipeline_over_lm": round(pipeline["seconds"] / lm["seconds"], 3),
                       "pipeline_over_lm_cpu": round(pipeline["cpu_seconds"] / lm["cpu_seconds"], 3),
                       "pipeline_cpu_s_per_segment": round(pipeline["cpu_seconds"] / args.n, 4),
                       "bare_lm_cpu_s_per_segment": round(lm["cpu_seconds"] / args.n, 4),
                       "pipeline_peak_rss_mib": round(pipeline["peak_rss_mib"]),
                       "lm_peak_rss_mib": round(lm["peak_rss_mib"]),
                       "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)]}  # fmt: skip
                if args.workers:
                    halves = [folder / f"{name}-half{i}.tsv" for i in (1, 2)]
                    with path.open(encoding="utf-8", newline="") as stream:
                        rows = [
                            {k: v for k, v in r.items() if k != "id"} for r in csv.DictReader(stream, delimiter="\t")
                        ]
                    write_tsv(halves[0], rows[: len(rows) // 2])
                    write_tsv(halves[1], rows[len(rows) // 2 :])
                    pair = timed([check_command(h, h.with_suffix(".jsonl"), 1, []) for h in halves], env)
                    row["two_workers_per_s"] = round(args.n / pair["seconds"], 2)
                    row["two_workers_peak_rss_mib_each"] = round(pair["peak_rss_mib"])
                report[f"{name}#{repetition + 1}"] = row
                print(f"{name} #{repetition + 1}:", row, flush=True)
            if args.profile:  # in a child: a forked child's peak RSS would include this process's
                command = [sys.executable, __file__, "--profile-of", str(path), "--threads", str(args.threads)]
                output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
                report[f"{name}-profile"] = json.loads(output.strip().splitlines()[-1])
                print(f"{name} profile:", report[f"{name}-profile"], flush=True)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
