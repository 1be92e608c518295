from collections.abc import Iterator

from mtqa.core.documents import Document, Segment
from mtqa.text.language import (
    ENGLISH_SHARE,
    IDENTIFY_WORDS,
    comparison_mode,
    english_share,
    identify_language,
    identify_rows,
    identify_target_language,
    primary,
    set_identified_language,
    source_language,
)


def test_primary_subtag() -> None:
    assert primary("en-US") == "en" and primary("pt_BR") == "pt" and primary(None) == ""


def test_english_share_separates_english_from_other_languages() -> None:
    assert english_share("The cat sat on the mat and looked at the garden.") > 0.9
    # wordfreq's English list knows "die", "der", "und": German still stays below the bar.
    assert english_share("Die Katze saß auf der Matte und schaute in den Garten.") < ENGLISH_SHARE
    assert english_share("猫坐在垫子上。") == 0.0


def test_an_english_source_is_compared_directly_only_with_an_english_target() -> None:
    document = Document("doc.xlf", "xliff", target_lang="de")
    document.add(Segment("Die Hand ist warm.", 0, 0, 18, source="The hand is warm."))
    segment = document.segments[0]
    assert source_language(segment) == "en"
    assert comparison_mode(segment, segment.language("en-US")) == "crosslingual"
    rewrite = Segment("The hand feels warm.", 0, 0, 20, source="The hand is warm.")
    assert comparison_mode(rewrite, rewrite.language("en-US")) == "reference"


def test_a_reference_always_allows_direct_comparison_and_nothing_means_context() -> None:
    assert comparison_mode(Segment("x", 0, 0, 1, reference="y", source="猫"), "en") == "reference"
    assert comparison_mode(Segment("x", 0, 0, 1), "en") == "context"


def table(rows: list[tuple[str, str]], target_lang: str | None = None) -> Document:
    document = Document("rows.tsv", "tsv", target_lang=target_lang)
    for source, target in rows:
        document.add(Segment(target, len(document.segments), 0, len(target), source=source, kind="row"))
    return document


GERMAN_ROWS = [("Hello {name}, welcome!", "Hallo {name}, willkommen!"),
               ("You have {count} files.", "Sie haben {anzahl} Dateien."),
               ("The price is 200 dollars.", "Der Preis beträgt 300 Dollar."),
               ("Close the window.", "Close the window.")]


def test_a_file_that_declares_no_target_language_is_read_in_the_one_its_text_is_in() -> None:
    german = table(GERMAN_ROWS)
    identify_target_language(german, "en-US")
    assert german.target_lang == "de"
    segment = german.segments[0]
    assert comparison_mode(segment, segment.language("en-US")) == "crosslingual"
    # English text keeps the configured language; so do a declared one and text too short to tell.
    english = table([(target, source) for source, target in GERMAN_ROWS])
    identify_target_language(english, "en-US")
    assert english.target_lang is None
    declared = table(GERMAN_ROWS, target_lang="fr")
    identify_target_language(declared, "en-US")
    assert declared.target_lang == "fr"
    short = table(GERMAN_ROWS[:1])
    identify_target_language(short, "en-US")
    assert short.target_lang is None


def test_short_ui_strings_and_chinese_are_told_from_english_by_their_words_and_script() -> None:
    spanish = table([("Save", "Guardar"), ("Cancel", "Cancelar"), ("Settings", "Configuración"),
                     ("Log out", "Cerrar sesión"), ("Close window", "Cerrar ventana")])
    # Which language five UI strings are is unsure (py3langid picks Galician); not English is what matters.
    assert identify_target_language(spanish, "en-US") not in (None, "en")
    chinese = table([("Save", "保存"), ("Cancel", "取消"), ("Settings", "设置")])
    assert identify_target_language(chinese, "en-US") == "zh"
    english = table([("Guardar", "Save"), ("Cancelar", "Cancel"), ("Configuración", "Settings"),
                     ("Cerrar sesión", "Log out"), ("Cerrar ventana", "Close window")])
    assert identify_target_language(english, "en-US") is None
    # configured German, English text: read as English (its word frequencies, its models)
    assert identify_target_language(table([(t, s) for s, t in GERMAN_ROWS] * 3), "de-DE") == "en"


def test_a_file_is_identified_once_from_its_first_words() -> None:
    # A decision recorded on a document (a chunk of a long table gets its file's) stands,
    # even where its own text would say otherwise.
    chunk = table(GERMAN_ROWS)
    set_identified_language(chunk, None)
    assert identify_target_language(chunk, "en-US") is None and chunk.target_lang is None
    # A streamed table is read no further than the words identification needs.
    rows = table(GERMAN_ROWS * IDENTIFY_WORDS).segments

    def streamed() -> Iterator[Segment]:
        yield from rows
        raise AssertionError("read past the words identification needs")

    assert identify_language(streamed(), "en-US") == "de"


MIXED_ROWS = [("", "The council approved the new budget on Tuesday."),
              ("", "Die Rechnung wurde gestern an den Kunden geschickt."),
              ("", "Prices rose sharply in the spring of that year."),
              ("", "Bitte melden Sie sich erneut an, um fortzufahren."),
              ("", "Zelenskyy thanked Blinken for the donation in Kyiv."),
              ("", "Fermer"),  # too few words to tell: read as the file
              ("", "文件无法保存。")]


def test_rows_of_a_table_read_in_english_that_are_clearly_another_language_are_read_in_it() -> None:
    mixed = table(MIXED_ROWS)
    assert identify_target_language(mixed, "en-US") is None  # the file as a whole reads as English
    assert [s.language("en") for s in mixed.segments] == ["en", "de", "en", "de", "en", "en", "zh"]
    # The same row by row in chunks (mtqa batch), and never over a declared language.
    chunk = table(MIXED_ROWS[1:2])
    chunk.segments[0].meta["target_lang"] = "nl"
    identify_rows(chunk.segments, "en-US")
    assert chunk.segments[0].language("en") == "nl"
