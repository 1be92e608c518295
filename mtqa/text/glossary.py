"""Glossaries: terms the target must translate a given way, and terms it must leave as they are.

TSV (UTF-8, one term a line, `#` comments, an optional `source<TAB>target` header):

    source term<TAB>required translation[<TAB>more accepted translations...]
    Acme Cloud<TAB>Acme Cloud          # same on both sides: do not translate
    Acme Cloud                          # no translation column: do not translate

TBX (TermBase eXchange, ISO 30042): each `<termEntry>`/`<conceptEntry>` gives terms per
`<langSet xml:lang>`. With the document's languages known, those languages are used;
otherwise the first language of an entry is the source and the second the target. A
`<termNote type="translate">no</termNote>` (or a target equal to the source) marks a term
not to translate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from mtqa.core.errors import InputError

if TYPE_CHECKING:
    from mtqa.readers.xml_tree import Element


@dataclass(frozen=True)
class Term:
    source: str
    targets: tuple[str, ...]  # accepted translations; for a do-not-translate term, (source,)

    @property
    def do_not_translate(self) -> bool:
        return self.targets == (self.source,)


def _language_matches(wanted: str | None, lang: str) -> bool:
    return wanted is not None and lang.lower().split("-")[0] == wanted.lower().replace("_", "-").split("-")[0]


def _tsv_terms(path: Path) -> list[Term]:
    terms = []
    from mtqa.readers.decoding import read_text_file

    for number, line in enumerate(read_text_file(str(path)).splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        columns = [c.strip() for c in line.split("\t")]
        if number == 1 and [c.lower() for c in columns[:2]] == ["source", "target"]:
            continue
        source, targets = columns[0], tuple(c for c in columns[1:] if c)
        if not source:
            raise InputError(f"{path}:{number}: glossary line without a source term")
        terms.append(Term(source, targets or (source,)))
    return terms


def _tbx_terms(path: Path, source_lang: str | None, target_lang: str | None) -> list[Term]:
    from mtqa.readers.xml_tree import XmlSource, parse_xml

    root = parse_xml(XmlSource.from_path(str(path)))
    terms = []
    for entry in (e for e in root.iter() if e.name in ("termEntry", "conceptEntry")):
        by_language: dict[str, list[str]] = {}
        keep_as_is = False
        for lang_set in entry.find_all("langSet"):
            lang = lang_set.lang or ""
            for term in lang_set.iter("term"):
                by_language.setdefault(lang, []).append(term.text_content().strip())
            keep_as_is |= any(_no_translate(note) for note in lang_set.iter("termNote"))
        languages = list(by_language)
        first = languages[0] if languages else None
        source = next((lang for lang in languages if _language_matches(source_lang, lang)), first)
        if source is None:
            continue
        others = [lang for lang in languages if lang != source]
        fallback = None if target_lang or not others else others[0]
        target = next((lang for lang in others if _language_matches(target_lang, lang)), fallback)
        for source_term in by_language[source]:
            if keep_as_is:
                terms.append(Term(source_term, (source_term,)))
            elif target is not None:
                terms.append(Term(source_term, tuple(by_language[target])))
    return terms


def _no_translate(note: Element) -> bool:
    value = note.text_content().strip().lower()
    return (note.get("type"), value) in (("translate", "no"), ("doNotTranslate", "yes"))


@lru_cache(maxsize=16)
def load_glossary(path: Path, source_lang: str | None = None, target_lang: str | None = None) -> tuple[Term, ...]:
    """The terms of a glossary file, for a language pair when the file has several (TBX)."""
    if not path.is_file():
        raise InputError(f"{path}: glossary not found")
    if path.suffix.lower() in (".tbx", ".xml"):
        return tuple(_tbx_terms(path, source_lang, target_lang))
    return tuple(_tsv_terms(path))


def find_term(text: str, term: str, case_sensitive: bool = False, inflected: bool = False) -> re.Match[str] | None:
    """Where `term` occurs in `text` as whole words (anywhere, for scripts without spaces).
    `inflected` also accepts endings after it ("Bestellung" in "Bestellungen")."""
    flags = 0 if case_sensitive else re.IGNORECASE
    boundary_start = r"(?<!\w)" if term[:1].isascii() else ""
    boundary_end = r"(?!\w)" if term[-1:].isascii() and not inflected else ""
    return re.search(boundary_start + re.escape(term) + boundary_end, text, flags)
