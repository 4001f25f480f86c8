"""The six journey-map views, driven through app.py on the sample data."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace

import pytest
from streamlit.testing.v1 import AppTest

from journey.schema import CONVERTED, END_NODES, NO_CONVERSION, OTHER, OTHER_TEAMS, GroupingRule
from tests.app.conftest import network_documents, new_app
from tests.app.shown import shown
from ui.state import Key

VIEWS = ("journey_map", "network", "compare", "funnels", "customer", "rules")


@pytest.fixture(scope="module")
def session() -> AppTest:
    """One app session for the module (each test resets what it changes)."""
    app = new_app()
    assert not app.exception, app.exception
    return app


def customers(app: AppTest) -> int:
    """Customers in the current scope (after the filters)."""
    return app.session_state[Key.SCOPE].n_customers


def problems(app: AppTest) -> list[str]:
    return [e.value for e in app.error] + [str(e.value) for e in app.exception]


def open_view(app: AppTest, view: str) -> AppTest:
    app.switch_page(f"views/{view}.py").run()
    assert problems(app) == []
    return app


def figures(app: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]


def networks(app: AppTest) -> list[str]:
    return network_documents(app)


def captions(app: AppTest) -> list[str]:
    return [shown(c.value) for c in app.caption]


def step_totals(sankey: dict) -> dict[int, int]:
    """Customers per step of a step-flow Sankey, read back from the drawn links."""
    totals: Counter[int] = Counter()
    for value, custom in zip(sankey["link"]["value"], sankey["link"]["customdata"], strict=True):
        totals[custom[1]] += value
    return dict(totals)


@pytest.mark.parametrize("view", VIEWS)
def test_view_renders_with_and_without_a_filter(session: AppTest, view: str):
    open_view(session, view)
    assert session.title[0].value
    session.multiselect(key=Key.CHANNELS).set_value(["Email", "Web"]).run()
    assert problems(session) == []
    assert any("channels: Email, Web" in c for c in captions(session))
    session.multiselect(key=Key.CHANNELS).set_value([]).run()
    assert problems(session) == []


def test_journey_map_draws_flows_that_add_up_for_every_step(session: AppTest):
    open_view(session, "journey_map")
    sankey, phases = (figure["data"][0] for figure in figures(session))
    assert sankey["type"] == phases["type"] == "sankey"
    n = customers(session)
    assert step_totals(sankey) == {1: n, 2: n, 3: n, 4: n}
    assert NO_CONVERSION in sankey["node"]["label"]
    assert any("folded into 'Other'" in c for c in captions(session))
    assert OTHER in sankey["node"]["label"]
    # the phase Sankey has its four column titles
    titles = [a["text"] for a in figures(session)[1]["layout"]["annotations"]]
    assert titles == [
        "<b>Awareness</b>",
        "<b>Onboarding</b>",
        "<b>Engagement</b>",
        "<b>Post-purchase</b>",
    ]
    top_paths = session.dataframe[0].value
    assert list(top_paths.columns[:3]) == ["path", "length", "customers"]


def test_journey_map_controls_change_the_sankey(session: AppTest):
    open_view(session, "journey_map")
    session.slider(key="journey_map_steps").set_value(3).run()
    session.number_input(key="journey_map_top_k").set_value(0).run()
    sankey = figures(session)[0]["data"][0]
    n = customers(session)
    assert step_totals(sankey) == {1: n, 2: n}
    assert not any("folded into 'Other'" in c for c in captions(session))
    assert OTHER not in sankey["node"]["label"]

    session.selectbox(key="journey_map_level").set_value("phase").run()
    labels = set(figures(session)[0]["data"][0]["node"]["label"])
    assert labels <= {"awareness", "onboarding", "engagement", "post-purchase", *END_NODES}

    session.toggle(key="journey_map_end_nodes").set_value(False).run()
    assert any("End nodes are hidden" in c for c in captions(session))
    hidden = figures(session)[0]["data"][0]
    assert CONVERTED not in hidden["node"]["label"]
    assert step_totals(hidden) == {1: n, 2: n}

    session.selectbox(key="journey_map_level").set_value("channel").run()
    session.selectbox(key="journey_map_phase").set_value("post-purchase").run()
    assert any("post-purchase" in c.lower() for c in captions(session))
    focused = figures(session)[0]["data"][0]
    assert sum(step_totals(focused).values()) < 2 * n


def test_journey_map_team_view_folds_or_hides_other_teams(session: AppTest):
    open_view(session, "journey_map")
    session.selectbox(key="journey_map_team").set_value("service").run()
    assert problems(session) == []
    folded = figures(session)[0]["data"][0]["node"]["label"]
    assert OTHER_TEAMS in folded
    session.radio(key="journey_map_team_mode").set_value("hide").run()
    hidden = figures(session)[0]["data"][0]
    assert OTHER_TEAMS not in hidden["node"]["label"]
    # only customers with a service touchpoint remain, still adding up at every step
    totals = set(step_totals(hidden).values())
    assert len(totals) == 1
    assert totals.pop() < customers(session)


def test_network_map_draws_an_offline_network_and_follows_its_controls(session: AppTest):
    open_view(session, "network")
    (html,) = networks(session)
    assert 'id="mynetwork"' in html
    assert "<link" not in html
    assert "https://" not in html.split("<script>")[0]
    shown = next(c for c in captions(session) if c.startswith("Showing"))

    session.slider(key="network_max_nodes").set_value(5).run()
    assert any(c.startswith("Showing 5 nodes") for c in captions(session))

    session.radio(key="network_layout").set_value("hierarchical").run()
    (html,) = networks(session)
    assert '"hierarchical": {' in html

    session.number_input(key="network_min_weight").set_value(1_000_000).run()
    assert networks(session) == []
    assert any("No edge reaches the minimum weight" in i.value for i in session.info)
    assert shown != next(c for c in captions(session) if c.startswith("Showing"))

    session.number_input(key="network_min_weight").set_value(1).run()
    session.selectbox(key="network_team").set_value("sales").run()
    session.toggle(key="network_end_nodes").set_value(True).run()
    (html,) = networks(session)
    assert '"id": "Other teams"' in html
    assert '"id": "Start"' in html


def test_compare_splits_customers_and_shows_share_differences(session: AppTest):
    open_view(session, "compare")
    sizes = [c for c in captions(session) if c.endswith(" customers")]
    counts = [int(c.split()[0].replace(",", "")) for c in sizes]
    assert sum(counts) == customers(session)  # every customer converts or not
    assert [shown(s.value) for s in session.subheader[:2]] == ["Converters", "Non-converters"]
    diff = session.dataframe[0].value
    assert list(diff.columns) == [
        "source",
        "target",
        "count_a",
        "share_a",
        "count_b",
        "share_b",
        "diff",
    ]
    assert diff["share_a"].sum() == pytest.approx(1.0)
    assert diff["share_b"].sum() == pytest.approx(1.0)

    session.radio(key="compare_mode").set_value("segment").run()
    session.selectbox(key="compare_attribute").set_value("segment").run()
    session.selectbox(key="compare_value_a").set_value("Consumer").run()
    session.selectbox(key="compare_value_b").set_value("Enterprise").run()
    assert problems(session) == []
    assert [shown(s.value) for s in session.subheader[:2]] == [
        "segment = Consumer",
        "segment = Enterprise",
    ]

    session.radio(key="compare_show").set_value("network").run()
    assert len(networks(session)) == 2

    session.radio(key="compare_mode").set_value("period").run()
    assert problems(session) == []
    assert "→" in shown(session.subheader[0].value)


def test_funnels_default_stages_and_edits(session: AppTest):
    open_view(session, "funnels")
    stages = session.multiselect(key="funnels_stages_touchpoint")
    assert len(stages.value) >= 2
    metrics = {m.label: m.value for m in session.metric}
    table = session.dataframe[0].value
    assert table["stage"].tolist() == stages.value
    assert metrics["Entered the funnel"] == f"{int(table['customers'].iloc[0]):,}"
    assert table["customers"].is_monotonic_decreasing

    session.multiselect(key="funnels_stages_touchpoint").set_value(
        ["Product page", "Checkout"]
    ).run()
    table = session.dataframe[0].value
    assert table["stage"].tolist() == ["Product page", "Checkout"]
    assert table["step_conversion_rate"].iloc[0] == pytest.approx(table["conversion_rate"].iloc[0])
    assert len(figures(session)) == 4  # funnel, where dropped customers went, drop-offs, over-rep.
    assert session.selectbox(key="funnels_after_stage").options == ["Product page"]
    went = figures(session)[1]["data"][0]
    lost = int(table["customers"].iloc[0]) - int(table["customers"].iloc[1])
    assert sum(went["x"]) <= lost  # the chart draws the largest next touchpoints of those lost

    session.radio(key="funnels_by").set_value("channel").run()
    assert problems(session) == []
    assert session.multiselect(key="funnels_stages_channel").value


def test_customer_timeline_search_and_transcripts(session: AppTest):
    open_view(session, "customer")
    session.text_input(key="customer_search").set_value("C0354").run()
    options = session.selectbox(key="customer_pick").options
    assert options
    assert all("C0354" in o for o in options)
    session.selectbox(key="customer_pick").set_value("C03542").run()
    assert problems(session) == []
    (timeline,) = figures(session)
    assert {trace["type"] for trace in timeline["data"]} == {"scatter"}
    events = session.dataframe[1].value
    metrics = {m.label: m.value for m in session.metric}
    assert metrics["Touchpoints"] == str(len(events))
    transcripts = session.dataframe[2].value
    assert "text" in transcripts.columns
    assert len(transcripts) > 0

    session.text_input(key="customer_search").set_value("no-such-customer").run()
    assert any("no-such-customer" in shown(i.value) for i in session.info)
    session.text_input(key="customer_search").set_value("").run()


def test_rules_show_saved_grouping_and_its_preview(session: AppTest):
    dataset = session.session_state[Key.DATASET]
    rule = GroupingRule("page", "Web pages")
    session.session_state[Key.DATASET] = replace(
        dataset, settings=replace(dataset.settings, grouping_rules=(rule,))
    )
    try:
        open_view(session, "rules")
        preview = session.dataframe[2].value  # after the two editors above it
        assert set(preview["group"]) == {"Web pages"}
        assert {"Product page", "Pricing page"} <= set(preview["touchpoint"])
        assert all("page" in tp.lower() for tp in preview["touchpoint"])
        open_view(session, "journey_map")
        session.selectbox(key="journey_map_level").set_value("touchpoint").run()
        session.number_input(key="journey_map_top_k").set_value(0).run()
        labels = set(figures(session)[0]["data"][0]["node"]["label"])
        assert "Web pages" in labels
        assert "Product page" not in labels
    finally:
        session.session_state[Key.DATASET] = dataset
        session.run()


def test_rules_save_the_onboarding_window_and_phases_follow(tmp_path, monkeypatch):
    monkeypatch.setenv("JOURNEY_WORKSPACE", str(tmp_path / "workspace.duckdb"))
    app = new_app()
    open_view(app, "rules")
    summary = app.dataframe[-1].value
    before = dict(zip(summary["phase"], summary["events"], strict=True))
    assert app.button(key="rules_save").disabled
    app.number_input(key="rules_onboarding_days").set_value(0).run()
    assert any("unsaved changes" in c for c in captions(app))
    app.button(key="rules_save").click().run()
    assert problems(app) == []
    assert app.session_state[Key.DATASET].settings.onboarding_days == 0
    summary = app.dataframe[-1].value
    after = dict(zip(summary["phase"], summary["events"], strict=True))
    # a zero-day window leaves only the first conversions in onboarding
    assert after["onboarding"] < before["onboarding"]
    assert after["engagement"] > before["engagement"]
    assert sum(after.values()) == sum(before.values())
    # saved in the workspace: a new session on the same workspace starts with it
    again = new_app()
    assert again.session_state[Key.DATASET].settings.onboarding_days == 0


def test_map_pages_share_one_kept_path_table_and_scopes_keep_none(tmp_path, monkeypatch):
    """The Journey map and the Network map read one path file of the dataset; a filter none."""
    monkeypatch.setenv("JOURNEY_WORKSPACE", str(tmp_path / "workspace.duckdb"))
    cache = tmp_path / "cache"
    app = new_app()
    assert not app.exception, app.exception
    assert not list(cache.glob("paths-*.parquet"))
    open_view(app, "journey_map")
    (kept,) = cache.glob("paths-*.parquet")
    written = kept.stat().st_mtime_ns
    open_view(app, "network")
    assert list(cache.glob("paths-*.parquet")) == [kept]
    assert kept.stat().st_mtime_ns == written  # read, not written again
    open_view(app, "journey_map")
    app.multiselect(key=Key.CHANNELS).set_value(["Email", "Web"]).run()
    assert problems(app) == []
    assert list(cache.glob("paths-*.parquet")) == [kept]  # a filtered scope keeps no file
    app.multiselect(key=Key.CHANNELS).set_value([]).run()


def test_a_filtered_journey_map_reads_the_path_index_and_matches_the_sql_path(
    tmp_path, monkeypatch
):
    """A filter change builds the scope's paths from the path index, with the SQL's figures."""
    import streamlit as st

    from journey.query.engine import ordered

    monkeypatch.setenv("JOURNEY_WORKSPACE", str(tmp_path / "workspace.duckdb"))
    served: list[str] = []
    path_arrow, phase_nodes = ordered.path_arrow, ordered.phase_nodes

    def spy(name, compute):
        def wrapped(*args, **kwargs):
            found = compute(*args, **kwargs)
            served.append(name if found is not None else f"{name}: SQL")
            return found

        return wrapped

    monkeypatch.setattr(ordered, "path_arrow", spy("paths", path_arrow))
    monkeypatch.setattr(ordered, "phase_nodes", spy("phases", phase_nodes))

    def filtered_map() -> tuple[list[dict], object]:
        st.cache_data.clear()
        app = new_app()
        open_view(app, "journey_map")
        served.clear()  # what the filter change asks for
        app.multiselect(key=Key.CHANNELS).set_value(["Email", "Web", "Paid Search"]).run()
        assert problems(app) == []
        return figures(app), app.dataframe[0].value

    fast_figures, fast_paths = filtered_map()
    assert sorted(served) == ["paths", "phases"]  # the scope's step flows and phase flows
    monkeypatch.setattr(ordered, "path_arrow", spy("paths", lambda *a, **k: None))
    monkeypatch.setattr(ordered, "phase_nodes", spy("phases", lambda *a, **k: None))
    slow_figures, slow_paths = filtered_map()
    assert sorted(served) == ["paths: SQL", "phases: SQL"]
    assert [f["data"] for f in fast_figures] == [f["data"] for f in slow_figures]
    assert fast_paths.equals(slow_paths)
    assert list((tmp_path / "cache").glob("prepared-*.index-1"))
