"""`mtqa` command line: subcommands live in `mtqa.commands`, one module each.

Exit codes (stable, for CI): 0 ran and passed the gate, 1 the gate failed,
2 usage, configuration or input error, 130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import warnings
from collections.abc import Sequence

from mtqa.commands import COMMANDS
from mtqa.core.errors import MtqaError, MtqaWarning
from mtqa.core.files import release_stdout
from mtqa.core.version import __version__

EXIT_OK, EXIT_GATE_FAILED, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mtqa",
        description="Quality checks for machine translation and machine-rewritten text.",
    )
    parser.add_argument("--version", action="version", version=f"mtqa {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(f"mtqa.commands.{name}").add_parser(subparsers)
    return parser


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """mtqa's own warnings on one line, as its errors are; others as Python shows them."""
    if issubclass(category, MtqaWarning):
        print(f"mtqa: warning: {message}", file=sys.stderr)
    else:
        _SHOW_WARNING(message, category, filename, lineno, file, line)


_SHOW_WARNING = warnings.showwarning


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    warnings.showwarning = _show_warning
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and not getattr(args, "accepts_extra", False):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.extra = extra
    try:
        return int(args.run(args))
    except MtqaError as exc:
        print(f"mtqa: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("mtqa: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:  # a stream that cannot be written (`mtqa rules > /dev/full`); files raise MtqaError
        print(f"mtqa: error: {f'{exc.filename}: ' if exc.filename else ''}{exc.strerror or exc}", file=sys.stderr)
        if sys.stdout is not None:
            release_stdout()  # the exit's flush of what is buffered would fail again
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
