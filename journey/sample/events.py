"""Deterministic sample events: the purchase cycles of Lumio's customers, drawn in bulk.

Every draw comes from one seeded `numpy.random.Generator`, in a fixed order, so a seed gives
the same bytes: a helper that draws must keep its place in that order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from journey.sample.constants import DAY, EPOCH, HOUR, SPAN
from journey.sample.story import (
    ABANDON,
    APP_INSTALL_P,
    AWARE,
    BUY,
    BUY_KEY,
    CLOSE,
    CONFIRM,
    CONSIDER,
    CONVERT_P,
    DEVICE_P,
    DEVICES,
    ENGAGE,
    FIXED_CAMPAIGN,
    GAPS,
    KEY,
    MIX,
    NEWS,
    NEWSLETTER_SENDS,
    NO_DEVICE_CHANNELS,
    NURTURE,
    ONBOARD,
    OPEN,
    PREP,
    PREP_SEQ,
    REMIND,
    SEASONAL_KEYS,
    SEASONS,
    SEGMENT_REVENUE,
    SEGMENT_SHARE,
    SEGMENTS,
    SESSION_CHANNELS,
    SESSION_GAP,
    SUPPORT,
    TOUCHES,
    VENUE_P,
    VENUE_REVENUE,
)
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


def _pick(rng: np.random.Generator, weights: dict[str, float], size: int) -> np.ndarray:
    """Draw `size` touch indices from a {touch key: weight} mix."""
    keys = np.array([KEY[k] for k in weights])
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
    for st, (p_short, short, long) in GAPS.items():
        idx = np.flatnonzero(stage == st)
        short_gap = rng.exponential(max(short, 1.0), idx.size)
        long_gap = rng.exponential(max(long, 1.0), idx.size)
        gaps[idx] = np.where(rng.random(idx.size) < p_short, short_gap, long_gap)
    return gaps


def _customers(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """Draw each customer's segment, device, archetype and number of purchases."""
    segment = rng.choice(3, size=n, p=SEGMENT_SHARE)
    device = np.empty(n, dtype=np.int64)
    for s in range(3):
        idx = np.flatnonzero(segment == s)
        device[idx] = rng.choice(3, size=idx.size, p=DEVICE_P[s])
    converts = rng.random(n) < np.asarray(CONVERT_P)[segment]
    unhappy = converts & (rng.random(n) < 0.25)
    # happy buyers come back; unhappy ones rarely do
    repeat_p = np.where(unhappy, 0.08, 0.42)
    extra = np.zeros(n, dtype=np.int64)
    for step in range(3):  # a second, third, fourth purchase, each given the one before
        extra += (extra == step) & (rng.random(n) < repeat_p)
    n_purchases = np.where(converts, 1 + extra, 0)
    # non-buyers: 0 bounce after ads, 1 browse, 2 abandon a cart
    lost = rng.choice(3, size=n, p=(0.34, 0.36, 0.30))
    t0 = rng.uniform(0, 0.92 * SPAN, n)
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
        venue[idx] = rng.choice(4, size=idx.size, p=VENUE_P[s])
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
            "n_prep": np.where(buys, np.asarray([len(s) for s in PREP_SEQ])[venue], 0),
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
    for st in (OPEN, AWARE, CONSIDER, REMIND, CLOSE):
        for s in range(3):
            idx = np.flatnonzero((stage == st) & (seg == s))
            touch[idx] = _pick(rng, MIX[st][s], idx.size)
    cart_seq = np.array([[KEY[k2] for k2 in PREP_SEQ[v]] for v in (0, 1)])
    idx = np.flatnonzero(stage == ABANDON)
    touch[idx] = cart_seq[cyc["cart_venue"].to_numpy()[cycle[idx]], k[idx]]
    venue = cyc["venue"].to_numpy()[cycle]
    prep = np.array([[KEY[s[min(i, len(s) - 1)]] for i in range(2)] for s in PREP_SEQ])
    idx = np.flatnonzero(stage == PREP)
    touch[idx] = prep[venue[idx], k[idx]]
    idx = np.flatnonzero(stage == BUY)
    touch[idx] = np.array([KEY[b] for b in BUY_KEY])[venue[idx]]

    gaps = _gaps(rng, stage)
    # a few checkouts land in the same second as their add-to-cart: ties in the data
    tie = (stage == PREP) & (k == 1) & (rng.random(stage.size) < 0.06)
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
            start[idx - 1] + end_rel[idx - 1] + 14 * DAY + rng.exponential(35 * DAY, idx.size)
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

    buy_rows = chain[chain["stage"] == BUY]
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
        CONFIRM,
        bought,
        np.full(bought.size, KEY["Email|Order confirmation"]),
        buy_time[bought] + offset,
    )

    # onboarding after the first purchase only
    first = bought[j[bought] == 0]
    base = buy_time[first]
    add(
        ONBOARD,
        first,
        np.full(first.size, KEY["Email|Welcome email"]),
        base + rng.uniform(600, 2 * DAY, first.size),
    )
    c, off = _after(rng, first, 1 + rng.poisson(1.2, first.size).clip(0, 3), 2 * DAY, 28 * DAY)
    add(ONBOARD, c, np.full(c.size, KEY["Email|Onboarding email"]), buy_time[c] + off)
    app = first[rng.random(first.size) < np.asarray(APP_INSTALL_P)[seg_of[first]]]
    add(
        ONBOARD,
        app,
        np.full(app.size, KEY["App|App install"]),
        buy_time[app] + rng.uniform(HOUR, 25 * DAY, app.size),
    )
    guide = first[rng.random(first.size) < 0.5]
    add(
        ONBOARD,
        guide,
        np.full(guide.size, KEY["Web|Setup guide"]),
        buy_time[guide] + rng.uniform(HOUR, 10 * DAY, guide.size),
    )

    # support contacts: unhappy buyers come back again and again
    unhappy = cust["unhappy"].to_numpy()[owner_of[bought]]
    # (after their first purchase, which they then rarely repeat)
    lam = (
        np.where(unhappy & (j[bought] == 0), 4.0, 0.45)
        * np.asarray((1.0, 1.15, 1.4))[seg_of[bought]]
    )
    c, off = _after(rng, bought, rng.poisson(lam), HOUR, 60 * DAY)
    touch = np.empty(c.size, dtype=np.int64)
    for s in range(3):
        idx = np.flatnonzero(seg_of[c] == s)
        touch[idx] = _pick(rng, MIX[SUPPORT][s], idx.size)
    add(SUPPORT, c, touch, buy_time[c] + off)

    # engagement after the first purchase: offers, app sessions, revisits until the data ends
    c, u = _after(
        rng, first, rng.poisson(np.clip(SPAN - buy_time[first], 0, None) / (12 * DAY)), 0, 1
    )
    touch = np.empty(c.size, dtype=np.int64)
    for s in range(3):
        idx = np.flatnonzero(seg_of[c] == s)
        touch[idx] = _pick(rng, MIX[ENGAGE][s], idx.size)
    start = buy_time[c] + 5 * DAY
    add(ENGAGE, c, touch, start + u * np.clip(SPAN - start, 0, None))

    # non-buyers who browsed see retargeting and promos for a while; some sign up for news
    lost_cycles = np.flatnonzero(~buys & (cyc["n_consider"].to_numpy() > 0) & (j == 0))
    nurtured = lost_cycles[rng.random(lost_cycles.size) < 0.55]
    c, off = _after(rng, nurtured, 1 + rng.poisson(2.0, nurtured.size), DAY, 100 * DAY)
    touch = np.empty(c.size, dtype=np.int64)
    for s in range(3):
        idx = np.flatnonzero(seg_of[c] == s)
        touch[idx] = _pick(rng, MIX[NURTURE][s], idx.size)
    add(NURTURE, c, touch, last_time[c] + off)
    leads = lost_cycles[rng.random(lost_cycles.size) < 0.4]
    signup = last_time[leads] + rng.uniform(30, 600, leads.size)
    add(NURTURE, leads, np.full(leads.size, KEY["Web|Newsletter sign-up"]), signup)

    # the monthly newsletter: buyers subscribe at purchase, leads at sign-up; opens cluster
    # in the hours after each send
    subs = first[rng.random(first.size) < 0.8]
    sub_cycles = np.concatenate([subs, leads])
    sub_start = np.concatenate([buy_time[subs], signup])
    open_p = np.concatenate([np.full(subs.size, 0.5), np.full(leads.size, 0.3)])
    sends = np.asarray(NEWSLETTER_SENDS, dtype=float)
    opened = (sends[None, :] > sub_start[:, None]) & (
        rng.random((sub_cycles.size, sends.size)) < open_p[:, None]
    )
    who, which = np.nonzero(opened)
    opens = sends[which] + rng.exponential(6 * HOUR, who.size)
    add(NEWS, sub_cycles[who], np.full(who.size, KEY["Email|Newsletter"]), opens)

    ev = pd.concat([chain, *extra], ignore_index=True)
    ev = ev.assign(t=np.floor(ev["t"].to_numpy()).astype(np.int64))
    ev = ev[ev["t"] < SPAN]
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
    event_type = np.where(stage == SUPPORT, "support_contact", event_type)
    conversion = stage == BUY

    seg = cust["segment"].to_numpy()[owner]
    venue = cyc["venue"].to_numpy()[cycle]
    j = cyc["j"].to_numpy()[cycle]
    level = np.asarray(SEGMENT_REVENUE)[seg] * np.asarray(VENUE_REVENUE)[venue]
    level = level * np.where(j > 0, 0.75, 1.0)
    amount = np.round(level * rng.lognormal(0.0, 0.55, t.size), 2)
    revenue = np.where(conversion, np.char.mod("%.2f", np.maximum(amount, 4.99)), "")

    # device: the customer's usual one most of the time; the app lives on phones and tablets
    usual = cust["device"].to_numpy()[owner]
    other = rng.integers(0, 3, t.size)
    dev = np.where(rng.random(t.size) < 0.82, usual, other)
    dev = np.where(np.isin(channel, ("App", "Push")) & (dev == 0), 1, dev)
    device = np.asarray(DEVICES, dtype=object)[dev]
    device = np.where(np.isin(channel, NO_DEVICE_CHANNELS), "", device)

    month = pd.to_datetime(t + EPOCH, unit="s").month.to_numpy()
    season = np.asarray(SEASONS, dtype=object)[month - 1]
    keys = np.array([f"{c}|{tp}" for c, tp, _e, _m in TOUCHES], dtype=object)[touch]
    campaign = np.full(t.size, "", dtype=object)
    campaign = np.where(np.isin(keys, SEASONAL_KEYS), season, campaign)
    for key, name in FIXED_CAMPAIGN.items():
        campaign = np.where(keys == key, name, campaign)

    session = _sessions(owner, t, channel)
    stamp = pd.to_datetime(t + EPOCH, unit="s", utc=True).strftime("%Y-%m-%dT%H:%M:%SZ")
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
    online = np.isin(channel, SESSION_CHANNELS)[by_customer]
    idx = by_customer[online]
    o, tt = owner[idx], t[idx]
    new = np.r_[True, (o[1:] != o[:-1]) | (np.diff(tt) > SESSION_GAP)]
    number = np.cumsum(new)
    session = np.full(n, "", dtype=object)
    session[idx] = np.char.mod("S%06d", number)
    return session
