"""Per-node figures: hand-computed node stats."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from journey.schema import DatasetSettings
from tests.journey.query.examples import (
    EVENTS,
    FLOW_NAMES,
    event_frames,
    frame,
    reserved_events,
    shuffle_rows,
)
from tests.oracle import stats
from tests.oracle.phases import assign_phases


def test_node_stats():
    phased = assign_phases(EVENTS, DatasetSettings())
    expected = frame(
        ["node", "volume", "customers", "dominant_phase", "conversion_rate_after"],
        [
            ["Email", 3, 3, "awareness", 1 / 3],
            ["Web", 3, 3, "awareness", 2 / 3],
            ["Social", 1, 1, "awareness", 0.0],
            ["Store", 1, 1, "onboarding", 1.0],
        ],
    )
    assert_frame_equal(stats.node_stats(phased), expected)


@given(event_frames(ties=False), st.randoms(use_true_random=False))
def test_shuffling_rows_without_ties_changes_nothing(events, rnd):
    assert_frame_equal(stats.node_stats(shuffle_rows(events, rnd)), stats.node_stats(events))


@pytest.mark.parametrize("name", FLOW_NAMES)
def test_node_stats_label_a_node_named_like_a_generated_one(name):
    # a: name, Web, Email (converts at Email); b: Web, name; c: name; no phases
    expected = frame(
        ["node", "volume", "customers", "dominant_phase", "conversion_rate_after"],
        [
            [f"{name} (channel)", 3, 3, None, 1 / 3],
            ["Web", 2, 2, None, 1 / 2],
            ["Email", 1, 1, None, 1.0],
        ],
    )
    assert_frame_equal(stats.node_stats(reserved_events(name)), expected)
