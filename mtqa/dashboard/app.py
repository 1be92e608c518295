"""The editor dashboard's Streamlit script: `mtqa dashboard` runs it with the settings in
mtqa.commands.dashboard.STREAMLIT_DEFAULTS (local only, no watcher, no developer menu)."""

import streamlit as st

from mtqa.dashboard.views import page


def main() -> None:
    # "auto": the sidebar starts collapsed in a narrow window, open in a wide one.
    st.set_page_config(page_title="mtqa review", page_icon="📝", layout="wide", initial_sidebar_state="auto")
    page()


if __name__ == "__main__":
    main()
