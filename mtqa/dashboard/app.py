"""Streamlit script of the editor dashboard: `mtqa dashboard`, or `streamlit run` this file."""

import streamlit as st

from mtqa.dashboard.views import page


def main() -> None:
    st.set_page_config(page_title="mtqa review", page_icon="📝", layout="wide")
    page()


if __name__ == "__main__":
    main()
