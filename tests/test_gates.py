"""The gate: findings and their locations, selection, thresholds, --max-flagged, suppression,
settings from flags and [tool.mtqa], and --diff against a real git repository."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ci_support import judged, make_report, read, segment_with

from mtqa.cli import main as cli_main
from mtqa.commands import check as check_command
from mtqa.commands.options import settings_from_args
from mtqa.core.config import load_settings
from mtqa.core.documents import Document, Segment
from mtqa.core.errors import ConfigError, InputError
from mtqa.gate.gitdiff import changed_lines, select_changed
from mtqa.gate.policy import (
    GatePolicy,
    MarkerIndex,
    parse_markers,
    parse_share,
    position,
    rule_matches,
)

ARTICLE = """# Report

The council approved the budget. Their was a long debate about
the new bridge, and many residents spoke.

Prices rose sharply in the spring.
"""


def article():
    return read("docs/article.md", ARTICLE)


def test_issue_finding_points_at_the_word_in_the_file():
    doc = article()
    flagged = judged(doc, {"Their was": dict(verdict="fail", reasons=("grammar: agreement",),
                                             issues=(("grammar", "AGREEMENT", "bridge", "agreement"),))})
    outcome = make_report(flagged).gate()
    [finding] = outcome.findings
    assert finding.rule == "grammar/AGREEMENT" and finding.blocking and finding.level == "error"
    line, column, end_line, end_column = finding.location()
    file_lines = ARTICLE.splitlines()
    # "bridge" sits on the file's 4th line, which the segment starts on the line before
    assert (line, end_line) == (4, 4)
    assert file_lines[line - 1][column - 1:end_column - 1] == "bridge"
    assert outcome.failed and outcome.files["docs/article.md"].flagged == 1


def test_position_on_first_line_adds_segment_column():
    segment = segment_with(article(), "Their was")
    line, column = position(segment, segment.text.index("long"))
    assert ARTICLE.splitlines()[line - 1][column - 1:].startswith("long")


def test_reasons_without_issues_become_segment_level_findings():
    doc = article()
    flagged = judged(doc, {
        "Their was": dict(verdict="fail", reasons=("fluency: reads unnaturally (fluency 0.20)",
                                                   "grammar: agreement"),
                          issues=(("grammar", "AGREEMENT", "Their", "agreement"),)),
        "Prices": dict(verdict="review", reasons=("several small signals together: fluency 0.40",)),
    })
    findings = make_report(flagged).gate().findings
    assert [(f.rule, f.level) for f in findings] == [
        ("grammar/AGREEMENT", "error"), ("fluency/risk", "error"), ("risk/combined", "warning")]
    whole = findings[1]
    assert (whole.start, whole.end) == (0, len(whole.segment.text))


def test_ok_segments_with_issues_give_no_findings_and_pass():
    doc = article()
    report = make_report(judged(doc, {"Prices": dict(issues=(("grammar", "X", "Prices", "m"),))}))
    assert report.gate().findings == [] and not report.gate_failed()


@pytest.mark.parametrize("fail_on, failed", [("fail", False), ("review", True), ("never", False)])
def test_fail_on_levels(fail_on, failed):
    doc = article()
    review = judged(doc, {"Prices": dict(verdict="review", reasons=("drift: meaning differs",))})
    report = make_report(review, fail_on=fail_on)
    assert report.gate_failed() is failed
    [finding] = report.gate().findings
    assert finding.level == "warning" and finding.blocking is failed


def flagged_twice():
    return judged(article(), {
        "Their was": dict(verdict="fail", reasons=("grammar: agreement",),
                          issues=(("grammar", "AGREEMENT", "Their", "agreement"),)),
        "Prices": dict(verdict="fail", reasons=("drift: meaning differs",)),
    })


@pytest.mark.parametrize("select, ignore, rules, failed", [
    ((), (), ["grammar/AGREEMENT", "drift/risk"], True),
    (("grammar",), (), ["grammar/AGREEMENT"], True),
    ((), ("grammar", "drift"), [], False),
    ((), ("GRAMMAR/agreement",), ["drift/risk"], True),
    (("*",), ("drift/risk", "grammar/AGREEMENT"), [], False),
    (("grammar/agree",), (), [], False),  # a prefix matches whole rule-id parts only
])
def test_select_and_ignore(select, ignore, rules, failed):
    report = make_report(flagged_twice(), policy=GatePolicy(select=select, ignore=ignore))
    assert [f.rule for f in report.gate().findings] == rules
    assert report.gate_failed() is failed


def test_min_score_fails_an_ok_segment():
    doc = article()
    low = judged(doc, {"Prices": dict(scores={"fluency": 0.9, "grammar": 0.55, "drift": 0.9})})
    report = make_report(low, policy=GatePolicy(min_scores={"grammar": 0.8, "drift": 0.5}))
    [finding] = report.gate().findings
    assert finding.rule == "grammar/min-score" and finding.blocking
    assert "0.55 is below the minimum 0.80" in finding.message
    assert not make_report(low, policy=GatePolicy(min_scores={"grammar": 0.5})).gate_failed()


def table(flagged_rows: int, rows: int = 20):
    lines = ["target"] + [f"Sentence number {i} is fine." for i in range(rows)]
    doc = read("rows.tsv", "\n".join(lines) + "\n", "tsv")
    return judged(doc, {f"number {i} ": dict(verdict="fail", reasons=("drift: meaning differs",))
                        for i in range(flagged_rows)})


@pytest.mark.parametrize("flagged, share, failed", [
    (1, None, True), (1, 0.05, False), (2, 0.05, True), (0, 0.0, False), (1, 0.0, True)])
def test_max_flagged_share_per_file(flagged, share, failed):
    report = make_report(table(flagged), policy=GatePolicy(max_flagged=share))
    outcome = report.gate()
    assert outcome.failed is failed
    assert outcome.files["rows.tsv"].scored == 20 and outcome.files["rows.tsv"].flagged == flagged
    # within the budget findings are still reported, but none of them blocks
    assert all(f.blocking is failed for f in outcome.findings)


def test_max_flagged_is_per_file():
    report = make_report(table(2), flagged_twice(), policy=GatePolicy(max_flagged=0.1))
    files = report.gate().files
    assert not files["rows.tsv"].failed and files["docs/article.md"].failed


@pytest.mark.parametrize("text, share", [("5%", 0.05), (" 12.5 % ", 0.125), ("0.05", 0.05), (0.2, 0.2),
                                         ("100%", 1.0), (None, None)])
def test_parse_share(text, share):
    assert parse_share(text) == (None if share is None else pytest.approx(share))


@pytest.mark.parametrize("bad", ["150%", "-1", "five", "1.5"])
def test_parse_share_rejects(bad):
    with pytest.raises(ConfigError, match="max_flagged"):
        parse_share(bad)


def test_rule_matches():
    assert rule_matches("grammar/X", "grammar") and rule_matches("grammar/X", "*")
    assert rule_matches("grammar/X", "Grammar/x") and not rule_matches("grammar/X", "gram")
    # a family as `mtqa rules` lists it matches its members
    assert rule_matches("grammar/harper/SpellCheck", "grammar/harper/*")
    assert not rule_matches("grammar/languagetool/X", "grammar/harper/*")


def test_parse_markers():
    assert parse_markers("ok <!-- mtqa: ignore[grammar, drift/risk] -->") == {"grammar", "drift/risk"}
    assert parse_markers("# MTQA: ignore") == {"*"}
    assert parse_markers("nothing here") == set()


SUPPRESSED = """Paragraph one has an error in it. <!-- mtqa: ignore[grammar] -->

<!-- mtqa: ignore -->
Paragraph two is accepted as it is.

Paragraph three is not accepted.
"""


def test_inline_markers_suppress_named_rules_only():
    doc = read("s.md", SUPPRESSED)
    spec = dict(verdict="fail", reasons=("drift: meaning differs",),
                issues=(("grammar", "X", "error", "m"),))
    flagged = judged(doc, {"has an error": spec,
                           "Paragraph two": dict(spec, issues=(("grammar", "X", "accepted", "m"),)),
                           "three": dict(spec, issues=(("grammar", "X", "accepted", "m"),))})
    outcome = make_report(flagged).gate()
    def label(finding):  # the Markdown reader keeps a comment in the next segment's text
        return next(word for word in ("one", "two", "three") if f" {word} " in finding.segment.text)

    state = {(label(f), f.rule): f.suppressed for f in outcome.findings}
    assert state == {("one", "grammar/X"): True, ("one", "drift/risk"): False,
                     ("two", "grammar/X"): True, ("two", "drift/risk"): True,
                     ("three", "grammar/X"): False, ("three", "drift/risk"): False}
    assert {label(f) for f in outcome.findings if f.blocking} == {"one", "three"}


def test_marker_on_its_own_line_applies_to_the_next_content_line():
    text = "<!-- mtqa: ignore[drift] -->\n\nAccepted line here.\nNext line.\n"
    first, second = text.index("Accepted"), text.index("Next")
    doc = Document("c.md", "md", [Segment("Accepted line here.", 0, first, first + 19, line=3),
                                  Segment("Next line.", 1, second, second + 10, line=4)], text=text)
    markers = MarkerIndex(doc)
    assert markers.patterns(doc.segments[0]) == {"drift"}
    assert markers.patterns(doc.segments[1]) == set()


def test_segment_meta_suppress_and_notes():
    doc = read("t.tsv", "target\nFirst row text.\nSecond row text.\nThird row text.\n", "tsv")
    segment_with(doc, "First").meta["suppress"] = {"drift"}
    segment_with(doc, "Second").meta["notes"] = ["reviewed by Ana", "mtqa: ignore[drift]"]
    markers = MarkerIndex(doc)
    assert markers.patterns(segment_with(doc, "First")) == {"drift"}
    assert markers.patterns(segment_with(doc, "Second")) == {"drift"}
    assert markers.patterns(segment_with(doc, "Third")) == set()
    spec = dict(verdict="fail", reasons=("drift: meaning differs",))
    outcome = make_report(judged(doc, {"First": spec, "Second": spec, "Third": spec})).gate()
    assert [f.suppressed for f in outcome.findings] == [True, True, False]
    assert outcome.failed and outcome.files["t.tsv"].flagged == 1


def parse_check(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    check_command.add_parser(parser.add_subparsers())
    return parser.parse_args(["check", *argv])


def test_flags_reach_settings(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = parse_check(["x.txt", "--select", "grammar,drift/risk", "--ignore", "fluency",
                        "--min-score", "grammar=0.8", "--min-score", "drift=0.4",
                        "--max-flagged", "5%", "--baseline", "b.json", "--report", "sarif=out.sarif",
                        "--diff", "origin/main", "--write-baseline", "new.json"])
    settings = settings_from_args(args)
    assert settings.select == ["grammar", "drift/risk"] and settings.ignore == ["fluency"]
    assert settings.min_scores == {"grammar": 0.8, "drift": 0.4}
    assert settings.baseline == Path("b.json")
    policy = GatePolicy.from_settings(settings)
    assert policy.max_flagged == pytest.approx(0.05)
    assert args.reports == [("sarif", "out.sarif")] and args.diff == "origin/main"


@pytest.mark.parametrize("argv", [["--min-score", "grammar"], ["--report", "nosuch=x"],
                                  ["--report", "sarif"]])
def test_bad_flags_are_usage_errors(argv):
    with pytest.raises(SystemExit) as exited:
        parse_check(["x.txt", *argv])
    assert exited.value.code == 2


def test_tool_mtqa_table(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.mtqa]\nselect = ["grammar"]\nignore = ["grammar/harper/SpellCheck"]\nmax-flagged = "10%"\n'
        'baseline = "mtqa-baseline.json"\n\n[tool.mtqa.min-scores]\ndrift = 0.3\n', "utf-8")
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    policy = GatePolicy.from_settings(settings)
    assert policy.select == ("grammar",) and policy.ignore == ("grammar/harper/SpellCheck",)
    assert policy.max_flagged == pytest.approx(0.1) and policy.min_scores == {"drift": 0.3}
    assert settings.baseline == Path("mtqa-baseline.json")
    # flags override the file
    assert load_settings(select=["drift"]).select == ["drift"]


@pytest.mark.parametrize("table, message", [
    ('select = "grammar"', "select must be a list"),
    ('ignore = ["spelling"]', "must start with one of"),
    # a misspelt rule would ignore nothing: the gate would check other than it says
    ('ignore = ["checks/placeholder-renamd"]', "did you mean 'checks/placeholder-renamed'?"),
    ('select = ["grammar/harpr"]', "no rule is 'grammar/harpr'"),
    ('max-flagged = "lots"', "max_flagged must be a share"),
    ("min-scores = { grammar = 2 }", "between 0 and 1"),
    ("min-scores = { style = 0.5 }", "unknown dimension"),
])
def test_bad_gate_settings_are_config_errors(tmp_path, table, message):
    config = tmp_path / "mtqa.toml"
    config.write_text(table + "\n", "utf-8")
    with pytest.raises(ConfigError, match=message) as raised:
        load_settings(config)
    assert "\n" not in str(raised.value)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path):
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "config", "user.email", "t@example.org")
    git(tmp_path, "config", "user.name", "t")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "article.md").write_text(ARTICLE, "utf-8")
    (tmp_path / "docs" / "same.md").write_text("Nothing changes here.\n", "utf-8")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "base")
    git(tmp_path, "checkout", "-q", "-b", "feature")
    return tmp_path


def test_diff_selects_changed_files_and_segments(repo, monkeypatch):
    monkeypatch.chdir(repo)
    edited = ARTICLE.replace("Prices rose sharply", "Prices rised sharp")
    (repo / "docs" / "article.md").write_text(edited, "utf-8")
    git(repo, "commit", "-qam", "edit")
    (repo / "docs" / "new.md").write_text("A new file, not yet added.\n", "utf-8")
    changes = changed_lines("main")
    assert changes == {(repo / "docs" / "article.md").resolve(): {6},
                       (repo / "docs" / "new.md").resolve(): None}
    documents = [read(f"docs/{name}", (repo / "docs" / name).read_text("utf-8"))
                 for name in ("article.md", "same.md", "new.md")]
    selection = select_changed(documents, changes)
    assert selection.documents == [documents[0], documents[2]]
    # The changed file stays whole (its other segments are the changed one's context) ...
    article_segments = documents[0].segments
    assert len(article_segments) > 1 and all(s.document is documents[0] for s in article_segments)
    # ... and only the segment on the changed line is selected, at its place in the file.
    [kept] = [s for s in article_segments if selection.selects(s)]
    assert kept.text == "Prices rised sharp in the spring."
    assert (kept.index, kept.line) == (len(article_segments) - 1, 6)
    assert all(selection.selects(s) for s in documents[2].segments)  # a new file: all of it


def test_diff_against_merge_base_ignores_changes_on_the_target(repo, monkeypatch):
    monkeypatch.chdir(repo)
    git(repo, "checkout", "-q", "main")
    (repo / "docs" / "same.md").write_text("Changed on main meanwhile.\n", "utf-8")
    git(repo, "commit", "-qam", "main moves on")
    git(repo, "checkout", "-q", "feature")
    assert changed_lines("main") == {}


def test_diff_bad_revision_is_one_line_error(repo, monkeypatch):
    monkeypatch.chdir(repo)
    with pytest.raises(InputError, match="--diff nosuchbranch") as raised:
        changed_lines("nosuchbranch")
    assert "\n" not in str(raised.value)


def test_diff_outside_git_is_input_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError, match="git rev-parse"):
        changed_lines("main")


def check_rows(*argv: str) -> list[dict]:
    """`mtqa check ARGV -f jsonl` run in-process: its rows."""
    out = Path("rows.jsonl")
    assert cli_main(["check", *argv, "-f", "jsonl", "-o", str(out), "--no-progress",
                               "--fail-on", "never"]) == 0
    return [json.loads(line) for line in out.read_text("utf-8").splitlines()]


def assert_same_rows(diff_rows: list[dict], full_rows: list[dict]) -> None:
    """Each --diff row is the whole-file row at its index: position, scores, raw values, risk, verdict."""
    by_index = {row["index"]: row for row in full_rows}
    for row in diff_rows:
        full = by_index[row["index"]]
        assert (row["text"], row["line"], row["id"]) == (full["text"], full["line"], full["id"])
        assert (row["scores"], row["raw"], row["risk"]) == (full["scores"], full["raw"], full["risk"])
        assert (row["verdict"], row["reasons"], row["issues"]) == (full["verdict"], full["reasons"], full["issues"])


def test_diff_keeps_the_file_as_context_for_the_checks(repo, monkeypatch):
    """A changed row translated unlike an unchanged row of the same source is inconsistent
    only in the context of the whole file; --diff reports it like a full run, at its index."""
    monkeypatch.chdir(repo)
    table = repo / "docs" / "ui.tsv"
    rows = [("1", "Datei speichern", "Save file"), ("2", "Öffnen", "Open"), ("3", "Datei speichern", "Save file")]
    table.write_text("id\tsource\ttarget\n" + "".join("\t".join(r) + "\n" for r in rows), "utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "ui strings")
    git(repo, "checkout", "-q", "-b", "edit")
    table.write_text(table.read_text("utf-8").replace("3\tDatei speichern\tSave", "3\tDatei speichern\tStore"), "utf-8")
    checks_only = ["--use", "fluency=none", "--use", "drift=none", "--grammar", "none"]
    full = check_rows("docs/ui.tsv", *checks_only)
    changed = check_rows("docs/ui.tsv", *checks_only, "--diff", "feature")
    assert [row["id"] for row in changed] == ["3"] and changed[0]["index"] == 2
    assert "checks/inconsistent-translation" in [issue["rule"] for issue in changed[0]["issues"]]
    assert_same_rows(changed, full)


STORY = """# Tram plan

The city council met on Monday to discuss the new public transport plan. Councillors argued \
about the cost of extending the tram line to the northern suburbs.

The mayor said the tram extension would cut car traffic in the city centre. Opponents of the \
plan said bus routes would be cheaper than new tram tracks.

The council will vote on the transport budget next month. Residents can comment on the tram \
proposal at the town hall until Friday.
"""


@pytest.mark.slow
def test_diff_rows_are_the_rows_of_a_full_run(repo, monkeypatch, pinned_flags):
    """The real pipeline: a changed sentence under --diff has the index, scores, document-context
    drift, risk and verdict that a run over the whole file gives it."""
    monkeypatch.chdir(repo)
    story = repo / "docs" / "story.md"
    story.write_text(STORY, "utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "story")
    git(repo, "checkout", "-q", "-b", "edit")
    story.write_text(STORY.replace("Opponents", "Bake the cake at 180 degrees until the top is golden. Opponents"),
                     "utf-8")
    full = check_rows("docs/story.md", *pinned_flags)
    changed = check_rows("docs/story.md", *pinned_flags, "--diff", "feature")
    assert {row["line"] for row in changed} == {5}  # the second paragraph's line
    assert "Bake the cake" in " ".join(row["text"] for row in changed)
    assert all(row["raw"]["drift"]["mode"] == "context" and row["scores"]["drift"] is not None for row in changed)
    assert [row["index"] for row in changed] == [row["index"] for row in full if row["line"] == 5]
    assert_same_rows(changed, full)


BROKEN_PO = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: de\\n"

#, python-format
msgid "Could not save %(detail)s to the server."
msgstr "Konnte %(details)s nicht auf dem Server speichern."
"""


def mtqa_process(*args: str, **popen: Any) -> subprocess.Popen:
    """`python -m mtqa ARGS` of this checkout, stderr piped."""
    return subprocess.Popen([sys.executable, "-m", "mtqa", *args], stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}, **popen)


@pytest.mark.parametrize("output", [[], ["-o", "/dev/stdout", "-f", "json"]])
def test_a_reader_that_stops_reading_neither_passes_the_gate_nor_loses_the_reports(tmp_path, output) -> None:
    catalogue, sarif = tmp_path / "de.po", tmp_path / "report.sarif"
    catalogue.write_text(BROKEN_PO, "utf-8")
    # `mtqa check de.po | head -0`: standard output is closed before mtqa writes to it.
    process = mtqa_process("check", str(catalogue), "--no-progress", "--verbose", "--report", f"sarif={sarif}",
                           *output, stdout=subprocess.PIPE)
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait() == 1, stderr  # the renamed placeholder fails the default gate
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr
    [result] = json.loads(sarif.read_text("utf-8"))["runs"][0]["results"]
    assert result["ruleId"] == "checks/placeholder-renamed" and result["level"] == "error"


@pytest.mark.parametrize("stdout, message", [
    ("closed", "mtqa: error: standard output is closed: write the text report to a file with -o FILE"),
    ("/dev/full", "mtqa: error: standard output: cannot write the text report (No space left on device)"),
])
def test_a_standard_output_that_cannot_be_written_is_a_one_line_error(tmp_path, stdout, message) -> None:
    if stdout == "/dev/full" and not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    catalogue = tmp_path / "de.po"
    catalogue.write_text(BROKEN_PO, "utf-8")
    with open(os.devnull if stdout == "closed" else stdout, "w") as stream:
        process = mtqa_process("check", str(catalogue), "--no-progress", stdout=stream,
                               preexec_fn=(lambda: os.close(1)) if stdout == "closed" else None)
        stderr = process.communicate()[1].decode()
    assert process.returncode == 2 and stderr.strip() == message


def placeholder_break(risk: float):
    """A segment that fails for a critical placeholder finding, beside a minor grammar finding,
    at `risk` (thresholds 0.5 / 0.8 of mode "l10n", see GATED)."""
    return judged(article(), {"Prices": dict(
        verdict="fail", risk=risk, mode="l10n",
        issues=(("checks", "placeholder-renamed", "Prices", "placeholder renamed", "critical"),
                ("grammar", "AGREEMENT", "sharply", "agreement")))})


GATED = {"l10n": (0.5, 0.8)}


@pytest.mark.parametrize("risk, rules, level", [
    (0.2, [], None),  # only the critical finding flagged it: the grammar finding goes with it
    (0.6, ["grammar/AGREEMENT"], "warning"),  # the risk alone puts it up for review
    (0.9, ["grammar/AGREEMENT"], "error"),  # ... or fails it
])
def test_an_ignored_critical_finding_no_longer_decides_the_segment(risk, rules, level):
    policy = GatePolicy(ignore=("checks/placeholder-renamed",), thresholds=GATED)
    outcome = make_report(placeholder_break(risk), policy=policy).gate()
    assert [f.rule for f in outcome.findings] == rules
    assert {f.level for f in outcome.findings} == ({level} if level else set())
    assert outcome.failed is (level == "error")


@pytest.mark.parametrize("risk, failed", [(0.9, True), (0.2, False)])
def test_a_risk_that_fails_a_segment_still_fails_it_when_its_critical_finding_is_ignored(risk, failed):
    # The risk's reason was left to the placeholder finding, which said it with its location.
    flagged = judged(article(), {"Prices": dict(
        verdict="fail", risk=risk, mode="l10n", reasons=("checks: placeholder renamed",),
        scores={"fluency": None, "grammar": None, "drift": None, "checks": 0.6},
        issues=(("checks", "placeholder-renamed", "Prices", "placeholder renamed", "critical"),))})
    kept = make_report(flagged, policy=GatePolicy(thresholds=GATED)).gate()
    assert [f.rule for f in kept.findings] == ["checks/placeholder-renamed"]
    outcome = make_report(flagged, policy=GatePolicy(ignore=("checks/placeholder-renamed",), thresholds=GATED)).gate()
    assert [f.rule for f in outcome.findings] == (["checks/risk"] if failed else [])
    assert outcome.failed is failed
    if failed:
        assert outcome.findings[0].message == ("checks: its signals put the segment at fail without the findings set "
                                               "aside (risk 0.90)")


def test_a_suppressed_critical_finding_no_longer_decides_the_segment():
    doc = read("s.md", "Prices rose sharply in the spring. <!-- mtqa: ignore[checks] -->\n")
    flagged = judged(doc, {"Prices": dict(
        verdict="fail", risk=0.2, mode="l10n",
        issues=(("checks", "placeholder-renamed", "Prices", "renamed", "critical"),
                ("grammar", "AGREEMENT", "sharply", "agreement")))})
    outcome = make_report(flagged, policy=GatePolicy(thresholds=GATED)).gate()
    assert [(f.rule, f.suppressed) for f in outcome.findings] == [("checks/placeholder-renamed", True)]
    assert not outcome.failed


def test_without_thresholds_the_stored_verdict_stands():
    outcome = make_report(placeholder_break(0.2), policy=GatePolicy(ignore=("checks",))).gate()
    assert [(f.rule, f.level, f.blocking) for f in outcome.findings] == [("grammar/AGREEMENT", "error", True)]


def test_a_critical_finding_fails_the_file_within_its_flagged_budget():
    # 1 of 20 rows flagged is within a 10% budget, but a critical finding is no matter of proportion
    critical = judged(table(0).document, {"number 3 ": dict(
        verdict="fail", issues=(("checks", "placeholder-missing", "number", "placeholder missing", "critical"),))})
    outcome = make_report(critical, policy=GatePolicy(max_flagged=0.1)).gate()
    assert outcome.failed and [f.blocking for f in outcome.findings] == [True]
    assert not make_report(table(1), policy=GatePolicy(max_flagged=0.1)).gate_failed()
