"""The component contract: every scorer declares the raw values it emits and the rules it reports,
the pipeline and the risk model hold it to that, one serialisation feeds every flat output, rule
ids of earlier releases stay accepted, and a scorer from a separate package plugs in by name."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mtqa.cli import main
from mtqa.core.components import ComponentSpec, Feature, Rule, Scorer
from mtqa.core.config import Settings
from mtqa.core.documents import DimensionResult, Document, Segment, flat_columns
from mtqa.core.errors import ConfigError
from mtqa.core.pipeline import Pipeline
from mtqa.core.risk import RiskModel
from mtqa.gate.rules import canonical_rule_id, legacy_rule_id
from mtqa.scorers.registry import component, components, rules

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "fixtures" / "spun_news_article.txt"


def test_every_builtin_component_declares_features_rules_and_a_factory() -> None:
    specs = components()
    assert {"fluency/lm", "grammar/auto", "grammar/harper", "grammar/languagetool", "drift/default",
            "checks/default"} <= set(specs)
    for spec in specs.values():
        assert spec.features and spec.rules and spec.summary
        assert all(f.direction in (-1, 0, 1) and f.unit for f in spec.features)
        assert all(rule.id.startswith(spec.dimension + "/") for rule in spec.rules)
    assert component("fluency", "lm").languages == frozenset({"en"})


def test_an_unknown_component_names_the_known_ones_and_the_nearest() -> None:
    with pytest.raises(ConfigError, match="did you mean 'harper'.*known: auto, harper, languagetool"):
        Settings(grammar="harpr").validate()


def test_rule_ids_read_dimension_then_name_and_old_ids_are_accepted() -> None:
    ids = {rule.id for rule in rules()}
    assert {"checks/number-mismatch", "checks/align-omission", "drift/meaning", "fluency/surprisal"} <= ids
    assert not any(rule_id.startswith("checks/checks.") for rule_id in ids)
    for old, new in [("checks/checks.number-mismatch", "checks/number-mismatch"),
                     ("checks.number-mismatch", "checks/number-mismatch"),
                     ("grammar/harper.SpellCheck", "grammar/harper/SpellCheck"),
                     ("harper.SpellCheck", "grammar/harper/SpellCheck"),
                     ("checks/align.omission", "checks/align-omission"),
                     ("drift/drift.meaning", "drift/meaning")]:
        assert canonical_rule_id(old) == new
        assert canonical_rule_id(legacy_rule_id(new)) == new
    assert canonical_rule_id("grammar") == "grammar" and canonical_rule_id("drift/risk") == "drift/risk"
    assert legacy_rule_id("drift/risk") == "drift/risk"


# --- the pipeline and the risk model hold components to their declarations ----------------


class _Echo(Scorer):
    dimension = "fluency"

    def __init__(self, settings: Settings, raw: dict, rule: str = "fluency/echo") -> None:
        self.raw, self.rule = raw, rule

    def score(self, segments):
        return [DimensionResult(0.5, dict(self.raw), [Rule(self.rule, "echo").at(0, 1, "echo")]) for _ in segments]


def _pipeline_with(spec: ComponentSpec, monkeypatch) -> Pipeline:
    registered = {**components(), spec.id: spec}
    monkeypatch.setattr("mtqa.core.pipeline.component", lambda dimension, name: registered[f"{dimension}/{name}"])
    monkeypatch.setattr("mtqa.scorers.registry.components", lambda: registered)
    settings = Settings(fluency=spec.name, grammar="none", drift="none", checks="none")
    return Pipeline(settings, risk_model=RiskModel("test", {m: dataclasses.replace(lm, features={})
                                                             for m, lm in RiskModel.load().models.items()},
                                                   0.5, 0.8))


def _one_segment() -> list[Segment]:
    return Document("x.txt", "txt", [Segment("A sentence.", 0, 0, 11)]).segments


@pytest.mark.parametrize(("raw", "rule", "error"), [
    ({"renamed_key": 1.0}, "fluency/echo", "does not declare: renamed_key"),
    ({"declared": 1.0}, "fluency/undeclared-rule", "rule 'fluency/undeclared-rule'"),
])
def test_the_pipeline_refuses_results_that_break_the_declared_contract(monkeypatch, raw, rule, error) -> None:
    spec = ComponentSpec("fluency", "echo", lambda s: _Echo(s, raw, rule), "test",
                         features=(Feature("declared", "count", 0, "a declared value"),),
                         rules=(Rule("fluency/echo", "echo"),))
    pipeline = _pipeline_with(spec, monkeypatch)
    with pytest.raises(ConfigError, match=error):
        pipeline.score_segments(_one_segment())


def test_a_result_within_the_contract_passes(monkeypatch) -> None:
    spec = ComponentSpec("fluency", "echo", lambda s: _Echo(s, {"declared": 2.0}), "test",
                         features=(Feature("declared", "count", 0, "a declared value"),),
                         rules=(Rule("fluency/echo", "echo"),))
    [dims] = _pipeline_with(spec, monkeypatch).score_segments(_one_segment())
    assert dims["fluency"].raw == {"declared": 2.0}


def test_the_risk_model_stops_when_a_configured_component_lacks_one_of_its_features() -> None:
    drift = component("drift", "default")
    renamed = dataclasses.replace(drift, features=tuple(
        dataclasses.replace(f, key="cosine_similarity") if f.key == "cosine" else f for f in drift.features))
    with pytest.raises(ConfigError, match="drift.cosine, which the configured drift/default component does not emit"):
        RiskModel.load(None, {"drift": renamed})
    RiskModel.load(None, {"drift": drift})  # as declared: fine
    RiskModel.load(None, {})  # a dimension that is off abstains: fine


def test_a_scorer_outside_its_languages_abstains(monkeypatch) -> None:
    spec = ComponentSpec("fluency", "echo", lambda s: _Echo(s, {}), "test", rules=(Rule("fluency/echo", "echo"),),
                         languages=frozenset({"en"}))
    document = Document("x.xlf", "xliff", [Segment("Ein Satz.", 0, 0, 9)], target_lang="de")
    [dims] = _pipeline_with(spec, monkeypatch).score_segments(document.segments)
    assert dims["fluency"].score is None and dims["fluency"].issues == []
    assert dims["fluency"].raw == {"unsupported_language": "de"}


# --- one serialisation -------------------------------------------------------------------


@pytest.mark.slow
def test_check_csv_has_the_batch_columns_and_every_score(tmp_path) -> None:
    table = tmp_path / "rows.tsv"
    table.write_text("id\tsource\treference\ttarget\n"
                     "a\tDas Haus ist rot.\tThe house is red.\tThe house is red.\n"
                     "b\tEr kam 2019.\tHe came in 2019.\tHe came in 2018.\n", encoding="utf-8")
    out = tmp_path / "report.csv"
    assert main(["check", str(table), "-f", "csv", "-o", str(out), "--no-progress", "--fail-on", "never",
                 "--grammar", "harper"]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8"))))
    assert list(rows[0]) == flat_columns(("fluency", "grammar", "drift", "checks"))
    assert rows[0]["source"] == "Das Haus ist rot." and rows[0]["reference"] == "The house is red."
    assert rows[1]["score_checks"] != "" and float(rows[1]["score_checks"]) < 1
    assert "checks/number-mismatch" in [i["rule"] for i in json.loads(rows[1]["issues"])]


# --- rules ---------------------------------------------------------------------------------


def test_mtqa_rules_lists_every_rule_and_explains_one_by_old_or_new_id(capsys) -> None:
    assert main(["rules"]) == 0
    listed = capsys.readouterr().out
    assert "checks/number-mismatch" in listed and "risk/combined" in listed and "drift/min-score" in listed
    assert main(["rules", "checks/checks.number-mismatch"]) == 0
    explained = capsys.readouterr().out
    assert explained.startswith("checks/number-mismatch:") and "earlier id: checks/checks.number-mismatch" in explained
    assert main(["rules", "grammar/harper/SpellCheck", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["family"] == "grammar/harper/*"
    assert main(["rules", "checks/no-such-rule"]) == 2
    assert main(["rules", "placeholder"]) == 2  # part of an id: the rules that have it are named
    assert "checks/placeholder-renamed" in capsys.readouterr().err


# --- a scorer from a separate package, through the entry point ----------------------------

PLUGIN = '''
from mtqa.core.components import ComponentSpec, Feature, Rule, Scorer
from mtqa.core.documents import DimensionResult

BANNED = Rule("terminology/banned-word", "a word the style guide bans", severity="major")


class BannedWords(Scorer):
    dimension = "terminology"

    def __init__(self, settings):
        self.words = ("utilize",)

    def score(self, segments):
        results = []
        for segment in segments:
            hits = [(segment.text.lower().find(w), w) for w in self.words if w in segment.text.lower()]
            results.append(DimensionResult(0.0 if hits else 1.0, {"banned": len(hits)},
                                           [BANNED.at(i, i + len(w), f"{w!r} is banned") for i, w in hits]))
        return results


SPEC = ComponentSpec("terminology", "banned-words", BannedWords, "words the style guide bans",
                     features=(Feature("banned", "count", -1, "banned words in the segment"),), rules=(BANNED,))
'''


@pytest.fixture()
def plugin_path(tmp_path) -> Path:
    """An installed-looking distribution: a module and its dist-info with the entry point."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "mtqa_banned_words.py").write_text(textwrap.dedent(PLUGIN), encoding="utf-8")
    info = site / "mtqa_banned_words-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: mtqa-banned-words\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[mtqa.components]\nbanned-words = mtqa_banned_words:SPEC\n")
    return site


def _mtqa(args: list[str], plugin_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(plugin_path), str(ROOT)]), "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "mtqa", *args], capture_output=True, text=True, env=env, cwd=ROOT)


def test_a_plugin_scorer_registers_through_the_entry_point_and_the_cli_uses_it_by_name(plugin_path, tmp_path) -> None:
    listed = _mtqa(["rules"], plugin_path)
    assert listed.returncode == 0 and "terminology/banned-word" in listed.stdout
    text = tmp_path / "style.txt"
    text.write_text("We utilize the new tool.\n", encoding="utf-8")
    checked = _mtqa(["check", str(text), "-f", "jsonl", "--no-progress", "--fail-on", "never",
                     "--use", "terminology=banned-words", "--use", "fluency=none", "--use", "grammar=none",
                     "--use", "drift=none"], plugin_path)
    assert checked.returncode == 0, checked.stderr
    [row] = [json.loads(line) for line in checked.stdout.splitlines()]
    assert row["scores"]["terminology"] == 0.0 and row["raw"]["terminology"] == {"banned": 1}
    [issue] = row["issues"]
    assert (issue["rule"], row["text"][issue["start"]:issue["end"]]) == ("terminology/banned-word", "utilize")
    assert row["verdict"] == "review"  # a major finding puts the segment up for review
    unknown = _mtqa(["check", str(text), "--use", "terminology=banned"], plugin_path)
    assert unknown.returncode == 2 and "did you mean 'banned-words'" in unknown.stderr
