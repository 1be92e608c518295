"""The dashboard's page: sidebar (reviewer, document, sentence, thresholds, opening files) and
the reading, queue and overview tabs.

Where the editor is lives in the URL (query parameters bound to widgets): `reviewer`, `doc`
(run key), `tab`, `sentence` (index) and the queue's filters, so a reload or a shared link
opens the same sentence. State of this browser tab lives in `st.session_state`; what must
survive a restart (decisions, scored runs) in the SQLite `DecisionStore`. Documents open in
the background (`mtqa.dashboard.jobs`): a saved run shows at once, and the models load only
when something has to be scored.
"""

from __future__ import annotations

import functools
import json
import os
import re
import time
from collections.abc import Callable
from html import escape
from math import ceil
from pathlib import Path
from typing import Any

import streamlit as st

from mtqa.core.components import DIMENSIONS
from mtqa.core.documents import Document
from mtqa.core.errors import MtqaError
from mtqa.dashboard import FILES_ENV, REVIEWER_ENV, render
from mtqa.dashboard.decisions import (
    Decision,
    DecisionStore,
    decision_records,
    decisions_csv,
    decisions_json,
    default_db_path,
    edited_document,
    review_summary,
)
from mtqa.dashboard.jobs import Job, Reader, ScoringService, read_in_child, start
from mtqa.dashboard.loading import SAMPLE_ARTICLE, is_complete, original_bytes, read_file, run_key
from mtqa.dashboard.queue import QueueFilter, build_queue
from mtqa.dashboard.verdicts import FLAGGED, MODE_LABELS, Thresholds, counts, modes_in, with_verdicts

# Segments per page of the reading view: keeps a 1,000-sentence document responsive.
PAGE_SIZE = 80
# Seconds a session may stay disconnected (a network blip, a reload) before its work stops.
DISCONNECT_GRACE = 15.0
# (lowest score, word): how a score reads; scores run from 0 to 1 and 1 is best.
SCORE_WORDS = ((0.8, "good"), (0.5, "fair"), (0.0, "low"))
DECISION_BUTTONS = (("Accept", "accept", "Alt+A"), ("Save edit", "edit", "Alt+E"),
                    ("Reject", "reject", "Alt+X"), ("Add note", "note", "Alt+N"))
NEIGHBOURS = 2  # sentences shown before and after a queue item
_MORE = re.compile(r"\s*\(\+(\d+) more\)\s*$")

# Clicks (and Enter) on a sentence of the reading view pick it.
_READING_JS = """
export default function (component) {
  const { data, setTriggerValue, parentElement } = component;
  let root = parentElement.querySelector(':scope > .mtqa-reading');
  if (!root) {
    root = document.createElement('div');
    root.className = 'mtqa-reading';
    parentElement.appendChild(root);
  }
  const html = data[0];
  if (root.mtqaHtml !== html) {
    root.innerHTML = html;
    root.mtqaHtml = html;
    // Bring the selected sentence into view within the text's own scroll box, not the page.
    const selected = root.querySelector('.mtqa-selected');
    let box = root.parentElement;
    while (box && box.scrollHeight <= box.clientHeight) box = box.parentElement;
    if (selected && box && box !== document.scrollingElement) {
      const offset = selected.getBoundingClientRect().top - box.getBoundingClientRect().top;
      if (offset < 0 || offset > box.clientHeight - 40) box.scrollTop += offset - box.clientHeight / 3;
    }
  }
  const pick = (target) => {
    const sentence = target.closest('.mtqa-seg[data-index]');
    if (sentence) setTriggerValue('picked', Number(sentence.dataset.index));
  };
  root.onclick = (event) => pick(event.target);
  root.onkeydown = (event) => {
    if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); pick(event.target); }
  };
}
"""
reading_component = st.components.v2.component("mtqa_reading", js=_READING_JS, isolate_styles=False)
# Below this width (px) the sidebar starts collapsed, leaving the text and the decision
# buttons the room (Streamlit's own "auto" collapses it only on phone-sized screens).
NARROW_WINDOW = 1000
_NARROW_JS = f"""
export default function () {{
  if (window.mtqaSidebarFitted) return;  // once per page load: the editor may open it again
  window.mtqaSidebarFitted = true;
  if (window.innerWidth >= {NARROW_WINDOW}) return;
  const collapse = () => {{
    const button = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
    if (button) button.click(); else setTimeout(collapse, 100);
  }};
  collapse();
}}
"""
narrow_window_component = st.components.v2.component("mtqa_narrow_window", js=_NARROW_JS)


@st.cache_resource
def get_store(path: str) -> DecisionStore:
    return DecisionStore(path)


def store() -> DecisionStore:
    return get_store(str(default_db_path()))


@st.cache_resource(max_entries=32, show_spinner=False)
def read_given_file(path: str, modified_ns: int, size: int) -> Document:
    """A file given to `mtqa dashboard`, read once per server while it is unchanged (a new tab
    does not split it into sentences again). Not to be modified: sessions share it."""
    return read_file(path)


@st.cache_resource
def scoring_service() -> ScoringService:
    """One per server: the models load on the first document that needs scoring."""
    from mtqa.core.config import load_settings
    from mtqa.core.pipeline import Pipeline

    return ScoringService(lambda: Pipeline(load_settings()))


def session_alive() -> Callable[[], bool]:
    """Whether the current browser session is still there (connected, or gone for less than
    DISCONNECT_GRACE seconds); work started for it stops when it is not."""
    from streamlit import runtime
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    context = get_script_run_ctx()
    if context is None or not runtime.exists():
        return lambda: True
    instance, session_id = runtime.get_instance(), context.session_id
    last_seen = time.monotonic()

    def alive() -> bool:
        nonlocal last_seen
        if instance.is_active_session(session_id):
            last_seen = time.monotonic()
            return True
        return time.monotonic() - last_seen < DISCONNECT_GRACE

    return alive


# Opening documents


def open_in_background(label: str, read: Reader, activate: bool | str = True, document: Document | None = None) -> None:
    """Open a document in a background job; `document`, if already read, is shown plain
    meanwhile."""
    db = store()

    def save(payload: dict[str, Any]) -> None:
        db.save_run(payload["run_key"], payload["signature"], payload["content_hash"], payload["name"], payload)

    job = Job(label, session_alive(), activate, document=document)
    st.session_state.jobs.append(start(job, read, db.latest_run, scoring_service(), save))


def add_document(payload: dict[str, Any], activate: bool, keep_position: bool = False) -> None:
    st.session_state.documents[payload["run_key"]] = payload
    if activate:
        st.session_state.doc = payload["run_key"]
        if not keep_position:
            reset_position()


def reset_position() -> None:
    st.session_state.sentence = None
    st.session_state.page = 1


def collect_finished_jobs() -> None:
    for job in [j for j in st.session_state.jobs if j.done]:
        st.session_state.jobs.remove(job)
        if job.payload is not None:
            add_document(job.payload, job.activate, keep_position=job.activate == "initial")
        elif job.error:
            st.session_state.errors.append(job.error)
        elif job.cancelled:
            st.session_state.errors.append(f"{job.label}: cancelled")


def default_reviewer() -> str:
    return os.environ.get(REVIEWER_ENV) or os.environ.get("USER") or "editor"


def initialise() -> None:
    """Open the files given to `mtqa dashboard` (or the sample); the first one (or the one the
    URL names) is shown. A saved run shows at once; anything else is scored in the background."""
    if "documents" in st.session_state:
        return
    st.session_state.documents = {}
    st.session_state.errors = []
    st.session_state.jobs = []
    files = [f for f in os.environ.get(FILES_ENV, "").split(os.pathsep) if f]
    if not files and SAMPLE_ARTICLE.is_file():
        files = [str(SAMPLE_ARTICLE)]
    linked = st.query_params.get("doc")
    for position, path in enumerate(files):
        try:
            status = os.stat(path)
            document = read_given_file(path, status.st_mtime_ns, status.st_size)
        except OSError as exc:
            st.session_state.errors.append(f"{path}: cannot read ({exc.strerror})")
            continue
        except MtqaError as exc:
            st.session_state.errors.append(str(exc))
            continue
        key = run_key(document)
        # "initial": shown without moving off the sentence a link names.
        activate = "initial" if (key == linked if linked else position == 0) else False
        payload = store().latest_run(key)
        if is_complete(payload):
            add_document(payload, bool(activate), keep_position=True)
        else:
            original = original_bytes(document, Path(path).read_bytes())
            open_in_background(Path(path).name, lambda job, d=document, o=original: (d, o), activate, document)


# Sidebar


def run_thresholds(payload: dict[str, Any]) -> Thresholds:
    return {mode: (float(review), float(fail)) for mode, (review, fail) in payload["thresholds"].items()}


def thresholds_in_use(payload: dict[str, Any]) -> Thresholds:
    return {mode: tuple(st.session_state.get(f"thresholds_{mode}", pair))  # type: ignore[misc]
            for mode, pair in run_thresholds(payload).items()}


def reset_thresholds(payload: dict[str, Any]) -> None:
    for mode, pair in run_thresholds(payload).items():
        st.session_state[f"thresholds_{mode}"] = pair


def thresholds_control(payload: dict[str, Any]) -> None:
    """Sliders for the review and fail thresholds of the document's comparison modes; the
    verdict counts follow as they move."""
    run = run_thresholds(payload)
    modes = modes_in(payload["segments"])
    with st.expander("Verdict thresholds", expanded=False):
        for mode in modes:
            suffix = f" ({MODE_LABELS.get(mode, mode)})" if len(modes) > 1 else ""
            # A fine step: the risk model's thresholds (e.g. 0.6235) stay exactly where they are
            # when the other one moves; Page Up / Page Down move by 0.1.
            st.slider(f"Review from, fail from{suffix}", 0.0, 1.0, run[mode], 0.0001, format="%.4f",
                      key=f"thresholds_{mode}", help="Risk at which a sentence is put up for review, and at "
                      "which it fails. Defaults: the risk model's thresholds.")
        found = counts(with_verdicts(payload["segments"], thresholds_in_use(payload)))
        st.caption(" · ".join(f"{verdict} {found[verdict]}" for verdict in ("ok", *FLAGGED)))
        st.button("Reset to the risk model's", on_click=reset_thresholds, args=(payload,), key="thresholds_reset")


def upload_form() -> None:
    with st.form("upload", clear_on_submit=True):
        target = st.file_uploader("Document to check", key="upload_target")
        source = st.file_uploader("Source (optional)", key="upload_source")
        reference = st.file_uploader("Reference (optional)", key="upload_reference")
        if st.form_submit_button("Check"):
            if target is None:
                st.warning("Choose the document to check first.")
                return
            uploads = {role: (upload.name, upload.getvalue()) for role, upload in
                       (("target", target), ("source", source), ("reference", reference)) if upload is not None}
            open_in_background(Path(target.name).name, functools.partial(read_in_child, uploads))


def open_stored_run(key: str, signature: str) -> None:
    payload = store().load_run(key, signature)
    if is_complete(payload):
        add_document(payload, activate=True)  # type: ignore[arg-type]
    else:
        st.session_state.errors.append("that run was saved by an earlier mtqa; open its file again to score it")


def sidebar(payload: dict[str, Any] | None) -> None:
    documents = st.session_state.documents
    with st.sidebar:
        st.header("mtqa review")
        st.text_input("Reviewer", value=default_reviewer(), key="reviewer", bind="query-params",
                      help="Decisions are recorded under this name; it stays in the page's address")
        if documents:
            st.selectbox("Document", list(documents), key="doc", bind="query-params", on_change=reset_position,
                         format_func=lambda key: Path(documents[key]["name"]).name)
            st.number_input("Sentence #", min_value=0, value=None, step=1, key="sentence", bind="query-params",
                            help="The sentence shown in the details; a link to this page opens it again")
        if payload is not None:
            thresholds_control(payload)
        with st.expander("Open a document", expanded=not documents):
            upload_form()
            earlier = store().runs()
            if earlier:
                labels = {f"{r.run_key}/{r.signature}": f"{r.name} · {r.segments} seg · {r.created_at}"
                          for r in earlier}
                choice = st.selectbox("Earlier runs", list(labels), format_func=labels.get)
                if st.button("Open earlier run"):
                    open_stored_run(*choice.split("/", 1))
        st.caption(f"Decisions: `{store().path}`")


@st.fragment(run_every=0.5)
def job_progress() -> None:
    """Progress of the documents being opened; the page reruns when one is ready."""
    if any(job.done or (job.document is not None and not job.previewed) for job in st.session_state.jobs):
        st.rerun(scope="app")
    for number, job in enumerate(st.session_state.jobs):
        bar, cancel = st.columns([6, 1], vertical_alignment="bottom")
        bar.progress(job.fraction, text=f"{job.label}: {job.stage}…")
        cancel.button("Cancel", key=f"cancel_{number}", on_click=job.cancel)


# Details of one sentence


def go_to(index: int | None) -> None:
    """Callback: show sentence `index` (and the reading view's page it is on)."""
    if index is not None:
        st.session_state.sentence = index
        st.session_state.page = index // PAGE_SIZE + 1


def score_line(segment: dict[str, Any]) -> str:
    parts = []
    for dimension, value in segment["scores"].items():
        if value is not None:
            word = next(word for lowest, word in SCORE_WORDS if value >= lowest)
            parts.append(f"{escape(dimension)} <b>{value:.2f}</b> ({word})")
    return " · ".join(parts)


def reasons_html(reasons: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{escape(reason)}</li>" for reason in reasons) + "</ul>"


def findings_list(issues: list[dict[str, Any]], text: str) -> str:
    items = []
    for issue in issues:
        where = "whole sentence" if render.is_whole_sentence(issue, text) else (
            f"“{text[issue['start']:issue['end']]}”" if issue["end"] > issue["start"] else "between words")
        suggestion = f" → {', '.join(issue['suggestions'][:3])}" if issue.get("suggestions") else ""
        items.append(f"<li>{escape(where)}: {escape(issue['message'])}{escape(suggestion)} "
                     f"<small>({escape(issue['severity'])}, {escape(issue['rule'])})</small></li>")
    return "<ul>" + "".join(items) + "</ul>"


def why_flagged(segment: dict[str, Any]) -> None:
    """The reasons, in the words the results give; a reason that stands for several findings
    ("(+2 more)") opens to list them all."""
    plain = []
    for reason in segment["reasons"]:
        more = _MORE.search(reason)
        if more is None:
            plain.append(reason)
            continue
        dimension = reason.split(":", 1)[0]
        mine = [i for i in segment["issues"] if i["dimension"] == dimension]
        with st.expander(f"{reason[:more.start()]} — and {more.group(1)} more"):
            st.html(findings_list(mine, segment["text"]))
    if plain:
        st.html(reasons_html(plain))


def segment_details(segment: dict[str, Any], content_hash: str) -> None:
    if segment["scores"]:
        st.html(f'<div class="mtqa-scores">Scores (0 to 1, <b>1 is best</b>): {score_line(segment)}</div>')
    why_flagged(segment)
    if segment["issues"]:
        with st.expander(f"All findings ({len(segment['issues'])})", expanded=False):
            st.html(findings_list(segment["issues"], segment["text"]))
    terms = render.matching_terms(segment)
    for role in ("source", "reference"):
        if segment.get(role):
            st.html(f'{render.STYLE}<div class="mtqa-{role}"><b>{role.capitalize()}</b>: '
                    f"{render.highlight_terms(segment[role], terms)}</div>")
    earlier = [d for d in store().history(content_hash) if d.segment_index == segment["index"]]
    for decision in earlier:
        change = f' → “{decision.edited_text}”' if decision.edited_text else ""
        note = f" ({decision.note})" if decision.note else ""
        st.caption(f"{decision.created_at} · {decision.reviewer}: {decision.action}{change}{note}")


def field_keys(payload: dict[str, Any], segment: dict[str, Any]) -> tuple[str, str]:
    """Session keys of the edit and note fields: one pair per document and sentence."""
    stem = f'{payload["content_hash"]}_{segment["index"]}'
    return f"edit_{stem}", f"note_{stem}"


def decide(payload: dict[str, Any], segment: dict[str, Any], action: str, following: int | None) -> None:
    """Form-button callback: record the decision with the fields as typed, then move on."""
    edit_key, note_key = field_keys(payload, segment)
    edited = st.session_state.get(edit_key) if action == "edit" else None
    note = (st.session_state.get(note_key) or "").strip() or None
    try:
        store().record(payload["content_hash"], payload["name"], segment["index"], segment["text"],
                       st.session_state.reviewer, action, edited, note)
    except MtqaError as exc:
        st.session_state.decision_error = str(exc)  # the typed fields stay as they are
        return
    st.session_state[note_key] = ""
    go_to(following)


def decision_form(payload: dict[str, Any], segment: dict[str, Any], decisions: dict[int, Decision],
                  following: int | None) -> None:
    """Edited sentence, note and the decision buttons, one form per sentence: a button (or its
    shortcut, pressed while typing) submits what is in both fields."""
    previous = decisions.get(segment["index"])
    if previous:
        st.info(f"Your decision: {previous.action}" + (f" ({previous.note})" if previous.note else ""))
    error = st.session_state.pop("decision_error", None)
    if error:
        st.error(error)
    edit_key, note_key = field_keys(payload, segment)
    with st.form(f"decide_{payload['content_hash']}_{segment['index']}", enter_to_submit=False, border=False):
        st.text_area("Edited sentence", value=previous.edited_text if previous and previous.edited_text
                     else segment["text"], key=edit_key)
        st.text_input("Note", key=note_key, placeholder="saved with the decision; Add note saves it alone")
        with st.container(horizontal=True, gap="small"):
            for label, action, shortcut in DECISION_BUTTONS:
                st.form_submit_button(label, key=f"decide_{action}", on_click=decide,
                                      args=(payload, segment, action, following), shortcut=shortcut,
                                      type="primary" if action == "accept" else "secondary")


def navigation(order: list[int], index: int) -> tuple[int | None, int | None]:
    """(previous, next) of `index` in `order`; outside it, next is the first."""
    if index not in order:
        return None, order[0] if order else None
    position = order.index(index)
    return (order[position - 1] if position > 0 else None,
            order[position + 1] if position + 1 < len(order) else None)


def inspector(payload: dict[str, Any], segment: dict[str, Any], decisions: dict[int, Decision],
              order: list[int]) -> None:
    """A sentence's details, the decision form and Previous / Next through `order`."""
    previous, following = navigation(order, segment["index"])
    segment_details(segment, payload["content_hash"])
    after_decision = following if following is not None else previous
    decision_form(payload, segment, decisions, after_decision)
    with st.container(horizontal=True, gap="small"):
        st.button("Previous", key="go_previous", on_click=go_to, args=(previous,), shortcut="Alt+K",
                  disabled=previous is None)
        st.button("Next", key="go_next", on_click=go_to, args=(following,), shortcut="Alt+J",
                  disabled=following is None)


def current_sentence(segments: list[dict[str, Any]]) -> int | None:
    index = st.session_state.get("sentence")
    return index if isinstance(index, int) and 0 <= index < len(segments) else None


# Tabs


def pick_sentence(key: str) -> None:
    """Reading view callback: a click on a sentence shows it."""
    picked = st.session_state[key].get("picked") if st.session_state.get(key) else None
    if picked is not None:
        go_to(int(picked))


def reading_view(view: dict[str, Any], decisions: dict[int, Decision], thresholds: Thresholds) -> None:
    st.html(render.legend_html(thresholds, modes_in(view["segments"])))
    segments = view["segments"]
    selected = current_sentence(segments)
    pages = max(1, ceil(len(segments) / PAGE_SIZE))
    page = 1
    if pages > 1:
        if "page" not in st.session_state or st.session_state.page is None:
            st.session_state.page = (selected or 0) // PAGE_SIZE + 1
        page = st.number_input(f"Page (of {pages}, {PAGE_SIZE} segments each)", 1, pages, key="page")
    shown = segments[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
    flagged = [s for s in shown if s["verdict"] in FLAGGED]
    if selected is None or not any(s["index"] == selected for s in shown):
        selected = max(flagged, key=lambda s: s["risk"] or 0.0)["index"] if flagged else None
    text_column, details_column = st.columns([3, 2], gap="medium")
    with text_column, st.container(height=720, border=False):
        key = f"reading_{view['content_hash']}_{page}"
        # In a list: Streamlit sends it as JSON as it is (a str would first be checked for being
        # a dataframe, which imports pandas: 2 s before a restart's first text).
        html = render.document_html(shown, view["text"], thresholds, {i: d.action for i, d in decisions.items()},
                                    selected)
        reading_component(data=[html], key=key, on_picked_change=functools.partial(pick_sentence, key))
    if selected is None:
        details_column.info("Click a sentence to see its details and decide on it.")
        return
    with details_column:
        segment = segments[selected]
        st.markdown(f'**Sentence #{selected}** · {segment["verdict"]} · risk '
                    f'{"–" if segment["risk"] is None else format(segment["risk"], ".2f")}')
        order = [s["index"] for s in segments if s["verdict"] in FLAGGED or s["index"] == selected]
        inspector(view, segment, decisions, order)


def queue_filter(decided: frozenset[int]) -> QueueFilter:
    columns = st.columns([2, 2, 2, 2])
    verdicts = columns[0].multiselect("Verdict", ["ok", *FLAGGED], default=list(FLAGGED), key="filter_verdicts",
                                      bind="query-params")
    dimensions = columns[1].multiselect("Blamed on", DIMENSIONS, key="filter_dimensions",
                                        bind="query-params")
    min_risk = columns[2].slider("Risk at least", 0.0, 1.0, 0.0, 0.05, key="filter_min_risk", bind="query-params")
    max_score = columns[3].slider("Lowest score at most", 0.0, 1.0, 1.0, 0.05, key="filter_max_score",
                                  bind="query-params")
    search_column, hide_column = st.columns([3, 1], vertical_alignment="bottom")
    search = search_column.text_input("Search", placeholder="words in the sentence", key="filter_search",
                                      bind="query-params")
    hide_decided = hide_column.checkbox("Hide decided", value=True, key="filter_hide_decided", bind="query-params")
    return QueueFilter(tuple(verdicts), tuple(dimensions), min_risk, max_score, search, hide_decided, decided)


def pick_row(key: str, order: list[int]) -> None:
    """Queue table callback: a selected row shows its sentence."""
    rows = st.session_state[key].selection.rows
    if rows:
        go_to(order[rows[0]])


def queue_view(view: dict[str, Any], decisions: dict[int, Decision], thresholds: Thresholds) -> None:
    queue = build_queue(view["segments"], queue_filter(frozenset(decisions)))
    order = [s["index"] for s in queue]
    selected = current_sentence(view["segments"])
    index = selected if selected is not None else (order[0] if order else None)
    if index is None:
        st.success("Nothing to review with these filters.")
        return
    segments = view["segments"]
    segment = segments[index]
    risk = "–" if segment["risk"] is None else f'{segment["risk"]:.2f}'
    if index in order:
        st.subheader(f'Item {order.index(index) + 1} of {len(queue)} · sentence #{index} · '
                     f'{segment["verdict"]} · risk {risk}')
    else:
        st.subheader(f'Sentence #{index} · {segment["verdict"]} · risk {risk} · not in the queue with these filters')
    scored = [s for s in segments if s["verdict"] != "skipped"]
    position = next(p for p, s in enumerate(scored) if s["index"] == index) if segment in scored else 0
    before, after = scored[max(0, position - NEIGHBOURS):position], scored[position + 1:position + 1 + NEIGHBOURS]
    st.html(render.in_context_html(before, segment, after, thresholds) + render.whole_sentence_marks(segment))
    inspector(view, segment, decisions, order)
    key = f"queue_table_{index}"
    st.dataframe(
        [{"#": s["index"], "verdict": s["verdict"], "risk": s["risk"],
          "decision": decisions[s["index"]].action if s["index"] in decisions else "",
          "reasons": "; ".join(s["reasons"]), "text": s["text"]} for s in queue],
        hide_index=True, key=key, on_select=functools.partial(pick_row, key, order), selection_mode="single-row",
    )


def exports(payload: dict[str, Any], view: dict[str, Any], decisions: dict[int, Decision]) -> None:
    stem = Path(payload["name"]).stem
    records = decision_records(store().history(payload["content_hash"]), view["segments"])
    summary = review_summary(payload["name"], payload["content_hash"], view["segments"], decisions)
    columns = st.columns(4)
    try:
        data, file_name = edited_document(payload, decisions)
        columns[0].download_button("Edited document", data, file_name=file_name, key="export_edited")
    except MtqaError as exc:
        columns[0].error(str(exc))
    columns[1].download_button("Decisions (CSV)", decisions_csv(records), file_name=f"{stem}.decisions.csv",
                               mime="text/csv", key="export_csv")
    columns[2].download_button("Decisions (JSON)", decisions_json(records), file_name=f"{stem}.decisions.json",
                               mime="application/json", key="export_json")
    columns[3].download_button("Review summary", json.dumps(summary, indent=2) + "\n",
                               file_name=f"{stem}.summary.json", mime="application/json", key="export_summary")


def overview(payload: dict[str, Any], view: dict[str, Any], decisions: dict[int, Decision],
             thresholds: Thresholds) -> None:
    from mtqa.dashboard import charts  # plotly and pandas: only when the overview is open

    frame = charts.segment_frame(view["segments"])
    summary = review_summary(view["name"], view["content_hash"], view["segments"], decisions)
    metrics = st.columns(4)
    metrics[0].metric("Segments", summary["segments"])
    metrics[1].metric("Flagged", summary["flagged"])
    metrics[2].metric("Decided", len(decisions))
    metrics[3].metric("Open", len(summary["open"]))
    modes = modes_in(view["segments"])
    left, right = st.columns(2)
    left.plotly_chart(charts.verdict_counts(frame))
    right.plotly_chart(charts.risk_distribution(frame, thresholds[modes[0]] if modes else None))
    left.plotly_chart(charts.risk_by_position(frame))
    right.plotly_chart(charts.dimension_scores(frame))
    if len(st.session_state.documents) > 1:
        st.plotly_chart(charts.documents_overview(list(st.session_state.documents.values())))
    exports(payload, view, decisions)


def preview(document: Document) -> None:
    """The text of a document being scored, plain: the editor can start reading at once."""
    st.title(Path(document.path).name)
    st.caption("Being scored: shades, findings and the decision buttons appear when it is done.")
    pending = [{"index": s.index, "text": s.text, "start": s.start, "end": s.end, "verdict": "pending",
                "risk": None, "issues": [], "reasons": [], "scores": {}} for s in document.segments[:PAGE_SIZE]]
    st.html(render.document_html(pending, document.text, {}))


TABS = ("Reading", "Queue", "Overview")


def page() -> None:
    try:
        store()
    except MtqaError as exc:
        st.error(str(exc))
        return
    initialise()
    narrow_window_component(key="narrow_window", height=0)
    collect_finished_jobs()
    documents = st.session_state.documents
    chosen = st.session_state.get("doc")
    payload = documents.get(chosen) if chosen in documents else next(iter(documents.values()), None)
    sidebar(payload)
    payload = documents.get(st.session_state.get("doc"), payload)
    for message in st.session_state.errors:
        st.error(message)
    st.session_state.errors = []
    for job in st.session_state.jobs:  # this run shows what has been read so far
        job.previewed = job.document is not None
    if st.session_state.jobs:
        job_progress()
    if payload is None:
        shown = next((job for job in st.session_state.jobs if job.activate and job.document), None)
        if shown is not None:
            preview(shown.document)
        elif not st.session_state.jobs:
            st.info("Open a document in the sidebar to check it.")
        return
    thresholds = thresholds_in_use(payload)
    view = {**payload, "segments": with_verdicts(payload["segments"], thresholds)}
    decisions = store().latest(payload["content_hash"], st.session_state.reviewer)
    st.title(Path(payload["name"]).name)
    st.caption(f'{payload["name"]} · {payload["format"]} · {len(payload["segments"])} segments · '
               f'reviewer {st.session_state.reviewer} · scored {payload.get("scored_at", "")}')
    # Only the open tab runs: a 1,000-sentence document renders one view, not three.
    tabs = st.tabs(list(TABS), key="tab", on_change="rerun", bind="query-params")
    for name, tab in zip(TABS, tabs, strict=True):
        if tab.open:
            with tab:
                if name == "Reading":
                    reading_view(view, decisions, thresholds)
                elif name == "Queue":
                    queue_view(view, decisions, thresholds)
                else:
                    overview(payload, view, decisions, thresholds)
