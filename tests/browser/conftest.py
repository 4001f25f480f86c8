"""Browser fixtures: a fresh server on loopback, Debian chromium, no outside requests."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LOCAL_PREFIXES = (
    "http://127.0.0.1",
    "http://localhost",
    "ws://127.0.0.1",
    "ws://localhost",
    "data:",
    "blob:",
    "about:",
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server() -> tuple[subprocess.Popen, str]:
    """Start `streamlit run app.py` headless on a free loopback port; return it and its URL."""
    port = _free_port()
    env = dict(os.environ)
    folder = Path(tempfile.mkdtemp(prefix="journey-browser-"))
    env["JOURNEY_WORKSPACE"] = str(folder / "ws.duckdb")
    log_path = folder / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.headless",
                "true",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--browser.gatherUsageStats",
                "false",
                "--server.fileWatcherType",
                "none",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,  # a file, not a pipe: nobody reads a pipe, and a full one stalls the server
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180  # a generous bound for a loaded machine, not a timing
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return process, url
        except OSError:
            time.sleep(0.3)
    process.kill()
    tail = log_path.read_text(errors="replace")[-2000:]
    raise RuntimeError(f"streamlit did not start: {tail}")


@pytest.fixture
def fresh_server() -> Iterator[str]:
    """A server of its own (for deep links, which must work on a freshly started server)."""
    process, url = start_server()
    yield url
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A server shared by one test module."""
    process, url = start_server()
    yield url
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Drive Debian's chromium (browser downloads are impossible here)."""
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(executable).exists():
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs it: its absence is an error there
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def outside_requests(page) -> list[str]:
    """Block and record every request that would leave loopback."""
    attempted: list[str] = []

    def handle(route) -> None:
        url = route.request.url
        if url.startswith(LOCAL_PREFIXES):
            route.continue_()
        else:
            attempted.append(url)
            route.abort()

    page.route("**/*", handle)
    return attempted


IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
# True once the script is idle and an element matching `selector` that the current run drew
# (not a stale one left from the previous run) shows `text`.
SHOWN = """([idle, selector, text, exact]) => document.querySelector(idle) !== null &&
  [...document.querySelectorAll(selector)].some((e) => !e.closest("[data-stale='true']") &&
    (exact ? e.innerText.trim() === text : e.innerText.includes(text)))"""
TITLE_CALL = re.compile(r"""^\s*st\.title\(t\("([\w.]+)"\)\)""", re.MULTILINE)


def page_titles(language: str = "en") -> dict[str, str]:
    """Each page's h1 (its `st.title`) in `language`, by URL path, read from the views."""
    from ui.i18n import catalogue
    from ui.nav import PAGES

    titles = {}
    for spec in PAGES:
        found = TITLE_CALL.search((ROOT / spec.path).read_text(encoding="utf-8"))
        if found is None:
            raise LookupError(f"{spec.path} has no st.title(t(...)) line to wait for")
        texts = catalogue()[found.group(1)]
        titles[spec.url_path] = texts.get(language) or texts["en"]
    return titles


def wait_for_shown(
    page, selector: str, text: str, exact: bool = False, timeout: float = 120_000
) -> None:
    """Wait until the script is idle and a fresh `selector` element shows `text`.

    A run's own content is the one sign that cannot be missed: a run counter watching the
    script state misses a run whose running and idle states reach the page in one render.
    """
    page.wait_for_function(SHOWN, arg=[IDLE, selector, text, exact], timeout=timeout)


def wait_for_page(page, title: str, timeout: float = 120_000) -> None:
    """Wait until the page titled `title` (its h1, in the UI language) has run to the end."""
    wait_for_shown(page, "[data-testid='stMain'] h1", title, exact=True, timeout=timeout)


# Counts finished script runs. It can miss a fast run (running and idle in one render):
# prefer `wait_for_page` / `wait_for_shown`; kept for tests not yet moved to them.
RUN_COUNTER = """
window.__journeyRuns = 0;
new MutationObserver((records) => {
  for (const r of records) {
    if (r.oldValue === 'running' && r.target.getAttribute(r.attributeName) === 'notRunning') {
      window.__journeyRuns += 1;
    }
  }
}).observe(document, {attributes: true, subtree: true, attributeOldValue: true,
                      attributeFilter: ['data-test-script-state']});
"""


def count_runs(page) -> None:
    """Count the page's finished script runs from its next navigation on (see `runs`)."""
    page.add_init_script(RUN_COUNTER)


def runs(page) -> int:
    """How many script runs have finished since the page was loaded (needs `count_runs`)."""
    return int(page.evaluate("() => window.__journeyRuns"))


def wait_for_run_after(page, before: int, timeout: float = 120_000) -> None:
    """Wait until a run after `before` finished runs is over (can miss one: see RUN_COUNTER)."""
    page.wait_for_function(
        f"() => window.__journeyRuns > {before} && document.querySelector("
        "\"[data-testid='stApp'][data-test-script-state='notRunning']\") !== null",
        timeout=timeout,
    )


def wait_for_app(page, timeout: float = 120_000) -> None:
    """Wait until the script has finished running (never sleep)."""
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout
    )
    page.wait_for_selector("[data-testid='stMainBlockContainer']", timeout=timeout)


def expand_menu(nav) -> None:
    """Unfold the sidebar menu: with more than 10 pages Streamlit hides the rest behind a button."""
    more = nav.get_by_role("button", name=re.compile(r"View \d+ more"))
    if more.count():
        more.first.click()
        more.wait_for(state="detached", timeout=30_000)
