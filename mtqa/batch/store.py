"""The result store: finished segment results in SQLite, so re-runs only score what changed.

A result is keyed by everything that determines it: the segment's text, source and
reference, its document context (for sentences judged against their whole document), and
the settings signature. Each chunk is committed as it finishes, so an interrupted run
loses at most the chunk in flight.

A damaged store is never used: opening it runs SQLite's `quick_check` (a damaged page), and
every record read must be a JSON object (a damaged row). Either stops the run with a
one-line error that says how to rebuild it (`--rebuild-store`: the damaged file is kept
beside it, renamed, and every segment is scored again).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from mtqa.core.documents import Segment
from mtqa.core.errors import InputError

SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    key TEXT PRIMARY KEY,
    signature TEXT NOT NULL,
    record TEXT NOT NULL
)
"""
# SQLite's limit on host parameters is 32766 in recent versions; stay well below it.
LOOKUP_BATCH = 900


def document_context(segment: Segment) -> str:
    """What besides the segment itself its result depends on.

    A sentence with neither source nor reference is judged against its whole document
    (document-context drift), so any edit to the document changes it. Table rows and
    segments compared with a source or reference stand alone.
    """
    document = segment.document
    if document is None:
        return ""
    languages = f"{segment.source_language_tag() or ''}>{segment.target_language() or ''}"
    if segment.kind == "row" or segment.source or segment.reference:
        return languages
    return f"{languages}|{document.content_hash}"


def segment_key(segment: Segment, signature: str) -> str:
    parts = (signature, segment.kind, segment.text, segment.source or "", segment.reference or "",
             document_context(segment))
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


# The files SQLite keeps beside a database in WAL mode.
_COMPANIONS = ("", "-wal", "-shm")


class DamagedStore(InputError):
    """The result store is damaged; the message says how to rebuild it."""


def set_aside(path: Path) -> Path:
    """Rename a damaged store (and its WAL files) to `NAME.damaged-TIMESTAMP`; return the new path."""
    aside = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
    for suffix in _COMPANIONS:
        companion = Path(f"{path}{suffix}")
        if companion.exists():
            os.replace(companion, Path(f"{aside}{suffix}"))
    return aside


class ResultStore:
    """Segment results (JSON records, see `mtqa.batch.records`) by key.

    `rebuild`: set an existing store aside (see `set_aside`; `self.set_aside` says where) and
    start an empty one."""

    def __init__(self, path: Path | str, rebuild: bool = False) -> None:
        self.path = Path(path)
        self.set_aside: Path | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if rebuild and self.path.exists():
                self.set_aside = set_aside(self.path)
            self.connection = sqlite3.connect(self.path)
        except (OSError, sqlite3.Error) as exc:
            raise InputError(f"{self.path}: cannot open result store: {exc}") from None
        with self._reading("opening it"):
            problems = [row[0] for row in self.connection.execute("PRAGMA quick_check")]
            if problems != ["ok"]:
                raise sqlite3.DatabaseError(problems[0])
            self.connection.execute("PRAGMA journal_mode=WAL")
            self.connection.execute(SCHEMA)
            self.connection.commit()

    def damaged(self, problem: str) -> DamagedStore:
        self.connection.close()
        return DamagedStore(f"{self.path}: result store is damaged ({problem}); run again with --rebuild-store "
                            "to set it aside and score every segment again (or delete it)")

    @contextmanager
    def _reading(self, doing: str) -> Iterator[None]:
        """SQLite's "database disk image is malformed" (and kin) become DamagedStore."""
        try:
            yield
        except sqlite3.OperationalError as error:  # locked, out of disk...: not damage
            raise InputError(f"{self.path}: result store: {error} while {doing}") from None
        except sqlite3.DatabaseError as error:
            raise self.damaged(f"{error} while {doing}") from None

    def get_many(self, keys: Sequence[str]) -> dict[str, str]:
        """Stored records by key; a record that is not a JSON object means a damaged store."""
        found: dict[str, str] = {}
        unique = list(dict.fromkeys(keys))
        with self._reading("reading it"):
            for start in range(0, len(unique), LOOKUP_BATCH):
                batch = unique[start:start + LOOKUP_BATCH]
                marks = ",".join("?" * len(batch))
                rows = self.connection.execute(f"SELECT key, record FROM results WHERE key IN ({marks})", batch)
                found.update(rows)
        for key, record in found.items():
            try:
                valid = isinstance(json.loads(record), dict)
            except (TypeError, ValueError):
                valid = False
            if not valid:
                raise self.damaged(f"the record of key {key[:12]}... is not a JSON object")
        return found

    def put_many(self, items: Iterable[tuple[str, str]], signature: str) -> None:
        """Store (key, record) pairs and commit: what is stored survives an interruption."""
        with self._reading("writing to it"), self.connection:
            self.connection.executemany(
                "INSERT OR REPLACE INTO results (key, signature, record) VALUES (?, ?, ?)",
                ((key, signature, record) for key, record in items),
            )

    def __len__(self) -> int:
        with self._reading("counting its rows"):
            return self.connection.execute("SELECT COUNT(*) FROM results").fetchone()[0]

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

