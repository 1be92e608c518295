"""The editor dashboard (Streamlit): review flagged sentences, record decisions, export them.

The app lives in the package so that `mtqa dashboard` finds it in any install and from any
working directory; `dashboard/app.py` in the repository is a thin entry for
`streamlit run dashboard/app.py`. Modules other than `app` and `views` do not import
Streamlit, so their logic is testable on its own.
"""

from pathlib import Path

APP_PATH = Path(__file__).with_name("app.py")
