"""Deterministic sample data: journeys of a smart-home retailer and its support transcripts.

The story (told in data/sample/README.md): "Lumio" sells smart-home devices and a
subscription to consumers, small businesses (SMB) and enterprises. Display, TV and Social open
journeys; branded Paid Search, Email and Push close them; enterprises buy over the phone and in
stores. Carts are abandoned at checkout, buyers get onboarding mails and install the app,
unhappy buyers call and chat with support more often and rarely buy again.

Everything is drawn from one seeded `numpy.random.Generator`, so a seed gives the same bytes.
`python -m journey.sample [--out data/sample]` rewrites the committed files.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from journey.schema import (
    AGENT,
    CAMPAIGN,
    CHANNEL,
    CONVERSATION_ID,
    CONVERSION,
    CUSTOMER_ID,
    DEVICE,
    EVENT_TYPE,
    LABEL,
    REVENUE,
    SEGMENT,
    SESSION_ID,
    SPEAKER,
    TEAM,
    TEXT,
    TIMESTAMP,
    TOUCHPOINT,
)

SAMPLE_DIR: Final = Path(__file__).resolve().parents[2] / "data" / "sample"
EVENTS_FILE: Final = "events.csv"
TRANSCRIPTS_FILE: Final = "transcripts.csv"
SAMPLE_EVENT_COLUMNS: Final = (
    CUSTOMER_ID,
    TIMESTAMP,
    CHANNEL,
    TOUCHPOINT,
    EVENT_TYPE,
    CONVERSION,
    REVENUE,
    TEAM,
    CAMPAIGN,
    DEVICE,
    SEGMENT,
    SESSION_ID,
)
SAMPLE_TRANSCRIPT_COLUMNS: Final = (
    CUSTOMER_ID,
    TIMESTAMP,
    CHANNEL,
    CONVERSATION_ID,
    SPEAKER,
    TEXT,
    AGENT,
    LABEL,
)

START: Final = pd.Timestamp("2025-01-01T00:00:00Z")
END: Final = pd.Timestamp("2025-08-01T00:00:00Z")  # exclusive: data runs to 2025-07-31
_SPAN: Final = int((END - START).total_seconds())
_EPOCH: Final = int(START.timestamp())
_MIN: Final = 60.0
_HOUR: Final = 3600.0
_DAY: Final = 86400.0

CHANNELS: Final = (
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
)
SEGMENTS: Final = ("Consumer", "SMB", "Enterprise")
_SEGMENT_SHARE: Final = (0.62, 0.28, 0.10)
_CONVERT_P: Final = (0.31, 0.38, 0.46)
DEVICES: Final = ("desktop", "mobile", "tablet")
_DEVICE_P: Final = ((0.30, 0.60, 0.10), (0.62, 0.33, 0.05), (0.80, 0.15, 0.05))
# channels whose events belong to a browsing session (the others have no session_id)
_SESSION_CHANNELS: Final = (
    "Paid Search",
    "Organic Search",
    "Social",
    "Display",
    "Web",
    "App",
    "Chat",
)
_NO_DEVICE_CHANNELS: Final = ("TV", "Store", "Call Center")
_SESSION_GAP: Final = 30 * _MIN

# (channel, touchpoint, event_type, team): every kind of touch in the data
TOUCHES: Final = (
    ("TV", "TV spot", "impression", "marketing"),
    ("Display", "Display banner", "impression", "marketing"),
    ("Display", "Video ad", "impression", "marketing"),
    ("Display", "Retargeting banner", "click", "marketing"),
    ("Social", "Social ad", "click", "marketing"),
    ("Social", "Social post", "view", "marketing"),
    ("Social", "Influencer video", "view", "marketing"),
    ("Organic Search", "Organic result", "click", "marketing"),
    ("Organic Search", "Blog article", "view", "marketing"),
    ("Paid Search", "Search ad", "click", "marketing"),
    ("Paid Search", "Brand search ad", "click", "marketing"),
    ("Web", "Homepage", "view", "product"),
    ("Web", "Product page", "view", "product"),
    ("Web", "Pricing page", "view", "product"),
    ("Web", "Reviews page", "view", "product"),
    ("Web", "Comparison page", "view", "product"),
    ("Web", "Case study", "view", "sales"),
    ("Web", "Add to cart", "add_to_cart", "product"),
    ("Web", "Checkout", "checkout", "product"),
    ("Web", "Order placed", "purchase", "sales"),
    ("Web", "Setup guide", "view", "product"),
    ("Web", "Help center", "support_contact", "service"),
    ("Web", "Returns portal", "support_contact", "service"),
    ("App", "App home", "view", "product"),
    ("App", "Add to cart", "add_to_cart", "product"),
    ("App", "Checkout", "checkout", "product"),
    ("App", "In-app purchase", "purchase", "sales"),
    ("App", "App install", "app_install", "product"),
    ("Email", "Newsletter", "email_open", "marketing"),
    ("Web", "Newsletter sign-up", "sign_up", "marketing"),
    ("Email", "Promo email", "email_click", "marketing"),
    ("Email", "Cart reminder email", "email_click", "marketing"),
    ("Email", "Order confirmation", "email_sent", "sales"),
    ("Email", "Welcome email", "email_open", "marketing"),
    ("Email", "Onboarding email", "email_open", "product"),
    ("Email", "Loyalty offer", "email_click", "marketing"),
    ("Email", "Support email", "support_contact", "service"),
    ("Push", "Push reminder", "push_open", "marketing"),
    ("Push", "Push offer", "push_open", "marketing"),
    ("Call Center", "Sales call", "call", "sales"),
    ("Call Center", "Demo call", "call", "sales"),
    ("Call Center", "Phone order", "purchase", "sales"),
    ("Call Center", "Support call", "support_contact", "service"),
    ("Chat", "Chatbot", "chat", "service"),
    ("Chat", "Live chat", "chat", "service"),
    ("Store", "Store visit", "visit", "sales"),
    ("Store", "Store purchase", "purchase", "sales"),
    ("Store", "Returns desk", "support_contact", "service"),
)
_KEY: Final = {f"{c}|{t}": i for i, (c, t, _e, _m) in enumerate(TOUCHES)}

# Stages of a purchase cycle, in journey order; post-purchase stages hang off the purchase time.
_OPEN, _AWARE, _CONSIDER, _ABANDON, _REMIND, _CLOSE, _PREP, _BUY = range(8)
_CONFIRM, _ONBOARD, _SUPPORT, _ENGAGE, _NURTURE, _NEWS = range(8, 14)
# the monthly newsletter goes out on the first Thursday of each month at 09:00 UTC
_NEWSLETTER_SENDS: Final = tuple(
    int((pd.Timestamp(f"2025-{m:02d}-{d:02d}T09:00:00Z") - START).total_seconds())
    for m, d in ((1, 2), (2, 6), (3, 6), (4, 3), (5, 1), (6, 5), (7, 3))
)

# Per stage, per segment (Consumer, SMB, Enterprise): {touch key: weight}
_MIX: Final[dict[int, tuple[dict[str, float], ...]]] = {
    _OPEN: (
        {
            "TV|TV spot": 3.0,
            "Display|Display banner": 3.0,
            "Display|Video ad": 1.5,
            "Social|Social ad": 3.0,
            "Social|Influencer video": 1.5,
            "Organic Search|Organic result": 1.5,
            "Paid Search|Search ad": 1.0,
        },
        {
            "Display|Display banner": 2.0,
            "TV|TV spot": 1.0,
            "Social|Social ad": 1.5,
            "Organic Search|Organic result": 3.0,
            "Organic Search|Blog article": 2.5,
            "Paid Search|Search ad": 2.0,
        },
        {
            "TV|TV spot": 3.0,
            "Display|Display banner": 2.5,
            "Display|Video ad": 1.0,
            "Organic Search|Blog article": 2.0,
            "Organic Search|Organic result": 1.5,
            "Paid Search|Search ad": 0.8,
        },
    ),
    _AWARE: (
        {
            "Social|Social post": 3.0,
            "Social|Social ad": 2.0,
            "Display|Display banner": 2.0,
            "Display|Retargeting banner": 1.0,
            "TV|TV spot": 1.5,
            "Paid Search|Search ad": 2.5,
            "Organic Search|Organic result": 1.5,
            "Social|Influencer video": 1.0,
        },
        {
            "Paid Search|Search ad": 3.0,
            "Organic Search|Organic result": 2.0,
            "Organic Search|Blog article": 2.0,
            "Social|Social post": 1.0,
            "Display|Display banner": 1.5,
            "Display|Retargeting banner": 1.0,
            "Display|Video ad": 0.5,
        },
        {
            "Organic Search|Organic result": 2.0,
            "Organic Search|Blog article": 2.0,
            "Display|Display banner": 2.0,
            "TV|TV spot": 1.5,
            "Paid Search|Search ad": 1.5,
            "Display|Video ad": 1.0,
        },
    ),
    _CONSIDER: (
        {
            "Web|Homepage": 3.0,
            "Web|Product page": 4.0,
            "Web|Reviews page": 2.0,
            "Web|Pricing page": 1.5,
            "Web|Comparison page": 0.5,
            "App|App home": 1.5,
            "Chat|Chatbot": 0.9,
            "Chat|Live chat": 0.5,
            "Store|Store visit": 0.8,
        },
        {
            "Web|Homepage": 2.0,
            "Web|Product page": 3.0,
            "Web|Pricing page": 3.0,
            "Web|Comparison page": 2.0,
            "Web|Case study": 1.0,
            "Chat|Live chat": 1.4,
            "Chat|Chatbot": 0.5,
            "Call Center|Sales call": 0.5,
        },
        {
            "Web|Pricing page": 2.0,
            "Web|Product page": 2.0,
            "Web|Case study": 2.5,
            "Web|Comparison page": 1.0,
            "Call Center|Sales call": 2.5,
            "Call Center|Demo call": 1.5,
            "Store|Store visit": 1.5,
            "Chat|Live chat": 0.8,
        },
    ),
    _REMIND: (
        {
            "Email|Cart reminder email": 3.0,
            "Display|Retargeting banner": 2.0,
            "Push|Push reminder": 1.5,
        },
        {"Email|Cart reminder email": 4.0, "Display|Retargeting banner": 2.0},
        {
            "Email|Cart reminder email": 2.0,
            "Call Center|Sales call": 2.0,
            "Display|Retargeting banner": 1.0,
        },
    ),
    _CLOSE: (
        {
            "Paid Search|Brand search ad": 4.0,
            "Email|Promo email": 3.0,
            "Push|Push offer": 1.5,
            "Display|Retargeting banner": 0.8,
            "Social|Social ad": 0.5,
        },
        {
            "Paid Search|Brand search ad": 4.0,
            "Email|Promo email": 3.0,
            "Paid Search|Search ad": 1.0,
            "Chat|Live chat": 0.5,
        },
        {
            "Call Center|Sales call": 3.0,
            "Paid Search|Brand search ad": 1.5,
            "Email|Promo email": 1.5,
            "Call Center|Demo call": 1.0,
        },
    ),
    _SUPPORT: (
        {
            "Call Center|Support call": 2.0,
            "Chat|Live chat": 2.5,
            "Chat|Chatbot": 2.5,
            "Email|Support email": 1.2,
            "Web|Help center": 1.8,
            "Web|Returns portal": 0.7,
            "Store|Returns desk": 0.6,
        },
        {
            "Call Center|Support call": 2.5,
            "Chat|Live chat": 2.5,
            "Chat|Chatbot": 1.0,
            "Email|Support email": 2.0,
            "Web|Help center": 1.4,
            "Web|Returns portal": 0.4,
            "Store|Returns desk": 0.3,
        },
        {
            "Call Center|Support call": 4.0,
            "Chat|Live chat": 1.5,
            "Email|Support email": 2.0,
            "Web|Help center": 0.6,
            "Store|Returns desk": 0.8,
            "Chat|Chatbot": 0.3,
        },
    ),
    _ENGAGE: (
        {
            "Email|Loyalty offer": 1.5,
            "Push|Push offer": 1.2,
            "App|App home": 2.0,
            "Web|Product page": 1.0,
            "Email|Promo email": 1.5,
            "Social|Social post": 0.7,
        },
        {
            "Email|Loyalty offer": 1.0,
            "Web|Product page": 1.5,
            "Web|Pricing page": 0.8,
            "Email|Promo email": 1.5,
            "App|App home": 0.6,
        },
        {
            "Web|Case study": 1.0,
            "Call Center|Sales call": 1.0,
            "Email|Promo email": 1.0,
            "Web|Pricing page": 0.8,
        },
    ),
    _NURTURE: (
        {
            "Email|Promo email": 2.0,
            "Display|Retargeting banner": 2.0,
            "Push|Push offer": 0.5,
            "Social|Social post": 1.0,
        },
        {
            "Email|Promo email": 2.0,
            "Display|Retargeting banner": 1.5,
            "Organic Search|Blog article": 1.0,
        },
        {
            "Email|Promo email": 1.0,
            "Display|Retargeting banner": 1.0,
            "Call Center|Sales call": 1.0,
        },
    ),
}

# Where a purchase happens, per segment: web, app, store, phone
_VENUES: Final = ("web", "app", "store", "phone")
_VENUE_P: Final = ((0.60, 0.28, 0.12, 0.0), (0.72, 0.05, 0.08, 0.15), (0.25, 0.0, 0.25, 0.50))
_PREP_SEQ: Final = (
    ("Web|Add to cart", "Web|Checkout"),
    ("App|Add to cart", "App|Checkout"),
    ("Store|Store visit",),
    ("Call Center|Sales call",),
)
_BUY_KEY: Final = (
    "Web|Order placed",
    "App|In-app purchase",
    "Store|Store purchase",
    "Call Center|Phone order",
)
_VENUE_REVENUE: Final = (1.0, 0.85, 1.15, 1.3)
_SEGMENT_REVENUE: Final = (70.0, 380.0, 2600.0)  # median order value
_APP_INSTALL_P: Final = (0.65, 0.35, 0.2)

# Stage timing: (probability of a short gap, short mean, long mean), gaps before each event.
_GAPS: Final = {
    _AWARE: (0.2, 20 * _MIN, 3.0 * _DAY),
    _CONSIDER: (0.7, 4 * _MIN, 1.5 * _DAY),
    _ABANDON: (1.0, 3 * _MIN, 0.0),
    _REMIND: (0.0, 0.0, 10 * _HOUR),
    _CLOSE: (0.2, 1 * _HOUR, 2.0 * _DAY),
    _PREP: (1.0, 3 * _MIN, 0.0),
    _BUY: (1.0, 4 * _MIN, 0.0),
}

# Campaigns: (touch key, campaign) fixed, else a seasonal campaign for paid media
_FIXED_CAMPAIGN: Final = {
    "Paid Search|Brand search ad": "Brand Always-On",
    "Display|Retargeting banner": "Retargeting",
    "Email|Cart reminder email": "Cart Recovery",
    "Push|Push reminder": "Cart Recovery",
    "Email|Welcome email": "Welcome Series",
    "Email|Onboarding email": "Welcome Series",
    "Email|Newsletter": "Monthly Newsletter",
    "Email|Loyalty offer": "Loyalty Club",
    "Social|Influencer video": "Creator Collab",
}
_SEASONAL_KEYS: Final = (
    "TV|TV spot",
    "Display|Display banner",
    "Display|Video ad",
    "Social|Social ad",
    "Paid Search|Search ad",
    "Email|Promo email",
    "Push|Push offer",
)
# month 1..7 -> campaign
_SEASONS: Final = (
    "New Year Deals",
    "New Year Deals",
    "Spring Sale",
    "Spring Sale",
    "Summer Launch",
    "Summer Launch",
    "Summer Launch",
)


def _pick(rng: np.random.Generator, weights: dict[str, float], size: int) -> np.ndarray:
    """Draw `size` touch indices from a {touch key: weight} mix."""
    keys = np.array([_KEY[k] for k in weights])
    p = np.array(list(weights.values()))
    return keys[rng.choice(len(keys), size=size, p=p / p.sum())]


def _expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (owner index, position within owner) for `counts[i]` rows per owner i."""
    owner = np.repeat(np.arange(counts.size), counts)
    starts = np.cumsum(counts) - counts
    return owner, np.arange(owner.size) - np.repeat(starts, counts)


def _gaps(rng: np.random.Generator, stage: np.ndarray) -> np.ndarray:
    """Draw the waiting time in seconds before each pre-purchase event of the given stages."""
    gaps = np.zeros(stage.size)
    for st, (p_short, short, long) in _GAPS.items():
        idx = np.flatnonzero(stage == st)
        short_gap = rng.exponential(max(short, 1.0), idx.size)
        long_gap = rng.exponential(max(long, 1.0), idx.size)
        gaps[idx] = np.where(rng.random(idx.size) < p_short, short_gap, long_gap)
    return gaps


def _customers(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """Draw each customer's segment, device, archetype and number of purchases."""
    segment = rng.choice(3, size=n, p=_SEGMENT_SHARE)
    device = np.empty(n, dtype=np.int64)
    for s in range(3):
        idx = np.flatnonzero(segment == s)
        device[idx] = rng.choice(3, size=idx.size, p=_DEVICE_P[s])
    converts = rng.random(n) < np.asarray(_CONVERT_P)[segment]
    unhappy = converts & (rng.random(n) < 0.25)
    # happy buyers come back; unhappy ones rarely do
    repeat_p = np.where(unhappy, 0.08, 0.42)
    extra = np.zeros(n, dtype=np.int64)
    for step in range(3):  # a second, third, fourth purchase, each given the one before
        extra += (extra == step) & (rng.random(n) < repeat_p)
    n_purchases = np.where(converts, 1 + extra, 0)
    # non-buyers: 0 bounce after ads, 1 browse, 2 abandon a cart
    lost = rng.choice(3, size=n, p=(0.34, 0.36, 0.30))
    t0 = rng.uniform(0, 0.92 * _SPAN, n)
    return pd.DataFrame(
        {
            "segment": segment,
            "device": device,
            "converts": converts,
            "unhappy": unhappy,
            "n_purchases": n_purchases,
            "lost": np.where(converts, -1, lost),
            "t0": t0,
        }
    )


def _cycles(rng: np.random.Generator, cust: pd.DataFrame) -> pd.DataFrame:
    """One row per purchase cycle (one cycle for non-buyers; buyers may abandon a last one)."""
    n_purch = cust["n_purchases"].to_numpy()
    trailing = (n_purch > 0) & (rng.random(len(cust)) < 0.18)  # a last cart, never bought
    counts = np.maximum(n_purch, 1) + trailing
    owner, j = _expand(counts)
    seg = cust["segment"].to_numpy()[owner]
    lost = cust["lost"].to_numpy()[owner]
    buys = j < n_purch[owner]
    size = owner.size
    abandon = np.where(buys, rng.random(size) < 0.3, (lost == 2) | (lost == -1))
    venue = np.empty(size, dtype=np.int64)
    for s in range(3):
        idx = np.flatnonzero(seg == s)
        venue[idx] = rng.choice(4, size=idx.size, p=_VENUE_P[s])
    mobile = cust["device"].to_numpy()[owner] == 1
    cart_venue = np.where(mobile & (rng.random(size) < 0.45), 1, 0)
    aware_lambda = np.asarray((2.2, 2.6, 3.2))[seg]
    n_aware = np.where(j == 0, rng.poisson(aware_lambda), rng.poisson(0.7, size))
    n_consider = np.where(
        (lost == 0) & ~buys, 0, np.where(j == 0, 1 + rng.poisson(3.5, size), rng.poisson(1.6, size))
    )
    return pd.DataFrame(
        {
            "owner": owner,
            "j": j,
            "segment": seg,
            "buys": buys,
            "n_open": (j == 0).astype(np.int64),
            "n_aware": n_aware,
            "n_consider": n_consider,
            "n_abandon": np.where(abandon, 1 + (rng.random(size) < 0.45), 0),
            "n_remind": (abandon & (rng.random(size) < 0.8)).astype(np.int64),
            "n_close": np.where(buys, 1 + (rng.random(size) < 0.25), 0),
            "n_prep": np.where(buys, np.asarray([len(s) for s in _PREP_SEQ])[venue], 0),
            "n_buy": buys.astype(np.int64),
            "venue": venue,
            "cart_venue": cart_venue,
        }
    )


def _chain(rng: np.random.Generator, cyc: pd.DataFrame, t0: np.ndarray) -> pd.DataFrame:
    """Lay out the pre-purchase events of every cycle in time; returns one row per event."""
    stage_cols = (
        "n_open",
        "n_aware",
        "n_consider",
        "n_abandon",
        "n_remind",
        "n_close",
        "n_prep",
        "n_buy",
    )
    parts = []
    for stage, col in enumerate(stage_cols):
        owner, k = _expand(cyc[col].to_numpy())
        parts.append((owner, np.full(owner.size, stage), k))
    cycle = np.concatenate([p[0] for p in parts])
    stage = np.concatenate([p[1] for p in parts])
    k = np.concatenate([p[2] for p in parts])
    order = np.lexsort((k, stage, cycle))
    cycle, stage, k = cycle[order], stage[order], k[order]

    seg = cyc["segment"].to_numpy()[cycle]
    touch = np.full(cycle.size, -1)
    for st in (_OPEN, _AWARE, _CONSIDER, _REMIND, _CLOSE):
        for s in range(3):
            idx = np.flatnonzero((stage == st) & (seg == s))
            touch[idx] = _pick(rng, _MIX[st][s], idx.size)
    cart_seq = np.array([[_KEY[k2] for k2 in _PREP_SEQ[v]] for v in (0, 1)])
    idx = np.flatnonzero(stage == _ABANDON)
    touch[idx] = cart_seq[cyc["cart_venue"].to_numpy()[cycle[idx]], k[idx]]
    venue = cyc["venue"].to_numpy()[cycle]
    prep = np.array([[_KEY[s[min(i, len(s) - 1)]] for i in range(2)] for s in _PREP_SEQ])
    idx = np.flatnonzero(stage == _PREP)
    touch[idx] = prep[venue[idx], k[idx]]
    idx = np.flatnonzero(stage == _BUY)
    touch[idx] = np.array([_KEY[b] for b in _BUY_KEY])[venue[idx]]

    gaps = _gaps(rng, stage)
    # a few checkouts land in the same second as their add-to-cart: ties in the data
    tie = (stage == _PREP) & (k == 1) & (rng.random(stage.size) < 0.06)
    gaps[tie] = 0.0
    first = np.r_[True, cycle[1:] != cycle[:-1]]
    gaps[first] = 0.0
    cum = np.cumsum(gaps)
    rel = cum - np.maximum.accumulate(np.where(first, cum, 0.0))

    # cycle j starts 2-10 weeks after cycle j-1 ended (its purchase or last touch)
    n_cyc = len(cyc)
    end_rel = np.zeros(n_cyc)
    np.maximum.at(end_rel, cycle, rel)
    start = np.zeros(n_cyc)
    j = cyc["j"].to_numpy()
    owner = cyc["owner"].to_numpy()
    start[j == 0] = t0[owner[j == 0]]
    for jj in range(1, int(j.max()) + 1):
        idx = np.flatnonzero(j == jj)
        start[idx] = (
            start[idx - 1] + end_rel[idx - 1] + 14 * _DAY + rng.exponential(35 * _DAY, idx.size)
        )
    return pd.DataFrame({"cycle": cycle, "stage": stage, "touch": touch, "t": start[cycle] + rel})


def _after(
    rng: np.random.Generator, anchor_cycle: np.ndarray, counts: np.ndarray, low: float, high: float
) -> tuple[np.ndarray, np.ndarray]:
    """Expand `counts` events per anchor cycle, each at a uniform offset in [low, high) seconds."""
    owner, _k = _expand(counts)
    return anchor_cycle[owner], rng.uniform(low, high, owner.size)


def generate_events(n_customers: int = 5000, seed: int = 7) -> pd.DataFrame:
    """Generate the sample events in the canonical columns, sorted by timestamp then customer."""
    rng = np.random.default_rng([seed, 1])
    cust = _customers(rng, n_customers)
    cyc = _cycles(rng, cust)
    chain = _chain(rng, cyc, cust["t0"].to_numpy())
    owner_of = cyc["owner"].to_numpy()
    seg_of = cyc["segment"].to_numpy()
    buys = cyc["buys"].to_numpy()
    j = cyc["j"].to_numpy()

    buy_rows = chain[chain["stage"] == _BUY]
    buy_time = np.full(len(cyc), np.nan)
    buy_time[buy_rows["cycle"].to_numpy()] = buy_rows["t"].to_numpy()
    last_time = chain.groupby("cycle")["t"].max().reindex(range(len(cyc))).to_numpy()

    extra: list[pd.DataFrame] = []

    def add(stage: int, cycles: np.ndarray, touch: np.ndarray, t: np.ndarray) -> None:
        extra.append(pd.DataFrame({"cycle": cycles, "stage": stage, "touch": touch, "t": t}))

    bought = np.flatnonzero(buys)
    # order confirmation: half in the same second as the purchase (a tie), else seconds later
    offset = np.where(rng.random(bought.size) < 0.5, 0.0, rng.uniform(5, 120, bought.size).round())
    add(
        _CONFIRM,
        bought,
        np.full(bought.size, _KEY["Email|Order confirmation"]),
        buy_time[bought] + offset,
    )

    # onboarding after the first purchase only
    first = bought[j[bought] == 0]
    base = buy_time[first]
    add(
        _ONBOARD,
        first,
        np.full(first.size, _KEY["Email|Welcome email"]),
        base + rng.uniform(600, 2 * _DAY, first.size),
    )
    c, off = _after(rng, first, 1 + rng.poisson(1.2, first.size).clip(0, 3), 2 * _DAY, 28 * _DAY)
    add(_ONBOARD, c, np.full(c.size, _KEY["Email|Onboarding email"]), buy_time[c] + off)
    app = first[rng.random(first.size) < np.asarray(_APP_INSTALL_P)[seg_of[first]]]
    add(
        _ONBOARD,
        app,
        np.full(app.size, _KEY["App|App install"]),
        buy_time[app] + rng.uniform(_HOUR, 25 * _DAY, app.size),
    )
    guide = first[rng.random(first.size) < 0.5]
    add(
        _ONBOARD,
        guide,
        np.full(guide.size, _KEY["Web|Setup guide"]),
        buy_time[guide] + rng.uniform(_HOUR, 10 * _DAY, guide.size),
    )

    # support contacts: unhappy buyers come back again and again
    unhappy = cust["unhappy"].to_numpy()[owner_of[bought]]
    # (after their first purchase, which they then rarely repeat)
    lam = (
        np.where(unhappy & (j[bought] == 0), 4.0, 0.45)
        * np.asarray((1.0, 1.15, 1.4))[seg_of[bought]]
    )
    c, off = _after(rng, bought, rng.poisson(lam), _HOUR, 60 * _DAY)
    touch = np.empty(c.size, dtype=np.int64)
    for s in range(3):
        idx = np.flatnonzero(seg_of[c] == s)
        touch[idx] = _pick(rng, _MIX[_SUPPORT][s], idx.size)
    add(_SUPPORT, c, touch, buy_time[c] + off)

    # engagement after the first purchase: offers, app sessions, revisits until the data ends
    c, u = _after(
        rng, first, rng.poisson(np.clip(_SPAN - buy_time[first], 0, None) / (12 * _DAY)), 0, 1
    )
    touch = np.empty(c.size, dtype=np.int64)
    for s in range(3):
        idx = np.flatnonzero(seg_of[c] == s)
        touch[idx] = _pick(rng, _MIX[_ENGAGE][s], idx.size)
    start = buy_time[c] + 5 * _DAY
    add(_ENGAGE, c, touch, start + u * np.clip(_SPAN - start, 0, None))

    # non-buyers who browsed see retargeting and promos for a while; some sign up for news
    lost_cycles = np.flatnonzero(~buys & (cyc["n_consider"].to_numpy() > 0) & (j == 0))
    nurtured = lost_cycles[rng.random(lost_cycles.size) < 0.55]
    c, off = _after(rng, nurtured, 1 + rng.poisson(2.0, nurtured.size), _DAY, 100 * _DAY)
    touch = np.empty(c.size, dtype=np.int64)
    for s in range(3):
        idx = np.flatnonzero(seg_of[c] == s)
        touch[idx] = _pick(rng, _MIX[_NURTURE][s], idx.size)
    add(_NURTURE, c, touch, last_time[c] + off)
    leads = lost_cycles[rng.random(lost_cycles.size) < 0.4]
    signup = last_time[leads] + rng.uniform(30, 600, leads.size)
    add(_NURTURE, leads, np.full(leads.size, _KEY["Web|Newsletter sign-up"]), signup)

    # the monthly newsletter: buyers subscribe at purchase, leads at sign-up; opens cluster
    # in the hours after each send
    subs = first[rng.random(first.size) < 0.8]
    sub_cycles = np.concatenate([subs, leads])
    sub_start = np.concatenate([buy_time[subs], signup])
    open_p = np.concatenate([np.full(subs.size, 0.5), np.full(leads.size, 0.3)])
    sends = np.asarray(_NEWSLETTER_SENDS, dtype=float)
    opened = (sends[None, :] > sub_start[:, None]) & (
        rng.random((sub_cycles.size, sends.size)) < open_p[:, None]
    )
    who, which = np.nonzero(opened)
    opens = sends[which] + rng.exponential(6 * _HOUR, who.size)
    add(_NEWS, sub_cycles[who], np.full(who.size, _KEY["Email|Newsletter"]), opens)

    ev = pd.concat([chain, *extra], ignore_index=True)
    ev = ev.assign(t=np.floor(ev["t"].to_numpy()).astype(np.int64))
    ev = ev[ev["t"] < _SPAN]
    return _finish(rng, ev, cyc, cust, buy_time)


def _finish(
    rng: np.random.Generator,
    ev: pd.DataFrame,
    cyc: pd.DataFrame,
    cust: pd.DataFrame,
    buy_time: np.ndarray,
) -> pd.DataFrame:
    """Turn (cycle, stage, touch, t) rows into the canonical columns."""
    cycle = ev["cycle"].to_numpy()
    owner = cyc["owner"].to_numpy()[cycle]
    touch = ev["touch"].to_numpy()
    t = ev["t"].to_numpy()
    stage = ev["stage"].to_numpy()
    # output order: by time, customer, then journey order (ties keep the journey's order)
    order = np.lexsort((np.arange(t.size), stage, owner, t))
    owner, touch, t, stage, cycle = owner[order], touch[order], t[order], stage[order], cycle[order]

    channel = np.array([x[0] for x in TOUCHES], dtype=object)[touch]
    touchpoint = np.array([x[1] for x in TOUCHES], dtype=object)[touch]
    event_type = np.array([x[2] for x in TOUCHES], dtype=object)[touch]
    team = np.array([x[3] for x in TOUCHES], dtype=object)[touch]
    event_type = np.where(stage == _SUPPORT, "support_contact", event_type)
    conversion = stage == _BUY

    seg = cust["segment"].to_numpy()[owner]
    venue = cyc["venue"].to_numpy()[cycle]
    j = cyc["j"].to_numpy()[cycle]
    level = np.asarray(_SEGMENT_REVENUE)[seg] * np.asarray(_VENUE_REVENUE)[venue]
    level = level * np.where(j > 0, 0.75, 1.0)
    amount = np.round(level * rng.lognormal(0.0, 0.55, t.size), 2)
    revenue = np.where(conversion, np.char.mod("%.2f", np.maximum(amount, 4.99)), "")

    # device: the customer's usual one most of the time; the app lives on phones and tablets
    usual = cust["device"].to_numpy()[owner]
    other = rng.integers(0, 3, t.size)
    dev = np.where(rng.random(t.size) < 0.82, usual, other)
    dev = np.where(np.isin(channel, ("App", "Push")) & (dev == 0), 1, dev)
    device = np.asarray(DEVICES, dtype=object)[dev]
    device = np.where(np.isin(channel, _NO_DEVICE_CHANNELS), "", device)

    month = pd.to_datetime(t + _EPOCH, unit="s").month.to_numpy()
    season = np.asarray(_SEASONS, dtype=object)[month - 1]
    keys = np.array([f"{c}|{tp}" for c, tp, _e, _m in TOUCHES], dtype=object)[touch]
    campaign = np.full(t.size, "", dtype=object)
    campaign = np.where(np.isin(keys, _SEASONAL_KEYS), season, campaign)
    for key, name in _FIXED_CAMPAIGN.items():
        campaign = np.where(keys == key, name, campaign)

    session = _sessions(owner, t, channel)
    stamp = pd.to_datetime(t + _EPOCH, unit="s", utc=True).strftime("%Y-%m-%dT%H:%M:%SZ")
    ids = np.char.mod("C%05d", owner + 1)
    frame = pd.DataFrame(
        {
            CUSTOMER_ID: ids,
            TIMESTAMP: np.asarray(stamp, dtype=object),
            CHANNEL: channel,
            TOUCHPOINT: touchpoint,
            EVENT_TYPE: event_type,
            CONVERSION: np.where(conversion, "true", "false"),
            REVENUE: revenue,
            TEAM: team,
            CAMPAIGN: campaign,
            DEVICE: device,
            SEGMENT: np.asarray(SEGMENTS, dtype=object)[seg],
            SESSION_ID: session,
        }
    )
    return frame.astype("str")


def _sessions(owner: np.ndarray, t: np.ndarray, channel: np.ndarray) -> np.ndarray:
    """Number browsing sessions: a new one after 30 minutes without a session-channel touch."""
    n = t.size
    by_customer = np.lexsort((np.arange(n), t, owner))
    online = np.isin(channel, _SESSION_CHANNELS)[by_customer]
    idx = by_customer[online]
    o, tt = owner[idx], t[idx]
    new = np.r_[True, (o[1:] != o[:-1]) | (np.diff(tt) > _SESSION_GAP)]
    number = np.cumsum(new)
    session = np.full(n, "", dtype=object)
    session[idx] = np.char.mod("S%06d", number)
    return session


# -- transcripts -------------------------------------------------------------------------

NEG: Final = "negative"
NEU: Final = "neutral"
POS: Final = "positive"
BOT: Final = "Lumio Bot"
# contact events that get a transcript: calls, chats and support emails
_CONTACT_TOUCHES: Final = (
    "Call Center|Support call",
    "Call Center|Sales call",
    "Call Center|Demo call",
    "Chat|Chatbot",
    "Chat|Live chat",
    "Email|Support email",
)
_PRODUCTS: Final = (
    "Lumio Hub",
    "Lumio Cam 2",
    "Lumio Cam Pro",
    "Lumio Smart Lamp",
    "Lumio Air purifier",
    "Lumio Sense thermostat",
    "Lumio Doorbell",
    "Lumio Plug mini",
    "Lumio Leak sensor",
    "Lumio Smart Lock",
)
_AGENTS: Final = {
    "en": ("Emma", "Liam", "Olivia", "Noah", "Ava", "Lucas", "Mia", "Ethan", "Sofia", "Daniel"),
    "id": ("Ayu", "Budi", "Siti", "Rizky", "Dewi", "Fajar"),
    "pl": ("Kasia", "Tomasz", "Agnieszka", "Piotr"),
}
_NAMES: Final = (
    "Sarah", "Mark", "Jen", "Tom", "Priya", "Carlos", "Hannah", "Mike", "Lena", "Ben", "Aisha",
    "Jack", "Chloe", "Raj", "Nina", "Paul", "Dimas", "Putri", "Marta", "Kuba",
)  # fmt: skip
_PROBLEMS: Final = (
    "delivery", "double_charge", "refund", "password", "cancellation", "on_hold",
    "device_fault", "invoice", "return",
)  # fmt: skip
# topic mix per contact touch; pre-sales calls and chats (before any purchase) ask questions
_TOPIC_MIX: Final = {
    "presales": {"product_question": 4.0, "upgrade": 2.0, "delivery": 0.8, "praise": 0.4},
    "Call Center|Support call": {
        "delivery": 2.5,
        "double_charge": 2.0,
        "refund": 1.5,
        "on_hold": 2.2,
        "cancellation": 1.0,
        "device_fault": 1.5,
        "upgrade": 0.4,
        "invoice": 0.5,
    },
    "Chat|Live chat": {
        "delivery": 2.0,
        "product_question": 1.5,
        "password": 1.0,
        "refund": 1.5,
        "upgrade": 1.0,
        "praise": 1.0,
        "device_fault": 1.5,
        "return": 1.0,
    },
    "Chat|Chatbot": {
        "password": 3.0,
        "delivery": 2.5,
        "return": 1.5,
        "refund": 1.0,
        "device_fault": 0.5,
    },
    "Email|Support email": {
        "refund": 2.0,
        "invoice": 2.0,
        "cancellation": 1.5,
        "delivery": 1.5,
        "praise": 1.0,
        "return": 1.5,
        "double_charge": 1.0,
    },
}
# how the customer's mood runs: at their first, middle and last turn
_ARCS: Final = {
    "positive": (POS, POS, POS),
    "neutral": (NEU, NEU, NEU),
    "resolved": (NEU, NEU, POS),
    "negative": (NEG, NEG, NEG),
    "improving": (NEG, NEU, POS),
    "souring": (NEU, NEG, NEG),
}

# Phrase pools. Customer phrases carry the mood of their pool, so a turn's label is the mood
# it was written in. {slots} are filled per conversation (see _Writer.slots).
_EN: Final = {
    "open": {
        NEG: (
            "This is ridiculous.",
            "I'm really annoyed right now.",
            "I'm fed up with this.",
            "Honestly, this is the worst service I've had in years.",
            "Seriously?",
            "Ugh.",
            "Third time contacting you about this.",
            "Not happy at all.",
            "I'm furious.",
            "I am extremely disappointed.",
            "I need this sorted TODAY.",
            "What a mess.",
            "I can't believe I have to chase this again.",
            "Hello. Not a happy customer here.",
        ),
        NEU: (
            "Hi,",
            "Hello.",
            "Hi there.",
            "Good morning.",
            "Good afternoon.",
            "Hey,",
            "Evening,",
            "Hello, quick question.",
            "Hi, hoping you can help.",
            "Hi team,",
            "Hi {agent},",
            "Hello, I'm calling about my account.",
            "Hi, it's {name} here.",
        ),
        POS: (
            "Hi! Hope you're having a good day.",
            "Hello :)",
            "Hey team!",
            "Hi! Big fan of your stuff.",
            "Hi there, thanks for getting back to me so fast.",
            "Hello! Lovely to get through quickly.",
            "Good morning! Love the new app by the way.",
        ),
    },
    "context": (
        "I need it for my mum's birthday on {weekday}.",
        "We're moving house next week.",
        "It's for our office in {city}.",
        "I'm travelling and only have my phone.",
        "This is the second {product} I've bought.",
        "My partner set up the account, not me.",
        "I've been a customer for {years} years.",
        "Our IT team asked me to get in touch.",
        "I ordered it during the sale.",
        "I already checked the FAQ.",
    ),
    "issue": {
        "delivery": (
            "My order {order} still hasn't arrived and it's been {days} days.",
            "The tracking page for {order} hasn't updated since {weekday}.",
            "I ordered a {product} on {date} and nothing has shown up yet.",
            "Where is my parcel? Order {order}, the courier says delivered but it's not here.",
            "Delivery for {order} was supposed to be {weekday}, still waiting.",
            "How long does delivery of the {product} usually take to {city}?",
            "The courier left a card but there's no depot near {city}.",
            "Only half of order {order} arrived, the {product} is missing.",
        ),
        "double_charge": (
            "I was charged twice for order {order}, {amount} each time.",
            "My card statement shows two payments of {amount} for the same {product}.",
            "There's a duplicate charge on my account from {date}.",
            "You billed me {amount} twice this month for Lumio Plus.",
            "My bank shows {amount} taken twice on {date}.",
        ),
        "refund": (
            "I returned the {product} {days} days ago and still no refund.",
            "When will I get my refund of {amount} for {order}?",
            "The refund for {order} was promised last week but there's nothing on my card.",
            "I'd like a refund for the {product}, it isn't what I expected.",
            "You confirmed the refund on {date} but I haven't seen a penny.",
        ),
        "password": (
            "I can't log in to my account, the reset link doesn't work.",
            "The password reset email never arrives.",
            "The app keeps saying my password is wrong even after I reset it.",
            "I'm locked out of my Lumio account after too many attempts.",
            "I changed my email address and now I can't sign in.",
            "Two-factor codes aren't reaching my phone.",
        ),
        "product_question": (
            "Does the {product} work with {ecosystem}?",
            "What's the difference between the {product} and the {product2}?",
            "Can I use the {product} without a subscription?",
            "How many devices can one Lumio Hub handle?",
            "Is the {product} available in white?",
            "Do you offer volume discounts for {n} units of the {product}?",
            "Does the {product} need a neutral wire?",
            "Is the {product} OK outdoors in winter?",
        ),
        "praise": (
            "Just wanted to say the {product} is brilliant.",
            "Your colleague {agent2} fixed my issue last week, really impressed.",
            "Delivery was super quick, the {product} arrived the next day.",
            "Setup took five minutes, great job on the app.",
            "Shouting you out @LumioHome, the {product} is fantastic.",
        ),
        "cancellation": (
            "I want to cancel my Lumio Plus subscription.",
            "Please cancel order {order}, I ordered the wrong {product}.",
            "How do I cancel my plan before the next billing date?",
            "I'd like to close my account.",
            "We no longer need the Business plan for our {n} sites.",
        ),
        "on_hold": (
            "I've been on hold for {minutes} minutes just to ask about order {order}.",
            "I waited {minutes} minutes to get through, this is absurd.",
            "Your line kept me waiting {minutes} minutes and then cut me off.",
            "I called yesterday, waited {minutes} minutes and nobody answered.",
            "{minutes} minutes of hold music for a simple question about my {product}.",
        ),
        "upgrade": (
            "I'd like to upgrade to Lumio Plus, what does it cost?",
            "Can I upgrade my {product} to the Pro version and keep my settings?",
            "Is there a discount if I switch to the annual plan?",
            "We want to move our {n} offices to the Business plan.",
            "Saw the offer on @LumioHome, is it still on for the {product}?",
        ),
        "device_fault": (
            "My {product} keeps disconnecting from the wifi.",
            "The {product} stopped working after the last update.",
            "The {product} won't turn on anymore, the light just blinks red.",
            "The app says my {product} is offline but it's plugged in.",
            "I followed https://lumio.example/help/wifi but the {product} still won't pair.",
        ),
        "invoice": (
            "I need a VAT invoice for order {order}.",
            "The invoice for {order} has the wrong company name.",
            "Can you resend the invoice from {date}? Our accounts team needs it.",
            "Our invoice shows {amount} but the quote said less.",
        ),
        "return": (
            "How do I return the {product}? It arrived damaged.",
            "I want to return order {order}, the box was crushed.",
            "The returns portal gives me an error for {order}.",
            "Can I return the {product} in store instead of posting it?",
            "The page https://lumio.example/returns just keeps loading.",
        ),
    },
    "tail": {
        NEG: (
            "Unacceptable.",
            "This is a joke.",
            "I'm losing my patience.",
            "Fix it now please.",
            "Really disappointed in Lumio.",
            "Absolutely useless so far.",
            "Worst experience ever.",
            "I want this sorted immediately!",
            "I'm seriously thinking of switching brands.",
            "Why is this so hard??",
            "I've posted about this @LumioHelp too.",
            "Pathetic.",
        ),
        NEU: (
            "",
            "",
            "",
            "Can you check?",
            "Could you look into it?",
            "Thanks.",
            "Please advise.",
            "Let me know what you need from me.",
            "What are my options?",
        ),
        POS: ("No rush!", "Thanks in advance :)", "Appreciate it!", "You guys are great."),
    },
    "detail": (
        "The order number is {order}.",
        "It's registered to {email}.",
        "I paid with my Visa ending {last4}.",
        "I'm on app version {version}, {os}.",
        "I bought it on {date}.",
        "It's the {product}.",
        "Tracking number {tracking}.",
        "Account email is {email}.",
        "Order {order}, placed on {date}.",
        "Ticket {ticket} from last time.",
    ),
    "react": {
        NEG: (
            "I've already tried that twice!",
            "That's what the last agent told me too.",
            "That doesn't help at all.",
            "So I just wait again? Great.",
            "Are you even listening?",
            "I don't want a voucher, I want my money back.",
            "Why does nobody read my messages?",
            "Terrible. Just terrible.",
            "No. That's not good enough.",
            "You said that {days} days ago.",
            "This is getting worse, not better.",
        ),
        NEU: (
            "OK.",
            "Alright, go ahead.",
            "Sure, one moment.",
            "Fine, I'll try that.",
            "Right.",
            "Okay, let me check.",
            "Done, what now?",
            "Yes, that's the one.",
            "Hang on.",
        ),
        POS: (
            "Oh that's great news!",
            "Perfect, thank you.",
            "Brilliant, that worked!",
            "Ah nice, that was easy.",
            "Lovely, thanks!",
            "Great, that helps a lot.",
        ),
    },
    "close": {
        POS: (
            "Thank you so much, that was really quick!",
            "Great, really appreciate your help.",
            "Thanks {agent}, you've been brilliant.",
            "Perfect, problem solved. Have a great day!",
            "Amazing service, thank you!",
            "That's sorted then, thanks a lot :)",
            "Wow, that was fast. Thanks!",
            "Excellent, I'll tell my friends about Lumio.",
            "Much better than I expected, thank you.",
            "You're a star, {agent}. Thanks!",
        ),
        NEU: (
            "OK, I'll wait for the email.",
            "Fine, thanks.",
            "Alright, I'll check tomorrow.",
            "Noted.",
            "OK, bye.",
            "I'll wait for the confirmation then.",
            "OK. I'll try that later.",
        ),
        NEG: (
            "Whatever. I'm cancelling my subscription.",
            "Still not solved. Very disappointed.",
            "This is useless, I'll dispute the charge with my bank.",
            "Awful service, honestly.",
            "Don't bother, I'm done with Lumio.",
            "I'll be leaving a one-star review.",
            "Nothing you said helps. Goodbye.",
            "Unbelievable. I'm escalating this.",
        ),
    },
    "sign": {
        NEG: ("{name}", "Regards, {name}", "A very unhappy customer, {name}"),
        NEU: ("Thanks, {name}", "Regards, {name}", "Best, {name}"),
        POS: ("Many thanks, {name}", "Cheers, {name} :)", "Best wishes, {name}"),
    },
    "greet_call": (
        "Thank you for calling Lumio, my name is {agent}. How can I help you today?",
        "Lumio support, {agent} speaking. What can I do for you?",
        "Hi, you're through to {agent} at Lumio. How can I help?",
    ),
    "greet_chat": (
        "Hi, I'm {agent}. Thanks for reaching out to Lumio!",
        "Hello! {agent} here from Lumio.",
    ),
    "greet_email": (
        "Dear {name}, thank you for contacting Lumio.",
        "Hello {name}, thanks for your email.",
    ),
    "sign_agent": (
        "Kind regards, {agent}, Lumio Customer Care",
        "Best wishes, {agent} (Lumio Support)",
    ),
    "empathy": (
        "I'm really sorry to hear that.",
        "I completely understand your frustration.",
        "I apologise for the inconvenience.",
        "I'm sorry for the wait, I appreciate your patience.",
        "That's not the experience we want you to have, I'm sorry.",
    ),
    "ask": (
        "Could you share your order number, please?",
        "Can you confirm the email address on the account?",
        "Could you tell me which device you're using?",
        "Let me pull up your account, one moment please.",
    ),
    "agent_close": (
        "Is there anything else I can help with?",
        "Thanks for contacting Lumio, have a lovely day!",
        "Take care, and sorry again for the trouble.",
        "Happy to help. Have a good one!",
    ),
    "fail": (
        "I'm afraid I can't change that from here; I've raised ticket {ticket}.",
        "Unfortunately that isn't possible at the moment.",
        "Our billing team will need to look at it, which can take up to 10 working days.",
        "The most I can offer today is a voucher for {amount}.",
        "I'll need to escalate this; someone will call you back within 48 hours.",
    ),
    "give": {
        NEG: (
            "I already gave you that!",
            "Again? Seriously.",
            "It's in my first message, did you not read it?",
            "Third time I'm giving you this.",
        ),
        NEU: ("Sure.", "Yes.", "Here you go.", "Of course.", "One sec."),
        POS: ("Of course!", "Sure thing :)", "No problem!"),
    },
    "bot_greet": ("Hi! I'm the Lumio assistant. I can help with orders, returns and passwords.",),
    "bot_miss": (
        "Sorry, I didn't understand that. Did you mean: Track my order?",
        "I'm not sure I got that. Try 'refund', 'return' or 'password'.",
    ),
    "bot_handoff": ("Let me connect you to a human agent.", "I'll pass you to a colleague now."),
    "delivery": (
        "I've checked with the courier: {order} is out for delivery, due by {weekday}.",
        "I've reshipped your order by express; you'll get a new tracking link within the hour.",
        "You can follow it here: https://lumio.example/track/{order_no}",
    ),
    "double_charge": (
        "I can see the duplicate payment of {amount} and I've reversed it: 3-5 working days.",
        "The second charge is a pre-authorisation and drops off automatically within 48 hours.",
    ),
    "refund": (
        "Your refund of {amount} was processed today.",
        "I've escalated the refund to billing, reference {ticket}.",
    ),
    "password": (
        "I've sent a new reset link to your email.",
        "Please try https://lumio.example/reset and clear your browser cache.",
    ),
    "product_question": (
        "Yes, the {product} works with Alexa, Google Home and Apple Home.",
        "The Pro version adds 4K video and 30 days of cloud history.",
        "You can use it without a subscription; Lumio Plus only adds cloud recordings.",
    ),
    "praise": ("Thank you so much for the kind words! I'll pass them on to the team.",),
    "cancellation": (
        "I've cancelled it; you'll receive a confirmation email shortly.",
        "Before I do that, could I offer you three months at half price?",
    ),
    "on_hold": (
        "I'm very sorry about the wait, we've had a very high volume of calls today.",
        "Apologies for the hold time. I've found {order} and it ships tomorrow.",
    ),
    "upgrade": (
        "Lumio Plus is {price} a month, and I can apply it straight away.",
        "I've upgraded your plan, the new features are live now.",
    ),
    "device_fault": (
        "Please hold the reset button for ten seconds, then pair it again in the app.",
        "I've arranged a free replacement, reference {ticket}.",
    ),
    "invoice": (
        "I've sent a corrected invoice for {order} to your email.",
        "Your invoices are at https://lumio.example/account/invoices",
    ),
    "return": (
        "I've emailed you a prepaid return label for {order}.",
        "You can return it at any Lumio store with your receipt.",
    ),
}

_ID: Final = {
    "open": {
        NEG: (
            "Kecewa banget sama pelayanannya.",
            "Ini sudah keterlaluan!",
            "Parah sih ini.",
            "Saya sangat kecewa.",
            "Tolong ya, ini sudah kesekian kalinya.",
        ),
        NEU: ("Halo kak,", "Selamat pagi.", "Permisi min,", "Halo,", "Selamat siang,", "Sore kak,"),
        POS: ("Halo kak, semoga sehat selalu :)", "Selamat pagi kak!", "Halo min, salam kenal!"),
    },
    "issue": {
        "delivery": (
            "Pesanan saya belum sampai sudah seminggu.",
            "Paket {order} belum datang, sudah {days} hari.",
            "Status pengiriman {order} tidak berubah sejak hari {weekday_id}.",
            "Kurirnya bilang sudah diantar tapi paketnya tidak ada.",
        ),
        "double_charge": (
            "Saya kena tagihan dua kali untuk pesanan {order}.",
            "Saldo saya terpotong dua kali, masing-masing {amount_idr}.",
        ),
        "refund": (
            "Dana refund untuk {order} belum masuk juga.",
            "Kapan uang saya dikembalikan? Barang sudah saya retur {days} hari lalu.",
        ),
        "password": (
            "Saya tidak bisa login, link reset password tidak berfungsi.",
            "Email reset kata sandi tidak pernah masuk.",
        ),
        "product_question": (
            "Apakah {product} bisa dipakai dengan Google Home?",
            "Bedanya {product} dan {product2} apa ya?",
            "{product} ada warna putih tidak?",
            "Kalau beli {n} unit {product} ada diskon?",
        ),
        "praise": ("Mau bilang {product} nya bagus banget.", "Pengirimannya cepat sekali, mantap."),
        "cancellation": (
            "Saya mau batalkan langganan Lumio Plus.",
            "Tolong batalkan pesanan {order}, saya salah pilih.",
        ),
        "on_hold": (
            "Saya sudah menunggu {minutes} menit di telepon.",
            "Dari tadi ditahan terus, sudah {minutes} menit.",
        ),
        "upgrade": (
            "Saya mau upgrade ke Lumio Plus, berapa biayanya?",
            "Bisa pindah ke paket tahunan?",
        ),
        "device_fault": (
            "{product} saya sering putus dari wifi.",
            "{product} tidak mau menyala setelah update.",
        ),
        "invoice": (
            "Saya butuh faktur untuk pesanan {order}.",
            "Nama perusahaan di faktur {order} salah.",
        ),
        "return": (
            "Bagaimana cara retur {product}? Barangnya rusak waktu datang.",
            "Mau retur pesanan {order}, kardusnya penyok.",
        ),
    },
    "tail": {
        NEG: ("Tolong segera!", "Mengecewakan sekali.", ""),
        NEU: ("", "Mohon dicek ya.", "Terima kasih."),
        POS: ("", "Makasih kak :)"),
    },
    "detail": (
        "Nomor pesanan saya {order}.",
        "Email akun saya {email}.",
        "Belinya tanggal {day_id}.",
    ),
    "react": {
        NEG: (
            "Dari kemarin jawabannya begitu terus.",
            "Tolong segera diproses, saya sudah menunggu lama!",
            "Tidak membantu sama sekali.",
            "Sudah saya coba, tetap tidak bisa.",
        ),
        NEU: (
            "Oke kak.",
            "Baik, nomor pesanan saya {order}.",
            "Sebentar saya cek dulu.",
            "Iya kak.",
            "Sudah kak.",
        ),
        POS: ("Wah, bagus kalau begitu!", "Oke sudah bisa, makasih kak.", "Sip, berhasil!"),
    },
    "close": {
        POS: (
            "Terima kasih, sangat membantu!",
            "Mantap, cepat sekali responnya. Makasih kak!",
            "Oke makasih banyak kak 🙏",
            "Terima kasih banyak, masalahnya sudah beres.",
        ),
        NEU: ("Baik, saya tunggu kabarnya.", "Oke kak, saya tunggu.", "Baik."),
        NEG: (
            "Sudahlah, saya batalkan saja.",
            "Pelayanan buruk, saya kecewa berat.",
            "Tidak akan belanja di sini lagi.",
        ),
    },
    "sign": {NEG: ("{name}",), NEU: ("Salam, {name}",), POS: ("Terima kasih, {name}",)},
    "greet_call": ("Selamat datang di layanan Lumio, saya {agent}. Ada yang bisa dibantu?",),
    "greet_chat": ("Halo kak, dengan {agent} di sini.", "Hai kak, saya {agent} dari Lumio."),
    "greet_email": ("Halo {name}, terima kasih sudah menghubungi Lumio.",),
    "sign_agent": ("Salam, {agent} - Lumio Customer Care",),
    "empathy": (
        "Mohon maaf atas ketidaknyamanannya, kak.",
        "Kami mohon maaf atas keterlambatannya.",
    ),
    "ask": ("Boleh minta nomor pesanannya, kak?", "Boleh dibantu email akunnya, kak?"),
    "agent_close": ("Terima kasih sudah menghubungi Lumio.", "Ada lagi yang bisa dibantu, kak?"),
    "fail": (
        "Mohon maaf kak, untuk saat ini belum bisa kami proses.",
        "Kasus kakak sudah kami eskalasi, mohon ditunggu 3x24 jam ya.",
    ),
    "bot_greet": ("Hai! Saya asisten virtual Lumio. Ada yang bisa saya bantu?",),
    "bot_miss": ("Maaf, saya belum mengerti. Maksud kakak: Lacak pesanan?",),
    "bot_handoff": ("Saya sambungkan ke agen kami ya.",),
    "action": (
        "Baik kak, saya cek dulu ya.",
        "Dana akan dikembalikan dalam 3-5 hari kerja.",
        "Pesanan kakak sedang dikirim ulang hari ini.",
        "Link reset sudah kami kirim ulang ke email kakak.",
        "Sudah saya teruskan ke tim teknis, nomor tiket {ticket}.",
        "Lumio Plus harganya {price_idr} per bulan.",
    ),
}

_PL: Final = {
    "open": {
        NEG: ("To jest skandal!", "Jestem bardzo niezadowolony.", "Mam dość tego czekania."),
        NEU: ("Dzień dobry,", "Witam,", "Dzień dobry.", "Cześć,"),
        POS: ("Dzień dobry, miłego dnia :)", "Dzień dobry, z góry dziękuję!"),
    },
    "issue": {
        "delivery": (
            "Zamówienie nie dotarło.",
            "Zamówienie {order} nie dotarło, czekam już {days} dni.",
            "Kurier twierdzi, że paczka dostarczona, ale jej nie ma.",
        ),
        "double_charge": (
            "Zostałem obciążony dwa razy za zamówienie {order}.",
            "Pobrano ode mnie dwa razy {amount_pln}.",
        ),
        "refund": (
            "Nadal nie dostałam zwrotu pieniędzy za {order}.",
            "Kiedy dostanę zwrot za {product}?",
        ),
        "password": ("Nie mogę się zalogować do konta.", "Link do resetu hasła nie działa."),
        "product_question": (
            "Czy {product} działa z Google Home?",
            "Czym różni się {product} od {product2}?",
        ),
        "praise": ("Chciałem tylko powiedzieć, że {product} działa świetnie.",),
        "cancellation": (
            "Chcę anulować subskrypcję Lumio Plus.",
            "Proszę anulować zamówienie {order}.",
        ),
        "on_hold": ("Czekałem na linii {minutes} minut.",),
        "upgrade": ("Ile kosztuje przejście na Lumio Plus?",),
        "device_fault": (
            "{product} ciągle traci połączenie z wifi.",
            "{product} przestał działać po aktualizacji.",
        ),
        "invoice": ("Potrzebuję faktury VAT do zamówienia {order}.",),
        "return": ("Jak zwrócić {product}? Przyszedł uszkodzony.",),
    },
    "tail": {
        NEG: ("Proszę to natychmiast załatwić!", ""),
        NEU: ("", "Proszę o sprawdzenie."),
        POS: ("", "Pozdrawiam serdecznie!"),
    },
    "detail": ("Numer zamówienia to {order}.", "Mój e-mail to {email}."),
    "react": {
        NEG: ("To w ogóle nie pomaga.", "Już to robiłem dwa razy!", "Znowu to samo."),
        NEU: ("Dobrze.", "Numer zamówienia to {order}.", "Chwileczkę.", "Rozumiem."),
        POS: ("Super, działa!", "Świetnie, dziękuję."),
    },
    "close": {
        POS: (
            "Dziękuję, wszystko działa.",
            "Bardzo dziękuję za szybką pomoc!",
            "Dziękuję, problem rozwiązany.",
        ),
        NEU: ("Dobrze, poczekam na maila.", "Ok, dziękuję.", "W porządku."),
        NEG: (
            "Nadal nic nie działa, rezygnuję.",
            "Fatalna obsługa.",
            "Nigdy więcej nie kupię w Lumio.",
        ),
    },
    "sign": {
        NEG: ("{name}",),
        NEU: ("Pozdrawiam, {name}",),
        POS: ("Dziękuję i pozdrawiam, {name}",),
    },
    "greet_call": ("Dzień dobry, z tej strony {agent}, obsługa klienta Lumio. W czym mogę pomóc?",),
    "greet_chat": ("Dzień dobry, z tej strony {agent}.", "Witam, {agent} z Lumio."),
    "greet_email": ("Dzień dobry, dziękujemy za wiadomość.",),
    "sign_agent": ("Pozdrawiam, {agent}, Lumio",),
    "empathy": ("Przepraszam za utrudnienia.", "Bardzo mi przykro z tego powodu."),
    "ask": ("Czy mogę prosić o numer zamówienia?",),
    "agent_close": ("Dziękuję za kontakt z Lumio.", "Czy mogę jeszcze w czymś pomóc?"),
    "fail": (
        "Niestety nie mogę tego teraz zmienić.",
        "Przekazałam sprawę dalej, odpowiedź może potrwać do 10 dni roboczych.",
    ),
    "bot_greet": ("Cześć! Jestem asystentem Lumio. W czym mogę pomóc?",),
    "bot_miss": ("Przepraszam, nie zrozumiałem. Czy chodzi o: Śledź zamówienie?",),
    "bot_handoff": ("Łączę z konsultantem.",),
    "action": (
        "Sprawdzam to dla Pana.",
        "Zwrot pojawi się na koncie w ciągu 3-5 dni roboczych.",
        "Wysłałam nowy link do resetu hasła.",
        "Paczka zostanie wysłana ponownie jeszcze dziś.",
        "Zgłoszenie ma numer {ticket}, technik się odezwie.",
    ),
}

_LANGS: Final = {"en": _EN, "id": _ID, "pl": _PL}
_WEEKDAYS: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
_WEEKDAYS_ID: Final = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu")
_MONTHS: Final = ("March", "April", "May", "June", "July")
_MONTHS_ID: Final = ("Maret", "April", "Mei", "Juni", "Juli")
_CITIES: Final = ("Leeds", "Austin", "Dublin", "Perth", "Toronto", "Manchester", "Denver", "Cork")
_ECOSYSTEMS: Final = ("Alexa", "Google Home", "Apple Home", "SmartThings", "Home Assistant")
_OS: Final = ("iOS 18", "Android 15", "Android 14", "iPadOS 17")
_MAILS: Final = ("gmail.com", "outlook.com", "yahoo.com", "proton.me")
# informal Indonesian chat spelling
_ID_SLANG: Final = (
    (" yang ", " yg "), ("sudah", "sdh"), ("tidak", "gak"), ("terima kasih", "makasih"),
    ("saya", "sy"), ("belum", "blm"),
)  # fmt: skip
_PL_PLAIN: Final = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")
_KEEP_CAPITAL: Final = re.compile(r"^(?:I\b|I'|Lumio|[A-Z]{2}|#|\{)")


class _Writer:
    """Writes conversations from the phrase pools, drawing from one seeded generator."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng

    def one(self, options: Sequence[str]) -> str:
        """Pick one option uniformly."""
        return options[int(self.rng.integers(len(options)))]

    def chance(self, p: float) -> bool:
        """Return True with probability p."""
        return bool(self.rng.random() < p)

    def slots(self, agent: str) -> dict[str, str]:
        """Draw the values one conversation refers to: order number, product, amounts, ..."""
        r = self.rng
        order_no = f"A{int(r.integers(10000, 100000))}"
        first, second = r.choice(len(_PRODUCTS), size=2, replace=False)
        name = self.one(_NAMES)
        return {
            "order": f"#{order_no}",
            "order_no": order_no,
            "product": _PRODUCTS[first],
            "product2": _PRODUCTS[second],
            "days": str(int(r.integers(3, 15))),
            "years": str(int(r.integers(2, 9))),
            "minutes": str(int(r.integers(15, 75))),
            "amount": f"${int(r.integers(19, 400))}.{int(r.integers(0, 100)):02d}",
            "amount_idr": f"Rp{int(r.integers(150, 4000))}.000",
            "amount_pln": f"{int(r.integers(49, 1500))},{int(r.integers(0, 100)):02d} zł",
            "date": f"{self.one(_MONTHS)} {int(r.integers(1, 29))}",
            "day_id": f"{int(r.integers(1, 29))} {self.one(_MONTHS_ID)}",
            "weekday": self.one(_WEEKDAYS),
            "weekday_id": self.one(_WEEKDAYS_ID),
            "city": self.one(_CITIES),
            "ecosystem": self.one(_ECOSYSTEMS),
            "n": str(int(r.integers(3, 60))),
            "agent": agent,
            "agent2": self.one(_AGENTS["en"]),
            "email": f"{name.lower()}{int(r.integers(1, 99))}@{self.one(_MAILS)}",
            "version": f"4.{int(r.integers(0, 12))}.{int(r.integers(0, 9))}",
            "os": self.one(_OS),
            "last4": f"{int(r.integers(0, 10000)):04d}",
            "tracking": f"1Z{int(r.integers(10**9, 10**10))}",
            "ticket": f"TCK-{int(r.integers(100000, 1000000))}",
            "price": self.one(("$4.99", "$7.99", "$9.99")),
            "price_idr": self.one(("Rp49.000", "Rp79.000")),
            "name": name,
        }

    def roughen(self, text: str, lang: str) -> str:
        """Make a customer's message look typed: typos, lower case, slang, missing accents."""
        if lang == "id":
            if self.chance(0.4):
                for formal, slang in _ID_SLANG:
                    text = text.replace(formal, slang)
            return text
        if lang == "pl":
            return text.translate(_PL_PLAIN) if self.chance(0.3) else text
        if not self.chance(0.2):
            return text
        kind = int(self.rng.integers(4))
        words = text.split(" ")
        long_words = [i for i, word in enumerate(words) if len(word) > 4 and word.isalpha()]
        if kind < 2 and long_words:
            i = long_words[int(self.rng.integers(len(long_words)))]
            word = words[i]
            p = int(self.rng.integers(1, len(word) - 2))
            # kind 0 swaps two letters ("recieve"), kind 1 drops one ("delivry")
            words[i] = (
                word[:p] + word[p + 1] + word[p] + word[p + 2 :]
                if kind == 0
                else (word[:p] + word[p + 1 :])
            )
            return " ".join(words)
        if kind == 2:
            return text.lower()
        return text.rstrip(".!")


def _join(*parts: str) -> str:
    """Join sentence parts with spaces; after a greeting ending in a comma, lower-case the next."""
    out: list[str] = []
    for part in parts:
        if not part:
            continue
        if out and out[-1].endswith(",") and not _KEEP_CAPITAL.match(part):
            part = part[0].lower() + part[1:]
        out.append(part)
    return " ".join(out)


class _Conversation:
    """One call, chat or email: its language, topic, mood arc, agent and turns."""

    def __init__(
        self, w: _Writer, lang: str, channel: str, touch: str, topic: str, arc: str
    ) -> None:
        self.w, self.lang, self.channel, self.topic = w, lang, channel, topic
        self.pool = _LANGS[lang]
        self.agent = w.one(_AGENTS[lang])
        self.slots = w.slots(self.agent)
        self.bot = touch == "Chat|Chatbot"
        self.turns: list[tuple[str, str, str, str]] = []  # speaker, text, mood, agent
        first, middle, last = _ARCS[arc]
        n = int(w.rng.integers(1, 3)) if channel == "Email" else int(w.rng.integers(2, 5))
        self.moods = [first] if n == 1 else [first, *[middle] * (n - 2), last]
        self.outcome = last  # how the conversation ends, for the agent's last answer
        self.asked = False

    def fill(self, *parts: str) -> str:
        """Join parts and fill the conversation's slots."""
        return _join(*parts).format(**self.slots)

    def agent_says(self, text: str, who: str | None = None) -> None:
        """Append an agent turn."""
        self.turns.append(("agent", text, "", who or self.agent))

    def customer_says(self, i: int) -> None:
        """Append the customer's i-th turn, written in its planned mood."""
        w, p, mood = self.w, self.pool, self.moods[i]
        if i == 0:
            context = w.one(p["context"]) if "context" in p and w.chance(0.3) else ""
            detail = w.one(p["detail"]) if self.channel == "Email" or w.chance(0.25) else ""
            parts = [w.one(p["open"][mood]), context, w.one(p["issue"][self.topic]), detail]
            parts.append(w.one(p["tail"][mood]))
            if self.channel == "Email":
                parts.append(w.one(p["sign"][mood]))
        elif self.asked:  # the agent asked for an order number, an email, a device
            lead = w.one(p["give"][mood]) if "give" in p else w.one(p["react"][mood])
            parts = [lead, w.one(p["detail"])]
        elif i < len(self.moods) - 1:
            parts = [w.one(p["react"][mood]), w.one(p["detail"]) if w.chance(0.4) else ""]
        else:
            react = w.one(p["react"][mood]) if w.chance(0.25) else ""
            parts = [react, w.one(p["close"][mood])]
        text = w.roughen(self.fill(*parts), self.lang)
        self.turns.append(("customer", text, mood, self.agent))

    def answer(self, mood: str, outcome: str, ask: bool, greet: str = "") -> str:
        """Write the agent's reply to a customer in `mood` who will answer in `outcome`."""
        w, p = self.w, self.pool
        self.asked = ask
        empathy = w.one(p["empathy"]) if mood == NEG or (ask and self.topic in _PROBLEMS) else ""
        if ask:
            body = w.one(p["ask"])
        elif outcome == NEG:  # the reply that does not help comes before the angry answer
            body = w.one(p["fail"])
        else:
            body = w.one(p.get(self.topic, p.get("action", ())))
        return self.fill(greet, empathy, body)

    def write(self) -> list[tuple[str, str, str, str]]:
        """Write every turn: the agent greets calls, the bot greets chatbot chats."""
        w, p, n = self.w, self.pool, len(self.moods)
        if self.channel == "Email":
            self.customer_says(0)
            outcome = self.moods[1] if n == 2 else self.outcome
            reply = self.answer(self.moods[0], outcome, ask=False, greet=w.one(p["greet_email"]))
            self.agent_says(self.fill(reply, w.one(p["sign_agent"])))
            if n == 2:
                self.customer_says(1)
                if w.chance(0.4):
                    self.agent_says(self.fill(w.one(p["agent_close"])))
            return self.turns
        if self.channel == "Call Center":
            self.agent_says(self.fill(w.one(p["greet_call"])))
        elif self.bot:
            self.agent_says(self.fill(w.one(p["bot_greet"])), BOT)
        for i in range(n):
            self.customer_says(i)
            if i == n - 1:
                break
            greet = ""
            if i == 0 and self.bot:
                if w.chance(0.5):
                    self.agent_says(self.fill(w.one(p["bot_miss"])), BOT)
                self.agent_says(self.fill(w.one(p["bot_handoff"])), BOT)
                greet = w.one(p["greet_chat"])
            elif i == 0 and self.channel == "Chat":
                greet = w.one(p["greet_chat"])
            ask = i == 0 and n > 2
            self.agent_says(self.answer(self.moods[i], self.moods[i + 1], ask=ask, greet=greet))
        if w.chance(0.8):
            self.agent_says(self.fill(w.one(p["agent_close"])))
        return self.turns


def _draw_arc(rng: np.random.Generator, topic: str, touch: str, n_support: int) -> str:
    """Choose how a conversation's mood runs from its topic, touch and the customer's history."""
    if topic == "praise":
        p = {"positive": 0.9, "resolved": 0.1}
    elif topic in ("product_question", "upgrade"):
        p = {"neutral": 0.3, "resolved": 0.3, "positive": 0.3, "souring": 0.1}
    elif n_support >= 3 or topic == "on_hold":
        p = {"negative": 0.4, "souring": 0.2, "improving": 0.25, "neutral": 0.1, "resolved": 0.05}
    elif touch == "Chat|Chatbot":
        p = {"souring": 0.3, "negative": 0.25, "improving": 0.15, "resolved": 0.2, "neutral": 0.1}
    else:
        p = {"improving": 0.35, "resolved": 0.2, "negative": 0.2, "souring": 0.12, "neutral": 0.13}
    names = list(p)
    return names[int(rng.choice(len(names), p=np.array(list(p.values()))))]


def generate_transcripts(events: pd.DataFrame, seed: int = 7) -> pd.DataFrame:
    """Generate one row per turn of the calls, chats and emails behind contact events.

    Args:
        events: Output of `generate_events` (string columns, ISO timestamps).
        seed: Seed of the text generator.

    Returns:
        Columns customer_id, timestamp, channel, conversation_id, speaker, text, agent, label;
        in conversation order (by the contact's timestamp), turns in the order they were said.
        A conversation starts at its contact event's timestamp and lasts less than a day.
    """
    rng = np.random.default_rng([seed, 2])
    touch_key = events[CHANNEL] + "|" + events[TOUCHPOINT]
    is_contact = touch_key.isin(_CONTACT_TOUCHES).to_numpy()
    support = (events[EVENT_TYPE] == "support_contact").to_numpy()
    keep = is_contact & (rng.random(len(events)) < np.where(support, 0.62, 0.3))
    chosen = events[keep]
    chosen_keys = touch_key[keep].to_numpy()
    chosen_support = support[keep]

    # a customer writes in one language: about 10% Indonesian, 3% Polish, the rest English
    customers = np.unique(events[CUSTOMER_ID].to_numpy())
    draw = rng.random(customers.size)
    language = np.where(draw < 0.10, "id", np.where(draw < 0.13, "pl", "en"))
    lang_of = dict(zip(customers, language, strict=True))
    # customers behind many support contacts are the unhappy ones
    n_support = events[support].groupby(CUSTOMER_ID).size()

    w = _Writer(rng)
    rows: list[tuple[str, int, str, str, str, str, str, str]] = []
    starts = pd.to_datetime(chosen[TIMESTAMP], utc=True).astype("int64").to_numpy() // 10**6
    contacts = zip(
        chosen[CUSTOMER_ID], chosen[CHANNEL], chosen_keys, chosen_support, starts, strict=True
    )
    for n, (cid, channel, key, is_support, start) in enumerate(contacts):
        mix = _TOPIC_MIX[key] if is_support else _TOPIC_MIX["presales"]
        weights = np.array(list(mix.values()))
        topic = list(mix)[int(rng.choice(len(mix), p=weights / weights.sum()))]
        arc = _draw_arc(rng, topic, key, int(n_support.get(cid, 0)))
        turns = _Conversation(w, lang_of[cid], channel, key, topic, arc).write()
        # emails are answered within hours, calls and chats take seconds per turn
        low, high = (40 * _MIN, 4 * _HOUR) if channel == "Email" else (15.0, 150.0)
        offsets = np.r_[0, np.cumsum(rng.uniform(low, high, len(turns) - 1).astype(np.int64))]
        conversation = f"CV{n + 1:05d}"
        for (speaker, text, mood, agent), offset in zip(turns, offsets, strict=True):
            rows.append(
                (cid, int(start + offset), channel, conversation, speaker, text, agent, mood)
            )
    columns = [CUSTOMER_ID, "t", CHANNEL, CONVERSATION_ID, SPEAKER, TEXT, AGENT, "mood"]
    frame = pd.DataFrame(rows, columns=columns)
    is_customer = (frame[SPEAKER] == "customer").to_numpy()
    empty = rng.random(len(frame)) < 0.006  # dropped lines: a few turns without text
    labelled = is_customer & ~empty & (rng.random(len(frame)) < 0.4)
    stamp = pd.to_datetime(frame["t"], unit="s", utc=True).dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return frame.assign(
        **{
            TIMESTAMP: stamp,
            TEXT: np.where(empty, "", frame[TEXT]),
            LABEL: np.where(labelled, frame["mood"], ""),
        }
    )[list(SAMPLE_TRANSCRIPT_COLUMNS)].astype("str")


def write_sample(out_dir: Path) -> dict[str, Path]:
    """Generate the sample with the default size and seed and write both CSV files to `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    events = generate_events()
    transcripts = generate_transcripts(events)
    paths = {"events": out_dir / EVENTS_FILE, "transcripts": out_dir / TRANSCRIPTS_FILE}
    for frame, path in ((events, paths["events"]), (transcripts, paths["transcripts"])):
        path.write_bytes(frame.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    return paths


def main(argv: list[str] | None = None) -> int:
    """Regenerate the committed sample files (`python -m journey.sample [--out DIR]`)."""
    parser = argparse.ArgumentParser(prog="python -m journey.sample", description=main.__doc__)
    parser.add_argument(
        "--out", type=Path, default=SAMPLE_DIR, help=f"output folder (default {SAMPLE_DIR})"
    )
    args = parser.parse_args(argv)
    for name, path in write_sample(args.out).items():
        print(f"{name}: {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
