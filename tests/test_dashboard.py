"""The dashboard's logic through Streamlit's AppTest, on the real pipeline and a real SQLite file.

Models load once per test session: the scoring service is a `st.cache_resource`, which keeps
the one Pipeline in the process across AppTest runs. Each test has its own decisions
database in tmp_path; the sample article's scored run is copied into it, so only the first
test scores it. What needs a browser (clicks, shortcuts, the URL, colours on screen) is in
test_dashboard_browser.py.
"""

import base64
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from html import escape
from pathlib import Path

import psutil
import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest

from mtqa.core.errors import InputError
from mtqa.core.risk import RiskModel
from mtqa.dashboard import APP_PATH
from mtqa.dashboard.decisions import DecisionStore
from mtqa.dashboard.jobs import Cancelled, Job, ScoringService, read_in_child
from mtqa.dashboard.loading import SAMPLE_ARTICLE, attach, read_file, read_upload, run_key, score
from mtqa.dashboard.queue import QueueFilter, build_queue
from mtqa.dashboard.render import document_html, highlight_issues, matching_terms
from mtqa.dashboard.verdicts import SHADES, verdict_at, with_verdicts

REPO = Path(__file__).resolve().parents[1]
L10N = REPO / "fixtures" / "l10n"
# The first run loads every model and scores the sample article.
TIMEOUT = 600


@pytest.fixture(scope="session")
def scored_sample_db(tmp_path_factory) -> Path:
    """A decisions database holding the sample article's scored run (scored once per session)."""
    path = tmp_path_factory.mktemp("scored") / "decisions.sqlite3"
    payload = score(pipeline(), read_file(SAMPLE_ARTICLE))
    DecisionStore(path).save_run(payload["run_key"], payload["signature"], payload["content_hash"],
                                 payload["name"], payload)
    return path


def pipeline():
    """The process's one Pipeline, shared with the app's scoring service."""
    from mtqa.dashboard.views import scoring_service

    service = scoring_service()
    if not service.loaded:
        service.score(Job("warm-up"), read_upload("warm.txt", b"One sentence."), None)
    return service._pipeline


@pytest.fixture
def db(tmp_path, monkeypatch, scored_sample_db):
    path = tmp_path / "decisions.sqlite3"
    shutil.copy(scored_sample_db, path)
    monkeypatch.setenv("MTQA_DECISIONS_DB", str(path))
    monkeypatch.setenv("MTQA_REVIEWER", "ana")
    monkeypatch.delenv("MTQA_DASHBOARD_FILES", raising=False)
    return path


def settle(app: AppTest, timeout: float = TIMEOUT) -> AppTest:
    """Rerun until no document is being opened in the background (the browser's progress
    fragment does the same every half second)."""
    deadline = time.monotonic() + timeout
    while app.session_state["jobs"]:
        assert time.monotonic() < deadline, "documents still opening"
        time.sleep(0.2)
        app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def start(tab: str = "Queue") -> AppTest:
    app = AppTest.from_file(str(APP_PATH), default_timeout=TIMEOUT)
    app.session_state["tab"] = tab  # only the open tab runs
    app.run()
    return settle(app)


def html_bodies(app: AppTest) -> str:
    return "\n".join(element.proto.body for element in app.get("html"))


def reading_html(app: AppTest) -> str:
    """The document HTML given to the reading view's component."""
    return "\n".join(json.loads(element.proto.json)[0] for element in app.get("bidi_component")
                     if element.proto.component_name == "mtqa_reading")


def queue_texts(app: AppTest) -> list[str]:
    return list(app.dataframe[-1].value["text"]) if app.dataframe else []


def whole_document_queue() -> AppTest:
    """The queue with every verdict: any sentence can be decided, flagged or not."""
    app = start()
    app.multiselect(key="filter_verdicts").set_value(["ok", "review", "fail"]).run()
    return app


def edit_field(app: AppTest):
    return next(area for area in app.text_area if area.key.startswith("edit_"))


def note_field(app: AppTest):
    return next(field for field in app.text_input if field.key.startswith("note_"))


@pytest.mark.slow
def test_saved_sample_opens_shaded_by_verdict(db):
    app = start("Reading")
    assert app.title[0].value == SAMPLE_ARTICLE.name
    assert not app.error
    html = reading_html(app)
    assert html.count("mtqa-seg ") > 20
    shades = {colour for verdict in ("review", "fail") for colour in SHADES[verdict]}
    assert any(colour in html for colour in shades)
    assert "mtqa-badge" in html  # flagged sentences carry a text badge too
    # The legend gives the thresholds in use, which are the run's (the shipped model's for a document).
    legend = html_bodies(app)
    review, fail = RiskModel.load().thresholds("document")
    assert f"{review:.2f}" in legend and f"{fail:.2f}" in legend


@pytest.mark.slow
def test_a_document_without_a_saved_run_is_scored_in_the_background(db, tmp_path, monkeypatch):
    text = tmp_path / "new.txt"
    text.write_text("The cat sat on the mat. Then it went home to sleep.", "utf-8")
    monkeypatch.setenv("MTQA_DASHBOARD_FILES", str(text))
    from mtqa.dashboard.views import scoring_service

    pipeline()
    busy = threading.Event()
    scoring_service()._executor.submit(busy.wait)  # the scorer is busy with another document
    app = AppTest.from_file(str(APP_PATH), default_timeout=TIMEOUT)
    app.run()
    assert len(app.session_state["jobs"]) == 1  # the page answered before scoring finished
    assert app.title[0].value == "new.txt" and "mtqa-pending" in html_bodies(app)  # the text, plain, meanwhile
    busy.set()
    settle(app)
    assert app.title[0].value == "new.txt"
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT count(*) FROM runs").fetchone()[0] == 2  # the sample's and this one


@pytest.mark.slow
def test_with_several_files_the_first_opens(db, tmp_path, monkeypatch):
    second = tmp_path / "second.txt"
    second.write_text("A second document. It has two sentences.", "utf-8")
    monkeypatch.setenv("MTQA_DASHBOARD_FILES", os.pathsep.join([str(SAMPLE_ARTICLE), str(second)]))
    app = start("Reading")
    assert app.title[0].value == SAMPLE_ARTICLE.name
    assert len(app.selectbox(key="doc").options) == 2


@pytest.mark.slow
def test_queue_filters(db):
    app = start()
    everything = queue_texts(app)
    assert everything, "the sample article has flagged sentences"
    risks = list(app.dataframe[-1].value["risk"])
    assert risks == sorted(risks, reverse=True)

    app.multiselect(key="filter_verdicts").set_value(["ok"]).run()
    assert set(app.dataframe[-1].value["verdict"]) == {"ok"}

    app.multiselect(key="filter_verdicts").set_value(["review", "fail"]).run()
    assert queue_texts(app) == everything
    word = everything[0].split()[1]
    app.text_input(key="filter_search").set_value(word).run()
    found = queue_texts(app)
    assert found and all(word.casefold() in text.casefold() for text in found)

    app.text_input(key="filter_search").set_value("").run()
    app.slider(key="filter_min_risk").set_value(1.0).run()
    assert app.success[0].value == "Nothing to review with these filters."


@pytest.mark.slow
def test_decisions_persist_across_restart_and_reviewers(db, monkeypatch):
    app = whole_document_queue()
    first = queue_texts(app)[0]
    app.button(key="decide_accept").click().run()
    assert first not in queue_texts(app)  # decided items leave the queue: on to the next one
    second = queue_texts(app)[0]
    assert edit_field(app).value == second
    edit_field(app).set_value("A corrected sentence.")
    app.button(key="decide_edit").click().run()

    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT segment_text, reviewer, action, edited_text FROM decisions ORDER BY id").fetchall()
    assert rows == [(first, "ana", "accept", None), (second, "ana", "edit", "A corrected sentence.")]

    # A new session: everything it shows comes from the SQLite file.
    assert "· accept</span>" in reading_html(start("Reading"))
    restarted = whole_document_queue()
    assert first not in queue_texts(restarted) and second not in queue_texts(restarted)
    restarted.checkbox(key="filter_hide_decided").uncheck().run()
    table = restarted.dataframe[-1].value.set_index("text")
    assert table.loc[first, "decision"] == "accept" and table.loc[second, "decision"] == "edit"

    monkeypatch.setenv("MTQA_REVIEWER", "ben")
    assert first in queue_texts(whole_document_queue())  # ben's queue is his own


@pytest.mark.slow
def test_an_empty_note_is_not_a_decision(db):
    app = start()
    first = queue_texts(app)[0]
    app.button(key="decide_note").click().run()
    assert "a note needs text" in " ".join(e.value for e in app.error)
    assert queue_texts(app)[0] == first
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT count(*) FROM decisions").fetchone()[0] == 0
    note_field(app).set_value("check the name")
    app.button(key="decide_note").click().run()
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT action, note FROM decisions").fetchall() == [("note", "check the name")]


@pytest.mark.slow
def test_a_failed_decision_keeps_what_was_typed(db):
    app = start()
    app.text_input(key="reviewer").set_value("").run()  # no reviewer: the store refuses
    edit_field(app).set_value("Typed at length, not to be lost.")
    note_field(app).set_value("my note")
    app.button(key="decide_edit").click().run()
    assert "needs a reviewer" in " ".join(e.value for e in app.error)
    assert edit_field(app).value == "Typed at length, not to be lost."
    assert note_field(app).value == "my note"


@pytest.mark.slow
def test_moving_the_thresholds_recounts_and_recolours(db):
    app = start("Reading")
    flagged_before = reading_html(app).count("mtqa-badge")
    key = next(slider.key for slider in app.slider if slider.key.startswith("thresholds_"))
    # Higher thresholds flag fewer sentences. (A lower one need not flag more: a sentence with
    # nothing but a base rate against it stays ok at any threshold, as in the pipeline.)
    app.slider(key=key).set_value((0.95, 0.99)).run()
    html = reading_html(app)
    assert html.count("mtqa-badge") < flagged_before
    assert "0.95 – 0.99" in html_bodies(app)  # the legend follows
    assert any(caption.value.startswith("ok ") for caption in app.caption)
    app.button(key="thresholds_reset").click().run()
    assert reading_html(app).count("mtqa-badge") == flagged_before


@pytest.mark.slow
@pytest.mark.parametrize("path", [SAMPLE_ARTICLE, L10N / "memoq_en_de.xlf", L10N / "memory_en_es.tmx"])
def test_verdicts_at_the_runs_thresholds_are_the_pipelines(path):
    """The dashboard re-applies the verdict rule to stored risks; at the run's own thresholds
    it must give every segment the verdict the pipeline gave."""
    payload = score(pipeline(), read_file(path))
    thresholds = {mode: tuple(pair) for mode, pair in payload["thresholds"].items()}
    assert [verdict_at(s, thresholds) for s in payload["segments"]] == [s["verdict"] for s in payload["segments"]]
    strict = {mode: (0.0, 0.0) for mode in thresholds}
    measured = [s for s in payload["segments"] if s["risk"] is not None]
    evidence = [s["raw"]["risk"]["evidence"] for s in measured]
    at_strict = with_verdicts(measured, strict)
    assert {s["verdict"] for s, has in zip(at_strict, evidence, strict=True) if has} == {"fail"}
    # Nothing but a base rate spoke against these: ok at any threshold, as in the pipeline.
    assert {s["verdict"] for s, has in zip(at_strict, evidence, strict=True) if not has} <= {"ok"}
    # With no risk (nothing the model reads was measured) the findings decide at any threshold.
    unmeasured = [s for s in payload["segments"] if s["risk"] is None]
    assert [s["verdict"] for s in with_verdicts(unmeasured, strict)] == [s["verdict"] for s in unmeasured]


@pytest.mark.slow
@pytest.mark.parametrize("name, content, message", [
    ("junk.txt", b"\x00\x01\x02\xff\xfe binary \x00", "junk.txt"),
    ("table.xyz", b"some text", "unknown format"),
    ("empty.txt", b"", "empty"),
])
def test_bad_files_give_a_message_not_a_traceback(db, tmp_path, monkeypatch, name, content, message):
    bad = tmp_path / name
    bad.write_bytes(content)
    monkeypatch.setenv("MTQA_DASHBOARD_FILES", str(bad))
    app = start()
    assert any(message in error.value for error in app.error), [e.value for e in app.error]
    with pytest.raises(InputError, match=message):
        read_upload(name, content)


# A quoted field never closed: the CSV reader refuses it, naming the line.
UNCLOSED_CSV = b'source,target\n"Hello, world,Hallo\nA,B\n'


@pytest.mark.parametrize("name, content, message", [
    ("unclosed.csv", UNCLOSED_CSV, "unclosed.csv: line 2: "),
    ("broken.xlf", b"<xliff version='1.2'><file>", "broken.xlf:1:"),
    ("junk.txt", b"\x00\x01 binary", "junk.txt: binary file"),
])
def test_an_upload_a_reader_fails_on_gives_one_line_naming_it(name, content, message):
    with pytest.raises(InputError) as raised:
        read_in_child({"target": (name, content)}, Job(name))
    text = str(raised.value)
    assert text.startswith(message), text
    assert "\n" not in text and "Traceback" not in text and "mtqa-upload-" not in text


def test_an_upload_is_read_with_its_source_in_a_child_process():
    document, original = read_in_child({"target": ("t.txt", b"One sentence. Two sentences."),
                                        "source": ("s.txt", b"Ein Satz. Zwei Saetze.")}, Job("t.txt"))
    assert document.path == "t.txt"
    assert [s.source for s in document.segments if s.scored] == ["Ein Satz.", "Zwei Saetze."]
    assert original is None  # text is written back as text
    xliff = (L10N / "memoq_en_de.xlf").read_bytes()
    _, original = read_in_child({"target": ("m.xlf", xliff)}, Job("m.xlf"))
    assert base64.b64decode(original) == xliff  # kept for the edited document


def reader_children() -> list[psutil.Process]:
    return [p for p in psutil.Process().children(recursive=True)
            if "mtqa.dashboard.read_worker" in " ".join(p.cmdline())]


def test_reading_stops_and_its_process_ends_when_the_session_is_gone():
    # One line of 3 MB: slow to split into sentences, so it is still being read when the session goes.
    pathological = ("Word and word again without an end " * 90_000).encode()
    session = {"alive": True}
    job = Job("long.txt", alive=lambda: session["alive"])
    outcome = {}

    def read() -> None:
        try:
            read_in_child({"target": ("long.txt", pathological)}, job)
            outcome["result"] = "read"
        except Cancelled:
            outcome["result"] = "cancelled"

    thread = threading.Thread(target=read)
    thread.start()
    deadline = time.monotonic() + 60
    while not reader_children() and "result" not in outcome:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    session["alive"] = False
    thread.join(60)
    assert outcome == {"result": "cancelled"}
    assert reader_children() == []


@pytest.mark.slow
def test_scoring_stops_between_chunks_when_the_session_is_gone(scored_sample_db, monkeypatch):
    from mtqa.dashboard import jobs

    monkeypatch.setattr(jobs, "SCORING_CHUNK", 16)  # the sample's 38 segments in three chunks
    document = read_file(SAMPLE_ARTICLE)
    calls = []

    def alive() -> bool:
        calls.append(1)
        return len(calls) < 3  # gone after the first chunk

    service = ScoringService(lambda: pipeline())
    with pytest.raises(Cancelled):
        service.score(Job("sample", alive=alive), document, None)
    assert len(calls) == 3


def segment(index, verdict, risk, text, issues=(), reasons=(), scores=None, mode="document", kind="sentence"):
    return {"index": index, "verdict": verdict, "risk": risk, "text": text, "start": 0, "kind": kind,
            "end": len(text), "issues": list(issues), "reasons": list(reasons),
            "scores": scores or {"grammar": 1.0, "fluency": 0.9},
            "raw": {"risk": {"mode": mode, "contributions": {"fluency.score": 0.5}}}}


def test_verdict_follows_the_thresholds_of_the_segments_mode():
    major = {"dimension": "checks", "start": 0, "end": 1, "message": "m", "rule": "r", "suggestions": [],
             "severity": "major"}
    segments = [segment(0, "ok", 0.5, "A."), segment(1, "review", 0.6, "B.", mode="source"),
                segment(2, "review", 0.1, "C.", issues=[major]), segment(3, "skipped", None, "")]
    thresholds = {"document": (0.58, 0.62), "source": (0.5, 0.77)}
    assert [verdict_at(s, thresholds) for s in segments] == ["ok", "review", "review", "skipped"]
    thresholds = {"document": (0.4, 0.45), "source": (0.3, 0.55)}
    assert [verdict_at(s, thresholds) for s in segments] == ["fail", "fail", "review", "skipped"]


def test_queue_sorting_and_filters():
    segments = [
        segment(0, "ok", 0.1, "Fine."),
        segment(1, "review", 0.5, "Grammer bad.", reasons=["grammar: spelling"],
                scores={"grammar": 0.4, "fluency": 0.9}),
        segment(2, "fail", 0.9, "Word salad here.", reasons=["fluency: reads unnaturally"],
                scores={"grammar": 1.0, "fluency": 0.1}),
    ]
    assert [s["index"] for s in build_queue(segments, QueueFilter())] == [2, 1]
    assert [s["index"] for s in build_queue(segments, QueueFilter(dimensions=("grammar",)))] == [1]
    assert [s["index"] for s in build_queue(segments, QueueFilter(max_score=0.2))] == [2]
    assert [s["index"] for s in build_queue(segments, QueueFilter(min_risk=0.6))] == [2]
    assert [s["index"] for s in build_queue(segments, QueueFilter(search="SALAD"))] == [2]
    assert build_queue(segments, QueueFilter(hide_decided=True, decided=frozenset({1, 2}))) == []


def issue(dimension, start, end, message="m", suggestions=()):
    return {"dimension": dimension, "start": start, "end": end, "message": message, "rule": f"{dimension}.x",
            "suggestions": list(suggestions), "severity": "minor"}


def test_word_findings_are_underlined_whole_sentence_ones_marked_apart():
    text = "Grammer <is> bad here"
    html = highlight_issues(text, [issue("grammar", 0, 7, "spelling <b>", ["Grammar"]),
                                   issue("drift", 0, len(text), "meaning differs"),
                                   issue("checks", len(text), len(text), "number '5' is missing")])
    assert html.startswith('<u class="mtqa-issue mtqa-grammar"')
    assert "wavy" in html and "&lt;is&gt;" in html and "<b>" not in html
    assert "mtqa-drift" not in html  # the whole sentence is not underlined
    assert html.endswith("‸</span>")  # something missing at the end
    page = document_html([segment(0, "review", 0.6, text, issues=[issue("drift", 0, len(text))])],
                         text, {"document": (0.58, 0.62)})
    assert "◆ drift" in page and "<u " not in page


def test_the_sources_matching_words_are_the_ones_findings_name():
    item = segment(0, "review", 0.6, "Es kostet 7 Euro.",
                   issues=[issue("checks", 10, 11, "number '7' is not in the source", ["9"]),
                           issue("checks", 17, 17, "number '5' of the source is missing from the target"),
                           issue("drift", 0, 17, "meaning differs", ["It costs five euros, not seven."])])
    assert set(matching_terms(item)) == {"7", "9", "5"}


def test_reading_view_keeps_paragraphs():
    text = "One.\n\nTwo."
    segments = [segment(0, "ok", 0.0, "One."), segment(1, "fail", 0.9, "Two.")]
    segments[1].update(start=6, end=10)
    html = document_html(segments, text, {"document": (0.58, 0.62)}, {1: "accept"})
    assert "</p><p>" in html and "#1 ✖ fail · accept" in html


@pytest.mark.slow
def test_a_reason_standing_for_several_findings_opens_to_list_them(db, tmp_path, monkeypatch):
    """Results say "grammar: <first finding> (+2 more)"; the dashboard lists all three."""
    text = tmp_path / "more.txt"
    text.write_text("Their is three mistake in this sentense.", "utf-8")
    document = read_file(text)
    payload = score(pipeline(), document)
    findings = [issue("grammar", 0, 5, "'Their' should be 'There'"), issue("grammar", 9, 14, "agreement"),
                issue("grammar", 31, 39, "spelling: 'sentence'")]
    payload["segments"][0].update(verdict="review", reasons=[f"grammar: {findings[0]['message']} (+2 more)"],
                                  issues=findings)
    DecisionStore(db).save_run(run_key(document), "test", document.content_hash, str(text), payload)
    monkeypatch.setenv("MTQA_DASHBOARD_FILES", str(text))
    app = start()
    [more] = [e for e in app.expander if "— and 2 more" in e.label]
    listed = "\n".join(h.proto.body for h in more.get("html"))
    assert all(escape(f["message"]) in listed for f in findings)
    assert "(+2 more)" not in more.label


@pytest.mark.slow
def test_overview_draws_charts_and_offers_exports(db):
    app = start("Overview")
    assert len(app.get("plotly_chart")) == 4
    assert [m.label for m in app.metric] == ["Segments", "Flagged", "Decided", "Open"]
    assert len(app.get("download_button")) == 4


@pytest.mark.slow
def test_thousand_sentence_document_is_paginated(db, tmp_path, monkeypatch):
    """Scoring 1,000 sentences takes minutes on a CPU; the repeated sample's sentences have the
    sample's real results, so they are stored as this document's run and the app only renders.
    (How fast it renders is measured by benchmarks/bench_dashboard.py.)"""
    from mtqa.dashboard.views import PAGE_SIZE

    sample = read_file(SAMPLE_ARTICLE)
    copies = 1000 // sum(s.scored for s in sample.segments) + 1
    big_file = tmp_path / "long.txt"
    big_file.write_text("\n\n".join([SAMPLE_ARTICLE.read_text("utf-8")] * copies), "utf-8")
    big = read_file(big_file)
    assert len(big.segments) >= 1000

    scored = DecisionStore(db).latest_run(run_key(sample))
    by_text = {s["text"]: s for s in scored["segments"]}
    payload = {**scored, "name": str(big_file), "text": big.text, "run_key": run_key(big),
               "content_hash": big.content_hash,
               "segments": [{**by_text[s.text], "index": s.index, "start": s.start, "end": s.end}
                            for s in big.segments]}
    DecisionStore(db).save_run(run_key(big), payload["signature"], big.content_hash, str(big_file), payload)
    monkeypatch.setenv("MTQA_DASHBOARD_FILES", str(big_file))

    for tab in ("Queue", "Overview"):
        assert start(tab).title[0].value == "long.txt"
    reading = start("Reading")
    assert reading.number_input(key="page").max == -(-len(big.segments) // PAGE_SIZE)
    assert reading_html(reading).count('class="mtqa-seg') == PAGE_SIZE
    reading.number_input(key="page").set_value(3).run()
    assert f'data-index="{2 * PAGE_SIZE}"' in reading_html(reading)


def test_source_file_must_align():
    target = read_upload("t.txt", b"One sentence. Two sentences.")
    source = read_upload("s.txt", b"Eins.")
    with pytest.raises(InputError, match="align sentence by sentence"):
        attach(target, source, "source")
    before = run_key(target)
    attach(target, read_upload("s.txt", b"Ein Satz. Zwei Saetze."), "source")
    assert [s.source for s in target.segments if s.scored] == ["Ein Satz.", "Zwei Saetze."]
    assert run_key(target) != before  # results with a source are cached apart


@pytest.mark.parametrize("argv, files, options", [
    (["--server.port", "8600"], [], ["--server.port", "8600"]),
    (["a.txt", "--server.port", "8600"], ["a.txt"], ["--server.port", "8600"]),
    (["--server.port", "8600", "a.txt", "--db", "x.db"], ["a.txt"], ["--server.port", "8600"]),
    (["--server.headless", "true", "--server.port=1", "a.txt", "b.txt"], ["a.txt", "b.txt"],
     ["--server.headless", "true", "--server.port=1"]),
])
def test_streamlit_options_pass_through(argv, files, options):
    from mtqa.cli import build_parser
    from mtqa.commands.dashboard import split_streamlit_options

    args, extra = build_parser().parse_known_args(["dashboard", *argv])
    assert split_streamlit_options(args.paths, extra) == (files, options)


def test_streamlit_runs_local_only_with_the_dashboards_settings_unless_told_otherwise():
    from mtqa.commands.dashboard import exposure_warning, streamlit_command

    command = streamlit_command(["--server.port", "8600"])
    for setting in ("--server.address=127.0.0.1", "--browser.gatherUsageStats=false",
                    "--server.fileWatcherType=none", "--runner.postScriptGC=false", "--client.toolbarMode=minimal",
                    "--client.showErrorDetails=none"):
        assert setting in command
    assert exposure_warning(["--server.port", "8600"]) is None
    opened = streamlit_command(["--server.address", "0.0.0.0"])
    assert "--server.address=127.0.0.1" not in opened and opened[-2:] == ["--server.address", "0.0.0.0"]
    assert "0.0.0.0" in exposure_warning(["--server.address", "0.0.0.0"])
    assert exposure_warning(["--server.address=localhost"]) is None


def test_dashboard_command_rejects_missing_files_and_unknown_options(capsys):
    from mtqa.cli import main

    assert main(["dashboard", "no-such-file.txt"]) == 2
    assert "no-such-file.txt: no such file" in capsys.readouterr().err
    assert main(["dashboard", "--bogus"]) == 2
    assert "unknown option --bogus" in capsys.readouterr().err


def test_mtqa_help_does_not_load_streamlit():
    probe = ("import sys, runpy; sys.argv = ['mtqa', '--help']\n"
             "try:\n    runpy.run_module('mtqa', run_name='__main__')\nexcept SystemExit:\n    pass\n"
             "print('streamlit' in sys.modules, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, check=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert "dashboard" in done.stdout
    assert done.stderr.strip().splitlines()[-1] == "False"


def test_the_sample_is_package_data():
    """A plain install (no checkout beside it) opens the sample."""
    assert SAMPLE_ARTICLE.is_file() and "mtqa/data" in SAMPLE_ARTICLE.as_posix()
