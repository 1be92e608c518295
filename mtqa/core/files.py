"""Writing files so that nothing already written is lost.

Every file mtqa writes (reports, `--annotate`, baselines, batch outputs) goes through here:

- `check_outputs` refuses, before any work, an output that is an input (the same file by
  any name: `..`, a symlink, a hard link), two outputs that are one file, a folder that does
  not exist or cannot be written, and anything that is neither a file nor a pipe or
  character device;
- `atomic_output` writes a regular file through a temporary file beside it, renamed over
  the old one only once the block succeeds; a FIFO or character device (`/dev/null`) is
  written in place, never replaced, and `/dev/stdout`, `/dev/stderr`, `/dev/fd/N` through the
  descriptor the process inherited (so `-o /dev/stdout >> ci.log` appends). A new file gets the mode the umask
  gives (0644 under umask 022), an existing one keeps its mode;
- standard output: `standard_output` refuses, before any work, a closed one (`>&-`); a
  reader that stops early (`| head`) ends the writing quietly (see `release_stdout`);
- temporary files are named `.NAME.PID.tmp` (or `.NAME.PID-RANDOM.tmp`): those of a process
  that no longer runs (a killed run) are removed by the next write to the same folder.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import stat
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from mtqa.core.errors import OutputError

STDOUT = "-"
_TEMPORARY = re.compile(r"\.(?P<name>.+)\.(?P<pid>\d+)(?:-[0-9a-f]+)?\.tmp")


def _same_file(first: str, second: str) -> bool:
    try:
        return os.path.samefile(first, second)
    except OSError:
        return False


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a directory"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


# Names of a descriptor this process inherited: written through the descriptor itself, as
# opening the name again would truncate a file the shell opened for appending (`>> ci.log`).
_DESCRIPTOR_PATH = re.compile(r"/dev/(?:(?P<std>stdout|stderr)|fd/(?P<fd>\d+))|/proc/self/fd/(?P<proc>\d+)")


def inherited_descriptor(path: str | Path) -> int | None:
    """The descriptor `path` names (/dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N), else None."""
    match = _DESCRIPTOR_PATH.fullmatch(str(path))
    if match is None:
        return None
    if match["std"]:
        return 1 if match["std"] == "stdout" else 2
    return int(match["fd"] or match["proc"])


def writes_in_place(path: str | Path) -> bool:
    """Whether `path` is an inherited descriptor, a FIFO or a character device: written in
    place, never replaced."""
    if inherited_descriptor(path) is not None:
        return True
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)


def standard_output(what: str = "report") -> IO[str]:
    """`sys.stdout`, or OutputError where it is closed (`mtqa check >&-` leaves it None)."""
    if sys.stdout is None:
        raise OutputError(f"standard output is closed: write the {what} to a file with -o FILE")
    return sys.stdout


def release_stdout() -> None:
    """Point standard output at the null device after a write to it failed (a reader that
    stopped, a full disk): the interpreter flushes what is buffered at exit, which would fail
    again with a traceback."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def check_output(path: str | Path, inputs: Iterable[str | Path] = (), what: str = "output") -> None:
    """Raise OutputError, naming `path`, if writing `what` there could not work or would
    destroy one of `inputs`."""
    target = str(path)
    descriptor = inherited_descriptor(target)
    if descriptor is not None:
        try:
            os.fstat(descriptor)
        except OSError:
            raise OutputError(f"{target}: cannot write the {what} (the descriptor is closed)") from None
        return
    try:
        mode: int | None = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise OutputError(f"{target}: cannot write the {what} ({error.strerror})") from None
    for source in inputs:
        if mode is not None and _same_file(target, str(source)):
            raise OutputError(f"{target}: the {what} would overwrite the input {source}; name another file")
    if mode is not None and (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
        if not os.access(target, os.W_OK):
            raise OutputError(f"{target}: cannot write the {what} (permission denied)")
        return
    if mode is not None and not stat.S_ISREG(mode):
        raise OutputError(f"{target}: is {_kind(mode)}; the {what} needs a file path")
    folder = Path(os.path.realpath(target)).parent
    if not folder.is_dir():
        raise OutputError(f"{target}: folder {Path(target).parent} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"{target}: cannot write the {what}: folder {Path(target).parent} is not writable")


def check_outputs(outputs: Sequence[tuple[str, str | Path]], inputs: Iterable[str | Path] = ()) -> None:
    """`check_output` for each (what, path) of `outputs` (standard output, "-", is skipped),
    and refuse two outputs that are the same file."""
    inputs = [str(i) for i in inputs]
    seen: dict[str, str] = {}
    for what, path in outputs:
        if str(path) == STDOUT:
            continue
        check_output(path, inputs, what)
        key = os.path.realpath(path)
        if key in seen and not writes_in_place(path):
            raise OutputError(f"{path}: named for both the {seen[key]} and the {what}; name two files")
        seen[key] = what


def temporary_path(final: Path, unique: bool = True) -> Path:
    """Where `final` is written before it is renamed into place: `.NAME.PID[-RANDOM].tmp`."""
    token = f"-{secrets.token_hex(4)}" if unique else ""
    return final.with_name(f".{final.name}.{os.getpid()}{token}.tmp")


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def remove_stale_temporaries(folder: Path, names: Iterable[str] | None = None) -> list[Path]:
    """Remove the temporary files (see `temporary_path`) in `folder` of processes that no
    longer run, for outputs in `names` (default: any); return what was removed. The files
    of a running process, this one included, are left alone."""
    wanted = None if names is None else set(names)
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _TEMPORARY.fullmatch(entry.name)
        if match is None or (wanted is not None and match["name"] not in wanted):
            continue
        pid = int(match["pid"])
        if pid == os.getpid() or _running(pid) or not entry.is_file(follow_symlinks=False):
            continue
        try:
            os.unlink(entry.path)
            removed.append(Path(entry.path))
        except FileNotFoundError:
            pass  # another run cleaned it first
        except OSError as error:
            raise OutputError(f"{entry.path}: cannot remove a killed run's temporary file "
                              f"({error.strerror})") from None
    return removed


def create_new(path: Path, binary: bool = True, newline: str | None = "") -> IO[Any]:
    """Open a file that must not exist yet, created with the mode the umask gives."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
    if binary:
        return os.fdopen(descriptor, "wb")
    return os.fdopen(descriptor, "w", encoding="utf-8", newline=newline)


def install(temporary: Path, final: Path) -> None:
    """Rename `temporary` over `final`, giving it the mode (and, where allowed, the owner) of
    the file it replaces."""
    try:
        old = os.stat(final)
    except FileNotFoundError:
        old = None
    if old is not None:
        os.chmod(temporary, stat.S_IMODE(old.st_mode))
        try:
            os.chown(temporary, old.st_uid, old.st_gid)
        except OSError:
            pass  # only root may give a file away; the mode is what matters
    os.replace(temporary, final)


def _write_error(path: Path, what: str, error: OSError) -> OutputError:
    reason = error.strerror or str(error)
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        reason = f"{reason}: folder {path.parent} is not writable" if error.errno != errno.EROFS else reason
    return OutputError(f"{path}: cannot write the {what} ({reason})")


@contextmanager
def atomic_output(path: str | Path, binary: bool = False, newline: str | None = "",
                  what: str = "output") -> Iterator[IO[Any]]:
    """A stream to write `path` through: a regular file is replaced only once the block
    succeeds (a failure leaves the old one as it was); a FIFO or character device is written
    in place. OSError becomes OutputError, naming the file."""
    if writes_in_place(path):  # by the path as given: /dev/stdout is a link realpath cannot follow
        descriptor = inherited_descriptor(path)
        try:
            with open(path if descriptor is None else os.dup(descriptor), "wb" if binary else "w",
                      encoding=None if binary else "utf-8", newline=None if binary else newline) as stream:
                yield stream
        except BrokenPipeError:
            pass  # the reader of a pipe stopped early (`-o /dev/stdout | head`): its choice
        except OSError as error:
            raise _write_error(Path(path), what, error) from None
        return
    target = Path(os.path.realpath(path))  # through a symlink: write its file, keep the link
    remove_stale_temporaries(target.parent, [target.name])
    temporary = temporary_path(target)
    try:
        stream = create_new(temporary, binary, newline)
    except OSError as error:
        raise _write_error(target, what, error) from None
    try:
        with stream:
            yield stream
        install(temporary, target)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise _write_error(target, what, error) from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_atomically(path: str | Path, data: bytes, what: str = "output") -> None:
    with atomic_output(path, binary=True, what=what) as stream:
        stream.write(data)
