"""The orchestration replay: caps hold every day on random data; hand-checked summaries."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings

from journey.query.engine.runner import DuckDBRunner
from journey.recommend.actions import DEFAULT_ACTIONS, Action
from journey.recommend.features import FeatureSettings
from journey.recommend.pipeline import Recommender
from journey.recommend.replay import replay, replay_features
from journey.recommend.rules import ANY, RuleSettings
from tests.journey.query.engine.data import random_events, register

WEIGHTS = {"Email": 0.6, "Web": 0.2, "Store": -0.3}


class TouchScorer:
    """A transparent scorer: P(conversion) rises with recent Email and Web touches."""

    def predict_proba(self, features: pd.DataFrame) -> np.ndarray:
        z = np.full(len(features), -2.0)
        for channel, weight in WEIGHTS.items():
            column = f"touches_7d:{channel}"
            if column in features.columns:
                z = z + weight * features[column].to_numpy(dtype=float)
        z = z - 0.01 * features["recency_days"].to_numpy(dtype=float)
        p = 1 / (1 + np.exp(-z))
        return np.column_stack([1 - p, p])


def _windows_over_cap(messages: pd.DataFrame, caps: dict[str, int]) -> list[str]:
    """Every (customer, day) whose last 7 replay days hold more messages than a cap allows."""
    bad = []
    m = messages.assign(day=pd.to_datetime(messages["day"]))
    pairs = m.merge(m, on="customer_id", suffixes=("", "_prev"))
    gap = pairs["day"] - pairs["day_prev"]
    window = pairs[(gap >= pd.Timedelta(0)) & (gap < pd.Timedelta(days=7))]
    for cap, limit in caps.items():
        scoped = window if cap == ANY else window[window["channel_prev"] == cap]
        if cap != ANY:
            scoped = scoped[scoped["channel"] == cap]
        per_day = scoped.groupby(["customer_id", "day"]).size()
        bad += [f"{cap} {key}" for key, n in per_day.items() if n > limit]
    return bad


@settings(max_examples=12, deadline=None)
@given(random_events(max_events=30))
def test_every_cap_holds_in_the_replay(events):
    runner = DuckDBRunner()
    name = register(runner, events)
    caps = {"Email": 1, "Web": 1, ANY: 2}
    rec = Recommender(
        features=FeatureSettings(cart_touchpoints=("Cart",)),
        rules=RuleSettings(caps=caps, min_lift=-1.0),  # send something whenever allowed
        actions=(*DEFAULT_ACTIONS, Action("web_banner", "Banner", "Web")),
    )
    start = pd.Timestamp("2024-01-02")
    result = replay(runner, name, TouchScorer(), start, start + pd.Timedelta(days=40), rec)
    assert _windows_over_cap(result.messages, caps) == []
    assert result.daily["messages"].sum() == len(result.messages)


def _day(rows: int, day: str, **facts: object) -> pd.DataFrame:
    base = {
        "customer_id": "a",
        "cutoff": pd.Timestamp(day),
        "touches_7d": 0,
        "recency_days": 0.5,
        "frequency": 3,
        "conversions": 0,
        "open_cart": False,
        "hours_since_cart": np.nan,
        "opted_out": 0,
        "last_is_support": False,
    }
    base.update(facts)
    return pd.DataFrame([base] * rows)


def test_a_replayed_email_counts_against_the_cap_for_seven_days():
    # one customer, active on 9 days in a row; email always has the best lift; cap 3 a week
    features = pd.concat([_day(1, f"2024-05-{d:02d}") for d in range(1, 10)], ignore_index=True)
    lift = pd.DataFrame([dict.fromkeys([a.id for a in DEFAULT_ACTIONS], 0.01)] * 9)
    lift["email"] = 0.05
    rules = RuleSettings(caps={"Email": 3})
    result = replay_features(features, np.full(9, 0.2), lift, DEFAULT_ACTIONS, rules)
    # 05-01..03 email; 04..07 the cap (3 in the last 7 days) pushes to push; 05-08 email again
    assert result.messages["channel"].tolist() == [
        "Email", "Email", "Email", "Push", "Push", "Push", "Push", "Email", "Email",
    ]  # fmt: skip
    assert result.messages["rule"].tolist()[3] == "frequency_cap"
    assert result.caps.to_dict("records") == [
        {"cap": "Email", "limit": 3, "customers": 1, "customer_days": 4}
    ]
    assert result.triggers.set_index("rule")["fired"].to_dict() == {"model": 5, "frequency_cap": 4}
