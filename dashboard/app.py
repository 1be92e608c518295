"""Entry for `streamlit run dashboard/app.py` from a checkout; `mtqa dashboard` is the same app.

The app itself is in the package (mtqa/dashboard_app) so that an installed mtqa finds it.
"""

import sys
from pathlib import Path

# Run from a checkout without installing: make the repository's mtqa importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mtqa.dashboard.app import main  # noqa: E402

main()
