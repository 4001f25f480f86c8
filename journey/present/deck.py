"""The report as a PPTX deck (python-pptx).

One chart per slide with its caption and sentences, key figures as native text and tables
as native tables.
Chart pictures come from `journey.present.images` (kaleido); a chart without a picture gets
its section's first table as a native table, or a text box saying the image is unavailable
and why, so a deck is still produced on a machine without a browser.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

from pptx import Presentation
from pptx.presentation import Presentation as PresentationType
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from journey.present.content import Chart, ReportContent, Section, Table

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
MAX_TABLE_ROWS = 12
BLANK_LAYOUT = 6  # "Blank" in python-pptx's default template
TITLE_LAYOUT = 0  # "Title Slide"


def _text_box(
    slide: Slide, text: str, top: Emu, height: Emu, size: int = 16, bold: bool = False
) -> None:
    """A text box across the slide (plain text: user strings are never markup here)."""
    box = slide.shapes.add_textbox(MARGIN, top, WIDTH - 2 * MARGIN, height)
    frame = box.text_frame
    frame.word_wrap = True
    for i, line in enumerate(text.split("\n")):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.text = line
        paragraph.font.size = Pt(size)
        paragraph.font.bold = bold


def _slide(deck: PresentationType, title: str) -> Slide:
    """A blank slide with a title text box at the top."""
    slide = deck.slides.add_slide(deck.slide_layouts[BLANK_LAYOUT])
    _text_box(slide, title, Inches(0.3), Inches(0.8), size=28, bold=True)
    return slide


def _table(slide: Slide, table: Table, top: Emu, height: Emu) -> None:
    """A native table of the frame's first MAX_TABLE_ROWS rows, header in bold."""
    frame = table.frame.head(MAX_TABLE_ROWS)
    rows, cols = len(frame) + 1, max(1, len(frame.columns))
    shape = slide.shapes.add_table(rows, cols, MARGIN, top, WIDTH - 2 * MARGIN, height)
    grid = shape.table
    for j, column in enumerate(frame.columns):
        grid.cell(0, j).text = str(column)
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        for j, value in enumerate(row):
            grid.cell(i, j).text = str(value)
    for cell in (grid.cell(i, j) for i in range(rows) for j in range(cols)):
        for paragraph in cell.text_frame.paragraphs:
            paragraph.font.size = Pt(12)


def _title_slide(deck: PresentationType, content: ReportContent) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_LAYOUT])
    slide.shapes.title.text = content.title
    filters = "; ".join(content.filters) if content.filters else "none (all data)"
    slide.placeholders[
        1
    ].text = f"Dataset: {content.dataset}\nFilters: {filters}\nGenerated {content.generated}"


def _key_figures_slide(deck: PresentationType, content: ReportContent) -> None:
    slide = _slide(deck, "Key figures")
    per_row = 4
    box_w = (WIDTH - 2 * MARGIN) // per_row
    for i, figure in enumerate(content.key_figures):
        left = MARGIN + box_w * (i % per_row)
        top = Inches(1.2) + Inches(1.1) * (i // per_row)
        box = slide.shapes.add_textbox(left, top, box_w - Inches(0.1), Inches(1.0))
        frame = box.text_frame
        frame.word_wrap = True
        frame.paragraphs[0].text = figure.label
        frame.paragraphs[0].font.size = Pt(12)
        value = frame.add_paragraph()
        value.text = figure.value
        value.font.size = Pt(22)
        value.font.bold = True
    rows = (len(content.key_figures) + per_row - 1) // per_row
    top = Inches(1.3) + Inches(1.1) * rows
    _text_box(slide, "\n".join(content.summary), top, HEIGHT - top - MARGIN, size=13)


def _chart_slide(
    deck: PresentationType,
    section: Section,
    chart: Chart,
    picture: bytes | None,
    image_error: str,
) -> None:
    slide = _slide(deck, chart.title)
    top, height = Inches(1.1), Inches(4.6)
    if picture is not None:
        # kaleido renders at 1200 x 640: keep the aspect ratio inside the box
        width = min(WIDTH - 2 * MARGIN, int(height * 1200 / 640))
        slide.shapes.add_picture(io.BytesIO(picture), (WIDTH - width) // 2, top, width=width)
    elif section.tables:
        rows = min(len(section.tables[0].frame), MAX_TABLE_ROWS) + 1  # _table cuts the rest
        _table(slide, section.tables[0], top, Inches(0.3) * rows)
    else:
        _text_box(slide, f"Chart image unavailable: {image_error}", top, Inches(1), size=16)
    text = "\n".join([chart.caption, *section.sentences[:2]]).strip()
    _text_box(slide, text, Inches(5.85), Inches(1.4), size=13)


def _section_slides(
    deck: PresentationType, section: Section, images: Mapping[str, bytes], image_error: str
) -> None:
    if not section.charts:
        slide = _slide(deck, section.title)
        _text_box(slide, "\n".join(section.sentences), Inches(1.1), Inches(1.6), size=15)
        if section.tables:
            table = section.tables[0]
            _table(slide, table, Inches(2.9), Inches(0.3) * (len(table.frame.head(12)) + 1))
        return
    for chart in section.charts:
        _chart_slide(deck, section, chart, images.get(chart.name), image_error)
    for table in section.tables:
        slide = _slide(deck, table.title)
        _table(slide, table, Inches(1.2), Inches(0.35) * (len(table.frame.head(12)) + 1))


def build_deck(
    content: ReportContent,
    images: Mapping[str, bytes] | None = None,
    image_error: str = "no chart images were rendered",
) -> bytes:
    """The deck as PPTX bytes: title, key figures, key tables, then each section's slides."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    _title_slide(deck, content)
    _key_figures_slide(deck, content)
    for table in content.key_tables:
        slide = _slide(deck, table.title)
        _table(slide, table, Inches(1.2), Inches(0.35) * (len(table.frame.head(12)) + 1))
    for section in content.sections:
        _section_slides(deck, section, images or {}, image_error)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()
