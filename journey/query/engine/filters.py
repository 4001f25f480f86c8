"""The global filters as SQL over prepared events, with `journey.query.filters`' semantics.

- The date range is in UTC days: `start` keeps timestamp >= start 00:00 UTC, `end` keeps
  timestamp < the day after `end`, 00:00 UTC (prepared timestamps are naive UTC).
- Channels, teams and attribute values keep events whose value is one of those chosen;
  a missing value never matches. An attribute (or team) filter on a column the events do not
  have is ignored, as the pandas filter ignores it: pass the relation's `columns` for that.
- Transcripts keep the customers left in the filtered events, and (when they have a
  timestamp) those within the date range or with no time at all.

Every value reaches SQL through `sql.lit`, every name through `sql.ident`.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

import pandas as pd

from journey.query.engine.runner import Runner
from journey.query.engine.sql import ident, lit, lit_list
from journey.query.filters import MAX_ATTRIBUTE_VALUES, NOT_ATTRIBUTES, Filters
from journey.schema import CHANNEL, CUSTOMER_ID, EVENT_COLUMNS, TEAM, TIMESTAMP


def _day(value: date, timestamp_tz: bool) -> str:
    """Midnight UTC of a day, as a TIMESTAMP (naive UTC) or, on DuckDB, a TIMESTAMPTZ."""
    stamp = lit(pd.Timestamp(value))
    return f"timezone('UTC', {stamp})" if timestamp_tz else stamp


def date_sql(filters: Filters, column: str = TIMESTAMP, timestamp_tz: bool = False) -> list[str]:
    """The date-range conditions on `column` (none without a range), in UTC days."""
    out = []
    if filters.start is not None:
        out.append(f"{ident(column)} >= {_day(filters.start, timestamp_tz)}")
    if filters.end is not None:
        out.append(f"{ident(column)} < {_day(filters.end + timedelta(days=1), timestamp_tz)}")
    return out


def where_sql(filters: Filters, columns: Collection[str] | None = None) -> str:
    """A boolean SQL expression keeping the events `filters.event_mask` keeps ("TRUE": all).

    `columns`: the relation's columns; team and attribute filters on other columns are
    ignored (None: every column filtered on exists).
    """
    has = (lambda c: True) if columns is None else (lambda c: c in columns)
    conditions = date_sql(filters)
    if filters.channels:
        conditions.append(f"{ident(CHANNEL)} IN {lit_list(filters.channels)}")
    if filters.teams and has(TEAM):
        conditions.append(f"{ident(TEAM)} IN {lit_list(filters.teams)}")
    for column, values in filters.attributes.items():
        if values and has(column):
            conditions.append(f"{ident(column)} IN {lit_list(values)}")
    if not conditions:
        return "TRUE"
    # a missing value compares as NULL: coalesce makes it "not kept", as the pandas mask
    return " AND ".join(f"coalesce({c}, FALSE)" for c in conditions)


def filtered_sql(events: str, filters: Filters, columns: Collection[str] | None = None) -> str:
    """SELECT the events of relation `events` that the filters keep."""
    return f"SELECT * FROM {ident(events)} WHERE {where_sql(filters, columns)}"


def transcripts_where_sql(
    filters: Filters,
    events: str,
    has_timestamp: bool = True,
    timestamp_tz: bool = False,
    columns: Collection[str] | None = None,
) -> str:
    """A boolean SQL expression over transcripts, as `filters.filter_transcripts` keeps them.

    Args:
        filters: The global filters.
        events: The relation of prepared events; the filters are applied to it here, so it
            may be filtered already or not.
        has_timestamp: The transcripts have a timestamp column.
        timestamp_tz: That column is a DuckDB TIMESTAMPTZ (else naive UTC).
        columns: The events relation's columns (see `where_sql`).
    """
    c = ident(CUSTOMER_ID)
    kept = f"SELECT {c} FROM {ident(events)} WHERE {where_sql(filters, columns)}"
    conditions = [f"coalesce({c} IN ({kept}), FALSE)"]
    if has_timestamp:
        t = ident(TIMESTAMP)
        conditions += [f"({t} IS NULL OR {d})" for d in date_sql(filters, TIMESTAMP, timestamp_tz)]
    return " AND ".join(conditions)


def transcripts_sql(
    transcripts: str,
    events: str,
    filters: Filters,
    has_timestamp: bool = True,
    timestamp_tz: bool = False,
    columns: Collection[str] | None = None,
) -> str:
    """SELECT the transcripts `filters.filter_transcripts` keeps (see `transcripts_where_sql`)."""
    where = transcripts_where_sql(filters, events, has_timestamp, timestamp_tz, columns)
    return f"SELECT * FROM {ident(transcripts)} WHERE {where}"


def columns_of(runner: Runner, relation: str) -> list[str]:
    """The relation's column names, in order."""
    return [str(c) for c in runner.frame(f"SELECT * FROM {ident(relation)} LIMIT 0").columns]


def attribute_columns(runner: Runner, events: str) -> list[str]:
    """The categorical columns offered as filters, as `filters.attribute_columns` picks them."""
    candidates = [c for c in columns_of(runner, events) if c not in NOT_ATTRIBUTES]
    if not candidates:
        return []
    counts = ", ".join(f"count(DISTINCT {ident(c)})" for c in candidates)
    row = runner.frame(f"SELECT {counts} FROM {ident(events)}").iloc[0].tolist()
    out = [c for c, n in zip(candidates, row, strict=True) if 1 < int(n) <= MAX_ATTRIBUTE_VALUES]
    order = {name: i for i, name in enumerate(EVENT_COLUMNS)}
    return sorted(out, key=lambda c: (order.get(c, len(order)), c))


def values_of(runner: Runner, events: str, column: str) -> list[str]:
    """Sorted distinct non-missing values of a column, as strings ([] without the column)."""
    if column not in columns_of(runner, events):
        return []
    found = runner.frame(
        f"SELECT DISTINCT CAST({ident(column)} AS VARCHAR) AS v FROM {ident(events)} "
        f"WHERE {ident(column)} IS NOT NULL"
    )
    return sorted(str(v) for v in found["v"].tolist())
