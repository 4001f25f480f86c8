"""The DuckDB engine returns exactly what the pandas reference (journey.query.flows) returns."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from journey.errors import SettingsError
from journey.query import flows
from journey.query.engine import flows as engine
from journey.query.phases import assign_phases
from journey.schema import CHANNEL, CUSTOMER_ID, PHASE, TOUCHPOINT, DatasetSettings
from tests.journey.query.examples import (
    EVENTS,
    FLOW_NAMES,
    RESERVED_NODES,
    TOP,
    event_frames,
    reserved_events,
)


@pytest.mark.parametrize("events", [EVENTS, TOP], ids=["main", "top"])
@pytest.mark.parametrize("keep", [False, True], ids=["collapsed", "repeats"])
@pytest.mark.parametrize("top_k", [0, 2])
def test_engine_equals_pandas_on_hand_made_data(events, keep, top_k):
    for end_nodes in (False, True):
        assert_frame_equal(
            engine.count_transitions(events, keep_repeats=keep, end_nodes=end_nodes, top_k=top_k),
            flows.count_transitions(events, keep_repeats=keep, end_nodes=end_nodes, top_k=top_k),
        )
    assert_frame_equal(
        engine.step_flows(events, steps=4, keep_repeats=keep, top_k=top_k),
        flows.step_flows(events, steps=4, keep_repeats=keep, top_k=top_k),
    )
    for n in (0, 2):
        assert_frame_equal(
            engine.top_paths(events, keep_repeats=keep, n=n),
            flows.top_paths(events, keep_repeats=keep, n=n),
        )


def test_engine_hand_computed_transitions():
    expected = pd.DataFrame(
        {
            "source": pd.array(["Email", "Social", "Store", "Web"], dtype="str"),
            "target": pd.array(["Web", "Web", "Email", "Store"], dtype="str"),
            "count": np.array([1, 1, 1, 1], dtype=np.int64),
            "customers": np.array([1, 1, 1, 1], dtype=np.int64),
        }
    )
    assert_frame_equal(engine.count_transitions(EVENTS), expected)


def test_engine_phase_and_touchpoint_levels():
    phased = assign_phases(EVENTS, DatasetSettings())
    for level in (PHASE, TOUCHPOINT):
        assert_frame_equal(
            engine.step_flows(phased, level=level, steps=3),
            flows.step_flows(phased, level=level, steps=3),
        )
    with pytest.raises(SettingsError, match="assign phases"):
        engine.count_transitions(EVENTS, level=PHASE)


def test_engine_reads_parquet_and_csv(tmp_path: Path):
    parquet = tmp_path / "events.parquet"
    EVENTS.to_parquet(parquet)
    csv = tmp_path / "events.csv"
    EVENTS.to_csv(csv, index=False)
    for source in (parquet, str(csv)):
        result = engine.flows(source, steps=3, end_nodes=True, n=0)
        assert_frame_equal(result.transitions, flows.count_transitions(EVENTS, end_nodes=True))
        assert_frame_equal(result.steps, flows.step_flows(EVENTS, steps=3))
        assert_frame_equal(result.top_paths, flows.top_paths(EVENTS, n=0))


def test_engine_rejects_unknown_identifiers_and_bad_settings(tmp_path: Path):
    with pytest.raises(SettingsError, match="no such column"):
        engine.count_transitions(EVENTS, level='channel"; DROP TABLE x; --')
    with pytest.raises(SettingsError, match="at least 2 steps"):
        engine.step_flows(EVENTS, steps=1)
    with pytest.raises(SettingsError, match="top-K"):
        engine.step_flows(EVENTS, top_k=-1)
    with pytest.raises(SettingsError, match="no such file"):
        engine.top_paths(tmp_path / "missing.parquet")


def test_engine_uses_a_given_connection_and_leaves_it_clean():
    con = engine.connect()
    engine.count_transitions(EVENTS, con=con)
    tables = con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary").fetchall()[0][0]
    assert tables == 0
    con.close()


CON = engine.connect()  # one connection for every example: connecting dominates tiny queries


@given(event_frames(), st.integers(2, 6), st.booleans(), st.integers(0, 3), st.booleans())
def test_engine_equals_pandas_property(events, steps, keep, top_k, end_nodes):
    result = engine.flows(events, CHANNEL, steps, keep, top_k, end_nodes, n=0, con=CON)
    assert_frame_equal(
        result.transitions, flows.count_transitions(events, CHANNEL, keep, end_nodes, top_k)
    )
    assert_frame_equal(result.steps, flows.step_flows(events, CHANNEL, steps, keep, top_k))
    top = result.top_paths
    assert_frame_equal(top, flows.top_paths(events, CHANNEL, keep, n=0))
    assert top["customers"].sum() == events[CUSTOMER_ID].nunique()


@pytest.mark.parametrize("name", FLOW_NAMES)
@pytest.mark.parametrize("top_k", [0, 1, 2])
def test_engine_labels_data_nodes_named_like_generated_ones_as_pandas_does(name, top_k):
    events = reserved_events(name)
    result = engine.flows(events, CHANNEL, 3, False, top_k, end_nodes=True, n=0, con=CON)
    assert_frame_equal(
        result.transitions, flows.count_transitions(events, CHANNEL, False, True, top_k)
    )
    assert_frame_equal(result.steps, flows.step_flows(events, CHANNEL, 3, False, top_k))
    assert_frame_equal(result.top_paths, flows.top_paths(events, CHANNEL, False, n=0))
    assert f"{name} (channel)" in set(result.transitions["source"])


@given(
    event_frames(nodes=RESERVED_NODES),
    st.integers(2, 6),
    st.booleans(),
    st.integers(0, 3),
    st.booleans(),
)
def test_engine_equals_pandas_with_reserved_names_property(events, steps, keep, top_k, end_nodes):
    result = engine.flows(events, CHANNEL, steps, keep, top_k, end_nodes, n=0, con=CON)
    assert_frame_equal(
        result.transitions, flows.count_transitions(events, CHANNEL, keep, end_nodes, top_k)
    )
    assert_frame_equal(result.steps, flows.step_flows(events, CHANNEL, steps, keep, top_k))
    assert_frame_equal(result.top_paths, flows.top_paths(events, CHANNEL, keep, n=0))
