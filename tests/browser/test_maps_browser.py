"""What only a browser shows: Sankey and network draw offline; names show as plain text."""

from __future__ import annotations

import pandas as pd
import pytest

from journey.viz.charts import build_dropoff_bars
from journey.viz.network import build_network
from journey.viz.sankey import build_sankey
from tests.browser.conftest import wait_for_app

pytestmark = pytest.mark.browser

XSS = "<img src=x onerror=alert(1)>"
# True once vis has drawn on the network canvas: some pixel is not blank.
CANVAS_DRAWN = """() => {
    const c = document.querySelector('#mynetwork canvas');
    if (!c || c.width === 0 || c.height === 0) return false;
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < d.length; i += 4) { if (d[i] !== 0) return true; }
    return false;
}"""
# True once the drawn view (scale, centre) has stayed the same for five animation frames:
# after the first drawing the page frames the nodes (network.fit), which moves them on screen.
VIEW_SETTLED = (
    """() => {
    const drawn = ("""
    + CANVAS_DRAWN
    + """)();
    const net = window.journeyNetwork;
    const view = JSON.stringify([net.getScale(), net.getViewPosition()]);
    const same = drawn && window.__lastView === view;
    window.__lastView = view;
    window.__sameFrames = same ? (window.__sameFrames || 0) + 1 : 0;
    return window.__sameFrames >= 5;
}"""
)


def test_journey_map_draws_sankey_nodes_and_links(server, page, outside_requests):
    page.goto(f"{server}/journey-map")
    wait_for_app(page)
    chart = page.locator("[data-testid='stPlotlyChart']").first
    chart.locator("g.sankey-node").first.wait_for(timeout=60_000)
    assert chart.locator("g.sankey-node").count() > 0
    assert chart.locator("path.sankey-link").count() > 0
    # the phase Sankey below it draws too
    phases = page.locator("[data-testid='stPlotlyChart']").nth(1)
    phases.locator("g.sankey-node").first.wait_for(timeout=60_000)
    assert page.locator("[data-testid='stException']").count() == 0
    assert outside_requests == []


def test_network_canvas_draws_offline_and_downloads(server, page, outside_requests):
    page.goto(f"{server}/network")
    wait_for_app(page)
    shell = page.frame_locator('iframe[title="st.iframe"]')
    # the network page runs one frame deeper, sandboxed to scripts: no same-origin
    sandbox = shell.locator("iframe").get_attribute("sandbox", timeout=60_000)
    assert sandbox is not None
    assert "allow-scripts" in sandbox.split()
    assert "allow-same-origin" not in sandbox.split()
    canvas = shell.frame_locator("iframe").locator("#mynetwork canvas")
    canvas.wait_for(state="visible", timeout=60_000)
    inner = next(f for f in page.frames if f.parent_frame not in (None, page.main_frame))
    inner.wait_for_function("() => window.journeyNetwork !== undefined", timeout=60_000)
    assert inner.evaluate("() => window.journeyNetwork.body.data.nodes.length") > 0
    # vis draws on a later animation frame than the one that made the network: wait for a
    # pixel that is not blank (a blank canvas for 60 s fails)
    inner.wait_for_function(CANVAS_DRAWN, timeout=60_000)
    # its origin is opaque: it cannot reach the app's document
    assert inner.evaluate("() => window.origin") == "null"
    reach = inner.evaluate(
        """() => { try { return String(window.top.document.title); }
                   catch (e) { return e.name; } }"""
    )
    assert reach == "SecurityError"
    with page.expect_download() as info:
        page.get_by_role("button", name="Download HTML").click()
    saved = info.value.path().read_text(encoding="utf-8")
    assert saved.startswith("<!DOCTYPE html>")
    assert 'id="mynetwork"' in saved
    assert page.locator("[data-testid='stException']").count() == 0
    assert outside_requests == []


def test_network_tooltip_shows_markup_as_text(page, outside_requests):
    transitions = pd.DataFrame(
        {"source": [XSS], "target": ["Checkout"], "count": [3], "customers": [3]}
    )
    stats = pd.DataFrame(
        {
            "node": [XSS, "Checkout"],
            "volume": [3, 3],
            "customers": [3, 3],
            "dominant_phase": ["awareness", "onboarding"],
            "conversion_rate_after": [0.5, 1.0],
        }
    )
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.set_content(build_network(transitions, stats, physics=False))
    page.wait_for_function("() => window.journeyNetwork !== undefined")
    page.wait_for_function(
        "() => document.getElementById('status') === null"
        " || document.getElementById('status').style.display === 'none'"
    )
    # the node's screen position is only final once the first drawing has been framed
    page.wait_for_function(VIEW_SETTLED, timeout=60_000)
    point = page.evaluate(
        """(id) => {
            const net = window.journeyNetwork;
            const box = document.getElementById('mynetwork').getBoundingClientRect();
            const dom = net.canvasToDOM(net.getPositions([id])[id]);
            return {x: box.left + dom.x, y: box.top + dom.y};
        }""",
        XSS,
    )
    page.mouse.move(point["x"] - 40, point["y"] - 40)
    page.mouse.move(point["x"], point["y"], steps=5)
    tooltip = page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible", timeout=10_000)
    assert tooltip.inner_text().splitlines()[0] == XSS
    assert page.locator("img").count() == 0
    assert dialogs == []
    assert outside_requests == []


QUOTED = 'Say "hi" & <b>bye</b>'
LONG = "Spring campaign landing page " + "x" * 271


def test_chart_names_show_once_escaped_and_long_ones_cut(page, outside_requests):
    dropoffs = pd.DataFrame(
        {
            "node": [QUOTED, LONG],
            "reached": [4, 2],
            "ended_here": [2, 1],
            "dropoff_rate": [0.5, 0.5],
        }
    )
    steps = pd.DataFrame({"step": [1], "source": [QUOTED], "target": [LONG], "count": [3]})
    bars = build_dropoff_bars(dropoffs).to_html(include_plotlyjs=True, full_html=False)
    flows = build_sankey(steps).to_html(include_plotlyjs=False, full_html=False)
    page.set_content(f"<!DOCTYPE html><html><body>{bars}{flows}</body></html>")
    page.locator("g.ytick text").first.wait_for(timeout=30_000)
    page.locator("g.sankey-node text").first.wait_for(timeout=30_000)
    ticks = page.locator("g.ytick text").all_text_contents()
    assert ticks == [QUOTED, "Spring campaign landing page xxxxxxxxxx…"]
    nodes = page.locator("g.sankey-node text").all_text_contents()
    assert QUOTED in nodes
    assert "Spring campaign landing page xxxxxxxxxx…" in nodes
    assert page.locator("text b, tspan[style*='bold']").count() == 0  # no markup from names
    # the hover names the whole, quoted touchpoint
    bar = page.locator("g.trace.bars path").first.bounding_box()
    assert bar is not None
    page.mouse.move(bar["x"] + 2, bar["y"] + bar["height"] / 2, steps=3)
    hover = page.locator("g.hovertext text").first
    hover.wait_for(timeout=10_000)
    assert hover.text_content().startswith(f"{QUOTED}2 of 4 customers")
    assert outside_requests == []
