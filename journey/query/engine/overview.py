"""Headline figures on the engine: KPIs, per-channel volumes and the phase summary.

The same figures as `tests.oracle.overview` and `tests.oracle.phases.phase_summary` (the
pandas references), computed by one SQL statement each over a prepared-events relation.
"""

from __future__ import annotations

import pandas as pd

from journey.query.engine.common import days_between, typed
from journey.query.engine.runner import Runner
from journey.query.engine.sql import ident, lit
from journey.schema import CHANNEL, CONVERSION, CUSTOMER_ID, PHASE, REVENUE, TIMESTAMP, Phase

_C, _CH, _CONV, _REV, _TS, _PH = (
    ident(CUSTOMER_ID),
    ident(CHANNEL),
    ident(CONVERSION),
    ident(REVENUE),
    ident(TIMESTAMP),
    ident(PHASE),
)


def kpis(runner: Runner, events: str) -> dict[str, object]:
    """Customers, events, conversions, conversion rate (converting customers), revenue, span."""
    sql = f"""
SELECT count(DISTINCT {_C}) AS customers, count(*) AS events,
       CAST(coalesce(sum(CASE WHEN {_CONV} THEN 1 ELSE 0 END), 0) AS BIGINT) AS conversions,
       count(DISTINCT CASE WHEN {_CONV} THEN {_C} END) AS converters,
       CAST(coalesce(sum({_REV}), 0) AS DOUBLE) AS revenue,
       count(DISTINCT {_CH}) AS channels,
       CAST(min({_TS}) AS DATE) AS first_day, CAST(max({_TS}) AS DATE) AS last_day
FROM {ident(events)}"""
    row = runner.frame(sql).iloc[0]
    customers, converters = int(row["customers"]), int(row["converters"])
    n_events = int(row["events"])
    return {
        "customers": customers,
        "events": n_events,
        "conversions": int(row["conversions"]),
        "conversion_rate": converters / customers if customers else 0.0,
        "revenue": float(row["revenue"]),
        "channels": int(row["channels"]),
        "first": _iso_day(row["first_day"]) if n_events else "",
        "last": _iso_day(row["last_day"]) if n_events else "",
    }


def _iso_day(value: object) -> str:
    return pd.Timestamp(value).date().isoformat()  # type: ignore[arg-type]


def channel_overview(runner: Runner, events: str) -> pd.DataFrame:
    """Per channel: events, customers, conversions, revenue; by events descending, channel."""
    sql = f"""
SELECT {_CH} AS channel, count(*) AS events, count(DISTINCT {_C}) AS customers,
       sum(CASE WHEN {_CONV} THEN 1 ELSE 0 END) AS conversions,
       CAST(coalesce(sum({_REV}), 0) AS DOUBLE) AS revenue
FROM {ident(events)} WHERE {_CH} IS NOT NULL
GROUP BY {_CH}
ORDER BY events DESC, channel"""
    out = runner.frame(sql)
    return typed(
        out,
        {
            CHANNEL: "str",
            "events": "int64",
            "customers": "int64",
            "conversions": "int64",
            "revenue": "float64",
        },
    )


def phase_summary(runner: Runner, events: str) -> pd.DataFrame:
    """Per phase (all four, in Phase order): customers, events, channels, days, share.

    Columns phase, customers, events, channels, channel_list (sorted, ", "-joined),
    median_days (median over the phase's customers of last - first event time there; NaN
    when nobody reached it), share_of_customers (customers / all customers, 0..1).
    """
    phases = ", ".join(f"({lit(p.value)}, {i})" for i, p in enumerate(Phase))
    source = ident(events)
    # one grouped pass per (phase, customer) gives customers, events, durations and the total
    sql = f"""
WITH q_phases AS (
    SELECT * FROM (VALUES {phases}) AS p(phase, ord)
), q_per_customer AS (
    SELECT {_PH} AS phase, {_C} AS c, count(*) AS events,
           {days_between(f"min({_TS})", f"max({_TS})")} AS days
    FROM {source} GROUP BY {_PH}, {_C}
), q_counts AS (
    SELECT phase, count(*) AS customers, sum(events) AS events, median(days) AS median_days
    FROM q_per_customer GROUP BY phase
), q_channels AS (
    SELECT phase, count(*) AS channels, string_agg(channel, ', ' ORDER BY channel) AS channel_list
    FROM (SELECT {_PH} AS phase, {_CH} AS channel FROM {source}
          WHERE {_CH} IS NOT NULL GROUP BY {_PH}, {_CH}) AS d
    GROUP BY phase
)
SELECT p.phase, coalesce(n.customers, 0) AS customers, coalesce(n.events, 0) AS events,
       coalesce(l.channels, 0) AS channels, coalesce(l.channel_list, '') AS channel_list,
       n.median_days, (SELECT count(DISTINCT c) FROM q_per_customer) AS all_customers
FROM q_phases p
LEFT JOIN q_counts n ON n.phase = p.phase
LEFT JOIN q_channels l ON l.phase = p.phase
ORDER BY p.ord"""
    out = runner.frame(sql)
    total = int(out["all_customers"].iloc[0]) if len(out) else 0
    result = typed(
        out,
        {
            PHASE: "str",
            "customers": "int64",
            "events": "int64",
            "channels": "int64",
            "channel_list": "str",
            "median_days": "float64",
        },
    )
    share = result["customers"] / total if total else result["customers"] * 0.0
    return result.assign(share_of_customers=share.astype("float64"))
