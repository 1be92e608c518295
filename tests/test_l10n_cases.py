"""The inputs of ../shared/cases/l10n/, each with the right result its `*.expect.md` gives,
run as `mtqa check FILE --format json` runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mtqa.cli import main

CASES = Path(__file__).resolve().parents[2] / "shared" / "cases" / "l10n"
pytestmark = pytest.mark.skipif(not CASES.is_dir(), reason="shared cases not available")


def check(name: str, tmp_path: Path) -> tuple[int, list[dict]]:
    out = tmp_path / "report.json"
    code = main(["check", str(CASES / name), "--format", "json", "-o", str(out), "--no-progress",
                 "--grammar", "harper"])
    report = json.loads(out.read_text("utf-8"))
    return code, [s for f in report["files"] for s in f["segments"]]


def rules(segment: dict) -> list[str]:
    return [i["rule"] for i in segment["issues"]]


def test_02_usa_ends_a_sentence_and_dr_does_not(tmp_path: Path) -> None:
    code, segments = check("02-usa-sentence-end.txt", tmp_path)
    assert code == 0
    assert [(s["index"], s["text"], s["start"], s["end"]) for s in segments] == [
        (0, "Our family moved to the U.S.A.", 0, 30),
        (1, "My aunt still lives in Lyon.", 31, 59),
        (2, "Dr. Okafor met us at the airport in Boston.", 60, 103),
    ]


def test_04_renamed_po_placeholders_are_found_where_they_stand(tmp_path: Path) -> None:
    code, segments = check("04-po-placeholder-renamed.po", tmp_path)
    assert [s["id"] for s in segments] == ["The invoice could not be sent: %(detail)s",
                                           "You have {count} unpaid invoices.", "Payment received from %s."]
    first, second, third = segments
    [renamed] = [i for i in first["issues"] if i["rule"].startswith("checks/placeholder")]
    assert (renamed["start"], renamed["end"]) == (43, 54)
    assert first["text"][43:54] == "%(details)s" and "%(detail)s" in renamed["message"]
    [renamed] = [i for i in second["issues"] if i["rule"].startswith("checks/placeholder")]
    assert (renamed["start"], renamed["end"]) == (10, 18) and "{count}" in renamed["message"]
    assert first["verdict"] != "ok" and second["verdict"] != "ok"
    assert not [r for r in rules(third) if r.startswith("checks/placeholder")]
    # The entries declare python-format / python-brace-format: the program would raise, so they
    # fail, and the default gate (--fail-on fail) fails the run.
    assert first["verdict"] == second["verdict"] == "fail" and code == 1


def test_05_the_one_plural_form_of_japanese_is_compared_with_msgid_plural(tmp_path: Path) -> None:
    code, segments = check("05-po-plural-nplurals1.po", tmp_path)
    assert code == 0 and len(segments) == 2
    assert segments[0]["source"] == "%d photos are waiting to upload."
    assert not [s for s in segments if "checks/number-mismatch" in rules(s)]


def test_06_msgctxt_makes_two_messages_of_one_msgid(tmp_path: Path) -> None:
    code, segments = check("06-po-msgctxt-inconsistent.po", tmp_path)
    assert code == 0 and len(segments) == 3
    assert not [s for s in segments if "checks/inconsistent-translation" in rules(s)]
    assert segments[1]["scores"]["checks"] == 1.0


def test_09_thousands_grouped_by_spaces_are_the_same_number(tmp_path: Path) -> None:
    _, segments = check("09-numbers-space-grouping.tsv", tmp_path)
    by_id = {s["id"]: s for s in segments}
    for same in ("n1", "n2", "n3"):
        assert "checks/number-mismatch" not in rules(by_id[same]), same
    mismatch = [i for i in by_id["n4"]["issues"] if i["rule"] == "checks/number-mismatch"]
    assert [(i["start"], i["end"]) for i in mismatch] == [(21, 26)]


def test_13_nfd_target_equals_its_nfc_reference(tmp_path: Path) -> None:
    _, segments = check("13-nfd-vs-nfc-reference.tsv", tmp_path)
    for segment in segments:
        drift = segment["raw"]["drift"]
        assert (drift["chrf"], drift["ter"], drift["cosine"]) == (100.0, 0.0, 1.0)
        assert segment["scores"]["drift"] == pytest.approx(1.0, abs=0.01)
        assert "checks/name-missing" not in rules(segment)
        for issue in segment["issues"]:
            assert issue["rule"] != "grammar/harper/TransposedSpace"
            # Offsets index the text as given (NFD), and never land inside a letter's marks.
            assert segment["text"][issue["start"]:issue["end"]] not in ("ve", "sume")
        assert segment["verdict"] == "ok"


def test_14_french_translations_are_not_the_source_language(tmp_path: Path) -> None:
    _, segments = check("14-french-target-taken-as-english.xlf", tmp_path)
    by_id = {s["id"]: s for s in segments}
    for translated in ("s1", "s2", "s3"):
        assert "checks/untranslated" not in rules(by_id[translated]), translated
    [issue] = [i for i in by_id["s4"]["issues"] if i["rule"] == "checks/untranslated"]
    assert (issue["start"], issue["end"]) == (0, 45) and "identical to the source" in issue["message"]


def test_15_am_and_pm_are_no_articles(tmp_path: Path) -> None:
    code, segments = check("15-am-pm-article.txt", tmp_path)
    assert code == 0
    assert [(s["start"], s["end"]) for s in segments] == [(0, 41), (42, 73), (74, 115)]
    assert not [i for s in segments for i in s["issues"] if i["dimension"] == "grammar"]
    assert [s["verdict"] for s in segments] == ["ok", "ok", "ok"]
