"""The report downloads from the app and, opened from disk, draws every chart offline."""

from __future__ import annotations

import pytest

from journey.present import content
from tests.browser.conftest import wait_for_app

pytestmark = pytest.mark.browser

FILE_PREFIXES = ("file:", "data:", "blob:", "about:")
# True once vis has drawn on the network canvas: some pixel is not blank.
CANVAS_DRAWN = """() => {
    const c = document.querySelector('#mynetwork canvas');
    if (!c || c.width === 0 || c.height === 0) return false;
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < d.length; i += 4) { if (d[i] !== 0) return true; }
    return false;
}"""


def test_report_downloads_and_draws_every_chart_offline(server, page, outside_requests, tmp_path):
    page.goto(f"{server}/report")
    wait_for_app(page, timeout=300_000)
    assert page.locator("[data-testid='stException']").count() == 0
    with page.expect_download(timeout=120_000) as info:
        page.get_by_role("button", name="Download the report (HTML)").click()
    report = tmp_path / "journey_report.html"
    info.value.save_as(report)
    assert outside_requests == []

    opened = page.context.new_page()
    left: list[str] = []

    def only_local(route) -> None:
        if route.request.url.startswith(FILE_PREFIXES):
            route.continue_()
        else:
            left.append(route.request.url)
            route.abort()

    opened.route("**/*", only_local)
    opened.goto(report.as_uri())
    n_charts = 7  # every section of the sample: Sankeys, funnel, drop-off ..., action mix
    opened.wait_for_function(
        f"() => document.querySelectorAll('.js-plotly-plot').length === {n_charts}",
        timeout=120_000,
    )
    assert opened.locator(".js-plotly-plot .main-svg").count() >= n_charts
    # both Sankeys drew their nodes (the step map ends in end nodes; the phase map has four
    # columns)
    assert opened.locator("#chart-step_sankey .sankey-node").count() > 5
    assert opened.locator("#chart-phase_sankey .sankey-node").count() > 4
    assert opened.locator("#chart-funnel .funnel, #chart-funnel .trace").count() > 0
    for key in content.SECTIONS:
        assert opened.locator(f"#section-{key}").count() == 1
    # Chromium pauses drawing in frames out of view: show the network before waiting on it
    opened.locator("iframe.network").scroll_into_view_if_needed()
    network = next(f for f in opened.frames if f.parent_frame == opened.main_frame)
    network.wait_for_function(CANVAS_DRAWN, timeout=60_000)
    with opened.expect_download(timeout=60_000) as png:
        opened.frame_locator("iframe.network").locator("#download-png").click()
    assert png.value.suggested_filename == "journey_network.png"
    saved = tmp_path / "network.png"
    png.value.save_as(saved)
    assert saved.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert left == []
    assert outside_requests == []
