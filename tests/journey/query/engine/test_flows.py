"""Engine flows return exactly what the pandas reference (journey.query.flows) returns."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from journey.errors import SettingsError
from journey.query.engine import flows as engine
from journey.query.engine.relation import conform_frame
from journey.query.engine.runner import DuckDBRunner
from journey.schema import CHANNEL, CUSTOMER_ID, PHASE, TOUCHPOINT, DatasetSettings
from tests.journey.query.engine.cases import dataset_settings, raw_events
from tests.journey.query.examples import (
    EVENTS,
    FLOW_NAMES,
    RESERVED_NODES,
    TOP,
    event_frames,
    reserved_events,
)
from tests.oracle import flows
from tests.oracle.phases import assign_phases
from tests.oracle.scope import prepare_events

RUNNER = DuckDBRunner()  # one connection for every example: connecting dominates tiny queries


def _register(runner, events: pd.DataFrame, name: str = "events") -> str:
    runner.register_frame(name, conform_frame(events))
    return name


def _assert_flows_equal(runner, events, level, steps, keep, top_k, end_nodes, n=0) -> None:
    """Every engine result equals the pandas one on the same events."""
    name = _register(runner, events)
    result = engine.flows(runner, name, level, steps, keep, top_k, end_nodes, n)
    assert_frame_equal(
        result.transitions, flows.count_transitions(events, level, keep, end_nodes, top_k)
    )
    steps_table, fold = flows.step_flows_with_fold(events, level, steps, keep, top_k)
    assert_frame_equal(result.steps, steps_table)
    assert result.fold == fold
    assert_frame_equal(result.top_paths, flows.top_paths(events, level, keep, n=n))


@pytest.mark.parametrize("events", [EVENTS, TOP], ids=["main", "top"])
@pytest.mark.parametrize("keep", [False, True], ids=["collapsed", "repeats"])
@pytest.mark.parametrize("top_k", [0, 2])
def test_engine_equals_pandas_on_hand_made_data(duck, events, keep, top_k):
    name = _register(duck, events)
    for end_nodes in (False, True):
        assert_frame_equal(
            engine.transitions(duck, name, keep_repeats=keep, end_nodes=end_nodes, top_k=top_k),
            flows.count_transitions(events, keep_repeats=keep, end_nodes=end_nodes, top_k=top_k),
        )
    assert_frame_equal(
        engine.step_flows(duck, name, steps=4, keep_repeats=keep, top_k=top_k),
        flows.step_flows(events, steps=4, keep_repeats=keep, top_k=top_k),
    )
    for n in (0, 2):
        assert_frame_equal(
            engine.top_paths(duck, name, keep_repeats=keep, n=n),
            flows.top_paths(events, keep_repeats=keep, n=n),
        )
    assert engine.fold_nodes(duck, name, top_k=top_k) == flows.fold_nodes(events, top_k=top_k)


def test_engine_hand_computed_transitions_steps_and_fold(duck):
    name = _register(duck, EVENTS)
    expected = pd.DataFrame(
        {
            "source": pd.array(["Email", "Social", "Store", "Web"], dtype="str"),
            "target": pd.array(["Web", "Web", "Email", "Store"], dtype="str"),
            "count": np.array([1, 1, 1, 1], dtype=np.int64),
            "customers": np.array([1, 1, 1, 1], dtype=np.int64),
        }
    )
    assert_frame_equal(engine.transitions(duck, name), expected)
    # collapsed paths: a Email Web (converted), b Social Web, c Email, d Web Store Email
    # (converted); volumes Web 3, Email 3, Store 1, Social 1: top 2 keeps Email and Web
    steps, fold = engine.step_flows_with_fold(duck, name, steps=3, top_k=2)
    assert fold.kept == ["Email", "Web"]
    assert (fold.n_folded, fold.folded_volume) == (2, 2)
    assert steps.to_dict("list") == {
        "step": [1, 1, 1, 1, 2, 2, 2, 2],
        "source": ["Email", "Email", "Other", "Web", "No conversion", "Other", "Web", "Web"],
        "target": ["No conversion", "Web", "Web", "Other", "No conversion", "Email",
                   "Converted", "No conversion"],
        "count": [1, 1, 1, 1, 1, 1, 1, 1],
    }  # fmt: skip
    volumes = engine.node_volumes(duck, name)
    assert volumes.to_dict("list") == {
        "node": ["Email", "Web", "Social", "Store"],
        "volume": [3, 3, 1, 1],
    }


def test_engine_phase_and_touchpoint_levels(duck):
    phased = assign_phases(EVENTS, DatasetSettings())
    name = _register(duck, phased)
    for level in (PHASE, TOUCHPOINT):
        assert_frame_equal(
            engine.step_flows(duck, name, level=level, steps=3),
            flows.step_flows(phased, level=level, steps=3),
        )
    unphased = _register(duck, EVENTS, "unphased")
    with pytest.raises(SettingsError, match="assign phases"):
        engine.transitions(duck, unphased, level=PHASE)


def test_engine_reads_parquet_and_csv_files(duck, tmp_path: Path):
    plain = conform_frame(EVENTS)
    parquet, csv = tmp_path / "events.parquet", tmp_path / "events.csv"
    plain.to_parquet(parquet)
    plain.to_csv(csv, index=False)
    for source in (parquet, csv):
        duck.register_file("file_events", source)
        result = engine.flows(duck, "file_events", steps=3, end_nodes=True, n=0)
        assert_frame_equal(result.transitions, flows.count_transitions(EVENTS, end_nodes=True))
        assert_frame_equal(result.steps, flows.step_flows(EVENTS, steps=3))
        assert_frame_equal(result.top_paths, flows.top_paths(EVENTS, n=0))


def test_engine_rejects_unknown_columns_and_bad_settings(duck):
    name = _register(duck, EVENTS)
    with pytest.raises(SettingsError, match="no column"):
        engine.transitions(duck, name, level='channel"; DROP TABLE x; --')
    with pytest.raises(SettingsError, match="at least 2 steps"):
        engine.step_flows(duck, name, steps=1)
    with pytest.raises(SettingsError, match="top-K"):
        engine.step_flows(duck, name, top_k=-1)
    with pytest.raises(SettingsError, match="top paths"):
        engine.top_paths(duck, name, n=-1)


def test_engine_leaves_no_temporary_relation(duck):
    name = _register(duck, EVENTS)
    engine.flows(duck, name, end_nodes=True)
    with pytest.raises(SettingsError):
        engine.flows(duck, name, steps=5, top_k=-2)
    left = duck.scalar("SELECT count(*) FROM duckdb_tables() WHERE temporary")
    assert left == 0


@given(event_frames(), st.integers(2, 6), st.booleans(), st.integers(0, 3), st.booleans())
def test_engine_equals_pandas_property(events, steps, keep, top_k, end_nodes):
    _assert_flows_equal(RUNNER, events, CHANNEL, steps, keep, top_k, end_nodes)
    result = engine.flows(RUNNER, "events", CHANNEL, steps, keep, top_k, end_nodes, n=0)
    n_customers = events[CUSTOMER_ID].nunique()
    assert result.top_paths["customers"].sum() == n_customers
    assert (result.steps.groupby("step")["count"].sum() == n_customers).all()


@pytest.mark.parametrize("name", FLOW_NAMES)
@pytest.mark.parametrize("top_k", [0, 1, 2])
def test_engine_labels_data_nodes_named_like_generated_ones_as_pandas_does(duck, name, top_k):
    events = reserved_events(name)
    _assert_flows_equal(duck, events, CHANNEL, 3, False, top_k, True)
    result = engine.transitions(duck, "events", CHANNEL, end_nodes=True)
    assert f"{name} (channel)" in set(result["source"])


@given(
    event_frames(nodes=RESERVED_NODES),
    st.integers(2, 6),
    st.booleans(),
    st.integers(0, 3),
    st.booleans(),
)
def test_engine_equals_pandas_with_reserved_names_property(events, steps, keep, top_k, end_nodes):
    _assert_flows_equal(RUNNER, events, CHANNEL, steps, keep, top_k, end_nodes)


@given(raw_events(), dataset_settings(), st.sampled_from([CHANNEL, TOUCHPOINT, PHASE]))
def test_engine_equals_pandas_on_prepared_events_property(raw, settings, level):
    prepared = prepare_events(raw, settings)
    _assert_flows_equal(RUNNER, prepared, level, 4, False, 2, True, n=3)
    name = _register(RUNNER, prepared)
    assert_frame_equal(engine.phase_flows(RUNNER, name, level), flows.phase_flows(prepared, level))


def test_phase_flows_hand_computed_and_unknown_phases(duck):
    phased = assign_phases(EVENTS, DatasetSettings())
    name = _register(duck, phased)
    assert_frame_equal(engine.phase_flows(duck, name), flows.phase_flows(phased))
    # a: Email, Web (awareness) -> Web (onboarding); d: Web (awareness) -> Store, Store,
    # Email (onboarding, within 30 days); b and c never convert: awareness only, no link
    links = engine.phase_flows(duck, name)
    assert links[["source", "target", "customers"]].to_numpy().tolist() == [
        ["Email", "Web", 1],
        ["Web", "Email", 1],
        ["Web", "Store", 1],
        ["Web", "Web", 1],
    ]
    odd = _register(duck, phased.assign(**{PHASE: "later"}), "odd")
    with pytest.raises(SettingsError, match="no known phase"):
        engine.phase_flows(duck, odd)


@pytest.mark.spark
def test_engine_on_spark_equals_pandas(spark):
    reserved = reserved_events("Other")
    reserved = reserved.assign(**{CUSTOMER_ID: "r" + reserved[CUSTOMER_ID]})
    events = assign_phases(pd.concat([reserved, EVENTS], ignore_index=True), DatasetSettings())
    _assert_flows_equal(spark, events, CHANNEL, 4, False, 2, True, n=3)
    assert_frame_equal(engine.phase_flows(spark, "events"), flows.phase_flows(events))
