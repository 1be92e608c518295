"""Baselines: accept today's findings so that CI fails only on new ones (as ruff and ESLint do).

A finding's fingerprint hashes what identifies it independently of where it sits: the file
path, the segment's normalised text, the rule and the flagged excerpt. Line numbers are left
out, so findings keep their fingerprints when segments move or text elsewhere changes; an
occurrence counter tells identical findings in one file apart (a third copy of an accepted
sentence is new).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from mtqa.core.errors import InputError
from mtqa.core.files import atomic_output
from mtqa.gate.rules import legacy_rule_id

if TYPE_CHECKING:
    from mtqa.gate.policy import Finding

FORMAT_VERSION = 1
EXCERPT_CHARS = 80
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def fingerprint_key(finding: Finding, rule: str | None = None) -> str:
    path = PurePath(finding.file).as_posix().removeprefix("./")
    parts = (path, normalise(finding.segment.text), rule or finding.rule, normalise(finding.excerpt))
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]


def assign_fingerprints(findings: Iterable[Finding]) -> None:
    """Set `fingerprint` (and `legacy_fingerprint`, under the rule's id of earlier releases) on
    findings of one file, numbering repeats in document order."""
    seen: Counter[str] = Counter()
    for finding in findings:
        key = fingerprint_key(finding)
        finding.fingerprint = f"{key}-{seen[key]}"
        legacy = legacy_rule_id(finding.rule)
        finding.legacy_fingerprint = f"{fingerprint_key(finding, legacy)}-{seen[key]}" if legacy != finding.rule else ""
        seen[key] += 1


def load_baseline(path: str | os.PathLike[str]) -> frozenset[str]:
    try:
        data = json.loads(Path(path).read_text("utf-8"))
        if data.get("version") != FORMAT_VERSION:
            raise ValueError(f"unsupported baseline version {data.get('version')!r}")
        return frozenset(entry["fingerprint"] for entry in data["findings"])
    except FileNotFoundError:
        raise InputError(f"{path}: baseline not found; create it with --write-baseline {path}") from None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"{path}: not an mtqa baseline: {exc}") from None


def write_baseline(path: str | os.PathLike[str], findings: Iterable[Finding]) -> int:
    """Write the reported findings' fingerprints atomically; return how many were written."""
    entries = sorted(
        ({"file": PurePath(f.file).as_posix(), "rule": f.rule, "fingerprint": f.fingerprint,
          "excerpt": normalise(f.excerpt)[:EXCERPT_CHARS]} for f in findings if not f.suppressed),
        key=lambda e: (e["file"], e["rule"], e["fingerprint"]),
    )
    text = json.dumps({"version": FORMAT_VERSION, "tool": "mtqa", "findings": entries},
                      ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    target = Path(path)
    folder = target.parent
    if not folder.is_dir():
        raise InputError(f"{path}: folder {folder} does not exist")
    with atomic_output(target, newline="\n") as stream:
        stream.write(text)
    return len(entries)
