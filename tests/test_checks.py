"""Language-independent checks: each check positive and negative, and the scorer contract."""

from __future__ import annotations

import pytest

from mtqa.core.config import Settings
from mtqa.core.documents import Segment
from mtqa.scorers.checks import ChecksScorer
from mtqa.scorers.checks.length import check_length_ratio
from mtqa.scorers.checks.marks import check_brackets, unbalanced_marks
from mtqa.scorers.checks.names import check_names
from mtqa.scorers.checks.numbers import check_numbers
from mtqa.scorers.registry import component
from mtqa.text.numbers import numbers_in


def segment(text: str, source: str | None = None, reference: str | None = None) -> Segment:
    return Segment(text, 0, 0, len(text), source=source, reference=reference)


def rules(outcome) -> list[str]:
    return [issue.rule for issue in outcome.issues]


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("1,000.5 and 1.000,5", [1000.5, 1000.5]),
        ("$ 200m or 200 million", [2e8, 2e8]),
        ("3.5亿元", [3.5e8]),
        ("12,5% of 100,000 troops in 2014", [12.5, 100000, 2014]),
        ("version2 has no number", []),
    ],
)
def test_numbers_are_normalised(text: str, values: list[float]) -> None:
    assert [n.value for n in numbers_in(text)] == values


def test_number_mismatch_against_a_chinese_source() -> None:
    good = check_numbers(segment("It cost 350 million yuan in 2014.", source="2014年花费3.5亿元"))
    assert good.compared and good.issues == []
    bad_text = "It cost 35 million yuan in 2014."
    bad = check_numbers(segment(bad_text, source="2014年花费3.5亿元"))
    assert rules(bad) == ["checks/number-mismatch"]
    issue = bad.issues[0]
    assert bad_text[issue.start : issue.end] == "35 million"
    assert issue.suggestions == ["350,000,000"]


def test_number_written_as_a_word_is_not_a_mismatch() -> None:
    assert check_numbers(segment("Three people died.", source="3人死亡。")).issues == []
    # Chinese numerals, ordinals and months against digits (WMT23 zh-en MQM sources).
    congress = segment("the 20th Party Congress and the 16th forum", source="党的二十大和第十六届论坛")
    assert check_numbers(congress).issues == []
    fifth = segment("the fifth month of decline since February 10", source="2月10日以来连续第5个月下降")
    assert check_numbers(fifth).issues == []
    assert rules(check_numbers(segment("the 21st Party Congress", source="党的二十大"))) == ["checks/number-mismatch"]


def test_a_scaled_number_matches_its_value_however_it_is_written() -> None:
    # 315.1亿 (x 10^8) is 31.51 billion; in floating point the two products differ.
    same = segment("exports were $31.51 billion", source="出口315.1亿美元")
    assert check_numbers(same).issues == []


def test_missing_number_gets_a_zero_width_span_at_the_end() -> None:
    text = "The troops left."
    outcome = check_numbers(segment(text, reference="The 3,000 troops left."))
    assert [(i.start, i.end) for i in outcome.issues] == [(len(text), len(text))]


def test_latin_name_of_a_non_latin_source_must_appear() -> None:
    source = "通过红外光谱 (FTIR) 进行比较后发现"
    missing = check_names(segment("A comparison by infrared spectroscopy revealed", source=source))
    assert rules(missing) == ["checks/name-missing"] and missing.issues[0].suggestions == ["FTIR"]
    kept = check_names(segment("A comparison by infrared spectroscopy (FTIR) revealed", source=source))
    assert kept.compared and kept.issues == []


def test_names_of_a_reference_must_appear() -> None:
    reference = "Blinken met Lavrov in Geneva."
    outcome = check_names(segment("Blinken met Putin in Geneva.", reference=reference))
    assert [i.suggestions for i in outcome.issues] == [["Lavrov"]]
    assert check_names(segment("In Geneva, Blinken met Lavrov.", reference=reference)).issues == []


def test_unbalanced_brackets_and_quotes() -> None:
    assert rules(check_brackets(segment("He said (twice that it rains."))) == ["checks/unbalanced-brackets"]
    assert unbalanced_marks('She said "no.') == [(9, '"')]
    assert check_brackets(segment("He said (twice) that “it rains”.")).issues == []
    # A quote that the source also leaves open (it closes in the next sentence) is fine.
    assert check_brackets(segment("“It rains.", source="“Il pleut.")).issues == []


def test_length_ratio_uses_a_per_script_normal_range() -> None:
    source = "欧盟峰会为难民政策争论，欧盟官员表示接收过程步步瓶颈"
    normal = check_length_ratio(
        segment("EU summit debates refugee policy; officials say reception is bottlenecked.", source=source)
    )
    assert normal.issues == [] and 1.8 < normal.raw["length_ratio"] < 6.5
    short = check_length_ratio(segment("EU summit.", source=source))
    assert rules(short) == ["checks/length-ratio"] and short.raw["length_ratio_excess"] > 0
    # The same number of characters is normal against a same-script reference.
    same = check_length_ratio(segment("The cat sat on the mat.", reference="A cat was sitting on the mat."))
    assert same.issues == [] and same.raw["length_ratio_range"] == [0.6, 1.7]


def test_scorer_scores_and_returns_none_when_there_is_nothing_to_check() -> None:
    scorer = component("checks", "default").build(Settings())
    assert isinstance(scorer, ChecksScorer) and scorer.dimension == "checks"
    clean, broken, plain, plain_broken = scorer.score([
        segment("It cost 350 million yuan in 2014.", source="2014年花费3.5亿元"),
        segment("It cost 35 million yuan (in 2014.", source="2014年花费3.5亿元"),
        segment("Nothing to compare with."),
        segment("An (unclosed bracket."),
    ])
    assert clean.score == 1.0 and clean.issues == []
    assert broken.score is not None and broken.score < 0.7
    assert {i.rule for i in broken.issues} == {"checks/number-mismatch", "checks/unbalanced-brackets"}
    assert all(i.dimension == "checks" for i in broken.issues)
    assert plain.score is None
    assert plain_broken.score is not None and plain_broken.score < 1.0
