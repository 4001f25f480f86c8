"""Global filters (date range, channels, teams, attributes): the choice, its description.

The filters are applied to the events on the engine (`journey.query.engine.filters`; pandas
reference: `tests/oracle/filters.py`); transcripts, few, are filtered here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

import pandas as pd

from journey.schema import (
    CHANNEL,
    CUSTOMER_ID,
    ROW,
    TEAM,
    TIMESTAMP,
)

# Columns that are never offered as categorical attribute filters.
NOT_ATTRIBUTES = frozenset(
    {
        CUSTOMER_ID,
        TIMESTAMP,
        ROW,
        "revenue",
        "conversion",
        "session_id",
        CHANNEL,
        TEAM,
        "phase_explicit",
    }
)
MAX_ATTRIBUTE_VALUES = 200


@dataclass(frozen=True)
class Filters:
    """The user's global filters; empty selections mean 'everything'."""

    start: date | None = None
    end: date | None = None  # inclusive
    channels: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    attributes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def is_empty(self) -> bool:
        """True when no filter narrows the data."""
        return (
            self.start is None
            and self.end is None
            and not self.channels
            and not self.teams
            and not any(self.attributes.values())
        )

    def signature(self) -> str:
        """A short stable digest of the filter values, for cache keys."""
        payload = json.dumps(asdict(self), sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]


def filter_transcripts(
    transcripts: pd.DataFrame, events: pd.DataFrame, filters: Filters
) -> pd.DataFrame:
    """Keep transcripts of customers left in `events`, within the date range when given."""
    keep = transcripts[CUSTOMER_ID].isin(events[CUSTOMER_ID].unique())
    if TIMESTAMP in transcripts.columns:
        stamps = transcripts[TIMESTAMP]
        if filters.start is not None:
            keep &= stamps.isna() | (stamps >= pd.Timestamp(filters.start, tz="UTC"))
        if filters.end is not None:
            end = pd.Timestamp(filters.end + timedelta(days=1), tz="UTC")
            keep &= stamps.isna() | (stamps < end)
    return transcripts.loc[keep.fillna(False).astype(bool)].reset_index(drop=True)


def describe(
    filters: Filters, words: tuple[str, str, str] = ("to", "channels", "teams")
) -> list[str]:
    """Plain-language description of the active filters, one item per filter.

    `words` are "to" (between the dates), "channels" and "teams" in the reader's language.
    """
    to, channels, teams = words
    parts = []
    if filters.start is not None or filters.end is not None:
        parts.append(f"{filters.start or '…'} {to} {filters.end or '…'}")
    if filters.channels:
        parts.append(f"{channels}: " + ", ".join(filters.channels))
    if filters.teams:
        parts.append(f"{teams}: " + ", ".join(filters.teams))
    for column, values in filters.attributes.items():
        if values:
            parts.append(f"{column}: " + ", ".join(values))
    return parts
