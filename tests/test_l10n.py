"""Localisation: placeholders, untranslated text, PO semantics, normalisation, and scoring that
knows which target languages its models read. Each test stands for a whole kind of fault."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from mtqa.core.config import Settings
from mtqa.core.documents import DimensionResult, Document, Issue, Segment
from mtqa.core.errors import InputError
from mtqa.core.risk import RiskModel, is_localisation
from mtqa.readers import read_text
from mtqa.scorers.checks import ChecksScorer
from mtqa.scorers.checks.marks import unbalanced_marks
from mtqa.scorers.checks.numbers import check_numbers
from mtqa.scorers.checks.placeholders import check_placeholders
from mtqa.scorers.checks.tags import check_tags
from mtqa.scorers.checks.untranslated import check_untranslated
from mtqa.text.language import prose_words
from mtqa.text.normalise import NormalisedText, normalised_segments
from mtqa.text.numbers import number_differences
from mtqa.text.placeholders import detect_syntaxes, placeholders_in
from mtqa.text.segmenter import abbreviation_spans, segment_text


def unit(text: str, source: str, flags: tuple[str, ...] = (), target_lang: str = "de", source_lang: str = "en",
         **meta) -> Segment:
    segment = Segment(text, 0, 0, len(text), source=source, kind="unit", meta={"flags": list(flags), **meta})
    Document("file.po", "po", [segment], source_lang=source_lang, target_lang=target_lang)
    return segment


def found(outcome) -> list[tuple[str, str]]:
    return [(i.rule, i.message) for i in outcome.issues]


# --- placeholders ---------------------------------------------------------------------------

@pytest.mark.parametrize(("source", "target", "flags", "rule", "span"), [
    ("Deleted %(count)d files", "%(anzahl)d Dateien gelöscht", ("python-format",), "checks/placeholder-renamed",
     "%(anzahl)d"),
    ("Hello {name}", "Hallo {Name}", ("python-brace-format",), "checks/placeholder-renamed", "{Name}"),
    ("%1$s of %2$s", "%1$s von %3$s", ("c-format",), "checks/placeholder-renamed", "%3$s"),
    ("%-5.2f MB free", "%-5.2d MB frei", ("c-format",), "checks/placeholder-renamed", "%-5.2d"),
    ("%@ was shared", "%d wurde geteilt", ("objc-format",), "checks/placeholder-renamed", "%d"),
    ("{name!r:>10} failed", "{name!r:>10} fehlgeschlagen {extra}", ("python-brace-format",),
     "checks/placeholder-added", "{extra}"),
    ("Hi {{ user }}", "Hallo {{ benutzer }}", (), "checks/placeholder-renamed", "{{ benutzer }}"),
    ("Total: ${amount}", "Summe: ${betrag}", (), "checks/placeholder-renamed", "${betrag}"),
    ("%1 of %2 files", "%1 von %3 Dateien", ("qt-format",), "checks/placeholder-renamed", "%3"),
    ("Page {0} of {1}", "Seite {0} von {2}", ("csharp-format",), "checks/placeholder-renamed", "{2}"),
    ("You have {count} items", "Sie haben Elemente", (), "checks/placeholder-missing", ""),
])
def test_each_placeholder_syntax_reports_at_the_placeholder(source, target, flags, rule, span) -> None:
    segment = unit(target, source, flags)
    issues = [i for i in check_placeholders(segment).issues if i.rule == rule]
    assert issues, found(check_placeholders(segment))
    assert segment.text[issues[0].start:issues[0].end] == span
    # In an entry that declares its format it is a certain break (critical: the segment fails);
    # in a syntax only detected in the text, major.
    assert issues[0].severity == ("critical" if flags else "major")


def test_placeholders_kept_in_any_order_or_repeated_pass() -> None:
    assert not check_placeholders(unit("%(b)s und %(a)s, %(a)s", "%(a)s and %(b)s", ("python-format",))).issues
    assert not check_placeholders(unit("%2$s, dann %1$s", "%s then %s", ("c-format",))).issues
    assert not check_placeholders(unit("{1} von {0}", "{0} of {1}", ())).issues


def test_unnumbered_arguments_in_another_order_change_the_meaning() -> None:
    outcome = check_placeholders(unit("%d Dateien in %s", "In %s: %d files", ("c-format",)))
    assert [(i.rule, i.severity) for i in outcome.issues] == [("checks/placeholder-order", "critical")]


# (flags, msgid, msgstr, what msgfmt --check-format says: "ok" or "break")
FORMAT_PAIRS = [
    ("python-format", "%(name)s", "%(name)r", "ok"),  # both take any object
    ("python-format", "%(n)d", "%(n)x", "ok"),  # any integer
    ("python-format", "%(n)d", "%(n)s", "break"),
    ("python-format", "%ld", "%d", "ok"),  # Python ignores a length modifier
    ("python-format", "range 1-%d: %r", "Bereich 1-%lld: %r", "break"),
    ("python-format", "%s %s", "%(a)s %s", "break"),  # named beside unnamed: TypeError
    ("python-format", "%d forms", "%lld forms", "break"),  # Python knows one-letter lengths only
    ("python-format", "%s KB", "%1$s KB", "break"),  # ... and no argument numbers
    ("python-format", "%(value)s billion", "%(value).s мільярд", "ok"),  # precision 0 (Django's be)
    ("c-format", "%zu", "%u", "break"),  # another size
    ("c-format", "%lu", "%llu", "break"),
    ("c-format", "%hd", "%d", "break"),
    ("c-format", "%qd", "%lld", "ok"),  # q is BSD's ll
    ("c-format", "%lf", "%f", "ok"),
    ("c-format", "%d", "%u", "break"),  # signed and unsigned
    ("c-format", "%x", "%u", "ok"),
    ("c-format", "%d", "%i", "ok"),
    ("c-format", "%ls and %lc", "%S und %C", "ok"),  # %S is %ls
    ("c-format", "%lld", "%Ld", "ok"),
    ("c-format", "%*d items", "%d Elemente", "break"),  # the * takes an argument of its own
    ("c-format", "%.*s of %s", "%.*s von %s", "ok"),
    ("c-format", "%s of %s", "%2$s von %s", "break"),  # numbered beside unnumbered
    ("c-format", "%s of %s", "%2$s von %1$s", "ok"),
    ("java-printf-format", "%d", "%s", "break"),
    ("javascript-format", "Available %s", "Beskikbare %1$s", "ok"),  # JavaScript has argument numbers
    ("javascript-format", "%d", "%x", "ok"),
    ("javascript-format", "%d", "%u", "break"),
    ("python-format", "%b %d, %Y", "%b %lld, %Y", "ok"),  # a strftime pattern is no Python format string
    ("python-format", "Progress: %(percent)s%%", "Progression : %(percent)s %", "break"),  # a lone %
    ("python-format", "%(percent)s%% done", "%(percent)s % terminé", "break"),  # "% t" is no conversion
    ("c-format", "100%% done: %s", "100 % fertig: %s", "break"),  # "% f" takes the argument
    ("python-format", "%d%% done", "%d%% erledigt", "ok"),
    ("java-format", "Delete {0}?", "L'effacer {0} ?", "break"),  # the apostrophe quotes {0}
    ("java-format", "Delete {0}?", "L''effacer {0} ?", "ok"),
    # the format type of an argument: any object, a number (number, choice) or a date (date, time)
    ("java-format", "{0,number} files", "{0} Dateien", "break"),
    ("java-format", "{0} files", "{0,number} Dateien", "break"),
    ("java-format", "on {0,date}", "am {0,number}", "break"),
    ("java-format", "on {0,date,short}", "um {0,time,long}", "ok"),
    ("java-format", "{0,number,integer} files", "{0,number,#.##} Dateien", "ok"),
    ("java-format", "{0,choice,0#no files|1#one file}", "{0} Dateien", "break"),
    ("java-format", "{0,number} files", "{0,choice,0#keine|1#eine} Datei", "ok"),  # a choice takes a number
    ("java-format", "{0} files", "{0,choice,0#keine|1#eine} Datei", "break"),
    ("java-format", "{0} of {0,number}", "{0} von {0}", "break"),  # the argument is a number
    ("java-format", "{1,number} of {0}", "{0} von {1}", "break"),
    ("qt-format", "%1 of %2", "%2 von %1", "ok"),
    ("qt-format", "%L1 files", "%1 Dateien", "ok"),
    ("qt-format", "%1 files", "%L1 Dateien", "break"),  # msgfmt: the msgid is simple, the msgstr not
    ("qt-plural-format", "%n files", "%Ln Dateien", "ok"),
    ("qt-plural-format", "%n files", "Dateien", "break"),  # the count is an argument too
]


@pytest.mark.parametrize(("flag", "source", "target", "msgfmt"), FORMAT_PAIRS)
def test_format_strings_are_compared_as_msgfmt_compares_them(flag, source, target, msgfmt) -> None:
    issues = check_placeholders(unit(target, source, (flag,))).issues
    assert ("break" if any(i.severity == "critical" for i in issues) else "ok") == msgfmt, found(
        check_placeholders(unit(target, source, (flag,))))


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is not installed")
def test_the_format_pairs_are_what_msgfmt_says(tmp_path: Path) -> None:
    catalogue = tmp_path / "pairs.po"
    for flag, source, target, expected in FORMAT_PAIRS:
        catalogue.write_text(f'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n#, {flag}\n'
                             f'msgid "{source}"\nmsgstr "{target}"\n', "utf-8")
        checked = subprocess.run(["msgfmt", "--check-format", "-o", os.devnull, str(catalogue)], capture_output=True)
        assert ("break" if checked.returncode else "ok") == expected, (flag, source, target, checked.stderr)


def test_mixed_arguments_are_found_on_the_odd_placeholder_with_its_numbered_form() -> None:
    [issue] = check_placeholders(unit("%2$s von %s", "%s of %s", ("c-format",))).issues
    assert (issue.rule, issue.start, issue.end, issue.suggestions) == ("checks/placeholder-mixed", 0, 4, [])
    [issue] = check_placeholders(unit("%s von %2$s", "%1$s of %2$s", ("c-format",))).issues
    assert (issue.rule, issue.start, issue.end, issue.suggestions) == ("checks/placeholder-mixed", 0, 2, ["%1$s"])


def test_a_lone_percent_sign_is_found_where_it_stands_with_its_fix() -> None:
    [issue] = check_placeholders(unit("100 % fertig: %s", "100%% done: %s", ("c-format",))).issues
    assert (issue.rule, issue.start, issue.end, issue.suggestions) == ("checks/placeholder-percent", 4, 6, ["%%"])
    # Undeclared text whose source has a lone % itself is not read as a format string.
    assert not check_placeholders(unit("%s à 100 %", "%s at 100%")).issues


@pytest.mark.parametrize(("flag", "form_0", "rules"), [
    ("python-format", "Eine Datei", ["checks/placeholder-missing"] * 2),  # "Eine Datei" % (1, d) raises
    ("c-format", "Eine Datei", []),  # printf ignores arguments left over
    ("python-format", "Eine Datei in %s", ["checks/placeholder-missing"]),  # %s now gets the count
    ("c-format", "Eine Datei in %s", ["checks/placeholder-missing"]),
])
def test_a_plural_form_for_one_count_may_drop_the_count_only_where_the_format_allows(flag, form_0, rules) -> None:
    po = ('msgid ""\nmsgstr "Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
          f'#, {flag}\nmsgid "%d file in %s"\nmsgid_plural "%d files in %s"\nmsgstr[0] "{form_0}"\n'
          'msgstr[1] "%d Dateien in %s"\n')
    one, many = read_text("de.po", po, "po").segments
    assert [i.rule for i in check_placeholders(one).issues] == rules
    assert all("wrong values" in i.message for i in check_placeholders(one).issues if "%s" in form_0)
    assert not check_placeholders(many).issues


def test_a_plural_form_for_many_counts_that_drops_a_named_count_is_for_review_not_a_break() -> None:
    # msgfmt accepts it and nothing raises, but "один файл" also serves 21 and 31 files.
    po = ('msgid ""\nmsgstr "Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && '
          '(n%100<10 || n%100>=20) ? 1 : 2);\\n"\n\n#, python-format\nmsgid "%(n)d file"\nmsgid_plural "%(n)d files"\n'
          'msgstr[0] "один файл"\nmsgstr[1] "%(n)d файла"\nmsgstr[2] "%(n)d файлов"\n')
    one = read_text("ru.po", po, "po").segments[0]
    assert [(i.rule, i.severity) for i in check_placeholders(one).issues] == [("checks/placeholder-missing", "major")]


def test_a_dropped_unnumbered_argument_is_named_as_the_one_missing() -> None:
    # printf("%d Dateien", name, count) passes the name to %d: the %s is what was lost.
    [issue] = check_placeholders(unit("%d Dateien", "%s has %d files", ("c-format",))).issues
    assert (issue.rule, issue.suggestions, issue.severity) == ("checks/placeholder-missing", ["%s"], "critical")
    assert "wrong values" in issue.message
    [last] = check_placeholders(unit("%s hat Dateien", "%s has %d files", ("c-format",))).issues
    assert last.suggestions == ["%d"] and "wrong values" not in last.message  # nothing after it moved


def test_a_lone_apostrophe_of_a_java_message_format_is_found() -> None:
    [issue] = check_placeholders(unit("{0} c'est tout", "{0} that''s all", ("java-format",))).issues
    assert (issue.rule, issue.severity, issue.start, issue.suggestions) == (
        "checks/message-format-apostrophe", "major", 5, ["''"])
    # A source that quotes on purpose ('{0}' printed as is) sets the pattern's rules.
    assert not check_placeholders(unit("'{0}' est littéral {0}", "'{0}' is literal {0}", ("java-format",))).issues
    assert not check_placeholders(unit("C'est {0}", "It is {0}", ("python-brace-format",))).issues


def test_format_flags_decide_the_syntax() -> None:
    # python-brace-format: {{ is an escaped brace, not a placeholder; no-python-format: % is text.
    assert not check_placeholders(unit("{{Wert}} ist {value}", "{{value}} is {value}", ("python-brace-format",))).issues
    assert not check_placeholders(unit("100% sicher", "100%s sure", ("no-python-format", "no-c-format"))).issues
    # Undeclared text: "50% off" is no conversion.
    assert detect_syntaxes("Save 50% off today") == frozenset()
    assert not check_placeholders(unit("Sparen Sie 50 % heute", "Save 50% off today")).issues


def test_icu_keywords_and_selectors_stay_untranslated() -> None:
    source = "{count, plural, one {# file} other {# files}}"
    translated = unit("{count, plural, eins {# Datei} andere {# Dateien}}", source)
    assert {i.rule for i in check_placeholders(translated).issues} == {"checks/message-format"}
    keyword = unit("{count, Mehrzahl, one {# Datei} other {# Dateien}}", source)
    assert [i.suggestions for i in check_placeholders(keyword).issues] == [["plural"]]
    # More plural categories than English has are right in Russian or Polish.
    assert not check_placeholders(unit("{count, plural, one {# файл} few {# файла} many {# файлов} other {# файла}}",
                                        source, target_lang="ru")).issues
    assert [p.key for p in placeholders_in("{n, plural, one {in {folder}} other {in {folder}}}", ["brace"])] == \
        ["n", "folder", "folder"]


def test_a_plural_form_for_one_count_may_spell_the_number_out() -> None:
    po = ('msgid ""\nmsgstr "Language: ar\\nPlural-Forms: nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : '
          'n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5;\\n"\n\n#, python-format\nmsgid "%(size)d byte"\n'
          'msgid_plural "%(size)d bytes"\nmsgstr[0] "لا بايت"\nmsgstr[1] "بايت واحد"\nmsgstr[2] "بايتان"\n'
          'msgstr[3] "%(size)d بايتات"\nmsgstr[4] "%(size)d بايتًا"\nmsgstr[5] "بايت"\n')
    segments = read_text("ar.po", po, "po").segments
    missing = [s.meta["plural"]["form"] for s in segments if check_placeholders(s).issues]
    assert missing == [5]  # forms 0-2 serve one count each; form 5 serves many and lost %(size)d


# --- numbers ------------------------------------------------------------------------------

@pytest.mark.parametrize("grouped", ["25 000", "25\u00a0000", "25\u202f000", "25\u2009000", "25'000"])
def test_thousands_separators_of_every_locale(grouped: str) -> None:
    assert number_differences("The limit is 25,000 characters.", f"Limit {grouped} znaků.") == ([], [])


def test_digits_inside_placeholders_are_not_numbers() -> None:
    # numbering the arguments is what checks/placeholder-order advises; a precision is code
    for target, source in [("%2$d Dateien hat %1$s", "%s has %d files"), ("{1} von {0}", "{} of {}"),
                           ("%.2f MB frei", "%5.2f MB free")]:
        assert not check_numbers(unit(target, source, ("c-format",))).issues, target
    assert [i.rule for i in check_numbers(unit("Seite 6 von %d", "Page 5 of %d", ("c-format",))).issues] == [
        "checks/number-mismatch"]


def test_a_space_between_two_numbers_is_not_a_thousands_separator_when_the_target_says_so() -> None:
    assert number_differences("Chapter 5: 100 years", "Kapitel 5 100 Jahre") == ([], [])


def test_a_form_for_few_counts_may_spell_the_count_out_and_a_fuzzy_break_is_not_certain() -> None:
    from mtqa.readers.po import few_count_forms

    # French uses form 0 for n = 0 and 1, as msgfmt --check-format allows; a form for many counts may not
    assert few_count_forms("nplurals=2; plural=(n > 1);") == {0}
    assert few_count_forms("nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
                           "(n%100<10 || n%100>=20) ? 1 : 2);") == frozenset()
    plural = {"form": 0, "msgid": "%(count)d file was deleted", "msgid_plural": "%(count)d files were deleted",
              "few_counts": True, "forms": 2, "nplurals": 2}
    assert not check_placeholders(unit("un fichier a été supprimé", plural["msgid"], ("python-format",),
                                       target_lang="fr", plural=plural)).issues
    [renamed] = check_placeholders(unit("%(name)s löschen?", "Delete %(title)s?", ("fuzzy", "python-format"),
                                        fuzzy=True)).issues
    assert (renamed.rule, renamed.severity) == ("checks/placeholder-renamed", "major")


def test_plural_forms_may_carry_the_count_as_a_placeholder() -> None:
    segment = unit("%d фотография ждёт загрузки", "1 photo is waiting", ("c-format",), target_lang="ru",
                   plural={"form": 0, "msgid": "1 photo is waiting", "msgid_plural": "%d photos are waiting",
                           "few_counts": False, "forms": 3, "nplurals": 3})
    assert not check_numbers(segment).issues


# --- untranslated and language identification ---------------------------------------------

@pytest.mark.parametrize(("target", "source", "language"), [
    ("Sortierung: %(priority_number)s", "Sort priority: %(priority_number)s", "de"),
    ("La liste des options est disponible dans le menu principal.",
     "The list of options is available in the main menu.", "fr"),
    ("Le code source de la version actuelle est sur le serveur.",
     "The source code of the current version is on the server.", "fr"),
    ("El servidor no responde.", "The server does not respond.", "es"),
    ("OK", "OK", "de"), ("IPv6", "IPv6", "fr"), ("%(name)s", "%(name)s", "es"), ("Django", "Django", "it"),
    ("Filter", "Filter", "de"), ("Text", "Text", "de"), ("Udmurt", "Udmurt", "fr"),
    ("Django 文档", "Django Documentation", "zh"), ("a.m.", "a.m.", "nl"),
])
def test_translations_and_strings_the_same_in_both_languages_are_not_untranslated(target, source, language) -> None:
    assert not check_untranslated(unit(target, source, target_lang=language)).issues


@pytest.mark.parametrize(("target", "source", "language", "what"), [
    ("Restart the application to apply the changes.", "Restart the application to apply the changes.", "fr",
     "identical"),
    ("Delete %(name)s", "Delete %(object)s", "de", "identical"),
    ("Save", "Save", "de", "identical"),
    ("Please restart the server now.", "Restart the application to apply the changes.", "de", "source language"),
    ("Delete selected items", "Delete all", "ja", "source language"),
])
def test_targets_left_in_the_source_language_are_found(target, source, language, what) -> None:
    [issue] = check_untranslated(unit(target, source, target_lang=language)).issues
    assert what in issue.message and (issue.start, issue.end) == (0, len(target))


def test_identification_sets_aside_what_is_in_no_language() -> None:
    text = 'See <a href="https://x.org">Django</a> %(count)d times at 5 p.m., IPv4 {name}'
    assert prose_words(text, "Django docs") == ["See", "times", "at"]


# --- PO semantics --------------------------------------------------------------------------

PO = ('msgid ""\nmsgstr ""\n"Language: de\\n"\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
      'msgid "Open"\nmsgstr "Öffnen"\n\nmsgid "Close"\nmsgstr ""\n\n#, fuzzy\nmsgid "Quit"\nmsgstr "Beenden"\n\n'
      'msgid "%d file"\nmsgid_plural "%d files"\nmsgstr[0] "%d Datei"\n')


def checks_of(document: Document, settings: Settings | None = None) -> dict[str, list[str]]:
    scorer = ChecksScorer(settings or Settings())
    accepted = [s for s in document.segments if scorer.accepts(s, "de")]
    return {s.id: [i.rule for i in r.issues] for s, r in zip(accepted, scorer.score(accepted), strict=True)}


def test_empty_targets_fuzzy_entries_and_missing_plural_forms_are_reported() -> None:
    found_rules = checks_of(read_text("messages.po", PO, "po"))
    assert found_rules["Close"] == ["checks/empty-target"]
    assert found_rules["Quit"] == ["checks/fuzzy"]
    assert found_rules["%d file[0]"] == ["checks/plural-forms"]
    assert "Close" not in checks_of(read_text("messages.po", PO, "po"), Settings(include_untranslated=False))


def test_an_empty_target_is_reported_once_as_empty() -> None:
    po = ('msgid ""\nmsgstr "Language: de\\n"\n\nmsgid "Open"\nmsgstr "Öffnen"\n\n#, python-format\n'
          'msgid "This will <strong>delete</strong> %(count)d files"\nmsgstr ""\n')
    assert checks_of(read_text("messages.po", po, "po"))["This will <strong>delete</strong> %(count)d files"] == [
        "checks/empty-target"]


def test_templates_have_no_empty_targets_to_report() -> None:
    template = 'msgid ""\nmsgstr ""\n\nmsgid "Open"\nmsgstr ""\n\nmsgid "Close"\nmsgstr ""\n'
    for name in ("messages.pot", "messages.po"):
        document = read_text(name, template, "po")
        assert document.meta["template"] and checks_of(document) == {}
    xliff = ('<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file source-language="en" '
             'target-language="de" original="x"><body><trans-unit id="1"><source>Open</source></trans-unit>'
             '</body></file></xliff>')
    assert checks_of(read_text("new.xlf", xliff, "xliff")) == {}


# --- normalisation, markup, quotes, sentences -----------------------------------------------

def test_findings_in_nfd_text_point_into_the_text_as_given() -> None:
    text = "Zu\u0308rich hat 25 Cafe\u0301s."
    segment = Segment(text, 0, 0, len(text), source="Zürich has 26 cafés.")
    Document("x.tsv", "tsv", [segment], target_lang="de")
    [normalised], mappings = normalised_segments([segment])
    assert normalised.text == "Zürich hat 25 Cafés." and normalised.source == segment.source
    [issue, *_] = check_numbers(normalised).issues
    start, end = mappings[0].original_span(issue.start, issue.end)
    assert text[start:end] == "25"
    nfc = NormalisedText.of(text)
    assert text[slice(*nfc.original_span(0, 6))] == "Zu\u0308rich"


def test_markup_in_po_text_is_compared_as_tags() -> None:
    source = 'View <a href="https://docs.example.com/en/">release notes</a>'
    assert not check_tags(unit('Voir les <a href="https://docs.example.com/fr/">notes</a>', source)).issues
    [issue] = check_tags(unit("Voir les notes</a>", source)).issues
    assert issue.rule == "checks/tag-mismatch" and "<a>" in issue.message


@pytest.mark.parametrize("quoted", ["Er sagte „Hallo“.", "Powiedział „cześć”.", "Er sagte »Hallo«.",
                                    "Il a dit « bonjour ».", "قال ”مرحبا“."])
def test_quotation_marks_of_other_languages_pair_up(quoted: str) -> None:
    assert unbalanced_marks(quoted) == []


def test_sentences_end_after_abbreviations_only_before_a_new_sentence() -> None:
    texts = [s.text for s in segment_text("We met at 9 p.m. The show had ended. He works for the U.S. Army in "
                                          "Texas. Smith et al. The results held.")]
    assert texts == ["We met at 9 p.m.", "The show had ended.", "He works for the U.S. Army in Texas.",
                     "Smith et al.", "The results held."]
    assert abbreviation_spans("at 7 a.m. with Dr. Ng, e.g. here") == [(5, 9), (15, 18), (23, 27)]


# --- language-aware scoring ----------------------------------------------------------------

def test_a_german_target_of_an_english_source_is_judged_by_the_l10n_model() -> None:
    segment = unit("Die Rechnung wurde gesendet.", "The invoice was sent.")
    model = RiskModel.load()
    assert "l10n" in model.models and is_localisation(segment, {}, "de")
    # Its verdicts rest on checks a person can verify: no base rate among its features.
    assert not [name for name in model.models["l10n"].features if "source_log_length" in name]
    measured = {"length_evidence": 0.0, "numbers_missing": 0, "placeholders_missing": 0}
    clean = model.combine(segment, {"checks": DimensionResult(1.0, measured, [])}, "de")
    assert clean.verdict == "ok" and clean.raw["risk"]["mode"] == "l10n"
    # With nothing the model reads measured there is nothing to give a risk for: skipped, or
    # decided by a finding's severity alone.
    assert (model.combine(segment, {}, "de").verdict, model.combine(segment, {}, "de").risk) == ("skipped", None)
    spaced = Issue("checks", 3, 5, "double space", "checks/double-space", ["  "], "minor")
    renamed = Issue("checks", 0, 3, "placeholder renamed", "checks/placeholder-renamed", [], "critical")
    for issue, verdict in ((spaced, "ok"), (renamed, "fail")):
        judged = model.combine(segment, {"checks": DimensionResult(0.9, {"issues": 1}, [issue])}, "de")
        assert (judged.verdict, judged.risk) == (verdict, None)


class LanguageToolWithGerman:
    """The stand-in LanguageTool server of test_grammar, listing German too."""

    @staticmethod
    def handler():
        from tests.test_grammar import LanguageToolContract

        class Handler(LanguageToolContract):
            def do_GET(self) -> None:
                self._reply([{"name": "English (US)", "code": "en", "longCode": "en-US"},
                             {"name": "German", "code": "de", "longCode": "de"},
                             {"name": "German (Germany)", "code": "de", "longCode": "de-DE"}])
        return Handler


@pytest.fixture
def languagetool_de() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), LanguageToolWithGerman.handler())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_languagetool_checks_each_segment_in_its_target_language(languagetool_de: str) -> None:
    from mtqa.core.pipeline import Pipeline
    from tests.test_grammar import LanguageToolContract

    settings = Settings(grammar="languagetool", languagetool_url=languagetool_de, fluency="none", drift="none",
                        checks="none")
    german, japanese = unit("Er geht nach Hause.", "He goes home."), unit("家に帰る。", "He goes home.",
                                                                          target_lang="ja")
    with Pipeline(settings) as pipeline:
        assert pipeline.scorers["grammar"].languages == frozenset({"en", "de"})
        results = pipeline.score_segments([german, japanese])
    assert json.loads(json.dumps(LanguageToolContract.requests[-1]["language"])) == ["de"]
    assert results[0]["grammar"].score is not None
    assert results[1]["grammar"].raw == {"unsupported_language": "ja"}


def test_drift_against_a_german_reference_uses_only_what_reads_german(tmp_path: Path) -> None:
    from mtqa.scorers.drift import DriftScorer

    segment = Segment("Die Rechnung wurde gesendet.", 0, 0, 28, reference="Die Rechnung wurde verschickt.")
    Document("x.tsv", "tsv", [segment], target_lang="de")
    context = Segment("Das ist ein Satz.", 0, 0, 17)
    Document("y.txt", "txt", [context], target_lang="de")
    [against, alone] = DriftScorer(Settings()).score([segment, context])
    assert set(against.raw) == {"chrf", "ter", "number_mismatches", "against", "mode"} and against.score > 0.3
    assert alone.score is None and alone.raw["unsupported_language"] == "de"


# --- target language of a file that declares none ---------------------------------------------

LOCALES_TABLE = ("id\tlocale\tsource\ttarget\n"
                 "1\tde\tSave the file before you close the window.\tSpeichern Sie die Datei, bevor Sie das Fenster "
                 "schließen.\n"
                 "2\tfr\tYou have {count} new messages.\tVous avez {nombre} nouveaux messages.\n"
                 "3\tde\tClose the window.\tClose the window.\n"
                 "4\tja\tThe file could not be saved.\tファイルを保存できませんでした。\n")


@pytest.mark.slow
def test_each_row_of_a_table_of_several_languages_is_read_in_its_own(tmp_path) -> None:
    from mtqa.cli import main

    rows = tmp_path / "strings.tsv"
    rows.write_text(LOCALES_TABLE, "utf-8")
    out = tmp_path / "report.jsonl"
    main(["check", str(rows), "--format", "jsonl", "-o", str(out), "--no-progress"])
    results = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    # The English models abstain on every row, each in its own language (not one guess for the file).
    languages = ("de", "fr", "de", "ja")
    assert [r["raw"]["fluency"] for r in results] == [{"unsupported_language": lang} for lang in languages]
    assert [[i["rule"] for i in r["issues"]] for r in results] == [
        [], ["checks/placeholder-renamed"], ["checks/untranslated"], []]


def test_a_table_language_column_sets_each_rows_language_and_must_hold_tags() -> None:
    document = read_text("strings.tsv", LOCALES_TABLE, "tsv")
    assert [s.language("en") for s in document.segments] == ["de", "fr", "de", "ja"]
    assert document.segments[1].meta["target_lang"] == "fr" and "locale" not in document.segments[1].meta
    with pytest.raises(InputError, match=r"strings.tsv: line 2: target_lang 'Deutsch!' is not a language tag"):
        read_text("strings.tsv", "target\tlanguage\nHallo\tDeutsch!\n", "tsv")


@pytest.mark.slow
def test_rows_no_scorer_reads_are_skipped_with_the_reason_not_given_a_base_rate(tmp_path) -> None:
    from mtqa.cli import main

    rows = tmp_path / "rows.tsv"
    rows.write_text("target\nDie Rechnung wurde gestern an den Kunden geschickt.\n"
                    "Bitte melden Sie sich erneut an, um fortzufahren.\n", "utf-8")
    out, junit, github, markdown = (tmp_path / name for name in ("report.jsonl", "junit.xml", "github", "summary.md"))
    assert main(["check", str(rows), "--format", "jsonl", "-o", str(out), "--report", f"junit={junit}",
                 "--report", f"github={github}", "--report", f"markdown={markdown}", "--no-progress"]) == 0
    results = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    reason = ("not scored: mtqa's models do not read language 'de', and there is no source or reference to "
              "compare with (give one, or a model for the language)")
    assert [(r["verdict"], r["risk"], r["reasons"]) for r in results] == [("skipped", None, [reason])] * 2
    assert junit.read_text("utf-8").count(f'<skipped message="{reason}"') == 2
    # A CI run that judged nothing says so, though it passes.
    assert github.read_text("utf-8") == f"::notice file={rows},title=mtqa::2 of 2 segments {reason}\n"
    assert "0 ok, 0 review, 0 fail, 2 skipped (not scored, empty or page furniture)" in markdown.read_text("utf-8")


GERMAN_TABLE = ("id\tsource\ttarget\n1\tHello {name}, welcome!\tHallo {name}, willkommen!\n"
                "2\tYou have {count} files.\tSie haben {anzahl} Dateien.\n"
                "3\tThe price is 200 dollars.\tDer Preis beträgt 300 Dollar.\n"
                "4\tClose the window.\tClose the window.\n")


@pytest.mark.slow
@pytest.mark.parametrize("options", [[], ["--language", "de-DE"]])
def test_german_rows_of_a_table_are_judged_as_german_not_as_english_rewrites(tmp_path, options) -> None:
    from mtqa.cli import main

    rows = tmp_path / "rows.tsv"
    rows.write_text(GERMAN_TABLE, "utf-8")
    out = tmp_path / "report.jsonl"
    assert main(["check", str(rows), "--format", "jsonl", "-o", str(out), "--no-progress", *options]) == 0
    results = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    # English models abstain (no English spelling advice on German words); the checks find the faults.
    for result in results:
        assert result["raw"]["fluency"] == result["raw"]["grammar"] == {"unsupported_language": "de"}
    assert [r["verdict"] for r in results] == ["ok", "review", "review", "review"]
    assert [[i["rule"] for i in r["issues"]] for r in results[1:]] == [
        ["checks/placeholder-renamed"], ["checks/number-mismatch"], ["checks/untranslated"]]
