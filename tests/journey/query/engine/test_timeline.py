"""Engine point queries on one customer equal the pandas references (profile, scope)."""

from __future__ import annotations

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from journey.errors import SettingsError
from journey.query.engine import timeline as engine
from journey.schema import (
    CHANNEL,
    CONVERSION,
    CUSTOMER_ID,
    PHASE,
    REVENUE,
    ROW,
    TIMESTAMP,
    TOUCHPOINT,
    DatasetSettings,
)
from tests.journey.query.engine.data import register, same, sample
from tests.journey.query.examples import EVENTS, make_events
from tests.oracle import profile
from tests.oracle.scope import find_customers, prepare_events

PREPARED = prepare_events(EVENTS, DatasetSettings())
SHOWN = ["position", CUSTOMER_ID, TIMESTAMP, CHANNEL, TOUCHPOINT, CONVERSION, REVENUE, ROW, PHASE]


def test_profile_and_timeline_by_hand(duck):
    name = register(duck, PREPARED)
    view = engine.customer_profile(duck, name, "d")
    assert view["n_events"] == 4
    assert view["conversions"] == 2
    assert view["lifetime_revenue"] == 100.0
    assert view["first_seen"] == pd.Timestamp("2024-01-01", tz="UTC")
    assert view["last_seen"] == pd.Timestamp("2024-01-12", tz="UTC")
    assert view["channels"] == 3
    assert view["current_phase"] == "onboarding"  # 01-12 is within 30 days of 01-02
    assert view["last_contact"][CHANNEL].tolist() == ["Email", "Store", "Web"]
    assert view["last_contact"][TOUCHPOINT].tolist() == ["Newsletter", "Till", "Home"]
    timeline = engine.customer_timeline(duck, name, "a")
    assert timeline["position"].tolist() == [1, 2, 3, 4, 5]
    assert timeline[TOUCHPOINT].tolist() == ["Newsletter", "Home", "Product", "Cart", "Checkout"]


def test_unknown_customer_suggests_ids(duck):
    name = register(duck, PREPARED)
    with pytest.raises(SettingsError, match=r"no customer 'zz' in the events\.$"):
        engine.customer_profile(duck, name, "zz")
    with pytest.raises(SettingsError, match="Did you mean 'a'"):
        engine.customer_timeline(duck, name, "A")


def test_find_customers_any_case_sorted_and_limited(duck):
    events = make_events(
        [
            ("b", "2024-01-01", "Web", "Home", False),
            ("A1", "2024-01-01", "Web", "Home", False),
            ("a2", "2024-01-01", "Web", "Home", False),
            ("A1", "2024-01-02", "Web", "Home", False),
        ]
    )
    name = register(duck, events)
    assert engine.find_customers(duck, name, " a ", 10) == ["A1", "a2"]
    assert engine.find_customers(duck, name, "a", 1) == ["A1"]
    assert engine.find_customers(duck, name, "", 10) == ["A1", "a2", "b"]
    assert engine.find_customers(duck, name, "zz", 10) == []
    assert engine.find_customers(duck, name, "'; DROP", 10) == []


def _check_sample(runner, name, events, ids):
    for customer in ids:
        ours = engine.customer_profile(runner, name, customer)
        theirs = profile.customer_profile(events, customer)
        same(ours.pop("last_contact"), theirs.pop("last_contact"))
        assert ours == theirs
        same(
            engine.customer_timeline(runner, name, customer)[SHOWN],
            profile.customer_timeline(events, customer)[SHOWN].reset_index(drop=True),
        )
    for query in ("c00", "C012", "7"):
        assert engine.find_customers(runner, name, query, 25) == find_customers(events, query, 25)


def test_sample_equals_pandas(duck):
    events = sample()
    ids = sorted(events[CUSTOMER_ID].unique())
    _check_sample(duck, register(duck, events), events, ids[::500])


@pytest.mark.spark
def test_spark_equals_pandas(spark):
    events = sample(customers=10)
    ids = sorted(events[CUSTOMER_ID].unique())
    _check_sample(spark, register(spark, events, "timeline_ev"), events, ids[:2])


def test_timeline_types(duck):
    out = engine.customer_timeline(duck, register(duck, PREPARED), "b")
    expected = profile.customer_timeline(PREPARED, "b")[SHOWN].reset_index(drop=True)
    assert_frame_equal(out[SHOWN], expected)
