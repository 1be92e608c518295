"""The result store: finished segment results in SQLite, so re-runs only score what changed.

A result is keyed by everything that determines it: the segment's text, source and
reference, its document context (for sentences judged against their whole document), and
the settings signature. Each chunk is committed as it finishes, so an interrupted run
loses at most the chunk in flight.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Sequence
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
    languages = f"{document.source_lang or ''}>{document.target_lang or ''}"
    if segment.kind == "row" or segment.source or segment.reference:
        return languages
    return f"{languages}|{document.content_hash}"


def segment_key(segment: Segment, signature: str) -> str:
    parts = (signature, segment.kind, segment.text, segment.source or "", segment.reference or "",
             document_context(segment))
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


class ResultStore:
    """Segment results (JSON records, see `mtqa.batch.records`) by key."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.connection = sqlite3.connect(self.path)
            self.connection.execute("PRAGMA journal_mode=WAL")
            self.connection.execute(SCHEMA)
            self.connection.commit()
        except (OSError, sqlite3.Error) as exc:
            raise InputError(f"{self.path}: cannot open result store: {exc}") from None

    def get_many(self, keys: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), LOOKUP_BATCH):
            batch = unique[start:start + LOOKUP_BATCH]
            marks = ",".join("?" * len(batch))
            rows = self.connection.execute(f"SELECT key, record FROM results WHERE key IN ({marks})", batch)
            found.update(rows)
        return found

    def put_many(self, items: Iterable[tuple[str, str]], signature: str) -> None:
        """Store (key, record) pairs and commit: what is stored survives an interruption."""
        with self.connection:
            self.connection.executemany(
                "INSERT OR REPLACE INTO results (key, signature, record) VALUES (?, ?, ?)",
                ((key, signature, record) for key, record in items),
            )

    def __len__(self) -> int:
        return self.connection.execute("SELECT COUNT(*) FROM results").fetchone()[0]

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
