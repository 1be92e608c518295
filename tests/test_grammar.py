"""Grammar dimension: real Harper on real sentences; LanguageTool against its HTTP API contract.

No LanguageTool server can run here (no server, no jar, no network), so the LanguageTool
tests start a tiny HTTP server on 127.0.0.1 that implements the documented endpoints
`GET /v2/languages` and `POST /v2/check` (https://languagetool.org/http-api/, response
format: `matches` with `offset`/`length` in UTF-16 code units, `message`, `replacements`,
`rule{id, issueType, category{id}}`) and point `languagetool_url` at it.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

from mtqa.core.config import Settings
from mtqa.core.documents import Document, Segment
from mtqa.core.errors import ConfigError, ModelError
from mtqa.scorers.grammar import (
    HarperGrammarScorer,
    LanguageToolGrammarScorer,
    auto_grammar_scorer,
)
from mtqa.scorers.grammar_languagetool import api_root
from mtqa.scorers.registry import component


def segments(*texts: str) -> list[Segment]:
    document = Document("test.txt", "text")
    for index, text in enumerate(texts):
        document.add(Segment(text, index, 0, len(text)))
    return document.segments


def flagged(text: str, result) -> list[str]:
    return [text[issue.start : issue.end] for issue in result.issues]


@pytest.fixture(scope="session")
def harper_scorer() -> Iterator[HarperGrammarScorer]:
    with HarperGrammarScorer(Settings()) as scorer:
        yield scorer


# --- Harper ------------------------------------------------------------------------------


def test_agreement_error_is_found_with_offsets_and_suggestion(harper_scorer):
    text = "He go to school every day."
    [result] = harper_scorer.score(segments(text))
    [issue] = result.issues
    assert (issue.start, issue.end, text[issue.start : issue.end]) == (3, 5, "go")
    assert issue.dimension == "grammar"
    assert issue.rule == "grammar/harper/PronounVerbAgreement"
    assert "goes" in issue.suggestions
    assert result.raw["backend"] == "harper"
    assert result.raw["n_errors"] == 1
    assert result.raw["n_errors_by_kind"] == {"Agreement": 1}
    assert 0.0 < result.score < 1.0


def test_clean_sentence_has_no_issues_and_scores_one(harper_scorer):
    [result] = harper_scorer.score(segments("The committee approved the budget on Tuesday."))
    assert result.issues == []
    assert result.score == 1.0
    assert result.raw["n_errors"] == 0


def test_more_errors_score_lower(harper_scorer):
    one, two = harper_scorer.score(segments(
        "She have a car and he drives it to work.",
        "She have a car and he drive it to work.",
    ))
    assert two.raw["n_errors"] > one.raw["n_errors"] >= 1
    assert two.score < one.score < 1.0


def test_proper_nouns_and_acronyms_are_not_flagged(harper_scorer):
    texts = (
        "Blinken met Lavrov and Zelenskyy in Kyiv to discuss the Donbas.",
        "Deputy Foreign Minister Sergei Ryabkov spoke on Kyiv’s behalf.",
        "The EU and NATO met in Brussels.",
    )
    for text, result in zip(texts, harper_scorer.score(segments(*texts)), strict=True):
        assert result.issues == [], text


def test_lowercase_misspelling_is_still_reported_beside_names(harper_scorer):
    text = "Blinken said Lavrov recieved the letter in Kyiv."
    [result] = harper_scorer.score(segments(text))
    assert flagged(text, result) == ["recieved"]
    assert "received" in result.issues[0].suggestions
    assert result.issues[0].rule == "grammar/harper/SpellCheck"
    assert result.raw["n_spelling"] == 1


def test_loanwords_written_with_diacritics_are_no_misspellings(harper_scorer):
    accented = "The décor of the café was naïve, and her rôle was small."
    misspelled = "The décor was recieved with a rôle for the artist."
    accented_result, misspelled_result = harper_scorer.score(segments(accented, misspelled))
    assert accented_result.issues == []
    assert flagged(misspelled, misspelled_result) == ["recieved"]


def test_repeated_word_is_an_error_unless_it_is_a_name(harper_scorer):
    real, name = "The the cat sat on the mat.", "Chong Yang asked Qiao Qiao about the plan."
    real_result, name_result = harper_scorer.score(segments(real, name))
    assert flagged(real, real_result) == ["The the"]
    assert name_result.issues == []


def test_a_demonstrative_that_disagrees_with_its_noun_is_found(harper_scorer):
    spun = "“These [military] Aid is not just about our plans for cooperation.”"
    object_position = "Craig had cared for those dancer."
    (spun_result, object_result) = harper_scorer.score(segments(spun, object_position))
    assert flagged(spun, spun_result) == ["These [military] Aid is"]
    (issue,) = spun_result.issues
    assert issue.rule == "grammar/determiner-number" and issue.suggestions == ["This [military] Aid is"]
    assert "‘Aid is’ is singular" in issue.message
    assert flagged(object_position, object_result) == ["those dancer"]


def test_demonstratives_read_as_pronouns_or_conjunctions_are_not_flagged(harper_scorer):
    correct = ["Because of this prices are rising.", "She said that children are welcome.",
               "What matters these days is money.", "These military aid packages are large.",
               "Those present were thanked.", "Sarah has sounded like these children.",
               "These data show a trend, and this news is old."]
    assert [r.issues for r in harper_scorer.score(segments(*correct))] == [[]] * len(correct)


def test_allow_words_silence_lowercase_unknown_words(harper_scorer):
    text = "We run mtqa on every release."
    [plain] = harper_scorer.score(segments(text))
    assert flagged(text, plain) == ["mtqa"]
    with HarperGrammarScorer(Settings(allow_words=["MTQA"])) as allowing:
        [allowed] = allowing.score(segments(text))
        assert allowed.issues == []
        assert allowing.signature()["allow_words"] != harper_scorer.signature()["allow_words"]


def test_offsets_are_python_indices_in_non_ascii_text(harper_scorer):
    # Curly quotes, an em dash and an emoji (outside the BMP: 2 UTF-16 units, 4 UTF-8 bytes).
    text = "“Wow” 🎉 — she said the “café” recieved a a prize."
    [result] = harper_scorer.score(segments(text))
    assert flagged(text, result) == ["recieved", "a a"]
    assert result.issues[0].start == text.index("recieved")


def test_insert_after_suggestion_is_a_full_replacement(harper_scorer):
    text = "However the plan failed."
    [result] = harper_scorer.score(segments(text))
    [issue] = result.issues
    assert text[issue.start : issue.end] == "However"
    assert issue.suggestions == ["However,"]


def test_noisy_style_rules_are_dropped(harper_scorer):
    long_sentence = (
        "The ministry said on Monday that it would review the cost of installing cameras, "
        "watchtowers and other infrastructure along the border over the next three years, "
        "and that it expected the work to begin before the end of the summer."
    )
    [result] = harper_scorer.score(segments(long_sentence))
    assert result.issues == []


def test_batch_order_is_preserved_and_furniture_skipped(harper_scorer):
    texts = ("She have a car.", "A clean sentence stands here.", "I could of done it.", "He recieved it.")
    batch = segments(*texts)
    batch.append(Segment("Related Articles", 4, 0, 16, kind="furniture"))
    results = harper_scorer.score(batch)
    assert len(results) == 5
    found = [flagged(t, r) for t, r in zip(texts, results[:4], strict=True)]
    assert found == [["have"], [], ["could of"], ["recieved"]]
    assert results[4].score is None


def test_dialect_follows_language():
    text = "The colour of the harbour is grey."
    with HarperGrammarScorer(Settings(language="en-GB")) as british:
        [result] = british.score(segments(text))
        assert result.issues == []
        assert british.signature()["dialect"] == "british"
    with HarperGrammarScorer(Settings(language="en-US")) as american:
        [result] = american.score(segments(text))
        assert "colour" in flagged(text, result)


def test_an_unknown_english_variant_is_a_config_error_and_another_language_is_left_alone():
    with pytest.raises(ConfigError, match="English only"):
        HarperGrammarScorer(Settings(language="en-XX"))
    # German targets (the `language` setting, or a file's): Harper builds, and does not read them.
    german = HarperGrammarScorer(Settings(language="de-DE"))
    assert not german.covers("de") and german.covers("en")


def test_registry_builds_harper(harper_scorer):
    scorer = component("grammar", "harper").build(Settings())
    assert isinstance(scorer, HarperGrammarScorer)
    assert scorer.signature()["name"] == "harper"


# --- LanguageTool, against its documented HTTP API -----------------------------------------

# What the stand-in server "finds": a pattern and the match it reports, as LanguageTool would.
CONTRACT_RULES = [
    (r"\brecieve\b", {"id": "MORFOLOGIK_RULE_EN_US", "issueType": "misspelling",
                      "category": {"id": "TYPOS", "name": "Possible Typo"},
                      "message": "Possible spelling mistake found.", "replacements": ["receive", "relieve"]}),
    (r"\bBlinken\b", {"id": "MORFOLOGIK_RULE_EN_US", "issueType": "misspelling",
                      "category": {"id": "TYPOS", "name": "Possible Typo"},
                      "message": "Possible spelling mistake found.", "replacements": ["Blinked"]}),
    (r"wo🙂rd", {"id": "MORFOLOGIK_RULE_EN_US", "issueType": "misspelling",
                 "category": {"id": "TYPOS", "name": "Possible Typo"},
                 "message": "Possible spelling mistake found.", "replacements": ["word"]}),
    (r"\bgo\b(?= to)", {"id": "HE_VERB_AGR", "issueType": "grammar",
                        "category": {"id": "GRAMMAR", "name": "Grammar"},
                        "message": "The pronoun 'he' must be used with a third-person verb.",
                        "replacements": ["goes"]}),
]


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class LanguageToolContract(BaseHTTPRequestHandler):
    requests: list[dict[str, list[str]]] = []

    def do_GET(self) -> None:
        if self.path.rstrip("/") != "/v2/languages":
            return self.send_error(404)
        self._reply([{"name": "English (US)", "code": "en", "longCode": "en-US"},
                     {"name": "English (GB)", "code": "en", "longCode": "en-GB"}])

    def do_POST(self) -> None:
        if self.path.rstrip("/") != "/v2/check":
            return self.send_error(404)
        form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8"))
        self.requests.append(form)
        text = form["text"][0]
        matches = []
        for pattern, rule in CONTRACT_RULES:
            for found in re.finditer(pattern, text):
                matches.append({
                    "message": rule["message"],
                    "shortMessage": "",
                    "replacements": [{"value": value} for value in rule["replacements"]],
                    "offset": utf16_length(text[: found.start()]),
                    "length": utf16_length(found.group()),
                    "context": {"text": text, "offset": utf16_length(text[: found.start()]),
                                "length": utf16_length(found.group())},
                    "sentence": text,
                    "rule": {"id": rule["id"], "description": "", "issueType": rule["issueType"],
                             "category": rule["category"]},
                })
        matches.sort(key=lambda m: m["offset"])
        self._reply({"software": {"name": "LanguageTool", "version": "6.4", "apiVersion": 1},
                     "language": {"name": "English (US)", "code": form["language"][0]},
                     "matches": matches})

    def _reply(self, payload: object) -> None:
        body = json.dumps(payload).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:  # keep pytest output clean
        return None


@pytest.fixture(scope="module")
def languagetool_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), LanguageToolContract)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def no_local_languagetool(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("LTP_JAR_DIR_PATH", str(tmp_path / "nothing-here"))
    monkeypatch.setenv("LTP_PATH", str(tmp_path))


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_languagetool_matches_map_to_issues(languagetool_url):
    text = "“Wow” 🎉 Blinken said he will go to Kyiv and recieve it."
    settings = Settings(grammar="languagetool", languagetool_url=languagetool_url)
    with LanguageToolGrammarScorer(settings) as scorer:
        [result] = scorer.score(segments(text))
        signature = scorer.signature()
    # Blinken: a capitalised unknown word is a name, not an error.
    assert flagged(text, result) == ["go", "recieve"]
    spelling = result.issues[1]
    assert spelling.rule == "grammar/languagetool/MORFOLOGIK_RULE_EN_US"
    assert spelling.suggestions == ["receive", "relieve"]
    assert spelling.message == "Possible spelling mistake found."
    assert result.issues[0].rule == "grammar/languagetool/HE_VERB_AGR"
    assert result.raw["backend"] == "languagetool"
    assert result.raw["n_errors_by_kind"] == {"GRAMMAR": 1, "TYPOS": 1}
    assert result.raw["n_spelling"] == 1
    assert signature["name"] == "languagetool" and signature["version"] == "6.4"
    sent = LanguageToolContract.requests[-1]
    assert sent["language"] == ["en-US"]
    assert "EN_QUOTES" in sent["disabledRules"][0].split(",")


def test_languagetool_span_containing_astral_characters_ends_right(languagetool_url):
    # LanguageTool counts UTF-16 units: an emoji before a span shifts its offset, one inside
    # it lengthens it; both must come out as Python indices.
    text = "🎉🎉 Then he go to school with a wo🙂rd."
    settings = Settings(grammar="languagetool", languagetool_url=languagetool_url)
    with LanguageToolGrammarScorer(settings) as scorer:
        [result] = scorer.score(segments(text))
    assert flagged(text, result) == ["go", "wo🙂rd"]


@pytest.mark.parametrize("written", ["{url}", "{url}/", "{url}/v2", "{url}/v2/"])
def test_languagetool_url_forms_name_the_same_server(written):
    assert api_root(written.format(url="http://lt.example:8081")) == "http://lt.example:8081/v2/"


def test_auto_picks_languagetool_when_the_server_answers(languagetool_url):
    with auto_grammar_scorer(Settings(languagetool_url=languagetool_url)) as scorer:
        assert isinstance(scorer, LanguageToolGrammarScorer)
        [result] = scorer.score(segments("He will go to school."))
        assert result.raw["backend"] == "languagetool"


def test_auto_falls_back_to_harper_when_the_server_is_unreachable(no_local_languagetool):
    with auto_grammar_scorer(Settings(languagetool_url=closed_port_url())) as scorer:
        assert isinstance(scorer, HarperGrammarScorer)
        assert scorer.signature()["name"] == "harper"
        [result] = scorer.score(segments("He go to school."))
        assert result.raw["backend"] == "harper"


def test_auto_uses_harper_without_url_or_local_install(no_local_languagetool):
    with component("grammar", "auto").build(Settings()) as scorer:
        assert isinstance(scorer, HarperGrammarScorer)


def test_languagetool_without_server_or_install_is_a_model_error(no_local_languagetool):
    with pytest.raises(ModelError, match="LTP_JAR_DIR_PATH"):
        LanguageToolGrammarScorer(Settings(grammar="languagetool"))


def test_languagetool_unreachable_url_is_a_model_error():
    url = closed_port_url()
    with pytest.raises(ModelError, match=re.escape(url)) as error:
        LanguageToolGrammarScorer(Settings(grammar="languagetool", languagetool_url=url))
    assert "\n" not in str(error.value)


def test_a_server_that_is_not_languagetool_is_a_one_line_model_error(languagetool_url):
    # The stand-in answers 404 (an HTML page) off the API, as any other web server would.
    url = languagetool_url + "/not-languagetool"
    with pytest.raises(ModelError, match="does not answer") as error:
        LanguageToolGrammarScorer(Settings(grammar="languagetool", languagetool_url=url))
    assert "\n" not in str(error.value)


def test_broken_local_install_is_a_model_error(tmp_path, monkeypatch):
    # A real `java` is started on a file that is not a jar: it exits, and we say so.
    (tmp_path / "languagetool-server.jar").write_bytes(b"not a jar")
    monkeypatch.setenv("LTP_JAR_DIR_PATH", str(tmp_path))
    expected = "did not start" if shutil.which("java") else "needs Java"
    with pytest.raises(ModelError, match=expected):
        LanguageToolGrammarScorer(Settings(grammar="languagetool"))
