"""Reviewers' decisions on flagged segments, and scored runs, kept in one SQLite file.

Decisions are keyed by the document's content hash (`Document.content_hash`) and the
segment's index and text, so reopening the same document shows earlier decisions whatever
its file name; documents and reviewers never mix. Every decision is appended (history is
kept); the latest one per segment and reviewer is the one in force.

Scored runs are stored too (the dashboard's result cache and its "earlier runs" list), keyed
by a run key covering the text, sources and references, and the pipeline signature.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import sqlite3
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mtqa.core.errors import ConfigError

ACTIONS = ("accept", "edit", "reject", "note")
DB_FILE = "decisions.sqlite3"

SCHEMA = """
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    document_hash TEXT NOT NULL,
    document_name TEXT NOT NULL,
    segment_index INTEGER NOT NULL,
    segment_text TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('accept', 'edit', 'reject', 'note')),
    edited_text TEXT,
    note TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS decisions_by_document ON decisions (document_hash, reviewer);
CREATE TABLE IF NOT EXISTS runs (
    run_key TEXT NOT NULL,
    signature TEXT NOT NULL,
    document_hash TEXT NOT NULL,
    name TEXT NOT NULL,
    segments INTEGER NOT NULL,
    payload TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (run_key, signature)
);
"""


def default_data_dir() -> Path:
    """The per-user data directory, as platformdirs would choose it (without the dependency)."""
    if sys.platform == "win32":
        base = os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming"
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "mtqa"


def default_db_path() -> Path:
    """`MTQA_DECISIONS_DB` if set, else decisions.sqlite3 in the user's data directory."""
    configured = os.environ.get("MTQA_DECISIONS_DB")
    return Path(configured).expanduser() if configured else default_data_dir() / DB_FILE


@dataclass(frozen=True)
class Decision:
    document_hash: str
    document_name: str
    segment_index: int
    segment_text: str
    reviewer: str
    action: str
    edited_text: str | None = None
    note: str | None = None
    created_at: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class StoredRun:
    run_key: str
    signature: str
    document_hash: str
    name: str
    segments: int
    created_at: str


class DecisionStore:
    """One SQLite file; each call opens its own connection, so Streamlit threads can share it."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path).expanduser() if path else default_db_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as db:
                db.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise ConfigError(f"{self.path}: cannot open the decisions database: {exc}") from None

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=10)) as db:
            db.row_factory = sqlite3.Row
            with db:  # commits on success, rolls back on error
                yield db

    # Decisions

    def record(self, document_hash: str, document_name: str, segment_index: int,
               segment_text: str, reviewer: str, action: str, edited_text: str | None = None,
               note: str | None = None) -> Decision:
        if action not in ACTIONS:
            raise ConfigError(f"decision must be one of {', '.join(ACTIONS)}, not {action!r}")
        if not reviewer.strip():
            raise ConfigError("a decision needs a reviewer name")
        if action == "edit" and not (edited_text or "").strip():
            raise ConfigError("an edit needs the edited text")
        if action == "edit" and (edited_text or "").strip() == segment_text.strip():
            raise ConfigError("the edited sentence is the same as the original: change it, or accept it")
        if action == "note" and not (note or "").strip():
            raise ConfigError("a note needs text: type it in the Note box first")
        decision = Decision(document_hash, document_name, segment_index, segment_text,
                            reviewer.strip(), action, edited_text if action == "edit" else None,
                            note or None, datetime.now(UTC).isoformat(timespec="seconds"))
        with self._connect() as db:
            db.execute(
                "INSERT INTO decisions (document_hash, document_name, segment_index, segment_text,"
                " reviewer, action, edited_text, note, created_at) VALUES (?,?,?,?,?,?,?,?,?)",
                (decision.document_hash, decision.document_name, decision.segment_index,
                 decision.segment_text, decision.reviewer, decision.action,
                 decision.edited_text, decision.note, decision.created_at),
            )
        return decision

    def history(self, document_hash: str, reviewer: str | None = None) -> list[Decision]:
        """Every decision on a document, oldest first (one reviewer's, or everyone's)."""
        query = "SELECT * FROM decisions WHERE document_hash = ?"
        params: list[Any] = [document_hash]
        if reviewer is not None:
            query += " AND reviewer = ?"
            params.append(reviewer)
        with self._connect() as db:
            rows = db.execute(query + " ORDER BY id", params).fetchall()
        return [Decision(**{k: v for k, v in dict(row).items() if k != "id"}) for row in rows]

    def latest(self, document_hash: str, reviewer: str | None = None) -> dict[int, Decision]:
        """The decision in force per segment index: the newest one, by this reviewer if given."""
        return {d.segment_index: d for d in self.history(document_hash, reviewer)}

    def reviewers(self, document_hash: str) -> list[str]:
        with self._connect() as db:
            rows = db.execute("SELECT DISTINCT reviewer FROM decisions WHERE document_hash = ?"
                              " ORDER BY reviewer", (document_hash,)).fetchall()
        return [row[0] for row in rows]

    # Scored runs

    def save_run(self, run_key: str, signature: str, document_hash: str, name: str,
                 payload: dict[str, Any]) -> None:
        with self._connect() as db:
            db.execute(
                "INSERT OR REPLACE INTO runs VALUES (?,?,?,?,?,?,?)",
                (run_key, signature, document_hash, name, len(payload.get("segments", [])),
                 json.dumps(payload), datetime.now(UTC).isoformat(timespec="seconds")),
            )

    def load_run(self, run_key: str, signature: str) -> dict[str, Any] | None:
        with self._connect() as db:
            row = db.execute("SELECT payload FROM runs WHERE run_key = ? AND signature = ?",
                             (run_key, signature)).fetchone()
        return json.loads(row[0]) if row else None

    def latest_run(self, run_key: str) -> dict[str, Any] | None:
        """The newest stored run of this text (whatever models scored it): shown at once,
        without loading a model."""
        with self._connect() as db:
            row = db.execute("SELECT payload FROM runs WHERE run_key = ? ORDER BY created_at DESC, rowid DESC"
                             " LIMIT 1", (run_key,)).fetchone()
        return json.loads(row[0]) if row else None

    def runs(self) -> list[StoredRun]:
        """Stored runs, newest first."""
        with self._connect() as db:
            rows = db.execute("SELECT run_key, signature, document_hash, name, segments, created_at"
                              " FROM runs ORDER BY created_at DESC, rowid DESC").fetchall()
        return [StoredRun(*row) for row in rows]


# Exports


def edited_text(segments: list[dict[str, Any]], decisions: dict[int, Decision],
                original: str | None = None) -> str:
    """The document with edits applied: spliced into the original text by offsets where it is
    known (layout kept), else the segments joined one a line."""
    replacements = {i: d.edited_text for i, d in decisions.items()
                    if d.action == "edit" and d.edited_text is not None}
    if original is None:
        return "\n".join(replacements.get(s["index"], s["text"]) for s in segments) + "\n"
    pieces, cursor = [], 0
    for segment in sorted(segments, key=lambda s: s["start"]):
        if segment["index"] in replacements and original[segment["start"]:segment["end"]] == segment["text"]:
            pieces.append(original[cursor:segment["start"]])
            pieces.append(replacements[segment["index"]])
            cursor = segment["end"]
    pieces.append(original[cursor:])
    return "".join(pieces)


def edited_document(payload: dict[str, Any], decisions: dict[int, Decision]) -> tuple[bytes, str]:
    """(bytes, file name `STEM.edited.EXT`) of the document with the edits applied, in its own
    format: translation files and tables with their targets replaced and every other byte
    kept (mtqa.annotate.targets), text as text."""
    from mtqa.annotate.targets import WRITERS, replace_targets

    name = Path(payload["name"])
    edits = {i: d.edited_text for i, d in decisions.items() if d.action == "edit" and d.edited_text is not None}
    if payload["format"] in WRITERS and payload.get("original"):
        data = base64.b64decode(payload["original"])
        return replace_targets(payload["format"], name.name, data, edits), f"{name.stem}.edited{name.suffix}"
    text = edited_text(payload["segments"], decisions, payload.get("text"))
    suffix = name.suffix if payload.get("text") is not None else ".txt"
    return text.encode("utf-8"), f"{name.stem}.edited{suffix or '.txt'}"


# What a decisions export holds per decision: the segment as mtqa judged it, then the decision.
EXPORT_FIELDS = ("document", "document_hash", "segment_index", "segment_id", "text", "source", "reference",
                 "verdict", "risk", "reasons", "reviewer", "action", "edited_text", "note", "created_at")


def decision_records(decisions: list[Decision], segments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One record per decision (every reviewer's, oldest first) with the segment's verdict, risk,
    reasons, source and reference beside it."""
    by_index = {segment["index"]: segment for segment in segments}
    records = []
    for decision in decisions:
        segment = by_index.get(decision.segment_index, {})
        records.append({
            "document": decision.document_name, "document_hash": decision.document_hash,
            "segment_index": decision.segment_index, "segment_id": segment.get("id"),
            "text": decision.segment_text, "source": segment.get("source"), "reference": segment.get("reference"),
            "verdict": segment.get("verdict"), "risk": segment.get("risk"), "reasons": list(segment.get("reasons", [])),
            "reviewer": decision.reviewer, "action": decision.action, "edited_text": decision.edited_text,
            "note": decision.note, "created_at": decision.created_at,
        })
    return records


def decisions_csv(records: list[dict[str, Any]]) -> str:
    """CSV of `decision_records`; reasons joined with " | "."""
    stream = io.StringIO()
    writer = csv.DictWriter(stream, fieldnames=EXPORT_FIELDS, lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({**record, "reasons": " | ".join(record["reasons"])})
    return stream.getvalue()


def decisions_json(records: list[dict[str, Any]]) -> str:
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def review_summary(name: str, document_hash: str, segments: list[dict[str, Any]],
                   decisions: dict[int, Decision]) -> dict[str, Any]:
    """Counts an editor hands back: what was flagged, what was decided, what is left open."""
    flagged = [s["index"] for s in segments if s["verdict"] in ("review", "fail")]
    actions = Counter(d.action for d in decisions.values())
    return {
        "document": name,
        "document_hash": document_hash,
        "segments": len(segments),
        "verdicts": dict(Counter(s["verdict"] for s in segments)),
        "flagged": len(flagged),
        "decided": {action: actions.get(action, 0) for action in ACTIONS},
        "open": sorted(i for i in flagged if i not in decisions),
        "reviewers": sorted({d.reviewer for d in decisions.values()}),
    }
