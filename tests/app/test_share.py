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
    caption = html.unescape(app.main.caption[0].value)  # the scope line, in Polish too
    assert "2025-02-01 do 2025-03-31; kanały: Email, Paid Search; zespoły: marketing" in caption


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


def test_attribution_link_restores_its_settings_and_the_attribute_filter():
    params = {
        "dataset": "Sample data",
        "models": "markov,first",
        "level": "channel",
        "window": "14",
        "exclude": "TV",
        "show": "conversions",
        "attribute": "segment",
        "attribute_values": "SMB,Enterprise",
    }
    app = opened("views/attribution.py", params)
    assert app.multiselect(key="attribution_models").value == ["markov", "first"]
    assert app.number_input(key="attribution_window").value == 14
    assert app.multiselect(key="attribution_exclude_channels").value == ["TV"]
    assert app.radio(key="attribution_value").value == "conversions"
    assert app.selectbox(key="frame_attribute").value == "segment"
    assert app.multiselect(key="frame_attribute_values").value == ["SMB", "Enterprise"]
    assert not app.toast
    written = url(app)
    assert {k: written[k] for k in params} == params


def test_metrics_link_restores_dates_lists_and_choices():
    params = {
        "range": "2025-02-01,2025-04-30",
        "grain": "month",
        "window": "7",
        "qualify_by": "event_type",
        "qualifying": "sign_up,checkout",
        "metric": "contacts",
    }
    app = opened("views/metrics.py", params)
    assert app.date_input(key="metrics_range").value == (date(2025, 2, 1), date(2025, 4, 30))
    assert app.radio(key="metrics_granularity").value == "month"
    assert app.number_input(key="metrics_window").value == 7
    assert app.multiselect(key="metrics_qualifying_event_type").value == ["sign_up", "checkout"]
    assert app.selectbox(key="metrics_value").value == "contacts"
    assert not app.toast
    written = url(app)
    assert {k: written[k] for k in params} == params
    app.radio(key="metrics_granularity").set_value("day").run()
    assert url(app)["grain"] == "day"


def test_funnel_customer_and_next_best_action_links_restore_their_settings():
    app = opened("views/funnels.py", {"by": "event_type", "stages": "visit,add_to_cart,purchase"})
    assert app.radio(key="funnels_by").value == "event_type"
    assert app.multiselect(key="funnels_stages_event_type").value == [
        "visit",
        "add_to_cart",
        "purchase",
    ]
    assert url(app)["stages"] == "visit,add_to_cart,purchase"
    app = opened("views/customer.py", {"customer": "C00304"})
    assert app.text_input(key="customer_search").value == "C00304"
    assert url(app)["customer"] == "C00304"
    app = opened(
        "views/next_best_action.py", {"cutoff": "2025-07-01", "horizon": "14", "model": "logistic"}
    )
    assert app.date_input(key="nba_cutoff").value == date(2025, 7, 1)
    assert app.number_input(key="nba_horizon").value == 14
    assert app.radio(key="nba_kind").value == "logistic"
    assert {k: url(app)[k] for k in ("cutoff", "horizon", "model")} == {
        "cutoff": "2025-07-01",
        "horizon": "14",
        "model": "logistic",
    }


def test_bad_page_settings_fall_back_to_the_widgets_defaults_with_a_notice():
    params = {
        "range": "2025-04-30,2025-02-01",
        "grain": "year",
        "qualifying": "sign_up,teleport",
        "attribute": "shoe_size",
    }
    app = opened("views/metrics.py", params)
    assert not app.error
    assert app.date_input(key="metrics_range").value == (date(2025, 1, 1), date(2025, 7, 31))
    assert app.radio(key="metrics_granularity").value == "week"
    assert app.multiselect(key="metrics_qualifying_event_type").value == ["sign_up"]
    assert app.selectbox(key="frame_attribute").value == "—"
    notices = html.unescape(" ".join(toast.value for toast in app.toast))
    for part in ("range='2025-04-30,2025-02-01'", "grain='year'", "teleport", "'shoe_size'"):
        assert part in notices
    written = url(app)
    assert written["grain"] == "week"
    assert "attribute" not in written


def test_widget_values_of_every_kind_survive_the_url_text():
    from ui.share import PAGE_SETTINGS

    by_kind = {item.setting.kind: item for settings in PAGE_SETTINGS.values() for item in settings}
    values = {
        "bool": False,
        "int": 14,
        "choice": "touchpoint",
        "list": ["Web, mobile", "a\\b"],
        "date": date(2025, 7, 1),
        "dates": (date(2025, 2, 1), date(2025, 4, 30)),
        "text": "C00304",
    }
    assert set(by_kind) == set(values)  # every kind a page uses is covered here
    for kind, value in values.items():
        item = by_kind[kind]
        text = item.to_text(value)
        assert text is not None
        assert item.from_text(text) == value
    assert by_kind["list"].to_text([]) is None  # an empty pick: the widget's default
    assert by_kind["dates"].to_text((date(2025, 2, 1),)) is None  # a half-picked range
