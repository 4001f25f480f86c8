"""Channel metrics by period and the contact list, in SQL over prepared events.

The same tables as `journey.query.metrics` (the pandas reference): first- and last-touch
sales are counted on the conversion paths of `journey.query.engine.segments`, dated by the
conversion; touches are counted in the date range.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

from journey.errors import SettingsError
from journey.query.engine.common import relation_columns, typed
from journey.query.engine.runner import Runner
from journey.query.engine.segments import (
    DEFAULT_WINDOW_DAYS,
    NOT_SET,
    check_level,
    path_events,
)
from journey.query.engine.sql import ident, lit, lit_list
from journey.schema import (
    CHANNEL,
    CONVERSION,
    CUSTOMER_ID,
    EVENT_TYPE,
    REVENUE,
    ROW,
    SESSION_ID,
    TIMESTAMP,
    TOUCHPOINT,
)

GRANULARITIES = ("day", "week", "month", "all")
METRIC_DTYPES = {
    "period": "datetime64[s, UTC]",
    "channel": "str",
    "sessions": "int64",
    "contacts": "int64",
    "qualified": "int64",
    "sales_first": "int64",
    "revenue_first": "float64",
    "sales_last": "int64",
    "revenue_last": "float64",
}


def _bound(value: object, end: bool = False) -> pd.Timestamp:
    """A range bound as a naive UTC timestamp; a date `end` becomes the next day's midnight."""
    if end and isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = value + dt.timedelta(days=1)
    stamp = pd.Timestamp(value)  # type: ignore[arg-type]
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return stamp


def range_condition(column: str, start: object, end: object) -> str:
    """SQL: `column` within [start, end] (an `end` given as a date covers that whole day)."""
    parts = ["TRUE"]
    if start is not None:
        parts.append(f"{column} >= {lit(_bound(start))}")
    if end is not None:
        whole_day = isinstance(end, dt.date) and not isinstance(end, dt.datetime)
        parts.append(f"{column} {'<' if whole_day else '<='} {lit(_bound(end, end=True))}")
    return " AND ".join(parts)


def _period(column: str, granularity: str, anchor_day: pd.Timestamp | None) -> str:
    """SQL: the start of `column`'s day / Monday-week / month, or the anchor's day ("all")."""
    if granularity == "all":
        return lit(anchor_day)
    return f"date_trunc({lit(granularity)}, {column})"


def _anchor_day(runner: Runner, events: str, start: object, end: object) -> pd.Timestamp:
    """The day of `start`, else of the first touch in range (1970-01-01 when none)."""
    if start is not None:
        return _bound(start).floor("D")
    where = range_condition(ident(TIMESTAMP), None, end)
    first = runner.scalar(f"SELECT min({ident(TIMESTAMP)}) FROM {ident(events)} WHERE {where}")
    return pd.Timestamp(first).floor("D") if first is not None else pd.Timestamp(0)


def _check(
    columns: list[str], granularity: str, level: str, qualifying: Sequence[str], column: str
) -> None:
    check_level(level)
    if granularity not in GRANULARITIES:
        raise SettingsError(
            f"granularity must be one of {', '.join(GRANULARITIES)}, got {granularity!r}"
        )
    if level not in columns:
        raise SettingsError(f"events have no column {level!r}")
    if qualifying and column not in columns:
        raise SettingsError(f"events have no column '{column}' to find qualifying events")


def channel_metrics(
    runner: Runner,
    events: str,
    start: object = None,
    end: object = None,
    granularity: str = "week",
    level: str = CHANNEL,
    qualifying: Sequence[str] = (),
    qualifying_column: str = EVENT_TYPE,
    window_days: float = DEFAULT_WINDOW_DAYS,
) -> pd.DataFrame:
    """Per period and channel: sessions, contacts, qualified, first/last-touch sales, revenue.

    `journey.query.metrics.channel_metrics` on the engine (same parameters and columns).
    """
    columns = relation_columns(runner, events)
    _check(columns, granularity, level, qualifying, qualifying_column)
    anchor = _anchor_day(runner, events, start, end) if granularity == "all" else None
    ts = ident(TIMESTAMP)
    if SESSION_ID in columns:
        session = ident(SESSION_ID)
        sessions = f"count(DISTINCT {session}) + sum(CASE WHEN {session} IS NULL THEN 1 ELSE 0 END)"
    else:
        sessions = "count(*)"
    qualified = (
        f"CAST({ident(qualifying_column)} AS VARCHAR) IN {lit_list(qualifying)}"
        if qualifying
        else "FALSE"
    )
    sql = f"""
WITH q_touches AS (
    SELECT {_period(ts, granularity, anchor)} AS period,
           coalesce(CAST({ident(level)} AS VARCHAR), {lit(NOT_SET)}) AS channel,
           {sessions} AS sessions, count(DISTINCT {ident(CUSTOMER_ID)}) AS contacts,
           count(DISTINCT CASE WHEN {qualified} THEN {ident(CUSTOMER_ID)} END) AS qualified
    FROM {ident(events)} WHERE {range_condition(ts, start, end)}
    GROUP BY 1, 2
), q_paths AS (
    SELECT *, row_number() OVER (PARTITION BY c, path_no ORDER BY ts, r) AS first_rank
    FROM ({path_events(events, level, window_days)}) AS p
    WHERE converted AND in_window
), q_sales AS (
    SELECT {_period("conv_time", granularity, anchor)} AS period, value AS channel,
           sum(CASE WHEN first_rank = 1 THEN 1 ELSE 0 END) AS sales_first,
           sum(CASE WHEN first_rank = 1 THEN path_revenue ELSE 0.0 END) AS revenue_first,
           sum(CASE WHEN conv THEN 1 ELSE 0 END) AS sales_last,
           sum(CASE WHEN conv THEN path_revenue ELSE 0.0 END) AS revenue_last
    FROM q_paths
    WHERE (first_rank = 1 OR conv) AND {range_condition("conv_time", start, end)}
    GROUP BY 1, 2
)
SELECT coalesce(t.period, s.period) AS period, coalesce(t.channel, s.channel) AS channel,
       coalesce(t.sessions, 0) AS sessions, coalesce(t.contacts, 0) AS contacts,
       coalesce(t.qualified, 0) AS qualified,
       coalesce(s.sales_first, 0) AS sales_first, coalesce(s.revenue_first, 0.0) AS revenue_first,
       coalesce(s.sales_last, 0) AS sales_last, coalesce(s.revenue_last, 0.0) AS revenue_last
FROM q_touches t FULL OUTER JOIN q_sales s ON t.period = s.period AND t.channel = s.channel
ORDER BY period, channel"""
    out = runner.frame(sql)
    out["period"] = pd.to_datetime(out["period"]).dt.tz_localize("UTC")
    return typed(out, METRIC_DTYPES)


def contact_list(
    runner: Runner, events: str, start: object = None, end: object = None, level: str = CHANNEL
) -> pd.DataFrame:
    """Per customer: contacts (in total and per level value), first and last contact.

    `journey.query.metrics.contact_list` on the engine: customer_id, contacts, first_contact,
    last_contact, last_channel, last_touchpoint, conversions, revenue, then `contacts_<value>`
    per level value (sorted). Only touches within [start, end]. Sorted by last_contact
    descending, then customer_id.
    """
    check_level(level)
    if level not in relation_columns(runner, events):
        raise SettingsError(f"events have no column {level!r}")
    ts, row, value = (
        ident(TIMESTAMP),
        ident(ROW),
        f"coalesce(CAST({ident(level)} AS VARCHAR), {lit(NOT_SET)})",
    )
    scoped = f"SELECT * FROM {ident(events)} WHERE {range_condition(ts, start, end)}"
    values = runner.frame(f"SELECT DISTINCT {value} AS v FROM ({scoped}) AS s ORDER BY v")["v"]
    per_value = "".join(
        f",\n       sum(CASE WHEN {value} = {lit(v)} THEN 1 ELSE 0 END) AS {ident(f'contacts_{v}')}"
        for v in values
    )
    conv = ident(CONVERSION)
    sql = f"""
SELECT {ident(CUSTOMER_ID)} AS customer_id, count(*) AS contacts,
       min({ts}) AS first_contact, max({ts}) AS last_contact,
       max_by(struct_pack(ch := {ident(CHANNEL)}, tp := {ident(TOUCHPOINT)}),
              struct_pack(t := {ts}, r := {row})) AS last_touch,
       sum(CASE WHEN {conv} THEN 1 ELSE 0 END) AS conversions,
       CAST(sum(CASE WHEN {conv} THEN coalesce({ident(REVENUE)}, 0.0) ELSE 0.0 END) AS DOUBLE)
           AS revenue{per_value}
FROM ({scoped}) AS s
GROUP BY {ident(CUSTOMER_ID)}"""
    # the whole last touch (a struct): max_by skips rows whose value is NULL
    out = runner.frame(
        f"SELECT *, last_touch.ch AS last_channel, last_touch.tp AS last_touchpoint "
        f"FROM ({sql}) AS q ORDER BY last_contact DESC, customer_id"
    )
    for column in ("first_contact", "last_contact"):
        out[column] = pd.to_datetime(out[column]).dt.tz_localize("UTC")
    dtypes = {
        CUSTOMER_ID: "str",
        "contacts": "int64",
        "first_contact": "datetime64[us, UTC]",
        "last_contact": "datetime64[us, UTC]",
        "last_channel": "str",
        "last_touchpoint": "str",
        "conversions": "int64",
        REVENUE: "float64",
    }
    return typed(out, dtypes | {f"contacts_{v}": "int64" for v in values})
