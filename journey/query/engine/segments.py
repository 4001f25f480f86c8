"""Events cut at their conversions, in SQL: the paths channel metrics and attribution share.

The same cut as `journey.query.segments.cut_at_conversions` (DESIGN.md, "Semantics every
engine shares"): per customer in path order (timestamp, ties by `row`), each conversion
event closes a path holding the events after the previous conversion; events after the last
conversion form one non-converting path. A converting path's touches within
conversion_time - D days <= t <= conversion_time are in its lookback window (D = window_days,
0 = unlimited); every touch of a non-converting path is in its window.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from journey.errors import SettingsError
from journey.query.engine.common import US_PER_DAY, micros
from journey.query.engine.sql import ident, lit, lit_list
from journey.schema import (
    ATTRIBUTION_LEVELS,
    CHANNEL,
    CONVERSION,
    CUSTOMER_ID,
    EVENT_TYPE,
    REVENUE,
    ROW,
    TIMESTAMP,
)

DEFAULT_WINDOW_DAYS = 30
NOT_SET = "(not set)"  # a missing value at the chosen level

# Columns of `path_events`: c, ts, r (row), value (level value, NOT_SET when missing),
# channel, event_type, conv, revenue (0 when missing), path_no (0-based per customer),
# converted (the path ends at a conversion), conv_time (the path's conversion time; NULL when
# it does not convert), path_revenue (the converting event's revenue, 0 when not converting),
# in_window.
PATH_EVENT_COLUMNS = (
    "c",
    "ts",
    "r",
    "value",
    "channel",
    "event_type",
    "conv",
    "revenue",
    "path_no",
    "converted",
    "conv_time",
    "path_revenue",
    "in_window",
)


def check_window(window_days: float) -> None:
    """Raise a SettingsError unless `window_days` is 0 (unlimited) or a positive number."""
    if not math.isfinite(window_days) or window_days < 0:
        raise SettingsError(
            f"window_days must be 0 (unlimited) or a positive number of days, got {window_days}"
        )


def check_level(level: str) -> None:
    """Raise a SettingsError unless `level` is an attribution level."""
    if level not in ATTRIBUTION_LEVELS:
        options = ", ".join(ATTRIBUTION_LEVELS)
        raise SettingsError(f"attribution level must be one of {options}, got {level!r}")


def path_events(
    events: str,
    level: str = CHANNEL,
    window_days: float = DEFAULT_WINDOW_DAYS,
    names: Sequence[str] | None = None,
) -> str:
    """SQL: every event of `events` tagged with its path (see `PATH_EVENT_COLUMNS`).

    `names` (DuckDB): every value the level gives; `value` is then an ENUM of them, which
    windows sort in a byte or two instead of the text.

    One window specification (per customer, in path order) computes everything: the path
    number counts the conversions before an event, and the path's conversion is the first
    conversion at or after it (time and revenue read over the following rows).
    """
    check_level(level)
    check_window(window_days)
    c, ts, r, conv = ident(CUSTOMER_ID), ident(TIMESTAMP), ident(ROW), ident(CONVERSION)
    if window_days > 0:
        span = round(window_days * US_PER_DAY)
        window = f"conv_time IS NULL OR {micros('ts')} >= {micros('conv_time')} - {span}"
    else:
        window = "TRUE"
    spec = f"PARTITION BY {c} ORDER BY {ts}, {r}"
    following = f"({spec} ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)"
    revenue = f"coalesce({ident(REVENUE)}, 0.0)"
    value = f"coalesce(CAST({ident(level)} AS VARCHAR), {lit(NOT_SET)})"
    if names is not None:
        value = f"CAST({value} AS ENUM {lit_list(names)})"
    return f"""
SELECT *, conv_time IS NOT NULL AS converted, {window} AS in_window FROM (
    SELECT {c} AS c, {ts} AS ts, {r} AS r,
           {value} AS value,
           {ident(CHANNEL)} AS channel, {ident(EVENT_TYPE)} AS event_type,
           {conv} AS conv, {revenue} AS revenue,
           coalesce(sum(CASE WHEN {conv} THEN 1 ELSE 0 END) OVER (
               {spec} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS path_no,
           min(CASE WHEN {conv} THEN {ts} END) OVER {following} AS conv_time,
           coalesce(first_value(CASE WHEN {conv} THEN {revenue} END IGNORE NULLS)
               OVER {following}, 0.0) AS path_revenue
    FROM {ident(events)}
) AS tagged"""
