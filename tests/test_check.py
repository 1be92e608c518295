"""`mtqa check` end to end with the real default models: the sample article, tables with
sources, the report schema, exit codes and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import mtqa
from mtqa.cli import main

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "fixtures" / "spun_news_article.txt"
# One reader's sentence-by-sentence judgement of the sample (2 badly garbled, 1 slightly, 0 clean),
# made against the original story; never fitted on.
READER_LABELS = ROOT / "benchmarks" / "spun_article_labels.tsv"
JSONL_FIELDS = {"file", "index", "id", "text", "start", "end", "scores", "raw", "risk", "verdict", "issues"}


@pytest.fixture(scope="module")
def sample_rows(tmp_path_factory, pinned_flags) -> list[dict]:
    out = tmp_path_factory.mktemp("check") / "sample.jsonl"
    assert main(["check", str(SAMPLE), "-f", "jsonl", "-o", str(out), "--no-progress", "--fail-on", "never",
                 *pinned_flags]) == 0
    return [json.loads(line) for line in out.read_text("utf-8").splitlines()]


def by_text(rows: list[dict], fragment: str) -> dict:
    (row,) = [r for r in rows if fragment in r["text"]]
    return row


def test_every_sentence_has_the_documented_fields_and_offsets_into_the_file(sample_rows) -> None:
    text = SAMPLE.read_text("utf-8")
    assert len(sample_rows) == 38
    for row in sample_rows:
        assert JSONL_FIELDS <= set(row)
        assert text[row["start"]:row["end"]] == row["text"]
        assert row["verdict"] in ("ok", "review", "fail", "skipped")
        for issue in row["issues"]:
            assert {"dimension", "start", "end", "message", "rule", "suggestions"} <= set(issue)
            assert 0 <= issue["start"] <= issue["end"] <= len(row["text"])
    skipped = [r["text"] for r in sample_rows if r["verdict"] == "skipped"]
    assert "Source link" in skipped and all(r["risk"] is None for r in sample_rows if r["verdict"] == "skipped")


def test_risk_spreads_ranks_garbled_sentences_above_clean_ones_and_names_the_word(sample_rows) -> None:
    clean = by_text(sample_rows, "Your visit is very important")
    assert clean["verdict"] == "ok" and clean["reasons"] == []
    scored = [row for row in sample_rows if row["risk"] is not None]
    risks = [row["risk"] for row in scored]
    assert max(risks) - min(risks) >= 0.35
    labels = [line.split("\t", 1) for line in READER_LABELS.read_text("utf-8").splitlines()[1:]]
    by_label: dict[str, list[float]] = {"0": [], "2": []}
    for row in scored:
        label = next(label for label, start in labels if row["text"].startswith(start))
        by_label.get(label, []).append(row["risk"])
    garbled, clean_risks = by_label["2"], by_label["0"]
    above = sum((g > c) + 0.5 * (g == c) for g in garbled for c in clean_risks) / (len(garbled) * len(clean_risks))
    assert above >= 0.65  # AUC, badly garbled against clean (0.5: chance)
    flagged = [row for row in scored if row["verdict"] != "ok"]
    assert flagged and all(row["reasons"] for row in flagged)
    # a word-level reason: which word does not fit, and what the language model expects instead
    assert any(issue["rule"] == "fluency/word-choice" and issue["suggestions"]
               for row in flagged for issue in row["issues"])
    assert any("does not fit here" in reason for row in flagged for reason in row["reasons"])


def test_the_gate_sets_the_exit_code(tmp_path, pinned_flags) -> None:
    assert main(["check", str(SAMPLE), "-f", "json", "-o", str(tmp_path / "r.json"), "--no-progress",
                 "--fail-on", "review", *pinned_flags]) == 1
    report = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert report["gate_failed"] is True and report["counts"]["review"] > 0
    assert report["signature"].startswith("mtqa:")


def test_the_python_api_gives_the_cli_results(sample_rows, pinned_settings) -> None:
    report = mtqa.check(SAMPLE, settings=pinned_settings)
    results = list(report.results())
    assert [r.verdict for r in results] == [row["verdict"] for row in sample_rows]
    assert [r.risk for r in results] == [row["risk"] for row in sample_rows]


def test_a_table_with_chinese_sources_gets_one_result_per_row_in_order(tmp_path, pinned_flags) -> None:
    table = tmp_path / "zh-en.tsv"
    table.write_text(
        "id\tsource\ttarget\n"
        "a\t欧盟峰会为难民政策争论，欧盟官员：接收过程步步瓶颈\t"
        "EU summit argues over refugee policy, EU official: bottlenecks at every step of the reception process\n"
        "b\t欧盟峰会为难民政策争论，欧盟官员：接收过程步步瓶颈\tEU officials: reception is slow\n"
        "c\t据法新社2月10日报道，欧盟领导人同意出台更严格的政策\t"
        "AFP reported on February 10 that EU leaders agreed to introduce stricter policies\n",
        encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["check", str(table), "-f", "jsonl", "-o", str(out), "--no-progress", "--fail-on", "never",
                 *pinned_flags]) == 0
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["a", "b", "c"]
    assert all(r["raw"]["drift"]["mode"] == "crosslingual" for r in rows)
    full, short, dated = rows
    assert full["scores"]["drift"] > short["scores"]["drift"] and full["risk"] < short["risk"]
    # 2月10日 is February 10: no number finding; its content is found, so no missing terms.
    assert dated["scores"]["drift"] > 0.7 and not [i for i in dated["issues"] if i["dimension"] in ("checks", "drift")]
    assert any(i["rule"] == "drift/source-term-missing" for i in short["issues"])


def test_bad_input_is_one_line_exit_2_and_leaves_an_existing_report_alone(tmp_path, capsys) -> None:
    out = tmp_path / "report.json"
    out.write_text("previous report", encoding="utf-8")
    assert main(["check", str(tmp_path / "missing.txt"), "-f", "json", "-o", str(out)]) == 2
    error = capsys.readouterr().err.strip()
    assert "missing.txt" in error and len(error.splitlines()) == 1 and "Traceback" not in error
    assert out.read_text("utf-8") == "previous report"


def doctor(capsys, *flags: str) -> dict:
    assert main(["doctor", "--format", "json", "--grammar", "auto", *flags]) == 0
    return json.loads(capsys.readouterr().out)


def test_doctor_reports_models_backends_and_the_lexicon(tmp_path, monkeypatch, capsys) -> None:
    # No LanguageTool install where language_tool_python would put one: auto means Harper.
    monkeypatch.setenv("LTP_PATH", str(tmp_path / "downloads"))
    monkeypatch.delenv("LTP_JAR_DIR_PATH", raising=False)
    report = doctor(capsys)
    assert report["ready"] is True
    assert report["lexicon"]["setting"] == "auto" and "cc-cedict" in report["lexicon"]["pairs"]["zh-en"]
    assert report["grammar"]["auto_uses"] == "harper"
    assert report["grammar"]["languagetool"] == {"url": None, "local_jar": None, "available": False}
    # A LanguageTool download beside it (the folder language_tool_python unpacks): auto means LanguageTool.
    jar = tmp_path / "downloads" / "LanguageTool-6.4" / "languagetool-server.jar"
    jar.parent.mkdir(parents=True)
    jar.write_bytes(b"PK")
    report = doctor(capsys)
    assert report["grammar"]["auto_uses"] == "languagetool"
    assert report["grammar"]["languagetool"] == {"url": None, "local_jar": str(jar), "available": True}
