"""`mtqa check FILES...`: score every segment, write a report, gate on the verdicts."""

from __future__ import annotations

import argparse
import os
import sys

from mtqa.annotate import annotate_report, check_annotation_target
from mtqa.api import build_report
from mtqa.commands.options import add_settings_arguments, settings_from_args
from mtqa.core.config import Settings
from mtqa.core.errors import InputError
from mtqa.core.files import check_outputs, standard_output
from mtqa.core.pipeline import Pipeline
from mtqa.core.progress import progress_bar
from mtqa.gate.baseline import load_baseline, write_baseline
from mtqa.gate.gitdiff import changed_lines, select_changed
from mtqa.readers import expand_inputs, read_inputs
from mtqa.readers.base import is_supported
from mtqa.text.align import align_inputs
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
    parser.add_argument("--skip-unknown", action="store_true",
                        help="skip named files of formats mtqa does not read, instead of failing "
                        "(the pre-commit hook passes every staged file and lets mtqa choose)")
    parser.add_argument("--report", dest="reports", action="append", default=[], type=extra_report,
                        metavar="FORMAT=FILE", help="also write the report in another format, "
                        "from the same run (repeatable; e.g. sarif=mtqa.sarif)")
    parser.add_argument("--write-baseline", metavar="FILE",
                        help="accept every current finding: write their fingerprints to FILE "
                        "and exit 0 (then gate new findings with --baseline FILE)")
    parser.add_argument("--diff", metavar="REV",
                        help="check only files, and segments on lines, changed since the merge "
                        "base of REV and HEAD (git), e.g. origin/main")
    translation = parser.add_argument_group("translation files and aligned documents")
    translation.add_argument("--source", metavar="FILE",
                             help="the source document of a single text input: sentences are "
                             "aligned to it (see mtqa.text.align)")
    translation.add_argument("--reference", metavar="FILE",
                             help="a reference document of a single text input, aligned likewise")
    translation.add_argument("--annotate", metavar="OUT",
                             help="write the XLIFF/TMX/PO input to OUT with mtqa's verdicts as notes")
    add_settings_arguments(parser)
    parser.set_defaults(run=run)


def extra_report(value: str) -> tuple[str, str]:
    fmt, _, path = value.partition("=")
    if fmt not in writer_names() or not path:
        raise argparse.ArgumentTypeError(
            f"expected FORMAT=FILE with FORMAT one of {', '.join(writer_names())}, not {value!r}")
    return fmt, path


def planned_outputs(args: argparse.Namespace) -> list[tuple[str, str]]:
    """(what, path) of every file this run will write."""
    outputs = [("report", args.output)] + [(f"{fmt} report", path) for fmt, path in args.reports]
    outputs += [("annotated file", args.annotate), ("baseline", args.write_baseline)]
    return [(what, path) for what, path in outputs if path]


def read_files(args: argparse.Namespace, settings: Settings, paths: list[str]) -> list[str]:
    """Every file this run reads, which no output may replace. A baseline being rewritten is
    not read (see below), so --write-baseline may name it."""
    baseline = None if args.write_baseline else settings.baseline
    lexicon = settings.lexicon if settings.lexicon not in ("auto", "none") else None
    named = (args.source, args.reference, args.config, settings.glossary, settings.risk_model, lexicon, baseline)
    return [*paths, *(str(path) for path in named if path)]


def run(args: argparse.Namespace) -> int:
    if not args.paths:
        raise InputError("no input: give files, directories or globs, or '-' for standard input")
    settings = settings_from_args(args)
    paths = args.paths
    if args.skip_unknown and not args.input_format:
        # Missing files, directories and globs stay: they fail, or are filtered, as usual.
        paths = [p for p in paths if not os.path.isfile(p) or is_supported(p)]
        if not paths:
            print("mtqa: none of the files is in a format mtqa reads; nothing to check", file=sys.stderr)
            return 0
    paths = expand_inputs(paths, args.input_format)
    check_outputs(planned_outputs(args), read_files(args, settings, paths))
    if any(path in (None, "-") for path in (args.output, *(path for _, path in args.reports))):
        standard_output(f"{args.format} report")
    # A baseline being rewritten must not hide the findings it is to record.
    accepted = load_baseline(settings.baseline) if settings.baseline and not args.write_baseline else None
    documents = list(read_inputs(paths, input_format=args.input_format))
    if args.source or args.reference:
        documents = [align_inputs(documents, args.source, args.reference, settings)]
    select = None
    if args.diff:  # after alignment, which needs whole documents
        selection = select_changed(documents, changed_lines(args.diff))
        documents, select = selection.documents, selection.selects
    if args.annotate:
        check_annotation_target(documents, args.annotate)
    total = sum(select is None or select(s) for d in documents for s in d.segments)
    with Pipeline(settings) as pipeline, progress_bar(total, enabled=not args.no_progress) as tick:
        report = build_report(pipeline, documents, progress=tick, verbose=args.verbose,
                              baseline=accepted, select=select)
    outputs = [(args.format, args.output), *args.reports]
    for fmt, path in outputs:
        if path not in (None, "-"):
            write_report(report, fmt, path)
    if args.annotate:
        annotate_report(report, args.annotate)
    try:
        for fmt, path in outputs:
            if path in (None, "-"):
                write_report(report, fmt, path)
    except BrokenPipeError:
        pass  # the reader of stdout stopped early (`| head`): the files are written, the gate stands
    if args.write_baseline:
        count = write_baseline(args.write_baseline, report.gate().findings)
        print(f"mtqa: wrote {count} findings to {args.write_baseline}", file=sys.stderr)
        return 0
    return 1 if report.gate_failed() else 0
