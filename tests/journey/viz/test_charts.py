"""Charts: bars, funnels and timelines built from hand-made frames."""

from __future__ import annotations

import pandas as pd
import pytest

from journey.schema import (
    CHANNEL,
    CONVERSION,
    EVENT_TYPE,
    FOLDED_COLOR,
    NEUTRAL_COLOR,
    NO_FURTHER_EVENTS,
    PHASE,
    PHASE_COLORS,
    REVENUE,
    TIMESTAMP,
    TOUCHPOINT,
)
from journey.viz import charts
from journey.viz.palette import NEGATIVE_COLOR, POSITIVE_COLOR

BLUE, ORANGE, GREEN, PINK = (
    PHASE_COLORS["awareness"],
    PHASE_COLORS["onboarding"],
    PHASE_COLORS["engagement"],
    PHASE_COLORS["post-purchase"],
)


def test_funnel_shows_customers_per_stage_with_rates():
    funnel = pd.DataFrame(
        {
            "stage": ["Home", "Cart", "Purchase"],
            "customers": [10, 4, 1],
            "conversion_rate": [1.0, 0.4, 0.1],
            "step_conversion_rate": [1.0, 0.4, 0.25],
            "median_days_from_previous": [float("nan"), 2.25, 0.5],
        }
    )
    trace = charts.build_funnel(funnel).data[0]
    assert list(trace.y) == ["Home", "Cart", "Purchase"]
    assert list(trace.x) == [10, 4, 1]
    assert [tuple(c) for c in trace.customdata] == [
        (1.0, 1.0, "n/a"),
        (0.4, 0.4, "2.2"),
        (0.1, 0.25, "0.5"),
    ]


def test_dropoff_bars_show_customers_labelled_with_rates_first_on_top():
    dropoffs = pd.DataFrame(
        {
            "node": ["Pricing", "Cart"],
            "reached": [20, 8],
            "ended_here": [10, 6],
            "dropoff_rate": [0.5, 0.75],
        }
    )
    fig = charts.build_dropoff_bars(dropoffs)
    assert list(fig.data[0].y) == ["Pricing", "Cart"]
    assert list(fig.data[0].x) == [10, 6]
    assert [tuple(c) for c in fig.data[0].customdata] == [(20, 0.5), (8, 0.75)]
    assert fig.data[0].texttemplate == "%{customdata[1]:.1%}"
    assert fig.layout.yaxis.autorange == "reversed"


def test_dropoff_next_draws_the_top_rows_with_shares_of_all():
    frame = pd.DataFrame(
        {
            "stage": ["Cart", "Cart", "Cart"],
            "next_node": ["Blog", NO_FURTHER_EVENTS, "Home"],
            "customers": [5, 3, 2],
        }
    )
    bar = charts.build_dropoff_next(frame, top=2).data[0]
    assert list(bar.y) == ["Blog", NO_FURTHER_EVENTS]
    assert list(bar.x) == [5, 3]
    assert list(bar.customdata) == pytest.approx([0.5, 0.3])  # of all 10 who dropped
    assert list(bar.marker.color) == [NEUTRAL_COLOR, FOLDED_COLOR]


def test_overrepresentation_colours_by_sign():
    frame = pd.DataFrame(
        {
            "node": ["Demo", "Blog"],
            "share_converters": [0.8, 0.1],
            "share_non_converters": [0.2, 0.5],
            "lift": [4.0, 0.2],
            "difference": [0.6, -0.4],
        }
    )
    bar = charts.build_overrepresentation(frame).data[0]
    assert list(bar.x) == [0.6, -0.4]
    assert list(bar.marker.color) == [POSITIVE_COLOR, NEGATIVE_COLOR]
    assert [c[2] for c in bar.customdata] == ["4.0", "0.2"]


def test_timeline_has_one_trace_per_phase_in_journey_order():
    timeline = pd.DataFrame(
        {
            TIMESTAMP: pd.to_datetime(
                ["2024-01-01", "2024-01-03", "2024-01-05", "2024-03-01"], utc=True
            ),
            CHANNEL: ["Email", "Web", "Store", "Chat"],
            TOUCHPOINT: ["Welcome", "Pricing", "Till", "Help"],
            EVENT_TYPE: ["open", "view", "purchase", None],
            REVENUE: [0.0, 0.0, 99.5, 0.0],
            CONVERSION: [False, False, True, False],
            PHASE: ["awareness", "awareness", "onboarding", "post-purchase"],
        }
    )
    fig = charts.build_timeline(timeline)
    assert [t.name for t in fig.data] == ["Awareness", "Onboarding", "Post-purchase"]
    assert [t.marker.color for t in fig.data] == [BLUE, ORANGE, PINK]
    assert list(fig.data[0].y) == ["Email", "Web"]
    assert list(fig.data[1].marker.symbol) == ["diamond"]
    assert [tuple(c) for c in fig.data[1].customdata] == [("Till", "purchase", 99.5)]
    assert list(fig.layout.yaxis.categoryarray) == ["Email", "Web", "Store", "Chat"]


def test_compare_diff_labels_edges_and_colours_by_sign():
    compare = pd.DataFrame(
        {
            "source": ["Cart", "Home"],
            "target": ["Purchase", "Blog"],
            "count_a": [5, 1],
            "share_a": [0.5, 0.1],
            "count_b": [1, 6],
            "share_b": [0.1, 0.6],
            "diff": [0.4, -0.5],
        }
    )
    bar = charts.build_compare_diff(compare, label_a="Buyers", label_b="Others").data[0]
    assert list(bar.y) == ["Cart → Purchase", "Home → Blog"]
    assert list(bar.x) == [0.4, -0.5]
    assert list(bar.marker.color) == [POSITIVE_COLOR, NEGATIVE_COLOR]
    assert list(bar.meta) == ["Buyers", "Others"]
    assert "%{meta[0]}" in bar.hovertemplate
    assert "%{meta[1]}" in bar.hovertemplate


def test_phase_summary_bars_in_phase_colours():
    summary = pd.DataFrame(
        {
            PHASE: ["awareness", "onboarding", "engagement", "post-purchase"],
            "customers": [10, 4, 2, 1],
            "share_of_customers": [1.0, 0.4, 0.2, 0.1],
        }
    )
    bar = charts.build_phase_summary(summary).data[0]
    assert list(bar.x) == ["Awareness", "Onboarding", "Engagement", "Post-purchase"]
    assert list(bar.y) == [1.0, 0.4, 0.2, 0.1]
    assert list(bar.marker.color) == [BLUE, ORANGE, GREEN, PINK]
