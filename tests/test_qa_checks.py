"""Localisation QA checks, each rule on a positive and a negative case; glossaries; and the
checks end to end on translation files through the real pipeline and CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from mtqa.cli import main
from mtqa.core.config import Settings
from mtqa.core.documents import Document, Segment
from mtqa.core.errors import InputError
from mtqa.core.pipeline import Pipeline
from mtqa.readers import read_path
from mtqa.scorers.checks import CHECKS, ChecksScorer
from mtqa.scorers.checks.alignment import check_alignment
from mtqa.scorers.checks.consistency import (
    check_consistency,
    check_urls,
    check_whitespace,
)
from mtqa.scorers.checks.glossary import glossary_issues
from mtqa.scorers.checks.numbers import check_numbers
from mtqa.scorers.checks.tags import check_tags
from mtqa.scorers.checks.untranslated import check_empty_target, check_untranslated
from mtqa.text.glossary import Term, load_glossary
from mtqa.text.numbers import dates_in

L10N = Path(__file__).resolve().parent.parent / "fixtures" / "l10n"


def unit(text: str, source: str, meta: dict | None = None, source_lang: str = "en", target_lang: str = "de",
         **segment_fields) -> Segment:
    segment = Segment(text, 0, 0, len(text), source=source, kind="unit", meta=meta or {}, **segment_fields)
    Document("file.xlf", "xliff", [segment], source_lang=source_lang, target_lang=target_lang)
    return segment


def rules(outcome) -> list[str]:
    return [issue.rule for issue in outcome.issues]


def tag(name: str, ident: str, kind: str, offset: int) -> dict:
    return {"tag": name, "id": ident, "kind": kind, "offset": offset}


# --- numbers and dates -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "source"),
    [
        ("Der Tarif kostet 1.250,50 $ pro Jahr.", "The plan costs $1,250.50 per year."),
        ("Sie stellt 200 Millionen Dollar bereit.", "It provides $200m."),
        ("Sie stellt 200 million dollars bereit.", "It provides $200m."),
        ("Am 5. März 2024 um 10 Uhr.", "On March 5, 2024 at 10."),
        ("Am 05.03.2024.", "On 2024-03-05."),
    ],
)
def test_locale_formats_of_the_same_numbers_and_dates_match(target: str, source: str) -> None:
    assert check_numbers(unit(target, source)).issues == []


def test_number_and_date_mismatches() -> None:
    outcome = check_numbers(unit("Bestellungen werden innerhalb von 5 Tagen versendet.", "Orders ship within 3 days."))
    assert rules(outcome) == ["checks/number-mismatch"] and outcome.issues[0].suggestions == ["3"]
    dated = check_numbers(unit("Am 6. März 2024.", "On March 5, 2024."))
    assert rules(dated) == ["checks/date-mismatch"]
    assert dated.issues[0].suggestions == ["2024-03-05"]


def test_dates_are_read_in_several_languages_and_orders() -> None:
    assert [d.dates for d in dates_in("5. März 2024, 2024-03-05 and March 5, 2024")] == [
        {(2024, 3, 5)}, {(2024, 3, 5)}, {(2024, 3, 5)}]
    assert dates_in("03/05/2024")[0].dates == {(2024, 3, 5), (2024, 5, 3)}  # day or month first


# --- tags -------------------------------------------------------------------------------


def test_tags_missing_added_and_reordered() -> None:
    source_tags = [tag("g", "1", "open", 5), tag("g", "1", "close", 8), tag("x", "2", "standalone", 12)]
    same = unit("abc def ghi jkl", "abc def ghi jkl", {"source_tags": source_tags, "tags": source_tags})
    assert check_tags(same).issues == []
    missing = unit("Klicken Sie hier.", "Click here.", {"source_tags": source_tags, "tags": source_tags[:2]})
    assert rules(check_tags(missing)) == ["checks/tag-mismatch"]
    assert check_tags(missing).issues[0].message == 'tag <x id="2"/> of the source is missing'
    added = unit("Klicken Sie hier.", "Click here.",
                 {"source_tags": source_tags, "tags": source_tags + [tag("ph", "9", "standalone", 3)]})
    issue = check_tags(added).issues[0]
    assert (issue.rule, issue.start, issue.message) == (
        "checks/tag-mismatch", 3, 'tag <ph id="9"/> is not in the source')
    reordered = unit("Klicken Sie hier.", "Click here.",
                     {"source_tags": source_tags, "tags": [source_tags[2], source_tags[0], source_tags[1]]})
    assert rules(check_tags(reordered)) == ["checks/tag-order"]
    assert check_tags(unit("Hallo", "Hello")).compared is False  # not a translation file
    # A lost pair of tags is one finding that names both; a lone closing tag is written as one.
    unwrapped = unit("Klicken Sie hier.", "Click here.", {"source_tags": source_tags, "tags": source_tags[2:]})
    assert [i.message for i in check_tags(unwrapped).issues] == ['tag <g id="1">…</g> of the source is missing']
    unclosed = unit("Klicken Sie hier.", "Click here.", {"source_tags": source_tags, "tags": source_tags[::2]})
    assert [i.message for i in check_tags(unclosed).issues] == ["tag </g> of the source is missing"]


# --- untranslated and empty --------------------------------------------------------------


def test_untranslated_targets() -> None:
    assert rules(check_untranslated(unit("Save on your first order.", "Save on your first order."))) == \
        ["checks/untranslated"]
    in_english = unit("Save money on the first order you place.", "Save on your first order.")
    assert check_untranslated(in_english).issues[0].message == "target is still in the source language: untranslated"
    assert check_untranslated(unit("Sparen Sie bei Ihrer ersten Bestellung.", "Save on your first order.")).issues == []
    assert check_untranslated(unit("ACME-1234", "ACME-1234")).issues == []  # codes are not words
    latin_in_russian = unit("Open the settings page now.", "Open the settings.", target_lang="ru")
    assert rules(check_untranslated(latin_in_russian)) == ["checks/untranslated"]
    assert check_untranslated(unit("Откройте настройки.", "Open the settings.", target_lang="ru")).issues == []


def test_empty_target() -> None:
    empty = unit("", "Log out", {"untranslated": True})
    assert rules(check_empty_target(empty)) == ["checks/empty-target"]
    assert check_empty_target(unit("Abmelden", "Log out")).issues == []


# --- whitespace, URLs, e-mail ------------------------------------------------------------


def test_double_spaces_and_whitespace_at_the_edges() -> None:
    assert rules(check_whitespace(unit("Das ist  gut.", "This is good."))) == ["checks/double-space"]
    assert check_whitespace(unit("Klicken Sie  hier.", "Click  here.")).issues == []  # as in the source
    edges = check_whitespace(unit(" Hallo", "Hello ")).issues
    assert [(i.rule, i.suggestions) for i in edges] == [("checks/whitespace-edges", [""]),
                                                        ("checks/whitespace-edges", [" "])]
    assert check_whitespace(unit("Hallo ", "Hello ")).issues == []


def test_urls_and_email_addresses_must_be_copied() -> None:
    segment = unit("Kontaktieren Sie support@example.de oder besuchen Sie https://example.com/hilfe.",
                   "Contact support@example.com or visit https://example.com/help.")
    outcome = check_urls(segment)
    assert sorted(rules(outcome)) == ["checks/email-mismatch", "checks/url-mismatch"]
    url = next(i for i in outcome.issues if i.rule == "checks/url-mismatch")
    assert segment.text[url.start : url.end] == "https://example.com/hilfe"
    assert url.suggestions == ["https://example.com/help"]
    same = unit("Besuchen Sie https://example.com/help oder schreiben Sie an support@example.com.",
                "Visit https://example.com/help or write to support@example.com.")
    assert check_urls(same).issues == []
    missing = check_urls(unit("Besuchen Sie unsere Website.", "Visit www.example.com today."))
    assert [(i.rule, i.suggestions) for i in missing.issues] == [("checks/url-mismatch", ["www.example.com"])]


# --- consistency, alignment ---------------------------------------------------------------


def test_the_same_source_translated_two_ways() -> None:
    segments = [Segment(t, i, 0, len(t), source="Sign in", kind="unit")
                for i, t in enumerate(["Anmelden", "Einloggen", "Anmelden"])]
    Document("f.po", "po", segments)
    assert [rules(check_consistency(s)) for s in segments] == [[], ["checks/inconsistent-translation"], []]
    assert check_consistency(segments[1]).issues[0].suggestions == ["Anmelden"]
    lone = unit("Anmelden", "Sign in")
    assert check_consistency(lone).issues == []


def test_alignment_gaps_become_findings() -> None:
    segment = Segment("Added text.", 0, 0, 11, meta={"alignment": "addition", "omitted": ["Dropped one."]})
    Document("a.txt", "txt", [segment], meta={"alignment": {"method": "embeddings:x"}})
    assert sorted(rules(check_alignment(segment))) == ["checks/align-addition", "checks/align-omission"]
    plain = Segment("Fine.", 0, 0, 5, reference="Fine.")
    Document("a.txt", "txt", [plain], meta={"alignment": {"method": "embeddings:x"}})
    assert check_alignment(plain).issues == [] and check_alignment(plain).compared


# --- glossary ----------------------------------------------------------------------------


def test_glossary_files() -> None:
    tsv = load_glossary(L10N / "glossary_en_de.tsv")
    assert Term("order", ("Bestellung", "Auftrag")) in tsv and Term("Acme Cloud", ("Acme Cloud",)) in tsv
    tbx = load_glossary(L10N / "glossary_en_de.tbx", "en-US", "de-DE")
    assert set(tbx) == {Term("order", ("Bestellung", "Auftrag")), Term("help page", ("Hilfeseite",)),
                        Term("Acme Cloud", ("Acme Cloud",))}
    with pytest.raises(InputError, match="glossary not found"):
        load_glossary(L10N / "missing.tsv")


def test_glossary_violations_suggest_the_expected_term() -> None:
    terms = load_glossary(L10N / "glossary_en_de.tsv")
    ok = unit("Sparen Sie bei Ihren ersten Bestellungen mit Acme Cloud.", "Save on your first orders with Acme Cloud.")
    assert glossary_issues(ok, terms) == []
    wrong = unit("Sparen Sie bei Ihrem ersten Kauf mit Akme Wolke.", "Save on your first order with Acme Cloud.")
    found = [(i.rule, i.suggestions) for i in glossary_issues(wrong, terms)]
    assert found == [("checks/glossary", ["Bestellung", "Auftrag"]), ("checks/do-not-translate", ["Acme Cloud"])]


def test_a_rows_language_column_picks_its_terms_from_a_multilingual_glossary() -> None:
    from mtqa.readers import read_text

    table = ("source\ttarget\tlocale\n"
             "Open the help page.\tÖffnen Sie die Hilfeseite.\tde-DE\n"
             "Open the help page.\tOuvrez la page d'aide.\tfr\n"
             "Open the help page.\tOuvrez l'aide en ligne.\tfr\n")
    rows = read_text("strings.tsv", table, "tsv").segments
    scorer = ChecksScorer(Settings(glossary=L10N / "glossary_en_de.tbx"))
    found = [[(i.rule, i.suggestions) for i in r.issues if i.rule == "checks/glossary"] for r in scorer.score(rows)]
    assert found == [[], [], [("checks/glossary", ["page d'aide"])]]


def test_checks_scorer_uses_the_glossary_setting_and_reports_untranslated_units_unless_turned_off() -> None:
    assert "glossary" not in ChecksScorer(Settings()).checks
    scorer = ChecksScorer(Settings(glossary=L10N / "glossary_en_de.tsv", include_untranslated=True))
    assert "glossary" in scorer.checks and scorer.judges_untranslated
    [result] = scorer.score([unit("Melden Sie sich an", "Sign in")])
    assert [i.rule for i in result.issues] == ["checks/glossary"] and result.score < 1
    [empty] = scorer.score([unit("", "Sign in", {"untranslated": True})])
    assert "checks/empty-target" in [i.rule for i in empty.issues]
    assert ChecksScorer(Settings()).judges_untranslated
    assert not ChecksScorer(Settings(include_untranslated=False)).judges_untranslated
    declared = {rule.id for check in CHECKS for rule in check.rules}
    assert declared >= {"checks/tag-mismatch", "checks/untranslated", "checks/url-mismatch",
                        "checks/double-space", "checks/inconsistent-translation", "checks/align-omission"}


# --- end to end: real pipeline and CLI ---------------------------------------------------


@pytest.fixture(scope="session")
def pipeline(pinned_settings: Settings) -> Iterator[Pipeline]:
    with Pipeline(pinned_settings.replace(threads=2, glossary=L10N / "glossary_en_de.tsv")) as loaded:
        yield loaded


def test_xliff_through_the_pipeline(pipeline: Pipeline) -> None:
    document = read_path(str(L10N / "memoq_en_de.xlf"))
    [result] = pipeline.run([document])
    by_id = {r.segment.id: r for r in result.results}
    assert "checks/number-mismatch" in [i.rule for i in by_id["3"].issues]
    assert by_id["3"].verdict in ("review", "fail")
    assert "checks/tag-mismatch" in [i.rule for i in by_id["4"].issues]
    assert {"checks/url-mismatch", "checks/email-mismatch"} <= {i.rule for i in by_id["6"].issues}
    # Untranslated beside translated units: reported by default (and by the checks alone).
    assert [i.rule for i in by_id["7"].issues] == ["checks/empty-target"] and by_id["7"].verdict != "ok"
    assert not [i for i in by_id["2"].issues if i.dimension == "checks"]


def test_cli_annotates_a_po_file_and_leaves_the_input_alone(tmp_path: Path, pinned_flags: list[str]) -> None:
    source = L10N / "messages_de.po"
    before = source.read_bytes()
    out, report = tmp_path / "annotated.po", tmp_path / "report.json"
    # The empty and the wrongly numbered translations are flagged, so the gate at review fails.
    code = main(["check", str(source), "--annotate", str(out), "--include-untranslated", "--no-progress",
                 "-f", "json", "-o", str(report), "--fail-on", "review", *pinned_flags])
    assert code == 1
    assert source.read_bytes() == before
    annotated = out.read_text("utf-8")
    assert "# mtqa: " in annotated
    segments = {s["id"]: s for f in json.loads(report.read_text("utf-8"))["files"] for s in f["segments"]}
    assert "checks/empty-target" in [i["rule"] for i in segments["Quit"]["issues"]]
    assert "checks/number-mismatch" in [i["rule"] for i in segments["Delete 5 files?"]["issues"]]
    flagged = [s for s in segments.values() if s["verdict"] in ("review", "fail")]
    assert annotated.count("\n# mtqa: ") == len({s["id"].split("[")[0] for s in flagged})


def test_cli_refuses_to_annotate_over_the_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "in.xlf"
    path.write_bytes((L10N / "okapi_en_fr.xlf").read_bytes())
    assert main(["check", str(path), "--annotate", str(path), "--no-progress"]) == 2
    assert "would overwrite the input" in capsys.readouterr().err
    assert path.read_bytes() == (L10N / "okapi_en_fr.xlf").read_bytes()
