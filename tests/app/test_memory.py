"""A session holds a handle to its dataset, never its events: pages query shared views.

A server holds every open session's state, so a per-session copy of the events costs each
user its size again (the load test measured ~170 MiB a session before the frames were shared,
and 5 million events needed 23.6 GB). Now the events live in Parquet files in the cache folder
beside the workspace, written once per data and settings, and every session queries views
over them in the process's one DuckDB.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.testing.v1 import AppTest

from journey.io.store import Workspace
from tests.app.conftest import new_app
from ui import cache, handle
from ui.state import Key


def _scope(app: AppTest):
    return app.session_state[Key.SCOPE]


def _frames_held(app: AppTest) -> list[int]:
    """Row counts of every pandas frame in the session state (inside dataclasses too)."""
    sizes = []
    for key in list(app.session_state):
        values = [app.session_state[key]]
        while values:
            value = values.pop()
            if isinstance(value, pd.DataFrame):
                sizes.append(len(value))
            elif is_dataclass(value) and not isinstance(value, type):
                values.extend(getattr(value, f.name) for f in fields(value))
    return sizes


def test_sessions_on_the_sample_share_views_and_hold_no_events():
    first, second = new_app(), new_app()
    one, two = _scope(first), _scope(second)
    assert not first.exception
    assert not second.exception
    assert one.key == two.key
    assert (one.events, one.all_events) == (two.events, two.all_events)
    assert one.dataset.events_path == two.dataset.events_path
    assert Path(one.dataset.events_path).parent == handle.cache_dir()
    assert one.events == one.all_events  # no filter: the prepared view itself
    stored = {info.name: info for info in Workspace().list_datasets()}[one.dataset.name]
    assert one.n_events == one.all_n_events == stored.n_events
    assert one.n_customers == one.all_customers == stored.n_customers
    assert all(n < 1000 for n in _frames_held(first))  # no events in the session

    # a filter gives the first session a view of its own; the second keeps the shared one
    first.multiselect(key=Key.CHANNELS).set_value(["Email"]).run()
    second.run()
    filtered, unfiltered = _scope(first), _scope(second)
    assert filtered.events != unfiltered.events
    assert filtered.all_events == unfiltered.all_events  # filters never change prepared events
    assert 0 < filtered.n_events < unfiltered.n_events == filtered.all_n_events
    assert filtered.n_customers <= filtered.all_customers


def test_prepared_events_are_written_once_and_reused_after_a_restart():
    app = new_app()
    prepared = handle.prepared_path(_scope(app).dataset.key)
    assert prepared.is_file()
    written = prepared.stat().st_mtime_ns
    st.cache_resource.clear()  # a "restart": the process's caches are emptied
    st.cache_data.clear()
    again = new_app()
    assert not again.exception
    assert _scope(again).n_events == _scope(app).n_events
    assert prepared.stat().st_mtime_ns == written  # read again, not written again


def test_a_saved_rule_change_reaches_new_sessions_not_the_shared_old_copy(tmp_path, monkeypatch):
    monkeypatch.setenv("JOURNEY_WORKSPACE", str(tmp_path / "workspace.duckdb"))
    first = new_app()
    before = _scope(first)
    first.switch_page("views/rules.py").run()
    first.number_input(key="rules_onboarding_days").set_value(0).run()
    first.button(key="rules_save").click().run()
    assert not first.exception

    again = new_app()
    after = _scope(again)
    assert after.dataset.settings.onboarding_days == 0
    assert after.dataset.key != before.dataset.key
    assert after.all_events != before.all_events  # prepared again under the new rules
    assert after.dataset.events_path == before.dataset.events_path  # the same rows
    assert handle.prepared_path(after.dataset.key).is_file()


def test_pages_on_the_engine_ignore_the_frame_row_cap(monkeypatch):
    monkeypatch.setattr(handle, "MAX_FRAME_ROWS", 100)
    app = new_app()
    assert not app.exception
    assert not app.error  # the Overview runs on the engine: no cap
    on_engine = ("journey_map", "network", "compare", "funnels", "customer", "attribution")
    for page in (*on_engine, "metrics", "rules"):
        app.switch_page(f"views/{page}.py").run()  # on the engine
        assert not app.exception, page
        assert not app.error, page
    monkeypatch.setattr(cache, "NBA_REPORT_MAX_EVENTS", 100)  # no model trained here
    app.switch_page("views/report.py").run()  # the report runs on the engine too: no cap
    assert not app.exception
    assert not app.error
    assert app.main.metric[0].value == "5,000"
