"""ui.handle: a dataset's Parquet files, the views over them and the capped pandas accessor."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from journey.attribution.models import DEFAULT_SETTINGS
from journey.attribution.uncertainty import lookback_sensitivity
from journey.errors import SettingsError
from journey.query.filters import Filters
from journey.schema import DatasetSettings
from tests.oracle import scope
from ui import handle


def _accepted() -> pd.DataFrame:
    """Accepted events as the validator gives them: customer a converts on day 2."""
    stamps = ["2025-01-01 09:00", "2025-01-02 10:00", "2025-01-02 10:00", "2025-01-05 08:00"]
    return pd.DataFrame(
        {
            "customer_id": ["a", "a", "b", "b"],
            "timestamp": pd.to_datetime(stamps, utc=True),
            "channel": ["Email", "Store", "Web", "Email"],
            "touchpoint": ["Welcome", "Till", "Home", "Promo"],
            "event_type": ["view", "purchase", "view", "view"],
            "conversion": [False, True, False, False],
            "revenue": [None, 30.0, None, None],
            "segment": ["new", "new", "vip", "vip"],
            "row": [1, 2, 3, 4],
        }
    )


@pytest.fixture
def opened(tmp_path, monkeypatch):
    """An engine, a prepared view over the accepted events, and the prepared file."""
    monkeypatch.setenv("JOURNEY_WORKSPACE", str(tmp_path / "ws" / "workspace.duckdb"))
    runner = handle.open_engine()
    raw = handle.frame_to_parquet(runner, _accepted(), handle.raw_events_path("fp"))
    out = handle.prepare_file(runner, raw, DatasetSettings(), handle.prepared_path("fp:s"))
    return runner, handle.parquet_view(runner, out), out


def test_files_live_in_the_cache_folder_beside_the_workspace(opened, tmp_path):
    _, _, out = opened
    assert out.parent == tmp_path / "ws" / "cache"
    assert handle.raw_events_path("fp").is_file()
    assert not list(out.parent.glob(".*partial"))  # written whole, then renamed


def test_prepared_file_is_written_once(opened):
    runner, _, out = opened
    written = out.stat().st_mtime_ns
    raw = handle.raw_events_path("fp")
    assert handle.prepare_file(runner, raw, DatasetSettings(), out) == out
    assert out.stat().st_mtime_ns == written


def test_counts_dates_and_filtered_views(opened):
    runner, base, _ = opened
    assert handle.counts(runner, base) == (2, 4)
    first, last = handle.date_bounds(runner, base)
    assert (first, last) == (pd.Timestamp("2025-01-01 09:00"), pd.Timestamp("2025-01-05 08:00"))
    emails = handle.filtered_view(runner, base, Filters(channels=("Email",)), "k1")
    assert emails != base
    assert handle.counts(runner, emails) == (2, 2)
    dated = handle.filtered_view(runner, base, Filters(start=date(2025, 1, 2)), "k2")
    assert handle.counts(runner, dated) == (2, 3)
    assert handle.filtered_view(runner, base, Filters(), "k3") == base  # no filter: no view


def test_events_frame_gives_the_pandas_shape_and_stops_at_the_cap(opened):
    runner, base, _ = opened
    keep = handle.frame_columns(tuple(_accepted().columns), DatasetSettings())
    frame = handle.events_frame(runner, base, keep)
    assert list(frame["row"]) == [1, 2, 3, 4]
    assert "campaign" not in frame.columns  # the data has none: not a column of NULLs
    assert "team" not in frame.columns
    assert str(frame["timestamp"].dt.tz) == "UTC"
    assert list(frame["phase"]) == ["awareness", "onboarding", "awareness", "awareness"]
    with pytest.raises(SettingsError, match="at most 3 events; the filters leave 4"):
        handle.events_frame(runner, base, keep, limit=3)


def test_a_team_table_adds_the_team_column():
    settings = DatasetSettings(team_map={"Till": "store"})
    assert "team" in handle.frame_columns(("customer_id", "touchpoint"), settings)
    assert "team" not in handle.frame_columns(("customer_id", "touchpoint"), DatasetSettings())


@pytest.mark.parametrize(
    ("phase", "team", "mode"),
    [
        (None, "store", "fold"),
        (None, "store", "hide"),
        ("awareness", None, "fold"),
        ("awareness", "crm", "fold"),
    ],
)
def test_focus_views_match_scope_focus_events(tmp_path, monkeypatch, phase, team, mode):
    monkeypatch.setenv("JOURNEY_WORKSPACE", str(tmp_path / "workspace.duckdb"))
    settings = DatasetSettings(team_map={"Till": "store", "Welcome": "crm", "Home": "store"})
    runner = handle.open_engine()
    raw = handle.frame_to_parquet(runner, _accepted(), handle.raw_events_path("team"))
    out = handle.prepare_file(runner, raw, settings, handle.prepared_path("team:s"))
    base = handle.parquet_view(runner, out)
    keep = handle.frame_columns(tuple(_accepted().columns), settings)
    everything = handle.events_frame(runner, base, keep)
    focused = handle.events_frame(runner, handle.focus_view(runner, base, phase, team, mode), keep)
    expected = scope.focus_events(everything, phase, team, mode).reset_index(drop=True)
    columns = ["row", "channel", "touchpoint", "phase"]
    assert_frame_equal(focused[columns], expected[columns], check_dtype=False)


def test_focus_on_a_missing_team_or_empty_phase_says_so(opened):
    runner, base, _ = opened
    with pytest.raises(SettingsError, match="no events of team 'nobody'"):
        handle.focus_view(runner, base, None, "nobody", "fold")
    with pytest.raises(SettingsError, match="no events in the post-purchase phase"):
        handle.focus_view(runner, base, "post-purchase", None, "fold")


def test_lookback_sensitivity_matches_the_pandas_function(opened):
    runner, base, _ = opened
    keep = handle.frame_columns(tuple(_accepted().columns), DatasetSettings())
    settings = replace(DEFAULT_SETTINGS, models=("first", "last", "linear", "markov"))
    expected = lookback_sensitivity(handle.events_frame(runner, base, keep), settings)
    found = handle.lookback_sensitivity(runner, base, settings)
    assert_frame_equal(found, expected, check_dtype=False)
    assert sorted(set(found["window_days"])) == [7, 14, 30, 60, 90]
