"""The batch report as one self-contained HTML file: inline CSS, inline SVG charts and a few
lines of inline JavaScript to sort the file table. No external links, so it opens offline
and can be mailed as it is."""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape
from typing import TextIO

from mtqa.batch.compare import BOOTSTRAP_SAMPLES, CONFIDENCE
from mtqa.batch.result import BatchResult
from mtqa.batch.summary import VERDICTS, FileSummary

VERDICT_COLOURS = {"ok": "#3d9a50", "review": "#e69b23", "fail": "#d64541", "skipped": "#a0a4a8"}
SCORE_COLOUR, RISK_COLOUR = "#3b6fb6", "#c0504d"
# Files drawn in the per-file verdict chart (riskiest first); the table lists them all.
CHART_FILES = 40

STYLE = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2329;background:#f6f7f9}
header{background:#1d2f45;color:#fff;padding:18px 32px}header h1{margin:0;font-size:22px}
header p{margin:4px 0 0;opacity:.8}main{padding:8px 32px 40px;max-width:1400px}
section{background:#fff;border:1px solid #dde1e6;border-radius:6px;margin:18px 0;padding:14px 20px}
h2{font-size:18px;margin:4px 0 12px}h3{font-size:15px;margin:12px 0 6px}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{border:1px solid #dde1e6;border-radius:6px;padding:8px 14px;min-width:110px}
.card b{display:block;font-size:20px}.card span{color:#5b6670;font-size:12px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border-bottom:1px solid #e6e9ec;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eef1f4;position:sticky;top:0}th.sortable{cursor:pointer}
th.sortable:after{content:" \\2195";color:#98a2ab}
td.num{text-align:right;font-variant-numeric:tabular-nums}.charts{display:flex;flex-wrap:wrap;gap:18px}
.chart{border:1px solid #e6e9ec;border-radius:6px;padding:6px 10px}.chart h3{margin:2px 0}
.verdict{padding:1px 6px;border-radius:8px;color:#fff;font-size:12px}
.legend span{display:inline-block;margin-right:12px}
.legend i{display:inline-block;width:10px;height:10px;margin-right:4px}
code{font-size:12px;word-break:break-all}.muted{color:#5b6670}
"""

SORT_SCRIPT = """
document.querySelectorAll('table.sortable-table').forEach(function(table){
  table.querySelectorAll('th.sortable').forEach(function(th, column){
    th.addEventListener('click', function(){
      var body = table.tBodies[0], rows = Array.from(body.rows);
      var descending = th.dataset.order !== 'desc'; th.dataset.order = descending ? 'desc' : 'asc';
      rows.sort(function(a, b){
        var x = a.cells[column].dataset.value, y = b.cells[column].dataset.value;
        var nx = parseFloat(x), ny = parseFloat(y);
        var order = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : String(x).localeCompare(String(y));
        return descending ? -order : order;
      });
      rows.forEach(function(row){ body.appendChild(row); });
    });
  });
});
"""


def _number(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "–"


def histogram_svg(counts: Sequence[int], colour: str, width: int = 260, height: int = 110,
                  axis: bool = True) -> str:  # fmt: skip
    """Bars over [0, 1]; the tallest bar fills the height."""
    tallest = max(counts) or 1
    plot_height = height - (16 if axis else 0)
    bar_width = width / len(counts)
    bars = []
    for i, count in enumerate(counts):
        bar_height = plot_height * count / tallest
        low, high = i / len(counts), (i + 1) / len(counts)
        bars.append(f'<rect x="{i * bar_width:.1f}" y="{plot_height - bar_height:.1f}" width="{bar_width - 1:.1f}" '
                    f'height="{bar_height:.1f}" fill="{colour}"><title>{low:.2f}–{high:.2f}: {count}</title></rect>')
    labels = ""
    if axis:
        labels = "".join(f'<text x="{x * width:.0f}" y="{height - 3}" font-size="10" fill="#5b6670" '
                         f'text-anchor="{anchor}">{x:g}</text>'
                         for x, anchor in ((0, "start"), (0.5, "middle"), (1, "end")))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img">'
            f'{"".join(bars)}{labels}</svg>')


def stacked_bar_svg(counts: dict[str, int], width: int = 320, height: int = 14) -> str:
    total = sum(counts.values()) or 1
    x = 0.0
    parts = []
    for verdict in VERDICTS:
        share = counts.get(verdict, 0) / total
        if share:
            parts.append(f'<rect x="{x:.1f}" y="0" width="{share * width:.1f}" height="{height}" '
                         f'fill="{VERDICT_COLOURS[verdict]}"><title>{verdict}: {counts[verdict]}</title></rect>')
            x += share * width
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img">{"".join(parts)}</svg>'
    )


def _legend() -> str:
    return '<p class="legend">' + "".join(
        f'<span><i style="background:{colour}"></i>{verdict}</span>' for verdict, colour in VERDICT_COLOURS.items()
    ) + "</p>"


def _overview(result: BatchResult) -> str:
    summary = result.summary
    counts = summary.counts()
    total = summary.segments
    cards = [
        ("files", str(len(summary.files))),
        ("segments", f"{total:,}"),
        *((verdict, f"{counts[verdict]:,} ({_percent(counts[verdict], total)})") for verdict in VERDICTS),
        ("mean risk", _number(summary.risk.mean)),
        ("scored now / from store", f"{summary.scored:,} / {summary.cached:,}"),
        ("time", f"{result.elapsed_seconds:.1f} s ({result.engine})"),
    ]
    gate = "failed" if result.gate_failed() else "passed"
    return (
        '<section id="overview"><h2>Corpus overview</h2><div class="cards">'
        + "".join(f'<div class="card"><b>{escape(value)}</b><span>{escape(label)}</span></div>'
                  for label, value in cards)
        + f'</div><h3>Verdicts</h3>{stacked_bar_svg(counts, width=600, height=18)}{_legend()}'
        f'<p>Gate (<code>fail_on = {escape(result.fail_on)}</code>): <b>{gate}</b>.</p></section>'
    )


def _file_cells(file: FileSummary, dimensions: Sequence[str]) -> str:
    cells = [
        (file.file, escape(file.file)), (file.format, escape(file.format)),
        (file.segments, f"{file.segments:,}"),
        *((file.counts[v], f"{file.counts[v]:,}") for v in VERDICTS),
        (file.flagged() / max(file.segments, 1), _percent(file.flagged(), file.segments)),
        (file.risk.mean if file.risk.mean is not None else -1, _number(file.risk.mean)),
        (file.max_risk if file.max_risk is not None else -1, _number(file.max_risk)),
        *((file.scores[d].mean if file.scores[d].mean is not None else -1, _number(file.scores[d].mean))
          for d in dimensions),
    ]
    html = "".join(
        f'<td class="{"" if i < 2 else "num"}" data-value="{escape(str(value))}">{shown}</td>'
        for i, (value, shown) in enumerate(cells)
    )
    sparkline = histogram_svg(file.risk.histogram, RISK_COLOUR, width=100, height=24, axis=False)
    return html + f'<td data-value="{file.risk.mean or 0}">{sparkline}</td>'


def _files(result: BatchResult) -> str:
    dimensions = result.info.dimensions
    with_system = any(f.system is not None for f in result.summary.files.values())
    headers = ["file", "format", "segments", *VERDICTS, "flagged", "mean risk", "max risk",
               *(f"mean {d}" for d in dimensions), "risk distribution"]
    if with_system:
        headers.insert(0, "system")
    head = "".join(f'<th class="sortable">{escape(h)}</th>' for h in headers)
    rows = []
    for file in result.summary.files_by_risk():
        system = f'<td data-value="{escape(file.system or "")}">{escape(file.system or "")}</td>' if with_system else ""
        rows.append(f"<tr>{system}{_file_cells(file, dimensions)}</tr>")
    return (
        '<section id="files"><h2>Files by risk</h2><p class="muted">Riskiest first (share of segments '
        'flagged review or fail, then mean risk). Click a column to sort.</p>'
        f'<table class="sortable-table" id="files-table"><thead><tr>{head}</tr></thead>'
        f'<tbody>{"".join(rows)}</tbody></table></section>'
    )


def _charts(result: BatchResult) -> str:
    summary = result.summary
    distributions = [("risk (higher = worse)", summary.risk.histogram, RISK_COLOUR)] + [
        (f"{d} score (higher = better)", summary.scores[d].histogram, SCORE_COLOUR)
        for d in result.info.dimensions if summary.scores[d].count
    ]
    histograms = "".join(
        f'<div class="chart" data-chart="distribution"><h3>{escape(title)}</h3>{histogram_svg(counts, colour)}</div>'
        for title, counts, colour in distributions
    )
    files = summary.files_by_risk()
    file_rows = "".join(
        f'<tr><td>{escape((f.system + ": ") if f.system else "")}{escape(f.file)}</td>'
        f'<td>{stacked_bar_svg(f.counts)}</td><td class="num">{f.segments:,}</td></tr>'
        for f in files[:CHART_FILES]
    )
    more = f'<p class="muted">The {CHART_FILES} riskiest of {len(files)} files.</p>' if len(files) > CHART_FILES else ""
    # Dimensions that scored anything (a disabled one has nothing to show).
    flagged = {d: c for d, c in summary.flagged_by_dimension.items() if summary.scores[d].count}
    most = max((sum(c.values()) for c in flagged.values()), default=0) or 1
    dimension_rows = "".join(
        f'<tr><td>{escape(d)}</td><td>{stacked_bar_svg(c, width=int(320 * sum(c.values()) / most) or 1)}</td>'
        f'<td class="num">{c["review"]:,} review, {c["fail"]:,} fail</td></tr>'
        for d, c in flagged.items()
    )
    return (
        '<section id="charts"><h2>Charts</h2>'
        f'<h3>Score distributions</h3><div class="charts">{histograms}</div>'
        f'<h3>Verdict counts per file</h3>{_legend()}{more}<table id="verdicts-per-file">{file_rows}</table>'
        '<h3>Flagged segments per dimension</h3><p class="muted">Segments flagged review or fail whose '
        f'reasons name the dimension.</p><table id="verdicts-per-dimension">{dimension_rows}</table>'
        f'</section>'
    )


def _worst(result: BatchResult) -> str:
    rows = []
    for rank, entry in enumerate(result.summary.worst(), start=1):
        where = f'{entry["system"] + ": " if entry.get("system") else ""}{entry["file"]}:{entry["line"]}'
        verdict = entry["verdict"]
        rows.append(
            f'<tr><td class="num">{rank}</td><td>{escape(where)}</td><td class="num">{_number(entry["risk"])}</td>'
            f'<td><span class="verdict" style="background:{VERDICT_COLOURS[verdict]}">{verdict}</span></td>'
            f'<td>{escape(entry["text"])}</td><td>{escape(entry["reasons"])}</td></tr>'
        )
    body = "".join(rows) or '<tr><td colspan="6">No segment was flagged.</td></tr>'
    return (
        '<section id="worst"><h2>Worst segments</h2><table id="worst-table"><thead><tr><th>#</th><th>where</th>'
        f'<th>risk</th><th>verdict</th><th>text</th><th>reasons</th></tr></thead><tbody>{body}</tbody></table></section>'
    )


def _comparison(result: BatchResult) -> str:
    comparison = result.comparison
    if comparison is None:
        return ""
    a, b = escape(comparison.system_a), escape(comparison.system_b)
    rows = "".join(
        f'<tr><td>{escape(m.measure)}</td><td class="num">{m.pairs:,}</td><td class="num">{m.a_better:.1%}</td>'
        f'<td class="num">{m.b_better:.1%}</td><td class="num">{m.ties:.1%}</td>'
        f'<td class="num">{m.bootstrap.mean_difference:+.4f}</td>'
        f'<td class="num">[{m.bootstrap.low:+.4f}, {m.bootstrap.high:+.4f}]</td>'
        f'<td class="num">{m.bootstrap.p_value:.4f}</td></tr>'
        for m in comparison.measures
    )
    return (
        f'<section id="comparison"><h2>Comparison: {a} (A) vs {b} (B)</h2>'
        f"<p>{comparison.paired:,} paired segments ({comparison.unpaired_a:,} only in A, "
        f"{comparison.unpaired_b:,} only in B). Differences are B − A; lower risk and higher scores are better. "
        f"Confidence intervals: paired bootstrap, {BOOTSTRAP_SAMPLES} resamples, {CONFIDENCE:.0%}.</p>"
        '<table id="comparison-table"><thead><tr><th>measure</th><th>pairs</th><th>A better</th><th>B better</th>'
        f"<th>ties</th><th>mean B − A</th><th>{CONFIDENCE:.0%} CI</th><th>p</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></section>"
    )


def _settings(result: BatchResult) -> str:
    components = "".join(
        f"<tr><td>{escape(d)}</td><td><code>{escape(json.dumps(c, sort_keys=True))}</code></td></tr>"
        for d, c in result.info.components.items()
    )
    settings = "".join(
        f"<tr><td>{escape(k)}</td><td><code>{escape(json.dumps(v))}</code></td></tr>"
        for k, v in result.settings.items()
    )
    inputs = escape(" ".join(result.inputs))
    return (
        '<section id="settings"><h2>Settings and model signature</h2>'
        f'<p>Signature <b>{escape(result.info.signature_short)}</b>: <code id="signature">'
        f'{escape(result.info.signature)}</code></p><p>Inputs: <code>{inputs}</code></p>'
        f'<h3>Components</h3><table>{components}</table><h3>Settings</h3><table>{settings}</table></section>'
    )


def write_html(result: BatchResult, stream: TextIO) -> None:
    stream.write(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>mtqa batch report</title><style>{STYLE}</style></head><body>'
        f'<header><h1>mtqa batch report</h1><p>{escape(result.created)} · signature '
        f'{escape(result.info.signature_short)}</p></header><main>'
        + _overview(result) + _files(result) + _charts(result) + _worst(result)
        + _comparison(result) + _settings(result)
        + f"</main><script>{SORT_SCRIPT}</script></body></html>\n"
    )
