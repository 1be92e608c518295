"""The one small interface every scorer implements, and the registry that names them."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from mtqa.core.documents import DimensionResult, Segment


class Scorer(ABC):
    """Scores a batch of segments along one dimension.

    `score` receives segments from one or several documents (each segment knows its
    document, so context-aware scorers can look at neighbours) and returns one
    `DimensionResult` per segment, in order. Models are loaded once, in `__init__`
    or lazily; `close` releases anything held (servers, threads).
    """

    dimension: ClassVar[str]
    # Target languages (ISO 639-1) the scorer's models handle; None = any.
    languages: frozenset[str] | None = None

    def accepts(self, segment: Segment, language: str) -> bool:
        """Whether to give `segment` (in target `language`) to `score`; the others get no score."""
        return segment.scored and (self.languages is None or language in self.languages)

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


ScorerFactory = Callable[..., Scorer]
_REGISTRY: dict[str, dict[str, ScorerFactory]] = {}


def register(dimension: str, name: str) -> Callable[[ScorerFactory], ScorerFactory]:
    """Register a scorer factory under `dimension`/`name` (e.g. grammar/harper)."""

    def decorator(factory: ScorerFactory) -> ScorerFactory:
        _REGISTRY.setdefault(dimension, {})[name] = factory
        return factory

    return decorator


def registered(dimension: str) -> dict[str, ScorerFactory]:
    return dict(_REGISTRY.get(dimension, {}))
