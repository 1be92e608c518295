"""Output formats. Each writer turns a `Report` into text; `write_report` writes it safely."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from mtqa.core.errors import ConfigError, OutputError
from mtqa.core.files import atomic_output, check_output, release_stdout, standard_output
from mtqa.gate.report import Report

Writer = Callable[[Report, TextIO], None]
_WRITERS: dict[str, Writer] = {}


def register_writer(name: str) -> Callable[[Writer], Writer]:
    def decorator(writer: Writer) -> Writer:
        _WRITERS[name] = writer
        return writer

    return decorator


def writer_names() -> list[str]:
    _load_builtin()
    return sorted(_WRITERS)


def get_writer(name: str) -> Writer:
    _load_builtin()
    try:
        return _WRITERS[name]
    except KeyError:
        raise ConfigError(f"unknown format {name!r}; known: {', '.join(sorted(_WRITERS))}") from None


def write_report(report: Report, fmt: str, output: str | None) -> None:
    """Write to `output` (atomically: a failed run leaves an existing file untouched) or stdout.
    BrokenPipeError: the reader of stdout stopped early; OutputError: stdout cannot be written."""
    writer = get_writer(fmt)
    if output in (None, "-"):
        stream = standard_output(f"{fmt} report")
        try:
            writer(report, stream)
            stream.flush()
        except BrokenPipeError:
            release_stdout()
            raise
        except OSError as error:
            release_stdout()
            raise OutputError(f"standard output: cannot write the {fmt} report ({error.strerror})") from None
        return
    check_output(output, what=f"{fmt} report")
    with atomic_output(output, what=f"{fmt} report") as stream:
        writer(report, stream)


def _load_builtin() -> None:
    # Imported for their @register_writer side effect.
    from mtqa.writers import csv, github, json, junit, markdown, sarif, text  # noqa: F401
