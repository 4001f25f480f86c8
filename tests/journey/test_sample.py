"""Tests of the sample-data generator: determinism, the story's invariants, committed bytes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journey.sample import core as sample
from journey.schema import (
    CHANNEL,
    CONVERSATION_ID,
    CONVERSION,
    CUSTOMER_ID,
    EVENT_COLUMNS,
    EVENT_TYPE,
    LABEL,
    REVENUE,
    SEGMENT,
    SPEAKER,
    TEXT,
    TIMESTAMP,
    TOUCHPOINT,
    TRANSCRIPT_COLUMNS,
)
from tests.conftest import SAMPLE_DIR

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


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return sample.generate_events()


@pytest.fixture(scope="module")
def transcripts(events: pd.DataFrame) -> pd.DataFrame:
    return sample.generate_transcripts(events)


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_same_seed_gives_the_same_frames():
    small = sample.generate_events(n_customers=300, seed=11)
    pd.testing.assert_frame_equal(small, sample.generate_events(n_customers=300, seed=11))
    pd.testing.assert_frame_equal(
        sample.generate_transcripts(small, seed=3), sample.generate_transcripts(small, seed=3)
    )


def test_another_seed_gives_other_frames():
    a = sample.generate_events(n_customers=300, seed=11)
    b = sample.generate_events(n_customers=300, seed=12)
    assert not a.equals(b)
    assert not sample.generate_transcripts(a, seed=3).equals(sample.generate_transcripts(a, seed=4))


def test_events_use_canonical_columns_in_contract_order(events: pd.DataFrame):
    assert list(events.columns) == list(sample.SAMPLE_EVENT_COLUMNS)
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
    small = sample.generate_events(n_customers=n_customers, seed=seed)
    assert small[CUSTOMER_ID].nunique() <= n_customers
    assert small[TIMESTAMP].is_monotonic_increasing
    assert small[TIMESTAMP].between("2025-01-01T00:00:00Z", "2025-07-31T23:59:59Z").all()
    converted = small[CONVERSION] == "true"
    assert (small.loc[~converted, REVENUE] == "").all()
    assert (small.loc[converted, REVENUE].astype(float) > 0).all()
    talk = sample.generate_transcripts(small, seed=seed)
    assert set(talk[CUSTOMER_ID]) <= set(small[CUSTOMER_ID])
    assert set(talk[LABEL]) <= {"", "negative", "neutral", "positive"}
    assert (talk.loc[talk[SPEAKER] == "agent", LABEL] == "").all()


def test_transcripts_columns_and_volume(transcripts: pd.DataFrame):
    assert list(transcripts.columns) == list(sample.SAMPLE_TRANSCRIPT_COLUMNS)
    assert set(transcripts.columns) <= set(TRANSCRIPT_COLUMNS)
    assert transcripts[CONVERSATION_ID].nunique() >= 2_000
    assert set(transcripts[CHANNEL]) == {"Call Center", "Chat", "Email"}


def test_every_conversation_has_both_speakers(transcripts: pd.DataFrame):
    speakers = transcripts.groupby(CONVERSATION_ID)[SPEAKER].nunique()
    assert (speakers == 2).all()
    assert set(transcripts[SPEAKER]) == {"customer", "agent"}
    customer_turns = (
        (transcripts[SPEAKER] == "customer").groupby(transcripts[CONVERSATION_ID]).sum()
    )
    assert customer_turns.max() >= 4


def test_transcripts_tie_to_a_contact_event_of_the_customer_within_a_day(
    events: pd.DataFrame, transcripts: pd.DataFrame
):
    starts = transcripts.groupby(CONVERSATION_ID).agg(
        customer_id=(CUSTOMER_ID, "first"), channel=(CHANNEL, "first"), start=(TIMESTAMP, "min")
    )
    starts = starts.reset_index()
    contacts = events[events[CHANNEL].isin(["Call Center", "Chat", "Email"])]
    pairs = starts.merge(contacts, on=[CUSTOMER_ID, CHANNEL])
    lag = pd.to_datetime(pairs["start"], utc=True) - pd.to_datetime(pairs[TIMESTAMP], utc=True)
    near = (lag >= pd.Timedelta(0)) & (lag <= pd.Timedelta(days=1))
    assert set(pairs.loc[near, CONVERSATION_ID]) == set(starts[CONVERSATION_ID])
    assert set(starts[CUSTOMER_ID]) <= set(events[CUSTOMER_ID])
    ends = transcripts.groupby(CONVERSATION_ID)[TIMESTAMP].max()
    length = pd.to_datetime(ends, utc=True) - pd.to_datetime(
        starts.set_index(CONVERSATION_ID)["start"], utc=True
    )
    assert (length <= pd.Timedelta(days=1)).all()


def test_customer_turns_are_varied_and_labelled_on_a_subset(transcripts: pd.DataFrame):
    customer = transcripts[transcripts[SPEAKER] == "customer"]
    assert customer[TEXT].nunique() > 1_500
    labelled = customer[LABEL] != ""
    assert 0.3 <= labelled.mean() <= 0.5
    assert set(customer.loc[labelled, LABEL]) == {"negative", "neutral", "positive"}
    assert (transcripts.loc[transcripts[SPEAKER] == "agent", LABEL] == "").all()
    assert (transcripts.loc[transcripts[TEXT] == "", LABEL] == "").all()
    assert 1 <= (transcripts[TEXT] == "").sum() <= 0.02 * len(transcripts)


def test_heavy_support_customers_sound_more_negative(
    events: pd.DataFrame, transcripts: pd.DataFrame
):
    support = events[events[EVENT_TYPE] == "support_contact"].groupby(CUSTOMER_ID).size()
    labelled = transcripts[transcripts[LABEL] != ""]
    heavy = labelled[CUSTOMER_ID].map(support).fillna(0) >= 3
    negative = labelled[LABEL] == "negative"
    assert negative[heavy].mean() > 1.5 * negative[~heavy].mean()


def test_conversations_can_end_better_than_they_began(transcripts: pd.DataFrame):
    turns = transcripts[(transcripts[SPEAKER] == "customer") & (transcripts[LABEL] != "")]
    ends = turns.groupby(CONVERSATION_ID)[LABEL].agg(["first", "last", "size"])
    several = ends[ends["size"] >= 2]
    assert ((several["first"] == "negative") & (several["last"] == "positive")).sum() >= 20
    assert ((several["first"] == "neutral") & (several["last"] == "negative")).sum() >= 20


def test_labels_agree_with_obvious_words(transcripts: pd.DataFrame):
    text = transcripts[TEXT]
    label = transcripts[LABEL]
    thanks = text.str.contains("Thank you so much|sangat membantu|Dziękuję, wszystko działa")
    assert (label[thanks & (label != "")] == "positive").all()
    angry = text.str.contains("Unacceptable|one-star review|To jest skandal")
    assert (label[angry & (label != "")] == "negative").all()


def test_conversations_in_indonesian_and_polish(transcripts: pd.DataFrame):
    first = transcripts.groupby(CONVERSATION_ID)[TEXT].agg(" ".join)
    indonesian = first.str.contains(r"\b(?:kak|saya|terima kasih|pesanan)\b", case=False)
    polish = first.str.contains("Dzień dobry|Dziękuję|Zamówienie|zwrot", case=False)
    assert 0.06 <= indonesian.mean() <= 0.15
    assert 0.01 <= polish.mean() <= 0.06


def test_regenerating_gives_the_committed_bytes(tmp_path: Path):
    written = sample.write_sample(tmp_path)
    for name, path in written.items():
        committed = SAMPLE_DIR / path.name
        assert committed.exists(), f"{committed} missing: run python -m journey.sample"
        assert _sha(path) == _sha(committed), f"{name}: regenerate with python -m journey.sample"


def test_main_writes_to_the_out_folder(tmp_path: Path):
    out = tmp_path / "nested" / "sample"
    assert sample.main(["--out", str(out)]) == 0
    frame = _read(out / sample.EVENTS_FILE)
    assert list(frame.columns) == list(sample.SAMPLE_EVENT_COLUMNS)
