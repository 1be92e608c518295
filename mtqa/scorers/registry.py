"""Every component mtqa can build, registered in this one place.

Built-in components are listed by where their spec is declared (beside the code that emits
the features and findings it declares); plugins add theirs through the `mtqa.components` entry
point group, each entry naming a `ComponentSpec` or a list of them:

    [project.entry-points."mtqa.components"]
    terminology = "mtqa_terms:SPEC"

Loading a spec imports its module but no model: scorer modules import their models lazily.
"""

from __future__ import annotations

import difflib
import importlib
from functools import lru_cache
from importlib.metadata import entry_points

from mtqa.core.components import DIMENSIONS, ComponentSpec, Rule
from mtqa.core.errors import ConfigError

BUILTIN = (
    "mtqa.scorers.fluency:SPEC",
    "mtqa.scorers.grammar:SPECS",
    "mtqa.scorers.drift:SPEC",
    "mtqa.scorers.checks:SPEC",
)
ENTRY_POINT_GROUP = "mtqa.components"


def _load(reference: str) -> list[ComponentSpec]:
    module, _, attribute = reference.partition(":")
    value = getattr(importlib.import_module(module), attribute)
    specs = list(value) if isinstance(value, (list, tuple)) else [value]
    if not all(isinstance(spec, ComponentSpec) for spec in specs):
        raise ConfigError(f"{reference}: not a ComponentSpec (or a list of them)")
    return specs


@lru_cache(maxsize=1)
def components() -> dict[str, ComponentSpec]:
    """Every registered component by id (`dimension/name`): the built-in ones, then plugins."""
    found: dict[str, ComponentSpec] = {}
    plugins = [(f"entry point {ep.name} ({ep.value})", ep.value) for ep in entry_points(group=ENTRY_POINT_GROUP)]
    for origin, reference in [(reference, reference) for reference in BUILTIN] + plugins:
        try:
            specs = _load(reference)
        except (ImportError, AttributeError) as exc:
            raise ConfigError(f"{origin}: cannot load the component: {exc}") from None
        for spec in specs:
            if spec.id in found:
                raise ConfigError(f"{origin}: component {spec.id} is registered twice")
            found[spec.id] = spec
    return found


def dimensions() -> tuple[str, ...]:
    """The built-in dimensions, then those plugins add."""
    extra = (spec.dimension for spec in components().values() if spec.dimension not in DIMENSIONS)
    return (*DIMENSIONS, *dict.fromkeys(extra))


def component(dimension: str, name: str) -> ComponentSpec:
    """The spec registered as `dimension/name`; ConfigError naming the known ones otherwise."""
    spec = components().get(f"{dimension}/{name}")
    if spec is not None:
        return spec
    known = sorted(s.name for s in components().values() if s.dimension == dimension)
    if not known:
        raise ConfigError(f"unknown dimension {dimension!r}; known: {', '.join(dimensions())}")
    nearest = difflib.get_close_matches(name, known, n=1)
    hint = f" (did you mean {nearest[0]!r}?)" if nearest else ""
    raise ConfigError(f"unknown {dimension} component {name!r}{hint}; known: {', '.join(known)}, none")


def rules() -> list[Rule]:
    """Every rule the registered components declare, by id (a rule two components share, such as
    a dimension's rules under several backends, once)."""
    found: dict[str, Rule] = {}
    for spec in components().values():
        for rule in spec.rules:
            found.setdefault(rule.id, rule)
    return sorted(found.values(), key=lambda r: (dimensions().index(r.dimension), r.id))
