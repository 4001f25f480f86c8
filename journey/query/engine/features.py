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
from journey.query.engine.common import US_PER_DAY, days_between
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


def range_starts_sql(events: str, per_range: int) -> str:
    """SQL: the lowest customer id of each run of `per_range` customers, in id order (`id`)."""
    c = ident(CUSTOMER_ID)
    return f"""
SELECT id FROM (
  SELECT id, row_number() OVER (ORDER BY id) AS i
  FROM (SELECT DISTINCT {c} AS id FROM {ident(events)} WHERE {c} IS NOT NULL) ids
) numbered WHERE i % {int(per_range)} = 1 ORDER BY id"""


def customers_between_sql(events: str, low: str, high: str | None) -> str:
    """SQL: the events of customers with low <= id < high (no upper end when high is None)."""
    c = ident(CUSTOMER_ID)
    where = f"{c} >= {lit(low)}" + (f" AND {c} < {lit(high)}" if high is not None else "")
    return f"SELECT * FROM {ident(events)} WHERE {where}"


def snapshot_count_sql(snapshots: str) -> str:
    """SQL: how many (customer, cut-off) snapshots a `snapshots_at` statement gives (`n`)."""
    return f"SELECT count(*) AS n FROM ({snapshots}) s"


def sampled_customers_sql(
    events: str, known_until: pd.Timestamp, fraction: float, seed: int
) -> str:
    """SQL: the events of a seeded sample of `fraction` of the customers, stratified by buyers.

    Customers with a conversion before `known_until` and those without are sampled apart,
    ceil(fraction x stratum) from each, so the sample keeps the share of buyers. The order is
    md5(customer id, seed): the same sample on DuckDB and Spark, run after run.
    """
    c, conv, ts = ident(CUSTOMER_ID), ident(CONVERSION), ident(TIMESTAMP)
    key = f"md5(CAST(id AS VARCHAR) || {lit(f'~{int(seed)}')})"
    return f"""
SELECT e.* FROM {ident(events)} e WHERE e.{c} IN (
  SELECT id FROM (
    SELECT id, row_number() OVER (PARTITION BY buyer ORDER BY {key}, id) AS r,
           count(*) OVER (PARTITION BY buyer) AS n
    FROM (
      SELECT {c} AS id, max(CASE WHEN {conv} AND {ts} < {lit(pd.Timestamp(known_until))}
                               THEN 1 ELSE 0 END) AS buyer
      FROM {ident(events)} WHERE {c} IS NOT NULL GROUP BY {c}
    ) strata
  ) ranked WHERE r <= ceil(n * {float(fraction)!r})
)"""


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


def _count(condition: str) -> str:
    """SQL: how many rows meet `condition`, as a 32-bit integer (a small aggregate state)."""
    return f"CAST(count(CASE WHEN {condition} THEN 1 END) AS INTEGER)"


def _days(microseconds: str) -> str:
    """SQL: an integer number of microseconds as (fractional) days, as DOUBLE."""
    return f"CAST({microseconds} AS DOUBLE) / {US_PER_DAY}.0"


def _counts(query: FeatureQuery) -> list[str]:
    """SQL select items: touches per window, per channel and window, per phase and window."""
    items = []
    for w in WINDOWS:
        # age < w days <=> timestamp > cutoff - w days (naive UTC), a cheap column compare
        recent = f"k.known AND k.{ident(TIMESTAMP)} > k.since_{w}d"
        items.append(f"{_count(recent)} AS {ident(f'touches_{w}d')}")
        for ch in query.channels:
            cond = f"{recent} AND k.{ident(CHANNEL)} = {lit(ch)}"
            items.append(f"{_count(cond)} AS {ident(f'touches_{w}d:{ch}')}")
        for ph in Phase:
            cond = f"{recent} AND k.{ident(PHASE)} = {lit(str(ph))}"
            items.append(f"{_count(cond)} AS {ident(f'phase_touches_{w}d:{ph}')}")
    for ch in query.channels:
        on = f"k.known AND k.{ident(CHANNEL)} = {lit(ch)}"
        # a touch after the last cart touch known at the cut-off (strictly later in time)
        after_cart = f"{on} AND k.{ident(TIMESTAMP)} > k.last_cart_ts"
        items.append(f"{_count(after_cart)} AS {ident(f'since_cart:{ch}')}")
        items.append(
            f"CAST(count(CASE WHEN {on} AND k.responded THEN 1 END) AS DOUBLE)"
            f" / nullif(count(CASE WHEN {on} THEN 1 END), 0)"
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
    path = f"PARTITION BY e.{c} ORDER BY e.{ts}, e.{row}"
    # ages aggregate as integer microseconds and become days after: min/max commute with the
    # (monotonic) conversion, so the values are those of aggregating days per event
    cart_age = _days("min(CASE WHEN k.known AND k.is_cart THEN k.age_us END)")
    since_conv = _days(f"min(CASE WHEN k.known AND k.{ident(CONVERSION)} THEN k.age_us END)")
    # one pass of windows over the events (only the columns the features read), one join to
    # the snapshots and one aggregation: no second window and no CTE read twice, so nothing
    # per event is held in memory beyond the aggregation's state
    return f"""
WITH snap AS (
  SELECT s.*, {", ".join(f"s.cutoff - INTERVAL {w} DAY AS since_{w}d" for w in WINDOWS)}
  FROM ({snapshots}) s
),
feature_path AS (
  SELECT e.{c}, e.{ts}, e.{ident(CHANNEL)}, e.{ident(TOUCHPOINT)}, e.{ident(EVENT_TYPE)},
         e.{ident(CONVERSION)}, e.{ident(REVENUE)}, e.{ident(PHASE)},
         ({cart}) AS is_cart, ({onboarding}) AS is_onboarding, ({opt}) AS opted_out,
         row_number() OVER ({path}) AS pos,
         lead(e.{ts}) OVER ({path}) AS next_ts,
         lead(e.{ident(CHANNEL)}) OVER ({path}) AS next_ch,
         lead(e.{ident(CONVERSION)}) OVER ({path}) AS next_conv,
         min(CASE WHEN e.{ident(CONVERSION)} THEN e.{ts} END) OVER (PARTITION BY e.{c})
           AS first_conv_ts
  FROM {ident(events)} e
),
feature_cart AS (
  SELECT s.customer_id, s.cutoff, max(e.{ts}) AS last_cart_ts
  FROM snap s JOIN {ident(events)} e ON e.{c} = s.customer_id AND e.{ts} < s.cutoff
  WHERE {cart}
  GROUP BY s.customer_id, s.cutoff
),
k AS (
  SELECT s.cutoff, {", ".join(f"s.since_{w}d" for w in WINDOWS)}, e.*, e.{ts} < s.cutoff AS known,
         (e.next_ts < s.cutoff
          AND date_diff('microsecond', e.{ts}, e.next_ts) <= {RESPONSE_DAYS * US_PER_DAY}
          AND (e.next_ch <> e.{ident(CHANNEL)} OR e.next_conv)) AS responded,
         date_diff('microsecond', e.{ts}, s.cutoff) AS age_us, ct.last_cart_ts
  FROM snap s JOIN feature_path e ON e.{c} = s.customer_id AND e.{ts} < {until}
  LEFT JOIN feature_cart ct ON ct.customer_id = s.customer_id AND ct.cutoff = s.cutoff
),
agg AS (
  SELECT k.{c} AS customer_id, k.cutoff,
         {", ".join(_counts(query))},
         {_count("k.known")} AS frequency,
         {_count(f"k.known AND k.{ident(CONVERSION)}")} AS conversions,
         CAST(coalesce(sum(CASE WHEN k.known THEN k.{ident(REVENUE)} END), 0) AS DOUBLE)
           AS monetary,
         {_days("min(CASE WHEN k.known THEN k.age_us END)")} AS recency_days,
         {_days("max(CASE WHEN k.known THEN k.age_us END)")} AS tenure_days,
         {since_conv} AS days_since_conversion,
         {_days(f"max(CASE WHEN k.known AND k.{ident(CONVERSION)} THEN k.age_us END)")}
           AS days_since_first_conversion,
         arg_max(CASE WHEN k.known THEN k.{ident(CHANNEL)} END,
                 CASE WHEN k.known THEN k.pos END) AS last_channel,
         arg_max(CASE WHEN k.known THEN k.{ident(TOUCHPOINT)} END,
                 CASE WHEN k.known THEN k.pos END) AS last_touchpoint,
         arg_max(CASE WHEN k.known THEN k.{ident(PHASE)} END,
                 CASE WHEN k.known THEN k.pos END) AS current_phase,
         arg_max(CASE WHEN k.known THEN {support} END,
                 CASE WHEN k.known THEN k.pos END) AS last_is_support,
         {_count(f"k.known AND k.{ts} > k.since_90d AND {support}")}
           AS support_contacts_90d,
         {cart_age} AS cart_age,
         max(CASE WHEN k.known AND k.opted_out THEN 1 ELSE 0 END) AS opted_out{target},
         {cart_age} IS NOT NULL AND ({since_conv} IS NULL OR {cart_age} < {since_conv})
           AS open_cart,
         {cart_age} * 24.0 AS hours_since_cart,
         -- the first conversion overall is the first known one whenever one is known
         {_count(f"k.known AND k.is_onboarding AND k.{ts} >= k.first_conv_ts")}
           AS onboarding_touches
  FROM k GROUP BY k.{c}, k.cutoff
){sentiment[0]}
SELECT a.*{sentiment[1]}
FROM agg a{sentiment[2]}
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
