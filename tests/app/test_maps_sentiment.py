"""Customer sentiment on the Journey map, the Network map and the Customer timeline."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from journey.viz.palette import SENTIMENT_MIN_N, sentiment_colors
from tests.app.conftest import network_documents, new_app
from tests.app.shown import shown

# The first customer of data/sample/transcripts.csv (a chat on 2025-01-02).
CUSTOMER_WITH_TRANSCRIPTS = "C00073"
NODE_COLUMNS = ["node", "mean_score", "n"]


@pytest.fixture(scope="module")
def session() -> AppTest:
    """One app session for the module (each test resets what it changes)."""
    app = new_app()
    assert not app.exception, app.exception
    return app


def problems(app: AppTest) -> list[str]:
    return [e.value for e in app.error] + [str(e.value) for e in app.exception]


def open_view(app: AppTest, view: str) -> AppTest:
    app.switch_page(f"views/{view}.py").run()
    assert problems(app) == []
    return app


def node_table(app: AppTest):
    """The per-node sentiment table (the only table with columns node, mean_score, n)."""
    (table,) = [d.value for d in app.dataframe if list(d.value.columns) == NODE_COLUMNS]
    return table


def test_journey_map_colours_nodes_by_sentiment(session: AppTest):
    open_view(session, "journey_map")
    (before, _) = (json.loads(c.proto.spec)["data"][0] for c in session.get("plotly_chart"))
    session.toggle(key="journey_map_sentiment").set_value(True).run()
    assert problems(session) == []
    (sankey, _) = (json.loads(c.proto.spec)["data"][0] for c in session.get("plotly_chart"))
    assert "sentiment" in sankey["node"]["hovertemplate"]
    assert sankey["node"]["color"] != before["node"]["color"]
    scores = node_table(session)
    assert (scores["n"] > 0).all()
    # every coloured channel in the table is drawn in the colour the scale gives it
    expected = sentiment_colors(scores)
    nodes = zip(sankey["node"]["customdata"], sankey["node"]["color"], strict=True)
    drawn = [(custom[2], color) for custom, color in nodes if custom[2] in expected]
    assert drawn
    assert all(color == expected[label] for label, color in drawn)
    assert any(f"fewer than {SENTIMENT_MIN_N}" in c.value for c in session.caption)

    session.selectbox(key="journey_map_level").set_value("touchpoint").run()
    assert problems(session) == []
    session.toggle(key="journey_map_sentiment").set_value(False).run()
    session.selectbox(key="journey_map_level").set_value("channel").run()
    assert problems(session) == []


def test_network_map_colours_nodes_by_sentiment(session: AppTest):
    open_view(session, "network")
    (before,) = network_documents(session)
    session.toggle(key="network_sentiment").set_value(True).run()
    assert problems(session) == []
    (html,) = network_documents(session)
    assert html != before
    scores = node_table(session)
    coloured = {
        color
        for node, color in sentiment_colors(scores).items()
        if scores.loc[scores["node"] == node, "n"].iloc[0] >= SENTIMENT_MIN_N
    }
    assert coloured
    assert any(color in html for color in coloured)
    session.toggle(key="network_sentiment").set_value(False).run()
    assert problems(session) == []


def test_customer_timeline_lists_transcripts_with_sentiment(session: AppTest):
    open_view(session, "customer")
    session.text_input(key="customer_search").set_value(CUSTOMER_WITH_TRANSCRIPTS).run()
    session.selectbox(key="customer_pick").set_value(CUSTOMER_WITH_TRANSCRIPTS).run()
    assert problems(session) == []
    (table,) = [d.value for d in session.dataframe if "sentiment_score" in d.value.columns]
    assert {"text", "sentiment_score", "sentiment_label"} <= set(table.columns)
    assert len(table) > 0
    assert set(table["sentiment_label"]) <= {"negative", "neutral", "positive", "unscored"}
    scored = table["sentiment_score"].dropna()
    assert len(scored) > 0
    assert scored.between(-1, 1).all()
    session.text_input(key="customer_search").set_value("").run()


def test_team_view_with_a_phase_focus_keeps_the_team_then_focuses():
    from tests.app.conftest import new_app

    app = new_app()
    app.switch_page("views/journey_map.py").run()
    app.selectbox(key="journey_map_team").set_value("service").run()
    app.radio(key="journey_map_team_mode").set_value("hide").run()
    # the sample's service team has post-purchase events but no engagement ones
    app.selectbox(key="journey_map_phase").set_value("post-purchase").run()
    assert not app.exception
    assert [e.value for e in app.error] == []
    app.selectbox(key="journey_map_phase").set_value("engagement").run()
    assert not app.exception
    assert [shown(e.value) for e in app.error] == [
        "no events of team 'service' in the engagement phase: choose another phase"
    ]
