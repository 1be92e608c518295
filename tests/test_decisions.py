"""The SQLite decisions store: real database files in tmp_path."""

import csv
import io
import json
import sqlite3

import pytest

from mtqa.core.errors import ConfigError
from mtqa.dashboard.decisions import (
    DecisionStore,
    decisions_csv,
    decisions_json,
    default_db_path,
    edited_text,
    review_summary,
)

TEXT = "First sentence here.  Second one is bad.\n\nThird stays."
SEGMENTS = [
    {"index": 0, "text": "First sentence here.", "start": 0, "end": 20, "verdict": "ok"},
    {"index": 1, "text": "Second one is bad.", "start": 22, "end": 40, "verdict": "fail"},
    {"index": 2, "text": "Third stays.", "start": 42, "end": 54, "verdict": "review"},
]


def test_decisions_survive_reopening_and_keep_documents_and_reviewers_apart(tmp_path):
    path = tmp_path / "decisions.sqlite3"
    store = DecisionStore(path)
    store.record("doc-a", "a.txt", 1, "Second one is bad.", "ana", "edit", "Second one is good.")
    store.record("doc-a", "a.txt", 2, "Third stays.", "ben", "reject", note="wrong tense")
    store.record("doc-b", "b.txt", 1, "Other text.", "ana", "accept")

    reopened = DecisionStore(path)
    ana = reopened.latest("doc-a", "ana")
    assert list(ana) == [1]
    assert ana[1].action == "edit" and ana[1].edited_text == "Second one is good."
    assert reopened.latest("doc-a", "ben")[2].note == "wrong tense"
    assert reopened.reviewers("doc-a") == ["ana", "ben"]
    assert [d.document_name for d in reopened.history("doc-b")] == ["b.txt"]
    assert reopened.history("doc-c") == []


def test_latest_decision_wins_and_history_is_kept(tmp_path):
    store = DecisionStore(tmp_path / "d.sqlite3")
    store.record("doc", "a.txt", 0, "x", "ana", "reject")
    store.record("doc", "a.txt", 0, "x", "ana", "accept")
    assert store.latest("doc", "ana")[0].action == "accept"
    assert [d.action for d in store.history("doc")] == ["reject", "accept"]


@pytest.mark.parametrize("action, reviewer, edited, message", [
    ("delete", "ana", None, "decision must be one of"),
    ("accept", "  ", None, "needs a reviewer"),
    ("edit", "ana", "", "needs the edited text"),
])
def test_invalid_decisions_are_refused(tmp_path, action, reviewer, edited, message):
    store = DecisionStore(tmp_path / "d.sqlite3")
    with pytest.raises(ConfigError, match=message):
        store.record("doc", "a.txt", 0, "x", reviewer, action, edited)
    assert store.history("doc") == []


def test_unusable_database_path_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ConfigError, match="cannot open the decisions database"):
        DecisionStore(blocker / "decisions.sqlite3")


def test_not_a_database_is_a_clear_error(tmp_path):
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"\x00\xff" * 600)
    with pytest.raises(ConfigError, match="junk.sqlite3"):
        DecisionStore(junk)


def test_default_path_follows_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("MTQA_DECISIONS_DB", str(tmp_path / "x.db"))
    assert default_db_path() == tmp_path / "x.db"
    monkeypatch.delenv("MTQA_DECISIONS_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_db_path() == tmp_path / "data" / "mtqa" / "decisions.sqlite3"


def test_runs_are_cached_by_key_and_signature(tmp_path):
    store = DecisionStore(tmp_path / "d.sqlite3")
    payload = {"name": "a.txt", "segments": SEGMENTS}
    store.save_run("key1", "sig1", "doc", "a.txt", payload)
    assert DecisionStore(tmp_path / "d.sqlite3").load_run("key1", "sig1") == payload
    assert store.load_run("key1", "sig2") is None
    [run] = store.runs()
    assert (run.name, run.segments, run.signature) == ("a.txt", 3, "sig1")


def test_exports(tmp_path):
    store = DecisionStore(tmp_path / "d.sqlite3")
    store.record("doc", "a.txt", 1, SEGMENTS[1]["text"], "ana", "edit", "Second one is fine.")
    store.record("doc", "a.txt", 0, SEGMENTS[0]["text"], "ana", "accept", note="ok as is")
    latest = store.latest("doc", "ana")

    assert edited_text(SEGMENTS, latest, TEXT) == \
        "First sentence here.  Second one is fine.\n\nThird stays."
    assert edited_text(SEGMENTS, latest) == "First sentence here.\nSecond one is fine.\nThird stays.\n"

    rows = list(csv.DictReader(io.StringIO(decisions_csv(store.history("doc")))))
    assert [(r["segment_index"], r["action"], r["note"]) for r in rows] == \
        [("1", "edit", ""), ("0", "accept", "ok as is")]
    assert json.loads(decisions_json(store.history("doc")))[0]["edited_text"] == "Second one is fine."

    summary = review_summary("a.txt", "doc", SEGMENTS, latest)
    assert summary["flagged"] == 2
    assert summary["decided"] == {"accept": 1, "edit": 1, "reject": 0, "note": 0}
    assert summary["open"] == [2]
    assert summary["reviewers"] == ["ana"]


def test_schema_is_plain_sqlite(tmp_path):
    path = tmp_path / "d.sqlite3"
    DecisionStore(path).record("doc", "a.txt", 0, "x", "ana", "accept")
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT reviewer, action FROM decisions").fetchall() == [("ana", "accept")]
