"""The dashboard in a real browser: `mtqa dashboard` served headless, driven by Chromium.

Needs Debian's `chromium` and `chromium-driver` (scripts/test.sh installs them where it can);
Selenium is pointed at /usr/bin/chromedriver so it never downloads a driver. Without them the
tests are skipped, except under CI (CI=true), where they fail. Each test has its own server
and decisions database; the sample article's scored run is made once per session (the models
load and score it, as on an editor's first start) and copied into each database, so the
other tests start the way a restart does.
"""

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest

try:
    from selenium import webdriver
    from selenium.common.exceptions import (
        ElementClickInterceptedException,
        StaleElementReferenceException,
        TimeoutException,
    )
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:  # reported by require_browser
    webdriver = None

REPO = Path(__file__).resolve().parents[1]
CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
# Loading every model and scoring a document on a small shared CPU.
SCORED_TIMEOUT = 600
WAIT = 60
# Sentences with their verdict: a document being scored is first shown plain (mtqa-pending).
SCORED = "span.mtqa-seg.mtqa-ok, span.mtqa-seg.mtqa-review, span.mtqa-seg.mtqa-fail, span.mtqa-seg.mtqa-skipped"
pytestmark = pytest.mark.slow


def require_browser() -> None:
    missing = [name for name, found in (("selenium", webdriver), ("chromium", CHROMIUM),
                                        ("chromedriver", CHROMEDRIVER)) if not found]
    if missing:
        message = (f"{', '.join(missing)} not installed (pip install selenium; apt-get install chromium "
                   "chromium-driver; scripts/test.sh does it as root)")
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the browser tests: {message}")
        pytest.skip(message)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def wait_until_serving(url: str, server: subprocess.Popen, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"mtqa dashboard exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not start within {timeout} s")


class Dashboard:
    """One `mtqa dashboard` process (in its own process group) and what it was given."""

    def __init__(self, folder: Path, db: Path, files: tuple[str, ...], options: list[str],
                 environment: dict[str, str] | None = None, host: str = "127.0.0.1", cwd: Path | None = None) -> None:
        self.port, self.db = free_port(), db
        self.log_path = folder / f"dashboard-{self.port}.log"
        command = [sys.executable, "-m", "mtqa", "dashboard", *files, "--db", str(db), "--reviewer", "browser-test",
                   "--server.port", str(self.port), "--server.headless", "true", *options]
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                            env={**os.environ, "PYTHONPATH": str(REPO), **(environment or {})},
                                            cwd=cwd)
        self.url = f"http://{host}:{self.port}"
        wait_until_serving(self.url, self.process)

    @property
    def log(self) -> str:
        return self.log_path.read_text()

    def stop(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=30)

    def decisions(self) -> list[tuple]:
        with sqlite3.connect(self.db) as connection:
            return connection.execute(
                "SELECT segment_index, reviewer, action, edited_text, note FROM decisions ORDER BY id").fetchall()


# The sample's saved run is scored at thresholds of the tests' own (an mtqa.toml where the first
# start runs), not the shipped risk model's calibration: low enough that the sample has sentences
# to review and to fail, and a band narrow enough that moving a threshold recolours its sentences.
# The run keeps them, and the legend shows them.
RUN_REVIEW, RUN_FAIL = 0.3, 0.4


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory) -> Path:
    """A decisions database with the sample's run, scored by a first start of the dashboard."""
    require_browser()
    folder = tmp_path_factory.mktemp("first-start")
    (folder / "mtqa.toml").write_text(f"review_threshold = {RUN_REVIEW}\nfail_threshold = {RUN_FAIL}\n", "utf-8")
    dashboard = Dashboard(folder, folder / "decisions.sqlite3", (), [], cwd=folder)
    driver = make_browser(folder / "chromium")
    try:
        driver.get(dashboard.url)
        WebDriverWait(driver, SCORED_TIMEOUT).until(lambda d: d.find_elements(By.CSS_SELECTOR, SCORED))
    finally:
        driver.quit()
        dashboard.stop()
    return folder / "decisions.sqlite3"


@pytest.fixture
def dashboard(tmp_path, sample_db) -> Iterator[Callable[..., Dashboard]]:
    """start(*files, options=[...]): a dashboard on its own copy of the saved sample run."""
    started: list[Dashboard] = []

    def start(*files: str, options: list[str] | None = None, **keywords) -> Dashboard:
        db = tmp_path / f"decisions-{len(started)}.sqlite3"
        shutil.copy(sample_db, db)
        started.append(Dashboard(tmp_path, db, files, options or [], **keywords))
        return started[-1]

    yield start
    for server in started:
        server.stop()


def make_browser(profile: Path, width: int = 1500, height: int = 1100, downloads: Path | None = None):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--window-size={width},{height}", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    if downloads:
        options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                                  "download.prompt_for_download": False})
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(CHROMEDRIVER))
    if downloads:
        driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    return driver


@pytest.fixture
def browser(tmp_path) -> Iterator[Callable[..., "webdriver.Chrome"]]:
    """open(width=, height=, dark=, downloads=): a fresh headless Chromium."""
    require_browser()
    opened = []

    def open_browser(width: int = 1500, height: int = 1100, dark: bool = False, downloads: Path | None = None):
        driver = make_browser(tmp_path / f"chromium-{len(opened)}", width, height, downloads)
        scheme = "dark" if dark else "light"
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                               {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
        opened.append(driver)
        return driver

    yield open_browser
    for driver in opened:
        driver.quit()


def wait_for(driver, condition, timeout: float = WAIT):
    # Streamlit replaces elements when it re-renders: one found a moment ago may be gone (stale).
    return WebDriverWait(driver, timeout, poll_frequency=0.1,
                         ignored_exceptions=(StaleElementReferenceException,)).until(condition)


def sentences(driver) -> list:
    """The sentences of the scored document (the first ones that come)."""
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, SCORED))
    return driver.find_elements(By.CSS_SELECTOR, "span.mtqa-seg")


def button(driver, label: str):
    """The button whose text starts with `label`, once it is rendered (Streamlit renders a page
    in pieces: the item's text can come before its buttons)."""
    return wait_for(driver, lambda d: d.find_element(By.XPATH, f"//button[starts-with(normalize-space(.), '{label}')]"))


def click(driver, element, attempts: int = 5) -> None:
    # Centred, so that Streamlit's sticky header cannot cover it; again when a re-render has
    # just moved something over it (the layout settles within moments).
    for attempt in range(attempts):
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        try:
            element.click()
            return
        except ElementClickInterceptedException:
            if attempt == attempts - 1:
                raise
            time.sleep(0.5)


def heading(driver, starting: str = "Item ") -> str:
    found = driver.find_elements(By.XPATH, f"//h3[starts-with(normalize-space(.), '{starting}')]")
    return found[0].text if found else ""


def query(driver) -> dict[str, str]:
    return {k: v[0] for k, v in urllib.parse.parse_qs(urllib.parse.urlparse(driver.current_url).query).items()}


def press(driver, key: str) -> None:
    """Alt+key with the focus where it is."""
    ActionChains(driver).key_down(Keys.ALT).send_keys(key).key_up(Keys.ALT).perform()


def field(driver, label: str):
    return wait_for(driver, lambda d: d.find_element(By.XPATH, f"//*[@aria-label='{label}']"))


def screenshot(driver, tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    assert driver.save_screenshot(str(path))
    kept = REPO / "test-output"
    kept.mkdir(exist_ok=True)
    shutil.copy(path, kept / name)
    return path


# Issue 14: nothing orphaned


def test_terminating_mtqa_dashboard_closes_its_port_and_leaves_no_process(dashboard):
    served = dashboard()
    group = os.getpgid(served.process.pid)
    served.process.send_signal(signal.SIGTERM)  # as a service manager or an IDE stops it
    served.process.wait(timeout=WAIT)
    deadline = time.monotonic() + WAIT
    while port_open("127.0.0.1", served.port) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not port_open("127.0.0.1", served.port)
    with pytest.raises(ProcessLookupError):  # nothing is left in its process group
        os.killpg(group, 0)


# Issue 15, item 7: local only


def network_addresses() -> list[str]:
    return [address.address for addresses in psutil.net_if_addrs().values() for address in addresses
            if address.family == socket.AF_INET and not address.address.startswith("127.")]


class ConnectionTrap:
    """A local 'proxy' that records every connection made to it."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen()
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.connections += 1
            connection.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.socket.getsockname()[1]}"


def test_the_dashboard_is_local_only_unless_opened_deliberately(dashboard, browser):
    addresses = network_addresses()
    if not addresses:
        pytest.skip("this machine has no network address other than loopback")
    trap = ConnectionTrap()  # any web request of the server goes here
    proxies = {name: trap.url for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")}
    served = dashboard(environment={**proxies, "NO_PROXY": "", "no_proxy": ""})
    assert not port_open(addresses[0], served.port)
    assert "Network URL" not in served.log and "External URL" not in served.log
    driver = browser()
    driver.get(served.url)
    sentences(driver)
    click(driver, wait_for(driver, lambda d: d.find_element(By.XPATH, "//*[@role='tab'][normalize-space(.)='Queue']")))
    wait_for(driver, lambda d: heading(d))
    time.sleep(2)  # anything the page would send on its own (usage statistics) goes out by now
    requested = set()
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            requested.add(urllib.parse.urlparse(message["params"]["request"]["url"]))
    hosts = {url.hostname for url in requested if url.scheme in ("http", "https", "ws", "wss")}
    assert hosts == {"127.0.0.1"}, hosts
    assert trap.connections == 0  # no external IP lookup, no statistics from the server

    opened = dashboard(options=["--server.address", "0.0.0.0"])
    assert port_open(addresses[0], opened.port)
    assert "warning: listening on 0.0.0.0" in opened.log


# Item 1: shortcuts commit what is being typed; item 2: an empty note is not a decision


def test_shortcuts_commit_the_field_being_typed_in(dashboard, browser):
    served = dashboard()
    driver = browser()
    driver.get(served.url + "/?tab=Queue")
    first = wait_for(driver, lambda d: heading(d))
    first_index = int(query_sentence(first))
    note = field(driver, "Note")
    click(driver, note)
    note.send_keys("checked against the source")
    press(driver, "a")  # the cursor is still in the note box
    wait_for(driver, lambda d: heading(d) not in ("", first))
    assert served.decisions() == [(first_index, "browser-test", "accept", None, "checked against the source")]

    second = heading(driver)
    second_index = int(query_sentence(second))
    assert field(driver, "Note").get_attribute("value") == ""  # the note belonged to the first sentence
    edit = field(driver, "Edited sentence")
    click(driver, edit)
    edit.send_keys(Keys.CONTROL, "a")
    edit.send_keys("A sentence the editor wrote.")
    press(driver, "e")  # still in the box
    wait_for(driver, lambda d: heading(d) not in ("", second))
    assert served.decisions()[1:] == [(second_index, "browser-test", "edit", "A sentence the editor wrote.", None)]


def query_sentence(item_heading: str) -> str:
    """The sentence number in 'Item 1 of 15 · sentence #30 · fail · risk 0.63'."""
    return item_heading.split("sentence #", 1)[1].split(" ", 1)[0]


def test_an_empty_note_is_refused_and_the_sentence_stays(dashboard, browser):
    served = dashboard()
    driver = browser()
    driver.get(served.url + "/?tab=Queue")
    first = wait_for(driver, lambda d: heading(d))
    add_note = "//button[starts-with(normalize-space(.), 'Add note')]"
    click(driver, wait_for(driver, lambda d: d.find_element(By.XPATH, add_note)))
    alert = wait_for(driver, lambda d: d.find_element(By.CSS_SELECTOR, "[data-testid='stAlertContentError']"))
    assert "a note needs text" in alert.text
    assert heading(driver) == first
    assert served.decisions() == []


# Item 3: where the editor is survives a reload and a shared link


def test_reviewer_tab_and_sentence_are_in_the_url(dashboard, browser):
    served = dashboard()
    driver = browser()
    driver.get(served.url)
    flagged = [s for s in sentences(driver) if "mtqa-review" in s.get_attribute("class")]
    picked = flagged[-1].get_attribute("data-index")
    click(driver, flagged[-1])  # item 6: a click opens the sentence's details in place
    wait_for(driver, lambda d: d.find_elements(By.XPATH, f"//*[normalize-space(.)='Sentence #{picked}']"))
    assert query(driver)["sentence"] == picked
    reviewer = field(driver, "Reviewer")
    reviewer.send_keys(Keys.CONTROL, "a")
    reviewer.send_keys("zoe", Keys.ENTER)
    wait_for(driver, lambda d: query(d).get("reviewer") == "zoe")

    link = driver.current_url
    other = browser()
    other.get(link)  # a shared link, or a reload
    wait_for(other, lambda d: d.find_elements(By.CSS_SELECTOR, f"span.mtqa-seg.mtqa-selected[data-index='{picked}']"))
    assert field(other, "Reviewer").get_attribute("value") == "zoe"
    click(other, wait_for(other, lambda d: d.find_element(By.XPATH, "//*[@role='tab'][normalize-space(.)='Queue']")))
    wait_for(other, lambda d: query(d).get("tab") == "Queue")
    other.refresh()
    assert f"sentence #{picked}" in wait_for(other, lambda d: heading(d, "Sentence #") or heading(d))


# Items 4 and 5: colour by verdict at the thresholds in use, readable in both themes


def rgb(hex_colour: str) -> str:
    red, green, blue = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgb({red}, {green}, {blue})"


def test_shades_follow_the_verdict_and_the_thresholds(dashboard, browser):
    from mtqa.dashboard.verdicts import SHADES

    served = dashboard()
    driver = browser()
    driver.get(served.url)
    spans = sentences(driver)
    for span in spans:
        verdict = next(v for v in ("ok", "review", "fail", "skipped") if f"mtqa-{v}" in span.get_attribute("class"))
        background = span.value_of_css_property("background-color").replace("rgba", "rgb").replace(", 1)", ")")
        if verdict in SHADES:
            assert background in {rgb(c) for c in SHADES[verdict]}, (verdict, background)
        else:
            assert background == "rgb(0, 0, 0, 0)", (verdict, background)
    legend = driver.find_element(By.CSS_SELECTOR, ".mtqa-legend").text
    assert f"{RUN_REVIEW:.2f} – {RUN_FAIL:.2f}" in legend

    def review_shades(d):
        spans = d.find_elements(By.CSS_SELECTOR, "span.mtqa-seg.mtqa-review")
        return [span.value_of_css_property("background-color") for span in spans]

    before = review_shades(driver)
    assert before, "the sample has sentences to review"

    click(driver, driver.find_element(By.XPATH, "//summary[contains(., 'Verdict thresholds')]"))
    review_from, fail_from = wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR,
                                                                       "[data-testid='stSlider'] input[type=range]"))
    def legend_review_moved(d):
        legend = d.find_element(By.CSS_SELECTOR, ".mtqa-legend").text
        return f"{RUN_REVIEW:.2f} – " not in legend and f"– {RUN_FAIL:.2f}" in legend

    # Page Down moves the review threshold down by 0.1. Under load the expander may
    # still be opening and a key press can be lost: press again only while nothing has moved.
    for _ in range(3):
        driver.execute_script("arguments[0].focus()", review_from)
        wait_for(driver, lambda d: d.execute_script("return document.activeElement === arguments[0]", review_from))
        ActionChains(driver).send_keys(Keys.PAGE_DOWN).perform()
        try:
            wait_for(driver, legend_review_moved, timeout=15)
            break
        except TimeoutException:
            continue
    lowered = f"{RUN_REVIEW - 0.1:.2f} – {RUN_FAIL:.2f}"
    wait_for(driver, lambda d: lowered in d.find_element(By.CSS_SELECTOR, ".mtqa-legend").text)
    # A review sentence's shade says how near its risk is to fail within the review band, so
    # widening the band recolours them (sentences with only a base rate against them stay ok).
    wait_for(driver, lambda d: len(review_shades(d)) >= len(before) and review_shades(d) != before)
    assert float(fail_from.get_attribute("value")) == RUN_FAIL  # the other threshold stays exactly where it was


CONTRAST_JS = """
const luminance = (rgb) => {
  const [r, g, b] = rgb.map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
const parse = (colour) => (colour.match(/[\\d.]+/g) || []).map(Number);
const background = (element) => {
  for (let node = element; node; node = node.parentElement) {
    const value = parse(getComputedStyle(node).backgroundColor);
    if (value.length === 3 || (value.length === 4 && value[3] > 0)) return value.slice(0, 3);
  }
  return [255, 255, 255];
};
const worst = [];
for (const element of document.querySelectorAll(arguments[0])) {
  if (!element.textContent.trim()) continue;
  const fore = luminance(parse(getComputedStyle(element).color).slice(0, 3));
  const back = luminance(background(element));
  const ratio = (Math.max(fore, back) + 0.05) / (Math.min(fore, back) + 0.05);
  worst.push([ratio, element.className, element.textContent.slice(0, 30)]);
}
return worst.sort((a, b) => a[0] - b[0]).slice(0, 3);
"""
TEXT_ELEMENTS = ("span.mtqa-seg, .mtqa-badge, .mtqa-whole, mark.mtqa-match, .mtqa-context, .mtqa-legend .swatch, "
                 ".mtqa-doc u")


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_text_contrast_is_at_least_4_5_in_both_themes(dashboard, browser, tmp_path, dark):
    served = dashboard()
    driver = browser(dark=dark)
    for tab in ("", "/?tab=Queue"):
        driver.get(served.url + tab)
        sentences(driver)
        time.sleep(1)
        page = driver.execute_script("return getComputedStyle(document.querySelector('.stApp')).backgroundColor")
        assert (sum(map(int, page[page.index("(") + 1:-1].split(",")[:3])) < 200) == dark, page
        worst = driver.execute_script(CONTRAST_JS, TEXT_ELEMENTS)
        assert worst and worst[0][0] >= 4.5, worst
    screenshot(driver, tmp_path, f"dashboard-{'dark' if dark else 'light'}.png")


# Item 6: inspect in place


def test_queue_shows_neighbours_previous_next_and_opens_a_clicked_row(dashboard, browser):
    served = dashboard()
    driver = browser()
    driver.get(served.url + "/?tab=Queue")
    assert wait_for(driver, lambda d: heading(d)).startswith("Item 1 of")
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".mtqa-item .mtqa-context"))  # the sentences around it
    assert not button(driver, "Previous").is_enabled()
    click(driver, button(driver, "Next"))
    wait_for(driver, lambda d: heading(d).startswith("Item 2 of"))
    click(driver, button(driver, "Previous"))
    wait_for(driver, lambda d: heading(d).startswith("Item 1 of"))
    grid = wait_for(driver, lambda d: d.find_element(By.CSS_SELECTOR, "[data-testid='stDataFrame']"))
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", grid)
    time.sleep(0.5)
    box = grid.rect  # the third row's selection box: header and rows are 35 px high
    ActionChains(driver).move_to_element_with_offset(grid, -box["width"] / 2 + 15,
                                                     -box["height"] / 2 + 35 + 2 * 35 + 17).click().perform()
    wait_for(driver, lambda d: heading(d).startswith("Item 3 of"))


def test_a_bilingual_file_highlights_the_sources_matching_words(dashboard, browser, tmp_path):
    table = tmp_path / "prices.tsv"
    table.write_text("source\ttarget\nThe plan costs 25 euros a month.\tDer Tarif kostet 52 Euro im Monat.\n"
                     "Sign in to continue.\tMelden Sie sich an, um fortzufahren.\n", "utf-8")
    served = dashboard(str(table))
    driver = browser()
    driver.get(served.url + "/?tab=Queue&sentence=0")
    marked = wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".mtqa-source mark.mtqa-match"),
                      SCORED_TIMEOUT)
    assert "25" in {mark.text for mark in marked}


# Item 9: no developer menu, and "c" does not clear the models


def test_no_deploy_button_menu_or_clear_cache_shortcut(dashboard, browser):
    served = dashboard()
    driver = browser()
    driver.get(served.url)
    sentences(driver)
    assert not driver.find_elements(By.CSS_SELECTOR, "[data-testid='stAppDeployButton']")
    assert not driver.find_elements(By.CSS_SELECTOR, "[data-testid='stMainMenu']")
    driver.find_element(By.TAG_NAME, "body").send_keys("c")
    time.sleep(1)
    assert not driver.find_elements(By.XPATH, "//*[contains(., 'Clear caches')]")


# Item 10: a narrow window


def test_a_narrow_window_collapses_the_sidebar_and_keeps_button_labels_whole(dashboard, browser):
    served = dashboard()
    driver = browser(width=800, height=1000)
    driver.get(served.url + "/?tab=Queue")
    wait_for(driver, lambda d: heading(d))
    sidebar = driver.find_element(By.CSS_SELECTOR, "[data-testid='stSidebar']")
    wait_for(driver, lambda d: sidebar.size["width"] < 20)
    labels = ("Accept", "Save edit", "Reject", "Add note", "Previous", "Next")
    for label in labels:
        found = button(driver, label)
        width, height, scroll_width = driver.execute_script(
            "const b = arguments[0]; return [b.clientWidth, b.clientHeight, b.scrollWidth];", found)
        assert scroll_width <= width and height < 50, (label, width, height, scroll_width)
        assert found.text.split("\n")[0].startswith(label)


# Issue 15, items 8 and 10: bad and pathological uploads


def upload(driver, path: Path) -> None:
    summary = wait_for(driver, lambda d: d.find_element(By.XPATH, "//summary[contains(., 'Open a document')]"))
    if summary.find_element(By.XPATH, "..").get_attribute("open") is None:
        click(driver, summary)
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "input[type=file]"))[0].send_keys(str(path))
    wait_for(driver, lambda d: d.find_elements(By.XPATH, f"//*[contains(text(), '{path.name}')]"))
    # Streamlit disables a form's submit button while one of its files is still uploading, and a
    # click on a disabled button is dropped without an error. Under load a click on an enabled one
    # can be lost in a re-render too: the form (clear_on_submit) empties its uploader once the
    # submit reaches the app, so click again only while the file is still listed.
    buttons = "//button[normalize-space(.)='Check']"
    for _ in range(3):
        check = wait_for(driver, lambda d: next((b for b in d.find_elements(By.XPATH, buttons) if b.is_enabled()),
                                                False))
        click(driver, check)
        try:
            wait_for(driver, lambda d: not d.find_elements(By.CSS_SELECTOR, "[data-testid='stFileChip']"), timeout=20)
            return
        except TimeoutException:
            continue
    raise AssertionError(f"the Check button never submitted {path.name}")


def test_an_upload_a_reader_fails_on_shows_one_line(dashboard, browser, tmp_path):
    from test_dashboard import UNCLOSED_CSV

    bad = tmp_path / "unclosed.csv"
    bad.write_bytes(UNCLOSED_CSV)
    served = dashboard()
    driver = browser()
    driver.get(served.url)
    sentences(driver)
    upload(driver, bad)
    alert = wait_for(driver, lambda d: d.find_element(By.CSS_SELECTOR, "[data-testid='stAlertContentError']"))
    assert alert.text.startswith("unclosed.csv: line 2: ") and "\n" not in alert.text.strip()
    page = driver.find_element(By.TAG_NAME, "body").text
    assert "Traceback" not in page and "mtqa-upload-" not in page and str(bad) not in page


def reader_processes(server: Dashboard) -> list[psutil.Process]:
    return [p for p in psutil.Process(server.process.pid).children(recursive=True)
            if "mtqa.dashboard.read_worker" in " ".join(p.cmdline())]


def test_a_pathological_upload_neither_blocks_others_nor_outlives_its_session(dashboard, browser, tmp_path):
    one_line = tmp_path / "one-line.txt"
    # 9 MB, no line break: about 20 s to read, longer than another page takes to load on a busy
    # machine (at 3 MB the read, 8 s, sometimes ended first in a full CI run)
    one_line.write_text("Word and word again without an end " * 270_000, "utf-8")
    served = dashboard()
    uploader = browser()
    uploader.get(served.url)
    sentences(uploader)
    upload(uploader, one_line)
    wait_for(uploader, lambda d: reader_processes(served))
    other = browser()
    other.get(served.url)
    assert sentences(other)  # another editor is served while the upload is read
    assert reader_processes(served), "the upload was read before the other editor's page came"
    uploader.quit()  # the editor who uploaded it leaves
    deadline = time.monotonic() + 90
    while reader_processes(served) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert reader_processes(served) == []


def test_concurrent_sessions_see_the_same_sentences(dashboard, browser):
    """Issue 15, item 3: editors opening the same document at once get the same segmentation
    (hence the saved run, not a fresh and different scoring)."""
    served = dashboard()
    drivers = [browser(width=1000, height=800) for _ in range(3)]
    threads = [threading.Thread(target=driver.get, args=(served.url,)) for driver in drivers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for driver in drivers:  # the saved run's sentences, or a progress bar: this text was never scored
        wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, SCORED + ", [data-testid='stProgress']"))
    counts = [len(driver.find_elements(By.CSS_SELECTOR, SCORED)) for driver in drivers]
    assert counts == [38, 38, 38], f"sessions split the same document differently: {counts}"


# Items 11 and 12: exports an editor hands back


def test_the_edited_document_downloads_in_its_own_format(dashboard, browser, tmp_path):
    from mtqa.readers import read_path

    source = REPO / "fixtures" / "l10n" / "memory_en_es.tmx"
    served = dashboard(str(source))
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    driver = browser(downloads=downloads)
    driver.get(served.url + "/?sentence=1")
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "span.mtqa-seg.mtqa-selected"), SCORED_TIMEOUT)
    edit = field(driver, "Edited sentence")
    click(driver, edit)
    edit.send_keys(Keys.CONTROL, "a")
    edit.send_keys("La batería dura veintiuna horas.")
    press(driver, "e")
    wait_for(driver, lambda d: len(served.decisions()) == 1)
    click(driver, driver.find_element(By.XPATH, "//*[@role='tab'][normalize-space(.)='Overview']"))
    export = "//button[normalize-space(.)='Edited document']"
    click(driver, wait_for(driver, lambda d: d.find_element(By.XPATH, export)))
    written = downloads / "memory_en_es.edited.tmx"
    wait_for(driver, lambda d: written.is_file() and written.stat().st_size > 0)
    before, after = read_path(str(source)), read_path(str(written))
    assert [s.text for s in after.segments] == [
        "La batería dura veintiuna horas." if s.index == 1 else s.text for s in before.segments]
    original = source.read_text("utf-8")
    assert written.read_text("utf-8") == original.replace("dura 21 horas.", "dura veintiuna horas.")
