"""Customers' events cut at their conversions: the paths attribution and channel metrics share.

DESIGN.md ("Semantics every engine shares"), to the letter:

- Events are ordered per customer by timestamp, ties by `row` (the file order).
- Each conversion event closes one path: the customer's events after their previous
  conversion event. Touches with conversion_time - D days <= t <= conversion_time are in its
  lookback window (D = `window_days`, 0 = unlimited).
- Events after a customer's last conversion (or of a customer who never converts) form one
  non-converting path; no window applies to it.
- A path's revenue is the revenue of its converting event (0 for non-converting paths).

Everything is vectorised over numpy arrays; nothing loops over customers or events.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from journey.errors import SettingsError
from journey.schema import (
    ATTRIBUTION_LEVELS,
    CONVERSION,
    CUSTOMER_ID,
    REVENUE,
    ROW,
    TIMESTAMP,
)

DEFAULT_WINDOW_DAYS = 30
NOT_SET = "(not set)"  # a missing value at the chosen level
US_PER_DAY = 86_400_000_000


@dataclass(frozen=True)
class Segments:
    """Events in path order (customer, time, row), each tagged with its raw path.

    Per ordered event: `order` (position in the input frame), `customer`, `time`, `path` and
    `in_window`; per raw path: `ends` (ordered position of its last event), `converted` and
    `revenue`. `in_window` is true for touches within the lookback of their path's conversion
    and for every touch of a non-converting path.
    """

    order: np.ndarray  # int64: input position of each ordered event
    customer: np.ndarray  # int64 customer code per ordered event
    customer_ids: np.ndarray  # customer id by code, in order of first appearance
    time: np.ndarray  # int64 microseconds since the epoch per ordered event
    path: np.ndarray  # int64 raw path index per ordered event
    in_window: np.ndarray  # bool per ordered event
    ends: np.ndarray  # int64 per raw path: ordered position of its last event
    converted: np.ndarray  # bool per raw path: it ends at a conversion
    revenue: np.ndarray  # float64 per raw path: revenue of its converting event, else 0

    @property
    def n_paths(self) -> int:
        """Number of raw paths."""
        return len(self.ends)

    @property
    def conversion_time(self) -> np.ndarray:
        """Microseconds of each raw path's last event (its conversion, when it converts)."""
        return self.time[self.ends]


def require_columns(events: pd.DataFrame, *columns: str) -> None:
    """Raise a SettingsError naming the `columns` that `events` lacks."""
    missing = [c for c in columns if c not in events.columns]
    if missing:
        raise SettingsError(f"events have no column {', '.join(repr(c) for c in missing)}")


def timestamp_micros(values: pd.Series) -> np.ndarray:
    """Return timestamps as int64 microseconds since the epoch (UTC wall time)."""
    if not (
        isinstance(values.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(values)
    ):
        raise SettingsError(f"column '{TIMESTAMP}' must hold parsed timestamps, not text")
    return np.asarray(values.array.as_unit("us").asi8, dtype=np.int64)


def read_bool(values: pd.Series) -> np.ndarray:
    """Read a conversion column: bool as is; text true/1/yes (any case) is true; empty false."""
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.fillna(False).to_numpy(dtype=bool)
    if pd.api.types.is_numeric_dtype(values.dtype):
        return values.fillna(0).to_numpy() != 0
    text = values.astype("string").str.strip().str.lower()
    return text.isin(["true", "1", "yes", "y", "t"]).fillna(False).to_numpy(dtype=bool)


def check_window(window_days: float) -> None:
    """Raise a SettingsError unless `window_days` is 0 (unlimited) or a positive number."""
    if not np.isfinite(window_days) or window_days < 0:
        raise SettingsError(
            f"window_days must be 0 (unlimited) or a positive number of days, got {window_days}"
        )


def check_level(events: pd.DataFrame, level: str) -> None:
    """Raise a SettingsError unless `level` is an attribution level that `events` hold."""
    if level not in ATTRIBUTION_LEVELS:
        options = ", ".join(ATTRIBUTION_LEVELS)
        raise SettingsError(f"attribution level must be one of {options}, got {level!r}")
    require_columns(events, level)


def path_order(cust: np.ndarray, ts: np.ndarray, row: np.ndarray, n_customers: int) -> np.ndarray:
    """Stable order on (customer, timestamp, row): ties keep the file order.

    One stable integer sort on customer * span + time (or the time's rank when that key would
    overflow) after putting the events in row order: several times faster than a lexsort.
    """
    if len(cust) == 0:
        return np.zeros(0, dtype=np.int64)
    by_row = None
    if len(row) > 1 and not bool((np.diff(row) > 0).all()):
        by_row = np.argsort(row, kind="stable")
        cust, ts = cust[by_row], ts[by_row]
    low = int(ts.min())
    span = int(ts.max()) - low + 1
    if n_customers * span < 2**62:
        key = cust.astype(np.int64) * span + (ts - low)
    else:
        ranks = np.unique(ts, return_inverse=True)[1].reshape(-1)
        key = cust.astype(np.int64) * (int(ranks.max()) + 1) + ranks
    order = np.argsort(key, kind="stable")
    return by_row[order] if by_row is not None else order


def cut_at_conversions(events: pd.DataFrame, window_days: float = DEFAULT_WINDOW_DAYS) -> Segments:
    """Order events per customer and cut them after every conversion event.

    Needs customer_id, timestamp and conversion; uses revenue and row when present.
    """
    require_columns(events, CUSTOMER_ID, TIMESTAMP, CONVERSION)
    check_window(window_days)
    n = len(events)
    cust_codes, cust_ids = pd.factorize(events[CUSTOMER_ID])
    ts = timestamp_micros(events[TIMESTAMP])
    row = events[ROW].to_numpy(dtype=np.int64) if ROW in events.columns else np.arange(n)
    order = path_order(cust_codes, ts, row, len(cust_ids))
    cust, ts = cust_codes[order], ts[order]
    conv = read_bool(events[CONVERSION])[order]
    revenue = (
        events[REVENUE].fillna(0.0).to_numpy(dtype=np.float64)[order]
        if REVENUE in events.columns
        else np.zeros(n)
    )
    # a path starts at a customer's first event and right after each conversion event
    start = np.ones(n, dtype=bool)
    start[1:] = (cust[1:] != cust[:-1]) | conv[:-1]
    path = np.cumsum(start) - 1
    ends = np.r_[np.flatnonzero(start)[1:], n] - 1 if n else np.zeros(0, dtype=np.int64)
    converted = conv[ends]
    return Segments(
        order=order,
        customer=cust,
        customer_ids=np.asarray(cust_ids, dtype=object),
        time=ts,
        path=path,
        in_window=_in_window(ts, path, ts[ends], converted, window_days),
        ends=ends,
        converted=converted,
        revenue=np.where(converted, revenue[ends], 0.0),
    )


def _in_window(
    ts: np.ndarray,
    path: np.ndarray,
    conversion_time: np.ndarray,
    converted: np.ndarray,
    window_days: float,
) -> np.ndarray:
    """Mask of touches within their conversion's lookback (every non-converting touch)."""
    if window_days <= 0:
        return np.ones(len(ts), dtype=bool)
    limit = conversion_time[path] - round(window_days * US_PER_DAY)
    return (ts >= limit) | ~converted[path]
