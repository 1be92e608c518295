"""`mtqa check FILES...`: score every segment, write a report, gate on the verdicts."""

from __future__ import annotations

import argparse
import sys

from mtqa.api import build_report
from mtqa.commands.options import add_settings_arguments, settings_from_args
from mtqa.errors import InputError
from mtqa.pipeline import Pipeline
from mtqa.progress import progress_bar
from mtqa.readers import read_inputs
from mtqa.writers import write_report, writer_names


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "check", help="score files and report suspect sentences",
        description="Score every sentence (documents) or row (tables) for fluency, grammar "
        "and semantic drift. Exit code 0: passed the gate, 1: gate failed, 2: error.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="files, directories or globs; '-' reads standard input")
    parser.add_argument("-f", "--format", default="text", choices=writer_names(),
                        help="report format (default text)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the report here (default stdout)")
    parser.add_argument("--input-format", metavar="EXT",
                        help="format of standard input or of files with another extension (e.g. tsv)")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="text format: also list segments that passed")
    parser.add_argument("--no-progress", action="store_true", help="never show a progress bar")
    add_settings_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if not args.paths:
        raise InputError("no input: give files, directories or globs, or '-' for standard input")
    settings = settings_from_args(args)
    documents = list(read_inputs(args.paths, input_format=args.input_format))
    total = sum(len(d.segments) for d in documents)
    with Pipeline(settings) as pipeline, progress_bar(total, enabled=not args.no_progress) as tick:
        report = build_report(pipeline, documents, progress=tick, verbose=args.verbose)
    write_report(report, args.format, args.output)
    return 1 if report.gate_failed() else 0
