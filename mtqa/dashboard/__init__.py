"""The editor dashboard (Streamlit): review flagged sentences, record decisions, export them.

The app lives in the package so that `mtqa dashboard` finds it in any install and from any
working directory. Modules other than `app` and `views` do not import Streamlit, so their
logic is testable on its own.
"""

import os
from pathlib import Path

APP_PATH = Path(__file__).with_name("app.py")
"""Streamlit script of the editor dashboard, run by `mtqa dashboard`."""
# Set by `mtqa dashboard` for the app: files to open at start (os.pathsep-separated; the
# first is shown) and the reviewer's name.
FILES_ENV = "MTQA_DASHBOARD_FILES"
REVIEWER_ENV = "MTQA_REVIEWER"


def importable_environment(environment: dict[str, str]) -> dict[str, str]:
    """`environment` with this mtqa first on PYTHONPATH: a child interpreter (Streamlit, an
    upload reader) imports the same mtqa even when it is not installed (a checkout run with
    `python -m mtqa`)."""
    package_root = str(Path(__file__).resolve().parents[1].parent)
    paths = [package_root, *filter(None, environment.get("PYTHONPATH", "").split(os.pathsep))]
    return {**environment, "PYTHONPATH": os.pathsep.join(dict.fromkeys(paths))}
