"""Nothing written is lost: outputs never replace an input (by any name), devices and pipes
are written in place, unwritable folders are one-line errors, modes follow the umask or the
replaced file, and a killed run's temporary files are cleaned up.

The CLI runs use a config with only the deterministic checks, so the real pipeline runs
end to end in a fraction of a second.
"""

from __future__ import annotations

import os
import shutil
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from mtqa.batch.outputs import SEGMENTS_CSV, BatchOutputs
from mtqa.cli import main
from mtqa.core.errors import OutputError
from mtqa.core.files import (
    atomic_output,
    check_outputs,
    remove_stale_temporaries,
    write_atomically,
)

ROOT = Path(__file__).resolve().parent.parent
L10N = ROOT / "fixtures" / "l10n"


def check(config: Path, *args: str) -> int:
    return main(["check", "--config", str(config), "--no-progress", *args])


@pytest.mark.parametrize("spelling", ["same", "dotdot", "symlink", "hardlink"])
@pytest.mark.parametrize("flag", ["-o", "--report", "--write-baseline"])
def test_no_output_replaces_an_input_by_any_name(tmp_path, article, checks_only, one_line_error, spelling,
                                                flag) -> None:
    original = article.read_bytes()
    (tmp_path / "sub").mkdir()
    names = {"same": str(article), "dotdot": str(tmp_path / "sub" / ".." / article.name)}
    if spelling == "symlink":
        (tmp_path / "link.json").symlink_to(article)
        names["symlink"] = str(tmp_path / "link.json")
    if spelling == "hardlink":
        os.link(article, tmp_path / "hard.json")
        names["hardlink"] = str(tmp_path / "hard.json")
    output = names[spelling]
    args = {"-o": ["-o", output], "--report": ["--report", f"json={output}"],
            "--write-baseline": ["--write-baseline", output]}[flag]
    assert check(checks_only, str(article), *args) == 2
    assert "would overwrite the input" in one_line_error()
    assert article.read_bytes() == original


def test_annotate_uses_the_same_refusal(tmp_path, checks_only, one_line_error) -> None:
    source = tmp_path / "in.xlf"
    shutil.copy(L10N / "okapi_en_fr.xlf", source)
    os.link(source, tmp_path / "alias.xlf")
    assert check(checks_only, str(source), "--annotate", str(tmp_path / "alias.xlf")) == 2
    assert "annotated file would overwrite the input" in one_line_error()
    assert source.read_bytes() == (L10N / "okapi_en_fr.xlf").read_bytes()


def test_an_output_may_not_replace_the_config_it_reads(article, checks_only, one_line_error) -> None:
    assert check(checks_only, str(article), "-o", str(checks_only)) == 2
    assert "would overwrite the input" in one_line_error()
    assert 'fluency = "none"' in checks_only.read_text("utf-8")


def test_two_outputs_naming_one_file_are_refused(tmp_path, article, checks_only, one_line_error) -> None:
    out = tmp_path / "report.json"
    assert check(checks_only, str(article), "-o", str(out), "--report", f"sarif={tmp_path}/./report.json") == 2
    assert "named for both the report and the sarif report" in one_line_error()
    assert not out.exists()


def test_a_report_is_written_end_to_end(tmp_path, article, checks_only) -> None:
    out = tmp_path / "report.json"
    assert check(checks_only, str(article), "-f", "json", "-o", str(out), "--fail-on", "never") == 0
    assert '"segments"' in out.read_text("utf-8")


def test_a_symlinked_output_writes_its_file_and_keeps_the_link(tmp_path, article, checks_only) -> None:
    real = tmp_path / "real.json"
    real.write_text("old", "utf-8")
    (tmp_path / "link.json").symlink_to(real)
    assert check(checks_only, str(article), "-f", "json", "-o", str(tmp_path / "link.json"), "--fail-on", "never") == 0
    assert (tmp_path / "link.json").is_symlink() and '"segments"' in real.read_text("utf-8")


def test_a_fifo_output_is_written_in_place_not_replaced(tmp_path, article, checks_only) -> None:
    fifo = tmp_path / "report.pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    assert check(checks_only, str(article), "-f", "jsonl", "-o", str(fifo), "--fail-on", "never") == 0
    reader.join(timeout=30)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert b'"text": "The committee met on Tuesday."' in received[0]


def test_a_character_device_is_written_in_place(tmp_path) -> None:
    """A terminal's device node (never the system's /dev/null: a broken writer would
    replace it for every process on the machine)."""
    master, slave = os.openpty()
    try:
        device = os.ttyname(slave)
        before = os.stat(device)
        write_atomically(device, b"report")
        after = os.stat(device)
        assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)
        assert os.read(master, 100) == b"report"
    finally:
        os.close(master)
        os.close(slave)


def test_a_socket_or_directory_is_refused(tmp_path) -> None:
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(tmp_path / "s.sock"))
    try:
        with pytest.raises(OutputError, match="is a socket"):
            check_outputs([("report", tmp_path / "s.sock")])
    finally:
        server.close()
    with pytest.raises(OutputError, match="is a directory"):
        check_outputs([("report", tmp_path)])


@pytest.fixture
def read_only_dir(tmp_path: Path):
    """A folder nobody may write into. As root, permission bits do not stop writes, so the
    folder is made immutable (chattr +i) instead; without that, the case is skipped."""
    folder = tmp_path / "locked"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(folder)], capture_output=True,
                                                        check=False).returncode != 0:
        pytest.skip("running as root without chattr +i: no way to make a folder read-only for root")
    try:
        yield folder
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


@pytest.mark.parametrize("flag", ["-o", "--report", "--write-baseline", "--annotate"])
def test_an_output_in_a_read_only_folder_is_a_one_line_error(tmp_path, checks_only, read_only_dir, one_line_error,
                                                              flag) -> None:
    source = tmp_path / "in.xlf"
    shutil.copy(L10N / "okapi_en_fr.xlf", source)
    output = str(read_only_dir / "out.xlf")
    args = {"-o": ["-o", output], "--report": ["--report", f"json={output}"],
            "--write-baseline": ["--write-baseline", output], "--annotate": ["--annotate", output]}[flag]
    assert check(checks_only, str(source), *args) == 2
    assert f"{output}: cannot write the" in one_line_error()
    assert list(read_only_dir.iterdir()) == []


def test_the_writer_itself_turns_a_refused_write_into_an_output_error(read_only_dir) -> None:
    with pytest.raises(OutputError, match="cannot write the report"), \
            atomic_output(read_only_dir / "r.json", what="report") as stream:
        stream.write("x")


def test_a_failed_write_keeps_the_old_file(tmp_path) -> None:
    out = tmp_path / "r.json"
    out.write_text("previous", "utf-8")
    with pytest.raises(ZeroDivisionError), atomic_output(out) as stream:
        stream.write("half")
        1 / 0  # noqa: B018 - the writer fails half-way
    assert out.read_text("utf-8") == "previous" and [p.name for p in tmp_path.iterdir()] == ["r.json"]


def _with_umask(mask: int, work):
    old = os.umask(mask)
    try:
        return work()
    finally:
        os.umask(old)


def test_new_reports_follow_the_umask_and_replaced_ones_keep_their_mode(tmp_path) -> None:
    new = tmp_path / "new.json"
    _with_umask(0o022, lambda: write_atomically(new, b"{}"))
    assert stat.S_IMODE(new.stat().st_mode) == 0o644
    shared = tmp_path / "shared.json"
    shared.write_bytes(b"old")
    shared.chmod(0o664)
    _with_umask(0o077, lambda: write_atomically(shared, b"{}"))
    assert stat.S_IMODE(shared.stat().st_mode) == 0o664 and shared.read_bytes() == b"{}"


def test_batch_outputs_follow_the_umask(tmp_path) -> None:
    outputs = _with_umask(0o002, lambda: BatchOutputs(tmp_path / "out", ["fluency"], with_system=False))
    outputs.close_segments()
    written = outputs.commit()
    assert stat.S_IMODE(written[SEGMENTS_CSV].stat().st_mode) == 0o664


def _dead_pid() -> int:
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True, check=True)
    return int(finished.stdout)


def test_a_killed_batch_leaves_temporaries_the_next_run_removes(tmp_path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    killed = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        killed.kill()
        killed.wait()
        stale = folder / f".{SEGMENTS_CSV}.{killed.pid}.tmp"
        running = folder / f".{SEGMENTS_CSV}.{live.pid}.tmp"
        foreign = folder / f".notes.txt.{killed.pid}.tmp"  # not an output of ours
        for path in (stale, running, foreign):
            path.write_text("partial", "utf-8")
        outputs = BatchOutputs(folder, ["fluency"], with_system=False)
        outputs.abort()
        assert not stale.exists()
        assert running.exists() and foreign.exists()
    finally:
        live.kill()
        live.wait()


def test_a_killed_check_leaves_a_temporary_the_next_write_removes(tmp_path) -> None:
    out = tmp_path / "r.json"
    stale = tmp_path / f".r.json.{_dead_pid()}-0badc0de.tmp"
    stale.write_text("partial", "utf-8")
    write_atomically(out, b"{}")
    assert not stale.exists() and out.read_bytes() == b"{}"
    assert remove_stale_temporaries(tmp_path) == []


def test_batch_outputs_may_not_replace_an_input(tmp_path, checks_only, one_line_error) -> None:
    """`mtqa batch notes/ --out notes/` would write summary.md over the user's own."""
    folder = tmp_path / "notes"
    folder.mkdir()
    summary = folder / "summary.md"
    summary.write_text("# My summary\n\nWritten by hand, not by mtqa.\n", "utf-8")
    assert main(["batch", str(folder), "--out", str(folder), "--config", str(checks_only), "--no-progress"]) == 2
    assert f"{summary}: the summary.md would overwrite the input {summary}" in one_line_error()
    assert summary.read_text("utf-8").startswith("# My summary") and sorted(p.name for p in folder.iterdir()) == [
        "summary.md"]


def test_a_batch_into_a_read_only_folder_is_a_one_line_error(tmp_path, article, checks_only, read_only_dir,
                                                             one_line_error) -> None:
    assert main(["batch", str(article), "--out", str(read_only_dir), "--config", str(checks_only),
                 "--no-progress"]) == 2
    assert "is not writable" in one_line_error()
    assert list(read_only_dir.iterdir()) == []


def test_a_link_to_standard_output_writes_to_the_pipe(tmp_path, article, checks_only) -> None:
    """Like `-o /dev/stdout` with standard output a pipe: a link to /proc/self/fd/1, which
    os.path.realpath cannot follow. (A private link: a broken writer replaces only it.)"""
    link = tmp_path / "stdout"
    link.symlink_to("/proc/self/fd/1")
    done = subprocess.run([sys.executable, "-m", "mtqa", "check", str(article), "--config", str(checks_only),
                           "--no-progress", "-f", "jsonl", "-o", str(link), "--fail-on", "never"],
                          capture_output=True, text=True, timeout=300, check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert '"text": "The committee met on Tuesday."' in done.stdout
    assert link.is_symlink() and os.readlink(link) == "/proc/self/fd/1"


def test_dev_stdout_appends_to_the_file_the_shell_opened_for_appending(tmp_path, article, checks_only) -> None:
    """`mtqa check ... -o /dev/stdout --report json=/dev/stdout >> ci.log`: opened by its name,
    /dev/stdout would truncate ci.log; both reports are appended through the descriptor."""
    log = tmp_path / "ci.log"
    log.write_text("earlier job output\n", "utf-8")
    with log.open("a", encoding="utf-8") as stream:
        done = subprocess.run([sys.executable, "-m", "mtqa", "check", str(article), "--config", str(checks_only),
                               "--no-progress", "-f", "jsonl", "-o", "/dev/stdout", "--report", "json=/dev/stdout",
                               "--fail-on", "never"], stdout=stream, stderr=subprocess.PIPE, text=True, timeout=300,
                              check=False, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    written = log.read_text("utf-8")
    assert written.startswith("earlier job output\n")
    assert '"text": "The committee met on Tuesday."' in written and '"gate_failed": false' in written


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")
def test_a_full_standard_output_is_a_one_line_error_for_every_command() -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "mtqa", "rules"], stdout=full, stderr=subprocess.PIPE,
                              text=True, timeout=120, check=False, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 2 and done.stderr == "mtqa: error: No space left on device\n"
