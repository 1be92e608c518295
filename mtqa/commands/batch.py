"""`mtqa batch INPUTS... --out DIR`: score a corpus into results, an HTML report and a summary."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mtqa.commands.options import add_settings_arguments, settings_from_args
from mtqa.core.errors import ConfigError


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "batch", help="score many files into an HTML report, Parquet/CSV results and a summary",
        description="Score every file (directories recursively) and write segments.parquet, "
        "segments.csv, files.csv, summary.json, report.html and summary.md into --out. Results "
        "are stored in SQLite, so a re-run only scores segments that changed. "
        "Exit code 0: passed the gate, 1: gate failed, 2: error, 130: interrupted (re-run to resume).",
    )
    parser.add_argument("paths", nargs="*", metavar="INPUT", help="files, directories or globs")
    parser.add_argument("-o", "--out", required=True, type=Path, metavar="DIR", help="output folder")
    parser.add_argument("--compare", nargs=2, metavar=("A", "B"),
                        help="two folders with the same files translated by two systems: paired "
                        "differences and bootstrap confidence intervals")
    parser.add_argument("--input-format", metavar="EXT", help="read every input as this format (e.g. tsv)")
    parser.add_argument("--store", type=Path, metavar="FILE",
                        help="SQLite result store (default DIR/results.sqlite)")
    parser.add_argument("--no-cache", action="store_true",
                        help="rescore every segment (the store is still updated)")
    parser.add_argument("--rebuild-store", action="store_true",
                        help="set the result store aside (renamed NAME.damaged-TIME) and start an empty "
                        "one, e.g. after it was reported damaged; every segment is scored again")
    parser.add_argument("--engine", choices=("local", "ray"), default="local",
                        help="local: this process (default); ray: Ray Data on a cluster")
    parser.add_argument("--address", metavar="ADDRESS",
                        help="Ray cluster to join (e.g. ray://head:10001); default: start a local one")
    parser.add_argument("--workers", type=int, metavar="N",
                        help="Ray workers, each holding the models once (default: cluster CPUs / threads)")
    parser.add_argument("--chunk-size", type=int, default=None, metavar="N",
                        help="segments per scoring round and store commit (default 512)")
    parser.add_argument("--no-progress", action="store_true", help="never show a progress bar")
    add_settings_arguments(parser)
    parser.set_defaults(run=run)


CHECK_ONLY_GATE_FLAGS = {"--select": "select", "--ignore": "ignore", "--min-score": "min_scores",
                         "--max-flagged": "max_flagged", "--baseline": "baseline"}


def run(args: argparse.Namespace) -> int:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise ConfigError("mtqa batch writes Parquet and needs pyarrow: pip install 'mtqa[batch]'") from None
    from mtqa.batch import CHUNK_SIZE, run_batch

    if args.address and args.engine != "ray":
        print("mtqa: warning: --address only applies to --engine ray", file=sys.stderr)
    # The batch gate counts verdicts in the store; the finding-level gate is mtqa check's.
    unapplied = [flag for flag, dest in CHECK_ONLY_GATE_FLAGS.items() if getattr(args, dest, None) is not None]
    if unapplied:
        print(f"mtqa: warning: mtqa batch gates on --fail-on only; {', '.join(unapplied)} "
              "apply to mtqa check", file=sys.stderr)
    result = run_batch(
        args.paths, args.out, compare=args.compare, settings=settings_from_args(args),
        engine=args.engine, address=args.address, workers=args.workers, store=args.store,
        use_cache=not args.no_cache, input_format=args.input_format, rebuild_store=args.rebuild_store,
        chunk_size=args.chunk_size or CHUNK_SIZE, show_progress=not args.no_progress,
    )
    counts = result.summary.counts()
    print(f"mtqa batch: {len(result.summary.files)} files, {result.summary.segments} segments "
          f"({result.summary.scored} scored, {result.summary.cached} from the store): "
          + ", ".join(f"{verdict} {count}" for verdict, count in counts.items())
          + f"; report: {result.outputs['report.html']}", file=sys.stderr)
    return 1 if result.gate_failed() else 0
