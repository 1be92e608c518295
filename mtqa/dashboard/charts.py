"""Overview charts (plotly): how risky the document is, and where its problems cluster."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.express as px
from plotly.graph_objects import Figure

# Okabe–Ito: distinguishable for colour-blind readers.
VERDICT_COLOURS = {"ok": "#009E73", "review": "#E69F00", "fail": "#D55E00", "skipped": "#999999"}
VERDICT_ORDER = list(VERDICT_COLOURS)


def segment_frame(segments: list[dict[str, Any]]) -> pd.DataFrame:
    rows = [{"index": s["index"], "verdict": s["verdict"], "risk": s["risk"],
             **{f"score.{k}": v for k, v in s["scores"].items()}} for s in segments]
    return pd.DataFrame(rows)


def verdict_counts(frame: pd.DataFrame) -> Figure:
    counts = frame["verdict"].value_counts().reindex(VERDICT_ORDER, fill_value=0).reset_index()
    counts.columns = ["verdict", "segments"]
    return px.bar(counts, x="verdict", y="segments", color="verdict",
                  color_discrete_map=VERDICT_COLOURS, title="Segments per verdict")


def risk_distribution(frame: pd.DataFrame, thresholds: tuple[float, float] | None = None) -> Figure:
    """Histogram of risk by verdict, with the review and fail thresholds in use drawn in."""
    figure = px.histogram(frame.dropna(subset=["risk"]), x="risk", color="verdict", nbins=20,
                          range_x=[0, 1], color_discrete_map=VERDICT_COLOURS,
                          category_orders={"verdict": VERDICT_ORDER}, title="Risk distribution")
    for value, verdict in zip(thresholds or (), ("review", "fail") if thresholds else (), strict=True):
        figure.add_vline(x=value, line_dash="dash", line_color=VERDICT_COLOURS[verdict],
                         annotation_text=f"{verdict} from {value:.2f}")
    return figure


def risk_by_position(frame: pd.DataFrame) -> Figure:
    figure = px.scatter(frame.dropna(subset=["risk"]), x="index", y="risk", color="verdict",
                        color_discrete_map=VERDICT_COLOURS, range_y=[0, 1],
                        category_orders={"verdict": VERDICT_ORDER},
                        title="Where in the document the problems are",
                        labels={"index": "segment"})
    return figure.update_traces(marker={"size": 9})


def dimension_scores(frame: pd.DataFrame) -> Figure:
    columns = [c for c in frame.columns if c.startswith("score.")]
    long = frame.melt(id_vars=["index"], value_vars=columns, var_name="dimension",
                      value_name="score").dropna(subset=["score"])
    long["dimension"] = long["dimension"].str.removeprefix("score.")
    return px.box(long, x="dimension", y="score", points="outliers", range_y=[0, 1],
                  title="Scores per dimension (higher is better)")


def documents_overview(payloads: list[dict[str, Any]]) -> Figure:
    rows = [{"document": p["name"], "verdict": s["verdict"]} for p in payloads for s in p["segments"]]
    counts = pd.DataFrame(rows).value_counts().reset_index(name="segments")
    return px.bar(counts, x="document", y="segments", color="verdict",
                  color_discrete_map=VERDICT_COLOURS, category_orders={"verdict": VERDICT_ORDER},
                  title="Verdicts per document")
