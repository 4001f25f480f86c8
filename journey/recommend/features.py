"""The model's inputs: settings that say what a cart and onboarding are, and the engine call.

Features come from SQL over the prepared-events relation (`journey.query.engine.features`),
so they scale with the engine; this module only chooses cut-offs and defaults.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from journey.errors import SettingsError
from journey.query.engine import features as sqlf
from journey.query.engine.common import temp_name
from journey.query.engine.runner import Runner
from journey.schema import CONVERSATION_ID, CUSTOMER_ID, TIMESTAMP

CART_WORDS: Final = ("cart", "keranjang", "koszyk")  # English, Indonesian, Polish
# a message about a cart is not a cart: "Cart reminder email", "Pengingat keranjang"
NOT_CART_WORDS: Final = ("remind", "pengingat", "przypom", "email", "push", "sms", "recovery")
ONBOARDING_WORDS: Final = ("welcome", "onboarding", "setup", "install", "selamat", "powitaln")
SCORE: Final = sqlf.SCORE
CUSTOMERS_PER_QUERY: Final = 250_000  # customers per feature statement (bounds its memory)


@dataclass(frozen=True)
class FeatureSettings:
    """What the features count as a cart or onboarding touch, and the target's horizon."""

    cart_touchpoints: tuple[str, ...] = ()
    cart_event_types: tuple[str, ...] = ("add_to_cart",)
    onboarding_touchpoints: tuple[str, ...] = ()
    horizon_days: int = 30
    n_channels: int = 12

    def __post_init__(self) -> None:
        if self.horizon_days < 1:
            raise SettingsError("the horizon must be at least one day")


def _holding(names: Iterable[str], words: Sequence[str]) -> tuple[str, ...]:
    """Names that hold one of `words` (any case), sorted."""
    return tuple(sorted(n for n in set(names) if any(w in str(n).lower() for w in words)))


def propose_cart(
    touchpoints: Iterable[str], event_types: Iterable[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Cart touchpoints and event types proposed from names holding cart, keranjang, koszyk."""
    carts = _holding(touchpoints, CART_WORDS)
    messages = set(_holding(carts, NOT_CART_WORDS))
    return tuple(c for c in carts if c not in messages), _holding(event_types, CART_WORDS)


def propose_onboarding(touchpoints: Iterable[str]) -> tuple[str, ...]:
    """Onboarding touchpoints proposed from names such as Welcome email or Setup guide."""
    return _holding(touchpoints, ONBOARDING_WORDS)


def feature_query(
    runner: Runner, events: str, settings: FeatureSettings, horizon: bool
) -> sqlf.FeatureQuery:
    """The engine's feature query for this relation (top channels, opt-out columns)."""
    return sqlf.FeatureQuery(
        channels=sqlf.top_channels(runner, events, settings.n_channels),
        cart_touchpoints=settings.cart_touchpoints,
        cart_event_types=settings.cart_event_types,
        onboarding_touchpoints=settings.onboarding_touchpoints,
        horizon_days=settings.horizon_days if horizon else None,
        opt_out_columns=sqlf.opt_out_columns(runner, events),
    )


def customer_ranges(runner: Runner, events: str, per_range: int) -> list[str]:
    """Lowest customer id of each run of `per_range` customers (ids in the engine's order)."""
    return [str(v) for v in runner.frame(sqlf.range_starts_sql(events, per_range))["id"]]


def build_features(
    runner: Runner,
    events: str,
    cutoffs: Sequence[pd.Timestamp],
    settings: FeatureSettings,
    contacts: str | None = None,
    horizon: bool = False,
    active_days: float | None = None,
) -> pd.DataFrame:
    """Features per (customer, cut-off), with the `converted` target when `horizon`.

    Past CUSTOMERS_PER_QUERY customers, the statement runs once per range of customer ids
    (the engine's memory then follows the range, not the data); rows come back in the same
    order, by cut-off then customer id.
    """
    query = feature_query(runner, events, settings, horizon)
    starts = customer_ranges(runner, events, CUSTOMERS_PER_QUERY)
    if len(starts) <= 1:
        frame = _features(runner, events, cutoffs, query, contacts, active_days)
    else:
        parts = []
        for lo, hi in zip(starts, [*starts[1:], None], strict=True):
            part = temp_name("nba_customers")
            runner.view(part, sqlf.customers_between_sql(events, lo, hi))
            try:
                parts.append(_features(runner, part, cutoffs, query, contacts, active_days))
            finally:
                runner.drop(part)
        # ranges are in id order: a stable sort by cut-off restores (cut-off, customer id)
        frame = pd.concat(parts, ignore_index=True)
        frame = frame.sort_values("cutoff", kind="stable", ignore_index=True)
    frame["cutoff"] = pd.to_datetime(frame["cutoff"]).astype("datetime64[us]")
    frame[CUSTOMER_ID] = frame[CUSTOMER_ID].astype("str")
    for column in ("open_cart", "last_is_support"):
        frame[column] = frame[column].fillna(False).astype(bool)
    return frame


def _features(
    runner: Runner,
    events: str,
    cutoffs: Sequence[pd.Timestamp],
    query: sqlf.FeatureQuery,
    contacts: str | None,
    active_days: float | None,
) -> pd.DataFrame:
    """One run of the engine's feature statement over `events`."""
    snapshots = sqlf.snapshots_at(events, cutoffs, active_days)
    return runner.frame(sqlf.feature_sql(events, snapshots, query, contacts))


def contacts_frame(conversations: pd.DataFrame) -> pd.DataFrame:
    """Scored conversations as contacts: customer_id, timestamp (naive UTC), sentiment_score.

    `conversations` is `journey.sentiment.score`'s per-conversation table (customer_score).
    """
    needed = [CUSTOMER_ID, TIMESTAMP, "customer_score"]
    missing = [c for c in needed if c not in conversations.columns]
    if missing:
        raise SettingsError(f"scored transcripts lack {', '.join(missing)}")
    stamps = pd.to_datetime(conversations[TIMESTAMP], utc=True).dt.tz_localize(None)
    out = pd.DataFrame(
        {
            CUSTOMER_ID: conversations[CUSTOMER_ID].astype("str"),
            TIMESTAMP: stamps.astype("datetime64[us]"),
            SCORE: pd.to_numeric(conversations["customer_score"], errors="coerce"),
        }
    )
    if CONVERSATION_ID in conversations.columns:
        out[CONVERSATION_ID] = conversations[CONVERSATION_ID].astype("str")
    return out.dropna(subset=[CUSTOMER_ID, TIMESTAMP]).reset_index(drop=True)


def day_grid(start: pd.Timestamp, end: pd.Timestamp, step_days: int) -> list[pd.Timestamp]:
    """Midnights from `end` back to `start` every `step_days` days, oldest first."""
    end = pd.Timestamp(end).normalize()
    n = int(np.floor((end - pd.Timestamp(start)).days / step_days))
    return [end - pd.Timedelta(days=step_days * k) for k in range(max(n, 0), -1, -1)]
