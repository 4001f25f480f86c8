"""Per-customer features at one or more cut-offs, for the next-best-action model, in SQL.

One statement over the prepared-events relation (see `relation.py`) gives, for each
(customer, cut-off), what was known strictly before the cut-off and, optionally, whether the
customer converted within a horizon after it (the training target). Only events with
timestamp < cut-off feed a feature, so a model trained on them never sees the future.

| column | meaning |
|---|---|
| customer_id, cutoff | the snapshot |
| touches_{7,30,90}d | touches in the last 7 / 30 / 90 days |
| touches_{7,30,90}d:<channel> | the same per channel (the `channels` given) |
| phase_touches_{7,30,90}d:<phase> | the same per phase |
| since_cart:<channel> | touches on the channel after the last cart touch (0 without one) |
| response_rate:<channel> | share of the channel's touches answered within 7 days (see below) |
| recency_days, tenure_days | days since the last / first touch |
| frequency, conversions, monetary | touches, conversions and revenue before the cut-off |
| days_since_conversion, days_since_first_conversion | NULL before any conversion |
| last_channel, last_touchpoint, current_phase | of the last touch (path order: timestamp, row) |
| support_contacts_90d, last_is_support | support contacts in 90 days; the last touch is one |
| open_cart, hours_since_cart | a cart touch after the last conversion; hours since it |
| onboarding_touches | touches on the onboarding touchpoints since the first conversion |
| do_not_contact | any true do_not_contact / opt_out value |
| mean_sentiment, last_sentiment, n_contacts | from the contacts relation, when given |
| converted | (with a horizon) a conversion in [cut-off, cut-off + horizon) |

A touch is answered when the customer's next touch comes within 7 days and before the cut-off,
and is on another channel or is a conversion.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from journey.errors import SettingsError
from journey.query.engine.common import days_between
from journey.query.engine.runner import Runner
from journey.query.engine.sql import ident, lit, lit_list
from journey.schema import (
    CHANNEL,
    CONVERSION,
    CUSTOMER_ID,
    EVENT_TYPE,
    PHASE,
    REVENUE,
    ROW,
    TIMESTAMP,
    TOUCHPOINT,
    Phase,
)

WINDOWS = (7, 30, 90)
RESPONSE_DAYS = 7
SUPPORT_EVENT_TYPES = ("support_contact",)
OPT_OUT_COLUMNS = ("do_not_contact", "opt_out")
TRUE_TEXT = ("true", "1", "yes", "y", "t")
SCORE = "sentiment_score"


@dataclass(frozen=True)
class FeatureQuery:
    """What the feature statement needs to know besides the relation."""

    channels: tuple[str, ...]  # channels that get their own columns (usually the top ones)
    cart_touchpoints: tuple[str, ...] = ()
    cart_event_types: tuple[str, ...] = ("add_to_cart",)
    onboarding_touchpoints: tuple[str, ...] = ()
    horizon_days: int | None = None  # None: no target column
    opt_out_columns: tuple[str, ...] = field(default=())  # present attribute columns to read


def top_channels(runner: Runner, events: str, limit: int = 12) -> tuple[str, ...]:
    """The `limit` channels with most events (ties by name), for per-channel columns."""
    sql = f"""
SELECT {ident(CHANNEL)} AS channel, count(*) AS n FROM {ident(events)}
WHERE {ident(CHANNEL)} IS NOT NULL GROUP BY {ident(CHANNEL)}
ORDER BY n DESC, channel LIMIT {int(limit)}"""
    return tuple(str(c) for c in runner.frame(sql)["channel"])


def time_span(runner: Runner, events: str) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """First and last timestamp of the relation (None, None when it is empty)."""
    ts = ident(TIMESTAMP)
    row = runner.frame(f"SELECT min({ts}) AS a, max({ts}) AS b FROM {ident(events)}").iloc[0]
    if pd.isna(row["a"]):
        return None, None
    return pd.Timestamp(row["a"]), pd.Timestamp(row["b"])


def opt_out_columns(runner: Runner, events: str) -> tuple[str, ...]:
    """Which of the do-not-contact attribute columns the relation has."""
    columns = set(runner.frame(f"SELECT * FROM {ident(events)} LIMIT 0").columns)
    return tuple(c for c in OPT_OUT_COLUMNS if c in columns)


def snapshots_at(
    events: str, cutoffs: Sequence[pd.Timestamp], active_days: float | None = None
) -> str:
    """SQL: (customer_id, cutoff) for every customer with a touch before each cut-off.

    With `active_days`, only customers with a touch in the `active_days` before the cut-off.
    """
    if not len(cutoffs):
        raise SettingsError("choose at least one cut-off date")
    values = ", ".join(f"({lit(pd.Timestamp(c))})" for c in sorted(set(cutoffs)))
    ts = f"e.{ident(TIMESTAMP)}"
    active = f" AND {days_between(ts, 'c.cutoff')} <= {float(active_days)!r}" if active_days else ""
    return f"""
SELECT DISTINCT e.{ident(CUSTOMER_ID)} AS customer_id, c.cutoff
FROM {ident(events)} e JOIN (VALUES {values}) AS c(cutoff) ON {ts} < c.cutoff{active}"""


def _counts(query: FeatureQuery) -> list[str]:
    """SQL select items: touches per window, per channel and window, per phase and window."""
    items = []
    for w in WINDOWS:
        recent = f"k.known AND k.age < {w}"
        items.append(f"sum(CASE WHEN {recent} THEN 1 ELSE 0 END) AS {ident(f'touches_{w}d')}")
        for ch in query.channels:
            cond = f"{recent} AND k.{ident(CHANNEL)} = {lit(ch)}"
            name = ident(f"touches_{w}d:{ch}")
            items.append(f"sum(CASE WHEN {cond} THEN 1 ELSE 0 END) AS {name}")
        for ph in Phase:
            cond = f"{recent} AND k.{ident(PHASE)} = {lit(str(ph))}"
            name = ident(f"phase_touches_{w}d:{ph}")
            items.append(f"sum(CASE WHEN {cond} THEN 1 ELSE 0 END) AS {name}")
    for ch in query.channels:
        on = f"k.known AND k.{ident(CHANNEL)} = {lit(ch)}"
        after_cart = f"{on} AND k.age < k.cart_age_now"
        name = ident(f"since_cart:{ch}")
        items.append(f"sum(CASE WHEN {after_cart} THEN 1 ELSE 0 END) AS {name}")
        items.append(
            f"CAST(sum(CASE WHEN {on} AND k.responded THEN 1 ELSE 0 END) AS DOUBLE)"
            f" / nullif(sum(CASE WHEN {on} THEN 1 ELSE 0 END), 0)"
            f" AS {ident(f'response_rate:{ch}')}"
        )
    return items


def _flags(query: FeatureQuery) -> tuple[str, str, str]:
    """SQL conditions on an event row `e`: a cart touch, an onboarding touch, opted out."""
    cart = " OR ".join(
        [f"e.{ident(TOUCHPOINT)} IN {lit_list(query.cart_touchpoints)}"]
        * bool(query.cart_touchpoints)
        + [f"e.{ident(EVENT_TYPE)} IN {lit_list(query.cart_event_types)}"]
        * bool(query.cart_event_types)
    )
    onboarding = f"e.{ident(TOUCHPOINT)} IN {lit_list(query.onboarding_touchpoints)}"
    opt = " OR ".join(
        f"lower(trim(CAST(e.{ident(c)} AS VARCHAR))) IN {lit_list(TRUE_TEXT)}"
        for c in query.opt_out_columns
    )
    return cart or "FALSE", onboarding, opt or "FALSE"


def feature_sql(
    events: str, snapshots: str, query: FeatureQuery, contacts: str | None = None
) -> str:
    """SQL: one row of features per snapshot (see the module docstring for the columns)."""
    cart, onboarding, opt = _flags(query)
    c, ts, row = ident(CUSTOMER_ID), ident(TIMESTAMP), ident(ROW)
    horizon = query.horizon_days
    until = f"s.cutoff + INTERVAL {int(horizon)} DAY" if horizon else "s.cutoff"
    target = (
        f", CAST(max(CASE WHEN NOT k.known AND k.{ident(CONVERSION)} THEN 1 ELSE 0 END)"
        " AS BIGINT) AS converted"
        if horizon
        else ""
    )
    support = f"k.{ident(EVENT_TYPE)} IN {lit_list(SUPPORT_EVENT_TYPES)}"
    sentiment = _sentiment_sql(contacts)
    return f"""
WITH snap AS ({snapshots}),
ev AS (
  SELECT e.*, ({cart}) AS is_cart, ({onboarding}) AS is_onboarding, ({opt}) AS opted_out,
         row_number() OVER (PARTITION BY e.{c} ORDER BY e.{ts}, e.{row}) AS pos,
         lead(e.{ts}) OVER (PARTITION BY e.{c} ORDER BY e.{ts}, e.{row}) AS next_ts,
         lead(e.{ident(CHANNEL)}) OVER (PARTITION BY e.{c} ORDER BY e.{ts}, e.{row}) AS next_ch,
         lead(e.{ident(CONVERSION)}) OVER (PARTITION BY e.{c} ORDER BY e.{ts}, e.{row})
           AS next_conv
  FROM {ident(events)} e
),
k0 AS (
  SELECT s.cutoff, e.*, e.{ts} < s.cutoff AS known, {days_between(f"e.{ts}", "s.cutoff")} AS age,
         (e.next_ts < s.cutoff
          AND {days_between("e." + ts, "e.next_ts")} <= {RESPONSE_DAYS}
          AND (e.next_ch <> e.{ident(CHANNEL)} OR e.next_conv)) AS responded
  FROM snap s JOIN ev e ON e.{c} = s.customer_id AND e.{ts} < {until}
),
k AS (
  SELECT k0.*, min(CASE WHEN k0.known AND k0.is_cart THEN k0.age END)
           OVER (PARTITION BY k0.{c}, k0.cutoff) AS cart_age_now
  FROM k0 k0
),
first_conv AS (
  SELECT k.{c} AS customer_id, k.cutoff, min(k.{ts}) AS first_conv_ts
  FROM k WHERE k.known AND k.{ident(CONVERSION)} GROUP BY k.{c}, k.cutoff
),
agg AS (
  SELECT k.{c} AS customer_id, k.cutoff,
         {", ".join(_counts(query))},
         sum(CASE WHEN k.known THEN 1 ELSE 0 END) AS frequency,
         sum(CASE WHEN k.known AND k.{ident(CONVERSION)} THEN 1 ELSE 0 END) AS conversions,
         CAST(coalesce(sum(CASE WHEN k.known THEN k.{ident(REVENUE)} END), 0) AS DOUBLE)
           AS monetary,
         min(CASE WHEN k.known THEN k.age END) AS recency_days,
         max(CASE WHEN k.known THEN k.age END) AS tenure_days,
         min(CASE WHEN k.known AND k.{ident(CONVERSION)} THEN k.age END)
           AS days_since_conversion,
         max(CASE WHEN k.known AND k.{ident(CONVERSION)} THEN k.age END)
           AS days_since_first_conversion,
         arg_max(CASE WHEN k.known THEN k.{ident(CHANNEL)} END,
                 CASE WHEN k.known THEN k.pos END) AS last_channel,
         arg_max(CASE WHEN k.known THEN k.{ident(TOUCHPOINT)} END,
                 CASE WHEN k.known THEN k.pos END) AS last_touchpoint,
         arg_max(CASE WHEN k.known THEN k.{ident(PHASE)} END,
                 CASE WHEN k.known THEN k.pos END) AS current_phase,
         arg_max(CASE WHEN k.known THEN {support} END,
                 CASE WHEN k.known THEN k.pos END) AS last_is_support,
         sum(CASE WHEN k.known AND k.age < 90 AND {support} THEN 1 ELSE 0 END)
           AS support_contacts_90d,
         min(CASE WHEN k.known AND k.is_cart THEN k.age END) AS cart_age,
         max(CASE WHEN k.known AND k.opted_out THEN 1 ELSE 0 END) AS opted_out{target}
  FROM k GROUP BY k.{c}, k.cutoff
),
onb AS (
  SELECT k.{c} AS customer_id, k.cutoff, count(*) AS onboarding_touches
  FROM k JOIN first_conv f ON f.customer_id = k.{c} AND f.cutoff = k.cutoff
  WHERE k.known AND k.is_onboarding AND k.{ts} >= f.first_conv_ts
  GROUP BY k.{c}, k.cutoff
){sentiment[0]}
SELECT a.*,
       a.cart_age IS NOT NULL
         AND (a.days_since_conversion IS NULL OR a.cart_age < a.days_since_conversion)
         AS open_cart,
       a.cart_age * 24.0 AS hours_since_cart,
       coalesce(o.onboarding_touches, 0) AS onboarding_touches{sentiment[1]}
FROM agg a LEFT JOIN onb o ON o.customer_id = a.customer_id AND o.cutoff = a.cutoff{sentiment[2]}
ORDER BY a.cutoff, a.customer_id"""


def _sentiment_sql(contacts: str | None) -> tuple[str, str, str]:
    """SQL pieces (CTE, select items, join) for sentiment from a contacts relation, if any."""
    if contacts is None:
        return "", "", ""
    c, ts = ident(CUSTOMER_ID), ident(TIMESTAMP)
    cte = f""",
sent AS (
  SELECT s.customer_id, s.cutoff, avg(t.{ident(SCORE)}) AS mean_sentiment,
         arg_max(t.{ident(SCORE)}, t.{ts}) AS last_sentiment, count(*) AS n_contacts
  FROM snap s JOIN {ident(contacts)} t ON t.{c} = s.customer_id AND t.{ts} < s.cutoff
  WHERE t.{ident(SCORE)} IS NOT NULL
  GROUP BY s.customer_id, s.cutoff
)"""
    items = ", sn.mean_sentiment, sn.last_sentiment, coalesce(sn.n_contacts, 0) AS n_contacts"
    join = " LEFT JOIN sent sn ON sn.customer_id = a.customer_id AND sn.cutoff = a.cutoff"
    return cte, items, join
