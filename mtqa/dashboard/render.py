"""HTML for the reading view: sentences shaded by risk, suspect words underlined by dimension.

Colours are chosen to stay distinguishable for colour-blind readers, and never carry meaning
alone: the risk shades are ColorBrewer YlOrBr (one hue, lightness falls as risk rises), every
flagged sentence also carries a text badge, and each dimension has its own underline style.
"""

from __future__ import annotations

from html import escape
from typing import Any

# (lowest risk of the band, background, label), lightest first.
RISK_BANDS = (
    (0.0, "transparent", "risk < 0.2"),
    (0.2, "#fff7bc", "0.2 – 0.4"),
    (0.4, "#fee391", "0.4 – 0.6"),
    (0.6, "#fec44f", "0.6 – 0.8"),
    (0.8, "#fe9929", "≥ 0.8"),
)
# Okabe–Ito colours, plus a distinct line style per dimension.
UNDERLINES = {
    "grammar": ("#0072B2", "wavy"),
    "fluency": ("#D55E00", "dotted"),
    "drift": ("#009E73", "double"),
    "checks": ("#CC79A7", "dashed"),
}
BADGES = {"review": "⚑ review", "fail": "✖ fail"}

STYLE = """<style>
.mtqa-doc { line-height: 1.9; font-size: 1.02rem; }
.mtqa-seg { border-radius: 3px; padding: 1px 0; }
.mtqa-badge { font-size: 0.72rem; font-weight: 600; border: 1px solid #444; border-radius: 3px;
  padding: 0 3px; margin: 0 2px; white-space: nowrap; background: #fff; color: #222; }
.mtqa-legend span.swatch { display: inline-block; min-width: 4.5rem; padding: 0 6px; margin-right: 4px;
  border: 1px solid #999; border-radius: 3px; text-align: center; }
.mtqa-legend { font-size: 0.85rem; margin-bottom: 0.6rem; }
</style>"""


def risk_colour(risk: float | None, flagged: bool = False) -> str:
    """The band's shade; a flagged sentence (e.g. for one major finding) is never left clear."""
    colour = RISK_BANDS[1][1] if flagged else RISK_BANDS[0][1]
    for lowest, background, _ in RISK_BANDS[1:]:
        if risk is not None and risk >= lowest:
            colour = background
    return colour


def underline_style(dimension: str) -> str:
    colour, line = UNDERLINES.get(dimension, ("#555555", "solid"))
    return (f"text-decoration: underline {line} {colour}; text-decoration-thickness: 2px; "
            "text-underline-offset: 3px;")


def highlight_issues(text: str, issues: list[dict[str, Any]]) -> str:
    """Escape `text` and underline issue spans; where spans overlap the first one wins."""
    pieces, cursor = [], 0
    for issue in sorted(issues, key=lambda i: (i["start"], -i["end"])):
        start, end = max(issue["start"], cursor), min(issue["end"], len(text))
        if start >= end:
            continue
        title = f'{issue["dimension"]}: {issue["message"]}'
        if issue.get("suggestions"):
            title += " → " + ", ".join(issue["suggestions"][:3])
        pieces.append(escape(text[cursor:start]))
        pieces.append(f'<u class="mtqa-issue mtqa-{escape(issue["dimension"])}" '
                      f'style="{underline_style(issue["dimension"])}" title="{escape(title)}">'
                      f"{escape(text[start:end])}</u>")
        cursor = end
    pieces.append(escape(text[cursor:]))
    return "".join(pieces)


def tooltip(segment: dict[str, Any]) -> str:
    scores = ", ".join(f"{k} {v:.2f}" for k, v in segment["scores"].items() if v is not None)
    risk = "–" if segment["risk"] is None else f'{segment["risk"]:.2f}'
    lines = [f'#{segment["index"]} {segment["verdict"]} · risk {risk}', scores, *segment["reasons"]]
    return escape("\n".join(line for line in lines if line))


def segment_html(segment: dict[str, Any], decision: str | None = None) -> str:
    body = highlight_issues(segment["text"], segment["issues"])
    badge = ""
    if segment["verdict"] in BADGES:
        label = BADGES[segment["verdict"]] + (f" · {decision}" if decision else "")
        badge = f'<span class="mtqa-badge">#{segment["index"]} {label}</span>'
    return (f'<span class="mtqa-seg mtqa-{segment["verdict"]}" data-index="{segment["index"]}" '
            f'data-risk="{segment["risk"] if segment["risk"] is not None else ""}" '
            f'style="background-color: {risk_colour(segment["risk"], segment["verdict"] in BADGES)}" '
            f'title="{tooltip(segment)}">{body}</span>{badge}')


def gap_html(gap: str) -> str:
    """Layout between sentences: blank lines start a paragraph, single newlines break a line."""
    if "\n\n" in gap:
        return "</p><p>"
    return "<br>" if "\n" in gap else escape(gap)


def document_html(segments: list[dict[str, Any]], text: str | None,
                  decisions: dict[int, str] | None = None) -> str:
    """Continuous text of these (consecutive) segments, keeping the original layout if known."""
    decisions = decisions or {}
    parts = ['<div class="mtqa-doc"><p>']
    previous_end = None
    for segment in segments:
        if previous_end is not None:
            gap = text[previous_end:segment["start"]] if text is not None else "\n"
            parts.append(gap_html(gap))
        parts.append(segment_html(segment, decisions.get(segment["index"])))
        previous_end = segment["end"]
    parts.append("</p></div>")
    return STYLE + "".join(parts)


def legend_html() -> str:
    shades = "".join(f'<span class="swatch" style="background:{colour}">{label}</span>'
                     for _, colour, label in RISK_BANDS)
    lines = "".join(f'<span class="swatch" style="{underline_style(name)}">{name}</span>'
                    for name in UNDERLINES)
    return (f'{STYLE}<div class="mtqa-legend"><b>Risk</b> {shades}<br>'
            f'<b>Suspect words</b> {lines} <span class="mtqa-badge">⚑ review</span>'
            f'<span class="mtqa-badge">✖ fail</span></div>')
