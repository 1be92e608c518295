"""WordNet near-synonyms in a word's own form (mtqa.text.thesaurus): the database reader on a
small WordNet folder written here, and the system's WordNet (Debian's wordnet-base, which
scripts/test.sh installs) where it is installed."""

from __future__ import annotations

from pathlib import Path

import pytest

from mtqa.core.config import Settings
from mtqa.core.errors import ConfigError
from mtqa.text.thesaurus import WordNet, find_wordnet, load_wordnet, synonyms_in_form

HEADER = "  1 This software and database is being provided to you, the LICENSEE, by  \n" \
         "  2 WordNet 3.0 Copyright 2006 by Princeton University.  All rights reserved.  \n"
# (pos file, synset words, lemma index entries)
SYNSETS = {
    "verb": [["annex", "appropriate"], ["seize", "annex", "take_over"], ["overthrow", "subvert", "overturn"]],
    "noun": [["exercise", "drill"], ["match", "lucifer"], ["match", "game"]],
    "adj": [["hard", "difficult(a)"]],
    "adv": [["quickly", "rapidly"]],
}


def write_wordnet(folder: Path) -> Path:
    """A WordNet database in Princeton's format: data files addressed by byte offset, an index
    of each lemma's synsets."""
    folder.mkdir(parents=True, exist_ok=True)
    letter = {"noun": "n", "verb": "v", "adj": "a", "adv": "r"}
    for pos, synsets in SYNSETS.items():
        data, index = HEADER.encode(), {}
        for words in synsets:
            offset = len(data)
            fields = " ".join(f"{w} 0" for w in words)
            line = f"{offset:08d} 00 {letter[pos]} {len(words):02x} {fields} 000 | a gloss  \n"
            data += line.encode()
            for word in words:
                index.setdefault(word.split("(")[0].lower(), []).append(offset)
        (folder / f"data.{pos}").write_bytes(data)
        lines = [f"{lemma} {letter[pos]} {len(offsets)} 0 {len(offsets)} 0 " + " ".join(f"{o:08d}" for o in offsets)
                 for lemma, offsets in sorted(index.items())]
        (folder / f"index.{pos}").write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_synonyms_are_read_by_offset_in_sense_order(tmp_path) -> None:
    wordnet = WordNet(write_wordnet(tmp_path / "dict"))
    assert wordnet.synonyms("annex", "VERB") == ["appropriate", "seize"]  # "take_over": one word only
    assert wordnet.synonyms("difficult", "ADJ") == ["hard"]  # the "(a)" marker is not part of the word
    assert wordnet.synonyms("unknown", "NOUN") == []
    assert wordnet.name == "wordnet-3.0"


def test_synonyms_take_the_form_of_the_word(tmp_path) -> None:
    wordnet = WordNet(write_wordnet(tmp_path / "dict"))
    assert synonyms_in_form("overthrew", wordnet, 5) == ["subverted", "overturned"]
    assert synonyms_in_form("annexed", wordnet, 5) == ["appropriated", "seized"]
    assert synonyms_in_form("exercises", wordnet, 5) == ["drills"]
    assert synonyms_in_form("Match", wordnet, 1) == ["Lucifer"]  # capitalised like the word, at most `limit`


def test_the_setting_finds_a_folder_or_says_what_is_wrong(tmp_path) -> None:
    folder = write_wordnet(tmp_path / "dict")
    assert find_wordnet(str(folder)) == folder and find_wordnet("none") is None
    with pytest.raises(ConfigError, match="not a WordNet database folder"):
        find_wordnet(str(tmp_path))
    with pytest.raises(ConfigError, match="not a WordNet database folder"):
        Settings(thesaurus=str(tmp_path / "missing")).validate()


def test_auto_finds_wordnet_home(tmp_path, monkeypatch) -> None:
    folder = write_wordnet(tmp_path / "wn" / "dict")
    monkeypatch.setenv("WNHOME", str(tmp_path / "wn"))
    assert find_wordnet("auto") == folder


@pytest.mark.skipif(load_wordnet("auto") is None, reason="no WordNet installed (apt-get install wordnet-base)")
def test_the_installed_wordnet_gives_synonyms_of_a_spun_word() -> None:
    wordnet = load_wordnet("auto")
    assert "teachers" in synonyms_in_form("instructors", wordnet, 10)
    assert "overturned" in synonyms_in_form("overthrew", wordnet, 10)
