"""Channel metrics by date range and the contact list, worked out by hand."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from journey.errors import SettingsError
from journey.query.metrics import default_qualifying, filter_contacts
from journey.schema import (
    CHANNEL,
    CONVERSION,
    CUSTOMER_ID,
    EVENT_TYPE,
    REVENUE,
    ROW,
    SESSION_ID,
    TIMESTAMP,
    TOUCHPOINT,
)
from journey.viz import attribution_charts
from tests.oracle.metrics import channel_metrics, contact_list


def make_events(rows: list[tuple], extra: dict[str, list] | None = None) -> pd.DataFrame:
    """Events from (customer, timestamp, channel, conversion, revenue) tuples, row = 1..n."""
    frame = pd.DataFrame(rows, columns=[CUSTOMER_ID, TIMESTAMP, CHANNEL, CONVERSION, REVENUE])
    frame[TIMESTAMP] = pd.to_datetime(frame[TIMESTAMP], utc=True, format="mixed").astype(
        "datetime64[us, UTC]"
    )
    frame[CUSTOMER_ID] = frame[CUSTOMER_ID].astype("str")
    frame[CHANNEL] = frame[CHANNEL].astype("str")
    frame[REVENUE] = frame[REVENUE].astype("float64")
    frame[ROW] = np.arange(1, len(frame) + 1, dtype=np.int64)
    for name, values in (extra or {}).items():
        frame[name] = values
    return frame


@pytest.fixture
def metric_events() -> pd.DataFrame:
    rows = [
        ("a", "2024-01-01 09:00", "Email", False, 0.0),  # Monday, week of Jan 1
        ("a", "2024-01-01 09:05", "Web", False, 0.0),
        ("a", "2024-01-02 10:00", "Web", True, 40.0),
        ("b", "2024-01-03 08:00", "Email", False, 0.0),
        ("b", "2024-01-03 08:30", "Email", False, 0.0),
        ("b", "2024-01-09 12:00", "Web", True, 60.0),  # next week
        ("c", "2024-01-10 12:00", "Social", False, 0.0),
    ]
    return make_events(
        rows,
        {
            SESSION_ID: ["s1", "s1", "s2", "s3", "s3", None, "s5"],
            EVENT_TYPE: ["click", "view", "purchase", "lead", "click", "purchase", "lead"],
            TOUCHPOINT: ["Promo", "Home", "Checkout", "Newsletter", "Promo", "Checkout", "Ad"],
        },
    )


def test_channel_metrics_by_week(metric_events):
    table = channel_metrics(metric_events, granularity="week", qualifying=["lead"])
    monday1 = pd.Timestamp("2024-01-01", tz="UTC")
    monday2 = pd.Timestamp("2024-01-08", tz="UTC")
    expected = pd.DataFrame(
        {
            "period": pd.DatetimeIndex([monday1, monday1, monday2, monday2, monday2]),
            "channel": ["Email", "Web", "Email", "Social", "Web"],
            # Email wk1: s1 (a), s3 (b) -> 2 sessions, 2 contacts, b had a lead -> 1 qualified
            # Web wk1: s1, s2 -> 2; wk2: one touch without session -> 1
            "sessions": [2, 2, 0, 1, 1],
            "contacts": [2, 1, 0, 1, 1],
            "qualified": [1, 0, 0, 1, 0],
            # a: Email > Web > Web converts Jan 2 (40): first Email, last Web
            # b: Email > Email > Web converts Jan 9 (60): first Email, last Web
            "sales_first": [1, 0, 1, 0, 0],
            "revenue_first": [40.0, 0.0, 60.0, 0.0, 0.0],
            "sales_last": [0, 1, 0, 0, 1],
            "revenue_last": [0.0, 40.0, 0.0, 0.0, 60.0],
        }
    )
    assert_frame_equal(table, expected, check_dtype=False, check_index_type=False)


def test_channel_metrics_date_range_and_whole_range(metric_events):
    table = channel_metrics(
        metric_events, start="2024-01-03", end="2024-01-09 23:59", granularity="all"
    )
    assert table["channel"].tolist() == ["Email", "Web"]
    assert table["period"].tolist() == [pd.Timestamp("2024-01-03", tz="UTC")] * 2
    assert table["sessions"].tolist() == [1, 1]
    assert table["sales_first"].tolist() == [1, 0]  # only b's conversion falls in the range
    assert table["sales_last"].tolist() == [0, 1]
    monthly = channel_metrics(metric_events, granularity="month")
    assert monthly["period"].unique().tolist() == [pd.Timestamp("2024-01-01", tz="UTC")]
    assert monthly["sales_last"].sum() == 2
    daily = channel_metrics(metric_events, granularity="day")
    assert daily["period"].min() == pd.Timestamp("2024-01-01", tz="UTC")
    with pytest.raises(SettingsError, match="granularity"):
        channel_metrics(metric_events, granularity="hour")


def test_channel_metrics_without_session_column_counts_touches(metric_events):
    table = channel_metrics(metric_events.drop(columns=SESSION_ID), granularity="all")
    assert table.set_index("channel")["sessions"].to_dict() == {"Email": 3, "Social": 1, "Web": 3}


def test_contact_list(metric_events):
    contacts = contact_list(metric_events)
    assert contacts[CUSTOMER_ID].tolist() == ["c", "b", "a"]
    assert contacts["contacts"].tolist() == [1, 3, 3]
    assert contacts["last_channel"].tolist() == ["Social", "Web", "Web"]
    assert contacts["last_touchpoint"].tolist() == ["Ad", "Checkout", "Checkout"]
    assert contacts["last_contact"].tolist() == [
        pd.Timestamp("2024-01-10 12:00", tz="UTC"),
        pd.Timestamp("2024-01-09 12:00", tz="UTC"),
        pd.Timestamp("2024-01-02 10:00", tz="UTC"),
    ]
    assert contacts["first_contact"].tolist()[2] == pd.Timestamp("2024-01-01 09:00", tz="UTC")
    assert contacts["conversions"].tolist() == [0, 1, 1]
    assert contacts[REVENUE].tolist() == [0.0, 60.0, 40.0]
    assert contacts[["contacts_Email", "contacts_Social", "contacts_Web"]].to_numpy().tolist() == [
        [0, 1, 0],
        [2, 0, 1],
        [1, 0, 2],
    ]
    january_3 = contact_list(metric_events, start="2024-01-03", end="2024-01-03 23:00")
    assert january_3[CUSTOMER_ID].tolist() == ["b"]
    assert january_3["contacts"].tolist() == [2]


def test_qualifying_defaults_and_contact_filter(metric_events):
    assert default_qualifying(["view", "Add to cart", "lead", "purchase"]) == [
        "Add to cart",
        "lead",
    ]
    people = contact_list(metric_events)
    assert filter_contacts(people, "B")[CUSTOMER_ID].tolist() == ["b"]
    assert filter_contacts(people, last_channels=["Web"])[CUSTOMER_ID].tolist() == ["b", "a"]
    assert filter_contacts(people, min_contacts=2)[CUSTOMER_ID].tolist() == ["b", "a"]


def test_a_date_end_covers_the_whole_day(metric_events):
    day = contact_list(metric_events, start=dt.date(2024, 1, 3), end=dt.date(2024, 1, 3))
    assert day[CUSTOMER_ID].tolist() == ["b"]
    assert day["contacts"].tolist() == [2]


def test_trend_figure_draws_a_line_per_channel(metric_events):
    table = channel_metrics(metric_events, granularity="week")
    trend = attribution_charts.build_metrics_trend(table, "sessions")
    assert [trace.name for trace in trend.data] == ["Email", "Social", "Web"]
    assert list(trend.data[0].y) == [2, 0]
