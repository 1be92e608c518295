"""`mtqa dashboard [FILES...]`: the editor dashboard (Streamlit) on the given files or the sample.

Options this parser does not know (Streamlit's own, e.g. `--server.port 8600`) are passed to
`streamlit run` unchanged.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from mtqa.core.errors import ConfigError, InputError


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "dashboard", help="review flagged sentences in a browser (Streamlit)",
        description="Start the editor dashboard on FILES (default: the sample article). "
        "Streamlit options such as --server.port 8600 pass through.",
    )
    parser.add_argument("paths", nargs="*", metavar="FILE", help="documents to open")
    parser.add_argument("--db", type=Path, metavar="PATH",
                        help="SQLite file of decisions (default: $MTQA_DECISIONS_DB, else "
                        "decisions.sqlite3 in the user's data directory)")
    parser.add_argument("--reviewer", help="name decisions are recorded under (default: $USER)")
    parser.set_defaults(run=run, accepts_extra=True)


def split_streamlit_options(paths: list[str], extra: list[str]) -> tuple[list[str], list[str]]:
    """(files, Streamlit arguments) from what argparse made of the command line.

    Every Streamlit option is dotted (`--server.port`) and takes one value. argparse leaves
    unknown options in `extra` but puts the first run of bare words into `paths`, so in
    `--server.port 8600 a.txt` the value 8600 lands in `paths`: it is given back to the one
    option left without a value. Bare words later in `extra` are files.
    """
    files, options, swallowed = [], [], list(paths)
    position = 0
    while position < len(extra):
        token = extra[position]
        if not token.startswith("-"):
            files.append(token)
        elif not token.startswith("--") or "." not in token.split("=", 1)[0]:
            raise ConfigError(f"dashboard: unknown option {token}; Streamlit options look like "
                              "--server.port 8600")
        elif "=" in token:
            options.append(token)
        elif position + 1 < len(extra) and not extra[position + 1].startswith("-"):
            options += [token, extra[position + 1]]
            position += 1
        elif swallowed and len(swallowed) == len(paths):
            options += [token, swallowed.pop(0)]
        else:
            raise ConfigError(f"dashboard: option {token} needs a value")
        position += 1
    return swallowed + files, options


def streamlit_command(extra: list[str]) -> list[str]:
    from mtqa.dashboard import APP_PATH

    return [sys.executable, "-m", "streamlit", "run", str(APP_PATH), *extra]


def dashboard_environment(args: argparse.Namespace, paths: list[str]) -> dict[str, str]:
    from mtqa.dashboard.views import FILES_ENV, REVIEWER_ENV

    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise InputError(f"{missing[0]}: no such file")
    env = dict(os.environ)
    # The script runs in its own interpreter: make this mtqa importable there even when it is
    # not installed (a checkout run with `python -m mtqa`).
    package_root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (package_root, env.get("PYTHONPATH"))))
    env[FILES_ENV] = os.pathsep.join(str(Path(p).resolve()) for p in paths)
    if args.db:
        env["MTQA_DECISIONS_DB"] = str(args.db.expanduser().resolve())
    if args.reviewer:
        env[REVIEWER_ENV] = args.reviewer
    return env


def run(args: argparse.Namespace) -> int:
    try:
        import streamlit  # noqa: F401
    except ImportError:
        raise ConfigError("the dashboard needs Streamlit, which mtqa installs: pip install mtqa") from None
    paths, options = split_streamlit_options(args.paths, args.extra)
    return subprocess.call(streamlit_command(options), env=dashboard_environment(args, paths))
