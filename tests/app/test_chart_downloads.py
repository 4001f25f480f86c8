"""Every plotly chart in the app has an SVG download, named after the chart, drawn on click."""

from __future__ import annotations

from pathlib import Path

import plotly.graph_objects as go
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import app_test

from journey.present import images
from tests.app.test_share import opened
from ui import widgets

FUNNEL_CHARTS = [
    "funnel.svg",
    "funnel_dropoff_next_step.svg",
    "biggest_dropoffs.svg",
    "converter_overrepresentation.svg",
]


@pytest.fixture
def managers(monkeypatch) -> list[MediaFileManager]:
    """The media file managers AppTest runs make (they hold the deferred downloads)."""
    made: list[MediaFileManager] = []

    class Recording(MediaFileManager):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(app_test, "MediaFileManager", Recording)
    return made


def svg_buttons(app):
    return [b for b in app.get("download_button") if b.proto.label == "SVG"]


def test_each_funnel_chart_has_an_svg_download_named_after_it(managers, monkeypatch):
    if not Path(images.DEBIAN_CHROMIUM).is_file():
        pytest.skip("no /usr/bin/chromium for kaleido")
    monkeypatch.setenv("JOURNEY_CHROMIUM", images.DEBIAN_CHROMIUM)
    app = opened("views/funnels.py", {})
    buttons = svg_buttons(app)
    assert [b.proto.id.rsplit("-", 1)[-1] for b in buttons] == [
        "funnels_chart_svg",
        "funnels_next_chart_svg",
        "funnels_dropoff_chart_svg",
        "funnels_over_chart_svg",
    ]
    assert not any(b.proto.disabled for b in buttons)
    deferred = managers[-1]._deferred_callables
    entries = [deferred[b.proto.deferred_file_id] for b in buttons]
    assert [e["filename"] for e in entries] == FUNNEL_CHARTS
    assert {e["mimetype"] for e in entries} == {"image/svg+xml"}
    svg = entries[0]["callable"]()  # what a click runs
    assert svg.lstrip().startswith(b"<svg")
    assert b"Order placed" in svg  # the funnel's last stage, drawn in the image


def test_without_a_browser_the_svg_buttons_are_off_and_say_why(managers, monkeypatch):
    monkeypatch.setenv("JOURNEY_CHROMIUM", "/nonexistent/chromium")
    app = opened("views/funnels.py", {})
    buttons = svg_buttons(app)
    assert len(buttons) == len(FUNNEL_CHARTS)
    assert all(b.proto.disabled for b in buttons)
    assert all("JOURNEY_CHROMIUM=/nonexistent/chromium" in b.proto.help for b in buttons)
    assert not app.exception


def test_a_failed_render_on_click_gives_an_image_saying_why(monkeypatch, tmp_path):
    broken = tmp_path / "chromium"
    broken.write_text("#!/bin/sh\nexit 1\n")  # a browser that dies at once
    broken.chmod(0o755)
    monkeypatch.setenv("JOURNEY_CHROMIUM", str(broken))
    svg = widgets._svg_bytes(go.Figure(go.Bar(x=["a"], y=[1])), "chart").decode()
    assert svg.startswith("<svg")
    assert "Chart image unavailable:" in svg
    assert str(broken) in svg


def test_a_notice_image_escapes_its_reason():
    svg = images.unavailable_svg("no <browser> & no luck").decode()
    assert "no &lt;browser&gt; &amp; no luck" in svg
    assert "<browser>" not in svg
