"""One customer, as point queries: the timeline, the single-view profile, the id search.

The same results as `tests.oracle.profile` and `tests.oracle.scope.find_customers` (the
pandas references), read with `WHERE customer_id = <id>` so a page about one customer never
scans more than the engine must (DuckDB skips row groups of a sorted Parquet file or table).
"""

from __future__ import annotations

import pandas as pd

from journey.errors import SettingsError
from journey.query.engine.runner import Runner
from journey.query.engine.sql import ident, lit
from journey.schema import (
    CHANNEL,
    CONVERSION,
    CUSTOMER_ID,
    PHASE,
    PHASE_EXPLICIT,
    REVENUE,
    ROW,
    TIMESTAMP,
    TOUCHPOINT,
)


def find_customers(runner: Runner, events: str, query: str, limit: int) -> list[str]:
    """Up to `limit` customer ids containing `query` (any case), sorted."""
    c = ident(CUSTOMER_ID)
    text = query.strip()
    where = f"WHERE instr(upper({c}), {lit(text.upper())}) > 0" if text else ""
    sql = (
        f"SELECT DISTINCT CAST({c} AS VARCHAR) AS id FROM {ident(events)} {where} "
        f"ORDER BY id LIMIT {max(int(limit), 0)}"
    )
    return [str(v) for v in runner.frame(sql)["id"]]


def _customer_events(runner: Runner, events: str, customer_id: str) -> pd.DataFrame:
    """One customer's events in path order (timestamp, then row), with `position` first."""
    c, ts, row = ident(CUSTOMER_ID), ident(TIMESTAMP), ident(ROW)
    sql = (
        f"SELECT row_number() OVER (ORDER BY {ts}, {row}) AS position, * "
        f"FROM {ident(events)} WHERE {c} = {lit(str(customer_id))} ORDER BY {ts}, {row}"
    )
    mine = runner.frame(sql)
    if mine.empty:
        close = find_customers(runner, events, str(customer_id), 3)
        hint = f" Did you mean {', '.join(repr(i) for i in close)}?" if close else ""
        raise SettingsError(f"no customer {customer_id!r} in the events.{hint}")
    return _typed_events(mine)


def _typed_events(frame: pd.DataFrame) -> pd.DataFrame:
    """Events as the app shows them: UTC timestamps, text as "str", counts as int64."""
    out = {}
    for column in frame.columns:
        values = frame[column]
        if column == TIMESTAMP:
            out[column] = pd.to_datetime(values).dt.tz_localize("UTC").astype("datetime64[us, UTC]")
        elif column in ("position", ROW):
            out[column] = values.astype("int64")
        elif column in (CONVERSION, PHASE_EXPLICIT):
            out[column] = values.astype(bool)
        elif column == REVENUE:
            out[column] = values.astype("float64")
        else:
            out[column] = values.astype(object).where(values.notna(), None).astype("str")
    return pd.DataFrame(out)


def customer_timeline(runner: Runner, events: str, customer_id: str) -> pd.DataFrame:
    """Every event of one customer in path order: `position` (1-based), then its columns."""
    return _customer_events(runner, events, customer_id)


def _last_contacts(mine: pd.DataFrame) -> pd.DataFrame:
    """Each channel's latest event of one customer's ordered events, latest first."""
    last = mine.drop_duplicates(CHANNEL, keep="last")
    touchpoint = last[TOUCHPOINT] if TOUCHPOINT in last.columns else last[CHANNEL]
    contacts = pd.DataFrame(
        {
            CHANNEL: last[CHANNEL].astype("str").to_numpy(),
            "last_contact": last[TIMESTAMP].to_numpy(),
            TOUCHPOINT: touchpoint.astype("str").to_numpy(),
            "_position": last["position"].to_numpy(),
        }
    ).sort_values(["last_contact", "_position", CHANNEL], ascending=[False, False, True])
    return contacts.drop(columns="_position").reset_index(drop=True)


def customer_profile(runner: Runner, events: str, customer_id: str) -> dict[str, object]:
    """The single view of one customer, as `profile.customer_profile` gives it.

    customer_id, first_seen, last_seen, n_events, conversions, lifetime_revenue, channels,
    current_phase (phase of the last event) and last_contact (each channel's latest event:
    channel, last_contact, touchpoint; latest first). One customer's events are few: they
    are read once and summarised in pandas.
    """
    mine = _customer_events(runner, events, customer_id)
    phase = mine[PHASE].iloc[-1] if PHASE in mine.columns else None
    return {
        CUSTOMER_ID: str(customer_id),
        "first_seen": mine[TIMESTAMP].iloc[0],
        "last_seen": mine[TIMESTAMP].iloc[-1],
        "n_events": len(mine),
        "conversions": int(mine[CONVERSION].sum()),
        "lifetime_revenue": float(mine[REVENUE].sum()),
        "channels": int(mine[CHANNEL].nunique()),
        "current_phase": None if phase is None or pd.isna(phase) else str(phase),
        "last_contact": _last_contacts(mine),
    }
