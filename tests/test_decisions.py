"""The SQLite decisions store: real database files in tmp_path."""

import base64
import csv
import difflib
import io
import json
import sqlite3
from pathlib import Path

import pytest

from mtqa.core.errors import ConfigError
from mtqa.dashboard.decisions import (
    EXPORT_FIELDS,
    DecisionStore,
    decision_records,
    decisions_csv,
    decisions_json,
    default_db_path,
    edited_document,
    edited_text,
    review_summary,
)
from mtqa.readers import read_path

L10N = Path(__file__).resolve().parent.parent / "fixtures" / "l10n"
READERS = Path(__file__).resolve().parent.parent / "fixtures" / "readers"

TEXT = "First sentence here.  Second one is bad.\n\nThird stays."
SEGMENTS = [
    {"index": 0, "id": "s0", "text": "First sentence here.", "start": 0, "end": 20, "verdict": "ok", "risk": 0.1,
     "reasons": [], "source": "Erster.", "reference": None},
    {"index": 1, "id": "s1", "text": "Second one is bad.", "start": 22, "end": 40, "verdict": "fail", "risk": 0.9,
     "reasons": ["fluency: reads unnaturally", "checks: x"], "source": "Zweiter.", "reference": "Second is bad."},
    {"index": 2, "id": "s2", "text": "Third stays.", "start": 42, "end": 54, "verdict": "review", "risk": 0.6,
     "reasons": ["grammar: y"], "source": "Dritter.", "reference": None},
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


@pytest.mark.parametrize("action, reviewer, edited, note, message", [
    ("delete", "ana", None, None, "decision must be one of"),
    ("accept", "  ", None, None, "needs a reviewer"),
    ("edit", "ana", "", None, "needs the edited text"),
    ("edit", "ana", " x ", None, "same as the original"),
    ("note", "ana", None, None, "a note needs text"),
    ("note", "ana", None, "   ", "a note needs text"),
])
def test_invalid_decisions_are_refused(tmp_path, action, reviewer, edited, note, message):
    store = DecisionStore(tmp_path / "d.sqlite3")
    with pytest.raises(ConfigError, match=message):
        store.record("doc", "a.txt", 0, "x", reviewer, action, edited, note)
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

    store.record("doc", "a.txt", 1, SEGMENTS[1]["text"], "ben", "reject", note="wrong tense")
    records = decision_records(store.history("doc"), SEGMENTS)
    rows = list(csv.DictReader(io.StringIO(decisions_csv(records))))
    assert list(rows[0]) == list(EXPORT_FIELDS)
    assert [(r["segment_index"], r["reviewer"], r["action"], r["note"], r["verdict"], r["risk"], r["reasons"],
             r["source"]) for r in rows] == [
        ("1", "ana", "edit", "", "fail", "0.9", "fluency: reads unnaturally | checks: x", "Zweiter."),
        ("0", "ana", "accept", "ok as is", "ok", "0.1", "", "Erster."),
        ("1", "ben", "reject", "wrong tense", "fail", "0.9", "fluency: reads unnaturally | checks: x", "Zweiter."),
    ]
    assert all(row["created_at"] for row in rows)
    exported = json.loads(decisions_json(records))
    assert exported[0]["edited_text"] == "Second one is fine."
    assert exported[0]["reasons"] == ["fluency: reads unnaturally", "checks: x"]
    assert exported[2]["reference"] == "Second is bad."

    latest = store.latest("doc", "ana")
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


def test_latest_run_is_the_newest_whatever_the_signature(tmp_path):
    store = DecisionStore(tmp_path / "d.sqlite3")
    store.save_run("key1", "old models", "doc", "a.txt", {"name": "a.txt", "v": 1})
    store.save_run("key1", "new models", "doc", "a.txt", {"name": "a.txt", "v": 2})
    assert store.latest_run("key1") == {"name": "a.txt", "v": 2}
    assert store.latest_run("key2") is None


def payload_of(path: Path, decided: dict[int, str] | None = None) -> dict:
    document = read_path(str(path))
    return {"name": str(path), "format": document.format, "text": document.text,
            "original": base64.b64encode(path.read_bytes()).decode("ascii"),
            "segments": [{"index": s.index, "text": s.text, "start": s.start, "end": s.end} for s in document.segments]}


@pytest.mark.parametrize("name", ["memoq_en_de.xlf", "okapi_en_fr.xlf", "memory_en_es.tmx", "messages_de.po",
                                  "../readers/rows.tsv", "../readers/rows.csv", "../readers/rows.jsonl",
                                  "../readers/article.md"])
def test_edited_document_is_written_in_its_own_format(tmp_path, name):
    """Read back, the edited file has the edits as its targets and everything else as before;
    inline tags and other units are kept byte for byte."""
    path = (L10N / name).resolve()
    payload = payload_of(path)
    document = read_path(str(path))
    texts = [s for s in document.segments if s.text.strip()]
    edits = {texts[0].index: texts[0].text.replace(" ", "  ", 1) + " & <more>",
             texts[-1].index: "Neu: " + texts[-1].text[:-1] + " (geändert)."}
    store = DecisionStore(tmp_path / "d.sqlite3")
    for index, new in edits.items():
        store.record("doc", name, index, document.segments[index].text, "ana", "edit", new)
    accepted = next((s for s in texts if s.index not in edits), None)
    if accepted is not None:  # other decisions leave the text alone
        store.record("doc", name, accepted.index, accepted.text, "ana", "accept")
    data, file_name = edited_document(payload, store.latest("doc", "ana"))
    assert file_name == f"{path.stem}.edited{path.suffix}"
    written = tmp_path / file_name
    written.write_bytes(data)
    reread = read_path(str(written))
    assert [s.text for s in reread.segments] == [edits.get(s.index, s.text) for s in document.segments]
    if document.format in ("xliff", "tmx", "po"):  # writing the old targets back gives the file back
        reverted = {**payload, "original": base64.b64encode(data).decode("ascii")}
        store.record("doc", name, texts[0].index, "", "ana", "edit", texts[0].text)
        store.record("doc", name, texts[-1].index, "", "ana", "edit", texts[-1].text)
        assert edited_document(reverted, store.latest("doc", "ana"))[0] == path.read_bytes()
    else:  # only the edited rows' lines change
        old, new = path.read_text("utf-8").splitlines(), data.decode("utf-8").splitlines()
        starts = [s.line for s in document.segments] + [len(old) + 1]
        allowed = {line for s in document.segments if s.index in edits
                   for line in range(starts[s.index], starts[s.index + 1])}
        changed = {line + 1 for tag, i1, i2, _, _ in difflib.SequenceMatcher(a=old, b=new).get_opcodes()
                   if tag != "equal" for line in range(i1, i2)}
        assert changed <= allowed


def test_an_edit_keeps_the_targets_inline_tags():
    path = L10N / "memoq_en_de.xlf"
    document = read_path(str(path))
    tagged = next(s for s in document.segments if s.meta["tags"])
    new = tagged.text.replace("Sparen", "Spare")
    store_payload = payload_of(path)

    class Edit:
        action, edited_text = "edit", new

    data, _ = edited_document(store_payload, {tagged.index: Edit()})
    assert '<target state="translated">Spare Sie <g id="1">20 %</g> bei Ihrer ersten Bestellung.</target>' in \
        data.decode("utf-8")
