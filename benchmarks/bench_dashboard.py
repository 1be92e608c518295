"""Benchmark the editor dashboard as an editor meets it, in headless Chromium: seconds from
starting `mtqa dashboard` to the first sentence on screen, with nothing saved (the text, then
the scored text: the models load and the sample is scored) and with a saved run (a restart);
then, on the warm server, a new tab to its first sentence, and Queue -> Next to the next item.

    python benchmarks/bench_dashboard.py                      # this checkout
    python benchmarks/bench_dashboard.py --checkout /tmp/old  # another tree (e.g. before a change)

`--checkout` is put first on PYTHONPATH, so that tree's `mtqa` serves the page. Needs Debian's
chromium and chromium-driver, and the models in the local cache (HF_HUB_OFFLINE=1). Timings
on a shared machine are noisy: `--repeat` repeats the warm measurements and prints the median.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

REPO = Path(__file__).resolve().parents[1]
FIRST_TEXT = "span.mtqa-seg"
# A scored sentence (before scoring ends, the text may be shown plain: mtqa-pending).
FIRST_SCORED = "span.mtqa-seg.mtqa-ok, span.mtqa-seg.mtqa-review, span.mtqa-seg.mtqa-fail"
SCORING_TIMEOUT = 900


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def browser(profile: Path) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1400,1000", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    return webdriver.Chrome(options=options, service=webdriver.ChromeService(shutil.which("chromedriver")))


def start_server(checkout: Path, db: Path, log: Path, reviewer: str = "bench") -> tuple[subprocess.Popen, str, float]:
    port = free_port()
    environment = {**os.environ, "PYTHONPATH": str(checkout), "HF_HUB_OFFLINE": "1"}
    began = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "mtqa", "dashboard", "--db", str(db), "--reviewer", reviewer,
         "--server.port", str(port), "--server.headless", "true", "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false"],
        cwd=checkout, env=environment, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    while True:
        if server.poll() is not None:
            raise SystemExit(f"the dashboard exited with {server.returncode}; see {log}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                return server, url, began
        except OSError:
            time.sleep(0.1)


def stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, 15)
    server.wait(timeout=60)


def first_text(driver: webdriver.Chrome, url: str, began: float, selector: str = FIRST_TEXT) -> float:
    driver.get(url)
    return shown(driver, began, selector)


def shown(driver: webdriver.Chrome, began: float, selector: str) -> float:
    """Seconds from `began` until an element matching `selector` is on the page."""
    WebDriverWait(driver, SCORING_TIMEOUT, poll_frequency=0.05).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, selector))
    return time.perf_counter() - began


def new_tab(driver: webdriver.Chrome, url: str) -> float:
    driver.switch_to.new_window("tab")
    began = time.perf_counter()
    return first_text(driver, url, began)


def next_item(driver: webdriver.Chrome) -> float:
    """Seconds from a click on Next to the next item's heading (the queue tab must be open)."""
    def heading() -> str:
        found = driver.find_elements(By.XPATH, "//h3[starts-with(normalize-space(.), 'Item ')]")
        return found[0].text if found else ""

    before = WebDriverWait(driver, 120).until(lambda d: heading())
    # The label may carry the shortcut's hint after the word; wait until the page has settled.
    button = WebDriverWait(driver, 120).until(lambda d: next(
        (b for b in d.find_elements(By.XPATH, "//button[starts-with(normalize-space(.), 'Next')]")
         if b.is_displayed() and b.is_enabled()), None))
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    began = time.perf_counter()
    button.click()
    WebDriverWait(driver, 120, poll_frequency=0.02).until(lambda d: heading() not in ("", before))
    return time.perf_counter() - began


def open_queue(driver: webdriver.Chrome) -> None:
    queue = "//*[@role='tab'][normalize-space(.)='Queue']"
    tab = WebDriverWait(driver, 60).until(lambda d: d.find_element(By.XPATH, queue))
    tab.click()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkout", type=Path, default=REPO, help="tree whose mtqa serves the page")
    parser.add_argument("--repeat", type=int, default=5, help="warm measurements to take the median of")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mtqa-bench-") as folder:
        work = Path(folder)
        db = work / "decisions.sqlite3"
        driver = browser(work / "chromium")
        print(f"checkout: {args.checkout}", flush=True)

        def record(name: str, seconds: float) -> None:
            print(f"{name:<64} {seconds:7.2f} s", flush=True)

        server = None
        try:
            server, url, began = start_server(args.checkout, db, work / "cold.log")
            record("first text, nothing saved", first_text(driver, url, began))
            record("first scored text, nothing saved (models load, sample scored)",
                   shown(driver, began, FIRST_SCORED))
            stop_server(server)
            time.sleep(1)  # the old server's port and files are released

            server, url, began = start_server(args.checkout, db, work / "warm.log")
            record("first text, saved run (restart)", first_text(driver, url, began))
            tabs = [new_tab(driver, url) for _ in range(args.repeat)]
            record(f"new tab to first text (median of {args.repeat})", statistics.median(tabs))
            open_queue(driver)
            nexts = [next_item(driver) for _ in range(args.repeat)]
            record(f"Queue: Next to the next item (median of {args.repeat})", statistics.median(nexts))
        finally:
            driver.quit()
            if server is not None and server.poll() is None:
                stop_server(server)


if __name__ == "__main__":
    main()
