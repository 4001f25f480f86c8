"""Engine channel metrics and contact list equal the pandas reference (journey.query.metrics)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from journey.errors import SettingsError
from journey.query.engine import metrics as engine
from journey.query.engine.runner import DuckDBRunner
from journey.schema import (
    CAMPAIGN,
    CHANNEL,
    CONVERSION,
    CUSTOMER_ID,
    EVENT_TYPE,
    REVENUE,
    ROW,
    SESSION_ID,
    TIMESTAMP,
    TOUCHPOINT,
    DatasetSettings,
)
from tests.journey.query.engine.data import random_events, register, same, sample
from tests.oracle import metrics
from tests.oracle.scope import prepare_events

ROWS = [
    ("a", "2024-01-01 09:00", "Email", False, 0.0),  # Monday, week of Jan 1
    ("a", "2024-01-01 09:05", "Web", False, 0.0),
    ("a", "2024-01-02 10:00", "Web", True, 40.0),
    ("b", "2024-01-03 08:00", "Email", False, 0.0),
    ("b", "2024-01-03 08:30", "Email", False, 0.0),
    ("b", "2024-01-09 12:00", "Web", True, 60.0),  # next week
    ("c", "2024-01-10 12:00", "Social", False, 0.0),
]


def _events() -> pd.DataFrame:
    frame = pd.DataFrame(ROWS, columns=[CUSTOMER_ID, TIMESTAMP, CHANNEL, CONVERSION, REVENUE])
    frame[TIMESTAMP] = pd.to_datetime(frame[TIMESTAMP], utc=True).astype("datetime64[us, UTC]")
    for column in (CUSTOMER_ID, CHANNEL):
        frame[column] = frame[column].astype("str")
    frame[ROW] = np.arange(1, len(frame) + 1, dtype=np.int64)
    frame[SESSION_ID] = pd.array(["s1", "s1", "s2", "s3", "s3", None, "s5"], dtype="str")
    frame[EVENT_TYPE] = pd.array(
        ["click", "view", "purchase", "lead", "click", "purchase", "lead"], dtype="str"
    )
    frame[TOUCHPOINT] = pd.array(
        ["Promo", "Home", "Checkout", "Newsletter", "Promo", "Checkout", "Ad"], dtype="str"
    )
    return prepare_events(frame, DatasetSettings())


EVENTS = _events()


def test_channel_metrics_by_week_by_hand(duck):
    table = engine.channel_metrics(duck, register(duck, EVENTS), qualifying=["lead"])
    monday1, monday2 = pd.Timestamp("2024-01-01", tz="UTC"), pd.Timestamp("2024-01-08", tz="UTC")
    assert table["period"].tolist() == [monday1, monday1, monday2, monday2, monday2]
    assert table["channel"].tolist() == ["Email", "Web", "Email", "Social", "Web"]
    # Email wk1: sessions s1 (a), s3 (b); b's lead qualifies; Web wk2: one touch, no session
    assert table["sessions"].tolist() == [2, 2, 0, 1, 1]
    assert table["contacts"].tolist() == [2, 1, 0, 1, 1]
    assert table["qualified"].tolist() == [1, 0, 0, 1, 0]
    # a: Email > Web > Web converts Jan 2 (40); b: Email > Email > Web converts Jan 9 (60)
    assert table["sales_first"].tolist() == [1, 0, 1, 0, 0]
    assert table["revenue_first"].tolist() == [40.0, 0.0, 60.0, 0.0, 0.0]
    assert table["sales_last"].tolist() == [0, 1, 0, 0, 1]
    assert table["revenue_last"].tolist() == [0.0, 40.0, 0.0, 0.0, 60.0]
    assert str(table["period"].dtype) == "datetime64[s, UTC]"


def test_whole_range_and_errors(duck):
    name = register(duck, EVENTS)
    table = engine.channel_metrics(
        duck, name, start="2024-01-03", end="2024-01-09 23:59", granularity="all"
    )
    assert table["channel"].tolist() == ["Email", "Web"]
    assert table["period"].tolist() == [pd.Timestamp("2024-01-03", tz="UTC")] * 2
    assert table["sales_first"].tolist() == [1, 0]  # only b's conversion is in the range
    with pytest.raises(SettingsError, match="granularity"):
        engine.channel_metrics(duck, name, granularity="hour")
    with pytest.raises(SettingsError, match="no column 'nope'"):
        engine.channel_metrics(duck, name, qualifying=["x"], qualifying_column="nope")
    with pytest.raises(SettingsError, match="attribution level"):
        engine.contact_list(duck, name, level="phase")


def test_contact_list_by_hand(duck):
    contacts = engine.contact_list(duck, register(duck, EVENTS))
    assert contacts[CUSTOMER_ID].tolist() == ["c", "b", "a"]
    assert contacts["contacts"].tolist() == [1, 3, 3]
    assert contacts["last_touchpoint"].tolist() == ["Ad", "Checkout", "Checkout"]
    assert contacts[REVENUE].tolist() == [0.0, 60.0, 40.0]
    wide = contacts[["contacts_Email", "contacts_Social", "contacts_Web"]].to_numpy().tolist()
    assert wide == [[0, 1, 0], [2, 0, 1], [1, 0, 2]]
    day = engine.contact_list(duck, "ev", start=dt.date(2024, 1, 3), end=dt.date(2024, 1, 3))
    assert day[CUSTOMER_ID].tolist() == ["b"]
    assert day["contacts"].tolist() == [2]


RANGES = [
    (None, None),
    ("2025-02-01", "2025-03-15 12:00"),
    (dt.date(2025, 3, 1), dt.date(2025, 3, 31)),
]


@pytest.mark.parametrize(
    ("granularity", "level", "window", "bounds"),
    [("day", CHANNEL, 30, 0), ("week", CAMPAIGN, 0, 1), ("month", TOUCHPOINT, 7.5, 2),
     ("all", CHANNEL, 30, 1), ("all", TOUCHPOINT, 1, 0)],
)  # fmt: skip
def test_sample_channel_metrics_equal_pandas(duck, granularity, level, window, bounds):
    events = sample()
    name = register(duck, events)
    start, end = RANGES[bounds]
    args = {"start": start, "end": end, "granularity": granularity, "level": level,
            "qualifying": ["signup", "add_to_cart"], "window_days": window}  # fmt: skip
    same(engine.channel_metrics(duck, name, **args), metrics.channel_metrics(events, **args))


def test_sample_contact_list_equals_pandas(duck):
    events = sample()
    name = register(duck, events)
    for start, end in RANGES:
        for level in (CHANNEL, CAMPAIGN):
            same(
                engine.contact_list(duck, name, start, end, level),
                metrics.contact_list(events, start, end, level),
            )


@given(random_events(), st.sampled_from(["day", "week", "all"]), st.sampled_from([0, 1, 30]))
def test_random_events_equal_pandas(events, granularity, window):
    runner = DuckDBRunner()
    name = register(runner, events)
    args = {"granularity": granularity, "qualifying": ["signup"], "window_days": window}
    same(engine.channel_metrics(runner, name, **args), metrics.channel_metrics(events, **args))
    same(engine.contact_list(runner, name), metrics.contact_list(events))
    runner.con.close()


@pytest.mark.spark
def test_spark_equals_pandas(spark):
    events = sample(customers=20)
    name = register(spark, events, "metrics_ev")
    args = {"granularity": "week", "qualifying": ["signup"], "window_days": 7}
    same(engine.channel_metrics(spark, name, **args), metrics.channel_metrics(events, **args))
    same(engine.contact_list(spark, name), metrics.contact_list(events))
