"""Baselines: stable fingerprints, the file format, and the flow with the real pipeline:
write a baseline, introduce a new error, see only it fail."""

from __future__ import annotations

import json

import pytest
from ci_support import judged, make_report, read, result

from mtqa.core.documents import DocumentResult
from mtqa.core.errors import InputError
from mtqa.gate.baseline import load_baseline, write_baseline
from mtqa.gate.policy import GatePolicy

FAIL = dict(verdict="fail", reasons=("grammar: agreement",),
            issues=(("grammar", "AGREEMENT", "were", "agreement"),))
TEXT = "The cat were hungry.\n\nThe dog sleeps.\n\nThe bird were loud.\n"


def fingerprints(text: str, flagged: tuple[str, ...], path: str = "a.md") -> dict[str, str]:
    doc = read(path, text)
    report = make_report(judged(doc, {needle: FAIL for needle in flagged}))
    return {f.segment.text: f.fingerprint for f in report.gate().findings}


def test_fingerprints_survive_reordering_and_edits_elsewhere():
    before = fingerprints(TEXT, ("cat", "bird"))
    moved = ("A new opening paragraph.\n\nThe bird were loud.\n\n"
             "The dog sleeps well.\n\nThe cat were hungry.\n")
    assert fingerprints(moved, ("cat", "bird")) == before


def test_fingerprints_change_with_the_segment_rule_or_file():
    before = fingerprints(TEXT, ("cat",))["The cat were hungry."]
    assert fingerprints(TEXT.replace("cat were", "cat were very"), ("cat",))[
        "The cat were very hungry."] != before
    assert fingerprints(TEXT, ("cat",), path="b.md")["The cat were hungry."] != before


def test_whitespace_is_normalised():
    wrapped = TEXT.replace("The cat were hungry.", "The cat  were\nhungry.")
    assert list(fingerprints(wrapped, ("cat",)).values()) == list(fingerprints(TEXT, ("cat",)).values())


def test_repeated_findings_are_numbered():
    text = "Same bad sentence were here.\n\nSame bad sentence were here.\n"
    doc = read("r.md", text)
    report = make_report(DocumentResult(doc, [result(s, **FAIL) for s in doc.segments]))
    first, second = (f.fingerprint for f in report.gate().findings)
    assert first.rsplit("-", 1) == [second.rsplit("-", 1)[0], "0"] and second.endswith("-1")


def test_baseline_round_trip_and_only_new_findings_block(tmp_path):
    path = tmp_path / "baseline.json"
    old = make_report(judged(read("a.md", TEXT), {"cat": FAIL}))
    assert write_baseline(path, old.gate().findings) == 1
    data = json.loads(path.read_text("utf-8"))
    assert data["version"] == 1
    assert data["findings"][0]["rule"] == "grammar/AGREEMENT" and data["findings"][0]["file"] == "a.md"
    accepted = load_baseline(path)
    new = make_report(judged(read("a.md", TEXT), {"cat": FAIL, "bird": FAIL}),
                      policy=GatePolicy(baseline=accepted))
    outcome = new.gate()
    assert [(f.segment.text, f.baselined, f.blocking) for f in outcome.findings] == [
        ("The cat were hungry.", True, False), ("The bird were loud.", False, True)]
    assert outcome.failed
    only_old = make_report(judged(read("a.md", TEXT), {"cat": FAIL}), policy=GatePolicy(baseline=accepted))
    assert not only_old.gate_failed()


def test_baseline_file_is_deterministic(tmp_path):
    report = make_report(judged(read("a.md", TEXT), {"cat": FAIL, "bird": FAIL}))
    write_baseline(tmp_path / "one.json", report.gate().findings)
    write_baseline(tmp_path / "two.json", list(reversed(report.gate().findings)))
    assert (tmp_path / "one.json").read_bytes() == (tmp_path / "two.json").read_bytes()


@pytest.mark.parametrize("content, message", [
    (None, "baseline not found; create it with --write-baseline"),
    ("{not json", "not an mtqa baseline"),
    ('{"version": 99, "findings": []}', "unsupported baseline version"),
    ('{"version": 1}', "not an mtqa baseline"),
    ("[]", "not an mtqa baseline"),
])
def test_bad_baselines_are_one_line_input_errors(tmp_path, content, message):
    path = tmp_path / "baseline.json"
    if content is not None:
        path.write_text(content, "utf-8")
    with pytest.raises(InputError, match=message) as raised:
        load_baseline(path)
    assert str(path) in str(raised.value) and "\n" not in str(raised.value)



# target <TAB> reference; rows are scored one by one against their reference (DEMETR dev).
ROWS = [
    ("The U.S. does not redistribute the House's seats every 10 years based on demographic changes.",
     "Seats in the US House of Representatives are reallocated every 10 years based on changes in "
     "population."),
    ("Cyanuric acid and melamine were both found in urine samples of pets who died after eating "
     "contaminated pet food.",
     "Both cyanuric acid and melamine were found in urine samples from pets that died after consuming "
     "contaminated pet food."),
    ("This is the tenth time since the start of the pandemic that Florida's daily death toll has "
     "surpassed 40.",
     "Since the beginning of the COVID-19 pandemic, it's the tenth daily death count over 100 in Florida."),
    ("I don't know if you realize that most of the goods imported into this country from Virat are "
     "duty free.",
     "I don't know if you realize it or not, but most of the goods from Central America came into this "
     "country duty-free."),
]
CLEAN_ROW = ("The museum opens at nine o'clock every morning.",) * 2
NEW_ERROR = ("Him and me was went to the the store yesterday for buys a apple.",
             "He and I went to the store yesterday to buy an apple.")


def tsv(rows) -> str:
    return "target\treference\n" + "".join(f"{target}\t{reference}\n" for target, reference in rows)


@pytest.mark.slow
def test_baseline_flow_with_the_real_pipeline(tmp_path, monkeypatch, capsys, pinned_flags):
    """Write a baseline, move every row down with a new first row, then add an error:
    only the new error fails, and only it is annotated."""
    from mtqa.cli import main

    monkeypatch.chdir(tmp_path)
    table = tmp_path / "rows.tsv"
    table.write_text(tsv(ROWS), "utf-8")
    gate = ["--no-progress", "--fail-on", "review", "--baseline", "baseline.json", "-f", "github", *pinned_flags]
    assert main(["check", "rows.tsv", "--no-progress", "--fail-on", "review",
                 "--write-baseline", "baseline.json", *pinned_flags]) == 0
    accepted = json.loads((tmp_path / "baseline.json").read_text("utf-8"))["findings"]
    assert accepted, "some of the perturbed translations are flagged"
    capsys.readouterr()

    table.write_text(tsv([CLEAN_ROW, *ROWS]), "utf-8")
    assert main(["check", "rows.tsv", *gate]) == 0
    assert capsys.readouterr().out == ""

    table.write_text(tsv([CLEAN_ROW, *ROWS, NEW_ERROR]), "utf-8")
    assert main(["check", "rows.tsv", *gate]) == 1
    annotations = capsys.readouterr().out.splitlines()
    new_line = len(ROWS) + 3  # header, the clean row, the accepted rows, then the new one
    assert annotations and all(f",line={new_line}," in a for a in annotations), annotations
