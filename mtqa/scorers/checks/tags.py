"""Inline tags that the target lost, invented or reordered: the inline elements of XLIFF and
TMX, and markup written in the text of PO files and tables (`<a href="...">`, `<br/>`)."""

from __future__ import annotations

import re
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


def _shown_in_pairs(tags: list[InlineTag]) -> list[str]:
    """How missing tags are named: an opening tag and its closing one (same element and id,
    the next such closing tag) as one pair, `<g id="2">…</g>`; any other tag alone."""
    shown, paired = [], set()
    for i, tag in enumerate(tags):
        if i in paired:
            continue
        close = next((j for j in range(i + 1, len(tags)) if j not in paired and tags[j].kind == "close"
                      and (tags[j].tag, tags[j].id) == (tag.tag, tag.id)), None) if tag.kind == "open" else None
        if close is None:
            shown.append(tag.display())
        else:
            paired.add(close)
            shown.append(f"{tag.display()}…{tags[close].display()}")
    return shown


TAG_MISMATCH = Rule(
    "checks/tag-mismatch", "an inline tag of the source missing from the target, or one it does not have",
    severity="major", penalty=0.3,
    explanation="Inline tags (XLIFF <g>, <x/>, <ph>, <pc>, <bpt>/<ept>, TMX <ph>...) carry formatting and "
    "placeholders: a lost or invented tag breaks the document the translation goes back into.")
TAG_ORDER = Rule(
    "checks/tag-order", "the source's inline tags in another order", penalty=0.1,
    explanation="Word order may legitimately move tags, so this is minor; check that paired tags still wrap "
    "the right words.")


# An HTML/XML tag written in the text: <b>, </b>, <br/>, <a href="...">. Attribute values may
# be localised (a link to the documentation in the target's language), so only the element
# name and whether it opens or closes are compared.
_MARKUP = re.compile(r"<(?P<close>/)?(?P<name>[A-Za-z][\w:-]*)(?:\s[^<>]*?)?(?P<empty>/)?>")


# HTML elements; other <words> count as tags only with an attribute (`<x-icon name="y">`) or
# closed (`<br/>`), as UI text also writes "<original entry>" for something to fill in.
HTML_ELEMENTS = frozenset("""a abbr b bdi bdo big blockquote br button caption cite code dd del details dfn div dl
    dt em font footer h1 h2 h3 h4 h5 h6 header hr i img input ins kbd label li mark ol option p pre q s samp
    section select small span strike strong sub summary sup table tbody td th thead time tr tt u ul var wbr""".split())


def markup_tags(text: str) -> list[InlineTag]:
    """Tags written in `text`, as inline tags at their offsets."""
    return [InlineTag(m["name"].lower(), "", "close" if m["close"] else "standalone" if m["empty"] else "open",
                      m.start(), m.end()) for m in _MARKUP.finditer(text)
            if m["name"].lower() in HTML_ELEMENTS or m["empty"] or "=" in m.group()]


def check_tags(segment: Segment) -> CheckOutcome:
    """Inline tags of the source missing from the target or added to it (major), or the
    same tags in another order (`checks/tag-order`, minor: word order may move them). Without
    inline elements, the markup written in the source's text (if any) is compared."""
    if "source_tags" in segment.meta and (segment.meta["source_tags"] or segment.meta.get("tags")):
        source_tags, target_tags = _tags(segment, "source_tags"), _tags(segment, "tags")
    else:
        source_tags = markup_tags(segment.source or "")
        target_tags = markup_tags(segment.text) if source_tags else []
    if not source_tags and not target_tags:
        return CheckOutcome()
    expected, found = Counter(t.key for t in source_tags), Counter(t.key for t in target_tags)
    absent, added = expected - found, found - expected
    issues = [missing(TAG_MISMATCH, segment, f"tag {shown} of the source is missing", [shown])
              for shown in _shown_in_pairs(_unmatched(source_tags, absent))]
    issues += [TAG_MISMATCH.at(t.offset, t.end if t.end is not None else t.offset, f"tag {t.display()} is not in "
                               "the source") for t in _unmatched(target_tags, added)]
    if not issues and [t.key for t in source_tags] != [t.key for t in target_tags]:
        order = " ".join(t.display() for t in source_tags)
        issues.append(TAG_ORDER.at(0, len(segment.text), f"inline tags are not in the source's order ({order})"))
    return CheckOutcome(True, issues, {"tags_missing": sum(absent.values()), "tags_added": sum(added.values())})


TAGS = Check("tags", (TAG_MISMATCH, TAG_ORDER), (
    Feature("tags_missing", "count", -1, "inline tags of the source not in the target"),
    Feature("tags_added", "count", -1, "inline tags of the target not in the source"),
), check_tags)
