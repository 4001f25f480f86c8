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

from journey.errors import SettingsError
from journey.query.engine.common import US_PER_DAY, micros
from journey.query.engine.sql import ident, lit
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
# converted (the path ends at a conversion), conv_time (the path's last event time),
# path_revenue (the converting event's revenue, 0 when not converting), in_window.
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


def path_events(events: str, level: str = CHANNEL, window_days: float = DEFAULT_WINDOW_DAYS) -> str:
    """SQL: every event of `events` tagged with its path (see `PATH_EVENT_COLUMNS`)."""
    check_level(level)
    check_window(window_days)
    c, ts, r, conv = ident(CUSTOMER_ID), ident(TIMESTAMP), ident(ROW), ident(CONVERSION)
    if window_days > 0:
        span = round(window_days * US_PER_DAY)
        window = f"NOT converted OR {micros('ts')} >= {micros('conv_time')} - {span}"
    else:
        window = "TRUE"
    return f"""
SELECT *, {window} AS in_window FROM (
    SELECT *, bool_or(conv) OVER (PARTITION BY c, path_no) AS converted,
           max(ts) OVER (PARTITION BY c, path_no) AS conv_time,
           sum(CASE WHEN conv THEN revenue ELSE 0.0 END)
               OVER (PARTITION BY c, path_no) AS path_revenue
    FROM (
        SELECT {c} AS c, {ts} AS ts, {r} AS r,
               coalesce(CAST({ident(level)} AS VARCHAR), {lit(NOT_SET)}) AS value,
               {ident(CHANNEL)} AS channel, {ident(EVENT_TYPE)} AS event_type,
               {conv} AS conv, coalesce({ident(REVENUE)}, 0.0) AS revenue,
               coalesce(sum(CASE WHEN {conv} THEN 1 ELSE 0 END) OVER (
                   PARTITION BY {c} ORDER BY {ts}, {r}
                   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS path_no
        FROM {ident(events)}
    ) AS numbered
) AS tagged"""
