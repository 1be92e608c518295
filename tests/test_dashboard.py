"""The dashboard's logic through Streamlit's AppTest, on the real pipeline and a real SQLite file.

Models load once per test session: `st.cache_resource` keeps the one Pipeline in the process
across AppTest runs. Each test has its own decisions database in tmp_path.
"""

import sqlite3
from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

from mtqa.core.errors import InputError  # noqa: E402
from mtqa.dashboard.loading import SAMPLE_ARTICLE, attach, read_upload, run_key  # noqa: E402
from mtqa.dashboard.queue import QueueFilter, build_queue  # noqa: E402
from mtqa.dashboard.render import RISK_BANDS, document_html, highlight_issues  # noqa: E402

APP = Path(__file__).resolve().parents[1] / "dashboard" / "app.py"
# The first run loads every model and scores the sample article.
TIMEOUT = 300


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "decisions.sqlite3"
    monkeypatch.setenv("MTQA_DECISIONS_DB", str(path))
    monkeypatch.setenv("MTQA_REVIEWER", "ana")
    monkeypatch.delenv("MTQA_DASHBOARD_FILES", raising=False)
    return path


def start(view: str = "Queue") -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    app.session_state["view"] = view  # only the open tab runs
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def html_bodies(app: AppTest) -> str:
    return "\n".join(element.proto.body for element in app.get("html"))


def queue_texts(app: AppTest) -> list[str]:
    return list(app.dataframe[-1].value["text"]) if app.dataframe else []


def whole_document_queue() -> AppTest:
    """The queue with every verdict: any sentence can be decided, flagged or not."""
    app = start()
    app.multiselect(key="filter_verdicts").set_value(["ok", "review", "fail"]).run()
    return app


@pytest.mark.slow
def test_sample_article_opens_scored_with_suspect_sentences_shaded(db):
    app = start("Reading")
    assert app.title[0].value == SAMPLE_ARTICLE.name
    assert not app.error
    html = html_bodies(app)
    shaded = [band for _, band, _ in RISK_BANDS[1:]]
    assert html.count('class="mtqa-seg') > 20
    assert any(f"background-color: {colour}" in html for colour in shaded)
    assert 'class="mtqa-badge"' in html  # flagged sentences carry a text badge too
    # Results were stored: a restart reads them instead of scoring again.
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT count(*) FROM runs").fetchone()[0] == 1


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
    [editor] = app.text_area
    assert editor.value == second
    editor.set_value("A corrected sentence.").run()
    app.button(key="decide_edit").click().run()

    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT segment_text, reviewer, action, edited_text FROM decisions ORDER BY id").fetchall()
    assert rows == [(first, "ana", "accept", None), (second, "ana", "edit", "A corrected sentence.")]

    # A new session: everything it shows comes from the SQLite file.
    assert "· accept</span>" in html_bodies(start("Reading"))
    restarted = whole_document_queue()
    assert first not in queue_texts(restarted) and second not in queue_texts(restarted)
    restarted.checkbox(key="filter_hide_decided").uncheck().run()
    table = restarted.dataframe[-1].value.set_index("text")
    assert table.loc[first, "decision"] == "accept" and table.loc[second, "decision"] == "edit"

    monkeypatch.setenv("MTQA_REVIEWER", "ben")
    assert first in queue_texts(whole_document_queue())  # ben's queue is his own


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


def test_source_file_must_align():
    target = read_upload("t.txt", b"One sentence. Two sentences.")
    source = read_upload("s.txt", b"Eins.")
    with pytest.raises(InputError, match="align sentence by sentence"):
        attach(target, source, "source")
    before = run_key(target)
    attach(target, read_upload("s.txt", b"Ein Satz. Zwei Saetze."), "source")
    assert [s.source for s in target.segments if s.scored] == ["Ein Satz.", "Zwei Saetze."]
    assert run_key(target) != before  # results with a source are cached apart


def segment(index, verdict, risk, text, issues=(), reasons=(), scores=None):
    return {"index": index, "verdict": verdict, "risk": risk, "text": text, "start": 0,
            "end": len(text), "issues": list(issues), "reasons": list(reasons),
            "scores": scores or {"grammar": 1.0, "fluency": 0.9}}


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


def test_issue_spans_are_underlined_and_escaped():
    issue = {"dimension": "grammar", "start": 0, "end": 7, "message": "spelling <b>",
             "suggestions": ["Grammar"]}
    html = highlight_issues("Grammer <is> bad", [issue])
    assert html.startswith('<u class="mtqa-issue mtqa-grammar"')
    assert "wavy" in html and "&lt;is&gt;" in html and "<b>" not in html


def test_reading_view_keeps_paragraphs():
    text = "One.\n\nTwo."
    segments = [segment(0, "ok", 0.0, "One."), segment(1, "fail", 0.9, "Two.")]
    segments[1].update(start=6, end=10)
    html = document_html(segments, text, {1: "accept"})
    assert "</p><p>" in html and "#1 ✖ fail · accept" in html


@pytest.mark.slow
def test_overview_draws_charts(db):
    app = start("Overview")
    assert len(app.get("plotly_chart")) == 4
    assert [m.label for m in app.metric] == ["Segments", "Flagged", "Decided", "Open"]
    assert len(app.get("download_button")) == 4


@pytest.mark.slow
def test_thousand_sentence_document_is_paginated_and_quick(db, tmp_path, monkeypatch):
    """Scoring 1,000 sentences takes minutes on a CPU; the repeated sample's sentences have the
    sample's real results, so they are stored as this document's run and the app only renders."""
    import time

    from mtqa.dashboard.decisions import DecisionStore
    from mtqa.dashboard.loading import read_file, score
    from mtqa.dashboard.views import PAGE_SIZE, get_pipeline

    sample = read_file(SAMPLE_ARTICLE)
    copies = 1000 // sum(s.scored for s in sample.segments) + 1
    big_file = tmp_path / "long.txt"
    big_file.write_text("\n\n".join([SAMPLE_ARTICLE.read_text("utf-8")] * copies), "utf-8")
    big = read_file(big_file)
    assert len(big.segments) >= 1000

    pipeline = get_pipeline()
    scored = score(pipeline, sample)
    by_text = {s["text"]: s for s in scored["segments"]}
    payload = {**scored, "name": str(big_file), "text": big.text, "run_key": run_key(big),
               "content_hash": big.content_hash,
               "segments": [{**by_text[s.text], "index": s.index, "start": s.start, "end": s.end}
                            for s in big.segments]}
    DecisionStore(db).save_run(run_key(big), payload["signature"], big.content_hash,
                               str(big_file), payload)
    monkeypatch.setenv("MTQA_DASHBOARD_FILES", str(big_file))

    for view in ("Reading", "Queue", "Overview"):
        began = time.perf_counter()
        start(view)
        assert time.perf_counter() - began < 10, view
    reading = start("Reading")
    assert reading.number_input[0].max == -(-len(big.segments) // PAGE_SIZE)
    assert html_bodies(reading).count('class="mtqa-seg') == PAGE_SIZE
    reading.number_input[0].set_value(3).run()
    assert f'data-index="{2 * PAGE_SIZE}"' in html_bodies(reading)


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


def test_dashboard_command_rejects_missing_files_and_unknown_options(capsys):
    from mtqa.cli import main

    assert main(["dashboard", "no-such-file.txt"]) == 2
    assert "no-such-file.txt: no such file" in capsys.readouterr().err
    assert main(["dashboard", "--bogus"]) == 2
    assert "unknown option --bogus" in capsys.readouterr().err
