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
from mtqa.core.errors import InputError
from mtqa.core.pipeline import Pipeline
from mtqa.core.risk import RiskModel
from mtqa.evaluation import evaluate, fitting
from mtqa.evaluation.datasets import load_dataset
from mtqa.evaluation.features import cache_path
from mtqa.evaluation.fitting import fold_splits, group_of
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
from mtqa.evaluation.views import BUILDERS, VIEWS

ROOT = Path(__file__).resolve().parents[1]
# Tiny synthetic files in the dev data's formats (fixtures/eval/README.md), so that every
# evaluation path, the held-out folds included, runs in any checkout.
EVAL_FIXTURES = ROOT / "fixtures" / "eval"
MQM, DEMETR, BLIMP, SPUN = (EVAL_FIXTURES / name for name in ("mqm_zhen_tiny.tsv", "demetr_tiny.jsonl",
                                                              "blimp_tiny.jsonl", "spun_tiny.jsonl"))


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


def test_kind_is_detected_from_columns():
    assert [load_dataset(p, limit=2).kind for p in (MQM, DEMETR, BLIMP, SPUN)] == ["mqm", "demetr", "blimp", "spun"]


@pytest.mark.parametrize(("path", "group"), [(MQM, "doc"), (DEMETR, "id")])
def test_folds_are_disjoint_by_group(path, group):
    """Every segment is held out exactly once, and never beside another segment of its
    MQM document (every system's translation of it) or DEMETR item (both sentences)."""
    dataset = load_dataset(path)
    for view in VIEWS[dataset.kind]:
        rows = [s.meta["row"] for d in BUILDERS[view](dataset) for s in d.segments]
        groups = [group_of(dataset, row) for row in rows]
        assert groups == [str(dataset.rows[row][group]) for row in rows]
        splits = fold_splits(groups, 3)
        assert sorted(p for _, test in splits for p in test) == list(range(len(rows)))
        for train, test in splits:
            assert test and sorted(train + test) == list(range(len(rows)))
            assert not {groups[p] for p in train} & {groups[p] for p in test}


# --- end to end, real pipeline --------------------------------------------------------------

@pytest.fixture(scope="session")
def pipeline(pinned_settings):
    with Pipeline(pinned_settings) as loaded:
        yield loaded


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
    assert evaluation.risk_source == f"shipped model {pipeline.risk.version}"


def test_held_out_risk_is_fitted_without_the_fold_it_scores(pipeline, monkeypatch):
    """`folds`: every fit sees the segments of the groups outside one fold only, and every
    segment is scored by one such fit (spied on the real fitting)."""
    fits = []
    fit_view = fitting.fit_view

    def spied(dataset, view, positions, names):
        fits.append((view.name, list(positions)))
        return fit_view(dataset, view, positions, names)

    monkeypatch.setattr(fitting, "fit_view", spied)
    evaluation = evaluate(str(MQM), pipeline, folds=2, quiet=True)
    assert evaluation.risk_source == "held out: refitted on 1 of 2 folds grouped by document"
    dataset = load_dataset(MQM)
    for view in ("mqm-source", "mqm-document"):
        rows = [s.meta["row"] for d in BUILDERS[view](dataset) for s in d.segments]
        groups = [group_of(dataset, row) for row in rows]
        trains = [positions for name, positions in fits if name == view]
        assert len(trains) == 2
        held_out = [sorted(set(range(len(rows))) - set(train)) for train in trains]
        assert sorted(p for test in held_out for p in test) == list(range(len(rows)))
        for train, test in zip(trains, held_out, strict=True):
            assert test and not {groups[p] for p in train} & {groups[p] for p in test}
    verdicts = {t.title.split(" (")[0]: t for t in evaluation.tables}["MQM verdicts against Major errors"]
    assert [row["segments"] for row in verdicts.to_dict()["rows"]] == [32, 32]


def test_eval_cli_runs_the_held_out_path_end_to_end(tmp_path, pinned_flags, capsys):
    out = tmp_path / "held_out.json"
    assert main(["eval", str(MQM), "--folds", "2", "-f", "json", "-o", str(out), "-q", *pinned_flags]) == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["kind"] == "mqm" and report["rows"] == 32
    assert report["risk"] == "held out: refitted on 1 of 2 folds grouped by document"
    correlation = {row["metric"]: row for row in report["tables"][0]["rows"]}
    for mode in ("source", "document"):
        assert correlation[f"risk ({mode} mode)"]["rows"] == 32
        assert -1 <= correlation[f"risk ({mode} mode)"]["tau grouped"] <= 1
    assert main(["eval", str(DEMETR), "--folds", "2", "-f", "json", "-o", str(out), "-q", *pinned_flags]) == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["risk"] == "held out: refitted on 1 of 2 folds grouped by item"
    assert report["tables"][0]["rows"][-1]["pairs"] == 8
    assert main(["eval", str(MQM), "--folds", "1"]) == 2
    assert "--folds must be at least 2" in capsys.readouterr().err


def test_eval_contrastive_end_to_end_with_cli(pipeline, tmp_path, pinned_flags, monkeypatch):
    evaluation = evaluate(str(BLIMP), pipeline, limit=6, quiet=True)
    overall = evaluation.tables[0].to_dict()["rows"][-1]
    assert overall["group"] == "overall" and overall["pairs"] == 6
    assert 0 <= overall["fluency"] <= 1
    out = tmp_path / "demetr.json"
    assert main(["eval", str(DEMETR), "--limit", "6", "--format", "json", "-o", str(out), "-q", *pinned_flags]) == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["kind"] == "demetr" and report["rows"] == 6
    by_severity = report["tables"][0]["rows"]
    assert {"risk", "chrF", "BLEU", "TER", "cosine", "LM logprob"} <= set(by_severity[-1])
    # the same pipeline settings reuse the features the CLI cached: nothing is scored again
    assert cache_path(pipeline, load_dataset(DEMETR, limit=6).digest, "demetr").is_file()

    def no_scoring(segments):
        raise AssertionError(f"scored {len(segments)} segments again")

    monkeypatch.setattr(pipeline, "score_segments", no_scoring)
    again = evaluate(str(DEMETR), pipeline, limit=6, quiet=True).to_dict()
    assert again["tables"][0]["rows"] == by_severity


def test_fit_risk_writes_a_model_that_loads(pipeline, tmp_path, monkeypatch, cache_dir):
    monkeypatch.setenv("MTQA_CACHE_DIR", str(cache_dir))  # the script reads settings like the CLI
    monkeypatch.setenv("MTQA_GRAMMAR", "harper")
    spec = importlib.util.spec_from_file_location("fit_risk", ROOT / "scripts" / "fit_risk.py")
    fit_risk = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fit_risk)
    out = tmp_path / "risk.json"
    assert fit_risk.main(["--mqm", str(MQM), "--demetr", str(DEMETR),
                          "--folds", "2", "--output", str(out), "--version", "risk-test"]) == 0
    written = json.loads(out.read_text(encoding="utf-8"))
    model = RiskModel.load(out)
    # l10n is fitted on the en-de file, which scripts/fit_risk.py reads by default
    assert model.version == "risk-test" and set(model.models) == {"source", "document", "reference", "l10n"}
    for mode, spec_ in written["models"].items():
        loaded = model.models[mode]
        assert loaded.bias == spec_["bias"]
        assert {n: f.weight for n, f in loaded.features.items()} == {
            n: f["weight"] for n, f in spec_["features"].items()}
        review, fail = model.thresholds(mode)
        assert 0 <= review <= fail <= 1
    # the shipped model is a fitted one in the same format
    shipped = RiskModel.load()
    assert shipped.version.startswith("risk-v3") and set(shipped.models) == {"source", "document", "reference", "l10n"}


def test_eval_spun_end_to_end(pipeline):
    evaluation = evaluate(str(SPUN), pipeline, quiet=True)
    assert evaluation.kind == "spun" and evaluation.rows == 8
    sentences, words = (t.to_dict()["rows"] for t in evaluation.tables)
    risk = sentences[0]
    assert risk["metric"] == "risk" and 0 <= risk["AUC"] <= 1 and -1 <= risk["Spearman"] <= 1
    assert {row["findings"] for row in words} >= {"fluency/word-choice", "all findings"}
    assert words[0]["words replaced"] == 6
    assert evaluation.risk_source == f"shipped model {pipeline.risk.version}"


def test_eval_says_when_the_shipped_model_was_fitted_on_the_file(pipeline, tmp_path):
    fitted_on = tmp_path / pipeline.risk.meta["fitted_on"]["spun"]["file"]
    fitted_on.write_bytes(SPUN.read_bytes())
    evaluation = evaluate(str(fitted_on), pipeline, quiet=True)
    assert evaluation.risk_source.endswith("(in-sample: it was fitted on a file of this name; --folds K gives "
                                           "held-out figures)")
