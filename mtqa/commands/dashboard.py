"""`mtqa dashboard [FILES...]`: the editor dashboard (Streamlit) on the given files or the sample.

Options this parser does not know (Streamlit's own, e.g. `--server.port 8600`) are passed to
`streamlit run` unchanged; they override `STREAMLIT_DEFAULTS`. The command replaces itself
with Streamlit (exec), so a signal sent to `mtqa dashboard` reaches the server: nothing is
left holding the port or the models' memory.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from pathlib import Path

from mtqa.core.errors import ConfigError, InputError

# Streamlit's settings for the dashboard. Local only: an editor's documents and decisions are
# not served to the network, no usage statistics are sent, and no external IP is looked up
# (Streamlit looks it up to print an "External URL" unless an address is given). No file
# watcher and no garbage collection after each run (a profile put a third of a page load in
# the watcher); no Deploy button, developer menu or "c" shortcut, which clears the cache and
# with it the loaded models; exceptions show a generic message, not a traceback with paths.
STREAMLIT_DEFAULTS = {
    "server.address": "127.0.0.1",
    "browser.gatherUsageStats": "false",
    "server.showEmailPrompt": "false",
    "server.fileWatcherType": "none",
    "server.runOnSave": "false",
    "runner.postScriptGC": "false",
    "client.toolbarMode": "minimal",
    "client.showErrorDetails": "none",
}
LOCAL_ADDRESSES = ("127.0.0.1", "localhost", "::1")


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


def option_names(options: list[str]) -> set[str]:
    """The Streamlit options named in `options` (`--server.port 8600`, `--server.port=8600`)."""
    return {token[2:].split("=", 1)[0] for token in options if token.startswith("--")}


def option_value(options: list[str], name: str) -> str | None:
    for position, token in enumerate(options):
        if token == f"--{name}" and position + 1 < len(options):
            return options[position + 1]
        if token.startswith(f"--{name}="):
            return token.split("=", 1)[1]
    return None


def streamlit_command(options: list[str]) -> list[str]:
    """`python -m streamlit run APP` with the dashboard's defaults, then the user's options."""
    from mtqa.dashboard import APP_PATH

    given = option_names(options)
    defaults = [f"--{name}={value}" for name, value in STREAMLIT_DEFAULTS.items() if name not in given]
    return [sys.executable, "-m", "streamlit", "run", str(APP_PATH), *defaults, *options]


def exposure_warning(options: list[str]) -> str | None:
    """A warning when `--server.address` opens the dashboard beyond this machine."""
    address = option_value(options, "server.address")
    if address is None or address in LOCAL_ADDRESSES:
        return None
    return (f"mtqa dashboard: warning: listening on {address}: anyone who can reach this port "
            "can read the documents and decisions and record decisions (there is no login)")


def dashboard_environment(args: argparse.Namespace, paths: list[str]) -> dict[str, str]:
    from mtqa.dashboard import FILES_ENV, REVIEWER_ENV, importable_environment

    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise InputError(f"{missing[0]}: no such file")
    env = importable_environment(dict(os.environ))
    env[FILES_ENV] = os.pathsep.join(str(Path(p).resolve()) for p in paths)
    if args.db:
        env["MTQA_DECISIONS_DB"] = str(args.db.expanduser().resolve())
    if args.reviewer:
        env[REVIEWER_ENV] = args.reviewer
    return env


def run(args: argparse.Namespace) -> int:
    # Imported here, not at the top: `mtqa --help` and `mtqa check` never load Streamlit.
    if importlib.util.find_spec("streamlit") is None:
        raise ConfigError("the dashboard needs Streamlit, which mtqa installs; reinstall mtqa "
                          "(scripts/setup.sh, or pip install mtqa) in this environment")
    paths, options = split_streamlit_options(args.paths, args.extra)
    command, environment = streamlit_command(options), dashboard_environment(args, paths)
    warning = exposure_warning(options)
    if warning:
        print(warning, file=sys.stderr)
    sys.stdout.flush()
    sys.stderr.flush()
    # exec: Streamlit becomes this process (same pid, same signals); nothing is orphaned.
    os.execve(sys.executable, command, environment)
    return 0  # not reached
