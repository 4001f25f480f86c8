"""The Attribution page, driven through app.py on the sample data."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from journey.attribution.models import MODELS
from tests.app.conftest import new_app
from ui.state import Key


@pytest.fixture(scope="module")
def session() -> AppTest:
    """One app session on the Attribution page for the module."""
    app = new_app()
    assert not app.exception, app.exception
    app.switch_page("views/attribution.py").run()
    return app


def problems(app: AppTest) -> list[str]:
    return [e.value for e in app.error] + [str(e.value) for e in app.exception]


def table(app: AppTest):
    return app.dataframe[0].value


def chart_types(app: AppTest) -> list[str]:
    return [json.loads(c.proto.spec)["data"][0]["type"] for c in app.get("plotly_chart")]


def reset(app: AppTest) -> None:
    app.multiselect(key="attribution_models").set_value(list(MODELS))
    app.radio(key="attribution_level").set_value("channel")
    app.number_input(key="attribution_window").set_value(30)
    app.multiselect(key="attribution_exclude_channels").set_value([])
    app.toggle(key="attribution_bootstrap").set_value(False)
    app.slider(key="attribution_position_first").set_value(40)
    app.slider(key="attribution_position_last").set_value(40)
    app.run()


def test_page_renders_every_model_chart_and_table(session: AppTest):
    reset(session)
    assert problems(session) == []
    result = table(session)
    assert list(result.columns) == ["channel", "model", "conversions", "revenue", "share"]
    assert list(dict.fromkeys(result["model"])) == list(MODELS)
    totals = result.groupby("model")["share"].sum()
    assert totals.to_numpy() == pytest.approx([1.0] * len(MODELS))
    # comparison bars, Markov removal effects, transition heatmap (lookback is opt-in)
    assert chart_types(session) == ["bar", "bar", "heatmap"]
    bars = json.loads(session.get("plotly_chart")[0].proto.spec)
    assert len(bars["data"]) == len(MODELS)
    markdown = [m.value for m in session.markdown]
    assert any(m.startswith("**Markov chain**") for m in markdown)
    assert any(m.startswith("- ") and " earns " in m for m in markdown)
    assert any("Shapley value: exact" in c.value for c in session.caption)


def test_choosing_models_and_window_changes_the_result(session: AppTest):
    reset(session)
    before = table(session)
    session.multiselect(key="attribution_models").set_value(["first", "last"]).run()
    assert problems(session) == []
    two = table(session)
    assert list(dict.fromkeys(two["model"])) == ["first", "last"]
    assert chart_types(session) == ["bar"]  # no Markov section
    session.number_input(key="attribution_window").set_value(7).run()
    shorter = table(session)
    first_30 = before[before["model"] == "first"].set_index("channel")["conversions"]
    first_7 = shorter[shorter["model"] == "first"].set_index("channel")["conversions"]
    assert not first_30.reindex(first_7.index).equals(first_7)
    assert first_7.sum() == pytest.approx(first_30.sum())  # conversions are never lost


def test_lookback_comparison_is_opt_in(session: AppTest):
    reset(session)
    assert not session.toggle(key="attribution_lookback").value
    session.toggle(key="attribution_lookback").set_value(True).run()
    assert problems(session) == []
    assert chart_types(session) == ["bar", "bar", "heatmap", "scatter"]
    lines = json.loads(session.get("plotly_chart")[3].proto.spec)["data"]
    assert {x for line in lines for x in line["x"]} == {7, 14, 30, 60, 90}
    session.toggle(key="attribution_lookback").set_value(False).run()


def test_exclusions_and_level_change_the_channels(session: AppTest):
    reset(session)
    session.multiselect(key="attribution_exclude_channels").set_value(["Web"]).run()
    assert problems(session) == []
    assert "Web" not in set(table(session)["channel"])
    session.multiselect(key="attribution_exclude_channels").set_value([]).run()
    session.radio(key="attribution_level").set_value("touchpoint").run()
    assert problems(session) == []
    touchpoints = set(table(session)["channel"])
    assert "Web" not in touchpoints
    assert len(touchpoints) > 12


def test_bootstrap_adds_intervals(session: AppTest):
    reset(session)
    session.multiselect(key="attribution_models").set_value(["first", "markov"])
    session.toggle(key="attribution_bootstrap").set_value(True).run()
    assert problems(session) == []
    result = table(session)
    assert {"share_low", "share_high"} <= set(result.columns)
    assert (result["share_low"] <= result["share"] + 1e-9).all()
    assert (result["share_high"] >= result["share"] - 1e-9).all()
    bars = json.loads(session.get("plotly_chart")[0].proto.spec)
    assert "error_y" in bars["data"][0]
    assert any("bootstrap" in c.value for c in session.caption)


def test_position_weights_over_100_warn_instead_of_failing(session: AppTest):
    reset(session)
    session.slider(key="attribution_position_first").set_value(70)
    session.slider(key="attribution_position_last").set_value(50).run()
    assert problems(session) == []
    assert [w.value for w in session.warning] == [
        "First and last touch together cannot take more than 100%."
    ]
    reset(session)
    assert session.warning.len == 0


def test_page_follows_the_global_channel_filter():
    app = new_app()
    app.multiselect(key=Key.CHANNELS).set_value(["Email", "Web"]).run()
    app.switch_page("views/attribution.py").run()
    assert problems(app) == []
    assert set(table(app)["channel"]) <= {"Email", "Web"}
