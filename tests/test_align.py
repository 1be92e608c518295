"""Sentence alignment of unaligned documents: the DP on its own, then the sample article
against its hand-made clean version with the real sentence embedder."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mtqa.cli import main
from mtqa.core.config import Settings
from mtqa.core.errors import InputError
from mtqa.readers import read_text
from mtqa.text.align import (
    align,
    align_inputs,
    aligned_document,
    anchor_dissimilarity,
    read_counterpart,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SPUN = FIXTURES / "spun_news_article.txt"
CLEAN = FIXTURES / "spun_news_article.clean.txt"


def word_overlap_dissimilarity(first: str, second: str) -> float:
    """1 - Jaccard overlap of lower-cased words: enough to tell toy sentences apart."""
    a, b = set(re.findall(r"\w+", first.lower())), set(re.findall(r"\w+", second.lower()))
    return 1.0 - len(a & b) / max(len(a | b), 1)


def test_one_to_one_merge_split_and_gaps() -> None:
    sources = ["The cat sleeps on the mat.", "The dog barks at the mailman and the cat wakes up.",
               "Rain falls all day.", "Nobody goes outside.", "The end of the story."]
    targets = ["The cat sleeps on the mat.", "The dog barks at the mailman.", "The cat wakes up.",
               "Rain falls all day and nobody goes outside.", "A completely unrelated advertisement here."]
    beads = align(sources, targets, word_overlap_dissimilarity).beads
    assert beads[:3] == [([0], [0]), ([1], [1, 2]), ([2, 3], [3])]
    # The unrelated pair is better left unaligned: an omission and an addition.
    assert sorted(beads[3:]) == [([], [4]), ([4], [])]


def test_headings_are_never_merged() -> None:
    sources = ["Title", "First sentence of the text here."]
    targets = ["Title First sentence of the text here."]
    joined = align(sources, targets, word_overlap_dissimilarity).beads
    assert joined == [([0, 1], [0])]
    separate = align(sources, targets, word_overlap_dissimilarity, source_joinable=[False, True]).beads
    assert ([0, 1], [0]) not in separate


def test_anchor_dissimilarity_uses_numbers_and_names() -> None:
    assert anchor_dissimilarity("Blinken met Lavrov in 2022.", "布林肯于2022年会见了拉夫罗夫。") == 0.0
    assert anchor_dissimilarity("Blinken met Lavrov in 2022.",
                                "Blinken traf Lawrow 2022.") == pytest.approx(0.6 * 2 / 4)
    assert anchor_dissimilarity("Blinken met Lavrov in 2022.", "Nichts davon.") == pytest.approx(0.6)
    assert anchor_dissimilarity("no anchors", "keine anker") == pytest.approx(0.3)


@pytest.fixture(scope="session")
def aligned_article():
    return aligned_document(read_counterpart(str(SPUN)), read_counterpart(str(CLEAN)), "reference",
                            Settings(threads=2))


def test_sample_article_aligns_with_its_clean_version(aligned_article) -> None:
    document = aligned_article
    assert document.meta["alignment"]["method"] == "embeddings:all-minilm-l6-v2"
    scored = [s for s in document.segments if s.scored]
    # Every spun sentence found its counterpart: no additions, no omissions.
    assert all(s.reference for s in scored)
    assert not any(s.meta.get("omitted") or s.meta.get("alignment") for s in scored)

    def starting(prefix: str):
        return next(s for s in scored if s.text.startswith(prefix))

    # The clean version splits this sentence in two...
    split = starting("During a visit")
    assert split.reference.startswith("On a visit") and split.reference.endswith('"on very short notice".')
    # ...and merges these two spun sentences into one.
    merged = starting("In Kyiv, Blinken urged")
    assert merged.meta["sentences"] == 2 and merged.text.endswith("to stand firm.")
    assert merged.reference.startswith("In Kyiv, Blinken urged") and merged.reference.endswith("hold firm.")
    assert starting("‘Uncontrolled anger’").reference == "'Unprovoked aggression'"
    # Offsets still locate each (merged) segment in the original text.
    assert all(document.text[s.start : s.end] == s.text for s in document.segments)
    assert [s.index for s in document.segments] == list(range(len(document.segments)))
    # Page furniture stays, unaligned and unscored.
    assert [s.text for s in document.segments if s.kind == "furniture"][0] == "Source link"


def test_dropped_and_added_sentences_are_reported(aligned_article) -> None:
    clean = CLEAN.read_text("utf-8")
    target_text = clean.replace("Zelenskyy thanked Blinken for the aid, which was approved in late December "
                                "but only confirmed on Wednesday.",
                                "The weather in Lisbon was sunny and warm all week.")
    target = read_text("edited.txt", target_text, "txt")
    document = aligned_document(target, read_counterpart(str(CLEAN)), "reference", Settings(threads=2))
    added = [s for s in document.segments if s.meta.get("alignment") == "addition"]
    assert [s.text for s in added] == ["The weather in Lisbon was sunny and warm all week."]
    omitted = [o for s in document.segments for o in s.meta.get("omitted", [])]
    assert omitted == ["Zelenskyy thanked Blinken for the aid, which was approved in late December "
                       "but only confirmed on Wednesday."]


def test_source_in_another_language_without_crosslingual_embedder_falls_back() -> None:
    target = read_text("t.txt", "Blinken met Lavrov in Geneva on Friday. Talks lasted 90 minutes.", "txt")
    source = read_text("s.txt", "Blinken traf Lawrow am Freitag in Genf. Die Gespräche dauerten 90 Minuten.", "txt")
    document = aligned_document(target, source, "source", Settings())
    assert document.meta["alignment"]["method"] == "length+anchors"
    assert [s.source for s in document.segments] == ["Blinken traf Lawrow am Freitag in Genf.",
                                                     "Die Gespräche dauerten 90 Minuten."]


def test_a_chinese_source_is_split_and_aligned_through_the_lexicon() -> None:
    source = read_text("zh.txt", "欧盟官员表示，接收过程步步瓶颈。据法新社2月10日报道，欧盟领导人同意出台更严格的政策。"
                       "难民问题难以解决。土耳其发生强烈地震，救援队正在废墟中搜救被困人员。", "txt")
    target = read_text("en.txt", "EU officials said the reception process is a bottleneck at every step. "
                       "AFP reported on February 10. EU leaders agreed to introduce stricter policies. "
                       "A strong earthquake hit Turkey, and rescue teams are searching the ruins for trapped people.",
                       "txt")
    assert len(source.segments) == 4  # split at 。 by pysbd's Chinese rules
    document = aligned_document(target, source, "source", Settings())
    assert document.meta["alignment"]["method"].startswith("length+anchors+lexicon:")
    assert [s.source for s in document.segments] == [
        "欧盟官员表示，接收过程步步瓶颈。", "据法新社2月10日报道，欧盟领导人同意出台更严格的政策。",
        "土耳其发生强烈地震，救援队正在废墟中搜救被困人员。"]
    assert document.segments[1].text.count(".") == 2  # the target's two sentences, joined
    assert document.segments[2].meta["omitted"] == ["难民问题难以解决。"]


def test_align_inputs_needs_one_text_document(tmp_path: Path) -> None:
    table = read_text("rows.tsv", "target\nHello\n", "tsv")
    with pytest.raises(InputError, match="need exactly one text or Markdown input"):
        align_inputs([table], str(CLEAN), None, Settings())
    with pytest.raises(InputError, match="not both"):
        align_inputs([table], str(CLEAN), str(CLEAN), Settings())


def test_cli_scores_a_document_against_an_unaligned_reference(tmp_path: Path, pinned_flags: list[str]) -> None:
    reference = tmp_path / "reference.txt"
    reference.write_text("Ukraine, meanwhile, said it was preparing for the worst and would withstand whatever "
                         "came.\n\nBlinken did not elaborate. Russia has moved troops into Belarus for exercises "
                         "next month.\n\nMore than 14,000 people have been killed in the war.\n", "utf-8")
    target = tmp_path / "target.txt"
    target.write_text("Ukraine said it was preparing for the worst and would withstand whatever came. "
                      "Blinken did not elaborate, but Russia has moved troops into Belarus for exercises next "
                      "month.\n\nThe weather in Lisbon was sunny and warm all week.\n", "utf-8")
    report = tmp_path / "report.json"
    # The last sentence has no counterpart in the reference: flagged, so the gate at review fails.
    assert main(["check", str(target), "--reference", str(reference), "--no-progress", "--threads", "2",
                 "-f", "json", "-o", str(report), "--fail-on", "review", *pinned_flags]) == 1
    segments = json.loads(report.read_text("utf-8"))["files"][0]["segments"]
    assert segments[0]["reference"].startswith("Ukraine, meanwhile")
    # The reference's two sentences are joined against the target's one.
    assert segments[1]["reference"] == ("Blinken did not elaborate. Russia has moved troops into Belarus "
                                        "for exercises next month.")
    rules = {issue["rule"] for segment in segments for issue in segment["issues"]}
    assert {"checks/align-addition", "checks/align-omission"} <= rules
    assert segments[-1]["verdict"] in ("review", "fail") and segments[-1]["reference"] is None
