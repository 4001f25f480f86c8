"""Global filters over a pandas frame of events: the oracle of `journey.query.engine.filters`."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from journey.query.filters import MAX_ATTRIBUTE_VALUES, NOT_ATTRIBUTES, Filters
from journey.schema import CHANNEL, EVENT_COLUMNS, TEAM, TIMESTAMP


def attribute_columns(events: pd.DataFrame) -> list[str]:
    """Return the categorical columns offered as filters (few distinct values), by name."""
    candidates = [c for c in events.columns if c not in NOT_ATTRIBUTES]
    out = []
    for column in candidates:
        n_values = events[column].nunique(dropna=True)
        if 1 < n_values <= MAX_ATTRIBUTE_VALUES:
            out.append(column)
    # canonical columns first, in contract order, then the others by name
    order = {name: i for i, name in enumerate(EVENT_COLUMNS)}
    return sorted(out, key=lambda c: (order.get(c, len(order)), c))


def event_mask(events: pd.DataFrame, filters: Filters) -> pd.Series:
    """Return a boolean mask of the events the filters keep."""
    mask = pd.Series(True, index=events.index)
    if filters.start is not None:
        mask &= events[TIMESTAMP] >= pd.Timestamp(filters.start, tz="UTC")
    if filters.end is not None:
        mask &= events[TIMESTAMP] < pd.Timestamp(filters.end + timedelta(days=1), tz="UTC")
    if filters.channels:
        mask &= events[CHANNEL].isin(list(filters.channels))
    if filters.teams and TEAM in events.columns:
        mask &= events[TEAM].isin(list(filters.teams))
    for column, values in filters.attributes.items():
        if values and column in events.columns:
            mask &= events[column].isin(list(values))
    return mask.fillna(False).astype(bool)


def apply_filters(events: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """Return the events the filters keep (a new frame; the input is not changed)."""
    if filters.is_empty():
        return events
    return events.loc[event_mask(events, filters)].reset_index(drop=True)


def values_of(events: pd.DataFrame, column: str) -> list[str]:
    """Sorted distinct non-missing values of a column, as strings."""
    if column not in events.columns:
        return []
    return sorted(str(v) for v in events[column].dropna().unique())
