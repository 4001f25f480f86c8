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

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import get_close_matches

import numpy as np
import pandas as pd

from journey.errors import SettingsError
from journey.schema import (
    CHANNEL,
    CONVERSION,
    CONVERTED,
    CUSTOMER_ID,
    MISSING_NODE,
    NO_CONVERSION,
    NO_FURTHER_EVENTS,
    OTHER,
    OTHER_TEAMS,
    PATH_SEPARATOR,
    PHASE,
    REVENUE,
    ROW,
    START,
    TEAM,
    TIMESTAMP,
    TOUCHPOINT,
    GroupingRule,
    Phase,
)

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


# -- grouping rules ------------------------------------------------------------------------


def _rule_matches(values: pd.Series, rule: GroupingRule) -> np.ndarray:
    """Which distinct touchpoints a rule catches; an unusable rule is a SettingsError."""
    if not str(rule.pattern).strip():
        raise SettingsError(
            "grouping rule with an empty pattern: give text or a regular expression"
        )
    if not str(rule.group).strip():
        raise SettingsError(f"grouping rule {rule.pattern!r} has no group name")
    if rule.regex:
        try:
            compiled = re.compile(rule.pattern)
        except re.error as err:
            raise SettingsError(
                f"grouping rule {rule.pattern!r}: invalid regular expression ({err})"
            ) from err
        return values.str.contains(compiled, regex=True).to_numpy(dtype=bool, na_value=False)
    needle = str(rule.pattern).lower()
    return values.str.lower().str.contains(needle, regex=False).to_numpy(dtype=bool, na_value=False)


def _first_rule(values: pd.Series, rules: Sequence[GroupingRule]) -> np.ndarray:
    """Index of the first rule catching each distinct value, -1 when none does."""
    first = np.full(len(values), -1, dtype=np.int64)
    for i, rule in enumerate(rules):  # a loop over rules, vectorised over distinct touchpoints
        first[(first < 0) & _rule_matches(values, rule)] = i
    return first


def apply_grouping(events: pd.DataFrame, rules: Sequence[GroupingRule]) -> pd.DataFrame:
    """Rename each touchpoint to the group of the first rule that catches it.

    A plain pattern matches as a case-insensitive substring, a regex pattern by `re.search`
    (case-sensitive unless it says `(?i)`). An empty pattern or group, or an invalid regular
    expression, is a SettingsError naming the pattern.
    """
    _require(events, TOUCHPOINT)
    if not rules:
        return events.copy()
    codes, uniques = pd.factorize(events[TOUCHPOINT])
    distinct = pd.Series(uniques, dtype="str")
    first = _first_rule(distinct, rules)
    groups = np.array([str(r.group) for r in rules], dtype=object)
    renamed = np.where(first >= 0, groups[np.maximum(first, 0)], distinct.to_numpy(dtype=object))
    values = np.append(renamed, None).astype(object)[codes]  # code -1: missing stays missing
    return events.assign(**{TOUCHPOINT: pd.Series(values, index=events.index, dtype="str")})


def preview_grouping(events: pd.DataFrame, rules: Sequence[GroupingRule]) -> pd.DataFrame:
    """Which touchpoints each rule catches (first matching rule wins), with their events.

    Returns:
        Columns rule (1-based, in table order), pattern, group, touchpoint, events; a rule
        catching nothing has one row with an empty touchpoint and 0 events. Sorted by rule,
        events descending, touchpoint.
    """
    _require(events, TOUCHPOINT)
    counts = events[TOUCHPOINT].value_counts()
    distinct = pd.Series(counts.index, dtype="str")
    first = _first_rule(distinct, rules) if rules else np.full(len(distinct), -1, dtype=np.int64)
    caught = first >= 0
    frame = pd.DataFrame(
        {
            "rule": first[caught] + 1,
            "touchpoint": distinct[caught].to_numpy(dtype=object),
            "events": counts.to_numpy(dtype=np.int64)[caught],
        }
    )
    empty = sorted(set(range(1, len(rules) + 1)) - set(frame["rule"].tolist()))
    frame = pd.concat(
        [frame, pd.DataFrame({"rule": empty, "touchpoint": [""] * len(empty), "events": 0})],
        ignore_index=True,
    )
    frame = frame.sort_values(["rule", "events", "touchpoint"], ascending=[True, False, True])
    rule_index = frame["rule"].to_numpy(dtype=np.int64) - 1
    return pd.DataFrame(
        {
            "rule": frame["rule"].to_numpy(dtype=np.int64),
            "pattern": pd.array([str(rules[i].pattern) for i in rule_index], dtype="str"),
            "group": pd.array([str(rules[i].group) for i in rule_index], dtype="str"),
            "touchpoint": pd.array(frame["touchpoint"].to_numpy(dtype=object), dtype="str"),
            "events": frame["events"].to_numpy(dtype=np.int64),
        }
    )


# -- funnels -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _FunnelMatch:
    """Greedy earliest matches: ordered position of each stage's event per customer (-1: none)."""

    order: PathOrder
    node: np.ndarray  # code per ordered event at level `by` (-1: missing)
    names: np.ndarray
    matched: list[np.ndarray]  # per stage: ordered position per customer code, -1 if not reached


def _stage_codes(names: np.ndarray, stages: Sequence[str], by: str) -> list[int]:
    if not stages:
        raise SettingsError("a funnel needs at least one stage")
    lookup = {str(name): i for i, name in enumerate(names)}
    codes = []
    for stage in stages:
        if str(stage) not in lookup:
            close = get_close_matches(str(stage), list(lookup), n=3, cutoff=0.5)
            hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise SettingsError(f"funnel stage {stage!r} is not a {by} in the data.{hint}")
        codes.append(lookup[str(stage)])
    return codes


def _match_funnel(events: pd.DataFrame, stages: Sequence[str], by: str) -> _FunnelMatch:
    """Greedy earliest match: stage k at the first event after stage k-1's (uncollapsed path).

    Taking the earliest possible event for every stage is optimal: any later choice leaves a
    subset of the events available to the next stages.
    """
    _require(events, by)
    order = path_order(events)
    codes, names = pd.factorize(events[by], sort=True)
    node = codes[order.index].astype(np.int64)
    names = np.asarray(names.astype("str"), dtype=object)
    stage_codes = _stage_codes(names, stages, by)
    previous = np.full(order.n_customers, -1, dtype=np.int64)
    reached = np.ones(order.n_customers, dtype=bool)
    position = np.arange(len(node))
    matched = []
    for code in stage_codes:  # a loop over stages, vectorised over events
        candidate = (node == code) & reached[order.customer] & (position > previous[order.customer])
        where = np.flatnonzero(candidate)
        customers, first = np.unique(order.customer[where], return_index=True)
        current = np.full(order.n_customers, -1, dtype=np.int64)
        current[customers] = where[first]
        matched.append(current)
        reached = current >= 0
        previous = current
    return _FunnelMatch(order=order, node=node, names=names, matched=matched)


def funnel(events: pd.DataFrame, stages: Sequence[str], by: str = TOUCHPOINT) -> pd.DataFrame:
    """Customers reaching each stage in order (not necessarily adjacent) of the raw path.

    Stage k is matched by an event at a strictly later position of the uncollapsed path than
    the event that matched stage k-1. Unknown stage names are a SettingsError with close
    matches.

    Returns:
        One row per stage, in order: stage, customers, conversion_rate (over all customers),
        step_conversion_rate (over the previous stage; over all customers for the first),
        median_days_from_previous (median time between the matched events; NaN for stage 1).
    """
    match = _match_funnel(events, stages, by)
    n_customers = match.order.n_customers
    ts = match.order.timestamps(events)
    counts, medians = [], []
    previous_count = n_customers
    step_rates = []
    for k, current in enumerate(match.matched):
        reached = current >= 0
        count = int(reached.sum())
        counts.append(count)
        step_rates.append(count / previous_count if previous_count else 0.0)
        previous_count = count
        if k == 0 or count == 0:
            medians.append(np.nan)
        else:
            gap = (ts[current[reached]] - ts[match.matched[k - 1][reached]]) / _DAY
            medians.append(float(np.median(gap)))
    customers = np.asarray(counts, dtype=np.int64)
    return pd.DataFrame(
        {
            "stage": pd.array([str(s) for s in stages], dtype="str"),
            "customers": customers,
            "conversion_rate": customers / n_customers if n_customers else customers * 0.0,
            "step_conversion_rate": np.asarray(step_rates, dtype=np.float64),
            "median_days_from_previous": np.asarray(medians, dtype=np.float64),
        }
    )


def funnel_dropoff_next(
    events: pd.DataFrame, stages: Sequence[str], by: str = TOUCHPOINT
) -> pd.DataFrame:
    """Where customers who reached stage k but not k+1 went next (the event after stage k's).

    Returns:
        Columns stage (the last stage reached), next_node (the `by` value of their next event,
        "(no further events)" when stage k's event was their last), customers; by stage order,
        customers descending, next_node.
    """
    match = _match_funnel(events, stages, by)
    order = match.order
    names = np.append(match.names, [MISSING_NODE, NO_FURTHER_EVENTS]).astype(object)
    missing_code, none_code = len(match.names), len(match.names) + 1
    frames = []
    for k in range(len(stages) - 1):  # a loop over stages
        current, following = match.matched[k], match.matched[k + 1]
        lost = np.flatnonzero((current >= 0) & (following < 0))
        after = current[lost] + 1
        has_next = after < len(order.customer)
        has_next[has_next] = order.customer[after[has_next]] == lost[has_next]
        next_code = np.full(len(lost), none_code, dtype=np.int64)
        next_code[has_next] = match.node[after[has_next]]
        next_code[next_code < 0] = missing_code
        uniques, count = np.unique(next_code, return_counts=True)
        frames.append(
            pd.DataFrame(
                {
                    "k": k,
                    "stage": str(stages[k]),
                    "next_node": names[uniques],
                    "customers": count.astype(np.int64),
                }
            )
        )
    if not frames:
        return _empty(["stage", "next_node", "customers"], ["str", "str", "int64"])
    out = pd.concat(frames, ignore_index=True).sort_values(
        ["k", "customers", "next_node"], ascending=[True, False, True], ignore_index=True
    )
    return pd.DataFrame(
        {
            "stage": pd.array(out["stage"], dtype="str"),
            "next_node": pd.array(out["next_node"].to_numpy(dtype=object), dtype="str"),
            "customers": out["customers"].to_numpy(dtype=np.int64),
        }
    )


def default_funnel(events: pd.DataFrame, by: str = TOUCHPOINT, max_stages: int = 4) -> list[str]:
    """Propose a purchase funnel from the data.

    Heuristic: the converting node is the most common `by` value of customers' first conversion
    events. Before it come up to `max_stages - 1` nodes: those that the most converters touched
    before their first conversion (ties by name), ordered by the median relative position of
    their first touch in those pre-conversion paths (0 = first event, 1 = the conversion;
    ties by name). Without conversions: the `max_stages` nodes touched by most customers, in
    order of median relative position in the whole path.
    """
    _require(events, by)
    order = path_order(events)
    codes, names = pd.factorize(events[by], sort=True)
    node = codes[order.index].astype(np.int64)
    names = np.asarray(names.astype("str"), dtype=object)
    n = len(node)
    if n == 0:
        return []
    conversion = (
        events[CONVERSION].fillna(False).to_numpy(dtype=bool)[order.index]
        if CONVERSION in events.columns
        else np.zeros(n, dtype=bool)
    )
    start = order.starts[order.customer]
    conv_at = np.flatnonzero(conversion & (node >= 0))
    conv_customers, first = np.unique(order.customer[conv_at], return_index=True)
    first_conv = np.full(order.n_customers, -1, dtype=np.int64)
    first_conv[conv_customers] = conv_at[first]
    position = np.arange(n)
    if len(conv_customers):
        closing = int(np.bincount(node[first_conv[conv_customers]]).argmax())
        end = first_conv[order.customer]
        keep = (end >= 0) & (position < end) & (node >= 0) & (node != closing)
        span = np.maximum(end - start, 1)
        slots = max_stages - 1
    else:
        closing = -1
        ends = np.r_[order.starts[1:], n] - 1
        end = ends[order.customer]
        keep = node >= 0
        span = np.maximum(end - start, 1)
        slots = max_stages
    relative = (position - start) / span
    touches = pd.DataFrame(
        {"customer": order.customer[keep], "node": node[keep], "relative": relative[keep]}
    ).drop_duplicates(["customer", "node"])  # keeps each customer's first touch of a node
    stats = touches.groupby("node").agg(
        customers=("customer", "size"), relative=("relative", "median")
    )
    stats = stats.assign(name=names[stats.index.to_numpy()])
    chosen = stats.sort_values(["customers", "name"], ascending=[False, True]).head(slots)
    chosen = chosen.sort_values(["relative", "name"])
    stages = [str(s) for s in chosen["name"]]
    return [*stages, str(names[closing])] if closing >= 0 else stages


# -- drop-off and over-representation ------------------------------------------------------


def _last_conversion(events: pd.DataFrame, order: PathOrder) -> np.ndarray:
    """Ordered position of each customer's last conversion event (-1: none)."""
    last = np.full(order.n_customers, -1, dtype=np.int64)
    if CONVERSION not in events.columns:
        return last
    conversion = events[CONVERSION].fillna(False).to_numpy(dtype=bool)[order.index]
    where = np.flatnonzero(conversion)
    np.maximum.at(last, order.customer[where], where)
    return last


def biggest_dropoffs(
    events: pd.DataFrame, level: str = TOUCHPOINT, keep_repeats: bool = False, n: int = 10
) -> pd.DataFrame:
    """Nodes where paths end without a conversion (e.g. cart -> no purchase).

    Returns:
        Columns node, reached (customers whose path visits the node), ended_here (customers
        whose path ends at the node with no conversion in that final visit, i.e. at or after
        its first event), dropoff_rate (ended_here / reached); by ended_here descending,
        dropoff_rate descending, node. `n` = 0 returns every node.
    """
    path = _build_path(events, level, keep_repeats)
    order = path.order
    n_nodes = len(path.names)
    pairs = pd.unique(path.customer * n_nodes + path.node)
    reached = np.bincount(pairs % n_nodes, minlength=n_nodes) if n_nodes else np.zeros(0, np.int64)
    last = np.r_[path.customer[1:] != path.customer[:-1], True] if len(path.customer) else []
    last_kept = path.kept[last]
    last_customer = path.customer[last]
    dropped = _last_conversion(events, order)[last_customer] < last_kept
    ended = np.bincount(path.node[last][dropped], minlength=n_nodes)
    frame = pd.DataFrame(
        {
            "node": pd.array(path.names, dtype="str"),
            "reached": reached.astype(np.int64),
            "ended_here": ended.astype(np.int64),
        }
    )
    frame = frame.assign(dropoff_rate=frame["ended_here"] / frame["reached"])
    frame = frame.sort_values(
        ["ended_here", "dropoff_rate", "node"], ascending=[False, False, True], ignore_index=True
    )
    return frame.head(n) if n > 0 else frame


def overrepresentation(
    events: pd.DataFrame, level: str = TOUCHPOINT, before_conversion: bool = True
) -> pd.DataFrame:
    """Nodes touched by a larger share of converters than of non-converters.

    A converter's touches count up to and including their first conversion when
    `before_conversion` (what buyers do before buying), else all of them.

    Returns:
        Columns node, share_converters, share_non_converters (shares of each group's
        customers who touched the node; 0.0 for an empty group), lift (share_converters /
        share_non_converters; inf when only converters touched it), difference
        (share_converters - share_non_converters); by difference descending, node.
    """
    order = path_order(events)
    node, names = _level_codes(events, level, order)
    converted = _converted(events, order)
    keep = np.ones(len(node), dtype=bool)
    if before_conversion and CONVERSION in events.columns:
        conversion = events[CONVERSION].fillna(False).to_numpy(dtype=bool)[order.index]
        where = np.flatnonzero(conversion)
        first = np.full(order.n_customers, len(node), dtype=np.int64)
        np.minimum.at(first, order.customer[where], where)
        keep = np.arange(len(node)) <= first[order.customer]
    n_nodes = len(names)
    pairs = pd.unique(order.customer[keep] * n_nodes + node[keep])
    pair_customer, pair_node = pairs // max(n_nodes, 1), pairs % max(n_nodes, 1)
    is_conv = converted[pair_customer]
    n_conv, n_non = int(converted.sum()), int((~converted).sum())
    touched_conv = np.bincount(pair_node[is_conv], minlength=n_nodes)
    touched_non = np.bincount(pair_node[~is_conv], minlength=n_nodes)
    share_conv = touched_conv / n_conv if n_conv else np.zeros(n_nodes)
    share_non = touched_non / n_non if n_non else np.zeros(n_nodes)
    with np.errstate(divide="ignore", invalid="ignore"):
        lift = np.where(share_non > 0, share_conv / np.where(share_non > 0, share_non, 1), np.inf)
    present = (touched_conv + touched_non) > 0
    frame = pd.DataFrame(
        {
            "node": pd.array(names[present], dtype="str"),
            "share_converters": share_conv[present].astype(np.float64),
            "share_non_converters": share_non[present].astype(np.float64),
            "lift": lift[present].astype(np.float64),
            "difference": (share_conv - share_non)[present].astype(np.float64),
        }
    )
    return frame.sort_values(["difference", "node"], ascending=[False, True], ignore_index=True)


# -- team views ----------------------------------------------------------------------------

TEAM_MODES = ("fold", "hide")


def apply_team_map(events: pd.DataFrame, team_map: dict[str, str]) -> pd.DataFrame:
    """Set `team` from a touchpoint -> team table; listed touchpoints take the table's team.

    Touchpoints not in the table keep the team from the data (or stay missing).
    """
    _require(events, TOUCHPOINT)
    table = {str(k): str(v) for k, v in team_map.items() if str(v).strip()}
    mapped = events[TOUCHPOINT].map(table)
    current = events[TEAM] if TEAM in events.columns else pd.Series(None, index=events.index)
    team = mapped.where(mapped.notna(), current)
    return events.assign(**{TEAM: pd.Series(team, index=events.index, dtype="str")})


def scope_to_team(events: pd.DataFrame, team: str, mode: str = "fold") -> pd.DataFrame:
    """Keep one team's touchpoints; other teams' events are dropped ("hide") or renamed.

    With "fold", the other teams' events keep their place in the path but their touchpoint
    and channel become "Other teams" (consecutive ones collapse like any repeat). Events with
    no team count as other teams' events.
    """
    _require(events, TEAM)
    if mode not in TEAM_MODES:
        raise SettingsError(f"team view mode {mode!r}: use one of {', '.join(TEAM_MODES)}")
    mine = (events[TEAM] == team).fillna(False).to_numpy(dtype=bool)
    if not mine.any():
        teams = sorted(events[TEAM].dropna().astype("str").unique())
        close = get_close_matches(str(team), teams, n=3, cutoff=0.5)
        hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise SettingsError(f"no events of team {team!r}.{hint}")
    if mode == "hide":
        return events[mine].copy()
    renamed = {
        column: events[column].where(mine, OTHER_TEAMS)
        for column in (TOUCHPOINT, CHANNEL)
        if column in events.columns
    }
    return events.assign(**renamed)


# -- comparisons and phase flows -----------------------------------------------------------


def compare_transitions(
    events_a: pd.DataFrame,
    events_b: pd.DataFrame,
    level: str = CHANNEL,
    keep_repeats: bool = False,
    end_nodes: bool = False,
) -> pd.DataFrame:
    """Transitions of two groups side by side, with the difference in transition share.

    Returns:
        Columns source, target, count_a, share_a, count_b, share_b, diff (share_a - share_b;
        a share is the edge's count over that group's total transitions, 0.0 for none); by
        |diff| descending, then source, target.
    """
    a = count_transitions(events_a, level, keep_repeats, end_nodes)
    b = count_transitions(events_b, level, keep_repeats, end_nodes)
    merged = a[["source", "target", "count"]].merge(
        b[["source", "target", "count"]],
        on=["source", "target"],
        how="outer",
        suffixes=("_a", "_b"),
    )
    count_a = merged["count_a"].fillna(0).astype(np.int64)
    count_b = merged["count_b"].fillna(0).astype(np.int64)
    total_a, total_b = int(count_a.sum()), int(count_b.sum())
    share_a = count_a / total_a if total_a else count_a * 0.0
    share_b = count_b / total_b if total_b else count_b * 0.0
    out = pd.DataFrame(
        {
            "source": merged["source"].astype("str"),
            "target": merged["target"].astype("str"),
            "count_a": count_a,
            "share_a": share_a.astype(np.float64),
            "count_b": count_b,
            "share_b": share_b.astype(np.float64),
            "diff": (share_a - share_b).astype(np.float64),
        }
    )
    out = out.assign(_abs=out["diff"].abs()).sort_values(
        ["_abs", "source", "target"], ascending=[False, True, True], ignore_index=True
    )
    return out.drop(columns="_abs")


def phase_flows(events: pd.DataFrame, level: str = CHANNEL) -> pd.DataFrame:
    """Flows for the four-column phase Sankey (awareness -> onboarding -> ... -> post-purchase).

    Per customer, take the set of nodes (at `level`) they used in each phase they reached,
    and the phases they reached in Phase order. For each pair of consecutive reached phases
    p -> p' (a skipped phase is jumped over), link every node a used in p to every node b
    used in p'. A link's weight is the number of distinct customers with that (p, a, p', b).

    Returns:
        Columns source_phase, source, target_phase, target, customers; by source_phase and
        target_phase in Phase order, customers descending, source, target.
    """
    _require(events, PHASE)
    order = path_order(events)
    node, names = _level_codes(events, level, order)
    phase_codes = pd.Categorical(events[PHASE], categories=_PHASE_NAMES).codes
    if (phase_codes < 0).any():
        raise SettingsError("some events have no known phase: assign phases first")
    phase = phase_codes[order.index].astype(np.int64)
    triples = pd.DataFrame({"c": order.customer, "p": phase, "n": node}).drop_duplicates()
    reached = triples[["c", "p"]].drop_duplicates().sort_values(["c", "p"], ignore_index=True)
    following = reached.groupby("c")["p"].shift(-1)
    steps = reached.assign(q=following).dropna(subset=["q"]).astype({"q": np.int64})
    links = triples.merge(steps, on=["c", "p"]).merge(
        triples.rename(columns={"p": "q", "n": "m"}), on=["c", "q"]
    )
    counts = links.groupby(["p", "n", "q", "m"], as_index=False).size()
    phase_names = np.asarray(_PHASE_NAMES, dtype=object)
    out = pd.DataFrame(
        {
            "source_phase": pd.array(phase_names[counts["p"].to_numpy()], dtype="str"),
            "source": pd.array(names[counts["n"].to_numpy()], dtype="str"),
            "target_phase": pd.array(phase_names[counts["q"].to_numpy()], dtype="str"),
            "target": pd.array(names[counts["m"].to_numpy()], dtype="str"),
            "customers": counts["size"].to_numpy(dtype=np.int64),
        }
    )
    return (
        out.assign(_p=counts["p"].to_numpy(), _q=counts["q"].to_numpy())
        .sort_values(
            ["_p", "_q", "customers", "source", "target"],
            ascending=[True, True, False, True, True],
            ignore_index=True,
        )
        .drop(columns=["_p", "_q"])
    )


# -- one customer --------------------------------------------------------------------------


def _customer_events(events: pd.DataFrame, customer_id: str) -> pd.DataFrame:
    _require(events, CUSTOMER_ID)
    mine = events[events[CUSTOMER_ID] == customer_id]
    if mine.empty:
        ids = events[CUSTOMER_ID].astype("str")
        hits = ids[ids.str.contains(str(customer_id), case=False, regex=False)].unique()
        close = sorted(hits)[:3]
        hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise SettingsError(f"no customer {customer_id!r} in the events.{hint}")
    return order_events(mine)


def customer_timeline(events: pd.DataFrame, customer_id: str) -> pd.DataFrame:
    """Every event of one customer in path order, with a 1-based `position` column first."""
    mine = _customer_events(events, customer_id)
    return mine.assign(position=np.arange(1, len(mine) + 1, dtype=np.int64))[
        ["position", *mine.columns]
    ]


def customer_profile(events: pd.DataFrame, customer_id: str) -> dict[str, object]:
    """The single view of one customer.

    Returns:
        A dict with customer_id, first_seen, last_seen (timestamps), n_events, conversions
        (conversion events), lifetime_revenue (sum of revenue), channels (distinct channels
        used), current_phase (phase of the last event, None without phases) and last_contact
        (a frame channel, last_contact, touchpoint: each channel's latest event, latest first).
    """
    mine = _customer_events(events, customer_id)
    last = mine.drop_duplicates(CHANNEL, keep="last")
    touchpoint = last[TOUCHPOINT] if TOUCHPOINT in last.columns else last[CHANNEL]
    last_contact = pd.DataFrame(
        {
            CHANNEL: last[CHANNEL].astype("str").to_numpy(),
            "last_contact": last[TIMESTAMP].to_numpy(),
            TOUCHPOINT: touchpoint.astype("str").to_numpy(),
            "_row": np.arange(len(last)),
        }
    ).sort_values(["last_contact", "_row", CHANNEL], ascending=[False, False, True])
    phase = mine[PHASE].iloc[-1] if PHASE in mine.columns else None
    return {
        CUSTOMER_ID: str(customer_id),
        "first_seen": mine[TIMESTAMP].iloc[0],
        "last_seen": mine[TIMESTAMP].iloc[-1],
        "n_events": len(mine),
        "conversions": int(mine[CONVERSION].sum()) if CONVERSION in mine.columns else 0,
        "lifetime_revenue": float(mine[REVENUE].sum()) if REVENUE in mine.columns else 0.0,
        "channels": int(mine[CHANNEL].nunique()),
        "current_phase": None if phase is None or pd.isna(phase) else str(phase),
        "last_contact": last_contact.drop(columns="_row").reset_index(drop=True),
    }


def node_stats(
    events: pd.DataFrame, level: str = CHANNEL, keep_repeats: bool = False
) -> pd.DataFrame:
    """Per node: volume, customers, dominant phase and conversion after visiting it.

    Returns:
        Columns node, volume (events after collapsing repeats unless `keep_repeats`),
        customers (distinct), dominant_phase (the most frequent phase of those events, ties to
        the earlier phase; missing without phases), conversion_rate_after (share of the
        node's customers with a conversion event at or after their first visit); by volume
        descending, node.
    """
    path = _build_path(events, level, keep_repeats)
    order = path.order
    n_nodes = len(path.names)
    width = max(n_nodes, 1)
    volume = np.bincount(path.node, minlength=n_nodes)
    key = path.customer * width + path.node
    first_visit = ~pd.Series(key).duplicated().to_numpy()
    visit_customer, visit_node = path.customer[first_visit], path.node[first_visit]
    customers = np.bincount(visit_node, minlength=n_nodes)
    after = _last_conversion(events, order)[visit_customer] >= path.kept[first_visit]
    converted_after = np.bincount(visit_node[after], minlength=n_nodes)
    dominant = np.full(n_nodes, None, dtype=object)
    if PHASE in events.columns:
        phase = pd.Categorical(events[PHASE], categories=_PHASE_NAMES).codes[order.index][path.kept]
        known = phase >= 0
        table = np.bincount(path.node[known] * 4 + phase[known], minlength=n_nodes * 4).reshape(
            n_nodes, 4
        )
        has = table.sum(axis=1) > 0
        dominant[has] = np.asarray(_PHASE_NAMES, dtype=object)[table[has].argmax(axis=1)]
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(customers > 0, converted_after / np.maximum(customers, 1), 0.0)
    frame = pd.DataFrame(
        {
            "node": pd.array(path.names, dtype="str"),
            "volume": volume.astype(np.int64),
            "customers": customers.astype(np.int64),
            "dominant_phase": pd.array(dominant, dtype="str"),
            "conversion_rate_after": rate.astype(np.float64),
        }
    )
    return frame.sort_values(["volume", "node"], ascending=[False, True], ignore_index=True)
