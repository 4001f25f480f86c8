"""Orchestration replay: run the rules day by day over history, knowing only that day's past.

Each day at midnight, every customer who did something the day before gets a decision from
features computed strictly before that midnight, with the messages the replay itself sent in
the last 7 days counted against the caps (on top of the touches in the data). The loop runs
once per day over all of that day's customers at once; nothing loops per customer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from journey.errors import SettingsError
from journey.query.engine.runner import Runner
from journey.recommend.actions import Action, Scorer, score_actions
from journey.recommend.features import build_features, day_grid
from journey.recommend.pipeline import Recommender
from journey.recommend.rules import ANY, RuleSettings, decide, sent_counts
from journey.schema import CUSTOMER_ID

MESSAGE_COLUMNS: Final = ("day", CUSTOMER_ID, "action", "channel", "rule", "hours_to_fire")


@dataclass(frozen=True)
class Replay:
    """What the rules would have sent, and how often caps and triggers came into play."""

    messages: pd.DataFrame  # day, customer_id, action, channel, rule, hours_to_fire
    daily: pd.DataFrame  # day, channel, messages (days and channels with any)
    caps: pd.DataFrame  # cap, limit, customers (hit at least once), customer_days
    triggers: pd.DataFrame  # rule, fired, customers, median_hours_to_fire
    days: int


def _replayed_counts(log: pd.DataFrame, day: pd.Timestamp, ids: pd.Series) -> pd.DataFrame:
    """Messages the replay sent to `ids` per channel in the 7 days before `day`."""
    recent = log[(log["day"] > day - pd.Timedelta(days=7)) & (log["day"] < day)]
    if recent.empty:
        return pd.DataFrame(index=ids.index)
    counts = recent.pivot_table(
        index=CUSTOMER_ID, columns="channel", values="day", aggfunc="size", fill_value=0
    )
    return counts.reindex(ids.to_numpy(), fill_value=0).set_axis(ids.index)


def _with_replayed(features: pd.DataFrame, counts: pd.DataFrame) -> pd.DataFrame:
    """Features with the replay's own recent messages added to the 7-day touch counts."""
    out = features.copy()
    for channel in counts.columns:
        column = f"touches_7d:{channel}"
        base = out[column] if column in out.columns else 0
        out[column] = base + counts[channel]
        out["touches_7d"] = out["touches_7d"] + counts[channel]
    return out


def _cap_hits(
    features: pd.DataFrame, actions: Sequence[Action], rules: RuleSettings
) -> list[tuple[str, int, np.ndarray]]:
    """Per cap: (cap, limit, customer ids at it) for that day's customers."""
    sent = sent_counts(features, actions)
    ids = features[CUSTOMER_ID].to_numpy()
    hits = []
    for cap, limit in rules.caps.items():
        if cap == ANY:
            at = sent.sum(axis=1).to_numpy() >= limit
        elif cap in sent.columns:
            at = sent[cap].to_numpy() >= limit
        else:
            continue
        hits.append((cap, int(limit), ids[at]))
    return hits


def replay_features(
    features: pd.DataFrame,
    probability: np.ndarray,
    lift: pd.DataFrame,
    actions: Sequence[Action],
    rules: RuleSettings,
) -> Replay:
    """Replay decisions over daily snapshots (`features` rows with a `cutoff` per day)."""
    if len(probability) != len(features) or len(lift) != len(features):
        raise SettingsError("probabilities and lifts must have one row per snapshot")
    features = features.reset_index(drop=True)
    lift = lift.reset_index(drop=True)
    log = pd.DataFrame(columns=list(MESSAGE_COLUMNS))
    parts, cap_rows = [], []
    days = sorted(features["cutoff"].unique())
    for day in days:
        rows = np.flatnonzero((features["cutoff"] == day).to_numpy())
        today = features.iloc[rows]
        counts = _replayed_counts(log, pd.Timestamp(day), today[CUSTOMER_ID])
        today = _with_replayed(today, counts)
        if "frequency_cap" in rules.enabled:
            for cap, limit, ids in _cap_hits(today, actions, rules):
                cap_rows.append(pd.DataFrame({"cap": cap, "limit": limit, CUSTOMER_ID: ids}))
        decided = decide(today, probability[rows], lift.iloc[rows], actions, rules)
        sent = decided[decided["channel"] != ""]
        hours = np.where(
            decided["rule"] == "abandoned_cart",
            pd.to_numeric(today["hours_since_cart"], errors="coerce").to_numpy(),
            pd.to_numeric(today["recency_days"], errors="coerce").to_numpy() * 24,
        )[decided["channel"].to_numpy() != ""]
        part = sent[[CUSTOMER_ID, "action", "channel", "rule"]].assign(
            day=pd.Timestamp(day), hours_to_fire=hours
        )[list(MESSAGE_COLUMNS)]
        parts.append(part)
        log = pd.concat([log, part], ignore_index=True) if len(log) else part
    messages = _concat(parts, MESSAGE_COLUMNS)
    return Replay(
        messages=messages,
        daily=_daily(messages),
        caps=_caps(cap_rows, rules),
        triggers=_triggers(messages),
        days=len(days),
    )


def _concat(parts: list[pd.DataFrame], columns: Sequence[str]) -> pd.DataFrame:
    frames = [p for p in parts if len(p)]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    return pd.concat(frames, ignore_index=True)


def _daily(messages: pd.DataFrame) -> pd.DataFrame:
    """Messages per day and channel, by day then channel."""
    out = messages.groupby(["day", "channel"], as_index=False).size()
    return out.rename(columns={"size": "messages"}).sort_values(
        ["day", "channel"], ignore_index=True
    )


def _caps(rows: list[pd.DataFrame], rules: RuleSettings) -> pd.DataFrame:
    """Per cap: customers who reached it at least once, and customer-days at it."""
    base = pd.DataFrame({"cap": list(rules.caps), "limit": [int(v) for v in rules.caps.values()]})
    hits = _concat(rows, ("cap", "limit", CUSTOMER_ID))
    summary = hits.groupby("cap").agg(
        customers=(CUSTOMER_ID, "nunique"), customer_days=(CUSTOMER_ID, "size")
    )
    out = base.join(summary, on="cap").fillna({"customers": 0, "customer_days": 0})
    return out.astype({"customers": "int64", "customer_days": "int64"})


def _triggers(messages: pd.DataFrame) -> pd.DataFrame:
    """Per rule that sent anything: messages, customers and the median hours to fire."""
    out = messages.groupby("rule").agg(
        fired=(CUSTOMER_ID, "size"),
        customers=(CUSTOMER_ID, "nunique"),
        median_hours_to_fire=("hours_to_fire", "median"),
    )
    return out.reset_index().sort_values(
        ["fired", "rule"], ascending=[False, True], ignore_index=True
    )


def replay(
    runner: Runner,
    events: str,
    model: Scorer,
    start: pd.Timestamp,
    end: pd.Timestamp,
    rec: Recommender | None = None,
    contacts: str | None = None,
) -> Replay:
    """Replay the rules from `start` to `end` (midnights) over the events relation."""
    rec = rec or Recommender()
    days = day_grid(pd.Timestamp(start), pd.Timestamp(end), 1)
    if not days:
        raise SettingsError("the replay needs at least one day: choose a later end")
    features = build_features(runner, events, days, rec.features, contacts, active_days=1.0)
    if features.empty:
        return replay_features(features, np.zeros(0), pd.DataFrame(), rec.actions, rec.rules)
    probability, lift = score_actions(model, features, rec.actions)
    return replay_features(features, probability, lift, rec.actions, rec.rules)
