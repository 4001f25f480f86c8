"""Every view renders through app.py on the sample data, with and without filters."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.shown import shown
from ui.nav import PAGES, PageSpec
from ui.state import Key


def _errors(app: AppTest) -> list[str]:
    return [e.value for e in app.error] + [str(e.value) for e in app.exception]


@pytest.mark.parametrize("spec", PAGES, ids=lambda s: s.url_path)
def test_every_view_renders(app: AppTest, spec: PageSpec):
    app.switch_page(spec.path).run()
    assert _errors(app) == []
    assert app.caption[0].value.startswith("Sample data:")


@pytest.mark.parametrize("spec", PAGES, ids=lambda s: s.url_path)
def test_every_view_renders_with_a_channel_filter(app: AppTest, spec: PageSpec):
    app.multiselect(key=Key.CHANNELS).set_value(["Email", "Web", "Paid Search"]).run()
    app.switch_page(spec.path).run()
    assert _errors(app) == []
    caption = shown(app.caption[0].value)
    assert "channels: Email, Web, Paid Search" in caption


def test_filter_keeps_its_value_across_pages(app: AppTest):
    app.multiselect(key=Key.CHANNELS).set_value(["Email"]).run()
    app.switch_page("views/data.py").run()
    app.switch_page("views/home.py").run()
    assert app.multiselect(key=Key.CHANNELS).value == ["Email"]


def test_overview_counts_follow_the_filter(app: AppTest):
    total = app.metric[0].value
    app.multiselect(key=Key.CHANNELS).set_value(["Store"]).run()
    assert app.metric[0].value != total


def test_language_switch_translates_the_frame(app: AppTest):
    app.selectbox(key=Key.LANGUAGE).set_value("pl").run()
    assert app.sidebar.subheader[0].value == "Filtry"
    app.selectbox(key=Key.LANGUAGE).set_value("id").run()
    assert app.sidebar.subheader[0].value == "Filter"
