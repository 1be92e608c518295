"""`mtqa eval`, its statistics, and the risk-model refit (scripts/fit_risk.py)."""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import kendalltau, mannwhitneyu, pearsonr, spearmanr

from mtqa.cli import main
from mtqa.core.config import load_settings
from mtqa.core.errors import InputError
from mtqa.core.pipeline import Pipeline
from mtqa.core.risk import RiskModel
from mtqa.evaluation import evaluate
from mtqa.evaluation.datasets import load_dataset
from mtqa.evaluation.spans import Span, share_caught, span_scores
from mtqa.evaluation.spun import flagged_words, gold_words, replaced_spans
from mtqa.evaluation.stats import (
    auc,
    grouped_kendall_tau,
    kendall_tau_b,
    pairwise_accuracy,
    pearson,
    spearman,
    system_agreement,
)

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
MQM, DEMETR, BLIMP, SPUN = (DATA / name for name in ("mqm_zhen_generalmt2023.tsv", "demetr_dev.jsonl",
                                                     "blimp_dev.jsonl", "spun_dev.jsonl"))
needs_data = pytest.mark.skipif(not MQM.is_file(), reason="dev data not available")
ROOT = Path(__file__).resolve().parents[1]


# --- statistics ---------------------------------------------------------------------------

def test_tau_b_with_ties_matches_scipy():
    rng = np.random.default_rng(3)
    x = rng.integers(0, 4, 60).astype(float)  # many ties on both sides
    y = x + rng.integers(-2, 3, 60)
    assert kendall_tau_b(x, y) == pytest.approx(kendalltau(x, y, variant="b").statistic, abs=1e-12)


def test_tau_b_hand_computed():
    # pairs: (1,2) concordant, (1,3) concordant, (2,3) tied in y -> (2 - 0) / sqrt(3 * 2)
    assert kendall_tau_b([1, 2, 3], [1, 2, 2]) == pytest.approx(2 / math.sqrt(6))
    assert kendall_tau_b([1, 2, 3], [3, 2, 1]) == -1.0
    assert math.isnan(kendall_tau_b([1, 1, 1], [1, 2, 3]))


def test_grouped_tau_averages_within_groups():
    x = [1, 2, 3, 1, 2, 3, 5, 5, 1, 2]
    y = [1, 2, 3, 3, 2, 1, 1, 2, 4, 4]
    # c: the metric ties what the humans rank -> 0; d: the humans tie everything -> left out
    groups = ["a", "a", "a", "b", "b", "b", "c", "c", "d", "d"]
    mean, per_group = grouped_kendall_tau(x, y, groups)
    assert per_group == [1.0, -1.0, 0.0]
    assert mean == 0.0
    assert grouped_kendall_tau([1, 2, 2], [1, 2, 3], ["a", "a", "a"])[0] == pytest.approx(
        kendalltau([1, 2, 2], [1, 2, 3], variant="b").statistic)
    # grouping by seg_id alone would mix documents: the key must be (doc, seg_id)
    mixed, _ = grouped_kendall_tau([1, 2, 1, 2], [1, 2, 2, 1], [("d1", 1), ("d1", 1), ("d2", 1), ("d2", 1)])
    assert mixed == 0.0


def test_pearson_and_system_level():
    x, y = [1.0, 2.0, 4.0, 3.0], [2.0, 3.0, 9.0, 4.0]
    assert pearson(x, y) == pytest.approx(pearsonr(x, y).statistic)
    assert pairwise_accuracy({"A": 1, "B": 2, "C": 3}, {"A": 1, "B": 3, "C": 2}) == pytest.approx(2 / 3)
    agreement = system_agreement([1, 3, 2, 4], [0, 1, 1, 1], ["A", "A", "B", "B"])
    assert agreement["systems"] == 2 and agreement["pairwise_accuracy"] == 1.0


def test_span_precision_recall_f1_by_character():
    predicted = [[Span(0, 4)], [Span(10, 12)]]
    gold = [[Span(2, 6)], [Span(20, 30)]]
    scores = span_scores(predicted, gold)
    assert scores["precision"] == pytest.approx(2 / 6)  # chars 2,3 of 6 predicted
    assert scores["recall"] == pytest.approx(2 / 14)
    assert scores["f1"] == pytest.approx(2 * (2 / 6) * (2 / 14) / (2 / 6 + 2 / 14))
    assert share_caught(predicted, gold) == (1, 2)
    assert span_scores([[]], [[]])["f1"] == 0.0


def test_auc_and_spearman_match_scipy():
    rng = np.random.default_rng(3)
    garbled, clean = rng.normal(1, 1, 40).round(1), rng.normal(0, 1, 60).round(1)  # rounded: ties
    assert auc(garbled, clean) == pytest.approx(mannwhitneyu(garbled, clean).statistic / (40 * 60))
    x, y = rng.integers(0, 5, 50).astype(float), rng.normal(size=50)
    assert spearman(x, y) == pytest.approx(spearmanr(x, y).statistic)
    assert auc([], [1.0]) != auc([], [1.0])  # NaN: nothing to rank


def test_replaced_words_are_found_by_aligning_the_sentence_with_its_original():
    original = "Russia annexed the Crimean Peninsula in 2014 after the overthrow of its president."
    spun = "Russia overthrew the Crimea Peninsula in 2014 after the overthrow of its chairman."
    spans = replaced_spans(original, spun)
    assert [spun[a:b] for a, b in spans] == ["overthrew", "Crimea", "chairman"]
    gold = gold_words(spun, spans)
    assert gold == {1, 3, 12}
    from mtqa.core.documents import Issue

    issues = [Issue("fluency", 7, 16, "m", "fluency/word-choice"), Issue("drift", 0, len(spun), "m", "drift/x"),
              Issue("grammar", spun.index("its"), spun.index("its") + 3, "m", "grammar/y")]
    assert flagged_words(spun, issues) == {1, 11}  # the whole-sentence finding points at no word
    assert flagged_words(spun, issues, "fluency/word-choice") == {1}


# --- datasets --------------------------------------------------------------------------------

def test_unknown_dataset_is_a_one_line_input_error(tmp_path, capsys):
    path = tmp_path / "rows.jsonl"
    path.write_text('{"target": "Hello."}\n', encoding="utf-8")
    with pytest.raises(InputError, match="rows.jsonl: not a known labelled dataset"):
        load_dataset(path)
    assert main(["eval", str(tmp_path / "missing.tsv")]) == 2
    assert "missing.tsv: cannot read" in capsys.readouterr().err


@needs_data
def test_kind_is_detected_from_columns():
    assert [load_dataset(p, limit=2).kind for p in (MQM, DEMETR, BLIMP, SPUN)] == ["mqm", "demetr", "blimp", "spun"]


# --- end to end, real pipeline --------------------------------------------------------------

@pytest.fixture(scope="session")
def pipeline(tmp_path_factory):
    settings = load_settings()
    with Pipeline(settings) as loaded:
        yield loaded


@needs_data
def test_eval_mqm_end_to_end(pipeline):
    evaluation = evaluate(str(MQM), pipeline, limit=12, quiet=True)
    tables = {t.title.split(" (")[0]: t for t in evaluation.tables}
    correlation = tables["MQM segment- and system-level agreement"].to_dict()["rows"]
    names = [row["metric"] for row in correlation]
    assert names[:2] == ["risk (source mode)", "risk (document mode)"]
    assert "baseline: target length (chars)" in names
    assert all(-1 <= row["tau flat"] <= 1 for row in correlation if row["tau flat"] is not None)
    verdicts = tables["MQM verdicts against Major errors"].to_dict()["rows"]
    assert [row["segments"] for row in verdicts] == [12, 12]
    assert evaluation.signature.startswith("mtqa:") and "risk:" in evaluation.signature


@needs_data
def test_eval_contrastive_end_to_end_with_cli(pipeline, tmp_path):
    evaluation = evaluate(str(BLIMP), pipeline, limit=6, quiet=True)
    overall = evaluation.tables[0].to_dict()["rows"][-1]
    assert overall["group"] == "overall" and overall["pairs"] == 6
    assert 0 <= overall["fluency"] <= 1
    out = tmp_path / "demetr.json"
    assert main(["eval", str(DEMETR), "--limit", "6", "--format", "json", "-o", str(out), "-q"]) == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["kind"] == "demetr" and report["rows"] == 6
    by_severity = report["tables"][0]["rows"]
    assert {"risk", "chrF", "BLEU", "TER", "cosine", "LM logprob"} <= set(by_severity[-1])
    # the same pipeline settings reuse the cached features: same numbers again
    again = evaluate(str(DEMETR), pipeline, limit=6, quiet=True).to_dict()
    assert again["tables"][0]["rows"] == by_severity


@needs_data
def test_fit_risk_writes_a_model_that_loads(pipeline, tmp_path):
    spec = importlib.util.spec_from_file_location("fit_risk", ROOT / "scripts" / "fit_risk.py")
    fit_risk = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fit_risk)
    out = tmp_path / "risk.json"
    assert fit_risk.main(["--mqm", str(MQM), "--demetr", str(DEMETR), "--limit", "30",
                          "--folds", "0", "--output", str(out), "--version", "risk-test"]) == 0
    written = json.loads(out.read_text(encoding="utf-8"))
    model = RiskModel.load(out)
    assert model.version == "risk-test" and set(model.models) == {"source", "document", "reference"}
    for mode, spec_ in written["models"].items():
        loaded = model.models[mode]
        assert loaded.bias == spec_["bias"]
        assert {n: f.weight for n, f in loaded.features.items()} == {
            n: f["weight"] for n, f in spec_["features"].items()}
        review, fail = model.thresholds(mode)
        assert 0 <= review <= fail <= 1
    # the shipped model is a fitted one in the same format
    shipped = RiskModel.load()
    assert shipped.version.startswith("risk-v2") and set(shipped.models) == {"source", "document", "reference"}


SPUN_ROWS = [  # (doc, seg_id, original, spun)
    ("a", 0, "The talks ended on Friday without an agreement.", None),
    ("a", 1, "Both sides said they would meet again next month.",
     "Both sides said they would fulfill again next calendar month."),
    ("a", 2, "The minister thanked the delegates for their work.",
     "The minister thanked the delegates for their employment."),
    ("a", 3, "Prices of bread and milk rose sharply in March.", None),
    ("b", 0, "The team won the final match of the season.", "The team won the final couple of the season."),
    ("b", 1, "Fans celebrated in the streets until midnight.", None),
    ("b", 2, "The coach praised the players for their effort.",
     "The coach praised the players for their elbow grease."),
    ("b", 3, "A parade is planned for Sunday afternoon.", None),
]


@pytest.fixture
def spun_file(tmp_path) -> Path:
    path = tmp_path / "spun.jsonl"
    lines = []
    for doc, seg, original, spun in SPUN_ROWS:
        spun = spun or original
        words = [{"original": a, "spun": b} for a, b in zip(original.split(), spun.split(), strict=False) if a != b]
        lines.append(json.dumps({"doc": doc, "seg_id": seg, "original": original, "spun": spun,
                                 "n_replaced": len(replaced_spans(original, spun)), "rate": 0.2, "replaced": words}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_eval_spun_end_to_end(pipeline, spun_file):
    evaluation = evaluate(str(spun_file), pipeline, quiet=True)
    assert evaluation.kind == "spun" and evaluation.rows == 8
    sentences, words = (t.to_dict()["rows"] for t in evaluation.tables)
    risk = sentences[0]
    assert risk["metric"] == "risk" and 0 <= risk["AUC"] <= 1 and -1 <= risk["Spearman"] <= 1
    assert {row["findings"] for row in words} >= {"fluency/word-choice", "all findings"}
    assert words[0]["words replaced"] == 6
