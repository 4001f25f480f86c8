"""Insights: drivers, highlights, topics and sentiment on the journey."""

from __future__ import annotations

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from journey.schema import (
    CHANNEL,
    CONVERSION,
    CUSTOMER_ID,
    PHASE,
    SENTIMENT_LABEL,
    SENTIMENT_SCORE,
    TEXT,
    TIMESTAMP,
    TOUCHPOINT,
)
from journey.sentiment import insights


def scored_rows(texts_labels, **extra) -> pd.DataFrame:
    texts, labels = zip(*texts_labels, strict=True)
    score = {"negative": -0.5, "neutral": 0.0, "positive": 0.5}
    frame = pd.DataFrame(
        {
            TEXT: list(texts),
            SENTIMENT_LABEL: list(labels),
            SENTIMENT_SCORE: [score[x] for x in labels],
            "role": "customer",
        }
    )
    return frame.assign(**extra)


def test_drivers_separate_negative_from_positive_terms():
    frame = scored_rows(
        [
            ("refund not received", "negative"),
            ("where is my refund", "negative"),
            ("refund delayed again", "negative"),
            ("thanks so much", "positive"),
            ("lovely thanks", "positive"),
            ("all good thanks", "positive"),
        ]
    )
    drivers = insights.sentiment_drivers(frame, top_n=1)
    assert drivers[
        ["group", "term", "direction", "n_negative", "n_positive"]
    ].to_numpy().tolist() == [
        ["all", "refund", "negative", 3, 0],
        ["all", "thanks", "positive", 0, 3],
    ]
    # chi2 of a term in all 3 negative and no positive texts: 3 (sklearn's chi2 on counts)
    assert drivers["chi2"].tolist() == [pytest.approx(3.0), pytest.approx(3.0)]
    by_channel = insights.sentiment_drivers(frame.assign(channel=["Chat"] * 6), by="channel")
    assert set(by_channel["group"]) == {"Chat"}


def test_highlight_escapes_html_and_marks_terms():
    html = insights.highlight("<b>Late</b> & on hold", ["late", "on_hold"])
    assert html == "&#60;b&#62;<mark>Late</mark>&#60;&#47;b&#62; &#38; <mark>on hold</mark>"


def test_highlight_keeps_markdown_links_and_images_inert():
    text = "![i](http://example.com/x.png) so slow [phish](www.example.com)"
    html = insights.highlight(text, ["slow"])
    wj = "\u2060"  # the word joiner that keeps GFM from linking a bare URL
    assert html == (
        f"&#33;&#91;i&#93;&#40;http{wj}&#58;&#47;&#47;example&#46;com&#47;x&#46;png&#41; "
        f"so <mark>slow</mark> &#91;phish&#93;&#40;www{wj}&#46;example&#46;com&#41;"
    )


def test_highlight_escapes_inside_the_mark():
    assert insights.highlight("a *bad* day", ["*bad*"]) == "a <mark>&#42;bad&#42;</mark> day"
    assert insights.highlight("x <i>y", ["<i>"]) == "x &#60;i&#62;y"  # no word to match


def test_most_negative_lists_lowest_scores_with_marks():
    frame = scored_rows([("fine thanks", "positive"), ("still waiting, unacceptable", "negative")])
    frame.loc[1, SENTIMENT_SCORE] = -0.8
    out = insights.most_negative(frame, n=5)
    assert out["position"].tolist() == [1]
    assert out["html"].iloc[0] == "<mark>still waiting</mark>&#44; <mark>unacceptable</mark>"


def test_topic_groups_cover_rows_and_are_deterministic():
    frame = scored_rows(
        [
            ("refund late refund", "negative"),
            ("refund missing money", "negative"),
            ("refund please money", "neutral"),
            ("delivery courier parcel", "negative"),
            ("courier parcel lost", "negative"),
            ("parcel delivery fast", "positive"),
        ]
    )
    topics, assignment = insights.topic_groups(frame, n_topics=2)
    again, _ = insights.topic_groups(frame, n_topics=2)
    assert_frame_equal(topics, again)
    assert topics["n"].sum() == int((assignment > 0).sum())
    assert len(topics) == 2


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


@pytest.fixture
def journey_events() -> pd.DataFrame:
    return pd.DataFrame(
        {
            CUSTOMER_ID: ["a", "a", "a", "a", "b"],
            TIMESTAMP: [
                ts("2025-01-01 10:00"),
                ts("2025-01-02 09:00"),
                ts("2025-01-02 18:00"),
                ts("2025-02-01 12:00"),
                ts("2025-01-05 10:00"),
            ],
            CHANNEL: ["Web", "Call Center", "Email", "Web", "Store"],
            TOUCHPOINT: ["Pricing page", "Support call", "Survey", "Checkout", "Till"],
            PHASE: ["awareness", "post-purchase", "engagement", "engagement", "onboarding"],
            CONVERSION: [False, False, False, True, True],
        }
    )


@pytest.fixture
def journey_scored() -> pd.DataFrame:
    return pd.DataFrame(
        {
            CUSTOMER_ID: ["a", "a", "b", "c"],
            TIMESTAMP: [
                ts("2025-01-02 12:00"),
                ts("2025-01-03 08:00"),
                ts("2025-01-01 08:00"),
                ts("2025-01-09 08:00"),
            ],
            CHANNEL: ["Phone", "Chat", "Chat", "Chat"],
            TEXT: ["x", "y", "z", "w"],
            "role": "customer",
            SENTIMENT_SCORE: [-0.6, 0.4, -0.2, 0.0],
            SENTIMENT_LABEL: ["negative", "positive", "negative", "neutral"],
        }
    )


def test_link_to_events_prefers_same_day_support_then_preceding(journey_events, journey_scored):
    linked = insights.link_to_events(journey_scored, journey_events)
    assert linked["match"].tolist() == [
        "same-day support event",  # the 09:00 support call, though Email at 18:00 is later
        "preceding event",  # no support event on Jan 3: the Email of Jan 2, 18:00
        "unmatched",  # b's first event is on Jan 5
        "unmatched",  # c has no events
    ]
    assert linked[TOUCHPOINT].tolist()[:2] == ["Support call", "Survey"]
    assert linked["event_channel"].tolist()[:2] == ["Call Center", "Email"]


def test_sentiment_by_level_counts_and_shares(journey_events, journey_scored):
    linked = insights.link_to_events(journey_scored, journey_events)
    by_phase = insights.sentiment_by(linked, PHASE)
    assert by_phase.to_numpy().tolist() == [
        ["(unmatched)", -0.1, 0.5, 2, 1],
        ["engagement", 0.4, 0.0, 1, 0],
        ["post-purchase", -0.6, 1.0, 1, 1],
    ]


def test_node_sentiment_uses_matched_rows_only(journey_events, journey_scored):
    nodes = insights.node_sentiment(journey_events, journey_scored, CHANNEL)
    assert nodes.to_numpy().tolist() == [["Call Center", -0.6, 1], ["Email", 0.4, 1]]


def test_weekly_sentiment_groups_by_monday(journey_scored):
    weekly = insights.weekly_sentiment(journey_scored)
    # Jan 1 2025 is a Wednesday: its week starts Mon Dec 30; Jan 9 is in the week of Jan 6.
    assert weekly["week"].tolist() == [ts("2024-12-30"), ts("2025-01-06")]
    assert weekly["n"].tolist() == [3, 1]
    assert weekly["mean_score"].tolist() == [pytest.approx(-0.4 / 3), 0.0]
    assert weekly["share_negative"].tolist() == [pytest.approx(2 / 3), 0.0]


def test_outcome_link_counts_purchases_after_the_last_contact(journey_events, journey_scored):
    out = insights.outcome_link(journey_events, journey_scored)
    # a: last contact positive (Jan 3), buys Feb 1; b: negative (Jan 1), buys Jan 5;
    # c: neutral, never buys.
    assert out.to_numpy().tolist() == [
        ["negative", 1, 1, 1.0],
        ["neutral", 1, 0, 0.0],
        ["positive", 1, 1, 1.0],
    ]


def test_node_sentiment_labels_a_node_named_like_a_generated_one(journey_events, journey_scored):
    # the flows show an "Other" channel as "Other (channel)": its sentiment must colour that
    # node, not the folded Other node
    renamed = journey_events.assign(
        **{CHANNEL: journey_events[CHANNEL].replace({"Email": "Other"})}
    )
    nodes = insights.node_sentiment(renamed, journey_scored, CHANNEL)
    assert nodes.to_numpy().tolist() == [["Call Center", -0.6, 1], ["Other (channel)", 0.4, 1]]
