"""Deterministic sample events: the purchase cycles of Lumio's customers, drawn in bulk.

Every draw comes from one seeded `numpy.random.Generator`, in a fixed order, so a seed gives
the same bytes: a helper that draws must keep its place in that order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from journey.sample.constants import DAY, EPOCH, HOUR, SPAN
from journey.sample.planted import plant_cart_recovery
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


_STAGE_COUNTS = (
    "n_open",
    "n_aware",
    "n_consider",
    "n_abandon",
    "n_remind",
    "n_close",
    "n_prep",
    "n_buy",
)


def _chain(rng: np.random.Generator, cyc: pd.DataFrame, t0: np.ndarray) -> pd.DataFrame:
    """Lay out the pre-purchase events of every cycle in time; returns one row per event."""
    cycle, stage, k = _stage_slots(cyc)
    touch = _chain_touches(rng, cyc, cycle, stage, k)
    rel = _times_in_cycle(rng, cycle, stage, k)
    start = _cycle_starts(rng, cyc, t0, cycle, rel)
    return pd.DataFrame({"cycle": cycle, "stage": stage, "touch": touch, "t": start[cycle] + rel})


def _stage_slots(cyc: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (cycle, stage, k-th event of the stage) per pre-purchase event, in journey order."""
    parts = []
    for stage, col in enumerate(_STAGE_COUNTS):
        owner, k = _expand(cyc[col].to_numpy())
        parts.append((owner, np.full(owner.size, stage), k))
    cycle = np.concatenate([p[0] for p in parts])
    stage = np.concatenate([p[1] for p in parts])
    k = np.concatenate([p[2] for p in parts])
    order = np.lexsort((k, stage, cycle))
    return cycle[order], stage[order], k[order]


def _chain_touches(
    rng: np.random.Generator,
    cyc: pd.DataFrame,
    cycle: np.ndarray,
    stage: np.ndarray,
    k: np.ndarray,
) -> np.ndarray:
    """Draw each pre-purchase event's touch: from the stage mix, or the venue's fixed steps."""
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
    return touch


def _times_in_cycle(
    rng: np.random.Generator, cycle: np.ndarray, stage: np.ndarray, k: np.ndarray
) -> np.ndarray:
    """Draw each event's time in seconds after its cycle's first event."""
    gaps = _gaps(rng, stage)
    # a few checkouts land in the same second as their add-to-cart: ties in the data
    tie = (stage == PREP) & (k == 1) & (rng.random(stage.size) < 0.06)
    gaps[tie] = 0.0
    first = np.r_[True, cycle[1:] != cycle[:-1]]
    gaps[first] = 0.0
    cum = np.cumsum(gaps)
    return cum - np.maximum.accumulate(np.where(first, cum, 0.0))


def _cycle_starts(
    rng: np.random.Generator, cyc: pd.DataFrame, t0: np.ndarray, cycle: np.ndarray, rel: np.ndarray
) -> np.ndarray:
    """Place each cycle in time: a customer's first at t0, later ones after the one before."""
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
    return start


def _after(
    rng: np.random.Generator, anchor_cycle: np.ndarray, counts: np.ndarray, low: float, high: float
) -> tuple[np.ndarray, np.ndarray]:
    """Expand `counts` events per anchor cycle, each at a uniform offset in [low, high) seconds."""
    owner, _k = _expand(counts)
    return anchor_cycle[owner], rng.uniform(low, high, owner.size)


def _rows(stage: int, cycles: np.ndarray, touch: np.ndarray, t: np.ndarray) -> pd.DataFrame:
    """Frame events of one stage as (cycle, stage, touch, t) rows."""
    return pd.DataFrame({"cycle": cycles, "stage": stage, "touch": touch, "t": t})


def _same(key: str, size: int) -> np.ndarray:
    """Repeat the touch named by `key` ("channel|touchpoint") `size` times."""
    return np.full(size, KEY[key])


def _pick_by_segment(rng: np.random.Generator, stage: int, segment: np.ndarray) -> np.ndarray:
    """Draw one touch per event from the stage's mix for that event's segment."""
    touch = np.empty(segment.size, dtype=np.int64)
    for s in range(3):
        idx = np.flatnonzero(segment == s)
        touch[idx] = _pick(rng, MIX[stage][s], idx.size)
    return touch


def generate_events(n_customers: int = 5000, seed: int = 7, plant: bool = True) -> pd.DataFrame:
    """Generate the sample events in the canonical columns, sorted by timestamp then customer.

    With `plant`, timely cart reminder emails recover some carts (see `journey.sample.planted`).
    """
    rng = np.random.default_rng([seed, 1])
    cust = _customers(rng, n_customers)
    cyc = _cycles(rng, cust)
    chain = _chain(rng, cyc, cust["t0"].to_numpy())
    buy_time, last_time = _cycle_times(chain, len(cyc))
    segment = cyc["segment"].to_numpy()
    bought = np.flatnonzero(cyc["buys"].to_numpy())
    first = bought[cyc["j"].to_numpy()[bought] == 0]
    lost = _lost_cycles(cyc)
    # the order of these calls is the order of the draws: keep it
    extra = [
        _confirmations(rng, bought, buy_time),
        *_onboarding(rng, first, segment, buy_time),
        _support(rng, bought, cyc, cust["unhappy"].to_numpy(), buy_time),
        _engagement(rng, first, segment, buy_time),
        _nurture(rng, lost, segment, last_time),
    ]
    signups = _sign_ups(rng, lost, last_time)
    extra += [signups, _newsletter(rng, first, buy_time, signups)]

    ev = pd.concat([chain, *extra], ignore_index=True)
    ev = ev.assign(t=np.floor(ev["t"].to_numpy()).astype(np.int64))
    ev = ev[ev["t"] < SPAN]
    events = _finish(rng, ev, cyc, cust)
    return plant_cart_recovery(events, seed) if plant else events


def _cycle_times(chain: pd.DataFrame, n_cycles: int) -> tuple[np.ndarray, np.ndarray]:
    """Return each cycle's purchase time (NaN without one) and the time of its last event."""
    buy_rows = chain[chain["stage"] == BUY]
    buy_time = np.full(n_cycles, np.nan)
    buy_time[buy_rows["cycle"].to_numpy()] = buy_rows["t"].to_numpy()
    last_time = chain.groupby("cycle")["t"].max().reindex(range(n_cycles)).to_numpy()
    return buy_time, last_time


def _confirmations(
    rng: np.random.Generator, bought: np.ndarray, buy_time: np.ndarray
) -> pd.DataFrame:
    """Order confirmations: half in the same second as the purchase (a tie), else seconds later."""
    offset = np.where(rng.random(bought.size) < 0.5, 0.0, rng.uniform(5, 120, bought.size).round())
    touch = _same("Email|Order confirmation", bought.size)
    return _rows(CONFIRM, bought, touch, buy_time[bought] + offset)


def _onboarding(
    rng: np.random.Generator, first: np.ndarray, segment: np.ndarray, buy_time: np.ndarray
) -> list[pd.DataFrame]:
    """Onboarding after a customer's first purchase: welcome, onboarding mails, app, guide."""
    welcome = _rows(
        ONBOARD,
        first,
        _same("Email|Welcome email", first.size),
        buy_time[first] + rng.uniform(600, 2 * DAY, first.size),
    )
    c, off = _after(rng, first, 1 + rng.poisson(1.2, first.size).clip(0, 3), 2 * DAY, 28 * DAY)
    mails = _rows(ONBOARD, c, _same("Email|Onboarding email", c.size), buy_time[c] + off)
    app = first[rng.random(first.size) < np.asarray(APP_INSTALL_P)[segment[first]]]
    installs = _rows(
        ONBOARD,
        app,
        _same("App|App install", app.size),
        buy_time[app] + rng.uniform(HOUR, 25 * DAY, app.size),
    )
    guide = first[rng.random(first.size) < 0.5]
    guides = _rows(
        ONBOARD,
        guide,
        _same("Web|Setup guide", guide.size),
        buy_time[guide] + rng.uniform(HOUR, 10 * DAY, guide.size),
    )
    return [welcome, mails, installs, guides]


def _support(
    rng: np.random.Generator,
    bought: np.ndarray,
    cyc: pd.DataFrame,
    unhappy: np.ndarray,
    buy_time: np.ndarray,
) -> pd.DataFrame:
    """Support contacts after purchases: unhappy buyers come back again and again."""
    segment, j = cyc["segment"].to_numpy(), cyc["j"].to_numpy()
    unhappy_buyer = unhappy[cyc["owner"].to_numpy()[bought]]
    # (after their first purchase, which they then rarely repeat)
    lam = (
        np.where(unhappy_buyer & (j[bought] == 0), 4.0, 0.45)
        * np.asarray((1.0, 1.15, 1.4))[segment[bought]]
    )
    c, off = _after(rng, bought, rng.poisson(lam), HOUR, 60 * DAY)
    touch = _pick_by_segment(rng, SUPPORT, segment[c])
    return _rows(SUPPORT, c, touch, buy_time[c] + off)


def _engagement(
    rng: np.random.Generator, first: np.ndarray, segment: np.ndarray, buy_time: np.ndarray
) -> pd.DataFrame:
    """Engagement after the first purchase: offers, app sessions, revisits until the data ends."""
    c, u = _after(
        rng, first, rng.poisson(np.clip(SPAN - buy_time[first], 0, None) / (12 * DAY)), 0, 1
    )
    touch = _pick_by_segment(rng, ENGAGE, segment[c])
    start = buy_time[c] + 5 * DAY
    return _rows(ENGAGE, c, touch, start + u * np.clip(SPAN - start, 0, None))


def _lost_cycles(cyc: pd.DataFrame) -> np.ndarray:
    """First cycles of customers who browsed but did not buy."""
    j = cyc["j"].to_numpy()
    return np.flatnonzero(~cyc["buys"].to_numpy() & (cyc["n_consider"].to_numpy() > 0) & (j == 0))


def _nurture(
    rng: np.random.Generator, lost: np.ndarray, segment: np.ndarray, last_time: np.ndarray
) -> pd.DataFrame:
    """Non-buyers who browsed see retargeting and promos for a while."""
    nurtured = lost[rng.random(lost.size) < 0.55]
    c, off = _after(rng, nurtured, 1 + rng.poisson(2.0, nurtured.size), DAY, 100 * DAY)
    touch = _pick_by_segment(rng, NURTURE, segment[c])
    return _rows(NURTURE, c, touch, last_time[c] + off)


def _sign_ups(rng: np.random.Generator, lost: np.ndarray, last_time: np.ndarray) -> pd.DataFrame:
    """Some non-buyers sign up for the newsletter minutes after their last touch."""
    leads = lost[rng.random(lost.size) < 0.4]
    signup = last_time[leads] + rng.uniform(30, 600, leads.size)
    return _rows(NURTURE, leads, _same("Web|Newsletter sign-up", leads.size), signup)


def _newsletter(
    rng: np.random.Generator, first: np.ndarray, buy_time: np.ndarray, signups: pd.DataFrame
) -> pd.DataFrame:
    """Newsletter opens: buyers subscribe at purchase, leads at sign-up; opens follow each send."""
    leads, signup = signups["cycle"].to_numpy(), signups["t"].to_numpy()
    subs = first[rng.random(first.size) < 0.8]
    sub_cycles = np.concatenate([subs, leads])
    sub_start = np.concatenate([buy_time[subs], signup])
    open_p = np.concatenate([np.full(subs.size, 0.5), np.full(leads.size, 0.3)])
    sends = np.asarray(NEWSLETTER_SENDS, dtype=float)
    opened = (sends[None, :] > sub_start[:, None]) & (
        rng.random((sub_cycles.size, sends.size)) < open_p[:, None]
    )
    who, which = np.nonzero(opened)
    # opens cluster in the hours after each send
    opens = sends[which] + rng.exponential(6 * HOUR, who.size)
    return _rows(NEWS, sub_cycles[who], _same("Email|Newsletter", who.size), opens)


def _finish(
    rng: np.random.Generator, ev: pd.DataFrame, cyc: pd.DataFrame, cust: pd.DataFrame
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

    channel, touchpoint, event_type, team = (
        np.array([x[i] for x in TOUCHES], dtype=object)[touch] for i in range(4)
    )
    event_type = np.where(stage == SUPPORT, "support_contact", event_type)
    conversion = stage == BUY
    seg = cust["segment"].to_numpy()[owner]
    revenue = _revenue(rng, conversion, seg, cyc, cycle)
    device = _devices(rng, cust["device"].to_numpy()[owner], channel)
    stamp = pd.to_datetime(t + EPOCH, unit="s", utc=True).strftime("%Y-%m-%dT%H:%M:%SZ")
    frame = pd.DataFrame(
        {
            CUSTOMER_ID: np.char.mod("C%05d", owner + 1),
            TIMESTAMP: np.asarray(stamp, dtype=object),
            CHANNEL: channel,
            TOUCHPOINT: touchpoint,
            EVENT_TYPE: event_type,
            CONVERSION: np.where(conversion, "true", "false"),
            REVENUE: revenue,
            TEAM: team,
            CAMPAIGN: _campaigns(t, touch),
            DEVICE: device,
            SEGMENT: np.asarray(SEGMENTS, dtype=object)[seg],
            SESSION_ID: _sessions(owner, t, channel),
        }
    )
    return frame.astype("str")


def _revenue(
    rng: np.random.Generator,
    conversion: np.ndarray,
    seg: np.ndarray,
    cyc: pd.DataFrame,
    cycle: np.ndarray,
) -> np.ndarray:
    """Draw each purchase's order value by segment and venue (repeat orders smaller); else ''."""
    venue = cyc["venue"].to_numpy()[cycle]
    j = cyc["j"].to_numpy()[cycle]
    level = np.asarray(SEGMENT_REVENUE)[seg] * np.asarray(VENUE_REVENUE)[venue]
    level = level * np.where(j > 0, 0.75, 1.0)
    amount = np.round(level * rng.lognormal(0.0, 0.55, conversion.size), 2)
    return np.where(conversion, np.char.mod("%.2f", np.maximum(amount, 4.99)), "")


def _devices(rng: np.random.Generator, usual: np.ndarray, channel: np.ndarray) -> np.ndarray:
    """Draw each event's device: the customer's usual one most of the time, '' offline."""
    other = rng.integers(0, 3, usual.size)
    dev = np.where(rng.random(usual.size) < 0.82, usual, other)
    # the app lives on phones and tablets
    dev = np.where(np.isin(channel, ("App", "Push")) & (dev == 0), 1, dev)
    device = np.asarray(DEVICES, dtype=object)[dev]
    return np.where(np.isin(channel, NO_DEVICE_CHANNELS), "", device)


def _campaigns(t: np.ndarray, touch: np.ndarray) -> np.ndarray:
    """Name each event's campaign: fixed per touch, seasonal for paid media, else ''."""
    month = pd.to_datetime(t + EPOCH, unit="s").month.to_numpy()
    season = np.asarray(SEASONS, dtype=object)[month - 1]
    keys = np.array([f"{c}|{tp}" for c, tp, _e, _m in TOUCHES], dtype=object)[touch]
    campaign = np.full(t.size, "", dtype=object)
    campaign = np.where(np.isin(keys, SEASONAL_KEYS), season, campaign)
    for key, name in FIXED_CAMPAIGN.items():
        campaign = np.where(keys == key, name, campaign)
    return campaign


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
