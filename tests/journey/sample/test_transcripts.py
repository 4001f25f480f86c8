"""Tests of the sample transcripts: conversations, moods, languages, ties to contact events."""

from __future__ import annotations

import pandas as pd

from journey.sample.constants import SAMPLE_TRANSCRIPT_COLUMNS
from journey.schema import (
    CHANNEL,
    CONVERSATION_ID,
    CUSTOMER_ID,
    EVENT_TYPE,
    LABEL,
    SPEAKER,
    TEXT,
    TIMESTAMP,
    TRANSCRIPT_COLUMNS,
)


def test_transcripts_columns_and_volume(transcripts: pd.DataFrame):
    assert list(transcripts.columns) == list(SAMPLE_TRANSCRIPT_COLUMNS)
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
