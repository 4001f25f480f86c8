"""The prepared-events relation every engine query reads: its columns and types.

Prepared events are accepted events with the grouping rules, team table and phases applied.
Every query in `journey.query.engine` reads a relation (view or table) with at least these
columns, so no query has to ask which optional columns exist:

| column | type | meaning |
|---|---|---|
| customer_id | VARCHAR | who |
| timestamp | TIMESTAMP | naive UTC (tz-aware input is converted) |
| row | BIGINT | 1-based input row: the tie-break of the path order |
| channel, touchpoint | VARCHAR | touchpoint after the grouping rules |
| event_type, campaign, team | VARCHAR | NULL when the data has none |
| conversion | BOOLEAN | never NULL |
| revenue | DOUBLE | NULL when none |
| phase | VARCHAR | one of the Phase values, never NULL |
| phase_explicit | BOOLEAN | the phase came from the data |

Further attribute columns (segment, device, ...) follow as VARCHAR.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from journey.query.engine.runner import Runner
from journey.schema import (
    CAMPAIGN,
    CHANNEL,
    CONVERSION,
    CUSTOMER_ID,
    EVENT_TYPE,
    PHASE,
    PHASE_EXPLICIT,
    REVENUE,
    ROW,
    TEAM,
    TIMESTAMP,
    TOUCHPOINT,
)

TEXT_COLUMNS: Final = (CUSTOMER_ID, CHANNEL, TOUCHPOINT, EVENT_TYPE, CAMPAIGN, TEAM, PHASE)
PREPARED_COLUMNS: Final = (
    CUSTOMER_ID,
    TIMESTAMP,
    ROW,
    CHANNEL,
    TOUCHPOINT,
    EVENT_TYPE,
    CAMPAIGN,
    TEAM,
    CONVERSION,
    REVENUE,
    PHASE,
    PHASE_EXPLICIT,
)


def conform_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Bring a pandas frame of prepared events into the relation's columns and types."""
    n = len(frame)
    out: dict[str, pd.Series] = {}
    for column in PREPARED_COLUMNS:
        missing = pd.Series([None] * n, index=frame.index)
        values = frame[column] if column in frame.columns else missing
        if column == TIMESTAMP:
            stamps = pd.to_datetime(values, utc=True)
            out[column] = stamps.dt.tz_localize(None).astype("datetime64[us]")
        elif column == ROW:
            out[column] = (
                values.astype("int64")
                if column in frame.columns
                else pd.Series(range(1, n + 1), index=frame.index, dtype="int64")
            )
        elif column in (CONVERSION, PHASE_EXPLICIT):
            out[column] = values.fillna(False).astype(bool)
        elif column == REVENUE:
            out[column] = pd.to_numeric(values, errors="raise").astype("float64")
        else:
            out[column] = values.astype("str").where(values.notna(), None).astype(object)
    extra = [c for c in frame.columns if c not in PREPARED_COLUMNS]
    for column in extra:
        values = frame[column]
        out[column] = values.astype("str").where(values.notna(), None).astype(object)
    return pd.DataFrame(out).reset_index(drop=True)


def register_prepared_frame(runner: Runner, name: str, frame: pd.DataFrame) -> None:
    """Expose a pandas frame of prepared events (e.g. `scope.prepare_events`'s) as `name`."""
    runner.register_frame(name, conform_frame(frame))
