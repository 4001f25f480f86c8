"""Customer paths: ordering, transitions, step flows, top paths, funnels, drop-off, team views.

Semantics (DESIGN.md, "Semantics every engine shares"):

- A customer's path is their events ordered by timestamp; ties keep the file order
  (stable sort on customer_id, timestamp, row).
- Nodes are the values of one column (`level`: channel, touchpoint or phase; funnels also
  event_type). In flows, consecutive repeats (A A B) collapse to A B unless `keep_repeats`.
- A customer "converted" when any of their events has `conversion` true.
- Folding keeps the top K nodes by volume (events at that level after collapsing repeats,
  ties by name) and renames the rest "Other" *after* the path is built: folding never moves
  a position, so every figure keeps its total (a folded A -> B can show as Other -> Other).

Everything is vectorised over numpy arrays in path order: customers are factorised once,
`np.lexsort` gives the order, and loops run only over steps, stages, rules or path lengths.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from journey.errors import SettingsError
from journey.schema import (
    CHANNEL,
    CONVERSION,
    CONVERTED,
    CUSTOMER_ID,
    NO_CONVERSION,
    OTHER,
    PHASE,
    ROW,
    START,
    TIMESTAMP,
    Phase,
)

PATH_SEPARATOR = " > "
NO_FURTHER_EVENTS = "(no further events)"
MISSING_NODE = "(missing)"
_PHASE_NAMES = [p.value for p in Phase]
_DAY = np.timedelta64(1, "D")


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


def _require(events: pd.DataFrame, *columns: str) -> None:
    missing = [c for c in columns if c not in events.columns]
    if missing:
        known = ", ".join(map(str, events.columns))
        raise SettingsError(f"events have no column(s) {', '.join(missing)} (columns: {known})")


def path_order(events: pd.DataFrame) -> PathOrder:
    """Compute the path order: customer_id, then timestamp, then row (ties keep file order)."""
    _require(events, CUSTOMER_ID)
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


# -- nodes and paths -----------------------------------------------------------------------


def _level_codes(
    events: pd.DataFrame, level: str, order: PathOrder
) -> tuple[np.ndarray, np.ndarray]:
    """Node codes in path order and node names by code (sorted); missing values are named."""
    _require(events, level)
    values = events[level]
    if values.isna().any():
        if level == PHASE:
            raise SettingsError("some events have no phase: assign phases before using level phase")
        values = values.astype("object").where(values.notna(), MISSING_NODE)
    codes, names = pd.factorize(values, sort=True)
    return codes[order.index].astype(np.int64), np.asarray(names.astype("str"), dtype=object)


def _run_starts(customer: np.ndarray, node: np.ndarray) -> np.ndarray:
    """True where an event starts a new node run (first of its customer, or a new node)."""
    if not len(node):
        return np.zeros(0, dtype=bool)
    return np.r_[True, (customer[1:] != customer[:-1]) | (node[1:] != node[:-1])]


def _converted(events: pd.DataFrame, order: PathOrder) -> np.ndarray:
    """Converted flag per customer code (any conversion event)."""
    if CONVERSION not in events.columns:
        return np.zeros(order.n_customers, dtype=bool)
    conversion = events[CONVERSION].fillna(False).to_numpy(dtype=bool)[order.index]
    return np.bincount(order.customer, weights=conversion, minlength=order.n_customers) > 0


@dataclass(frozen=True)
class _Path:
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


def _positions(customer: np.ndarray) -> np.ndarray:
    if not len(customer):
        return np.zeros(0, dtype=np.int64)
    idx = np.arange(len(customer))
    first = np.r_[True, customer[1:] != customer[:-1]]
    return idx - np.maximum.accumulate(np.where(first, idx, 0)) + 1


def _build_path(
    events: pd.DataFrame, level: str, keep_repeats: bool, order: PathOrder | None = None
) -> _Path:
    order = order if order is not None else path_order(events)
    node_all, names = _level_codes(events, level, order)
    runs = _run_starts(order.customer, node_all)
    volume = np.bincount(node_all[runs], minlength=len(names))
    kept = np.arange(len(node_all)) if keep_repeats else np.flatnonzero(runs)
    customer = order.customer[kept]
    return _Path(
        order=order,
        kept=kept,
        customer=customer,
        node=node_all[kept],
        position=_positions(customer),
        names=names,
        converted=_converted(events, order),
        volume=volume,
    )


def node_paths(
    events: pd.DataFrame, level: str = CHANNEL, keep_repeats: bool = False
) -> pd.DataFrame:
    """Return each kept event of each path: customer_id, position, node, timestamp, converted.

    Positions are 1-based after collapsing repeats (unless `keep_repeats`); a collapsed run
    keeps the timestamp of its first event. Sorted by customer_id, position.
    """
    path = _build_path(events, level, keep_repeats)
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


# -- counting pairs ------------------------------------------------------------------------


def _count_pairs(
    source: np.ndarray, target: np.ndarray, customer: np.ndarray, names: np.ndarray
) -> pd.DataFrame:
    """Count (source, target) code pairs: count and distinct customers, sorted by the contract."""
    width = len(names)
    key = source.astype(np.int64) * width + target
    codes, uniques = pd.factorize(key)
    n_pairs = len(uniques)
    count = np.bincount(codes, minlength=n_pairs)
    pair_customer = pd.unique(customer.astype(np.int64) * max(n_pairs, 1) + codes)
    customers = np.bincount(pair_customer % max(n_pairs, 1), minlength=n_pairs)
    frame = pd.DataFrame(
        {
            "source": pd.array(names[uniques // width], dtype="str"),
            "target": pd.array(names[uniques % width], dtype="str"),
            "count": count.astype(np.int64),
            "customers": customers.astype(np.int64),
        }
    )
    return frame.sort_values(
        ["count", "source", "target"], ascending=[False, True, True], ignore_index=True
    )


def _transition_arrays(path: _Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    same = path.customer[1:] == path.customer[:-1]
    return path.node[:-1][same], path.node[1:][same], path.customer[:-1][same]


@dataclass(frozen=True)
class FoldResult:
    """How nodes were folded: node -> kept name or "Other", how many and how much volume."""

    mapping: dict[str, str]
    n_folded: int
    folded_volume: int  # events at the level, after collapsing repeats, of the folded nodes
    kept: list[str]


def _fold(
    names: np.ndarray, volume: np.ndarray, top_k: int
) -> tuple[np.ndarray, np.ndarray, FoldResult]:
    """Return (code map old -> new, new names, FoldResult); "Other" is the last new code."""
    if top_k < 0:
        raise SettingsError(f"top-K must be 0 (keep all) or more, got {top_k}")
    ranked = sorted(range(len(names)), key=lambda i: (-int(volume[i]), str(names[i])))  # nodes
    keep_codes = ranked if top_k == 0 else ranked[:top_k]
    keep_set = set(keep_codes)
    kept = [str(names[i]) for i in keep_codes]
    folded = [i for i in range(len(names)) if i not in keep_set]
    if not folded:
        result = FoldResult({str(n): str(n) for n in names}, 0, 0, kept)
        return np.arange(len(names)), names, result
    kept_sorted = sorted(keep_codes, key=lambda i: str(names[i]))
    new_names = [str(names[i]) for i in kept_sorted]
    if OTHER in new_names:  # a real node called "Other" merges with the folded ones
        other = new_names.index(OTHER)
    else:
        new_names.append(OTHER)
        other = len(new_names) - 1
    code_map = np.full(len(names), other, dtype=np.int64)
    code_map[kept_sorted] = np.arange(len(kept_sorted))
    mapping = {str(names[i]): new_names[code_map[i]] for i in range(len(names))}
    result = FoldResult(mapping, len(folded), int(volume[folded].sum()), kept)
    return code_map, np.asarray(new_names, dtype=object), result


def fold_nodes(events: pd.DataFrame, level: str = CHANNEL, top_k: int = 0) -> FoldResult:
    """Keep the top K nodes by volume (collapsed events, ties by name), fold the rest to Other."""
    path = _build_path(events, level, keep_repeats=False)
    return _fold(path.names, path.volume, top_k)[2]


def count_transitions(
    events: pd.DataFrame,
    level: str = CHANNEL,
    keep_repeats: bool = False,
    end_nodes: bool = False,
    top_k: int = 0,
) -> pd.DataFrame:
    """Count direct A -> B transitions within each customer's path.

    Args:
        events: Events with customer_id, timestamp, row, `level` (and conversion for end nodes).
        level: Node column: channel, touchpoint or phase.
        keep_repeats: Keep consecutive repeats (A A B gives A->A and A->B).
        end_nodes: Add Start -> first node and last node -> Converted / No conversion rows
            (Converted when the customer has any conversion).
        top_k: Fold nodes beyond the top K by volume into Other (0 keeps all).

    Returns:
        Columns source, target, count, customers; by count descending, then source, target.
    """
    path = _build_path(events, level, keep_repeats)
    code_map, names, _ = _fold(path.names, path.volume, top_k)
    source, target, customer = _transition_arrays(path)
    source, target = code_map[source], code_map[target]
    if end_nodes and len(path.customer):
        start_code, conv_code, none_code = len(names), len(names) + 1, len(names) + 2
        names = np.append(names, [START, CONVERTED, NO_CONVERSION]).astype(object)
        first = path.position == 1
        last = np.r_[path.customer[1:] != path.customer[:-1], True]
        last_customer = path.customer[last]
        end = np.where(path.converted[last_customer], conv_code, none_code)
        source = np.concatenate(
            [source, np.full(first.sum(), start_code), code_map[path.node[last]]]
        )
        target = np.concatenate([target, code_map[path.node[first]], end])
        customer = np.concatenate([customer, path.customer[first], last_customer])
    return _count_pairs(source, target, customer, names)


# -- step flows ----------------------------------------------------------------------------


def _step_matrix(path: _Path, steps: int, code_map: np.ndarray, n_names: int) -> np.ndarray:
    """Node code per customer (rows) and position 1..steps (columns), end nodes after the end."""
    n_customers = path.order.n_customers
    end = np.where(path.converted, n_names, n_names + 1)
    matrix = np.repeat(end[:, None], steps, axis=1)
    inside = path.position <= steps
    matrix[path.customer[inside], path.position[inside] - 1] = code_map[path.node[inside]]
    return matrix.reshape(n_customers, steps)


def step_flows_with_fold(
    events: pd.DataFrame,
    level: str = CHANNEL,
    steps: int = 5,
    keep_repeats: bool = False,
    top_k: int = 0,
) -> tuple[pd.DataFrame, FoldResult]:
    """Step flows (see `step_flows`) and how nodes were folded."""
    if steps < 2:
        raise SettingsError(f"step flows need at least 2 steps, got {steps}")
    path = _build_path(events, level, keep_repeats)
    code_map, names, fold = _fold(path.names, path.volume, top_k)
    all_names = np.append(names, [CONVERTED, NO_CONVERSION]).astype(object)
    width = len(all_names)
    matrix = _step_matrix(path, steps, code_map, len(names))
    frames = []
    for step in range(1, steps):  # a loop over steps, vectorised over customers
        key = matrix[:, step - 1] * width + matrix[:, step]
        uniques, count = np.unique(key, return_counts=True)
        frames.append(
            pd.DataFrame(
                {
                    "step": np.full(len(uniques), step, dtype=np.int64),
                    "source": pd.array(all_names[uniques // width], dtype="str"),
                    "target": pd.array(all_names[uniques % width], dtype="str"),
                    "count": count.astype(np.int64),
                }
            )
        )
    flows = pd.concat(frames, ignore_index=True)
    flows = flows.sort_values(
        ["step", "count", "source", "target"],
        ascending=[True, False, True, True],
        ignore_index=True,
    )
    return flows, fold


def step_flows(
    events: pd.DataFrame,
    level: str = CHANNEL,
    steps: int = 5,
    keep_repeats: bool = False,
    top_k: int = 0,
) -> pd.DataFrame:
    """Flows from position k to k+1 for k = 1..steps-1, ended paths in their end node.

    A path ending at position k < steps flows into Converted (the customer has any conversion)
    or No conversion and stays there (end -> same end at later steps), so every step sums to
    the number of customers. Folded nodes are named Other.

    Returns:
        Columns step, source, target, count; by step, count descending, source, target.
    """
    return step_flows_with_fold(events, level, steps, keep_repeats, top_k)[0]


# -- top paths -----------------------------------------------------------------------------


def _path_ids(path: _Path) -> tuple[np.ndarray, list[tuple[int, np.ndarray]]]:
    """Give identical paths one id; returns id per customer and (first id, unique rows) by length.

    Customers are bucketed by path length; within a bucket the paths form a matrix whose
    identical rows `np.unique(axis=0)` finds, so the loop runs over distinct lengths only.
    """
    lengths = path.lengths
    starts = np.r_[0, np.cumsum(lengths)[:-1]]
    path_id = np.full(len(lengths), -1, dtype=np.int64)
    buckets: list[tuple[int, np.ndarray]] = []
    next_id = 0
    for length in np.unique(lengths[lengths > 0]):
        members = np.flatnonzero(lengths == length)
        cells = starts[members][:, None] + np.arange(length)[None, :]
        rows, inverse = np.unique(path.node[cells], axis=0, return_inverse=True)
        path_id[members] = next_id + inverse.reshape(-1)
        buckets.append((next_id, rows))
        next_id += len(rows)
    return path_id, buckets


def _path_strings(
    ids: np.ndarray, buckets: list[tuple[int, np.ndarray]], names: np.ndarray
) -> dict[int, str]:
    """Names of the given path ids, joined column by column (vectorised over paths)."""
    wanted = np.asarray(ids)
    out: dict[int, str] = {}
    for first_id, rows in buckets:
        local = wanted[(wanted >= first_id) & (wanted < first_id + len(rows))] - first_id
        if not len(local):
            continue
        text = names[rows[local, 0]].astype(object)
        for column in range(1, rows.shape[1]):
            text = text + PATH_SEPARATOR + names[rows[local, column]]
        out.update(zip((local + first_id).tolist(), text.tolist(), strict=True))
    return out


def top_paths(
    events: pd.DataFrame, level: str = CHANNEL, keep_repeats: bool = False, n: int = 20
) -> pd.DataFrame:
    """The most frequent complete paths (after collapsing repeats unless `keep_repeats`).

    Returns:
        Columns path (" > "-joined), length (nodes), customers, share (of all customers),
        conversion_rate (share of the path's customers with any conversion),
        median_duration_days (median of last - first event time of those customers, all their
        events counted); by customers descending, then path. `n` = 0 returns every path.
    """
    path = _build_path(events, level, keep_repeats)
    order = path.order
    n_customers = order.n_customers
    columns = ["path", "length", "customers", "share", "conversion_rate", "median_duration_days"]
    if n_customers == 0:
        return _empty(columns, ["str", "int64", "int64", "float64", "float64", "float64"])
    path_id, buckets = _path_ids(path)
    counts = np.bincount(path_id)
    if 0 < n < len(counts):
        threshold = np.sort(counts)[::-1][n - 1]
        candidates = np.flatnonzero(counts >= threshold)
    else:
        candidates = np.arange(len(counts))
    strings = _path_strings(candidates, buckets, path.names)
    chosen = pd.DataFrame(
        {
            "id": candidates,
            "path": [strings[i] for i in candidates.tolist()],
            "customers": counts[candidates],
        }
    ).sort_values(["customers", "path"], ascending=[False, True], ignore_index=True)
    if n > 0:
        chosen = chosen.head(n)
    ts = order.timestamps(events)
    ends = np.r_[order.starts[1:], len(ts)] - 1
    duration = (ts[ends] - ts[order.starts]) / _DAY
    member = np.isin(path_id, chosen["id"].to_numpy())
    per_path = pd.DataFrame(
        {"id": path_id[member], "days": duration[member], "conv": path.converted[member]}
    ).groupby("id")
    ids = chosen["id"]
    lengths = np.bincount(path.customer, minlength=n_customers)
    length_of = pd.Series(lengths, index=path_id).groupby(level=0).first()
    return pd.DataFrame(
        {
            "path": pd.array(chosen["path"], dtype="str"),
            "length": length_of.reindex(ids).to_numpy(dtype=np.int64),
            "customers": chosen["customers"].to_numpy(dtype=np.int64),
            "share": chosen["customers"].to_numpy(dtype=np.float64) / n_customers,
            "conversion_rate": per_path["conv"].mean().reindex(ids).to_numpy(dtype=np.float64),
            "median_duration_days": per_path["days"]
            .median()
            .reindex(ids)
            .to_numpy(dtype=np.float64),
        }
    )


def _empty(columns: list[str], dtypes: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=d) for c, d in zip(columns, dtypes, strict=True)})
