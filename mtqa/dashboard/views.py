"""The dashboard's page: sidebar (documents, reviewer, exports) and the reading, queue and
overview tabs. State that must survive a rerun lives in `st.session_state`; state that must
survive a restart (decisions, scored runs) lives in the SQLite `DecisionStore`."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from math import ceil
from pathlib import Path
from typing import Any

import streamlit as st

from mtqa.core.components import DIMENSIONS
from mtqa.core.config import load_settings
from mtqa.core.documents import Document
from mtqa.core.errors import MtqaError
from mtqa.core.pipeline import Pipeline
from mtqa.dashboard import charts
from mtqa.dashboard.decisions import (
    Decision,
    DecisionStore,
    decisions_csv,
    decisions_json,
    default_db_path,
    edited_text,
    review_summary,
)
from mtqa.dashboard.loading import (
    SAMPLE_ARTICLE,
    attach,
    read_file,
    read_upload,
    run_key,
    score,
)
from mtqa.dashboard.queue import FLAGGED, QueueFilter, build_queue
from mtqa.dashboard.render import document_html, highlight_issues, legend_html

# Set by `mtqa dashboard`: files to open at start (os.pathsep-separated) and the reviewer.
FILES_ENV = "MTQA_DASHBOARD_FILES"
REVIEWER_ENV = "MTQA_REVIEWER"
# Segments per page of the reading view: keeps a 1,000-sentence document responsive.
PAGE_SIZE = 80


@st.cache_resource(show_spinner="Loading the models (once per server)…")
def get_pipeline() -> Pipeline:
    return Pipeline(load_settings())


@st.cache_resource
def get_store(path: str) -> DecisionStore:
    return DecisionStore(path)


def store() -> DecisionStore:
    return get_store(str(default_db_path()))


# Loading and scoring


def scored_payload(document: Document) -> dict[str, Any]:
    """Results for a document: from the store when this text was scored before, else scored now."""
    pipeline = get_pipeline()
    key, signature = run_key(document), str(pipeline.signature())
    payload = store().load_run(key, signature)
    if payload is None:
        label = f"Scoring {len(document.segments)} segments of {document.path}…"
        bar = st.progress(0.0, text=label)
        payload = score(pipeline, document, lambda done: bar.progress(done, text=label))
        bar.empty()
        store().save_run(key, signature, document.content_hash, document.path, payload)
    return payload


def open_document(read: Callable[[], Document]) -> None:
    """Read, score and show a document; an input problem becomes a message in the page."""
    try:
        payload = scored_payload(read())
    except MtqaError as exc:
        st.session_state.errors.append(str(exc))
        return
    st.session_state.documents[payload["run_key"]] = payload
    st.session_state.active = payload["run_key"]
    st.session_state.queue_position = 0


def read_uploads(target: Any, source: Any, reference: Any) -> Document:
    document = read_upload(target.name, target.getvalue())
    for role, upload in (("source", source), ("reference", reference)):
        if upload is not None:
            attach(document, read_upload(upload.name, upload.getvalue()), role)
    return document


def initialise() -> None:
    if "documents" in st.session_state:
        return
    st.session_state.documents = {}
    st.session_state.errors = []
    st.session_state.queue_position = 0
    st.session_state.reviewer = os.environ.get(REVIEWER_ENV) or os.environ.get("USER") or "editor"
    files = [f for f in os.environ.get(FILES_ENV, "").split(os.pathsep) if f]
    if not files and SAMPLE_ARTICLE.is_file():
        files = [str(SAMPLE_ARTICLE)]
    for path in files:
        open_document(lambda path=path: read_file(path))


# Sidebar


def sidebar() -> None:
    with st.sidebar:
        st.header("mtqa review")
        st.text_input("Reviewer", key="reviewer", help="Decisions are recorded under this name")
        documents = st.session_state.documents
        # Before the document picker: opening a document sets the picker's value.
        with st.expander("Open a document", expanded=not documents):
            with st.form("upload", clear_on_submit=False):
                target = st.file_uploader("Document to check", key="upload_target")
                source = st.file_uploader("Source (optional)", key="upload_source")
                reference = st.file_uploader("Reference (optional)", key="upload_reference")
                if st.form_submit_button("Check"):
                    if target is None:
                        st.warning("Choose the document to check first.")
                    else:
                        open_document(lambda: read_uploads(target, source, reference))
            earlier = store().runs()
            if earlier:
                labels = {f"{r.run_key}/{r.signature}": f"{r.name} · {r.segments} seg · {r.created_at}"
                          for r in earlier}
                choice = st.selectbox("Earlier runs", list(labels), format_func=labels.get)
                if st.button("Open earlier run"):
                    key, signature = choice.split("/", 1)
                    open_stored_run(key, signature)
        if documents:
            st.selectbox("Document", list(documents), key="active",
                         format_func=lambda key: Path(documents[key]["name"]).name)
        st.caption(f"Decisions: `{store().path}`")


def open_stored_run(key: str, signature: str) -> None:
    payload = store().load_run(key, signature)
    if payload is not None:
        st.session_state.documents[key] = payload
        st.session_state.active = key
        st.session_state.queue_position = 0


def exports(payload: dict[str, Any], decisions: dict[int, Decision]) -> None:
    reviewer = st.session_state.reviewer
    history = store().history(payload["content_hash"], reviewer)
    stem = Path(payload["name"]).stem
    summary = review_summary(payload["name"], payload["content_hash"], payload["segments"], decisions)
    columns = st.columns(4)
    columns[0].download_button("Edited document", edited_text(payload["segments"], decisions,
                               payload["text"]), file_name=f"{stem}.edited.txt", mime="text/plain")
    columns[1].download_button("Decisions (CSV)", decisions_csv(history),
                               file_name=f"{stem}.decisions.csv", mime="text/csv")
    columns[2].download_button("Decisions (JSON)", decisions_json(history),
                               file_name=f"{stem}.decisions.json", mime="application/json")
    columns[3].download_button("Review summary", json.dumps(summary, indent=2) + "\n",
                               file_name=f"{stem}.summary.json", mime="application/json")


# Details of one segment


def segment_details(segment: dict[str, Any], content_hash: str) -> None:
    risk = "–" if segment["risk"] is None else f'{segment["risk"]:.2f}'
    metrics = st.columns(1 + len(segment["scores"]))
    metrics[0].metric("Risk", risk, help=f'verdict: {segment["verdict"]}')
    for column, (dimension, value) in zip(metrics[1:], segment["scores"].items()):
        column.metric(dimension, "–" if value is None else f"{value:.2f}")
    for reason in segment["reasons"]:
        st.markdown(f"- {reason}")
    if segment["issues"]:
        st.dataframe(
            [{"dimension": i["dimension"], "words": segment["text"][i["start"]:i["end"]],
              "message": i["message"], "suggestions": ", ".join(i["suggestions"]),
              "rule": i["rule"], "severity": i["severity"]} for i in segment["issues"]],
            hide_index=True,
        )
    if segment["source"] or segment["reference"]:
        sides = st.columns(3)
        sides[0].markdown("**Text**\n\n" + segment["text"])
        sides[1].markdown("**Source**\n\n" + (segment["source"] or "–"))
        sides[2].markdown("**Reference**\n\n" + (segment["reference"] or "–"))
    earlier = [d for d in store().history(content_hash) if d.segment_index == segment["index"]]
    for decision in earlier:
        change = f' → “{decision.edited_text}”' if decision.edited_text else ""
        note = f" ({decision.note})" if decision.note else ""
        st.caption(f"{decision.created_at} · {decision.reviewer}: {decision.action}{change}{note}")


# Tabs


def reading_view(payload: dict[str, Any], decisions: dict[int, Decision]) -> None:
    st.html(legend_html())
    segments = payload["segments"]
    pages = max(1, ceil(len(segments) / PAGE_SIZE))
    page = 1
    if pages > 1:
        page = st.number_input(f"Page (of {pages}, {PAGE_SIZE} segments each)", 1, pages, 1)
    shown = segments[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
    st.html(document_html(shown, payload["text"], {i: d.action for i, d in decisions.items()}))
    choices = [s for s in shown if s["verdict"] != "skipped"]
    if not choices:
        return
    riskiest = max(range(len(choices)), key=lambda i: choices[i]["risk"] or 0.0)
    selected = st.selectbox("Sentence details", choices, index=riskiest, key=f"details_{page}",
                            format_func=lambda s: f'#{s["index"]} {s["verdict"]} · '
                            f'{s["text"][:80]}')
    segment_details(selected, payload["content_hash"])


def queue_filter(decided: frozenset[int]) -> QueueFilter:
    columns = st.columns([2, 2, 2, 2])
    verdicts = columns[0].multiselect("Verdict", ["ok", *FLAGGED], default=list(FLAGGED),
                                     key="filter_verdicts")
    dimensions = columns[1].multiselect("Blamed on", DIMENSIONS, key="filter_dimensions")
    min_risk = columns[2].slider("Risk at least", 0.0, 1.0, 0.0, 0.05, key="filter_min_risk")
    max_score = columns[3].slider("Lowest score at most", 0.0, 1.0, 1.0, 0.05,
                                  key="filter_max_score")
    search_column, hide_column = st.columns([3, 1])
    search = search_column.text_input("Search", placeholder="words in the sentence",
                                     key="filter_search")
    hide_decided = hide_column.checkbox("Hide decided", value=True, key="filter_hide_decided")
    return QueueFilter(tuple(verdicts), tuple(dimensions), min_risk, max_score, search,
                       hide_decided, decided)


def decide(payload: dict[str, Any], segment: dict[str, Any], action: str, advance: bool) -> None:
    """Button callback: record the decision, then move on to the next item."""
    edit_key, note_key = f'edit_{payload["content_hash"]}_{segment["index"]}', "queue_note"
    edited = st.session_state.get(edit_key) if action == "edit" else None
    try:
        store().record(payload["content_hash"], payload["name"], segment["index"], segment["text"],
                       st.session_state.reviewer, action, edited, st.session_state.get(note_key))
    except MtqaError as exc:
        st.session_state.errors.append(str(exc))
        return
    st.session_state[note_key] = ""
    if advance:
        st.session_state.queue_position += 1


def skip() -> None:
    st.session_state.queue_position += 1


def queue_view(payload: dict[str, Any], decisions: dict[int, Decision]) -> None:
    current_filter = queue_filter(frozenset(decisions))
    queue = build_queue(payload["segments"], current_filter)
    if not queue:
        st.success("Nothing to review with these filters.")
        return
    position = st.session_state.queue_position % len(queue)
    segment = queue[position]
    st.subheader(f'Item {position + 1} of {len(queue)} · sentence #{segment["index"]} · '
                 f'{segment["verdict"]} · risk {segment["risk"]:.2f}')
    st.html(f'<div class="mtqa-doc">{highlight_issues(segment["text"], segment["issues"])}</div>')
    previous = decisions.get(segment["index"])
    if previous:
        st.info(f"Decided by {previous.reviewer}: {previous.action}")
    segment_details(segment, payload["content_hash"])
    edit_key = f'edit_{payload["content_hash"]}_{segment["index"]}'
    if edit_key not in st.session_state:
        st.session_state[edit_key] = previous.edited_text if previous and previous.edited_text \
            else segment["text"]
    st.text_area("Edited sentence", key=edit_key)
    st.text_input("Note", key="queue_note")
    # Moving on is implicit when decided items are hidden: the next one slides into place.
    advance = not current_filter.hide_decided
    buttons = st.columns(5)
    for column, (label, action, shortcut) in zip(buttons, (
            ("Accept", "accept", "Alt+A"), ("Save edit", "edit", "Alt+E"),
            ("Reject", "reject", "Alt+X"), ("Add note", "note", "Alt+N"))):
        column.button(label, key=f"decide_{action}", on_click=decide,
                      args=(payload, segment, action, advance), shortcut=shortcut,
                      type="primary" if action == "accept" else "secondary")
    buttons[4].button("Next", key="queue_next", on_click=skip, shortcut="Alt+J")
    st.dataframe(
        [{"#": s["index"], "verdict": s["verdict"], "risk": s["risk"],
          "decision": decisions[s["index"]].action if s["index"] in decisions else "",
          "reasons": "; ".join(s["reasons"]), "text": s["text"]} for s in queue],
        hide_index=True,
    )


def overview(payload: dict[str, Any], decisions: dict[int, Decision]) -> None:
    frame = charts.segment_frame(payload["segments"])
    summary = review_summary(payload["name"], payload["content_hash"], payload["segments"], decisions)
    metrics = st.columns(4)
    metrics[0].metric("Segments", summary["segments"])
    metrics[1].metric("Flagged", summary["flagged"])
    metrics[2].metric("Decided", len(decisions))
    metrics[3].metric("Open", len(summary["open"]))
    left, right = st.columns(2)
    left.plotly_chart(charts.verdict_counts(frame))
    right.plotly_chart(charts.risk_distribution(frame))
    left.plotly_chart(charts.risk_by_position(frame))
    right.plotly_chart(charts.dimension_scores(frame))
    if len(st.session_state.documents) > 1:
        st.plotly_chart(charts.documents_overview(list(st.session_state.documents.values())))
    exports(payload, decisions)


def page() -> None:
    try:
        store()
    except MtqaError as exc:
        st.error(str(exc))
        return
    initialise()
    sidebar()
    for message in st.session_state.errors:
        st.error(message)
    st.session_state.errors = []
    documents = st.session_state.documents
    if not documents:
        st.info("Open a document in the sidebar to check it.")
        return
    payload = documents[st.session_state.active]
    decisions = store().latest(payload["content_hash"], st.session_state.reviewer)
    st.title(Path(payload["name"]).name)
    st.caption(f'{payload["name"]} · {payload["format"]} · {len(payload["segments"])} segments · '
               f'reviewer {st.session_state.reviewer}')
    # Only the open tab runs: a 1,000-sentence document renders one view, not three.
    tabs = st.tabs(list(VIEWS), key="view", on_change="rerun")
    for tab, view in zip(tabs, VIEWS.values()):
        if tab.open:
            with tab:
                view(payload, decisions)


VIEWS = {"Reading": reading_view, "Queue": queue_view, "Overview": overview}
