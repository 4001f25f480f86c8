"""Chart images rendered on the server with kaleido, which drives the machine's Chromium.

Kaleido 1.x finds a browser through choreographer; we always hand it an explicit path
(`JOURNEY_CHROMIUM`, then kaleido's documented `BROWSER_PATH`, then `chromium` on PATH), so
it never looks for (or downloads) a browser of its own, and MathJax is switched off so that
its page fetches nothing from a CDN (plotly.js comes from the installed plotly package).
The whole batch runs under one time limit: a missing or stuck browser gives an
`ImagesUnavailable` error with the reason, never a hang.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path

import kaleido
import plotly.graph_objects as go
from choreographer import errors as browser_errors
from kaleido import errors as kaleido_errors

from journey.errors import JourneyError

BROWSER_ENV = ("JOURNEY_CHROMIUM", "BROWSER_PATH")
DEBIAN_CHROMIUM = "/usr/bin/chromium"
DEFAULT_TIMEOUT = 120.0  # seconds for the whole batch, browser start included
WIDTH, HEIGHT, SCALE = 1200, 640, 2

# what choreographer and kaleido raise when the browser cannot start, dies or fails a render
BROWSER_FAILURES = (
    browser_errors.ChromeNotFoundError,
    browser_errors.BrowserFailedError,
    browser_errors.BrowserClosedError,
    browser_errors.BrowserDepsError,
    browser_errors.ChannelClosedError,
    kaleido_errors.KaleidoError,
    kaleido_errors.JavascriptError,
    OSError,
)

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
    figures: Mapping[str, go.Figure], browser: Path, progress: ProgressFn | None
) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    opts = {"format": "png", "width": WIDTH, "height": HEIGHT, "scale": SCALE}
    async with kaleido.Kaleido(path=str(browser), mathjax=False, timeout=60) as renderer:
        for i, (name, figure) in enumerate(figures.items()):
            if progress is not None:
                progress(i / max(1, len(figures)), f"chart image {name}")
            out[name] = await renderer.calc_fig(figure, opts=opts)
    return out


def render_pngs(
    figures: Mapping[str, go.Figure],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    progress: ProgressFn | None = None,
) -> dict[str, bytes]:
    """Render each named figure as a PNG; ImagesUnavailable when that cannot be done in time."""
    if not figures:
        return {}
    browser = find_browser()
    try:
        return asyncio.run(asyncio.wait_for(_render(figures, browser, progress), timeout))
    except TimeoutError as err:
        raise ImagesUnavailable(
            f"chart images: {browser} did not render {len(figures)} charts within {timeout:.0f} s"
        ) from err
    except BROWSER_FAILURES as err:
        raise ImagesUnavailable(f"chart images: {browser} failed: {err}") from err
