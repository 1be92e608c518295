"""Grammar with Harper (PyPI `harper-py`): offline, in-process, English only, ~10 ms a sentence."""

from __future__ import annotations

from importlib.metadata import version
from typing import TYPE_CHECKING, Any

from mtqa.core.components import ComponentSpec, Rule
from mtqa.core.config import Settings
from mtqa.core.errors import ConfigError
from mtqa.scorers.grammar_common import FEATURES, BackendMatch, GrammarScorer, backend_rule
from mtqa.text.agreement import determiner_disagreements
from mtqa.text.language import primary

if TYPE_CHECKING:
    import harper

# Harper's dialect for each English variant (by name: harper loads only when a scorer is built).
DIALECTS = {"en": "AMERICAN", "en-us": "AMERICAN", "en-gb": "BRITISH", "en-uk": "BRITISH", "en-ie": "BRITISH",
            "en-nz": "BRITISH", "en-za": "BRITISH", "en-au": "AUSTRALIAN", "en-ca": "CANADIAN", "en-in": "INDIAN"}

# Harper rules switched off for MT quality checks, and why. Counts are hits on the 3,760
# WMT23 zh-en targets in /work/shared/data (mqm_zhen_generalmt2023.tsv).
NOISY_RULES = {
    "LongSentences": "readability, not grammar; a long sentence is often faithful to its source (803 hits)",
    "UnclosedQuotes": "a quotation often spans several sentences, so one segment shows half a pair (107)",
    "UpdatePlaceNames": "editorial preference, e.g. Turkey -> Türkiye (95)",
    "OxfordComma": "house style (93)",
    "SplitWords": "splits valid compounds, e.g. homebuyers -> home buyers (36)",
    "DisjointPrefixes": "hyphenation preference, e.g. anti-virus -> antivirus (23)",
    "NumericRangeEnDash": "typography: 25-54 -> 25–54 (17)",
    "Dashes": "typography: -- -> – (15)",
    "UseEllipsisCharacter": "typography: ... -> … (2)",
    "CompoundNouns": "spacing preference (cell phone -> cellphone) and fires on names (8)",
    "MergeWords": "fires on names: Viet Nam -> VietNam, Ha Noi -> HaNoi (7)",
    "Regionalisms": "dialect vocabulary preference, e.g. mobile phone -> cellphone (5)",
    "AvoidAndAlso": "redundancy is style, not grammar (2)",
    "PronounKnew": "homophone guess; every hit was a false alarm ('What new discoveries') (8)",
    "ToTwoToo": "homophone guess; every hit was a false alarm ('Up to now') (3)",
    "QuiteQuiet": "homophone guess; every hit was a false alarm ('quite high') (3)",
}
# Rules about how a word is written, which a name can trip (see NameFilter).
WORD_FORM_RULES = frozenset(
    {"SpellCheck", "OrthographicConsistency", "TransposedSpace", "RepeatedWords", "MassNouns"}
)
UNKNOWN_WORD_RULES = frozenset({"SpellCheck"})
# mtqa's own check beside Harper's lints: Harper does not check it (LanguageTool does).
DETERMINER_NUMBER = Rule(
    "grammar/determiner-number", "a demonstrative that disagrees in number with its noun ('These Aid is')",
    explanation="With Harper only (LanguageTool has its own rules): 'these'/'those' before a noun and a singular "
    "verb, or a demonstrative before a noun of the other number that ends the phrase. Rewriters that swap a "
    "plural noun for a singular synonym leave this behind (mtqa.text.agreement).")


def dialect_for(language: str) -> harper.Dialect:
    """Harper's English for the `language` setting; any for another language, whose segments
    Harper does not read (`languages`). ConfigError for an English variant it does not know."""
    import harper

    if primary(language) != "en":
        return harper.Dialect.AMERICAN
    try:
        return getattr(harper.Dialect, DIALECTS[language.lower()])
    except KeyError:
        known = ", ".join(sorted(DIALECTS))
        raise ConfigError(
            f"the Harper grammar checker knows English only ({known}), not language {language!r}; "
            "use a LanguageTool server (languagetool_url) or grammar = \"none\""
        ) from None


def replacement(lint: harper.Lint, suggestion: harper.Suggestion) -> str:
    """What replaces the lint's span: Harper also has "remove" and "insert after" suggestions."""
    import harper

    if suggestion.kind == harper.SuggestionKind.INSERT_AFTER:
        return lint.problem_text + suggestion.replacement_text
    return suggestion.replacement_text  # empty for REMOVE


class HarperGrammarScorer(GrammarScorer):
    backend = "harper"
    rule = backend_rule("harper", "Harper")
    languages = frozenset({"en"})  # Harper checks English only, whichever spec built it

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.dialect = dialect_for(settings.language)
        # Building the dictionary is the expensive step (about a second): do it once.
        import harper

        self.linter = harper.Linter(self.dialect)
        config = self.linter.get_default_lint_config()
        self.linter.set_lint_config({**config, **dict.fromkeys(NOISY_RULES, False)})

    def _check(self, text: str, language: str) -> list[BackendMatch]:
        # Segments are plain text: Markdown parsing would eat `*`, `#` and `[..](..)`.
        import harper

        lints = self.linter.organized_lints(text, language=harper.Language.PLAINTEXT)
        # Harper spans are code points, i.e. Python string indices.
        return [
            BackendMatch(
                start=lint.span.start,
                end=lint.span.end,
                message=lint.message,
                rule=f"grammar/harper/{rule}",
                kind=lint.lint_kind,
                suggestions=tuple(replacement(lint, s) for s in lint.suggestions),
                about_word_form=rule in WORD_FORM_RULES,
                unknown_word=rule in UNKNOWN_WORD_RULES,
            )
            for rule, rule_lints in lints.items()
            for lint in rule_lints
        ] + [
            BackendMatch(start=found.start, end=found.end, rule=DETERMINER_NUMBER.id, kind="Agreement",
                         message=f"‘{found.determiner}’ does not agree in number with ‘{found.noun}’"
                         + (f" (‘{found.noun} {found.verb}’ is singular)" if found.verb else ""),
                         suggestions=(found.replacement + text[found.start + len(found.determiner):found.end],))
            for found in determiner_disagreements(text)
        ]

    def _backend_signature(self) -> dict[str, Any]:
        return {"version": version("harper-py"), "dialect": self.dialect.name.lower(),
                "own_rules": DETERMINER_NUMBER.id.removeprefix("grammar/")}


SPEC = ComponentSpec("grammar", "harper", HarperGrammarScorer,
                     "Harper, an offline English grammar checker", features=FEATURES,
                     rules=(HarperGrammarScorer.rule, DETERMINER_NUMBER), languages=HarperGrammarScorer.languages)
