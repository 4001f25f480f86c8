"""Overview figures: hand-computed KPIs and per-channel volumes."""

from __future__ import annotations

from pandas.testing import assert_frame_equal

from journey.schema import CHANNEL
from tests.journey.query.examples import EVENTS, frame
from tests.oracle import overview


def test_kpis_by_hand():
    # converters a and d of 4 customers; conversions at rows 5, 11, 12 carry 50.0 each
    assert overview.kpis(EVENTS) == {
        "customers": 4,
        "events": 13,
        "conversions": 3,
        "conversion_rate": 0.5,
        "revenue": 150.0,
        "channels": 4,
        "first": "2024-01-01",
        "last": "2024-01-12",
    }


def test_kpis_of_no_events_are_zero_and_blank():
    assert overview.kpis(EVENTS.iloc[:0]) == {
        "customers": 0,
        "events": 0,
        "conversions": 0,
        "conversion_rate": 0.0,
        "revenue": 0.0,
        "channels": 0,
        "first": "",
        "last": "",
    }


def test_channel_overview_by_events_then_channel():
    expected = frame(
        [CHANNEL, "events", "customers", "conversions", "revenue"],
        [
            ["Web", 7, 3, 1, 50.0],  # a (4 events), b (2), d (1); a's Checkout converts
            ["Email", 3, 3, 0, 0.0],  # a, c, d
            ["Store", 2, 1, 2, 100.0],  # d's two Till purchases
            ["Social", 1, 1, 0, 0.0],  # b
        ],
    )
    assert_frame_equal(overview.channel_overview(EVENTS), expected)
