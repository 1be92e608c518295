"""The grammar dimension: Harper (offline, built in) or LanguageTool (a server), and `auto`.

`SPECS` declares `grammar/auto`, `grammar/harper` and `grammar/languagetool`.
`auto` prefers LanguageTool when one is reachable (a configured server that answers, or a
local install) and falls back to Harper; the backend chosen is in every result's
`raw["backend"]` and in the signature. `grammar = "none"` is the pipeline's business.
"""

from __future__ import annotations

import logging

from mtqa.core.components import ComponentSpec
from mtqa.core.config import Settings
from mtqa.core.errors import ModelError
from mtqa.scorers import grammar_harper, grammar_languagetool
from mtqa.scorers.grammar_common import FEATURES, GrammarScorer
from mtqa.scorers.grammar_harper import HarperGrammarScorer
from mtqa.scorers.grammar_languagetool import (
    LanguageToolGrammarScorer,
    find_local_jar,
    server_version,
)

__all__ = ["GrammarScorer", "HarperGrammarScorer", "LanguageToolGrammarScorer", "auto_grammar_scorer"]
logger = logging.getLogger(__name__)


def languagetool_reachable(settings: Settings) -> bool:
    if settings.languagetool_url:
        try:
            server_version(settings.languagetool_url, settings.language)
            return True
        except ModelError as exc:
            logger.warning("grammar: %s; using Harper instead", exc)
            return False
    return find_local_jar() is not None


def auto_grammar_scorer(settings: Settings) -> GrammarScorer:
    if languagetool_reachable(settings):
        return LanguageToolGrammarScorer(settings)
    return HarperGrammarScorer(settings)


AUTO = ComponentSpec("grammar", "auto", auto_grammar_scorer,
                     "LanguageTool when a server or local install is reachable, else Harper", features=FEATURES,
                     rules=grammar_harper.SPEC.rules + grammar_languagetool.SPEC.rules)
SPECS = (AUTO, grammar_harper.SPEC, grammar_languagetool.SPEC)
