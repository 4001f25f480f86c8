"""Browser fixtures: a fresh server on loopback, Debian chromium, no outside requests."""

from __future__ import annotations

import os
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


# Counts finished script runs (the app's script state going from running to notRunning), so a
# test can wait for the run its own click started rather than for a state that may be stale.
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
    """Wait until a script run that started after `before` finished runs is over."""
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
