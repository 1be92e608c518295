"""The dashboard in a real browser: `mtqa dashboard` served headless, driven by Chromium.

Needs Debian's `chromium` and `chromium-driver` (scripts/test.sh installs them where it can);
Selenium is pointed at /usr/bin/chromedriver so it never downloads a driver. The screenshots
go to the test's tmp_path and to test-output/ (kept by CI; docs/dashboard.png is one of them).
"""

import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
# Loading every model and scoring the sample article on a small CPU.
SCORED_TIMEOUT = 300

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER),
                       reason="chromium and chromedriver are not installed "
                       "(apt-get install chromium chromium-driver; scripts/test.sh does it as root)"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"mtqa dashboard exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} did not start within {timeout} s")


@pytest.fixture
def dashboard(tmp_path):
    port, db = free_port(), tmp_path / "decisions.sqlite3"
    log = (tmp_path / "streamlit.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "mtqa", "dashboard", "--db", str(db), "--reviewer", "browser-test",
         "--server.port", str(port), "--server.headless", "true", "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(url, server)
        yield url, db
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@pytest.fixture
def browser(tmp_path):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--window-size=1500,1100", f"--user-data-dir={tmp_path / 'chromium'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(CHROMEDRIVER))
    try:
        yield driver
    finally:
        driver.quit()


def screenshot(driver, tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    assert driver.save_screenshot(str(path))
    kept = REPO / "test-output"
    kept.mkdir(exist_ok=True)
    shutil.copy(path, kept / name)
    return path


def click(driver, xpath: str) -> None:
    element = WebDriverWait(driver, 30).until(lambda d: d.find_element(By.XPATH, xpath))
    # Centred, so that Streamlit's sticky header cannot cover it.
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def test_scored_sample_is_highlighted_and_a_click_records_a_decision(dashboard, browser, tmp_path):
    url, db = dashboard
    browser.get(url)
    flagged = WebDriverWait(browser, SCORED_TIMEOUT).until(lambda d: d.find_elements(
        By.CSS_SELECTOR, "span.mtqa-seg.mtqa-review, span.mtqa-seg.mtqa-fail"))
    shades = {element.value_of_css_property("background-color") for element in flagged}
    assert shades and "rgba(0, 0, 0, 0)" not in shades, shades
    assert browser.find_elements(By.CSS_SELECTOR, "span.mtqa-badge")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", flagged[0])
    time.sleep(2)  # let the widgets finish drawing before the picture
    assert screenshot(browser, tmp_path, "dashboard.png").stat().st_size > 10_000

    click(browser, "//*[@role='tab'][normalize-space(.)='Queue']")
    heading = WebDriverWait(browser, 30).until(lambda d: d.find_element(
        By.XPATH, "//h3[starts-with(normalize-space(.), 'Item 1 of')]")).text
    click(browser, "//button[starts-with(normalize-space(.), 'Accept')]")
    # The decided sentence leaves the queue: the next one (or an empty queue) follows.
    WebDriverWait(browser, 30).until(
        lambda d: heading not in [h.text for h in d.find_elements(By.TAG_NAME, "h3")])
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT reviewer, action FROM decisions").fetchall()
    assert rows == [("browser-test", "accept")]
    screenshot(browser, tmp_path, "dashboard-queue.png")
