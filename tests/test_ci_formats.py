"""CI formats: SARIF 2.1.0 and JUnit validated against their schemas, GitHub annotations,
the Markdown summary, exact locations and byte-identical output."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from ci_support import judged, make_report, read
from lxml import etree

from mtqa.gate.policy import GatePolicy
from mtqa.writers import get_writer
from mtqa.writers.github import escape_property
from mtqa.writers.markdown import MAX_FINDINGS

SCHEMAS = Path(__file__).resolve().parent / "schemas"
ARTICLE = """# Café report

The council approved the budget. Their was a long debate about
the new bridge, and many residents spoke.

Prices rose sharply in the spring. <!-- mtqa: ignore[drift] -->

Source link
"""
ROWS = "source\ttarget\nHallo Welt.\tHello, world: 100% done.\nGuten Tag.\tGood day.\n"
ABSOLUTE = "/srv/translations/fr/intro.md"


@pytest.fixture(scope="module")
def sarif_schema():
    return json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def junit_schema():
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "junit-10.xsd")))


def sample_report(policy: GatePolicy | None = None, fail_on: str = "fail"):
    article = judged(read("docs/article.md", ARTICLE), {
        "Their was": dict(verdict="fail", reasons=("grammar: agreement", "fluency: reads unnaturally"),
                          issues=(("grammar", "AGREEMENT", "Their", "Possible agreement error"),
                                  ("grammar", "SPELL", "bridge", "Unknown word, café?"))),
        "Prices": dict(verdict="review", reasons=("drift: meaning differs",)),
    })
    rows = judged(read("rows.tsv", ROWS, "tsv"), {
        "100%": dict(verdict="fail", reasons=("checks: numbers differ",),
                     issues=(("checks", "number-mismatch", "100%", "Number 100% not in source"),)),
    })
    absolute = judged(read(ABSOLUTE, "Bonjour le monde.\n", "txt"))
    return make_report(article, rows, absolute, fail_on=fail_on, policy=policy)


def render(report, fmt: str) -> str:
    stream = io.StringIO()
    get_writer(fmt)(report, stream)
    return stream.getvalue()


def test_sarif_is_valid_and_complete(sarif_schema):
    log = json.loads(render(sample_report(), "sarif"))
    jsonschema.Draft4Validator(sarif_schema).validate(log)
    run = log["runs"][0]
    assert log["version"] == "2.1.0" and run["columnKind"] == "unicodeCodePoints"
    assert run["properties"]["signature"] == "mtqa:0.1.0|test:signature"
    assert run["properties"]["gateFailed"] is True
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(r["id"] for r in rules)
    results = run["results"]
    assert [r["ruleId"] for r in results] == [
        "grammar/AGREEMENT", "grammar/SPELL", "fluency/risk", "drift/risk", "checks/number-mismatch"]
    for r in results:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
        location = r["locations"][0]["physicalLocation"]
        assert run["artifacts"][location["artifactLocation"]["index"]]["location"]["uri"] == \
            location["artifactLocation"]["uri"]
    assert [r["level"] for r in results] == ["error", "error", "error", "warning", "error"]
    assert [a["location"]["uri"] for a in run["artifacts"]] == [
        "docs/article.md", "rows.tsv", "file:///srv/translations/fr/intro.md"]
    drift = results[3]
    assert drift["suppressions"][0]["kind"] == "inSource"  # the trailing marker names drift
    assert "baselineState" not in drift


def region_text(text: str, region: dict) -> str:
    lines = text.split("\n")
    if region["startLine"] == region["endLine"]:
        return lines[region["startLine"] - 1][region["startColumn"] - 1:region["endColumn"] - 1]
    middle = lines[region["startLine"]:region["endLine"] - 1]
    return "\n".join([lines[region["startLine"] - 1][region["startColumn"] - 1:], *middle,
                      lines[region["endLine"] - 1][:region["endColumn"] - 1]])


def test_sarif_regions_point_at_the_text_in_the_file():
    results = json.loads(render(sample_report(), "sarif"))["runs"][0]["results"]
    by_rule = {r["ruleId"]: r["locations"][0]["physicalLocation"]["region"] for r in results}
    assert by_rule["grammar/AGREEMENT"]["startLine"] == 3
    assert region_text(ARTICLE, by_rule["grammar/AGREEMENT"]) == "Their"
    assert by_rule["grammar/SPELL"]["startLine"] == 4  # the segment starts on line 3
    assert region_text(ARTICLE, by_rule["grammar/SPELL"]) == "bridge"
    whole = by_rule["fluency/risk"]
    assert region_text(ARTICLE, whole) == whole["snippet"]["text"]
    assert whole["snippet"]["text"].startswith("Their was") and whole["endLine"] == 4
    row = by_rule["checks/number-mismatch"]
    assert (row["startLine"], row["snippet"]["text"]) == (2, "100%")


def test_sarif_baseline_state(sarif_schema):
    first = sample_report()
    accepted = frozenset(f.fingerprint for f in first.gate().findings if f.rule.startswith("grammar"))
    log = json.loads(render(sample_report(GatePolicy(baseline=accepted)), "sarif"))
    jsonschema.Draft4Validator(sarif_schema).validate(log)
    states = {r["ruleId"]: r["baselineState"] for r in log["runs"][0]["results"]}
    assert states == {"grammar/AGREEMENT": "unchanged", "grammar/SPELL": "unchanged",
                      "fluency/risk": "new", "drift/risk": "new", "checks/number-mismatch": "new"}
    fingerprints = [r["partialFingerprints"]["mtqa/v1"] for r in log["runs"][0]["results"]]
    assert len(set(fingerprints)) == len(fingerprints)


def test_the_sarif_schema_catches_a_broken_log(sarif_schema):
    log = json.loads(render(sample_report(), "sarif"))
    log["runs"][0]["results"][0]["level"] = "fatal"
    del log["runs"][0]["results"][1]["message"]
    errors = list(jsonschema.Draft4Validator(sarif_schema).iter_errors(log))
    assert len(errors) == 2


@pytest.mark.parametrize("fmt", ["junit", "junit-files"])
def test_junit_is_valid(junit_schema, fmt):
    xml = render(sample_report(), fmt)
    document = etree.fromstring(xml.encode("utf-8"))
    junit_schema.assertValid(document)
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>')


def test_junit_one_case_per_segment(junit_schema):
    root = etree.fromstring(render(sample_report(), "junit").encode("utf-8"))
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["docs/article.md", "rows.tsv", ABSOLUTE]
    article = suites[0]
    cases = article.findall("testcase")
    assert len(cases) == int(article.get("tests")) == 5  # heading, 3 sentences, furniture
    assert (article.get("failures"), article.get("skipped")) == ("1", "1")
    [failure] = article.iter("failure")
    assert failure.get("type") == "grammar/AGREEMENT"
    assert failure.get("message") == "grammar/AGREEMENT: Possible agreement error (suggestion: fix) (+2 more)"
    assert "docs/article.md:4:" in failure.text and "“bridge”" in failure.text
    # the review segment does not fail under --fail-on fail; its suppressed finding is not shown
    assert all(c.find("system-out") is None for c in cases)
    assert root.get("tests") == "8" and root.get("failures") == "2"
    props = {p.get("name"): p.get("value") for p in article.iter("property")}
    assert props["signature"] == "mtqa:0.1.0|test:signature"


def test_junit_review_findings_go_to_system_out_and_control_characters_are_dropped(junit_schema):
    text = "A sentence with a bell\x07 in it. Another one here.\n"
    report = make_report(judged(read("b.txt", text, "txt"), {
        "bell": dict(verdict="review", reasons=("fluency: odd",))}))
    xml = render(report, "junit")
    root = etree.fromstring(xml.encode("utf-8"))
    junit_schema.assertValid(root)
    out = root.find(".//system-out")
    assert out is not None and "b.txt:1:1: warning fluency/risk" in out.text
    assert root.get("failures") == "0"


def annotations(text: str) -> list[tuple[str, dict[str, str], str]]:
    parsed = []
    for line in text.splitlines():
        match = re.fullmatch(r"::(error|warning) ([^:]*)::(.*)", line)
        assert match, line
        fields = dict(part.split("=", 1) for part in match.group(2).split(","))
        parsed.append((match.group(1), fields, match.group(3)))
    return parsed


def test_github_annotations():
    found = annotations(render(sample_report(), "github"))
    assert [(level, f["title"]) for level, f, _ in found] == [
        ("error", "mtqa grammar/AGREEMENT"), ("error", "mtqa grammar/SPELL"),
        ("error", "mtqa fluency/risk"), ("error", "mtqa checks/number-mismatch")]
    level, fields, message = found[0]
    assert fields == {"file": "docs/article.md", "line": "3", "col": "34", "endLine": "3",
                      "endColumn": "39", "title": "mtqa grammar/AGREEMENT"}
    assert ARTICLE.splitlines()[2][33:38] == "Their"
    assert message == "Possible agreement error (suggestion: fix) [fail, risk 0.90]"
    # a finding spanning lines carries no columns
    assert "col" not in found[2][1] and found[2][1]["endLine"] == "4"
    assert found[3][2] == "Number 100%25 not in source (suggestion: fix) [fail, risk 0.90]"


def test_github_review_is_a_warning_when_it_does_not_fail():
    quiet = GatePolicy(ignore=("grammar", "checks", "fluency"))
    found = annotations(render(sample_report(policy=quiet), "github"))
    assert found == []  # drift is suppressed inline; everything else ignored
    found = annotations(render(sample_report(policy=GatePolicy(select=("checks",))), "github"))
    assert [level for level, _, _ in found] == ["error"]


def test_github_property_escaping():
    assert escape_property("a,b:c%d\ne") == "a%2Cb%3Ac%25d%0Ae"


def test_markdown_summary():
    summary = render(sample_report(), "markdown")
    assert summary.startswith("## mtqa: ❌ gate failed\n")
    assert "; not shown: 1 suppressed inline, 0 in the baseline." in summary
    assert "| docs/article.md | 4 | 2 | 1 | 1 | 1 | ❌ fail |" in summary
    assert "| rows.tsv | 2 | 1 | 0 | 1 | 1 | ❌ fail |" in summary
    assert re.search(r"\| rows\.tsv:2:\d+ \| ❌ error \| `checks/number-mismatch` \|", summary)
    assert "&lt;!-- mtqa" not in summary  # the suppressed segment is not listed
    assert summary.rstrip().endswith("<sub>signature: mtqa:0.1.0\\|test:signature</sub>")


def test_markdown_caps_findings():
    lines = ["target"] + [f"Row {i} is bad." for i in range(MAX_FINDINGS + 5)]
    doc = read("big.tsv", "\n".join(lines) + "\n", "tsv")
    flagged = judged(doc, {f"Row {i} ": dict(verdict="fail", reasons=("drift: x",))
                           for i in range(MAX_FINDINGS + 5)})
    summary = render(make_report(flagged), "markdown")
    assert summary.count("| big.tsv:") == MAX_FINDINGS
    assert "…and 5 more findings" in summary


def test_markdown_passes_when_clean():
    summary = render(make_report(judged(read("c.md", "All is well here.\n"))), "markdown")
    assert summary.startswith("## mtqa: ✅ gate passed") and "### Findings" not in summary


CI_FORMATS = ("sarif", "junit", "junit-files", "github", "markdown")
TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent


def in_process(argv: list[str], seed: int, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run Python with `argv` in a fresh interpreter whose string hashes use `seed`, so set
    and dict orders that depend on hashing differ from one run to the other."""
    env = {**os.environ, "PYTHONHASHSEED": str(seed), "PYTHONPATH": os.pathsep.join([str(ROOT), str(TESTS)]),
           "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, *argv], cwd=cwd, env=env, capture_output=True, timeout=600)


def test_output_is_byte_identical_across_processes():
    script = ("import json, sys\nfrom test_ci_formats import CI_FORMATS, render, sample_report\n"
              "sys.stdout.write(json.dumps({f: render(sample_report(), f) for f in CI_FORMATS}))")
    first, second = (in_process(["-c", script], seed) for seed in (1, 2))
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    assert first.stdout == second.stdout
    assert set(json.loads(first.stdout)) == set(CI_FORMATS)


SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "spun_news_article.txt"


@pytest.mark.slow
def test_real_run_is_valid_located_and_byte_identical(tmp_path, sarif_schema, junit_schema, pinned_flags):
    """The real pipeline through `mtqa check`, in two processes with different hash seeds:
    same bytes, valid, locations in the file."""
    (tmp_path / "article.txt").write_bytes(SAMPLE.read_bytes())
    for run in (1, 2):
        done = in_process(["-m", "mtqa", "check", "article.txt", "--no-progress", "-f", "sarif", "-o", f"{run}.sarif",
                           "--report", f"json={run}.json", "--report", f"junit={run}.xml",
                           "--report", f"github={run}.txt", "--report", f"markdown={run}.md",
                           "--fail-on", "review", *pinned_flags], seed=run, cwd=tmp_path)
        assert done.returncode == 1, done.stderr  # the sample article is garbled on purpose
    for ext in ("sarif", "json", "xml", "txt", "md"):
        assert (tmp_path / f"1.{ext}").read_bytes() == (tmp_path / f"2.{ext}").read_bytes(), ext
    log = json.loads((tmp_path / "1.sarif").read_text("utf-8"))
    jsonschema.Draft4Validator(sarif_schema).validate(log)
    junit_schema.assertValid(etree.parse(str(tmp_path / "1.xml")))
    header = json.loads((tmp_path / "1.json").read_text("utf-8"))
    run = log["runs"][0]
    assert run["properties"]["signature"] == header["signature"] and header["signature"]
    assert run["properties"]["gateFailed"] is header["gate_failed"] is True
    results = run["results"]
    flagged = header["counts"]["review"] + header["counts"]["fail"]
    assert flagged and len(results) >= flagged  # the sample article is garbled on purpose
    text = SAMPLE.read_text("utf-8")
    for result in results:
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region_text(text, region) == region.get("snippet", {}).get("text", "")
    assert len((tmp_path / "1.txt").read_text("utf-8").splitlines()) == len(
        [r for r in results if "suppressions" not in r])


def test_text_gives_each_finding_once_and_reasons_that_add_to_them():
    article = judged(read("docs/article.md", ARTICLE), {
        "Their was": dict(verdict="fail",
                          reasons=("grammar: Possible agreement error (+1 more)", "fluency: reads unnaturally"),
                          issues=(("grammar", "AGREEMENT", "Their", "Possible agreement error"),
                                  ("grammar", "SPELL", "bridge", "Unknown word, café?"))),
    })
    text = render(make_report(article), "text")
    assert text.count("Possible agreement error") == 1 and "grammar/AGREEMENT: “Their” Possible agreement error" in text
    assert "· fluency: reads unnaturally" in text  # a reason no finding states is kept


def test_text_lists_a_segments_findings_in_reading_order():
    article = judged(read("docs/article.md", ARTICLE), {
        "Their was": dict(verdict="fail", issues=(("grammar", "SPELL", "bridge", "Unknown word"),
                                                  ("checks", "number-mismatch", "long", "number"),
                                                  ("grammar", "AGREEMENT", "Their", "agreement"))),
    })
    text = render(make_report(article), "text")
    assert text.index("grammar/AGREEMENT") < text.index("checks/number-mismatch") < text.index("grammar/SPELL")


def test_text_shows_what_the_gate_counts():
    text = render(sample_report(GatePolicy(ignore=("grammar/SPELL",))), "text")
    assert "grammar/AGREEMENT" in text and "grammar/SPELL" not in text and "Unknown word" not in text
    # "Prices ..." is flagged for drift, which its line's marker ignores: not listed
    assert "Prices rose" not in text
    assert "docs/article.md: 4 segments scored: 2 ok, 1 review, 1 fail (1 skipped: page furniture, empty, or not " \
        "scored); 1 listed after --select/--ignore" in text
    everything_ignored = render(sample_report(GatePolicy(ignore=("*",))), "text")
    assert "FAIL" not in everything_ignored and "REVIEW" not in everything_ignored
