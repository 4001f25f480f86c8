"""The app at scale: every page's first render, a filter change and a timeline at 1e6 / 1e7 events.

Run from the repository root (1e7 takes several minutes: tiling, `load`, then the pages):

    python -m bench.app_scale                  # 1e6 and 1e7 events
    python -m bench.app_scale --sizes 1e6      # a subset
    python -m bench.app_scale --sizes 1e6 --pages next_best_action   # app start + one page

For each size: the sample is tiled to that many events (`bench.tile`: customer ids suffixed
per copy, transcripts alongside), stored in a throwaway workspace with the user's command
`python -m journey load EVENTS --transcripts T --name NAME` (timed, with its peak memory), and
opened by a fresh app process through `JOURNEY_DATASET=NAME`. That process drives every page
through AppTest on app.py, as a user clicks through the menu, and records:

- app start (the Overview's first render, dataset opening included);
- each page's first render;
- a sidebar filter change (three channels chosen) on the Journey map;
- the customer timeline of one customer (search + render);
- the peak resident memory of the app process (its own VmHWM: the whole run, and after each page).

Targets (issue 10, at 1e7): every page < 5 s, filter change < 2 s, timeline < 1 s, peak < 4 GB.
Each page is checked for exceptions and error messages; a failing page is reported as such.
The machine's load average is printed beside the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

NAME = "scale"
TARGETS = {"page": 5.0, "filter": 2.0, "timeline": 1.0, "peak_gb": 4.0}
FILTER_CHANNELS = ["Email", "Web", "Paid Search"]
MARKER = "FIGURES "


def run_measured(cmd: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Run a child process; return wall seconds, its own peak RSS in GB, and its stdout."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=out, stderr=err)  # noqa: S603
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{stderr[-3000:]}")
    return wall, usage.ru_maxrss / 1024**2, stdout


def _problems(app: object) -> list[str]:
    errors = [str(e.value)[:200] for e in app.error]  # type: ignore[attr-defined]
    return errors + [str(e.value)[:200] for e in app.exception]  # type: ignore[attr-defined]


def _peak_gb() -> float:
    """This process's peak resident memory so far, in GB.

    Linux's VmHWM, the high-water mark of this program's own memory: ru_maxrss of a child
    started by a big parent can start at the parent's size (it survives fork and exec).
    """
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    line = next((x for x in status.splitlines() if x.startswith("VmHWM:")), None)
    if line is None:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    return int(line.split()[1]) / 1024**2  # kB


def _timed(step: object) -> float:
    start = time.perf_counter()
    step.run()  # type: ignore[attr-defined]
    return time.perf_counter() - start


def child(customer: str, pages: list[str] | None = None) -> None:
    """Drive every page of app.py (or only `pages`) in this process; print figures as JSON."""
    from streamlit.testing.v1 import AppTest  # noqa: TID251 (a bench drives the app)

    from ui.nav import PAGES
    from ui.state import Key

    figures: dict[str, object] = {"pages": {}, "problems": {}, "peak_after_gb": {}}
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=1800)
    figures["pages"]["overview (app start)"] = _timed(app)
    figures["peak_after_gb"]["overview (app start)"] = _peak_gb()
    figures["problems"]["overview"] = _problems(app)
    for spec in PAGES:
        chosen = not pages or spec.url_path in pages or Path(spec.path).stem in pages
        if spec.url_path == "overview" or not chosen:
            continue
        app.switch_page(spec.path)
        figures["pages"][spec.url_path] = _timed(app)
        figures["peak_after_gb"][spec.url_path] = _peak_gb()
        figures["problems"][spec.url_path] = _problems(app)
    if pages:  # a selection of pages: no filter change, no timeline
        figures["peak_gb"] = _peak_gb()
        print(MARKER + json.dumps(figures))
        return
    app.switch_page("views/journey_map.py").run()
    app.multiselect(key=Key.CHANNELS).set_value(FILTER_CHANNELS)
    figures["filter change"] = _timed(app)
    figures["problems"]["filter"] = _problems(app)
    app.multiselect(key=Key.CHANNELS).set_value([]).run()
    app.switch_page("views/customer.py").run()
    app.text_input(key="customer_search").input(customer)
    figures["timeline"] = _timed(app)
    figures["problems"]["timeline"] = _problems(app)
    figures["peak_gb"] = _peak_gb()
    print(MARKER + json.dumps(figures))


def measure(n_events: int, folder: Path, pages: str | None = None) -> dict[str, object]:
    """Tile, load and drive the app at one size; return the figures."""
    from bench.tile import tile

    events, transcripts = tile(n_events, folder)
    env = {**os.environ, "JOURNEY_WORKSPACE": str(folder / "workspace.duckdb")}
    load_cmd = [sys.executable, "-m", "journey", "load", str(events), "--name", NAME]
    load_cmd += ["--transcripts", str(transcripts)] if transcripts else []
    load_wall, load_peak, _ = run_measured(load_cmd, env)
    env["JOURNEY_DATASET"] = NAME
    cmd = [sys.executable, "-m", "bench.app_scale", "--child", "C00304~0"]
    cmd += ["--pages", pages] if pages else []
    wall, _, output = run_measured(cmd, env)
    lines = [line for line in output.splitlines() if line.startswith(MARKER)]
    figures = json.loads(lines[-1][len(MARKER) :]) if lines else {}
    return {"load_s": load_wall, "load_peak_gb": load_peak, "app_wall_s": wall, **figures}


def report(n_events: int, figures: dict[str, object]) -> None:
    """Print one size's figures against the targets."""
    print(f"\n== {n_events:,} events (load average {os.getloadavg()[0]:.1f}) ==")
    print(f"load command: {figures['load_s']:.1f} s, peak {figures['load_peak_gb']:.2f} GB")
    peaks = figures.get("peak_after_gb", {})
    for page, seconds in figures.get("pages", {}).items():
        mark = "ok" if seconds < TARGETS["page"] else "SLOW"
        peak = f"  (peak so far {peaks[page]:.2f} GB)" if page in peaks else ""
        print(f"  {page:<28} {seconds:7.2f} s  {mark}{peak}")
    for what, key in (("filter change", "filter"), ("timeline", "timeline")):
        seconds = figures.get(what)
        if seconds is not None:
            mark = "ok" if seconds < TARGETS[key] else "SLOW"
            print(f"  {what:<28} {seconds:7.2f} s  {mark}")
    peak = figures.get("peak_gb", float("nan"))
    print(f"  peak memory of the app      {peak:7.2f} GB {'ok' if peak < 4 else 'OVER'}")
    bad = {k: v for k, v in figures.get("problems", {}).items() if v}
    if bad:
        print(f"  problems: {json.dumps(bad)[:1500]}")


def main() -> None:
    """Parse arguments, run each size, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1e6,1e7", help="comma-separated event counts")
    parser.add_argument(
        "--pages",
        help="comma-separated pages to render, by url path or view file name (e.g."
        " next-best-action or next_best_action); default all,"
        " with the filter change and the timeline",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    pages = [p.strip() for p in args.pages.split(",") if p.strip()] if args.pages else None
    if args.child:
        child(args.child, pages)
        return
    for size in args.sizes.split(","):
        n = int(float(size))
        with tempfile.TemporaryDirectory(prefix="app-scale-") as tmp:
            report(n, measure(n, Path(tmp), args.pages))


if __name__ == "__main__":
    main()
