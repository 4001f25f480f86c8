"""Shareable links through app.py: the URL restores the view, and the view writes the URL."""

from __future__ import annotations

import html
from datetime import date

from streamlit.testing.v1 import AppTest

from tests.app.conftest import ROOT, TIMEOUT


def opened(page: str, params: dict[str, str]) -> AppTest:
    """A session given a link to `page`, run on it (the first run resolves the page paths)."""
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    app.run()
    app.switch_page(page)
    app.query_params.clear()
    for name, value in params.items():
        app.query_params[name] = value
    app.run()
    assert not app.exception, app.exception
    return app


def url(app: AppTest) -> dict[str, str]:
    """The query string the app wrote, one value per parameter."""
    return {k: v[0] if isinstance(v, list) else v for k, v in app.query_params.items()}


def test_a_link_restores_filters_language_and_page_settings():
    params = {
        "dataset": "Sample data",
        "from": "2025-02-01",
        "to": "2025-03-31",
        "channels": "Email,Paid Search",
        "teams": "marketing",
        "lang": "pl",
        "level": "touchpoint",
        "steps": "6",
        "top": "5",
    }
    app = opened("views/journey_map.py", params)
    assert app.date_input(key="frame_date_range").value == (date(2025, 2, 1), date(2025, 3, 31))
    assert app.multiselect(key="frame_channels").value == ["Email", "Paid Search"]
    assert app.multiselect(key="frame_teams").value == ["marketing"]
    assert app.selectbox(key="frame_language").value == "pl"
    assert app.selectbox(key="journey_map_level").value == "touchpoint"
    assert app.slider(key="journey_map_steps").value == 6
    assert app.number_input(key="journey_map_top_k").value == 5
    assert not app.toast
    written = url(app)
    assert {k: written[k] for k in params} == params  # the view writes the same link back
    assert app.main.title[0].value == "Mapa ścieżek"  # the page in the link's language


def test_changing_a_setting_updates_the_url():
    app = opened("views/journey_map.py", {})
    assert url(app)["level"] == "channel"  # the default, as the widget holds it
    app.selectbox(key="journey_map_level").set_value("phase").run()
    app.multiselect(key="frame_channels").set_value(["Web"]).run()
    written = url(app)
    assert written["level"] == "phase"
    assert written["channels"] == "Web"
    assert written["dataset"] == "Sample data"


def test_stale_and_bad_values_fall_back_with_a_notice():
    params = {
        "dataset": "Gone",
        "from": "2025-02-30",
        "channels": "Email,Fax",
        "lang": "de",
        "steps": "99",
    }
    app = opened("views/journey_map.py", params)
    assert not app.error
    assert app.multiselect(key="frame_channels").value == ["Email"]
    assert app.selectbox(key="frame_language").value == "en"
    assert app.slider(key="journey_map_steps").value == 5
    notices = html.unescape(" ".join(toast.value for toast in app.toast))
    for part in ("'Gone'", "from='2025-02-30'", "Fax", "lang='de'", "steps=99"):
        assert part in notices
    written = url(app)
    assert written["dataset"] == "Sample data"
    assert written["channels"] == "Email"
    assert "from" not in written
    assert "lang" not in written


def test_presentation_mode_steps_through_the_sections():
    app = opened("views/report.py", {"present": "1", "section": "2"})
    assert app.toggle(key="report_present").value is True
    assert "report_sections" not in [m.key for m in app.get("multiselect")]  # controls hidden
    assert url(app)["section"] == "2"
    first = app.main.header[0].value
    app.button(key="present_next").click().run()
    assert url(app)["section"] == "3"
    assert app.main.header[0].value != first
    app.button(key="present_previous").click().run()
    app.button(key="present_previous").click().run()
    assert url(app)["section"] == "1"
    assert app.button(key="present_previous").disabled
    app.toggle(key="report_present").set_value(False).run()
    assert "present" not in url(app)
    assert app.multiselect(key="report_sections").value
