"""Inline tags of translation files (XLIFF, TMX) that the target lost, invented or reordered."""

from __future__ import annotations

from collections import Counter

from mtqa.core.components import Feature, Rule
from mtqa.core.documents import Segment
from mtqa.readers.inline import InlineTag
from mtqa.scorers.checks.base import Check, CheckOutcome, missing


def _tags(segment: Segment, key: str) -> list[InlineTag]:
    return [InlineTag.from_dict(t) for t in segment.meta.get(key, [])]


def _unmatched(tags: list[InlineTag], surplus: Counter[tuple[str, str, str]]) -> list[InlineTag]:
    """The last `surplus[key]` tags of each key: the ones without a partner on the other side."""
    left = Counter(surplus)
    chosen = []
    for tag in reversed(tags):
        if left[tag.key] > 0:
            left[tag.key] -= 1
            chosen.append(tag)
    return chosen[::-1]


TAG_MISMATCH = Rule(
    "checks/tag-mismatch", "an inline tag of the source missing from the target, or one it does not have",
    severity="major", penalty=0.3,
    explanation="Inline tags (XLIFF <g>, <x/>, <ph>, <pc>, <bpt>/<ept>, TMX <ph>...) carry formatting and "
    "placeholders: a lost or invented tag breaks the document the translation goes back into.")
TAG_ORDER = Rule(
    "checks/tag-order", "the source's inline tags in another order", penalty=0.1,
    explanation="Word order may legitimately move tags, so this is minor; check that paired tags still wrap "
    "the right words.")


def check_tags(segment: Segment) -> CheckOutcome:
    """Inline tags of the source missing from the target or added to it (major), or the
    same tags in another order (`checks/tag-order`, minor: word order may move them)."""
    if "source_tags" not in segment.meta:
        return CheckOutcome()
    source_tags, target_tags = _tags(segment, "source_tags"), _tags(segment, "tags")
    if not source_tags and not target_tags:
        return CheckOutcome()
    expected, found = Counter(t.key for t in source_tags), Counter(t.key for t in target_tags)
    absent, added = expected - found, found - expected
    issues = [missing(TAG_MISMATCH, segment, f"tag {t.display()} of the source is missing", [t.display()])
              for t in _unmatched(source_tags, absent)]
    issues += [TAG_MISMATCH.at(t.offset, t.offset, f"tag {t.display()} is not in the source")
               for t in _unmatched(target_tags, added)]
    if not issues and [t.key for t in source_tags] != [t.key for t in target_tags]:
        order = " ".join(t.display() for t in source_tags)
        issues.append(TAG_ORDER.at(0, len(segment.text), f"inline tags are not in the source's order ({order})"))
    return CheckOutcome(True, issues, {"tags_missing": sum(absent.values()), "tags_added": sum(added.values())})


TAGS = Check("tags", (TAG_MISMATCH, TAG_ORDER), (
    Feature("tags_missing", "count", -1, "inline tags of the source not in the target"),
    Feature("tags_added", "count", -1, "inline tags of the target not in the source"),
), check_tags)
