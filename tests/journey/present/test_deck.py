"""The PPTX deck: slides, native text and tables, chart pictures from kaleido."""

from __future__ import annotations

import io

import plotly.graph_objects as go
import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from journey.present import content, deck, images

from .conftest import EVIL_ACTION

TITLES = [
    "Key figures",
    "Top journeys",
    "Best and worst channel per model",
    "Step flows by channel, first 5 steps",
    "Top journeys",
    "Flows between phases by channel",
    "Customers per phase",
    "Network map",
    "Funnel",
    "Biggest drop-off points",
    "Funnel",
    "Share of conversions by channel under each model",
    "Best and worst channel per model",
    "Customer sentiment by touchpoint",
    "Sentiment drivers",
    "Next best action per customer at the cut-off 2025-03-13",
    "Next best action mix",
    "Value x propensity",
]


def slide_titles(presentation) -> list[str]:
    """The first text of every slide after the title slide."""
    return [
        next(s for s in slide.shapes if s.has_text_frame).text_frame.text
        for slide in list(presentation.slides)[1:]
    ]


def shapes_of(presentation, kind) -> int:
    return sum(s.shape_type == kind for slide in presentation.slides for s in slide.shapes)


@pytest.fixture(scope="module")
def pictures(small_report: content.ReportContent) -> dict[str, bytes]:
    try:
        return images.render_pngs(small_report.charts(), timeout=180)
    except images.ImagesUnavailable as err:
        pytest.skip(f"kaleido cannot render here: {err}")


def test_deck_with_pictures_has_one_chart_per_slide(small_report, pictures):
    assert set(pictures) == set(small_report.charts())
    assert all(png.startswith(b"\x89PNG\r\n\x1a\n") for png in pictures.values())
    presentation = Presentation(io.BytesIO(deck.build_deck(small_report, pictures)))
    assert len(presentation.slides) == 1 + len(TITLES)
    assert slide_titles(presentation) == TITLES
    assert shapes_of(presentation, MSO_SHAPE_TYPE.PICTURE) == 7
    # key tables (2) + a table per section (6) + the next best action's two
    assert shapes_of(presentation, MSO_SHAPE_TYPE.TABLE) == 10


def test_title_and_key_figures_are_native_text(small_report):
    presentation = Presentation(io.BytesIO(deck.build_deck(small_report, {})))
    title = presentation.slides[0]
    assert title.shapes.title.text == "Customer journey report"
    assert "Dataset: <script>alert('name')</script>.csv" in title.placeholders[1].text
    texts = [s.text_frame.text for s in presentation.slides[1].shapes if s.has_text_frame]
    assert "Customers\n12" in texts
    assert "Conversions\n5" in texts


def test_deck_without_pictures_falls_back_to_tables_or_a_note(small_report):
    data = deck.build_deck(small_report, {}, "chart images: no Chromium found")
    presentation = Presentation(io.BytesIO(data))
    assert shapes_of(presentation, MSO_SHAPE_TYPE.PICTURE) == 0
    # each of the seven charts' slides holds its section's first table instead
    assert shapes_of(presentation, MSO_SHAPE_TYPE.TABLE) == 10 + 7
    top_journeys = presentation.slides[4]
    grid = next(s for s in top_journeys.shapes if s.has_table).table
    assert [grid.cell(0, j).text for j in range(4)] == [
        "path",
        "customers",
        "share",
        "conversion_rate",
    ]


def test_next_best_action_mix_is_a_native_table_with_the_names_as_text(small_report):
    presentation = Presentation(io.BytesIO(deck.build_deck(small_report, {})))
    slide = presentation.slides[1 + slide_titles(presentation).index("Next best action mix")]
    grid = next(s for s in slide.shapes if s.has_table).table
    assert [grid.cell(0, j).text for j in range(5)] == [
        "rule",
        "action",
        "channel",
        "customers",
        "share",
    ]
    actions = [grid.cell(i, 1).text for i in range(1, len(grid.rows))]
    assert EVIL_ACTION in actions  # plain text in a cell: never markup in a deck


def test_a_chart_without_picture_or_table_says_why(small_report):
    section = content.Section(
        key="funnel",
        title="Funnel",
        charts=(small_report.sections[3].charts[0],),
    )
    bare = content.ReportContent(
        title="t",
        dataset="d",
        filters=(),
        generated="now",
        key_figures=(),
        summary=(),
        sections=(section,),
    )
    presentation = Presentation(io.BytesIO(deck.build_deck(bare, {}, "no browser here")))
    texts = [s.text_frame.text for s in presentation.slides[2].shapes if s.has_text_frame]
    assert "Chart image unavailable: no browser here" in texts


def test_missing_browser_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("JOURNEY_CHROMIUM", "/nonexistent/chromium")
    with pytest.raises(images.ImagesUnavailable, match="JOURNEY_CHROMIUM=/nonexistent/chromium"):
        images.render_pngs({"x": object()})  # type: ignore[dict-item]


def test_a_browser_that_never_answers_times_out(monkeypatch, tmp_path):
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\nexec sleep 600\n")  # starts, then never speaks
    fake.chmod(0o755)
    monkeypatch.setenv("JOURNEY_CHROMIUM", str(fake))
    with pytest.raises(images.ImagesUnavailable, match="did not render 1 charts within 15 s"):
        images.render_pngs({"x": go.Figure()}, timeout=15)
