"""Funnels, drop-off and over-representation: hand-computed cases and a reference."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from journey.errors import SettingsError
from journey.schema import CHANNEL, CONVERTED, CUSTOMER_ID, MISSING_NODE, NO_FURTHER_EVENTS
from tests.journey.query.examples import (
    EVENTS,
    NODES,
    event_frames,
    frame,
    make_events,
    python_paths,
    shuffle_rows,
)
from tests.oracle import funnels

FUNNEL = [
    "stage",
    "customers",
    "conversion_rate",
    "step_conversion_rate",
    "median_days_from_previous",
]


def test_funnel_by_hand():
    expected = frame(
        FUNNEL,
        [
            ["Home", 3, 0.75, 0.75, np.nan],
            ["Cart", 2, 0.5, 2 / 3, 1.5],  # a: 2 days, b: 1 day
            ["Checkout", 1, 0.25, 0.5, 1.0],
        ],
    )
    assert_frame_equal(funnels.funnel(EVENTS, ["Home", "Cart", "Checkout"]), expected)


def test_funnel_needs_strictly_later_events_and_uses_row_order_on_ties():
    repeated = funnels.funnel(EVENTS, ["Till", "Till", "Till"])
    assert repeated["customers"].tolist() == [1, 1, 0]
    tie = funnels.funnel(EVENTS, ["Newsletter", "Home"])
    assert tie["customers"].tolist() == [3, 1]  # a: Newsletter (row 1) then Home (row 2)


def test_funnel_by_channel_counts_each_customer_once_per_stage():
    out = funnels.funnel(EVENTS, ["Web", "Web", "Email"], by=CHANNEL)
    # a: Web Web, no Email after; b: Web Web; d: Web, then no second Web
    assert out["customers"].tolist() == [3, 2, 0]


def test_funnel_unknown_stage_suggests_close_matches():
    with pytest.raises(SettingsError, match=r"'Hom' is not a touchpoint.*'Home'"):
        funnels.funnel(EVENTS, ["Hom", "Cart"])
    with pytest.raises(SettingsError, match="at least one stage"):
        funnels.funnel(EVENTS, [])


def test_funnel_dropoff_next():
    expected = frame(
        ["stage", "next_node", "customers"],
        [["Home", "Till", 1], ["Cart", "(no further events)", 1]],
    )
    assert_frame_equal(funnels.funnel_dropoff_next(EVENTS, ["Home", "Cart", "Checkout"]), expected)


def test_default_funnel_ends_with_the_converting_touchpoint():
    # converters a (Newsletter, Home, Product, Cart before Checkout) and d (Home before Till);
    # Checkout and Till tie as first-conversion touchpoints: the smaller code (Checkout) wins.
    # Home: 2 converters; Cart, Newsletter, Product: 1 each -> Home, Cart, Newsletter.
    # Median relative first-touch positions: Newsletter 0, Home (1/4 and 0) 0.125, Cart 3/4.
    assert funnels.default_funnel(EVENTS) == ["Newsletter", "Home", "Cart", "Checkout"]


def test_biggest_dropoffs():
    expected = frame(
        ["node", "reached", "ended_here", "dropoff_rate"],
        [
            ["Newsletter", 3, 2, 2 / 3],  # c, and d after its conversions
            ["Cart", 2, 1, 0.5],  # b
            ["Checkout", 1, 0, 0.0],  # a converted at its last event
        ],
    )
    assert_frame_equal(funnels.biggest_dropoffs(EVENTS, n=3), expected)


def test_overrepresentation_before_conversion():
    expected = frame(
        ["node", "share_converters", "share_non_converters", "lift", "difference"],
        [
            ["Checkout", 0.5, 0.0, np.inf, 0.5],
            ["Home", 1.0, 0.5, 2.0, 0.5],
            ["Product", 0.5, 0.0, np.inf, 0.5],
            ["Till", 0.5, 0.0, np.inf, 0.5],
            ["Cart", 0.5, 0.5, 1.0, 0.0],
            ["Newsletter", 0.5, 0.5, 1.0, 0.0],  # d's Newsletter came after its conversion
            ["Post", 0.0, 0.5, 0.0, -0.5],
        ],
    )
    assert_frame_equal(funnels.overrepresentation(EVENTS), expected)


@given(event_frames(), st.lists(st.sampled_from(NODES), min_size=1, max_size=4))
def test_funnel_matches_a_per_customer_reference(events, stages):
    expected = []
    reached_by = dict.fromkeys(events[CUSTOMER_ID].unique(), -1)
    for stage in stages:
        nxt = {}
        for customer, start in reached_by.items():
            path = python_paths(events[events[CUSTOMER_ID] == customer], keep_repeats=True)
            hits = [i for i, node in enumerate(path[customer]) if node == stage and i > start]
            if hits:
                nxt[customer] = hits[0]
        expected.append(len(nxt))
        reached_by = nxt
    present = set(events[CHANNEL])
    if not set(stages) <= present:
        with pytest.raises(SettingsError):
            funnels.funnel(events, stages, by=CHANNEL)
        return
    assert funnels.funnel(events, stages, by=CHANNEL)["customers"].tolist() == expected


@given(event_frames(ties=False), st.randoms(use_true_random=False))
def test_shuffling_rows_without_ties_changes_nothing(events, rnd):
    stages = sorted(set(events[CHANNEL]))[::-1]
    assert_frame_equal(
        funnels.funnel(shuffle_rows(events, rnd), stages, by=CHANNEL),
        funnels.funnel(events, stages, by=CHANNEL),
    )


def test_dropoff_next_keeps_generated_names_apart_from_data_values():
    events = make_events(
        [
            ("a", "2024-01-01", "Web", "Home", False),
            ("a", "2024-01-02", "Web", NO_FURTHER_EVENTS, False),  # a value, not the end
            ("b", "2024-01-01", "Web", "Home", False),  # nothing after Home
            ("c", "2024-01-01", "Web", "Home", False),
            ("c", "2024-01-02", "Web", None, False),  # no touchpoint
            ("d", "2024-01-01", "Web", "Home", False),
            ("d", "2024-01-02", "Web", MISSING_NODE, False),  # a value, not a missing one
            ("e", "2024-01-01", "Web", "Home", False),
            ("e", "2024-01-02", "Web", CONVERTED, True),
        ]
    )
    expected = frame(
        ["stage", "next_node", "customers"],
        [
            ["Home", MISSING_NODE, 1],  # c
            ["Home", "(missing) (touchpoint)", 1],  # d
            ["Home", NO_FURTHER_EVENTS, 1],  # b
            ["Home", "(no further events) (touchpoint)", 1],  # a
        ],
    )
    assert_frame_equal(funnels.funnel_dropoff_next(events, ["Home", CONVERTED]), expected)
    # stages are data values, as typed: "Converted" matches e's touchpoint
    assert funnels.funnel(events, ["Home", CONVERTED])["customers"].tolist() == [5, 1]
