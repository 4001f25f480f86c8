"""Channel metrics by date range and the contact list in pandas: the oracle of the engine's.

The reference of `journey.query.engine.metrics`. First- and last-touch sales are counted on
the conversion paths of `journey.query.segments` (the same paths attribution credits), dated
by the conversion.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from journey.errors import SettingsError
from journey.query.metrics import GRANULARITIES, METRIC_COLUMNS
from journey.query.segments import (
    DEFAULT_WINDOW_DAYS,
    NOT_SET,
    US_PER_DAY,
    check_level,
    cut_at_conversions,
    read_bool,
    require_columns,
    timestamp_micros,
)
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

_KEYS = ["period", "channel"]


# -- periods and ranges ----------------------------------------------------------------------


def _period_start(micros: np.ndarray, granularity: str) -> np.ndarray:
    """Return the start (UTC midnight) of each timestamp's day, ISO week (Monday) or month."""
    days = np.floor_divide(micros, US_PER_DAY).astype("datetime64[D]")
    if granularity == "day":
        return days
    if granularity == "week":
        weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
        return days - weekday.astype("timedelta64[D]")
    if granularity == "month":
        return days.astype("datetime64[M]").astype("datetime64[D]")
    raise SettingsError(
        f"granularity must be one of {', '.join(GRANULARITIES)}, got {granularity!r}"
    )


def _periods(micros: np.ndarray, granularity: str, anchor: int) -> np.ndarray:
    """Period start per timestamp; with granularity "all", the day of `anchor` for every one."""
    if granularity == "all":
        return np.full(len(micros), anchor // US_PER_DAY).astype("datetime64[D]")
    return _period_start(micros, granularity)


def _timestamp_micros(value: object) -> int:
    stamp = pd.Timestamp(value)  # type: ignore[arg-type]
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize("UTC")
    naive = stamp.tz_convert("UTC").tz_localize(None).to_datetime64()
    return int(naive.astype("datetime64[us]").astype(np.int64))


def _in_range(micros: np.ndarray, start: object, end: object) -> np.ndarray:
    """Mask of timestamps within [start, end]; an `end` given as a date covers that whole day."""
    mask = np.ones(len(micros), dtype=bool)
    if start is not None:
        mask &= micros >= _timestamp_micros(start)
    if end is not None:
        if isinstance(end, dt.date) and not isinstance(end, dt.datetime):
            mask &= micros < _timestamp_micros(end + dt.timedelta(days=1))
        else:
            mask &= micros <= _timestamp_micros(end)
    return mask


# -- channel metrics -------------------------------------------------------------------------


def _check_metric_settings(
    events: pd.DataFrame,
    granularity: str,
    level: str,
    qualifying: Sequence[str],
    qualifying_column: str,
) -> None:
    require_columns(events, CUSTOMER_ID, TIMESTAMP, CHANNEL)
    check_level(events, level)
    if granularity not in GRANULARITIES:
        raise SettingsError(
            f"granularity must be one of {', '.join(GRANULARITIES)}, got {granularity!r}"
        )
    if qualifying and qualifying_column not in events.columns:
        raise SettingsError(
            f"events have no column '{qualifying_column}' to find qualifying events"
        )


def _touch_frame(
    scoped: pd.DataFrame,
    period: np.ndarray,
    level: str,
    qualifying: Sequence[str],
    qualifying_column: str,
) -> pd.DataFrame:
    """One row per touch in range: period, channel, customer_id, session, no_session, qualified."""
    touches = pd.DataFrame(
        {
            "period": period,
            "channel": scoped[level].fillna(NOT_SET).astype("str").to_numpy(),
            CUSTOMER_ID: scoped[CUSTOMER_ID].to_numpy(),
        }
    )
    if SESSION_ID in scoped.columns:
        session = scoped[SESSION_ID].astype("str")
        missing = scoped[SESSION_ID].isna().to_numpy()
        touches = touches.assign(
            session=np.where(missing, "", session.to_numpy(dtype=object)), no_session=missing
        )
    else:
        touches = touches.assign(session="", no_session=True)
    return touches.assign(
        qualified=scoped[qualifying_column].isin(list(qualifying)).to_numpy(dtype=bool)
        if qualifying
        else False
    )


def _touch_metrics(touches: pd.DataFrame) -> pd.DataFrame:
    """Sessions, contacts and qualified contacts per (period, channel)."""
    grouped = touches.groupby(_KEYS, sort=True)
    with_session = touches[~touches["no_session"]].groupby(_KEYS)["session"].nunique()
    without_session = touches.groupby(_KEYS)["no_session"].sum()
    return pd.DataFrame(
        {
            "sessions": with_session.reindex(without_session.index, fill_value=0) + without_session,
            "contacts": grouped[CUSTOMER_ID].nunique(),
            "qualified": touches[touches["qualified"]].groupby(_KEYS)[CUSTOMER_ID].nunique(),
        }
    )


def _first_last_credit(
    events: pd.DataFrame,
    bounds: tuple[object, object, int],
    granularity: str,
    level: str,
    window_days: float,
) -> pd.DataFrame:
    """Conversions and revenue by first and last touch per (period, channel) of the conversion."""
    require_columns(events, CONVERSION)
    start, end, anchor = bounds
    cut = cut_at_conversions(events, window_days)
    when = cut.conversion_time
    chosen = cut.converted & _in_range(when, start, end)
    # a path's first touch is its first within the window; the converting event is always in it
    inside = np.flatnonzero(cut.in_window)
    first_event = np.full(cut.n_paths, len(cut.path), dtype=np.int64)
    np.minimum.at(first_event, cut.path[inside], inside)
    values = events[level].fillna(NOT_SET).astype("str").to_numpy(dtype=object)[cut.order]
    period = _periods(when[chosen], granularity, anchor)
    revenue = cut.revenue[chosen]
    frames = []
    for name, events_at in (("first", first_event[chosen]), ("last", cut.ends[chosen])):
        part = pd.DataFrame(
            {
                "period": period,
                "channel": values[events_at],
                f"sales_{name}": 1,
                f"revenue_{name}": revenue,
            }
        )
        frames.append(part.groupby(_KEYS).sum())
    return frames[0].join(frames[1], how="outer")


def channel_metrics(
    events: pd.DataFrame,
    start: object = None,
    end: object = None,
    granularity: str = "week",
    level: str = CHANNEL,
    qualifying: Sequence[str] = (),
    qualifying_column: str = EVENT_TYPE,
    window_days: float = DEFAULT_WINDOW_DAYS,
) -> pd.DataFrame:
    """Per period and channel: sessions, contacts, qualified, first/last-touch sales and revenue.

    Per (period, channel) where period is the start of the day / Monday-week / month (UTC) or
    the whole range (`granularity="all"`, period = range start): sessions = distinct session_id
    (rows without one count one each; every touch when there is no session_id column),
    contacts = distinct customers with a touch there, qualified = distinct customers with a
    touch there whose `qualifying_column` is in `qualifying`, sales_first / revenue_first and
    sales_last / revenue_last = conversions and revenue credited by first and last touch (paths
    as in attribution, over all events) for conversions in the range, dated by the conversion.
    `start` and `end` bound the timestamps, both inclusive (naive values read as UTC; an `end`
    given as a `datetime.date` covers that whole day). The first
    output column after `period` is `channel` whatever the level. Sorted by period, channel.
    """
    _check_metric_settings(events, granularity, level, qualifying, qualifying_column)
    micros = timestamp_micros(events[TIMESTAMP])
    in_range = _in_range(micros, start, end)
    if start is not None:
        anchor = _timestamp_micros(start)
    else:
        anchor = int(micros[in_range].min()) if in_range.any() else 0
    period = _periods(micros[in_range], granularity, anchor)
    touches = _touch_frame(events.loc[in_range], period, level, qualifying, qualifying_column)
    credited = _first_last_credit(events, (start, end, anchor), granularity, level, window_days)
    out = _touch_metrics(touches).join(credited, how="outer").fillna(0)
    int_columns = ["sessions", "contacts", "qualified", "sales_first", "sales_last"]
    out = out.astype({c: np.int64 for c in int_columns}).reset_index()
    out["period"] = pd.to_datetime(out["period"]).dt.tz_localize("UTC")
    return out.sort_values(_KEYS, ignore_index=True)[list(METRIC_COLUMNS)]


# -- contact list ----------------------------------------------------------------------------


def _contact_values(ordered: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per ordered touch: whether it converts, and its revenue (0 when absent)."""
    conversions = (
        read_bool(ordered[CONVERSION])
        if CONVERSION in ordered.columns
        else np.zeros(len(ordered), dtype=bool)
    )
    revenue = (
        ordered[REVENUE].fillna(0.0).to_numpy(dtype=np.float64)
        if REVENUE in ordered.columns
        else np.zeros(len(ordered))
    )
    return conversions, revenue


def _contacts_per_value(
    ordered: pd.DataFrame, code: np.ndarray, n: int, level: str
) -> pd.DataFrame:
    """Touches per customer and level value, as columns `contacts_<value>` (sorted)."""
    value_codes, values = pd.factorize(ordered[level].fillna(NOT_SET).astype("str"), sort=True)
    wide = np.zeros((n, len(values)), dtype=np.int64)
    np.add.at(wide, (code, value_codes), 1)
    return pd.DataFrame(wide, columns=[f"contacts_{v}" for v in values])


def contact_list(
    events: pd.DataFrame, start: object = None, end: object = None, level: str = CHANNEL
) -> pd.DataFrame:
    """Per customer: contacts (in total and per channel), first and last contact.

    Columns customer_id, contacts, first_contact, last_contact, last_channel, last_touchpoint,
    conversions, revenue, then `contacts_<value>` per level value (sorted). Only touches within
    [start, end]. Sorted by last_contact descending, then customer_id.
    """
    require_columns(events, CUSTOMER_ID, TIMESTAMP, CHANNEL)
    check_level(events, level)
    micros = timestamp_micros(events[TIMESTAMP])
    mask = _in_range(micros, start, end)
    scoped = events.loc[mask]
    row = scoped[ROW].to_numpy(dtype=np.int64) if ROW in scoped.columns else np.arange(len(scoped))
    cust_codes, cust_ids = pd.factorize(scoped[CUSTOMER_ID], sort=True)
    order = np.lexsort((row, micros[mask], cust_codes))
    ordered = scoped.iloc[order]
    code = cust_codes[order]
    last = np.r_[code[1:] != code[:-1], True] if len(code) else np.zeros(0, dtype=bool)
    first = np.r_[True, code[1:] != code[:-1]] if len(code) else np.zeros(0, dtype=bool)
    conversions, revenue = _contact_values(ordered)
    n = len(cust_ids)
    times = ordered[TIMESTAMP]
    touchpoint = ordered[TOUCHPOINT] if TOUCHPOINT in ordered.columns else ordered[CHANNEL]
    base = pd.DataFrame(
        {
            CUSTOMER_ID: pd.array(np.asarray(cust_ids, dtype=object), dtype="str"),
            "contacts": np.bincount(code, minlength=n).astype(np.int64),
            "first_contact": times.array[first],
            "last_contact": times.array[last],
            "last_channel": pd.array(ordered[CHANNEL][last].to_numpy(dtype=object), dtype="str"),
            "last_touchpoint": pd.array(
                touchpoint[last].astype("str").to_numpy(dtype=object), dtype="str"
            ),
            "conversions": np.bincount(code, conversions, minlength=n).astype(np.int64),
            REVENUE: np.bincount(code, np.where(conversions, revenue, 0.0), minlength=n),
        }
    )
    out = pd.concat([base, _contacts_per_value(ordered, code, n, level)], axis=1)
    return out.sort_values(
        ["last_contact", CUSTOMER_ID], ascending=[False, True], ignore_index=True
    )
