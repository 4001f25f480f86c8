"""Load test: many browser sessions at once on one server, each opening every page.

Run from the repository root: python -m bench.load [--sessions 20] [--time-limit 1200]

Starts `streamlit run app.py` on 127.0.0.1 (a free port, a fresh throwaway workspace), opens
SESSIONS Playwright contexts in one Debian chromium at once, and in each one opens the
overview, then every other page through the sidebar menu (one Streamlit session per context,
as a user clicks through the app). It records every error (an stException or error element,
a console error, an uncaught page error), the render time of each page (from the click to
the end of the script run, as the browser sees it) and the server's peak resident memory
(VmHWM of the server process and its children, from /proc), and its resident memory once the
sessions closed and again after their kept state expired (--settle). Requests that would
leave loopback are blocked. A download button fetches its file when drawn; Streamlit drops a
file once no session's current run holds it. A fetch answered 404 after the session clicked
on, or while the page showed but served again once the page's last run was over (the page ran
twice), is counted, not an error; a file still missing when its page is idle is an error.
Everything stops by itself: each wait has a timeout and the whole run has a time limit.
Exit status 1 when any error was recorded, else 0.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from playwright.async_api import Browser, ConsoleMessage, Page, Response, Route, async_playwright

from ui.i18n import catalogue
from ui.nav import PAGES

ROOT = Path(__file__).resolve().parents[1]
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")
STEP_TIMEOUT_MS = 300_000  # one page on a loaded 2-core machine; a hang fails, never waits forever
# Logged by a download button whose file is gone when the browser checks it (see `on_response`).
DOWNLOAD_CHECK = "Download Button source error - 404"
FAILED_LOAD = "Failed to load resource: the server responded with a status of 404"
ERROR_SELECTOR = "[data-testid='stException'], [data-testid='stAlertContentError']"
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
# The wait for a page: the script idle and the page's own h1, drawn by this run (not stale).
# A counter of running -> notRunning changes misses a run whose two states reach the page in
# one render, which left sessions waiting on an idle, finished page (as in tests/browser).
SHOWN = """([idle, selector, text]) => document.querySelector(idle) !== null &&
  [...document.querySelectorAll(selector)].some((e) => !e.closest("[data-stale='true']") &&
    e.innerText.trim() === text)"""
TITLE = "[data-testid='stMain'] h1"
TITLE_CALL = re.compile(r"""^\s*st\.title\(t\("([\w.]+)"\)\)""", re.MULTILINE)


@dataclass
class Session:
    """What one browser session saw."""

    index: int
    timings: dict[str, float] = field(default_factory=dict)  # url_path -> seconds
    errors: list[str] = field(default_factory=list)
    left_404: int = 0  # download checks answered 404 after the session had left their page
    passing_404: int = 0  # answered 404 while shown, but served once the page's run was over


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(workspace: Path, log: Path) -> tuple[subprocess.Popen, str]:
    """Start the app headless on loopback with its own workspace; return it and its URL."""
    port = free_port()
    env = {**os.environ, "JOURNEY_WORKSPACE": str(workspace)}
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true"]
    command += ["--server.port", str(port), "--server.address", "127.0.0.1"]
    command += ["--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    with log.open("wb") as out:  # a file, not a pipe: a full pipe would stall the server
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)  # noqa: S603
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return process, url
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"streamlit did not start:\n{log.read_text(errors='replace')[-2000:]}")


def process_tree(pid: int) -> list[int]:
    """The process and all its descendants (from /proc/PID/task/*/children)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                todo += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
    return found


def memory_kib(pid: int, field_name: str) -> int:
    """Sum of a /proc/PID/status memory field (VmHWM, VmRSS) over the process tree, in KiB."""
    total = 0
    for member in process_tree(pid):
        try:
            lines = Path(f"/proc/{member}/status").read_text().splitlines()
        except OSError:
            continue
        total += sum(int(line.split()[1]) for line in lines if line.startswith(f"{field_name}:"))
    return total


def page_titles() -> dict[str, str]:
    """Each page's English h1 (its `st.title`), by URL path, read from the views."""
    titles = {}
    for spec in PAGES:
        found = TITLE_CALL.search((ROOT / spec.path).read_text(encoding="utf-8"))
        if found is None:
            raise LookupError(f"{spec.path} has no st.title(t(...)) line to wait for")
        titles[spec.url_path] = catalogue()[found.group(1)]["en"]
    return titles


async def wait_for_page(page: Page, title: str) -> None:
    """Wait until the page titled `title` has been drawn by a run that has finished."""
    await page.wait_for_function(SHOWN, arg=[IDLE, TITLE, title], timeout=STEP_TIMEOUT_MS)


async def page_errors(page: Page) -> list[str]:
    """Texts of the error elements the page shows."""
    return [text[:200] for text in await page.locator(ERROR_SELECTOR).all_inner_texts()]


async def _where(page: Page) -> str:
    """The app's script state, title and connection state (to tell a hang apart)."""
    try:
        return await page.evaluate(
            """() => {
                const app = document.querySelector("[data-testid='stApp']");
                const state = app ? app.getAttribute('data-test-script-state') : 'no app';
                const status = document.querySelector("[data-testid='stStatusWidget']");
                const title = document.querySelector("[data-testid='stMain'] h1");
                return `script ${state}, h1 ${title ? title.innerText : 'none'}, status: ` +
                    (status ? status.innerText.replace(/\\s+/g, ' ') : 'none');
            }"""
        )
    except Exception as err:  # the page may be gone: say so rather than fail the report
        return f"state unreadable ({type(err).__name__})"


async def run_session(browser: Browser, url: str, session: Session, titles: dict[str, str]) -> None:
    """Open the overview, then every other page through the menu, recording times and errors."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})

    async def block_outside(route: Route) -> None:
        if route.request.url.startswith(LOCAL):
            await route.continue_()
        else:
            session.errors.append(f"outside request: {route.request.url}")
            await route.abort()

    await context.route("**/*", block_outside)
    page = await context.new_page()
    shown = {"page": PAGES[0].url_path}  # the page this session is on (set before each click)
    asked: dict[object, str] = {}  # media request -> the page shown when it was sent

    missing: list[tuple[str, str]] = []  # (page, media URL) answered 404 while the page showed

    def on_console(message: ConsoleMessage) -> None:
        # a download check that 404s logs twice (the button, chromium): on_response judges it
        media = "/media/" in message.location.get("url", "") and FAILED_LOAD in message.text
        if message.type == "error" and DOWNLOAD_CHECK not in message.text and not media:
            session.errors.append(f"console: {message.text}")

    def on_response(response: Response) -> None:
        sent_on = asked.pop(response.request, shown["page"])
        if response.status != 404 or "/media/" not in response.url:
            return
        if sent_on != shown["page"]:  # the button's page was left; the server dropped its file
            session.left_404 += 1
        else:
            missing.append((sent_on, response.url))

    async def recheck() -> None:
        """A file 404 while its page showed must be served now that the page's run is over."""
        while missing:
            shown_on, media_url = missing.pop()
            answer = await page.request.get(media_url)
            if answer.ok:  # dropped between two runs of the page, served again by the last
                session.passing_404 += 1
            else:
                session.errors.append(f"{shown_on}: download still 404 while shown: {media_url}")

    page.on("request", lambda r: "/media/" in r.url and asked.__setitem__(r, shown["page"]))
    page.on("response", on_response)
    page.on("console", on_console)
    page.on("pageerror", lambda err: session.errors.append(f"page error: {err}"))
    try:
        started = time.perf_counter()
        await page.goto(url, timeout=STEP_TIMEOUT_MS)
        await wait_for_page(page, titles[PAGES[0].url_path])
        session.timings[PAGES[0].url_path] = time.perf_counter() - started
        session.errors += [f"{PAGES[0].url_path}: {e}" for e in await page_errors(page)]
        nav = page.locator("[data-testid='stSidebarNav']")
        for spec in PAGES[1:]:
            await recheck()
            shown["page"] = spec.url_path  # no await since recheck: no 404 slips in between
            started = time.perf_counter()
            link = nav.locator(f"a[href$='/{spec.url_path}']").first
            await link.click(timeout=STEP_TIMEOUT_MS)
            await wait_for_page(page, titles[spec.url_path])
            session.timings[spec.url_path] = time.perf_counter() - started
            session.errors += [f"{spec.url_path}: {e}" for e in await page_errors(page)]
        await recheck()
    except Exception as err:  # a load test records every failure (timeouts too), then goes on
        session.errors.append(f"{type(err).__name__}: {str(err).splitlines()[0][:200]}")
        session.errors.append(f"  at {page.url}, {await _where(page)}")
    finally:
        await context.close()


async def drive(url: str, n_sessions: int, time_limit: float) -> list[Session]:
    """Run `n_sessions` sessions at once in one chromium, within `time_limit` seconds."""
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    sessions = [Session(i) for i in range(n_sessions)]
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            titles = page_titles()
            tasks = [run_session(browser, url, s, titles) for s in sessions]
            await asyncio.wait_for(asyncio.gather(*tasks), timeout=time_limit)
        except TimeoutError:
            for s in sessions:
                if len(s.timings) < len(PAGES):
                    s.errors.append(f"time limit ({time_limit:g} s) reached")
        finally:
            await browser.close()
    return sessions


async def reap(url: str, title: str) -> None:
    """Open and close one session: its disconnect makes Streamlit drop expired sessions.

    Streamlit keeps a closed session's state for reconnects (server.disconnectedSessionTTL,
    120 s) in a TTL cache that removes expired entries only on its next write: the next
    session to disconnect.
    """
    async with async_playwright() as playwright:
        executable = shutil.which("chromium") or "/usr/bin/chromium"
        browser = await playwright.chromium.launch(
            executable_path=executable, args=["--no-sandbox"]
        )
        try:
            page = await browser.new_page()

            async def local_only(route: Route) -> None:
                if route.request.url.startswith(LOCAL):
                    await route.continue_()
                else:
                    await route.abort()

            await page.route("**/*", local_only)
            await page.goto(url, timeout=STEP_TIMEOUT_MS)
            await wait_for_page(page, title)
        finally:
            await browser.close()


def percentiles(values: list[float]) -> tuple[float, float, float, float]:
    """p50, p90, p95 and max of a list of seconds."""
    if len(values) < 2:
        value = values[0] if values else float("nan")
        return value, value, value, value
    cuts = statistics.quantiles(values, n=20, method="inclusive")
    return statistics.median(values), cuts[17], cuts[18], max(values)


def report(sessions: list[Session], memory: dict[str, int], wall: float) -> None:
    """Print a Markdown table of render times per page, memory figures and every error."""
    print(f"\n{len(sessions)} concurrent sessions, {len(PAGES)} pages each, wall {wall:.0f} s")
    print("\n| page | renders | p50 s | p90 s | p95 s | max s |")
    print("|---|---:|---:|---:|---:|---:|")
    for spec in PAGES:
        times = [s.timings[spec.url_path] for s in sessions if spec.url_path in s.timings]
        p50, p90, p95, top = percentiles(times)
        print(f"| {spec.title} | {len(times)} | {p50:.1f} | {p90:.1f} | {p95:.1f} | {top:.1f} |")
    print("\n| server memory | MiB |")
    print("|---|---:|")
    for name, kib in memory.items():
        print(f"| {name} | {kib / 1024:.0f} |")
    left = sum(s.left_404 for s in sessions)
    passing = sum(s.passing_404 for s in sessions)
    print(f"\ndownload checks answered 404 after their page was left (not errors): {left}")
    print(f"answered 404 while shown, served after the page's last run (not errors): {passing}")
    errors = [(s.index, e) for s in sessions for e in s.errors]
    print(f"\nerrors: {len(errors)}")
    for index, error in errors[:50]:
        print(f"  session {index}: {error}")


def main(argv: list[str] | None = None) -> int:
    """Start the server, drive the sessions, print the figures; 1 if any error."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20, help="concurrent sessions (1..50)")
    parser.add_argument("--time-limit", type=float, default=1200, help="seconds for the run")
    parser.add_argument(
        "--settle",
        type=float,
        default=130,
        help="seconds to wait after the sessions closed for their kept state to expire (0: skip)",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.sessions <= 50:
        parser.error("--sessions must be between 1 and 50")
    folder = Path(tempfile.mkdtemp(prefix="journey-load-"))
    process, url = start_server(folder / "ws.duckdb", folder / "server.log")
    try:
        memory = {"after start (VmRSS)": memory_kib(process.pid, "VmRSS")}
        started = time.perf_counter()
        sessions = asyncio.run(drive(url, args.sessions, args.time_limit))
        wall = time.perf_counter() - started
        memory["peak (VmHWM)"] = memory_kib(process.pid, "VmHWM")
        memory["after the sessions closed (VmRSS)"] = memory_kib(process.pid, "VmRSS")
        if args.settle > 0:
            time.sleep(args.settle)
            asyncio.run(reap(url, page_titles()[PAGES[0].url_path]))
            time.sleep(5)  # the disconnect is handled on the server's event loop
            label = f"{args.settle:g} s later, expired sessions dropped (VmRSS)"
            memory[label] = memory_kib(process.pid, "VmRSS")
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
    report(sessions, memory, wall)
    shutil.rmtree(folder, ignore_errors=True)
    return 1 if any(s.errors for s in sessions) else 0


if __name__ == "__main__":
    sys.exit(main())
