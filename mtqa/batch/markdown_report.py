"""The batch report as a short Markdown summary (for a pull request, a ticket or an email)."""

from __future__ import annotations

from typing import TextIO

from mtqa.batch.compare import BOOTSTRAP_SAMPLES, CONFIDENCE
from mtqa.batch.result import BatchResult
from mtqa.batch.summary import VERDICTS

# Rows shown in the Markdown tables (the HTML report and CSV files have them all).
SHOWN_FILES = 20
SHOWN_SEGMENTS = 10


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _number(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def write_markdown(result: BatchResult, stream: TextIO) -> None:
    summary = result.summary
    counts = summary.counts()
    total = summary.segments or 1
    lines = [
        "# mtqa batch summary", "",
        f"{len(summary.files)} files, {summary.segments:,} segments; "
        + ", ".join(f"{verdict} {counts[verdict]:,} ({100 * counts[verdict] / total:.1f}%)" for verdict in VERDICTS)
        + f". Mean risk {_number(summary.risk.mean)}. Gate (fail_on = {result.fail_on}): "
        + ("**failed**." if result.gate_failed() else "passed."), "",
        f"Scored {summary.scored:,} segments, {summary.cached:,} from the store, in "
        f"{result.elapsed_seconds:.1f} s ({result.engine} engine).", "",
        "## Files by risk", "",
        "| file | segments | review | fail | flagged | mean risk |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    files = summary.files_by_risk()
    for file in files[:SHOWN_FILES]:
        name = f"{file.system}: {file.file}" if file.system else file.file
        lines.append(f"| {_cell(name)} | {file.segments:,} | {file.counts['review']:,} | {file.counts['fail']:,} | "
                     f"{100 * file.flagged() / max(file.segments, 1):.1f}% | {_number(file.risk.mean)} |")
    if len(files) > SHOWN_FILES:
        lines.append(f"\n…and {len(files) - SHOWN_FILES} more files (see files.csv).")
    lines += ["", "## Worst segments", ""]
    worst = summary.worst()[:SHOWN_SEGMENTS]
    if not worst:
        lines.append("No segment was flagged.")
    for entry in worst:
        lines.append(
            f"- **{entry['verdict']}** (risk {_number(entry['risk'])}) `{_cell(entry['file'])}:{entry['line']}`: "
            f"{_cell(entry['text'][:200])} — {_cell(entry['reasons'])}"
        )
    if result.comparison:
        comparison = result.comparison
        lines += ["", f"## Comparison: {comparison.system_a} (A) vs {comparison.system_b} (B)", "",
                  f"{comparison.paired:,} paired segments. Differences are B − A (lower risk, higher scores are "
                  f"better); {CONFIDENCE:.0%} paired bootstrap confidence intervals, {BOOTSTRAP_SAMPLES} resamples.",
                  "", f"| measure | A better | B better | ties | mean B − A | {CONFIDENCE:.0%} CI | p |",
                  "| --- | ---: | ---: | ---: | ---: | --- | ---: |"]
        for m in comparison.measures:
            lines.append(f"| {m.measure} | {m.a_better:.1%} | {m.b_better:.1%} | {m.ties:.1%} | "
                         f"{m.bootstrap.mean_difference:+.4f} | [{m.bootstrap.low:+.4f}, {m.bootstrap.high:+.4f}] | "
                         f"{m.bootstrap.p_value:.4f} |")
    lines += ["", "## Signature", "", f"`{result.info.signature}`", ""]
    stream.write("\n".join(lines))
