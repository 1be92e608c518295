"""The component contract: what every scorer declares, and the interface it implements.

A component scores segments along one dimension (fluency, grammar, drift, checks, or a new one
a plugin adds). As spaCy's factories declare what they assign and require, a component declares
in a `ComponentSpec`, beside its code:

- `features`: every raw value it puts in `DimensionResult.raw` (key, unit, direction), the
  names the risk model is fitted on (`dimension.key`) and the writers show;
- `rules`: every finding it can report (`Rule`: id `dimension/name`, severity, score penalty,
  what it means), which `mtqa rules` lists and the CI gate selects by;
- `languages`: the target languages its models cover; elsewhere the pipeline does not call it
  and the dimension abstains (score null, no reason, no finding).

Components are registered in one place, `mtqa.scorers.registry`, and plugins through the
`mtqa.components` entry point group.
"""

from __future__ import annotations

import fnmatch
import importlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from mtqa.core.documents import DimensionResult, Issue, Segment
from mtqa.core.errors import ConfigError

if TYPE_CHECKING:
    from mtqa.core.config import Settings

# The built-in dimensions, in the order reports show them. A plugin may add its own.
DIMENSIONS = ("fluency", "grammar", "drift", "checks")
Severity = Literal["minor", "major", "critical"]
SEVERITIES = ("minor", "major", "critical")
# Raw values the pipeline itself adds to any dimension's result.
PIPELINE_RAW_KEYS = frozenset({"unsupported_language"})


@dataclass(frozen=True)
class Feature:
    """One raw value a component emits: `raw[key]`, named `dimension.key` in the risk model.

    `direction` is +1 when a higher value means a better segment, -1 when it means a worse one,
    0 when it is neither (a base rate such as length, a description such as the backend used).
    `whole_sentence` marks a value that judges the segment as a complete sentence (how natural
    it reads, how it fits the sentences around it): a heading, a fragment by design, is not
    judged on it (`mtqa.core.risk`).
    """

    key: str
    unit: str
    direction: Literal[-1, 0, 1]
    description: str
    whole_sentence: bool = False


@dataclass(frozen=True)
class Rule:
    """A kind of finding: id `dimension/name` (`checks/number-mismatch`), or a family with a
    trailing `*` (`grammar/harper/*`: every Harper lint, by Harper's own rule name).

    `severity` is that of its findings (a major one puts a segment up for review on its own, a
    critical one fails it; `at` may raise a finding's severity); `penalty` is how much one
    finding lowers the dimension score, where the component scores by penalties (checks).
    """

    id: str
    summary: str
    severity: Severity = "minor"
    penalty: float = 0.0
    explanation: str = ""

    @property
    def dimension(self) -> str:
        return self.id.split("/", 1)[0]

    def matches(self, rule_id: str) -> bool:
        return fnmatch.fnmatchcase(rule_id.casefold(), self.id.casefold())

    def at(self, start: int, end: int, message: str, suggestions: Sequence[str] = (),
           severity: Severity | None = None, rule_id: str | None = None) -> Issue:
        """A finding of this rule at `start:end` of the segment's text (`rule_id` names the
        member of a family)."""
        return Issue(self.dimension, start, end, message, rule_id or self.id, list(suggestions),
                     severity or self.severity)


class Scorer(ABC):
    """Scores a batch of segments along one dimension.

    `score` receives segments from one or several documents (each segment knows its
    document, so context-aware scorers can look at neighbours) and returns one
    `DimensionResult` per segment, in order. Models are loaded once, in `__init__`
    or lazily; `close` releases anything held (servers, threads).
    """

    dimension: ClassVar[str]
    # Set by `ComponentSpec.build`: the spec this scorer was built from.
    spec: ComponentSpec

    @property
    def languages(self) -> frozenset[str] | None:
        """Target languages (ISO 639-1) this scorer covers, None for any: the spec's, unless
        the configured model says otherwise (a scorer overrides this)."""
        return self.spec.languages

    def covers(self, language: str) -> bool:
        return self.languages is None or language in self.languages

    def accepts(self, segment: Segment, language: str) -> bool:
        """Whether to give `segment` (target in `language`, ISO 639-1) to `score`. The spec's
        `languages` are checked first; this adds what only the loaded scorer knows (the
        languages a LanguageTool server has, untranslated units the checks report)."""
        return segment.scored

    @abstractmethod
    def score(self, segments: Sequence[Segment]) -> list[DimensionResult]: ...

    def signature(self) -> dict[str, Any]:
        """Every setting that affects this scorer's numbers (see `mtqa.core.signature`)."""
        return {}

    def close(self) -> None:
        return None

    def __enter__(self) -> Scorer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


ScorerFactory = Callable[["Settings"], Scorer]


@dataclass(frozen=True)
class ComponentSpec:
    """A component as declared: see the module docstring.

    `factory` builds the scorer from the settings; as a `"module:attribute"` string it is
    imported only when the component is built, so listing components loads no model.
    `languages` are ISO 639-1 codes (None: any language).
    """

    dimension: str
    name: str
    factory: str | ScorerFactory
    summary: str
    features: tuple[Feature, ...] = ()
    rules: tuple[Rule, ...] = ()
    languages: frozenset[str] | None = None
    requires: tuple[str, ...] = field(default=())  # what segments need: "source", "reference", ...

    def __post_init__(self) -> None:
        keys = [f.key for f in self.features]
        if len(keys) != len(set(keys)):
            raise ConfigError(f"component {self.id}: a feature is declared twice in {keys}")
        for rule in self.rules:
            if rule.dimension != self.dimension:
                raise ConfigError(f"component {self.id}: rule {rule.id} is not of dimension {self.dimension}")
            if rule.severity not in SEVERITIES:
                raise ConfigError(f"rule {rule.id}: severity must be one of {', '.join(SEVERITIES)}")

    @property
    def id(self) -> str:
        return f"{self.dimension}/{self.name}"

    @property
    def raw_keys(self) -> frozenset[str]:
        return frozenset(f.key for f in self.features)

    def covers(self, language: str) -> bool:
        return self.languages is None or language in self.languages

    def rule(self, rule_id: str) -> Rule | None:
        """The declared rule (or family) that `rule_id` belongs to."""
        exact = [r for r in self.rules if r.id.casefold() == rule_id.casefold()]
        return exact[0] if exact else next((r for r in self.rules if r.matches(rule_id)), None)

    def build(self, settings: Settings) -> Scorer:
        factory = self.factory
        if isinstance(factory, str):
            module, _, attribute = factory.partition(":")
            try:
                factory = getattr(importlib.import_module(module), attribute)
            except (ImportError, AttributeError) as exc:
                raise ConfigError(f"component {self.id}: cannot import {self.factory}: {exc}") from None
        scorer = factory(settings)
        scorer.spec = self
        return scorer

    def check_result(self, result: DimensionResult) -> None:
        """ConfigError when a result breaks the contract: a raw value or a finding's rule that
        this spec does not declare (a renamed key would otherwise go unnoticed downstream)."""
        undeclared = sorted(set(result.raw) - self.raw_keys - PIPELINE_RAW_KEYS)
        if undeclared:
            raise ConfigError(f"component {self.id} emitted raw values its spec does not declare: "
                              f"{', '.join(undeclared)}")
        for issue in result.issues:
            if self.rule(issue.rule) is None:
                raise ConfigError(f"component {self.id} reported a finding under rule {issue.rule!r}, "
                                  "which its spec does not declare")


def score_dimensions(configured: Iterable[str]) -> tuple[str, ...]:
    """Dimensions with a score in every record: the built-in ones (null where one is off), then
    any other `configured` one, in order."""
    return (*DIMENSIONS, *(d for d in dict.fromkeys(configured) if d not in DIMENSIONS))


def features_of(specs: Iterable[ComponentSpec]) -> dict[str, Feature]:
    """Every declared feature by its risk-model name, `dimension.key` (with `dimension.score`)."""
    named: dict[str, Feature] = {}
    for spec in specs:
        named[f"{spec.dimension}.score"] = Feature("score", "score", 1, f"the {spec.dimension} score, 0 to 1")
        named.update({f"{spec.dimension}.{f.key}": f for f in spec.features})
    return named
