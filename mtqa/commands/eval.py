"""`mtqa eval DATASET`: agreement of mtqa (and peer metrics) with human labels on a dev file.

The dataset's kind comes from its columns (MQM ratings, DEMETR or BLiMP pairs; see
`mtqa.evaluation`). Scoring is cached under `<cache_dir>/eval/`, so a rerun, or one with a
refitted risk model, only recomputes the statistics. `--folds K` measures risk held out:
each fold's segments are combined by a model refitted on the other folds.
"""

from __future__ import annotations

import argparse
import json
import sys

from mtqa.commands.options import add_settings_arguments, settings_from_args
from mtqa.core.errors import InputError
from mtqa.core.files import check_output, write_atomically
from mtqa.core.pipeline import Pipeline
from mtqa.evaluation import evaluate


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "eval", help="measure agreement with human labels on a dev dataset",
        description="Meta-evaluate mtqa on a labelled file: MQM ratings (.tsv: system, doc, seg_id, "
        "source, target, mqm, errors_json), DEMETR pairs, BLiMP pairs or rewritten sentences with the words "
        "a spinner replaced (.jsonl: doc, seg_id, original, spun, replaced).",
    )
    parser.add_argument("dataset", metavar="DATASET", help="the labelled file")
    parser.add_argument("--limit", type=int, metavar="N", help="only the first N rows (quick runs)")
    parser.add_argument("--folds", type=int, metavar="K",
                        help="held-out risk: refit the risk model on K-1 of K folds grouped by "
                        "document (MQM, spun) or item (DEMETR) and score the remaining fold")
    parser.add_argument("--no-cache", action="store_true", help="score again even if cached")
    parser.add_argument("-f", "--format", choices=("text", "json"), default="text")
    parser.add_argument("-o", "--output", metavar="FILE", help="write here (default stdout)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress lines on stderr")
    add_settings_arguments(parser, gate_options=False)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.folds is not None and args.folds < 2:
        raise InputError(f"--folds must be at least 2, not {args.folds}")
    settings = settings_from_args(args)
    if args.output:
        check_output(args.output, [args.dataset], "evaluation")
    with Pipeline(settings) as pipeline:
        evaluation = evaluate(args.dataset, pipeline, limit=args.limit, folds=args.folds,
                              use_cache=not args.no_cache, quiet=args.quiet)
    text = (json.dumps(evaluation.to_dict(), indent=2, ensure_ascii=False) + "\n"
            if args.format == "json" else evaluation.format())
    if args.output:
        write_atomically(args.output, text.encode("utf-8"), "evaluation")
    else:
        sys.stdout.write(text)
    return 0
