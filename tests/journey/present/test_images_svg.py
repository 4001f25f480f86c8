"""SVG chart images: kaleido on the machine's Chromium, in bounded time, clear when it cannot."""

from __future__ import annotations

from pathlib import Path

import plotly.graph_objects as go
import pytest

from journey.present import images

CHROMIUM = Path(images.DEBIAN_CHROMIUM)


def bar_figure() -> go.Figure:
    figure = go.Figure(go.Bar(x=["Email", "Web & mobile"], y=[3, 5], name="visits"))
    figure.update_layout(title="Visits by channel", width=640, height=400)
    return figure


@pytest.mark.skipif(not CHROMIUM.is_file(), reason="no /usr/bin/chromium for kaleido")
def test_an_svg_render_is_an_svg_document_of_the_figure(monkeypatch):
    monkeypatch.setenv("JOURNEY_CHROMIUM", str(CHROMIUM))
    svg = images.render_svg(bar_figure(), timeout=120).decode()
    assert svg.lstrip().startswith("<svg")
    assert 'width="640"' in svg  # at the figure's own size
    assert 'height="400"' in svg
    assert "Visits by channel" in svg
    assert "Web &amp; mobile" in svg  # data text escaped in the document
    assert svg.rstrip().endswith("</svg>")


def test_an_svg_without_a_browser_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("JOURNEY_CHROMIUM", "/nonexistent/chromium")
    with pytest.raises(images.ImagesUnavailable, match="JOURNEY_CHROMIUM=/nonexistent/chromium"):
        images.render_svg(bar_figure())


def test_an_svg_from_a_browser_that_never_answers_times_out(monkeypatch, tmp_path):
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\nexec sleep 600\n")
    fake.chmod(0o755)
    monkeypatch.setenv("JOURNEY_CHROMIUM", str(fake))
    with pytest.raises(images.ImagesUnavailable, match="did not render 1 charts within 10 s"):
        images.render_svg(bar_figure(), timeout=10)


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="'gif'"):
        images.render_images({"x": bar_figure()}, "gif")
