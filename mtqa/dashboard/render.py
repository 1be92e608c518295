"""HTML of the reading view and the queue: sentences shaded by verdict and risk, suspect words
underlined by dimension, findings about a whole sentence or a missing word marked apart.

Colours never carry meaning alone and never set the text colour by accident: a shaded
sentence's text is always dark (`TEXT_ON_SHADE`) whatever the theme, unshaded text keeps the
theme's colour, every flagged sentence carries a text badge, and each dimension has its own
underline style (Okabe-Ito colours, distinguishable for colour-blind readers).
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

from mtqa.dashboard.verdicts import MODE_LABELS, SHADES, TEXT_ON_SHADE, Thresholds, shade

UNDERLINES = {
    "grammar": ("#0072B2", "wavy"),
    "fluency": ("#D55E00", "dotted"),
    "drift": ("#009E73", "double"),
    "checks": ("#CC79A7", "dashed"),
}
BADGES = {"review": "⚑ review", "fail": "✖ fail"}
# Words of the source that a finding names get this background (and dark text).
MATCH_SHADE = "#cde6ff"
BADGE = f"background: #ffffff; color: {TEXT_ON_SHADE}; border: 1px solid #444;"

STYLE = f"""<style>
.mtqa-doc {{ line-height: 1.9; font-size: 1.02rem; }}
.mtqa-seg {{ border-radius: 3px; padding: 1px 0; }}
.mtqa-doc .mtqa-seg {{ cursor: pointer; }}
.mtqa-seg.mtqa-review, .mtqa-seg.mtqa-fail {{ color: {TEXT_ON_SHADE}; }}
.mtqa-seg.mtqa-selected {{ outline: 3px solid #0072B2; outline-offset: 1px; }}
.mtqa-badge, .mtqa-whole {{ font-size: 0.72rem; font-weight: 600; border-radius: 3px; padding: 0 3px;
  margin: 0 2px; white-space: nowrap; {BADGE} }}
.mtqa-whole {{ border-style: dashed; }}
.mtqa-point {{ font-weight: 700; padding: 0 1px; }}
mark.mtqa-match {{ background: {MATCH_SHADE}; color: {TEXT_ON_SHADE}; border-radius: 2px; padding: 0 1px; }}
.mtqa-context {{ font-style: italic; }}
.mtqa-legend span.swatch {{ display: inline-block; min-width: 4.5rem; padding: 0 6px; margin-right: 4px;
  border: 1px solid #999; border-radius: 3px; text-align: center; }}
.mtqa-legend span.shaded {{ color: {TEXT_ON_SHADE}; }}
.mtqa-legend {{ font-size: 0.85rem; margin-bottom: 0.6rem; line-height: 2; }}
</style>"""


def underline_style(dimension: str) -> str:
    colour, line = UNDERLINES.get(dimension, ("#555555", "solid"))
    return (f"text-decoration: underline {line} {colour}; text-decoration-thickness: 2px; "
            "text-underline-offset: 3px;")


def _title(issue: dict[str, Any]) -> str:
    title = f'{issue["dimension"]}: {issue["message"]}'
    if issue.get("suggestions"):
        title += " → " + ", ".join(issue["suggestions"][:3])
    return title


def is_whole_sentence(issue: dict[str, Any], text: str) -> bool:
    """A finding about the sentence as a whole (its span covers all of it): not underlined."""
    stripped = text.strip()
    return (len(stripped.split()) > 1 and issue["start"] <= len(text) - len(text.lstrip())
            and issue["end"] >= len(text.rstrip()))


def sentence_findings(segment: dict[str, Any]) -> list[dict[str, Any]]:
    return [i for i in segment["issues"] if is_whole_sentence(i, segment["text"])]


def highlight_issues(text: str, issues: list[dict[str, Any]]) -> str:
    """Escape `text`, underline the spans of word-level findings (where spans overlap the first
    wins) and put a caret where a finding points between words (something missing)."""
    pieces, cursor = [], 0
    word_level = [i for i in issues if not is_whole_sentence(i, text)]
    for issue in sorted(word_level, key=lambda i: (i["start"], -i["end"])):
        start, end = max(issue["start"], cursor), min(issue["end"], len(text))
        pieces.append(escape(text[cursor:start]))
        cursor = max(cursor, start)
        if issue["start"] == issue["end"] and start == issue["start"]:
            colour = UNDERLINES.get(issue["dimension"], ("#555555", ""))[0]
            pieces.append(f'<span class="mtqa-point mtqa-{escape(issue["dimension"])}" style="color: {colour}" '
                          f'title="{escape(_title(issue))}">‸</span>')
            continue
        if start >= end:
            continue
        pieces.append(f'<u class="mtqa-issue mtqa-{escape(issue["dimension"])}" '
                      f'style="{underline_style(issue["dimension"])}" title="{escape(_title(issue))}">'
                      f"{escape(text[start:end])}</u>")
        cursor = end
    pieces.append(escape(text[cursor:]))
    return "".join(pieces)


def whole_sentence_marks(segment: dict[str, Any]) -> str:
    dimensions: dict[str, list[str]] = {}
    for issue in sentence_findings(segment):
        dimensions.setdefault(issue["dimension"], []).append(_title(issue))
    return "".join(f'<span class="mtqa-whole" title="{escape(chr(10).join(titles))}">◆ {escape(name)}</span>'
                   for name, titles in dimensions.items())


def tooltip(segment: dict[str, Any]) -> str:
    scores = ", ".join(f"{k} {v:.2f}" for k, v in segment["scores"].items() if v is not None)
    risk = "–" if segment["risk"] is None else f'{segment["risk"]:.2f}'
    lines = [f'#{segment["index"]} {segment["verdict"]} · risk {risk}',
             f"scores (1 is best): {scores}" if scores else "", *segment["reasons"], "click for details"]
    return escape("\n".join(line for line in lines if line))


def segment_html(segment: dict[str, Any], thresholds: Thresholds, decision: str | None = None,
                 selected: bool = False) -> str:
    body = highlight_issues(segment["text"], segment["issues"])
    badge = ""
    if segment["verdict"] in BADGES:
        label = BADGES[segment["verdict"]] + (f" · {decision}" if decision else "")
        badge = f'<span class="mtqa-badge">#{segment["index"]} {label}</span>'
    background = shade(segment, thresholds)
    style = f' style="background-color: {background}"' if background else ""
    classes = f'mtqa-seg mtqa-{segment["verdict"]}' + (" mtqa-selected" if selected else "")
    return (f'<span class="{classes}" data-index="{segment["index"]}" tabindex="0" role="button" '
            f'data-risk="{segment["risk"] if segment["risk"] is not None else ""}"{style} '
            f'title="{tooltip(segment)}">{body}</span>{whole_sentence_marks(segment)}{badge}')


def gap_html(gap: str) -> str:
    """Layout between sentences: blank lines start a paragraph, single newlines break a line."""
    if "\n\n" in gap:
        return "</p><p>"
    return "<br>" if "\n" in gap else escape(gap)


def document_html(segments: list[dict[str, Any]], text: str | None, thresholds: Thresholds,
                  decisions: dict[int, str] | None = None, selected: int | None = None) -> str:
    """Continuous text of these (consecutive) segments, keeping the original layout if known."""
    decisions = decisions or {}
    parts = ['<div class="mtqa-doc"><p>']
    previous_end = None
    for segment in segments:
        if previous_end is not None:
            gap = text[previous_end:segment["start"]] if text is not None else "\n"
            parts.append(gap_html(gap))
        parts.append(segment_html(segment, thresholds, decisions.get(segment["index"]),
                                  segment["index"] == selected))
        previous_end = segment["end"]
    parts.append("</p></div>")
    return STYLE + "".join(parts)


def in_context_html(before: list[dict[str, Any]], segment: dict[str, Any], after: list[dict[str, Any]],
                    thresholds: Thresholds) -> str:
    """A queue item between its neighbours, which are shown plain (italic) for context."""
    around = [f'<span class="mtqa-context">{escape(s["text"])}</span>' for s in before]
    around.append(segment_html(segment, thresholds, selected=True))
    around += [f'<span class="mtqa-context">{escape(s["text"])}</span>' for s in after]
    return STYLE + '<div class="mtqa-doc mtqa-item"><p>' + " ".join(around) + "</p></div>"


MATCH_MAX_WORDS = 4
_QUOTED = re.compile(r"'([^']{1,60})'|\"([^\"]{1,60})\"|“([^”]{1,60})”")


def matching_terms(segment: dict[str, Any]) -> list[str]:
    """Words the findings name: quoted in a message, suggested (a number or name the source
    has), or the underlined span of the target."""
    terms = []
    for issue in segment["issues"]:
        terms += [next(g for g in match.groups() if g) for match in _QUOTED.finditer(issue["message"])]
        terms += issue.get("suggestions") or []
        if not is_whole_sentence(issue, segment["text"]) and issue["end"] > issue["start"]:
            terms.append(segment["text"][issue["start"]:issue["end"]])
    # A few words at most: a suggestion can be a whole sentence (what the meaning should be).
    return [t.strip() for t in terms if (len(t.strip()) > 1 or t.strip().isdigit())
            and len(t.split()) <= MATCH_MAX_WORDS]


def highlight_terms(text: str, terms: list[str]) -> str:
    """Escape `text`, marking every occurrence of the terms (case-insensitive, whole words)."""
    wanted = sorted({t for t in terms if t}, key=len, reverse=True)
    if not wanted:
        return escape(text)
    pattern = re.compile("|".join(rf"(?<!\w){re.escape(t)}(?!\w)" for t in wanted), re.IGNORECASE)
    pieces, cursor = [], 0
    for match in pattern.finditer(text):
        pieces += [escape(text[cursor:match.start()]), f'<mark class="mtqa-match">{escape(match.group())}</mark>']
        cursor = match.end()
    return "".join(pieces) + escape(text[cursor:])


def legend_html(thresholds: Thresholds, modes: list[str]) -> str:
    """What the shades mean at the thresholds in use (per comparison mode in the document)."""
    rows = []
    for mode in modes or list(thresholds)[:1]:
        review, fail = thresholds[mode]
        label = f" ({MODE_LABELS.get(mode, mode)})" if len(modes) > 1 else ""
        review_shades = "".join(f'<span class="swatch shaded" style="background:{c}">review</span>'
                                for c in SHADES["review"][::2])
        fail_shades = "".join(f'<span class="swatch shaded" style="background:{c}">fail</span>'
                              for c in SHADES["fail"][::2])
        rows.append(f"<b>Verdict{label}</b> <span class=\"swatch\">ok: risk &lt; {review:.2f}</span>"
                    f"{review_shades} {review:.2f} – {fail:.2f} {fail_shades} ≥ {fail:.2f}")
    lines = "".join(f'<span class="swatch" style="{underline_style(name)}">{name}</span>' for name in UNDERLINES)
    return (f'{STYLE}<div class="mtqa-legend">{"<br>".join(rows)}<br>'
            f"<b>Findings</b> {lines} <span class=\"mtqa-whole\">◆ whole sentence</span> "
            f'<span class="mtqa-point">‸</span> something missing here '
            f'<span class="mtqa-badge">⚑ review</span><span class="mtqa-badge">✖ fail</span></div>')
