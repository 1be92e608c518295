"""Flags shared by every command that scores text, and their mapping onto `Settings`."""

from __future__ import annotations

import argparse
from pathlib import Path

from mtqa.core.config import FAIL_ON, LM_COMPUTE_TYPES, LM_ENGINES, Settings, load_settings

# flag dest -> Settings field, where they differ only by name
SETTING_FLAGS = ("lm", "embedder", "crosslingual_embedder", "lexicon", "thesaurus", "word_choice", "grammar",
                 "languagetool_url", "language", "identify_language",
                 "device", "dtype", "lm_engine", "lm_compute", "batch_size", "threads", "cache_dir",
                 "fail_on", "review_threshold", "fail_threshold", "risk_model",
                 "select", "ignore", "min_scores", "max_flagged", "baseline", "glossary",
                 "include_untranslated", "use")


def add_settings_arguments(parser: argparse.ArgumentParser, gate_options: bool = True) -> None:
    """The settings' flags; `gate_options`: also those of the gate (--fail-on, --select, ...),
    for the commands that gate."""
    models = parser.add_argument_group("models and backends (override the config file)")
    models.add_argument("--config", type=Path, help="mtqa.toml or pyproject.toml to use "
                        "(default: discovered from the working directory upwards)")
    models.add_argument("--lm", metavar="PATH_OR_NAME",
                        help="causal LM for fluency: 'smollm2-135m' (default), a local folder "
                        "or a Hugging Face model name")
    models.add_argument("--embedder", metavar="PATH_OR_NAME",
                        help="sentence embedder for drift (default 'all-minilm-l6-v2')")
    models.add_argument("--crosslingual-embedder", metavar="PATH_OR_NAME",
                        help="multilingual embedder to compare a source in another language")
    models.add_argument("--lexicon", metavar="auto|none|FILE",
                        help="bilingual dictionary (CC-CEDICT or TSV: term<TAB>translation) to find "
                        "source content missing from the target (default auto: CC-CEDICT for zh-en)")
    models.add_argument("--thesaurus", metavar="auto|none|FOLDER",
                        help="WordNet database folder for near-synonyms of suspect words in text with no source "
                        "or reference (default auto: Debian's wordnet-base, $WNHOME/dict or NLTK's wordnet data)")
    models.add_argument("--word-choice", action=argparse.BooleanOptionalAction, default=None,
                        help="test the most surprising words of text with no source or reference against "
                        "near-synonyms and the LM's predictions (fluency/word-choice; the default); "
                        "--no-word-choice is faster on short strings")
    models.add_argument("--grammar", metavar="BACKEND",
                        help="grammar backend: auto (default), harper, languagetool, none, or a plugin's")
    models.add_argument("--use", dest="use", type=component_choice, action="append", metavar="DIMENSION=NAME",
                        help="use the component NAME for DIMENSION, e.g. a plugin's (repeatable; "
                        "`mtqa rules` lists what is registered)")
    models.add_argument("--languagetool-url", metavar="URL", help="a running LanguageTool server")
    models.add_argument("--language", help="language variant of the text, e.g. en-US, en-GB")
    models.add_argument("--identify-language", action=argparse.BooleanOptionalAction, default=None,
                        help="read a file that declares no target language in the language its text is "
                        "identified as (the default); --no-identify-language: always in --language")
    models.add_argument("--device", help="device (default cpu; cuda runs the LM on torch)")
    models.add_argument("--dtype", choices=("auto", "bfloat16", "float32"), help="torch precision of the LM")
    models.add_argument("--lm-engine", choices=LM_ENGINES,
                        help="auto (CTranslate2 on a CPU, torch on a GPU), ctranslate2 or torch")
    models.add_argument("--lm-compute", choices=LM_COMPUTE_TYPES,
                        help="CTranslate2 compute type: auto = float32 (exact), int8 (faster, other numbers)")
    models.add_argument("--batch-size", type=int, help="sentences per model batch (default 32)")
    models.add_argument("--threads", type=int, help="model threads, CTranslate2 and torch (default: all cores)")
    models.add_argument("--cache-dir", type=Path, help="where converted models are cached")
    checks = parser.add_argument_group("translation checks")
    checks.add_argument("--glossary", type=Path, metavar="FILE",
                        help="terms (TSV: source<TAB>target, or TBX) the target must use; "
                        "a term whose target equals its source must stay untranslated")
    checks.add_argument("--include-untranslated", action=argparse.BooleanOptionalAction, default=None,
                        help="report untranslated units of XLIFF/TMX/PO files as checks/empty-target (the "
                        "default; templates such as .pot files are exempt); --no-include-untranslated skips them")
    verdicts = parser.add_argument_group("verdicts and gate" if gate_options else "verdicts")
    verdicts.add_argument("--review-threshold", type=float, metavar="RISK",
                          help="risk at or above which a segment is 'review'")
    verdicts.add_argument("--fail-threshold", type=float, metavar="RISK",
                          help="risk at or above which a segment is 'fail'")
    verdicts.add_argument("--risk-model", type=Path, help="a refitted risk model (JSON)")
    if gate_options:
        add_gate_arguments(verdicts)


def add_gate_arguments(gate: argparse._ArgumentGroup) -> None:
    gate.add_argument("--fail-on", choices=FAIL_ON,
                      help="lowest verdict that fails the run with exit code 1 (default fail)")
    gate.add_argument("--select", type=rule_list, metavar="RULES",
                      help="report only these rules or prefixes, comma-separated "
                      "(e.g. grammar,drift/risk; default all)")
    gate.add_argument("--ignore", type=rule_list, metavar="RULES",
                      help="leave out these rules or prefixes, comma-separated (e.g. fluency)")
    gate.add_argument("--min-score", dest="min_scores", type=min_score, action="append",
                      metavar="DIMENSION=SCORE",
                      help="also fail a segment whose DIMENSION score is below SCORE "
                      "(repeatable, e.g. grammar=0.8)")
    gate.add_argument("--max-flagged", metavar="SHARE",
                      help="fail a file only if more than this share of its segments fail "
                      "the gate (e.g. 5%%; default: any)")
    gate.add_argument("--baseline", type=Path, metavar="FILE",
                      help="accepted findings (from --write-baseline): fail only on new ones")


def rule_list(value: str) -> list[str]:
    return [rule.strip() for rule in value.split(",") if rule.strip()]


def component_choice(value: str) -> tuple[str, str]:
    dimension, _, name = value.partition("=")
    if not dimension.strip() or not name.strip():
        raise argparse.ArgumentTypeError(f"expected DIMENSION=NAME, e.g. grammar=harper, not {value!r}")
    return dimension.strip(), name.strip()


def min_score(value: str) -> tuple[str, float]:
    dimension, _, score = value.partition("=")
    try:
        return dimension.strip(), float(score)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected DIMENSION=SCORE, e.g. grammar=0.8, not {value!r}") from None


def settings_from_args(args: argparse.Namespace) -> Settings:
    overrides = {name: getattr(args, name, None) for name in SETTING_FLAGS}
    for name in ("min_scores", "use"):
        if overrides[name] is not None:
            overrides[name] = dict(overrides[name])
    return load_settings(getattr(args, "config", None), **overrides)
