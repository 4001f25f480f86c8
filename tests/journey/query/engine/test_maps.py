"""The map pages' one-path-table figures equal the pandas reference, function by function."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journey.errors import SettingsError
from journey.query.engine import files, maps
from journey.query.engine.runner import DuckDBRunner
from journey.schema import CHANNEL, PHASE, TOUCHPOINT
from tests.journey.query.engine.data import (
    check_journey_map,
    check_network_map,
    random_events,
    register,
    same,
    sample,
)
from tests.oracle import flows, stats


def test_maps_on_a_kept_path_file_equal_pandas(duck, tmp_path, monkeypatch):
    """The app's path files (written once per view) give the same figures as a fresh table."""
    monkeypatch.setenv("JOURNEY_WORKSPACE", str(tmp_path / "workspace.duckdb"))
    events = sample()
    name = register(duck, events)
    for level, keep in ((CHANNEL, False), (TOUCHPOINT, True)):
        out = files.path_file(duck, name, level, keep)
        assert out.parent == tmp_path / "cache"
        written = out.stat().st_mtime_ns
        assert files.path_file(duck, name, level, keep) == out
        assert out.stat().st_mtime_ns == written  # kept, not written again
        path = files.parquet_view(duck, out)
        got = maps.journey_map_on_path(duck, path, 5, 3)
        table, fold = flows.step_flows_with_fold(events, level, 5, keep, 3)
        same(got.steps, table)
        assert got.fold == fold
        same(
            got.phases, stats.node_stats(events, level, keep)[["node", "volume", "dominant_phase"]]
        )
        same(got.top_paths, flows.top_paths(events, level, keep, n=20))
        transitions, nodes = maps.network_map_on_path(duck, path, end_nodes=True)
        same(transitions, flows.count_transitions(events, level, keep, end_nodes=True))
        same(nodes, stats.node_stats(events, level, keep))
    assert files.path_file_path(name, CHANNEL, False) != files.path_file_path(name, CHANNEL, True)
    assert files.path_file_path(name, CHANNEL, False) != files.path_file_path(
        "other_view", CHANNEL, False
    )


def test_sample_equals_pandas(duck):
    events = sample()
    name = register(duck, events)
    for level, keep, top_k in ((CHANNEL, False, 3), (TOUCHPOINT, True, 0), (PHASE, False, 2)):
        check_journey_map(duck, name, events, level, 5, keep, top_k)
        check_network_map(duck, name, events, level, keep, not keep)


@settings(max_examples=40)
@given(
    random_events(),
    st.sampled_from([CHANNEL, TOUCHPOINT, PHASE]),
    st.booleans(),
    st.integers(0, 3),
    st.integers(2, 6),
)
def test_random_events_equal_pandas(events, level, keep, top_k, steps):
    runner = DuckDBRunner()
    name = register(runner, events)
    check_journey_map(runner, name, events, level, steps, keep, top_k)
    check_network_map(runner, name, events, level, keep, top_k % 2 == 0)
    runner.con.close()


def test_bad_settings(duck):
    name = register(duck, sample(customers=5))
    with pytest.raises(SettingsError, match="at least 2 steps"):
        maps.journey_map(duck, name, CHANNEL, 1, False, 0)
    with pytest.raises(SettingsError, match="no column"):
        maps.network_map(duck, name, "nope", False, False)


@pytest.mark.spark
def test_spark_equals_pandas(spark):
    events = sample(customers=20)
    name = register(spark, events, "maps_ev")
    check_journey_map(spark, name, events, TOUCHPOINT, 4, False, 3)
    check_network_map(spark, name, events, CHANNEL, False, True)
