"""Tests of the sample events: determinism and the story's invariants."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from journey.sample.constants import SAMPLE_EVENT_COLUMNS
from journey.sample.events import generate_events
from journey.sample.transcripts import generate_transcripts
from journey.schema import (
    CHANNEL,
    CONVERSION,
    CUSTOMER_ID,
    EVENT_COLUMNS,
    EVENT_TYPE,
    LABEL,
    REVENUE,
    SEGMENT,
    SPEAKER,
    TIMESTAMP,
    TOUCHPOINT,
)

CHANNELS_12 = {
    "Paid Search",
    "Organic Search",
    "Social",
    "Display",
    "TV",
    "Email",
    "Web",
    "App",
    "Push",
    "Call Center",
    "Chat",
    "Store",
}
MEDIA = ["Paid Search", "Organic Search", "Social", "Display", "TV", "Email", "Push"]


def test_same_seed_gives_the_same_frames():
    small = generate_events(n_customers=300, seed=11)
    pd.testing.assert_frame_equal(small, generate_events(n_customers=300, seed=11))
    pd.testing.assert_frame_equal(
        generate_transcripts(small, seed=3), generate_transcripts(small, seed=3)
    )


def test_another_seed_gives_other_frames():
    a = generate_events(n_customers=300, seed=11)
    b = generate_events(n_customers=300, seed=12)
    assert not a.equals(b)
    assert not generate_transcripts(a, seed=3).equals(generate_transcripts(a, seed=4))


def test_events_use_canonical_columns_in_contract_order(events: pd.DataFrame):
    assert list(events.columns) == list(SAMPLE_EVENT_COLUMNS)
    assert set(events.columns) <= set(EVENT_COLUMNS)


def test_event_volume_and_variety(events: pd.DataFrame):
    assert len(events) >= 80_000
    assert 4_500 <= events[CUSTOMER_ID].nunique() <= 5_000
    assert set(events[CHANNEL]) == CHANNELS_12
    assert events[TOUCHPOINT].nunique() >= 30
    assert set(events["team"]) == {"marketing", "sales", "service", "product"}
    assert set(events["device"]) == {"", "desktop", "mobile", "tablet"}
    assert set(events[SEGMENT]) == {"Consumer", "SMB", "Enterprise"}


def test_timestamps_are_iso_utc_and_span_seven_months(events: pd.DataFrame):
    assert events[TIMESTAMP].str.fullmatch(r"2025-0[1-7]-\d\dT\d\d:\d\d:\d\dZ").all()
    stamps = pd.to_datetime(events[TIMESTAMP], utc=True)
    assert stamps.min() < pd.Timestamp("2025-01-15", tz="UTC")
    assert stamps.max() > pd.Timestamp("2025-07-15", tz="UTC")


def test_revenue_only_on_conversions_and_positive(events: pd.DataFrame):
    assert set(events[CONVERSION]) == {"true", "false"}
    converted = events[CONVERSION] == "true"
    assert (events.loc[converted, EVENT_TYPE] == "purchase").all()
    assert (events.loc[~converted, REVENUE] == "").all()
    assert (events.loc[converted, REVENUE].astype(float) > 0).all()


def test_most_customers_never_convert_and_some_buy_again(events: pd.DataFrame):
    purchases = (events[CONVERSION] == "true").groupby(events[CUSTOMER_ID]).sum()
    never = (purchases == 0).mean()
    assert 0.6 <= never <= 0.7
    assert (purchases >= 2).sum() >= 200


def test_enterprise_orders_are_worth_more_than_consumer_orders(events: pd.DataFrame):
    sales = events[events[CONVERSION] == "true"]
    median = sales[REVENUE].astype(float).groupby(sales[SEGMENT]).median()
    assert median["Consumer"] < median["SMB"] < median["Enterprise"]


def test_carts_are_abandoned(events: pd.DataFrame):
    carts = set(events.loc[events[EVENT_TYPE] == "add_to_cart", CUSTOMER_ID])
    buyers = set(events.loc[events[CONVERSION] == "true", CUSTOMER_ID])
    assert len(carts - buyers) >= 300


def test_display_and_tv_open_journeys_paid_search_and_email_close_them(events: pd.DataFrame):
    ordered = events.assign(_i=np.arange(len(events))).sort_values(
        [CUSTOMER_ID, TIMESTAMP, "_i"], kind="stable"
    )
    first = ordered.groupby(CUSTOMER_ID)[CHANNEL].first().value_counts(normalize=True)
    assert first.get("Display", 0) + first.get("TV", 0) > 0.3
    assert first.get("Email", 0) < 0.02
    # the last paid/owned media touch before each purchase ("last non-direct")
    media = ordered[ordered[CHANNEL].isin(MEDIA) | (ordered[CONVERSION] == "true")]
    before = media.groupby(CUSTOMER_ID)[CHANNEL].shift(1)
    closers = before[media[CONVERSION] == "true"].value_counts()
    assert set(closers.index[:2]) == {"Paid Search", "Email"}
    assert closers["Paid Search"] > 2 * (closers.get("Display", 0) + closers.get("TV", 0))


def test_onboarding_follows_the_first_purchase_within_30_days(events: pd.DataFrame):
    stamps = pd.to_datetime(events[TIMESTAMP], utc=True)
    first_buy = stamps[events[CONVERSION] == "true"].groupby(events[CUSTOMER_ID]).min()
    welcome = events[TOUCHPOINT].isin(["Welcome email", "Onboarding email", "App install"])
    lag = stamps[welcome] - events.loc[welcome, CUSTOMER_ID].map(first_buy)
    assert (lag >= pd.Timedelta(0)).all()
    assert (lag <= pd.Timedelta(days=30)).all()


def test_some_customers_have_same_timestamp_ties(events: pd.DataFrame):
    ties = events.duplicated([CUSTOMER_ID, TIMESTAMP]).sum()
    assert ties >= 100


def test_buyers_with_many_support_contacts_buy_again_less_often(events: pd.DataFrame):
    purchases = (events[CONVERSION] == "true").groupby(events[CUSTOMER_ID]).sum()
    buyers = purchases[purchases > 0]
    support = events[events[EVENT_TYPE] == "support_contact"].groupby(CUSTOMER_ID).size()
    heavy = support.reindex(buyers.index).fillna(0) >= 3
    assert heavy.sum() >= 200
    assert (buyers[heavy] >= 2).mean() < (buyers[~heavy] >= 2).mean()


def test_events_are_in_timestamp_order(events: pd.DataFrame):
    assert events[TIMESTAMP].is_monotonic_increasing


@settings(max_examples=15)
@given(n_customers=st.integers(1, 120), seed=st.integers(0, 2**32 - 1))
def test_any_seed_and_size_keeps_the_contract(n_customers: int, seed: int):
    small = generate_events(n_customers=n_customers, seed=seed)
    assert small[CUSTOMER_ID].nunique() <= n_customers
    assert small[TIMESTAMP].is_monotonic_increasing
    assert small[TIMESTAMP].between("2025-01-01T00:00:00Z", "2025-07-31T23:59:59Z").all()
    converted = small[CONVERSION] == "true"
    assert (small.loc[~converted, REVENUE] == "").all()
    assert (small.loc[converted, REVENUE].astype(float) > 0).all()
    talk = generate_transcripts(small, seed=seed)
    assert set(talk[CUSTOMER_ID]) <= set(small[CUSTOMER_ID])
    assert set(talk[LABEL]) <= {"", "negative", "neutral", "positive"}
    assert (talk.loc[talk[SPEAKER] == "agent", LABEL] == "").all()
