"""A dataset stored by `load` opens every page on the results `load` kept (no engine work)."""

from __future__ import annotations

import streamlit as st

from journey.query.engine import results
from tests.app.conftest import STORED_SAMPLE, new_app, refusal


def problems(app: object) -> list[str]:
    return [e.value for e in app.error] + [str(e.value) for e in app.exception]  # type: ignore[attr-defined]


# the pages whose opening results `opening.warm_pages` keeps
KEPT_PAGES = (
    "views/journey_map.py",
    "views/network.py",
    "views/compare.py",
    "views/funnels.py",
    "views/attribution.py",
    "views/metrics.py",
    "views/sentiment.py",
    "views/report.py",
)


def test_every_page_opens_on_kept_results(stored_sample_path, monkeypatch):
    monkeypatch.setenv("JOURNEY_WORKSPACE", str(stored_sample_path))
    monkeypatch.setenv("JOURNEY_DATASET", STORED_SAMPLE)
    st.cache_data.clear()  # no result from another test's session in this process
    kept = sorted((stored_sample_path.parent / "cache").glob("result-*"))
    # overview 3, maps 3, compare 1, funnels 1, attribution 2, channel metrics 2, sentiment 5,
    # and the report's own: top five journeys, funnel, attribution with intervals, sentiment
    assert len(kept) >= 21
    monkeypatch.setattr(results, "write_result", refusal("computed a result load kept"))
    app = new_app()
    assert problems(app) == []
    assert app.metric  # the Overview's figures, read from the kept results
    for page in KEPT_PAGES:
        app.switch_page(page).run()
        assert problems(app) == [], page


def test_a_setting_change_computes_and_keeps_a_result_of_its_own(stored_sample_path, monkeypatch):
    monkeypatch.setenv("JOURNEY_WORKSPACE", str(stored_sample_path))
    monkeypatch.setenv("JOURNEY_DATASET", STORED_SAMPLE)
    st.cache_data.clear()
    app = new_app()
    app.switch_page("views/metrics.py").run()
    before = set((stored_sample_path.parent / "cache").glob("result-*"))
    app.radio(key="metrics_granularity").set_value("month").run()
    assert problems(app) == []
    added = set((stored_sample_path.parent / "cache").glob("result-*")) - before
    assert len(added) == 1  # the monthly table, kept for the next session
    st.cache_data.clear()
    monkeypatch.setattr(results, "write_result", refusal("computed the monthly table again"))
    again = new_app()
    again.switch_page("views/metrics.py").run()
    again.radio(key="metrics_granularity").set_value("month").run()
    assert problems(again) == []
