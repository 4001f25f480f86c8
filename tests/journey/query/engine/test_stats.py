"""Engine node statistics equal the pandas reference (journey.query.stats.node_stats)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from journey.errors import SettingsError
from journey.query.engine import stats as engine
from journey.query.engine.runner import DuckDBRunner
from journey.schema import CHANNEL, PHASE, TOUCHPOINT, DatasetSettings
from tests.journey.query.engine.data import random_events, register, same, sample
from tests.journey.query.examples import EVENTS, RESERVED_NODES, frame, reserved_events
from tests.oracle.scope import prepare_events
from tests.oracle.stats import node_stats

PREPARED = prepare_events(EVENTS, DatasetSettings())


def test_node_stats_by_hand(duck):
    # collapsed channel paths: a Email Web, b Social Web, c Email, d Web Store Email;
    # a converts at its Web run, d at Store (twice), after its first Web visit too.
    expected = frame(
        ["node", "volume", "customers", "dominant_phase", "conversion_rate_after"],
        [["Email", 3, 3, "awareness", 1 / 3],  # a's Email is before its conversion
         ["Web", 3, 3, "awareness", 2 / 3],  # a and d convert after visiting Web
         ["Social", 1, 1, "awareness", 0.0],
         ["Store", 1, 1, "onboarding", 1.0]],
    )  # fmt: skip
    same(engine.node_stats(duck, register(duck, PREPARED)), expected)


def test_phase_level_needs_phases(duck):
    name = register(duck, EVENTS)  # not prepared: no phases
    with pytest.raises(SettingsError, match="assign phases"):
        engine.node_stats(duck, name, PHASE)
    with pytest.raises(SettingsError, match="no column"):
        engine.node_stats(duck, name, "nope")


@pytest.mark.parametrize("name", RESERVED_NODES[:-2])
def test_values_named_like_generated_nodes(duck, name):
    events = prepare_events(reserved_events(name), DatasetSettings())
    same(engine.node_stats(duck, register(duck, events)), node_stats(events))


def test_sample_equals_pandas(duck):
    events = sample()
    name = register(duck, events)
    for level in (CHANNEL, TOUCHPOINT, PHASE):
        for keep in (False, True):
            same(engine.node_stats(duck, name, level, keep), node_stats(events, level, keep))


@given(random_events(), st.sampled_from([CHANNEL, TOUCHPOINT, PHASE]), st.booleans())
def test_random_events_equal_pandas(events, level, keep):
    runner = DuckDBRunner()
    name = register(runner, events)
    same(engine.node_stats(runner, name, level, keep), node_stats(events, level, keep))
    runner.con.close()


@pytest.mark.spark
def test_spark_equals_pandas(spark):
    events = sample(customers=20)
    name = register(spark, events, "stats_ev")
    same(engine.node_stats(spark, name, TOUCHPOINT), node_stats(events, TOUCHPOINT))
