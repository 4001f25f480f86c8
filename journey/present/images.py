"""Chart images rendered on the server with kaleido, which drives the machine's Chromium.

Kaleido 1.x finds a browser through choreographer; we always hand it an explicit path
(`JOURNEY_CHROMIUM`, then kaleido's documented `BROWSER_PATH`, then `chromium` on PATH), so
it never looks for (or downloads) a browser of its own, and MathJax is switched off so that
its page fetches nothing from a CDN (plotly.js comes from the installed plotly package).
The whole batch runs under one time limit: a missing or stuck browser gives an
`ImagesUnavailable` error with the reason, never a hang. PNGs for the report and deck
(`render_pngs`), one SVG at a time for the app's chart downloads (`render_svg`).
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path

import plotly.graph_objects as go

from journey.errors import JourneyError

BROWSER_ENV = ("JOURNEY_CHROMIUM", "BROWSER_PATH")
DEBIAN_CHROMIUM = "/usr/bin/chromium"
DEFAULT_TIMEOUT = 120.0  # seconds for the whole batch, browser start included
SVG_TIMEOUT = 60.0  # seconds for one chart's SVG, browser start included
WIDTH, HEIGHT, SCALE = 1200, 640, 2
FORMATS = ("png", "svg")


def browser_failures() -> tuple[type[BaseException], ...]:
    """What choreographer and kaleido raise when the browser cannot start, dies or fails.

    Imported here: kaleido runs only in the rendering child process, never in the app's.
    """
    from choreographer import errors as browser_errors
    from kaleido import errors as kaleido_errors

    return (
        browser_errors.ChromeNotFoundError,
        browser_errors.BrowserFailedError,
        browser_errors.BrowserClosedError,
        browser_errors.BrowserDepsError,
        browser_errors.ChannelClosedError,
        kaleido_errors.KaleidoError,
        kaleido_errors.JavascriptError,
        OSError,
    )


ROOT = Path(__file__).resolve().parents[2]  # the folder holding the journey package

ProgressFn = Callable[[float, str], None]


class ImagesUnavailable(JourneyError):
    """Chart images could not be rendered (no browser, or it failed or timed out)."""


def find_browser() -> Path:
    """The Chromium kaleido should drive, or ImagesUnavailable saying where we looked."""
    for name in BROWSER_ENV:
        value = os.environ.get(name, "").strip()
        if value:
            path = Path(value)
            if path.is_file() and os.access(path, os.X_OK):
                return path
            raise ImagesUnavailable(f"chart images: {name}={value} is not an executable browser")
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return Path(found)
    if Path(DEBIAN_CHROMIUM).is_file():
        return Path(DEBIAN_CHROMIUM)
    raise ImagesUnavailable(
        "chart images: no Chromium found (install it, e.g. apt-get install chromium, or set "
        "JOURNEY_CHROMIUM to its path)"
    )


async def _render(
    figures: Mapping[str, str], browser: str, out: Path, image_format: str = "png"
) -> None:
    import kaleido

    async with kaleido.Kaleido(path=browser, mathjax=False, timeout=60) as renderer:
        for name, figure in figures.items():
            spec = json.loads(figure)
            opts = {"format": "png", "width": WIDTH, "height": HEIGHT, "scale": SCALE}
            if image_format == "svg":  # at the chart's own size, as the app draws it
                layout = spec.get("layout", {})
                opts = {
                    "format": "svg",
                    "width": layout.get("width") or WIDTH,
                    "height": layout.get("height") or HEIGHT,
                }
            image = await renderer.calc_fig(spec, opts=opts)
            data = image.encode() if isinstance(image, str) else image
            (out / f"{name}.{image_format}").write_bytes(data)


def _children(pid: int) -> list[int]:
    """Processes whose parent is `pid` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:  # the process ended while we looked
            continue
        if fields and int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _stop_browsers(_signum: int = 0, _frame: object = None) -> None:
    """Ask the browser wrappers this process started to end their Chromium, then exit."""
    for child in _children(os.getpid()):
        with contextlib.suppress(ProcessLookupError):
            os.kill(child, signal.SIGTERM)  # choreographer's wrapper then ends Chromium
    os._exit(3)


def _child_main() -> None:
    """Render the figures of the JSON spec on stdin into image files (in its own process)."""
    signal.signal(signal.SIGTERM, _stop_browsers)
    spec = json.loads(sys.stdin.read())
    try:
        asyncio.run(
            _render(spec["figures"], spec["browser"], Path(spec["out"]), spec.get("format", "png"))
        )
    except browser_failures() as err:
        print(f"{type(err).__name__}: {err}", file=sys.stderr)
        _stop_browsers()


def render_pngs(
    figures: Mapping[str, go.Figure],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    progress: ProgressFn | None = None,
) -> dict[str, bytes]:
    """Render each named figure as a PNG; ImagesUnavailable when that cannot be done in time.

    Kaleido runs in a child process: on a timeout it is told to end its browser and, failing
    that, killed, so neither a stuck browser nor its process outlives the call.
    """
    return render_images(figures, "png", timeout=timeout, progress=progress)


def render_svg(figure: go.Figure, *, timeout: float = SVG_TIMEOUT) -> bytes:
    """Render one figure as an SVG document (at its own size, else 1200 x 640), in bounded time.

    The same child process and limits as `render_pngs`: ImagesUnavailable with the reason
    when no browser is found, it fails, or it does not finish within `timeout` seconds.
    """
    return render_images({"chart": figure}, "svg", timeout=timeout)["chart"]


def unavailable_svg(reason: str) -> bytes:
    """A small SVG document saying, in words, why the chart's image could not be rendered."""
    lines = [
        "Chart image unavailable:",
        *textwrap.wrap(reason, 70, break_long_words=False, break_on_hyphens=False),
    ]
    texts = "".join(
        f'<text x="24" y="{40 + 26 * i}">{html.escape(line)}</text>' for i, line in enumerate(lines)
    )
    height = 40 + 26 * len(lines)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="640" height="{height}" '
        f'font-family="sans-serif" font-size="16"><rect width="100%" height="100%" '
        f'fill="#ffffff"/>{texts}</svg>'
    ).encode()


def render_images(
    figures: Mapping[str, go.Figure],
    image_format: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    progress: ProgressFn | None = None,
) -> dict[str, bytes]:
    """Render each named figure as `image_format` (png or svg) bytes, under one time limit."""
    if image_format not in FORMATS:
        raise ValueError(f"chart images: format {image_format!r} is not one of {FORMATS}")
    if not figures:
        return {}
    browser = find_browser()
    if progress is not None:
        progress(0.0, f"rendering {len(figures)} chart images")
    with tempfile.TemporaryDirectory(prefix="journey-images-") as folder:
        spec = {
            "browser": str(browser),
            "out": folder,
            "format": image_format,
            "figures": {name: figure.to_json() for name, figure in figures.items()},
        }
        child = subprocess.Popen(
            [sys.executable, "-m", "journey.present.images"],
            env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *_python_path()])},
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            _, err = child.communicate(json.dumps(spec).encode(), timeout=timeout)
        except subprocess.TimeoutExpired as expired:
            _end(child)
            raise ImagesUnavailable(
                f"chart images: {browser} did not render {len(figures)} charts within "
                f"{timeout:.0f} s"
            ) from expired
        if child.returncode != 0:
            reason = err.decode(errors="replace").strip().splitlines()
            raise ImagesUnavailable(
                f"chart images: {browser} failed: {reason[-1] if reason else child.returncode}"
            )
        images = {name: (Path(folder) / f"{name}.{image_format}").read_bytes() for name in figures}
    if progress is not None:
        progress(1.0, "chart images done")
    return images


def _python_path() -> list[str]:
    return [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]


def _end(child: subprocess.Popen) -> None:
    """Stop a render process: SIGTERM (it ends its browsers), then SIGKILL after 10 s."""
    child.terminate()
    try:
        child.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()


if __name__ == "__main__":
    _child_main()
