"""Each decision's reason, in words built from the facts that fired, one column at a time.

e.g. "cart opened 9 h ago; answers Email 3.0x more often than Push → cart reminder by Email".
Strings are assembled with vectorised column operations, not a loop per customer.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from journey.recommend.actions import Action


def _num(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return pd.to_numeric(frame[name], errors="coerce").astype("float64")
    return pd.Series(np.nan, index=frame.index, dtype="float64")


def _text(values: object, index: pd.Index) -> pd.Series:
    if np.ndim(values) == 0:
        return pd.Series(str(values), index=index, dtype="str")
    series = pd.Series(np.asarray(values, dtype=object), index=index)
    return series.where(series.notna(), "").astype("str")


def _ago(days: pd.Series) -> pd.Series:
    """'9 h ago' under two days, else '3 days ago'."""
    hours = (days * 24).round().astype("Int64").astype("str")
    whole = days.round().astype("Int64").astype("str")
    return (hours + " h ago").where(days < 2, whole + " days ago")


def _cart(features: pd.DataFrame, decisions: pd.DataFrame, actions: Sequence[Action]) -> pd.Series:
    """'cart opened 9 h ago; answers Email 3.0x more often than Push'."""
    idx = features.index
    opened = "cart opened " + _ago(_num(features, "hours_since_cart") / 24)
    channels = list(dict.fromkeys(a.channel for a in actions))
    rates = pd.DataFrame(
        {ch: _num(features, f"response_rate:{ch}") for ch in channels}, index=idx
    ).fillna(-1.0)
    chosen = decisions["channel"].astype("str")
    own = pd.Series(
        np.where(
            rates.columns.size > 0,
            rates.to_numpy()[
                np.arange(len(rates)),
                np.maximum(pd.Index(channels).get_indexer(chosen.to_numpy()), 0),
            ],
            -1.0,
        ),
        index=idx,
    )
    others = rates.mask(rates.columns.to_numpy()[None, :] == chosen.to_numpy()[:, None])
    runner_up = others.max(axis=1)
    second = others.idxmax(axis=1, skipna=True).where(runner_up.notna(), "")
    ratio = (own / runner_up).round(1)
    compare = (
        "; answers " + chosen + " " + ratio.astype("str") + "x more often than " + second
    ).where((runner_up > 0) & (own > runner_up), "")
    alone = "; answers " + chosen + " " + (own * 100).round().astype("Int64").astype("str")
    alone = (alone + "% of the time").where((own >= 0) & (compare == ""), "")
    return opened + compare + alone


def _lookup(frame: pd.DataFrame, columns: pd.Series) -> pd.Series:
    """Per row, the value of the column named in `columns` (NaN when there is none)."""
    where = frame.columns.get_indexer(columns.to_numpy())
    values = frame.to_numpy(dtype="float64")[np.arange(len(frame)), np.maximum(where, 0)]
    return pd.Series(np.where(where >= 0, values, np.nan), index=frame.index)


def _pct(values: pd.Series) -> pd.Series:
    return (values * 100).round(1).astype("str")


def _pts(values: pd.Series) -> pd.Series:
    """Signed percentage points: '+2.8 pts', '-0.7 pts'."""
    sign = pd.Series(np.where(values >= 0, "+", ""), index=values.index)
    return sign + _pct(values) + " pts"


def _whole(values: pd.Series) -> pd.Series:
    return values.round().astype("Int64").astype("str")


def explain(
    features: pd.DataFrame,
    decisions: pd.DataFrame,
    actions: Sequence[Action],
    facts: tuple[np.ndarray, np.ndarray, np.ndarray],
    negative_below: float,
) -> pd.Series:
    """The reason column for `decisions` (rows as `features`).

    `facts` holds the expected-lift matrix, the top action ignoring caps (index, -1 none) and
    the model's probability per row. Each rule's words are built for its own rows only.
    """
    lift, best_any, probability = facts
    rule = decisions["rule"].to_numpy()
    parts = []
    for rule_id in pd.unique(rule):
        rows = np.flatnonzero(rule == rule_id)
        sub = (lift[rows], best_any[rows], np.asarray(probability)[rows])
        parts.append(
            _explain_rule(
                str(rule_id),
                features.iloc[rows],
                decisions.iloc[rows],
                actions,
                sub,
                negative_below,
            )
        )
    if not parts:
        return pd.Series("", index=features.index, dtype="str")
    return pd.concat(parts).reindex(features.index).fillna("").astype("str")


def _explain_rule(
    rule_id: str,
    features: pd.DataFrame,
    decisions: pd.DataFrame,
    actions: Sequence[Action],
    facts: tuple[np.ndarray, np.ndarray, np.ndarray],
    negative_below: float,
) -> pd.Series:
    """The reasons of rows that all fired `rule_id` (rows as `features`)."""
    lift, best_any, probability = facts
    idx = features.index
    channel = decisions["channel"].astype("str")
    pick = decisions["action_index"].to_numpy()
    labels = np.array([a.label for a in actions] + [""], dtype=object)
    channels = np.array([a.channel for a in actions] + [""], dtype=object)
    chosen = _text(labels[pick], idx)
    chosen_lift = pd.Series(
        np.where(pick >= 0, lift[np.arange(len(idx)), np.maximum(pick, 0)], np.nan), index=idx
    )
    if rule_id == "do_not_contact":
        return pd.Series("opted out (do_not_contact / opt_out) → no contact", index=idx)
    if rule_id == "service_first":
        sentiment = _num(features, "last_sentiment")
        last = _text(features.get("last_touchpoint", ""), idx)
        fact = "last contact negative (sentiment " + sentiment.round(2).astype("str") + ")"
        fact = fact.where(sentiment < negative_below, "unresolved support contact (" + last + ")")
        to = (" → service first: " + chosen).where(
            chosen != "", " → service first, but its channel is at its cap: wait"
        )
        return fact + to
    if rule_id == "frequency_cap":
        top_channel = _text(channels[best_any], idx)
        counts = pd.DataFrame(
            {
                ch: _num(features, f"touches_7d:{ch}").fillna(0)
                for ch in dict.fromkeys(channels[:-1])
            },
            index=idx,
        )
        capped = (
            top_channel
            + " at its cap ("
            + _whole(_lookup(counts, top_channel))
            + " in 7 days) → "
            + chosen
            + " instead; expected lift (model) "
            + _pts(chosen_lift)
        )
        return capped.where(
            chosen != "", "every channel at its cap in the last 7 days → no contact"
        )
    if rule_id == "abandoned_cart":
        return _cart(features, decisions, actions) + " → cart reminder by " + channel
    if rule_id == "onboarding":
        return (
            "first purchase "
            + _ago(_num(features, "days_since_first_conversion"))
            + ", no onboarding touch yet → next onboarding step by "
            + channel
        )
    if rule_id == "win_back":
        return (
            "bought before, no touch for "
            + _whole(_num(features, "recency_days"))
            + " days → win-back offer by "
            + channel
        )
    model = (
        "expected lift (model) "
        + _pts(chosen_lift)
        + " for "
        + chosen
        + "; P(convert) now "
        + _pct(pd.Series(probability, index=idx))
        + "%"
    )
    return model.where(
        chosen != "", "no candidate action is expected to lift conversion now → wait"
    )
