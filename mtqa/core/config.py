"""Settings: defaults, discovered from `[tool.mtqa]` in pyproject.toml or `mtqa.toml`, then flags.

Precedence (lowest to highest): built-in defaults, the config file found by walking up from
the working directory, environment variables named in `ENVIRONMENT`, command-line flags.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mtqa.core.errors import ConfigError
from mtqa.gate.policy import validate_settings

FAIL_ON = ("review", "fail", "never")
# The LM's engines and CTranslate2's compute types (mtqa.models.lm).
LM_ENGINES = ("auto", "ctranslate2", "torch")
LM_COMPUTE_TYPES = ("auto", "float32", "int8", "int8_float32", "int16", "float16", "bfloat16", "int8_float16",
                    "int8_bfloat16")  # fmt: skip
PATH_SETTINGS = ("cache_dir", "risk_model", "baseline", "glossary")


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
    # Components, by registered name (`mtqa rules` and mtqa.scorers.registry); "none" disables one.
    fluency: str = "lm"
    grammar: str = "auto"  # auto | harper | languagetool | a plugin's
    drift: str = "default"
    checks: str = "default"
    # Components of other dimensions (a plugin's), or of these by another name: {dimension = name}.
    use: dict[str, str] = field(default_factory=dict)
    languagetool_url: str | None = None
    language: str = "en-US"
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
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})

    def validate(self) -> Settings:
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
        if self.batch_size < 1:
            raise ConfigError(f"batch_size must be positive, not {self.batch_size}")
        for name in ("review_threshold", "fail_threshold"):
            value = getattr(self, name)
            if value is not None and not 0.0 <= value <= 1.0:
                raise ConfigError(f"{name} must be between 0 and 1, not {value}")
        validate_settings(self)
        return self


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
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc}") from None


def table_from_file(path: Path) -> dict[str, Any]:
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        return dict(data.get("tool", {}).get("mtqa", {}))
    return dict(data.get("tool", {}).get("mtqa", data))


def settings_from_table(table: dict[str, Any], origin: str, base: Settings | None = None) -> Settings:
    known = {f.name: f for f in dataclasses.fields(Settings)}
    values: dict[str, Any] = {}
    for key, value in table.items():
        name = key.replace("-", "_")
        if name not in known:
            continue  # sections of other subcommands (e.g. [tool.mtqa.batch]) live beside ours
        values[name] = Path(value).expanduser() if name in PATH_SETTINGS and value else value
    try:
        return dataclasses.replace(base or Settings(), **values)
    except TypeError as exc:
        raise ConfigError(f"{origin}: {exc}") from None


def load_settings(config_path: Path | None = None, **overrides: Any) -> Settings:
    """Defaults < config file < environment < explicit overrides (flags)."""
    path = config_path or find_config_file()
    settings = Settings()
    if path is not None:
        settings = settings_from_table(table_from_file(path), str(path), settings)
    env = {attr: os.environ[var] for var, attr in ENVIRONMENT.items() if os.environ.get(var)}
    if env:
        settings = settings_from_table(env, "environment", settings)
    for name in PATH_SETTINGS:
        if overrides.get(name) is not None:
            overrides[name] = Path(overrides[name]).expanduser()
    return settings.replace(**overrides).validate()
