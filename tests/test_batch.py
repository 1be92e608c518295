"""`mtqa batch`: end to end on small fixtures with the real pipeline (models loaded once)."""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
import tracemalloc
from collections.abc import Iterator, Sequence
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

import mtqa
from mtqa.batch import paired_bootstrap, run_batch, segment_key
from mtqa.batch.ray_engine import document_from_json, document_to_json
from mtqa.batch.store import ResultStore
from mtqa.batch.units import iter_units
from mtqa.cli import main
from mtqa.core.config import Settings
from mtqa.core.documents import Document, Segment
from mtqa.core.pipeline import Pipeline
from mtqa.readers import read_inputs, read_path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "batch"
MIXED = FIXTURES / "mixed"
FORMATS = {"txt", "md", "tsv", "csv", "jsonl"}


@pytest.fixture(scope="session")
def pipeline() -> Iterator[Pipeline]:
    with Pipeline(Settings(threads=2)) as loaded:
        yield loaded


class ScorerCalls:
    """Counts the segments each scorer is asked to score (the real scorers still run)."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        self.segments: dict[str, list[str]] = {dimension: [] for dimension in pipeline.scorers}
        self._originals = {dimension: scorer.score for dimension, scorer in pipeline.scorers.items()}
        for dimension, scorer in pipeline.scorers.items():
            scorer.score = self._counting(dimension, scorer.score)

    def _counting(self, dimension, score):
        def counted(segments: Sequence[Segment]):
            self.segments[dimension].extend(s.text for s in segments)
            return score(segments)

        return counted

    def scored_texts(self) -> list[str]:
        """What every scorer saw (they all see the same segments)."""
        seen = list(self.segments.values())
        assert all(texts == seen[0] for texts in seen)
        return seen[0]

    def restore(self) -> None:
        for dimension, score in self._originals.items():
            self.pipeline.scorers[dimension].score = score


@pytest.fixture
def calls(pipeline: Pipeline) -> Iterator[ScorerCalls]:
    counter = ScorerCalls(pipeline)
    yield counter
    counter.restore()


@pytest.fixture(scope="module")
def mixed_run(pipeline: Pipeline, tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("mixed")
    return run_batch([str(MIXED)], out, pipeline=pipeline), out


def _rows(path: Path) -> list[dict]:
    return pq.read_table(path).to_pylist()


def test_mixed_formats_give_the_same_results_as_check(pipeline: Pipeline, mixed_run) -> None:
    result, out = mixed_run
    rows = _rows(out / "segments.parquet")
    documents = list(read_inputs([str(MIXED)]))
    assert {row["format"] for row in rows} == FORMATS
    assert len(rows) == sum(len(d.segments) for d in documents) == result.summary.segments
    report = mtqa.check([str(MIXED)], pipeline=pipeline)
    expected = {(r.file, r.segment.index): r for r in report.results()}
    assert len(expected) == len(rows)
    for row in rows:
        check_result = expected[(row["file"], row["index"])]
        assert row["text"] == check_result.segment.text
        assert row["verdict"] == check_result.verdict
        assert row["risk"] == pytest.approx(check_result.risk, abs=1e-9)
        for dimension, score in check_result.scores.items():
            assert row[f"score_{dimension}"] == pytest.approx(score, abs=1e-9)
    with (out / "segments.csv").open(encoding="utf-8") as stream:
        csv_rows = list(csv.DictReader(stream))
    assert [(r["file"], int(r["index"]), r["verdict"]) for r in csv_rows] == [
        (r["file"], r["index"], r["verdict"]) for r in rows]
    with (out / "files.csv").open(encoding="utf-8") as stream:
        files = {r["file"]: r for r in csv.DictReader(stream)}
    for document in documents:
        assert int(files[document.path]["segments"]) == len(document.segments)
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert summary["counts"] == report.counts()
    assert summary["signature"] == str(pipeline.signature())
    markdown = (out / "summary.md").read_text("utf-8")
    assert "## Files by risk" in markdown and str(pipeline.signature()) in markdown


def test_the_number_error_is_among_the_worst_segments(mixed_run) -> None:
    result, _ = mixed_run
    worst = {entry["text"]: entry for entry in result.summary.worst()}
    assert "We have hired 52 new employees." in worst
    assert "52" in worst["We have hired 52 new employees."]["reasons"]


class ReportParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.tables: dict[str, int] = {}
        self.svgs = 0
        self.external: list[str] = []
        self.scripts = 0
        self._table: str | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "section":
            self.sections.append(attributes["id"])
        elif tag == "table" and attributes.get("id"):
            self._table = attributes["id"]
            self.tables[self._table] = 0
        elif tag == "tr" and self._table:
            self.tables[self._table] += 1
        elif tag == "svg":
            self.svgs += 1
        elif tag == "script":
            self.scripts += 1
        for name in ("src", "href"):
            if attributes.get(name):
                self.external.append(attributes[name])
        if tag == "link":
            self.external.append(str(attributes))

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_report_is_self_contained_and_has_its_sections(mixed_run, pipeline: Pipeline) -> None:
    result, out = mixed_run
    parser = ReportParser()
    parser.feed((out / "report.html").read_text("utf-8"))
    assert parser.sections == ["overview", "files", "charts", "worst", "settings"]
    assert parser.external == []  # nothing to fetch: opens offline
    assert parser.tables["files-table"] == 1 + len(FORMATS)  # header + one row per file
    assert parser.tables["verdicts-per-file"] == len(FORMATS)
    assert parser.tables["worst-table"] == 1 + len(result.summary.worst())
    assert parser.svgs >= 1 + len(FORMATS) + len(pipeline.scorers)
    assert parser.scripts == 1  # the inline table sorter
    text = " ".join(parser.text)
    assert "We have hired 52 new employees." in text
    assert str(pipeline.signature()) in text


def test_rerun_scores_only_changed_segments(pipeline: Pipeline, calls: ScorerCalls, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(MIXED, corpus)
    out = tmp_path / "out"
    first = run_batch([str(corpus)], out, pipeline=pipeline)
    total = first.summary.segments
    assert first.summary.scored == total

    tsv = corpus / "rows.tsv"
    tsv.write_text(tsv.read_text("utf-8").replace("The soup is not hot at all.", "The soup is hot."), "utf-8")
    with (corpus / "rows.csv").open("a", encoding="utf-8") as stream:
        stream.write("The train was late again.,The train was late again.\n")
    calls.segments = {d: [] for d in calls.segments}
    second = run_batch([str(corpus)], out, pipeline=pipeline)
    assert sorted(calls.scored_texts()) == ["The soup is hot.", "The train was late again."]
    assert (second.summary.scored, second.summary.cached) == (2, total - 1)
    assert len(_rows(out / "segments.parquet")) == total + 1

    # A sentence of a plain document is judged against the whole document (context drift),
    # so editing one rescored every scored sentence of that document and nothing else.
    article = corpus / "article.txt"
    article.write_text(article.read_text("utf-8").replace("every week", "every Tuesday"), "utf-8")
    calls.segments = {d: [] for d in calls.segments}
    third = run_batch([str(corpus)], out, pipeline=pipeline)
    scored_in_article = [s.text for s in read_path(str(article)).segments if s.scored]
    assert calls.scored_texts() == scored_in_article
    assert third.summary.scored == len(scored_in_article)

    calls.segments = {d: [] for d in calls.segments}
    forced = run_batch([str(corpus)], out, pipeline=pipeline, use_cache=False)
    assert forced.summary.scored == len(calls.scored_texts()) == total + 1  # the fixtures have no duplicates


def test_interrupted_run_resumes_from_the_store(pipeline: Pipeline, calls: ScorerCalls, tmp_path: Path) -> None:
    table = tmp_path / "corpus" / "many.tsv"
    table.parent.mkdir()
    targets = [f"Sentence number {n} is about the {word} near the river." for n, word in
               enumerate(["bridge", "market", "school", "church", "station", "harbour", "tower", "garden",
                          "library", "stadium"])]
    table.write_text("target\n" + "\n".join(targets) + "\n", "utf-8")
    out = tmp_path / "out"

    def interrupt_after_first_chunk(count: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_batch([str(table.parent)], out, pipeline=pipeline, chunk_size=4, progress=interrupt_after_first_chunk)
    assert calls.scored_texts() == targets[:4]
    assert sorted(p.name for p in out.iterdir()) == ["results.sqlite"]  # no half-written outputs
    with sqlite3.connect(out / "results.sqlite") as connection:
        assert connection.execute("SELECT COUNT(*) FROM results").fetchone()[0] == 4

    calls.segments = {d: [] for d in calls.segments}
    resumed = run_batch([str(table.parent)], out, pipeline=pipeline, chunk_size=4)
    assert calls.scored_texts() == targets[4:]
    assert (resumed.summary.scored, resumed.summary.cached) == (6, 4)
    assert [r["text"] for r in _rows(out / "segments.parquet")] == targets


def test_compare_two_systems(pipeline: Pipeline, tmp_path: Path) -> None:
    out = tmp_path / "out"
    a, b = FIXTURES / "compare" / "system_a", FIXTURES / "compare" / "system_b"
    result = run_batch([], out, compare=[str(a), str(b)], pipeline=pipeline)
    comparison = result.comparison
    assert comparison is not None and comparison.paired == 6 and comparison.unpaired_a == 0
    risk = comparison.measures[0]
    assert risk.measure == "risk"
    # B garbles word order, a number and grammar; A only rewords.
    assert risk.b_better < risk.a_better
    assert risk.a_better + risk.b_better + risk.ties == pytest.approx(1.0)
    assert risk.bootstrap.low <= risk.bootstrap.mean_difference <= risk.bootstrap.high
    assert risk.bootstrap.mean_difference > 0  # B riskier
    with (out / "comparison.csv").open(encoding="utf-8") as stream:
        paired = list(csv.DictReader(stream))
    assert len(paired) == 6
    assert {r["document"] for r in paired} == {"news.tsv"}
    for row in paired:
        assert float(row["risk_difference"]) == pytest.approx(float(row["risk_b"]) - float(row["risk_a"]))
    parser = ReportParser()
    parser.feed((out / "report.html").read_text("utf-8"))
    assert "comparison" in parser.sections and parser.tables["comparison-table"] == 1 + len(comparison.measures)


def test_paired_bootstrap_matches_its_definition() -> None:
    constant = paired_bootstrap(np.full(50, 0.25))
    assert (constant.mean_difference, constant.low, constant.high) == pytest.approx((0.25, 0.25, 0.25))
    rng = np.random.default_rng(0)
    shifted = paired_bootstrap(rng.normal(0.3, 1.0, 400))
    assert shifted.low > 0 and shifted.p_value < 0.01
    null = paired_bootstrap(rng.normal(0.0, 1.0, 400))
    assert null.low < 0 < null.high and null.p_value > 0.05
    data = rng.normal(0.1, 1.0, 200)
    assert paired_bootstrap(data) == paired_bootstrap(data)


def test_store_keys_cover_everything_a_result_depends_on(tmp_path: Path) -> None:
    document = Document("a.txt", "txt", [Segment("One sentence.", 0, 0, 13), Segment("Two.", 1, 14, 18)])
    edited = Document("a.txt", "txt", [Segment("One sentence.", 0, 0, 13), Segment("Three.", 1, 14, 20)])
    base = segment_key(document.segments[0], "sig")
    assert segment_key(document.segments[0], "other-sig") != base
    assert segment_key(edited.segments[0], "sig") != base  # same text, different document context
    row = Segment("Hi.", 0, 0, 3, kind="row", reference="Hello.")
    same_row_elsewhere = Document("b.tsv", "tsv", [Segment("Hi.", 7, 0, 3, kind="row", reference="Hello.")])
    Document("a.tsv", "tsv", [row])
    assert segment_key(row, "sig") == segment_key(same_row_elsewhere.segments[0], "sig")
    assert segment_key(Segment("Hi.", 0, 0, 3, kind="row", reference="Hey."), "sig") != segment_key(row, "sig")
    with ResultStore(tmp_path / "store.sqlite") as store:
        store.put_many([(base, '{"risk": 0.5}')], "sig")
        assert store.get_many([base, "missing"]) == {base: '{"risk": 0.5}'}
        assert len(store) == 1


# Short German UI strings: the whole file is surely German, but two of its rows alone are too
# few words to tell from English (each chunk identified on its own was read as English or German).
GERMAN_UI = [("Save", "Speichern"), ("Cancel", "Abbrechen"), ("Open the file.", "Öffnen Sie die Datei."),
             ("Close the window.", "Schließen Sie das Fenster."), ("Settings", "Einstellungen"),
             ("Print", "Drucken"), ("The file was saved.", "Die Datei wurde gespeichert."), ("Log out", "Abmelden")]


def _ui_table(path: Path, rows: list[tuple[str, str]]) -> Path:
    path.parent.mkdir(exist_ok=True)
    path.write_text("source\ttarget\n" + "".join(f"{s}\t{t}\n" for s, t in rows), "utf-8")
    return path


def test_every_chunk_of_a_table_gets_the_language_of_its_whole_file(tmp_path: Path) -> None:
    german = _ui_table(tmp_path / "de.tsv", GERMAN_UI)
    units = list(iter_units(str(german), 2, language="en-US"))
    assert [(u.document.target_lang, u.document.meta["identified_language"]) for u in units] == [("de", "de")] * 4
    # read as the configured language: recorded too, so that no chunk is identified again on its own
    english = _ui_table(tmp_path / "en.tsv", [(t, s) for s, t in GERMAN_UI])
    units = list(iter_units(str(english), 2, language="en-US"))
    assert [(u.document.target_lang, u.document.meta) for u in units] == [(None, {"identified_language": None})] * 4
    sent = document_from_json(json.loads(json.dumps(document_to_json(units[0].document))))  # to a Ray worker
    assert sent.meta == {"identified_language": None}
    assert all(u.document.meta == {} for u in iter_units(str(german), 2))  # identification off


def test_a_template_reaches_a_ray_worker_as_a_template(tmp_path: Path) -> None:
    from mtqa.scorers.checks import ChecksScorer

    template = tmp_path / "messages.pot"
    template.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                        'msgid "Save changes"\nmsgstr ""\n\nmsgid "Delete %(name)s"\nmsgstr ""\n', "utf-8")
    document = read_path(str(template))
    sent = document_from_json(json.loads(json.dumps(document_to_json(document))))  # to a Ray worker
    assert sent.meta == document.meta and sent.meta.get("template")
    scorer = ChecksScorer(Settings())
    # an empty unit of a template is work to do, not an empty target, on the worker as here
    assert not any(scorer.accepts(segment, "de") for segment in [*sent.segments, *document.segments])


def test_batch_reads_a_table_cut_into_chunks_in_the_same_language_as_check(pipeline: Pipeline,
                                                                           tmp_path: Path) -> None:  # fmt: skip
    table = _ui_table(tmp_path / "corpus" / "ui.tsv", GERMAN_UI)
    run_batch([str(table)], tmp_path / "out", pipeline=pipeline, chunk_size=2)
    rows = _rows(tmp_path / "out" / "segments.parquet")
    expected = {r.segment.index: r for r in mtqa.check([str(table)], pipeline=pipeline).results()}
    assert len(rows) == len(expected) == len(GERMAN_UI)
    for row in rows:
        raw = json.loads(row["raw"])
        assert raw["fluency"] == {"unsupported_language": "de"}  # the English LM abstains on German
        check_result = expected[row["index"]]
        assert raw == json.loads(json.dumps(check_result.raw))
        assert (row["verdict"], row["risk"]) == (check_result.verdict, check_result.risk)


def _write_table(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8") as stream:
        stream.write("id\ttarget\n")
        for n in range(rows):
            stream.write(f"{n}\tRow number {n} says something about item {n * 7} in the catalogue.\n")
    return path


def _peak_memory(work) -> int:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _stream(path: Path, sizes: list[int]) -> None:
    for unit in iter_units(str(path), 250):
        sizes.append(len(unit.segments))
        unit.release()  # as the batch loop does once a chunk is written


def test_tables_stream_in_chunks_with_bounded_memory(tmp_path: Path) -> None:
    small, large = _write_table(tmp_path / "small.tsv", 5_000), _write_table(tmp_path / "large.tsv", 20_000)
    sizes: list[int] = []
    streamed_small = _peak_memory(lambda: _stream(small, []))
    streamed_large = _peak_memory(lambda: _stream(large, sizes))
    whole_large = _peak_memory(lambda: read_path(str(large)))
    assert sizes == [250] * 80
    assert streamed_large < 1.5 * streamed_small  # memory does not grow with the file
    assert streamed_large < whole_large / 10
    last = list(iter_units(str(large), 250))[-1]
    assert last.first_index == 19_750 and last.file_index(last.segments[-1]) == 19_999


def test_cli_errors_exit_2_without_loading_models(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    assert main(["batch", str(tmp_path / "missing.txt"), "--out", str(tmp_path / "out")]) == 2
    assert "missing.txt: no such file" in capsys.readouterr().err
    assert main(["batch", "--compare", str(MIXED / "rows.tsv"), str(MIXED), "--out", str(tmp_path / "o")]) == 2
    assert "--compare needs two folders" in capsys.readouterr().err
    # Gate flags of mtqa check are not silently dropped: the run says they do not apply.
    assert main(["batch", str(tmp_path / "missing.txt"), "--out", str(tmp_path / "out"), "--max-flagged", "5%",
                 "--select", "grammar"]) == 2
    assert "--select, --max-flagged apply to mtqa check" in capsys.readouterr().err
    monkeypatch.setitem(__import__("sys").modules, "ray", None)  # as if Ray were not installed
    assert main(["batch", str(MIXED), "--out", str(tmp_path / "out"), "--engine", "ray"]) == 2
    assert "pip install 'mtqa[ray]'" in capsys.readouterr().err
