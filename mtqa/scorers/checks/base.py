"""What every deterministic check is: a function of a segment, with the rules it reports and the
raw values it emits, declared together (see `mtqa.core.components`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mtqa.core.components import Feature, Rule, Severity
from mtqa.core.documents import Issue, Segment

if TYPE_CHECKING:
    from mtqa.core.config import Settings

DIMENSION = "checks"


@dataclass
class CheckOutcome:
    """What one check says of one segment: `compared` is False when it had nothing to compare."""

    compared: bool = False
    issues: list[Issue] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)


CheckFunction = Callable[[Segment], CheckOutcome]


@dataclass(frozen=True)
class Check:
    """One check: `run` judges a segment; a check that needs the settings (a glossary file) has
    `configure` instead, which returns the function to run, or None when the check is off."""

    name: str
    rules: tuple[Rule, ...]
    features: tuple[Feature, ...]
    run: CheckFunction | None = None
    configure: Callable[[Settings], CheckFunction | None] | None = None

    def bind(self, settings: Settings) -> CheckFunction | None:
        return self.configure(settings) if self.configure is not None else self.run


def comparison_text(segment: Segment) -> str | None:
    """What the target is checked against: the source if there is one, else the reference."""
    return segment.source or segment.reference or None


def side_of(segment: Segment) -> str:
    """How messages name what the target is checked against."""
    return "source" if segment.source else "reference"


def missing(rule: Rule, segment: Segment, message: str, suggestions: Sequence[str] = (),
            severity: Severity | None = None) -> Issue:
    """A finding about something missing from the target: zero-width at its end, as there is
    nothing in the target to point at."""
    end = len(segment.text)
    return rule.at(end, end, message, suggestions, severity)
