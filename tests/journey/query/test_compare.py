"""Comparing two groups' transitions."""

from __future__ import annotations

from pandas.testing import assert_frame_equal

from journey.schema import CUSTOMER_ID
from tests.journey.query.examples import EVENTS, frame
from tests.oracle import compare


def test_compare_transitions_converters_vs_others():
    converters = EVENTS[EVENTS[CUSTOMER_ID].isin(["a", "d"])]
    others = EVENTS[EVENTS[CUSTOMER_ID].isin(["b", "c"])]
    third = 1 / 3
    expected = frame(
        ["source", "target", "count_a", "share_a", "count_b", "share_b", "diff"],
        [
            ["Social", "Web", 0, 0.0, 1, 1.0, -1.0],
            ["Email", "Web", 1, third, 0, 0.0, third],
            ["Store", "Email", 1, third, 0, 0.0, third],
            ["Web", "Store", 1, third, 0, 0.0, third],
        ],
    )
    assert_frame_equal(compare.compare_transitions(converters, others), expected)
