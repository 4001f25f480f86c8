"""A planted, documented effect: a cart reminder email within 24 h recovers abandoned carts.

The next-best-action model is checked against a known answer. In the generated events, an
abandoned cart (an add-to-cart that no purchase of the customer ever follows) whose
`Cart reminder email` arrives within 24 hours is recovered with probability `RECOVERY_P`:
the customer comes back 2 hours to 10 days after the email (2.5 days on average), checks out
and buys on the cart's own channel (Web or App). Push reminders and retargeting banners after
a cart recover nothing. The recovered purchases are appended from their own random stream,
so every other event keeps its bytes.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from journey.sample.constants import DAY, EPOCH, HOUR, SPAN
from journey.sample.story import FIXED_CAMPAIGN, SEGMENT_REVENUE, SEGMENTS, TOUCHES, VENUE_REVENUE
from journey.schema import (
    CAMPAIGN,
    CHANNEL,
    CONVERSION,
    CUSTOMER_ID,
    DEVICE,
    EVENT_TYPE,
    REVENUE,
    SEGMENT,
    SESSION_ID,
    TEAM,
    TIMESTAMP,
    TOUCHPOINT,
)

REMINDER: Final = "Cart reminder email"
RECOVERY_P: Final = 0.6
REMINDER_WINDOW: Final = 24 * HOUR
# the cart's channel -> (checkout touchpoint, purchase touchpoint) of the recovered sale
RECOVERY_STEPS: Final = {
    "Web": ("Checkout", "Order placed"),
    "App": ("Checkout", "In-app purchase"),
}


def _seconds(stamps: pd.Series) -> np.ndarray:
    """ISO 'Z' timestamps as integer seconds since the Unix epoch."""
    return pd.to_datetime(stamps, utc=True).dt.as_unit("s").astype("int64").to_numpy()


def _reminded_carts(events: pd.DataFrame) -> pd.DataFrame:
    """Cart reminder emails within 24 h of a cart that no purchase of the customer follows."""
    t = _seconds(events[TIMESTAMP])
    frame = events.assign(_t=t)
    carts = frame.loc[frame[EVENT_TYPE] == "add_to_cart", [CUSTOMER_ID, "_t", CHANNEL, DEVICE]]
    carts = carts.rename(columns={"_t": "cart_t", CHANNEL: "cart_channel"})
    mails = frame.loc[frame[TOUCHPOINT] == REMINDER, [CUSTOMER_ID, "_t", SEGMENT]]
    buys = frame.loc[frame[CONVERSION] == "true", [CUSTOMER_ID, "_t"]].rename(
        columns={"_t": "buy_t"}
    )
    pairs = pd.merge_asof(
        mails.sort_values("_t"),
        carts.sort_values("cart_t"),
        left_on="_t",
        right_on="cart_t",
        by=CUSTOMER_ID,
        direction="backward",
    ).dropna(subset=["cart_t"])
    pairs = pd.merge_asof(
        pairs.sort_values("cart_t"),
        buys.sort_values("buy_t"),
        left_on="cart_t",
        right_on="buy_t",
        by=CUSTOMER_ID,
        direction="forward",
    )
    # a recovery before a later purchase would move the customer's first purchase: skip those
    keep = (
        (pairs["_t"] - pairs["cart_t"] <= REMINDER_WINDOW)
        & pairs["buy_t"].isna()
        & pairs["cart_channel"].isin(list(RECOVERY_STEPS))
    )
    # one reminder per cart: the first
    kept = pairs[keep].sort_values(["_t", CUSTOMER_ID], kind="stable")
    return kept.drop_duplicates([CUSTOMER_ID, "cart_t"]).reset_index(drop=True)


def plant_cart_recovery(events: pd.DataFrame, seed: int = 7) -> pd.DataFrame:
    """Append recovered purchases after timely cart reminder emails; return the sorted events."""
    rng = np.random.default_rng([seed, 5])
    carts = _reminded_carts(events)
    won = carts[rng.random(len(carts)) < RECOVERY_P].reset_index(drop=True)
    gap = np.minimum(2 * HOUR + rng.exponential(2.5 * DAY, len(won)), 10 * DAY)
    checkout_t = np.floor(won["_t"].to_numpy() + gap).astype(np.int64)
    buy_t = checkout_t + rng.integers(60, 400, len(won))
    confirm_t = buy_t + np.where(rng.random(len(won)) < 0.5, 0, rng.integers(5, 120, len(won)))
    segment = won[SEGMENT].map({s: i for i, s in enumerate(SEGMENTS)}).to_numpy(dtype=np.int64)
    venue = np.where(won["cart_channel"] == "App", 1, 0)
    level = np.asarray(SEGMENT_REVENUE)[segment] * np.asarray(VENUE_REVENUE)[venue]
    amount = np.maximum(np.round(level * rng.lognormal(0.0, 0.55, len(won)), 2), 4.99)
    first_session = 1 + int(events[SESSION_ID].str[1:].replace("", "0").astype(int).max())
    sessions = np.char.mod("S%06d", first_session + np.arange(len(won)))
    steps = [
        (won["cart_channel"].to_numpy(), 0, checkout_t, sessions),
        (won["cart_channel"].to_numpy(), 1, buy_t, sessions),
        (np.full(len(won), "Email", dtype=object), 2, confirm_t, np.full(len(won), "")),
    ]
    rows = [_recovery_rows(won, *step, amount) for step in steps]
    added = pd.concat(rows, ignore_index=True)
    added = added[_seconds(added[TIMESTAMP]) - EPOCH < SPAN]
    return _merge(events, added)


def _recovery_rows(
    won: pd.DataFrame,
    channel: np.ndarray,
    step: int,
    t: np.ndarray,
    session: np.ndarray,
    amount: np.ndarray,
) -> pd.DataFrame:
    """Frame one step (0 checkout, 1 purchase, 2 confirmation) of every recovered sale."""
    touchpoint = np.array(
        [RECOVERY_STEPS[c][step] if step < 2 else "Order confirmation" for c in channel],
        dtype=object,
    )
    spec = {(c, tp): (e, m) for c, tp, e, m in TOUCHES}
    event_type = np.array([spec[(c, tp)][0] for c, tp in zip(channel, touchpoint, strict=True)])
    team = np.array([spec[(c, tp)][1] for c, tp in zip(channel, touchpoint, strict=True)])
    keys = [f"{c}|{tp}" for c, tp in zip(channel, touchpoint, strict=True)]
    bought = step == 1
    stamp = pd.to_datetime(t, unit="s", utc=True).strftime("%Y-%m-%dT%H:%M:%SZ")
    return pd.DataFrame(
        {
            CUSTOMER_ID: won[CUSTOMER_ID].to_numpy(),
            TIMESTAMP: np.asarray(stamp, dtype=object),
            CHANNEL: channel,
            TOUCHPOINT: touchpoint,
            EVENT_TYPE: event_type,
            CONVERSION: "true" if bought else "false",
            REVENUE: np.char.mod("%.2f", amount) if bought else "",
            TEAM: team,
            CAMPAIGN: [FIXED_CAMPAIGN.get(k, "") for k in keys],
            DEVICE: won[DEVICE].to_numpy(),
            SEGMENT: won[SEGMENT].to_numpy(),
            SESSION_ID: session,
            "_step": step,
        }
    )


def _merge(events: pd.DataFrame, added: pd.DataFrame) -> pd.DataFrame:
    """Insert the added rows in output order: time, customer, then journey order."""
    both = pd.concat(
        [events.assign(_step=-1), added.sort_values([CUSTOMER_ID, "_step"], kind="stable")],
        ignore_index=True,
    )
    both = both.assign(_seq=np.arange(len(both)))
    both = both.sort_values([TIMESTAMP, CUSTOMER_ID, "_seq"], kind="stable", ignore_index=True)
    return both.drop(columns=["_step", "_seq"]).astype("str")
