"""Funnels, drop-off and over-representation in pandas: the oracle of the engine's funnels.

Where paths go, stop and differ by outcome (`journey.query.engine.funnels`).

A funnel matches stages on the raw (uncollapsed) path: stage k at the first event strictly
after the event that matched stage k-1. Paths and their semantics: `tests.oracle.paths`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from difflib import get_close_matches

import numpy as np
import pandas as pd

from journey.errors import SettingsError
from journey.query.nodes import label_names
from journey.schema import MISSING_NODE, NO_FURTHER_EVENTS, TOUCHPOINT
from tests.oracle.paths import (
    PathOrder,
    build_path,
    empty_frame,
    encode_level,
    find_last_conversions,
    flag_conversions,
    flag_converters,
    path_order,
    require_columns,
)

_DAY = np.timedelta64(1, "D")


# -- funnels -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _FunnelMatch:
    """Greedy earliest matches: ordered position of each stage's event per customer (-1: none)."""

    order: PathOrder
    node: np.ndarray  # code per ordered event at level `by` (-1: missing)
    names: np.ndarray
    matched: list[np.ndarray]  # per stage: ordered position per customer code, -1 if not reached


def _encode_raw(events: pd.DataFrame, by: str, order: PathOrder) -> tuple[np.ndarray, np.ndarray]:
    """Codes in path order (-1: missing, never a stage) and names by code of column `by`."""
    codes, names = pd.factorize(events[by], sort=True)
    return codes[order.index].astype(np.int64), np.asarray(names.astype("str"), dtype=object)


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
    require_columns(events, by)
    order = path_order(events)
    node, names = _encode_raw(events, by, order)
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
        "(no further events)" when stage k's event was their last, "(missing)" when it has no
        value; a data value with one of these names is labelled with `by`, as in
        `journey.query.nodes`), customers; by stage order, customers descending, next_node.
    """
    match = _match_funnel(events, stages, by)
    order = match.order
    # data values named like the generated nodes carry their level (query.nodes)
    names = np.append(label_names(match.names, by), [MISSING_NODE, NO_FURTHER_EVENTS])
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
        return empty_frame(["stage", "next_node", "customers"], ["str", "str", "int64"])
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


# -- proposing a funnel --------------------------------------------------------------------


def _first_conversions(events: pd.DataFrame, order: PathOrder, node: np.ndarray) -> np.ndarray:
    """Ordered position of each customer's first conversion event with a node (-1: none)."""
    conv_at = np.flatnonzero(flag_conversions(events, order) & (node >= 0))
    conv_customers, first = np.unique(order.customer[conv_at], return_index=True)
    first_conv = np.full(order.n_customers, -1, dtype=np.int64)
    first_conv[conv_customers] = conv_at[first]
    return first_conv


def _first_touches(
    order: PathOrder, node: np.ndarray, end: np.ndarray, keep: np.ndarray
) -> pd.DataFrame:
    """Each customer's first touch of each kept node, at its relative position (0 to `end`)."""
    start = order.starts[order.customer]
    relative = (np.arange(len(node)) - start) / np.maximum(end - start, 1)
    return pd.DataFrame(
        {"customer": order.customer[keep], "node": node[keep], "relative": relative[keep]}
    ).drop_duplicates(["customer", "node"])  # keeps each customer's first touch of a node


def _rank_stages(touches: pd.DataFrame, names: np.ndarray, slots: int) -> list[str]:
    """The `slots` nodes most customers touched (ties by name), by median relative position."""
    stats = touches.groupby("node").agg(
        customers=("customer", "size"), relative=("relative", "median")
    )
    stats = stats.assign(name=names[stats.index.to_numpy()])
    chosen = stats.sort_values(["customers", "name"], ascending=[False, True]).head(slots)
    chosen = chosen.sort_values(["relative", "name"])
    return [str(s) for s in chosen["name"]]


def default_funnel(events: pd.DataFrame, by: str = TOUCHPOINT, max_stages: int = 4) -> list[str]:
    """Propose a purchase funnel from the data.

    Heuristic: the converting node is the most common `by` value of customers' first conversion
    events. Before it come up to `max_stages - 1` nodes: those that the most converters touched
    before their first conversion (ties by name), ordered by the median relative position of
    their first touch in those pre-conversion paths (0 = first event, 1 = the conversion;
    ties by name). Without conversions: the `max_stages` nodes touched by most customers, in
    order of median relative position in the whole path.
    """
    require_columns(events, by)
    order = path_order(events)
    node, names = _encode_raw(events, by, order)
    if not len(node):
        return []
    first_conv = _first_conversions(events, order, node)
    converters = np.flatnonzero(first_conv >= 0)
    if not len(converters):
        last = (np.r_[order.starts[1:], len(node)] - 1)[order.customer]
        touches = _first_touches(order, node, last, node >= 0)
        return _rank_stages(touches, names, max_stages)
    closing = int(np.bincount(node[first_conv[converters]]).argmax())
    end = first_conv[order.customer]
    before = (end >= 0) & (np.arange(len(node)) < end) & (node >= 0) & (node != closing)
    touches = _first_touches(order, node, end, before)
    return [*_rank_stages(touches, names, max_stages - 1), str(names[closing])]


# -- drop-off and over-representation ------------------------------------------------------


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
    path = build_path(events, level, keep_repeats)
    n_nodes = len(path.names)
    pairs = pd.unique(path.customer * n_nodes + path.node)
    reached = np.bincount(pairs % n_nodes, minlength=n_nodes) if n_nodes else np.zeros(0, np.int64)
    last = path.last
    dropped = find_last_conversions(events, path.order)[path.customer[last]] < path.kept[last]
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
    node, names = encode_level(events, level, order)
    converted = flag_converters(events, order)
    keep = np.ones(len(node), dtype=bool)
    if before_conversion:
        where = np.flatnonzero(flag_conversions(events, order))
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
