"""Read an upload (and its optional source and reference) in a child process.

    python -m mtqa.dashboard.read_worker OUT target=PATH [source=PATH] [reference=PATH]

An upload is whatever a browser sends: a reader that takes minutes or gigabytes on it must
not hold the dashboard's server, and must stop when the editor's session ends. So the
server reads uploads here, in a process it can kill, under a memory limit. OUT receives a
pickle of ("ok", Document) and the exit status is 0; or ("error", one-line message) and the
status is 2. Messages name the uploaded file, never the temporary copy's path.
"""

from __future__ import annotations

import os
import pickle
import sys
import traceback
from pathlib import Path

from mtqa.core.errors import MtqaError


def _message(exc: BaseException, paths: dict[str, Path]) -> str:
    if isinstance(exc, MtqaError):
        text = str(exc)
    elif isinstance(exc, RecursionError):
        text = f"{paths['target'].name}: nested too deeply to read"
    elif isinstance(exc, MemoryError):
        text = f"{paths['target'].name}: too large to read within the dashboard's memory limit"
    else:
        text = f"{paths['target'].name}: cannot be read ({type(exc).__name__}: {exc})"
    for path in paths.values():  # the temporary copies' paths mean nothing to the editor
        text = text.replace(str(path.parent) + "/", "").replace(str(path), path.name)
    return " ".join(text.split())


def read(paths: dict[str, Path]) -> object:
    from mtqa.dashboard.loading import attach, read_upload

    document = read_upload(paths["target"].name, paths["target"].read_bytes())
    for role in ("source", "reference"):
        if role in paths:
            attach(document, read_upload(paths[role].name, paths[role].read_bytes()), role)
    return document


def limit_memory() -> None:
    """Cap this process's address space at $MTQA_READ_MEMORY_LIMIT bytes (where the OS can)."""
    limit = int(os.environ.get("MTQA_READ_MEMORY_LIMIT", "0"))
    if limit and sys.platform != "win32":
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def main(argv: list[str]) -> int:
    out, *named = argv
    limit_memory()
    paths = {role: Path(path) for role, path in (item.split("=", 1) for item in named)}
    try:
        result, status = ("ok", read(paths)), 0
    except Exception as exc:  # noqa: BLE001 -- any reader failure becomes one line for the page
        if not isinstance(exc, MtqaError):
            traceback.print_exc()  # to the server's console, for whoever runs it
        result, status = ("error", _message(exc, paths)), 2
    Path(out).write_bytes(pickle.dumps(result))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
