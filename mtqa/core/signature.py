"""A signature records every setting that affects a number, as sacrebleu's does.

Two reports with the same signature were produced by the same models, backends, risk
model and thresholds; the `short` hash is handy for cache keys and report headers.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mtqa.core.version import __version__

if TYPE_CHECKING:
    from mtqa.core.pipeline import Pipeline


@dataclass(frozen=True)
class Signature:
    fields: tuple[tuple[str, str], ...]

    @classmethod
    def from_pipeline(cls, pipeline: Pipeline) -> Signature:
        fields = [("mtqa", __version__)]
        for dimension, settings in pipeline.components().items():
            fields.append((dimension, _flatten(settings)))
        # which language a file that declares none is read in (mtqa.text.language)
        settings = pipeline.settings
        fields.append(("language", f"{settings.language},identify={'yes' if settings.identify_language else 'no'}"))
        risk = pipeline.risk
        fields.append(("risk", f"{risk.version}(review={risk.review_threshold},fail={risk.fail_threshold})"))
        return cls(tuple(fields))

    def __str__(self) -> str:
        return "|".join(f"{key}:{value}" for key, value in self.fields)

    @property
    def short(self) -> str:
        return hashlib.sha256(str(self).encode("utf-8")).hexdigest()[:12]


def _flatten(settings: dict[str, Any]) -> str:
    name = settings.get("name", "")
    rest = ",".join(f"{k}={v}" for k, v in sorted(settings.items()) if k != "name")
    return f"{name}({rest})" if rest else str(name)
