"""Regenerate docs/dashboard.png from the running app: `mtqa dashboard` on the sample article,
in headless Chromium, with the riskiest sentence open beside the text.

    python scripts/dashboard_screenshot.py                  # writes docs/dashboard.png
    python scripts/dashboard_screenshot.py --out /tmp/x.png --dark

Needs Debian's chromium and chromium-driver and the models in the local cache (the sample is
scored on the way, in a temporary decisions database).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
from bench_dashboard import SCORING_TIMEOUT, browser, start_server, stop_server  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "dashboard.png")
    parser.add_argument("--dark", action="store_true", help="the dark theme")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mtqa-screenshot-") as folder:
        work = Path(folder)
        driver = browser(work / "chromium")
        server, url, _ = start_server(REPO, work / "decisions.sqlite3", work / "server.log", reviewer="ana")
        try:
            scheme = "dark" if args.dark else "light"
            driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                                   {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
            driver.set_window_size(1500, 1000)
            driver.get(url)
            WebDriverWait(driver, SCORING_TIMEOUT).until(
                lambda d: d.find_elements(By.CSS_SELECTOR, "span.mtqa-selected"))
            time.sleep(2)  # let the widgets finish drawing
            args.out.parent.mkdir(parents=True, exist_ok=True)
            driver.save_screenshot(str(args.out))
        finally:
            driver.quit()
            stop_server(server)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
