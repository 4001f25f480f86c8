"""Next-best-action features in SQL: hand-computed snapshots, no look-ahead, Spark parity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from journey.query.engine import features as sqlf
from journey.schema import DatasetSettings
from tests.journey.query.engine.data import register
from tests.oracle.scope import prepare_events

CUT = pd.Timestamp("2024-03-07")


def _events() -> pd.DataFrame:
    rows = [
        # a: newsletter, a visit, a cart, a reminder; buys after the cut-off
        ["a", "2024-03-01T10:00", "Email", "News", "email_open", False, None, ""],
        ["a", "2024-03-02T10:00", "Web", "Home", "view", False, None, ""],
        ["a", "2024-03-05T12:00", "Web", "Add to cart", "add_to_cart", False, None, ""],
        ["a", "2024-03-06T00:00", "Email", "Cart reminder", "email_click", False, None, ""],
        ["a", "2024-03-10T00:00", "Web", "Order", "purchase", True, 50.0, ""],
        # b: bought, then called support; opted out
        ["b", "2024-01-01T00:00", "Store", "Till", "purchase", True, 100.0, "yes"],
        ["b", "2024-01-02T00:00", "Call Center", "Support call", "support_contact", False, None,
         "yes"],
    ]  # fmt: skip
    frame = pd.DataFrame(
        rows,
        columns=["customer_id", "timestamp", "channel", "touchpoint", "event_type",
                 "conversion", "revenue", "opt_out"],
    )  # fmt: skip
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True).dt.as_unit("us")
    frame["row"] = np.arange(1, len(frame) + 1)
    return prepare_events(frame, DatasetSettings())


def _features(runner, cutoffs, horizon=30) -> pd.DataFrame:
    name = register(runner, _events())
    query = sqlf.FeatureQuery(
        channels=("Web", "Email", "Call Center"),
        onboarding_touchpoints=("Welcome",),
        horizon_days=horizon,
        opt_out_columns=sqlf.opt_out_columns(runner, name),
    )
    sql = sqlf.feature_sql(name, sqlf.snapshots_at(name, cutoffs), query)
    return runner.frame(sql)


def test_features_of_two_customers_by_hand(duck):
    out = _features(duck, [CUT]).set_index("customer_id")
    a, b = out.loc["a"], out.loc["b"]
    # a: four touches in the 7 days before 03-07 (the 03-10 purchase is the future)
    assert (a["touches_7d"], a["touches_7d:Email"], a["touches_7d:Web"]) == (4, 2, 2)
    assert (a["frequency"], a["conversions"], a["monetary"]) == (4, 0, 0.0)
    assert a["recency_days"] == pytest.approx(1.0)
    assert a["tenure_days"] == pytest.approx(5 + 14 / 24)
    assert a["last_channel"] == "Email"
    assert a["last_touchpoint"] == "Cart reminder"
    assert bool(a["open_cart"])
    assert a["hours_since_cart"] == pytest.approx(36.0)
    assert (a["since_cart:Email"], a["since_cart:Web"]) == (1, 0)
    # Email 03-01 answered by the 03-02 visit; Email 03-06's answer comes after the cut-off.
    # Web 03-02 is followed by Web (same channel), Web 03-05 by the Email: answered.
    assert a["response_rate:Email"] == pytest.approx(0.5)
    assert a["response_rate:Web"] == pytest.approx(0.5)
    assert pd.isna(a["response_rate:Call Center"])
    assert pd.isna(a["days_since_conversion"])
    assert (a["converted"], a["opted_out"]) == (1, 0)
    # b: bought 66 days before, support call 65 days before (2024 is a leap year)
    assert (b["touches_7d"], b["touches_30d"], b["touches_90d"]) == (0, 0, 2)
    assert b["recency_days"] == pytest.approx(65.0)
    assert b["days_since_conversion"] == pytest.approx(66.0)
    assert (b["conversions"], b["monetary"]) == (1, 100.0)
    assert bool(b["last_is_support"])
    assert b["support_contacts_90d"] == 1
    assert not bool(b["open_cart"])
    assert (b["converted"], b["opted_out"], b["onboarding_touches"]) == (0, 1, 0)


def test_a_snapshot_only_knows_the_past(duck):
    # at 03-05 12:00 the cart is the very cut-off instant: not yet known
    out = _features(duck, [pd.Timestamp("2024-03-05T12:00")]).set_index("customer_id")
    assert out.loc["a", "frequency"] == 2
    assert not bool(out.loc["a", "open_cart"])
    assert out.loc["a", "response_rate:Email"] == pytest.approx(1.0)


def test_snapshots_are_sorted_and_skip_customers_without_history(duck):
    out = _features(duck, [CUT, pd.Timestamp("2024-01-01T12:00")])
    assert out[["customer_id", "cutoff"]].astype(str).to_numpy().tolist() == [
        ["b", "2024-01-01 12:00:00"],
        ["a", "2024-03-07 00:00:00"],
        ["b", "2024-03-07 00:00:00"],
    ]


def test_no_cutoff_is_bad_input():
    with pytest.raises(Exception, match="at least one cut-off"):
        sqlf.snapshots_at("ev", [])


@pytest.mark.spark
def test_spark_gives_the_same_features(duck, spark):
    expected = _features(duck, [CUT, pd.Timestamp("2024-03-03")])
    result = _features(spark, [CUT, pd.Timestamp("2024-03-03")])
    result = result[expected.columns].astype(expected.dtypes.to_dict())
    pd.testing.assert_frame_equal(result, expected, check_exact=False)
