"""Engine sentiment aggregations equal the pandas references (insights, summary_figures)."""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from journey.query.engine import sentiment as engine
from journey.query.engine.runner import DuckDBRunner, Runner
from journey.schema import (
    CHANNEL,
    CUSTOMER_ID,
    SENTIMENT_LABEL,
    SENTIMENT_SCORE,
    TEXT,
    TIMESTAMP,
)
from journey.sentiment import insights, score
from journey.sentiment.score import CONVERSATION, ScoredTranscripts, summarise_conversations
from tests.conftest import SAMPLE_DIR
from tests.journey.query.engine.data import random_events, register, sample

LEVELS = ("channel", "touchpoint", "phase", "team")
ROLE = engine.ROLE


def _rows(spec: list[tuple]) -> pd.DataFrame:
    """Scored rows from (customer, time, role, label, score, event_channel) tuples."""
    customers, times, roles, labels, scores, channels = zip(*spec, strict=True)
    return pd.DataFrame(
        {
            CUSTOMER_ID: pd.array(customers, dtype="str"),
            TIMESTAMP: pd.to_datetime(list(times), utc=True),
            CHANNEL: pd.array(channels, dtype="str"),
            TEXT: pd.array(["text"] * len(spec), dtype="str"),
            ROLE: pd.array(roles, dtype="string"),
            SENTIMENT_SCORE: np.array(scores, dtype="float64"),
            SENTIMENT_LABEL: pd.array(labels, dtype="string"),
            "event_channel": pd.array(channels, dtype="str"),
        }
    )


def _scored(rows: pd.DataFrame, conversations: list[str]) -> ScoredTranscripts:
    """One turn per row, in the given conversations."""
    turns = pd.DataFrame(
        {
            "position": np.arange(len(rows), dtype="int64"),
            "turn": np.zeros(len(rows), dtype="int64"),
            ROLE: rows[ROLE].to_numpy(),
            CONVERSATION: pd.array(conversations, dtype="str"),
            SENTIMENT_SCORE: rows[SENTIMENT_SCORE].to_numpy(),
            SENTIMENT_LABEL: rows[SENTIMENT_LABEL].to_numpy(),
        }
    )
    rows = rows.assign(**{CONVERSATION: pd.array(conversations, dtype="str")})
    return ScoredTranscripts(rows, turns, summarise_conversations(rows, turns))


HAND = _rows(
    [
        ("C1", "2025-01-06 10:00", "customer", "negative", -0.5, "Chat"),
        ("C1", "2025-01-08 09:00", "customer", "positive", 0.5, "Web"),
        ("C2", "2025-01-13 12:00", "customer", "negative", -0.7, "Chat"),
        ("C2", "2025-01-13 12:00", "agent", "positive", 0.8, "Chat"),
        ("C3", None, "customer", "unscored", math.nan, None),
    ]
)
HAND_SCORED = _scored(HAND, ["A", "A", "B", "B", "C"])


def _register(runner: Runner, scored: ScoredTranscripts, prefix: str = "s") -> tuple[str, str]:
    rows, turns = f"{prefix}_rows", f"{prefix}_turns"
    runner.register_frame(rows, engine.conform_rows(scored.rows))
    runner.register_frame(turns, engine.conform_turns(scored.turns, scored.rows))
    return rows, turns


def _prepared_events(spec: list[tuple]) -> pd.DataFrame:
    """Prepared events from (customer, time, converted[, channel]) tuples."""
    events = sample(customers=1).iloc[:0]
    rows = []
    for customer, when, converted, *channel in spec:
        row = {c: None for c in events.columns}
        row.update({CUSTOMER_ID: customer, TIMESTAMP: pd.Timestamp(when, tz="UTC"),
                    "conversion": converted, "row": len(rows) + 1, CHANNEL: (channel or [None])[0],
                    "phase": "awareness"})  # fmt: skip
        rows.append(row)
    return pd.DataFrame(rows).astype(events.dtypes.to_dict())


def test_sentiment_by_channel_by_hand(duck):
    rows, _ = _register(duck, HAND_SCORED)
    out = engine.sentiment_by(duck, rows, "channel")
    # customer rows only: Chat -0.5 and -0.7 (both negative), Web +0.5; the agent row is out
    expected = pd.DataFrame(
        {"channel": pd.array(["Chat", "Web"], dtype="str"), "mean_score": [-0.6, 0.5],
         "share_negative": [1.0, 0.0], "n": [2, 1], "n_negative": [2, 0]}
    )  # fmt: skip
    assert_frame_equal(out, expected)
    assert_frame_equal(out, insights.sentiment_by(HAND, "channel"))


def test_weekly_sentiment_by_hand(duck):
    rows, _ = _register(duck, HAND_SCORED)
    out = engine.weekly_sentiment(duck, rows)
    assert out["week"].dt.strftime("%Y-%m-%d").tolist() == ["2025-01-06", "2025-01-13"]
    assert out["mean_score"].tolist() == pytest.approx([0.0, -0.7])
    assert out["share_negative"].tolist() == [0.5, 1.0]
    assert out["n"].tolist() == [2, 1]


def test_outcome_link_by_hand(duck):
    rows, _ = _register(duck, HAND_SCORED)
    # C1's last contact (positive, 01-08) is followed by a purchase; C2's (negative) is not
    events = _prepared_events([("C1", "2025-01-10", True), ("C2", "2025-01-01", True)])
    out = engine.outcome_link(duck, register(duck, events), rows)
    assert out["last_contact"].tolist() == ["negative", "neutral", "positive"]
    assert out["customers"].tolist() == [1, 0, 1]
    assert out["bought_again"].tolist() == [0, 0, 1]
    assert out["rate"][0] == 0.0
    assert math.isnan(out["rate"][1])
    assert out["rate"][2] == 1.0


def test_outcome_link_without_conversions_or_times(duck):
    rows, _ = _register(duck, HAND_SCORED)
    events = _prepared_events([("C1", "2025-01-10", False)])
    out = engine.outcome_link(duck, register(duck, events), rows)
    assert out["customers"].tolist() == [1, 0, 1]  # C1 positive, C2 negative; no purchase
    assert out["bought_again"].tolist() == [0, 0, 0]
    untimed = _rows([("C1", None, "customer", "negative", -0.5, "Chat")])
    timeless, _ = _register(duck, _scored(untimed, ["A"]), "untimed")
    linked = engine.linked_frame(duck, timeless, "ev")
    assert linked["match"].tolist() == ["unmatched"]
    assert linked["event_channel"].isna().all()


def test_link_to_events_by_hand(duck):
    rows, _ = _register(duck, HAND_SCORED)
    events = _prepared_events(
        [("C1", "2025-01-06 09:00", False, "Web"), ("C1", "2025-01-06 18:00", False, "Call Center"),
         ("C2", "2025-01-12 08:00", False, "Email"), ("C1", "2025-01-08 09:00", False, "Web")]
    )  # fmt: skip
    out = engine.linked_frame(duck, rows, register(duck, events))
    # row 0: the same-day support call beats the earlier web visit; row 1: no same-day support
    # event, but a same-day event in its own channel (Web); row 2: the preceding e-mail;
    # row 3 is the agent's and row 4 unscored: both left out
    assert out["position"].tolist() == [0, 1, 2]
    assert out["event_channel"].tolist() == ["Call Center", "Web", "Email"]
    assert out["match"].tolist() == [
        "same-day support event", "same-day support event", "preceding event"
    ]  # fmt: skip
    assert str(out["event_timestamp"][2]) == "2025-01-12 08:00:00"


def test_link_table_holds_the_links_once(duck):
    scored, events, _expected = _sample_scored()
    rows, _ = _register(duck, scored, "table_rows")
    name = register(duck, events, "table_ev")
    engine.link_table(duck, "q_linked_once", rows, name)
    try:
        from_table = engine.table_frame(duck, "q_linked_once")
        assert_frame_equal(from_table, engine.linked_frame(duck, rows, name))
        engine.link_view(duck, "q_linked_view", rows, name)
        assert_frame_equal(
            engine.sentiment_by(duck, "q_linked_once", "phase"),
            engine.sentiment_by(duck, "q_linked_view", "phase"),
        )
    finally:
        duck.drop("q_linked_once")
        duck.drop("q_linked_view")


def test_summary_figures_by_hand(duck):
    rows, turns = _register(duck, HAND_SCORED)
    figures = engine.summary_figures(duck, rows, turns)
    # A: customer -0.5 then +0.5 (change +1.0); B: customer -0.7, agent +0.8; C: unscored
    assert figures == {
        "rows": 5, "scored": 4, "unscored": 1, "conversations": 3,
        "customer_mean": pytest.approx(-0.35), "agent_mean": 0.8,
        "share_negative": pytest.approx(2 / 3), "mean_change": 1.0, "share_improved": 1.0,
        "n_changes": 1,
    }  # fmt: skip
    assert figures == pytest.approx(score.summary_figures(HAND_SCORED), nan_ok=True)


LINK_COLUMNS = ("event_channel", "touchpoint", "phase", "team", "match")


def _same_link(runner: Runner, rows: str, events: str, scored_rows, events_frame) -> None:
    """The engine's links equal `insights.link_to_events`, row by row."""
    out = engine.linked_frame(runner, rows, events)
    expected = insights.link_to_events(scored_rows, events_frame).reset_index(drop=True)
    assert len(out) == len(expected)
    for column in LINK_COLUMNS:
        got = out[column].astype(object).where(out[column].notna(), None).tolist()
        want = expected[column].astype(object).where(expected[column].notna(), None).tolist()
        assert got == want, column
    when = pd.to_datetime(out["event_timestamp"]).dt.tz_localize("UTC")
    assert when.equals(pd.to_datetime(expected["event_timestamp"], utc=True).astype(when.dtype))


@lru_cache(maxsize=1)
def _sample_scored() -> tuple[ScoredTranscripts, pd.DataFrame, pd.DataFrame]:
    transcripts = pd.read_csv(SAMPLE_DIR / "transcripts.csv").drop(columns=["label"])
    scored = score.score_transcripts(transcripts)
    events = sample()
    return scored, events, insights.link_to_events(scored.rows, events)


def _all_equal(runner: Runner, scored, events, linked, prefix: str) -> None:
    rows, turns = _register(runner, scored, prefix)
    events_name = register(runner, events, f"{prefix}_events")
    _same_link(runner, rows, events_name, scored.rows, events)
    linked_name = engine.link_view(runner, f"{prefix}_linked", rows, events_name)
    for level in LEVELS:
        assert_frame_equal(
            engine.node_sentiment(runner, rows, events_name, level),
            insights.node_sentiment(events, scored.rows, level),
            check_dtype=False,
        )
        assert_frame_equal(
            engine.sentiment_by(runner, linked_name, level),
            insights.sentiment_by(linked, level),
            check_dtype=False,
        )
    assert_frame_equal(
        engine.weekly_sentiment(runner, rows),
        insights.weekly_sentiment(scored.rows),
        check_dtype=False,
    )
    assert_frame_equal(
        engine.outcome_link(runner, events_name, rows), insights.outcome_link(events, scored.rows)
    )
    assert engine.summary_figures(runner, rows, turns) == pytest.approx(
        score.summary_figures(scored), nan_ok=True
    )


def test_the_sample_equals_pandas(duck):
    _all_equal(duck, *_sample_scored(), "sample")


@st.composite
def _random_scored(draw: st.DrawFn) -> ScoredTranscripts:
    n = draw(st.integers(0, 12))
    pick = lambda values: st.lists(st.sampled_from(values), min_size=n, max_size=n)  # noqa: E731
    customers = draw(pick(["a", "b", "c", "d"]))
    hours = draw(pick([None, 0, 5, 5, 30, 200, 400]))  # ties in time, missing times
    roles = draw(pick(["customer", "agent"]))
    labels = draw(pick(["negative", "neutral", "positive", "unscored"]))
    values = draw(pick([-0.8, -0.2, 0.0, 0.3, 0.9]))
    channels = draw(pick(["Chat", "Web", None]))
    times = [None if h is None else pd.Timestamp("2024-01-01") + pd.Timedelta(hours=h)
             for h in hours]  # fmt: skip
    scores = [math.nan if lab == "unscored" else v for lab, v in zip(labels, values, strict=True)]
    spec = list(zip(customers, times, roles, labels, scores, channels, strict=True))
    rows = _rows(spec) if n else _rows([("a", None, "customer", "unscored", math.nan, None)])[:0]
    return _scored(rows, draw(pick(["k1", "k2", "k3"])))


@given(_random_scored(), random_events(max_events=12))
def test_random_scores_equal_pandas(scored: ScoredTranscripts, events: pd.DataFrame):
    runner = DuckDBRunner()
    rows, turns = _register(runner, scored)
    linked = scored.rows
    for level in ("channel",):
        expected = insights.sentiment_by(linked, level)
        out = engine.sentiment_by(runner, rows, level)
        assert_frame_equal(out, expected, check_dtype=False, check_index_type=False)
    weekly = insights.weekly_sentiment(scored.rows)
    assert_frame_equal(
        engine.weekly_sentiment(runner, rows), weekly, check_dtype=False, check_index_type=False
    )
    events_name = register(runner, events, "events")
    # The pandas references fail (merge_asof / map dtype errors) when no customer row has a
    # time or no event converts; the engine covers those cases: see the by-hand tests.
    timed = scored.rows[ROLE].eq("customer") & scored.rows[TIMESTAMP].notna()
    timed &= scored.rows[SENTIMENT_LABEL].isin(["negative", "neutral", "positive"])
    if timed.any():
        _same_link(runner, rows, events_name, scored.rows, events)
    if events["conversion"].any():
        assert_frame_equal(
            engine.outcome_link(runner, events_name, rows),
            insights.outcome_link(events, scored.rows),
        )
    assert engine.summary_figures(runner, rows, turns) == pytest.approx(
        score.summary_figures(scored), nan_ok=True
    )
    runner.con.close()


@pytest.mark.spark
def test_spark_equals_pandas(spark):
    scored, events, _ = _sample_scored()
    customers = set(sorted(events[CUSTOMER_ID].unique())[:60])
    keep = scored.rows[CUSTOMER_ID].isin(customers).to_numpy()
    positions = np.flatnonzero(keep)
    rows = scored.rows[keep].reset_index(drop=True)
    turns = scored.turns[scored.turns["position"].isin(positions)].copy()
    turns["position"] = np.searchsorted(positions, turns["position"].to_numpy())
    turns = turns.reset_index(drop=True)
    small = ScoredTranscripts(rows, turns, summarise_conversations(rows, turns))
    ev = events[events[CUSTOMER_ID].isin(customers)].reset_index(drop=True)
    _all_equal(spark, small, ev, insights.link_to_events(small.rows, ev), "sent")
