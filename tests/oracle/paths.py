"""Customer paths in pandas: path order, node codes, the collapsed path every flow reads.

The building blocks of the pandas oracles (`tests/oracle`) the engine is tested against.

Semantics (DESIGN.md, "Semantics every engine shares"):

- A customer's path is their events ordered by timestamp; ties keep the file order
  (stable sort on customer_id, timestamp, row).
- Nodes are the values of one column (`level`: channel, touchpoint or phase; funnels also
  event_type). In flows, consecutive repeats (A A B) collapse to A B unless `keep_repeats`.
- A customer "converted" when any of their events has `conversion` true.

Everything is vectorised over numpy arrays in path order: customers are factorised once,
`np.lexsort` gives the order, and loops run only over steps, stages, rules or path lengths.
The building blocks here (`build_path`, `encode_level`, ...) are shared by the other modules
of the oracle: flows, funnels, stats, teams, phases, profile.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from journey.errors import SettingsError
from journey.query.nodes import label_names
from journey.schema import (
    CHANNEL,
    CONVERSION,
    CUSTOMER_ID,
    MISSING_NODE,
    PHASE,
    ROW,
    TIMESTAMP,
)

# -- ordering ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PathOrder:
    """Events in path order as arrays: `index` are input positions, `customer` codes 0..C-1."""

    index: np.ndarray  # positions (iloc) into the events, in path order
    customer: np.ndarray  # customer code per ordered event; codes follow sorted customer ids
    customers: pd.Index  # customer id by code
    starts: np.ndarray = field(repr=False)  # ordered position of each customer's first event

    @property
    def n_customers(self) -> int:
        """Number of distinct customers."""
        return len(self.customers)

    def timestamps(self, events: pd.DataFrame) -> np.ndarray:
        """Return the timestamps as naive-UTC datetime64 values in path order."""
        if TIMESTAMP not in events.columns:
            return np.zeros(len(self.index), dtype="datetime64[us]")
        return _datetime_values(events[TIMESTAMP])[self.index]


def _datetime_values(series: pd.Series) -> np.ndarray:
    values = series.to_numpy() if not isinstance(series.dtype, pd.DatetimeTZDtype) else None
    if values is None:
        values = series.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()
    if not np.issubdtype(values.dtype, np.datetime64):
        raise SettingsError(f"column '{TIMESTAMP}' must hold timestamps, got {series.dtype}")
    return values


def require_columns(events: pd.DataFrame, *columns: str) -> None:
    """Raise a SettingsError naming the columns the events lack (and the ones they have)."""
    missing = [c for c in columns if c not in events.columns]
    if missing:
        known = ", ".join(map(str, events.columns))
        raise SettingsError(f"events have no column(s) {', '.join(missing)} (columns: {known})")


def path_order(events: pd.DataFrame) -> PathOrder:
    """Compute the path order: customer_id, then timestamp, then row (ties keep file order)."""
    require_columns(events, CUSTOMER_ID)
    codes, customers = pd.factorize(events[CUSTOMER_ID], sort=True)
    if (codes < 0).any():
        raise SettingsError(f"column '{CUSTOMER_ID}' has missing values")
    keys: list[np.ndarray] = []
    if ROW in events.columns:
        keys.append(events[ROW].to_numpy(dtype=np.int64))
    if TIMESTAMP in events.columns:
        keys.append(_datetime_values(events[TIMESTAMP]).view(np.int64))
    keys.append(codes)
    index = np.lexsort(keys) if len(events) else np.zeros(0, dtype=np.int64)  # stable
    customer = codes[index].astype(np.int64)
    starts = np.flatnonzero(np.r_[True, customer[1:] != customer[:-1]]) if len(index) else index
    return PathOrder(index=index, customer=customer, customers=customers, starts=starts)


def order_events(events: pd.DataFrame) -> pd.DataFrame:
    """Return events in path order (customer_id, timestamp, row; stable), index reset."""
    return events.iloc[path_order(events).index].reset_index(drop=True)


# -- conversions ---------------------------------------------------------------------------


def flag_conversions(events: pd.DataFrame, order: PathOrder) -> np.ndarray:
    """Conversion flag per event in path order (all False without a conversion column)."""
    if CONVERSION not in events.columns:
        return np.zeros(len(order.index), dtype=bool)
    return events[CONVERSION].fillna(False).to_numpy(dtype=bool)[order.index]


def flag_converters(events: pd.DataFrame, order: PathOrder) -> np.ndarray:
    """Converted flag per customer code (any conversion event)."""
    conversion = flag_conversions(events, order)
    return np.bincount(order.customer, weights=conversion, minlength=order.n_customers) > 0


def find_last_conversions(events: pd.DataFrame, order: PathOrder) -> np.ndarray:
    """Ordered position of each customer's last conversion event (-1: none)."""
    last = np.full(order.n_customers, -1, dtype=np.int64)
    where = np.flatnonzero(flag_conversions(events, order))
    np.maximum.at(last, order.customer[where], where)
    return last


# -- nodes and paths -----------------------------------------------------------------------


def encode_level(
    events: pd.DataFrame, level: str, order: PathOrder
) -> tuple[np.ndarray, np.ndarray]:
    """Node codes in path order and node names by code (sorted by name).

    Missing values are named "(missing)"; a data value equal to a generated name is labelled
    with the level (`journey.query.nodes`), so it never merges with a generated node.
    """
    require_columns(events, level)
    values = events[level]
    codes, raw = pd.factorize(values, sort=True)  # missing: -1
    names = label_names(np.asarray(raw.astype("str"), dtype=object), level)
    if (codes < 0).any():
        if level == PHASE:
            raise SettingsError("some events have no phase: assign phases before using level phase")
        names = np.append(names, MISSING_NODE).astype(object)
        codes = np.where(codes < 0, len(names) - 1, codes)
    by_name = np.argsort(names.astype(str), kind="stable")
    rank = np.empty(len(names), dtype=np.int64)
    rank[by_name] = np.arange(len(names))
    return rank[codes[order.index]], names[by_name]


def _run_starts(customer: np.ndarray, node: np.ndarray) -> np.ndarray:
    """True where an event starts a new node run (first of its customer, or a new node)."""
    if not len(node):
        return np.zeros(0, dtype=bool)
    return np.r_[True, (customer[1:] != customer[:-1]) | (node[1:] != node[:-1])]


@dataclass(frozen=True)
class NodePath:
    """Kept events (after collapsing, unless repeats are kept) as arrays in path order."""

    order: PathOrder
    kept: np.ndarray  # ordered positions of kept events
    customer: np.ndarray  # customer code per kept event
    node: np.ndarray  # node code per kept event
    position: np.ndarray  # 1-based position in the customer's path
    names: np.ndarray  # node name by code
    converted: np.ndarray  # per customer code
    volume: np.ndarray  # per node code: events after collapsing repeats (the folding volume)

    @property
    def lengths(self) -> np.ndarray:
        """Path length per customer code."""
        return np.bincount(self.customer, minlength=self.order.n_customers)

    @property
    def last(self) -> np.ndarray:
        """True at each customer's last kept event."""
        if not len(self.customer):
            return np.zeros(0, dtype=bool)
        return np.r_[self.customer[1:] != self.customer[:-1], True]


def _positions(customer: np.ndarray) -> np.ndarray:
    if not len(customer):
        return np.zeros(0, dtype=np.int64)
    idx = np.arange(len(customer))
    first = np.r_[True, customer[1:] != customer[:-1]]
    return idx - np.maximum.accumulate(np.where(first, idx, 0)) + 1


def build_path(
    events: pd.DataFrame, level: str, keep_repeats: bool, order: PathOrder | None = None
) -> NodePath:
    """Build every customer's path at `level`, repeats collapsed unless `keep_repeats`."""
    order = order if order is not None else path_order(events)
    node_all, names = encode_level(events, level, order)
    runs = _run_starts(order.customer, node_all)
    volume = np.bincount(node_all[runs], minlength=len(names))
    kept = np.arange(len(node_all)) if keep_repeats else np.flatnonzero(runs)
    customer = order.customer[kept]
    return NodePath(
        order=order,
        kept=kept,
        customer=customer,
        node=node_all[kept],
        position=_positions(customer),
        names=names,
        converted=flag_converters(events, order),
        volume=volume,
    )


def node_paths(
    events: pd.DataFrame, level: str = CHANNEL, keep_repeats: bool = False
) -> pd.DataFrame:
    """Return each kept event of each path: customer_id, position, node, timestamp, converted.

    Positions are 1-based after collapsing repeats (unless `keep_repeats`); a collapsed run
    keeps the timestamp of its first event. Sorted by customer_id, position.
    """
    path = build_path(events, level, keep_repeats)
    order = path.order
    ts = order.timestamps(events)[path.kept]
    return pd.DataFrame(
        {
            CUSTOMER_ID: order.customers.take(path.customer),
            "position": path.position.astype(np.int64),
            "node": pd.array(path.names[path.node], dtype="str"),
            TIMESTAMP: _timestamp_series(events, ts),
            "converted": path.converted[path.customer],
        }
    )


def _timestamp_series(events: pd.DataFrame, values: np.ndarray) -> pd.Series:
    series = pd.Series(values)
    if TIMESTAMP in events.columns and isinstance(events[TIMESTAMP].dtype, pd.DatetimeTZDtype):
        series = series.dt.tz_localize("UTC").dt.tz_convert(events[TIMESTAMP].dt.tz)
    return series


def empty_frame(columns: list[str], dtypes: list[str]) -> pd.DataFrame:
    """An empty result frame with the given columns and dtypes."""
    return pd.DataFrame({c: pd.Series(dtype=d) for c, d in zip(columns, dtypes, strict=True)})
