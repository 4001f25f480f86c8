"""Channel metrics by period and the contact list, in SQL over prepared events.

The same tables as `tests.oracle.metrics` (the pandas reference): first- and last-touch
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

    `tests.oracle.metrics.channel_metrics` on the engine (same parameters and columns).
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
    # two queries, joined on the (small) results: one statement with both parts and a FULL
    # OUTER JOIN takes DuckDB twice as long as the parts at 1e7 events
    touches = runner.frame(f"""
SELECT {_period(ts, granularity, anchor)} AS period,
       coalesce(CAST({ident(level)} AS VARCHAR), {lit(NOT_SET)}) AS channel,
       {sessions} AS sessions, count(DISTINCT {ident(CUSTOMER_ID)}) AS contacts,
       count(DISTINCT CASE WHEN {qualified} THEN {ident(CUSTOMER_ID)} END) AS qualified
FROM {ident(events)} WHERE {range_condition(ts, start, end)}
GROUP BY 1, 2""")
    # one row per converting path (a hash aggregate, no sort): its first in-window touch and
    # its conversion, the path's last event in path order (time, then row)
    order = "struct_pack(t := ts, r := r)"
    sales = runner.frame(f"""
WITH q_paths AS (
    SELECT min_by(value, {order}) AS first_touch, max_by(value, {order}) AS last_touch,
           any_value(conv_time) AS conv_time, any_value(path_revenue) AS path_revenue
    FROM ({path_events(events, level, window_days)}) AS p
    WHERE converted AND in_window
    GROUP BY c, path_no
), q_ends AS (
    SELECT conv_time, path_revenue, first_touch AS channel, 1 AS is_first, 0 AS is_last FROM q_paths
    UNION ALL
    SELECT conv_time, path_revenue, last_touch AS channel, 0 AS is_first, 1 AS is_last FROM q_paths
)
SELECT {_period("conv_time", granularity, anchor)} AS period, channel,
       sum(is_first) AS sales_first,
       sum(CASE WHEN is_first = 1 THEN path_revenue ELSE 0.0 END) AS revenue_first,
       sum(is_last) AS sales_last,
       sum(CASE WHEN is_last = 1 THEN path_revenue ELSE 0.0 END) AS revenue_last
FROM q_ends
WHERE {range_condition("conv_time", start, end)}
GROUP BY 1, 2""")
    out = _full_join(touches, sales)
    out["period"] = out["period"].dt.tz_localize("UTC")
    return typed(out, METRIC_DTYPES)


def contact_list(
    runner: Runner, events: str, start: object = None, end: object = None, level: str = CHANNEL
) -> pd.DataFrame:
    """Per customer: contacts (in total and per level value), first and last contact.

    `tests.oracle.metrics.contact_list` on the engine: customer_id, contacts, first_contact,
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


def _full_join(touches: pd.DataFrame, sales: pd.DataFrame) -> pd.DataFrame:
    """Touch counts and sales per (period, channel), missing counts 0, by period and channel."""
    keys = ["period", "channel"]
    for part in (touches, sales):
        part["period"] = pd.to_datetime(part["period"])
        part["channel"] = part["channel"].astype("str")
    out = touches.merge(sales, on=keys, how="outer")
    counts = ["sessions", "contacts", "qualified", "sales_first", "sales_last"]
    out[counts] = out[counts].fillna(0).astype("int64")
    money = ["revenue_first", "revenue_last"]
    out[money] = out[money].fillna(0.0).astype("float64")
    out = out.sort_values(keys, kind="stable", ignore_index=True)
    return out[[*keys, *counts[:3], "sales_first", "revenue_first", "sales_last", "revenue_last"]]
