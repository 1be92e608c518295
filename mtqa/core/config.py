"""Settings: defaults, discovered from `[tool.mtqa]` in pyproject.toml or `mtqa.toml`, then flags.

Precedence (lowest to highest): built-in defaults, the config file found by walking up from
the working directory, environment variables named in `ENVIRONMENT`, command-line flags.

Every value is checked against the type of its `Settings` field, from whatever source it
comes (`check_value`): `allow_words = "Zelenskyy"` or `batch_size = "8"` is a one-line
ConfigError naming the file and the key, an unknown key in a config file a warning with the
nearest known one (`[tool.mtqa.<subcommand>]` sections are left to their subcommand), an
unknown keyword to `Settings.replace` (and so to `mtqa.check`) a ConfigError.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import os
import tomllib
import types
import typing
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from mtqa.core.errors import ConfigError, ConfigWarning
from mtqa.gate.policy import validate_settings

FAIL_ON = ("review", "fail", "never")
# The LM's engines and CTranslate2's compute types (mtqa.models.lm).
LM_ENGINES = ("auto", "ctranslate2", "torch")
LM_COMPUTE_TYPES = ("auto", "float32", "int8", "int8_float32", "int16", "float16", "bfloat16", "int8_float16",
                    "int8_bfloat16")  # fmt: skip


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "mtqa"


@dataclass
class Settings:
    # Models: an alias known to mtqa.models.sources, a local path, or a Hugging Face hub name.
    lm: str = "smollm2-135m"
    embedder: str = "all-minilm-l6-v2"
    # A multilingual sentence embedder for sources in other languages (none ships offline).
    crosslingual_embedder: str | None = None
    # A bilingual dictionary for sources in other languages (mtqa.text.lexicon): "auto" (the
    # built-in one for the language pair: CC-CEDICT for Chinese to English), "none", or a
    # CC-CEDICT or TSV file.
    lexicon: str = "auto"
    # WordNet for near-synonyms of suspect words in text with nothing to compare with
    # (mtqa.text.thesaurus): "auto" (Debian's wordnet-base, $WNHOME, NLTK's data), "none", or a folder.
    thesaurus: str = "auto"
    # The word-level test (fluency/word-choice) of text with nothing to compare with; it costs up
    # to 7 times the LM's work on short sentences (benchmarks/bench_pipeline.py), so it can be off.
    word_choice: bool = True
    # Components, by registered name (`mtqa rules` and mtqa.scorers.registry); "none" disables one.
    fluency: str = "lm"
    grammar: str = "auto"  # auto | harper | languagetool | a plugin's
    drift: str = "default"
    checks: str = "default"
    # Components of other dimensions (a plugin's), or of these by another name: {dimension = name}.
    use: dict[str, str] = field(default_factory=dict)
    languagetool_url: str | None = None
    language: str = "en-US"
    # A file that declares no target language is read in the one its text is identified as, where
    # that is surely not `language` (mtqa.text.language.identify_target_language); false: always `language`.
    identify_language: bool = True
    # Inference
    device: str = "cpu"
    dtype: str = "auto"  # torch: auto = fp32 on a CPU (the risk model's numbers), bf16 on a GPU that has it
    # The LM's engine (mtqa.models.lm): auto = CTranslate2 on a CPU, torch on a GPU; and
    # CTranslate2's compute type: auto = float32 (exact), int8 = ~2x faster, other numbers.
    lm_engine: str = "auto"
    lm_compute: str = "auto"
    batch_size: int = 32
    threads: int | None = None
    cache_dir: Path = field(default_factory=default_cache_dir)
    # Gate
    fail_on: str = "fail"
    # Risk thresholds; None = those of the calibrated risk model.
    review_threshold: float | None = None
    fail_threshold: float | None = None
    # A refitted risk model (JSON, see mtqa.core.risk); None = the one shipped in the package.
    risk_model: Path | None = None
    # Names a proper-noun list that grammar must not flag (one word a line).
    allow_words: list[str] = field(default_factory=list)
    # How many spans of highest surprisal the fluency scorer reports.
    fluency_spans: int = 2
    # Translation files (mtqa.readers.xliff/tmx/po) and checks: a glossary (TSV or TBX) of
    # required translations and do-not-translate terms; whether untranslated units of files
    # that are not templates are reported (checks/empty-target) instead of skipped.
    glossary: Path | None = None
    include_untranslated: bool = True
    # CI gate (see mtqa.gate.policy): rule ids or prefixes to report / leave out, minimum score per
    # dimension, the share of flagged segments a file may have ("5%"), accepted findings.
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    min_scores: dict[str, float] = field(default_factory=dict)
    max_flagged: float | str | None = None
    baseline: Path | None = None

    def components(self) -> dict[str, str]:
        """The component configured for each dimension, by registered name ("none": off)."""
        return {"fluency": self.fluency, "grammar": self.grammar, "drift": self.drift,
                "checks": self.checks, **self.use}

    def replace(self, **changes: Any) -> Settings:
        """A copy with `changes` (None values ignored); an unknown name or a value of the
        wrong type is a ConfigError."""
        values = {}
        for name, value in changes.items():
            if name not in field_types():
                raise ConfigError(f"unknown setting {name!r}{did_you_mean(name)}")
            if value is not None:
                values[name] = check_value(name, value, "setting ")
        return dataclasses.replace(self, **values)

    def validate(self) -> Settings:
        """Check every value, types first; raise ConfigError for the first that is wrong.
        Needs no model: only the risk model's thresholds are read, when one is overridden."""
        for name in field_types():
            check_value(name, getattr(self, name), "setting ")
        if self.fail_on not in FAIL_ON:
            raise ConfigError(f"fail_on must be one of {', '.join(FAIL_ON)}, not {self.fail_on!r}")
        from mtqa.scorers.registry import component

        for dimension, name in self.components().items():
            if name != "none":
                component(dimension, name)  # ConfigError naming the known ones
        if self.lexicon not in ("auto", "none") and not Path(self.lexicon).expanduser().is_file():
            raise ConfigError(f"{self.lexicon}: lexicon file not found (or use 'auto' or 'none')")
        if self.lm_engine not in LM_ENGINES:
            raise ConfigError(f"lm_engine must be one of {', '.join(LM_ENGINES)}, not {self.lm_engine!r}")
        if self.lm_compute not in LM_COMPUTE_TYPES:
            raise ConfigError(f"lm_compute must be one of {', '.join(LM_COMPUTE_TYPES)}, not {self.lm_compute!r}")
        if self.lm_engine == "torch" and self.lm_compute != "auto":
            raise ConfigError("lm_compute applies to lm_engine = 'ctranslate2'; the torch engine uses dtype")
        if self.threads is not None and self.threads < 1:
            raise ConfigError(f"threads must be positive, not {self.threads}")
        if self.thesaurus not in ("auto", "none"):
            from mtqa.text.thesaurus import find_wordnet

            find_wordnet(self.thesaurus)  # ConfigError for a folder that is not a WordNet database
        if self.batch_size < 1:
            raise ConfigError(f"batch_size must be positive, not {self.batch_size}")
        for name in ("review_threshold", "fail_threshold"):
            value = getattr(self, name)
            if value is not None and not 0.0 <= value <= 1.0:
                raise ConfigError(f"{name} must be between 0 and 1, not {value}")
        self._check_thresholds()
        validate_settings(self)
        return self

    def _check_thresholds(self) -> None:
        if self.review_threshold is None and self.fail_threshold is None:
            return
        from mtqa.core.risk import RiskModel  # a small JSON file, not a model to load

        risk = RiskModel.load(self.risk_model).with_thresholds(self.review_threshold, self.fail_threshold)
        if risk.review_threshold > risk.fail_threshold:
            review_from = "" if self.review_threshold is not None else ", the risk model's"
            fail_from = "" if self.fail_threshold is not None else ", the risk model's"
            raise ConfigError(f"review_threshold ({risk.review_threshold}{review_from}) must not exceed "
                              f"fail_threshold ({risk.fail_threshold}{fail_from})")


@cache
def field_types() -> dict[str, Any]:
    """Each setting's type, from the annotations of `Settings`."""
    return typing.get_type_hints(Settings)


def did_you_mean(name: str, known: typing.Iterable[str] | None = None) -> str:
    close = difflib.get_close_matches(name, list(known or field_types()), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


_TYPE_NAMES = {str: "a string", int: "an integer", float: "a number", bool: "true or false",
               Path: "a path (a string)"}
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _describe(hint: Any) -> str:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        return " or ".join(_describe(a) for a in args if a is not type(None))
    if origin is list:
        return f"a list of {_describe(args[0]).removeprefix('a ').removeprefix('an ')}s"
    if origin is dict:
        return f"a table of {_describe(args[1]).removeprefix('a ').removeprefix('an ')}s"
    return _TYPE_NAMES.get(hint, getattr(hint, "__name__", str(hint)))


def _shown(value: Any) -> str:
    kinds = {str: "the string", bool: "", int: "the integer", float: "the number", list: "the list",
             dict: "the table"}
    kind = next((name for cls, name in kinds.items() if isinstance(value, cls)), type(value).__name__)
    text = repr(value) if not isinstance(value, bool) else str(value).lower()
    return f"{kind} {text[:60]}{'...' if len(text) > 60 else ''}".strip()


class _Mismatch(Exception):
    """`value` is not a `hint`; `where` is the place inside a list or table (".grammar", "[1]")."""

    def __init__(self, hint: Any, value: Any, where: str = "") -> None:
        super().__init__(where)
        self.hint, self.value, self.where = hint, value, where


def _coerce(hint: Any, value: Any, from_text: bool) -> Any:
    """`value` as a `hint`, or _Mismatch. `from_text`: a string from the environment, read
    as the number, flag or list the field wants."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        if value is None and type(None) in args:
            return None
        for member in (a for a in args if a is not type(None)):
            try:
                return _coerce(member, value, from_text)
            except _Mismatch:
                continue
        raise _Mismatch(hint, value)
    if origin is list:
        if from_text and isinstance(value, str):
            value = [item.strip() for item in value.split(",") if item.strip()]
        if not isinstance(value, (list, tuple)):
            raise _Mismatch(hint, value)
        return [_coerce_item(args[0], item, f"[{i}]") for i, item in enumerate(value)]
    if origin is dict:
        if not isinstance(value, Mapping):
            raise _Mismatch(hint, value)
        return {_coerce_item(args[0], k, f".{k}"): _coerce_item(args[1], v, f".{k}") for k, v in value.items()}
    if hint is bool:
        if from_text and isinstance(value, str) and value.lower() in _TRUE + _FALSE:
            return value.lower() in _TRUE
        if isinstance(value, bool):
            return value
        raise _Mismatch(hint, value)
    if hint in (int, float):
        if from_text and isinstance(value, str):
            try:
                return hint(value)
            except ValueError:
                raise _Mismatch(hint, value) from None
        if isinstance(value, bool) or not isinstance(value, (int, float) if hint is float else int):
            raise _Mismatch(hint, value)
        return hint(value)
    if hint is Path:
        if isinstance(value, (str, os.PathLike)):
            return Path(value).expanduser()
        raise _Mismatch(hint, value)
    if hint is str:
        if isinstance(value, str):
            return value
        raise _Mismatch(hint, value)
    return value  # a type this checker does not know: left to `validate`


def _coerce_item(hint: Any, value: Any, where: str) -> Any:
    try:
        return _coerce(hint, value, False)
    except _Mismatch as mismatch:
        raise _Mismatch(mismatch.hint, mismatch.value, where + mismatch.where) from None


def check_value(name: str, value: Any, where: str, from_text: bool = False) -> Any:
    """`value` converted to the type of setting `name`; ConfigError if it is not one.
    `where` begins the message (e.g. "pyproject.toml: [tool.mtqa] ")."""
    try:
        return _coerce(field_types()[name], value, from_text)
    except _Mismatch as mismatch:
        example = ""
        if typing.get_origin(mismatch.hint) is list and isinstance(value, str):
            example = f", e.g. {name} = [{json.dumps(value, ensure_ascii=False)}]"
        raise ConfigError(f"{where}{name}{mismatch.where} must be {_describe(mismatch.hint)}{example}, "
                          f"not {_shown(mismatch.value)}") from None


ENVIRONMENT = {
    "MTQA_LM": "lm",
    "MTQA_EMBEDDER": "embedder",
    "MTQA_GRAMMAR": "grammar",
    "MTQA_LANGUAGETOOL_URL": "languagetool_url",
    "MTQA_CACHE_DIR": "cache_dir",
    "MTQA_DEVICE": "device",
    "MTQA_LM_ENGINE": "lm_engine",
    "MTQA_LM_COMPUTE": "lm_compute",
}


def find_config_file(start: Path | None = None) -> Path | None:
    """The nearest mtqa.toml, or pyproject.toml with a [tool.mtqa] table, from `start` up."""
    directory = (start or Path.cwd()).resolve()
    for folder in (directory, *directory.parents):
        candidate = folder / "mtqa.toml"
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "mtqa" in _read_toml(pyproject).get("tool", {}):
            return pyproject
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc}") from None


def table_from_file(path: Path) -> dict[str, Any]:
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        return dict(data.get("tool", {}).get("mtqa", {}))
    return dict(data.get("tool", {}).get("mtqa", data))


def _subcommand_sections() -> tuple[str, ...]:
    from mtqa.commands import COMMANDS  # a tuple of names; imports no command

    return COMMANDS


def settings_from_table(table: dict[str, Any], origin: str, base: Settings | None = None) -> Settings:
    """`base` with the values of a config table; `origin` names it in messages. A value of
    the wrong type is a ConfigError, an unknown key a ConfigWarning (and ignored)."""
    where = _where(origin)
    values: dict[str, Any] = {}
    for key, value in table.items():
        name = key.replace("-", "_")
        if name not in field_types():
            if not (isinstance(value, Mapping) and key in _subcommand_sections()):
                warnings.warn(f"{where}unknown setting {key!r}{did_you_mean(name)}; ignored", ConfigWarning,
                              stacklevel=2)
            continue
        values[name] = check_value(name, value, where)
    return dataclasses.replace(base or Settings(), **values)


def _where(origin: str) -> str:
    return f"{origin}: [tool.mtqa] " if Path(origin).name == "pyproject.toml" else f"{origin}: "


def load_settings(config_path: Path | None = None, **overrides: Any) -> Settings:
    """Defaults < config file < environment < explicit overrides (flags). A value that fails
    validation is reported with the file or environment variables it came from."""
    path = config_path or find_config_file()
    layers: list[tuple[str, Settings]] = []
    settings = Settings()
    if path is not None:
        settings = settings_from_table(table_from_file(path), str(path), settings)
        layers.append((_where(str(path)), settings))
    variables = [var for var in ENVIRONMENT if os.environ.get(var)]
    env = {ENVIRONMENT[var]: check_value(ENVIRONMENT[var], os.environ[var], f"environment variable {var}: ",
                                         from_text=True) for var in variables}
    if env:
        settings = dataclasses.replace(settings, **env)
        layers.append((f"environment variable{'s' * (len(env) > 1)} {', '.join(variables)}: ", settings))
    final = settings.replace(**overrides)
    try:
        return final.validate()
    except ConfigError as error:
        for where, layer in layers:  # the first layer that alone has the same fault named it
            try:
                layer.validate()
            except ConfigError as fault:
                if str(fault) == str(error):
                    raise ConfigError(f"{where}{error}") from None
        raise
