"""Open documents in the background, so that the page answers while a document is read and
scored, shows how far it is, and the work stops when the editor cancels or leaves.

A `Job` is one document being opened: read (an upload in a child process, see
`mtqa.dashboard.read_worker`), then taken from the saved runs or scored. Scoring goes through
the server's one `ScoringService`: the models load once, on the first document that needs
them, and documents are scored one at a time in its worker thread. A job checks between
chunks of segments whether it should go on (`Job.check`): it stops when cancelled or when
its session is gone.
"""

from __future__ import annotations

import logging
import os
import pickle
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mtqa.core.documents import Document
from mtqa.core.errors import InputError, MtqaError
from mtqa.dashboard import importable_environment
from mtqa.dashboard.loading import is_complete, original_bytes, run_key, score

LOG = logging.getLogger(__name__)
# Segments scored between progress updates and cancellation checks (the sample is one chunk;
# smaller chunks batch the models less well).
SCORING_CHUNK = 128
# Address space a reader child may use (bytes): an upload that needs more is refused.
READ_MEMORY_LIMIT = 4 * 2**30
Payload = dict[str, Any]


class Cancelled(Exception):
    """The job was cancelled, or its session ended."""


@dataclass(eq=False)
class Job:
    """One document being opened. `stage` and `fraction` are for the progress bar; when `done`,
    either `payload` or `error` (one line) is set, or the job was cancelled."""

    label: str
    alive: Callable[[], bool] = lambda: True
    activate: bool = True  # show the document when it is ready
    stage: str = "waiting"
    fraction: float = 0.0
    payload: Payload | None = None
    error: str | None = None
    document: Document | None = None  # once read: its text can be shown while it is scored
    previewed: bool = False  # the page has had the chance to show `document`
    _cancelled: threading.Event = field(default_factory=threading.Event)
    _finished: threading.Event = field(default_factory=threading.Event)

    @property
    def done(self) -> bool:
        return self._finished.is_set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def cancel(self) -> None:
        self._cancelled.set()

    def check(self) -> None:
        """Raise Cancelled if the work should stop."""
        if self._cancelled.is_set() or not self.alive():
            self._cancelled.set()
            raise Cancelled

    def wait(self, timeout: float | None = None) -> bool:
        return self._finished.wait(timeout)


class ScoringService:
    """The server's pipeline, built on first use by `make_pipeline`, and one worker thread that
    scores documents one after another (the models are shared; two at once would only compete
    for the same cores)."""

    def __init__(self, make_pipeline: Callable[[], Any]) -> None:
        self._make_pipeline = make_pipeline
        self._pipeline: Any = None
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="mtqa-scoring")

    @property
    def loaded(self) -> bool:
        return self._pipeline is not None

    def score(self, job: Job, document: Document, original: str | None) -> Payload:
        future = self._executor.submit(self._score, job, document, original)
        return future.result()

    def _score(self, job: Job, document: Document, original: str | None) -> Payload:
        job.check()  # cancelled while it waited for the worker
        if self._pipeline is None:
            job.stage = "loading the models (once per server)"
            self._pipeline = self._make_pipeline()
        job.stage = f"scoring {len(document.segments)} segments"

        def progress(fraction: float) -> None:
            job.check()
            job.fraction = fraction

        return score(self._pipeline, document, original, progress, SCORING_CHUNK)


Reader = Callable[[Job], tuple[Document, str | None]]


def start(job: Job, read: Reader, saved: Callable[[str], Payload | None], service: ScoringService,
          save: Callable[[Payload], None]) -> Job:
    """Run `job` in a thread: `read` the document, take its saved run if `saved` has a complete
    one, else score it with `service` and `save` the result."""

    def work() -> None:
        try:
            job.stage = "reading"
            document, original = read(job)
            job.document = document
            job.check()
            payload = saved(run_key(document))
            if not is_complete(payload):
                payload = service.score(job, document, original)
                save(payload)
            job.payload = payload
            job.stage = "done"
        except Cancelled:
            job.stage = "cancelled"
        except MtqaError as exc:
            job.error, job.stage = str(exc), "failed"
        except Exception as exc:  # the page shows one line; the console the traceback
            LOG.exception("opening %s failed", job.label)
            job.error, job.stage = f"{job.label}: could not be opened ({type(exc).__name__}: {exc})", "failed"
        finally:
            job._finished.set()

    threading.Thread(target=work, name=f"mtqa-open-{job.label}", daemon=True).start()
    return job


def read_in_child(uploads: dict[str, tuple[str, bytes]], job: Job,
                  memory_limit: int = READ_MEMORY_LIMIT) -> tuple[Document, str | None]:
    """Read uploads {"target": (name, bytes), "source": ..., "reference": ...} in a child process
    that is killed when the job stops. InputError (one line) when they cannot be read."""
    target_name = Path(uploads["target"][0]).name or "upload"
    with tempfile.TemporaryDirectory(prefix="mtqa-upload-") as folder:
        arguments = []
        for role, (name, data) in uploads.items():
            path = Path(folder) / role / (Path(name).name or "upload")
            path.parent.mkdir()
            path.write_bytes(data)
            arguments.append(f"{role}={path}")
        out = Path(folder) / "result.pickle"
        environment = importable_environment({**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
                                              "MTQA_READ_MEMORY_LIMIT": str(memory_limit)})
        process = subprocess.Popen([sys.executable, "-m", "mtqa.dashboard.read_worker", str(out), *arguments],
                                   env=environment, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        try:
            while process.poll() is None:
                job.check()
                time.sleep(0.05)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        if not out.exists():
            raise InputError(f"{target_name}: reading stopped: the reader needed more than "
                             f"{memory_limit // 2**30} GiB of memory or crashed (exit {process.returncode})")
        kind, value = pickle.loads(out.read_bytes())
    if kind == "error":
        raise InputError(value)
    return value, original_bytes(value, uploads["target"][1])
