"""Funnels, drop-off and over-representation in SQL over prepared events.

The same tables as `tests.oracle.funnels` (the pandas reference). A funnel matches stages on
the raw (uncollapsed) path, each customer's events numbered in path order (timestamp, ties
by `row`): stage k at the first event strictly after the event that matched stage k-1 (a
self-join per stage; taking the earliest event is optimal, any later one leaves a subset of
the events to the next stages). Python loops only over stages and distinct values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from difflib import get_close_matches

import numpy as np
import pandas as pd

from journey.errors import SettingsError
from journey.query.engine.common import (
    days_between,
    generated_clashes,
    node_expression,
    relation_columns,
    temp_name,
    typed,
)
from journey.query.engine.runner import Runner
from journey.query.engine.sql import ident, lit, lit_list
from journey.schema import (
    CONVERSION,
    CUSTOMER_ID,
    MISSING_NODE,
    NO_FURTHER_EVENTS,
    PHASE,
    ROW,
    TIMESTAMP,
    TOUCHPOINT,
)


def _require(runner: Runner, events: str, column: str) -> None:
    columns = relation_columns(runner, events)
    if column not in columns:
        known = ", ".join(columns)
        raise SettingsError(f"events have no column(s) {column} (columns: {known})")


def _numbered(events: str, node: str) -> str:
    """SQL: every event as (c, node, ts, pos, conv) with its 1-based position in path order."""
    c, ts, r = ident(CUSTOMER_ID), ident(TIMESTAMP), ident(ROW)
    return (
        f"SELECT {c} AS c, {node} AS node, {ts} AS ts, {ident(CONVERSION)} AS conv, "
        f"row_number() OVER (PARTITION BY {c} ORDER BY {ts}, {r}) AS pos FROM {ident(events)}"
    )


def _check_stages(runner: Runner, events: str, stages: Sequence[str], by: str) -> None:
    """Raise a SettingsError (with close matches) for a stage that is not a `by` value."""
    if not stages:
        raise SettingsError("a funnel needs at least one stage")
    value = f"CAST({ident(by)} AS VARCHAR)"
    wanted = [str(s) for s in stages]
    sql = f"SELECT DISTINCT {value} AS v FROM {ident(events)} WHERE {value} IN {lit_list(wanted)}"
    found = set(runner.frame(sql)["v"].astype(str))
    for stage in wanted:
        if stage not in found:
            every = runner.frame(f"SELECT DISTINCT {value} AS v FROM {ident(events)}")["v"]
            names = [str(v) for v in every.dropna()]
            close = get_close_matches(stage, names, n=3, cutoff=0.5)
            hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise SettingsError(f"funnel stage {stage!r} is not a {by} in the data.{hint}")


def _stage_ctes(events: str, stages: Sequence[str], by: str, numbered: str | None = None) -> str:
    """SQL CTEs `ev` and s0..sK: each customer's matched position and time per stage.

    `numbered` names a table of `_numbered_table` to read instead of numbering `events`.
    """
    source = (
        _numbered(events, f"CAST({ident(by)} AS VARCHAR)")
        if numbered is None
        else f"SELECT c, node, ts, conv, pos FROM {ident(numbered)}"
    )
    ctes = [f"q_ev AS ({source})"]
    for k, stage in enumerate(stages):
        if k == 0:
            body = (
                "SELECT c, min(pos) AS pos, arg_min(ts, pos) AS ts, "
                "CAST(NULL AS TIMESTAMP) AS prev_ts "
                f"FROM q_ev WHERE node = {lit(str(stage))} GROUP BY c"
            )
        else:
            body = (
                "SELECT e.c, min(e.pos) AS pos, arg_min(e.ts, e.pos) AS ts, "
                "any_value(p.ts) AS prev_ts "
                f"FROM q_ev e JOIN q_s{k - 1} p ON e.c = p.c AND e.pos > p.pos "
                f"WHERE e.node = {lit(str(stage))} GROUP BY e.c"
            )
        ctes.append(f"q_s{k} AS ({body})")
    return "WITH " + ",\n".join(ctes)


def funnel(
    runner: Runner, events: str, stages: Sequence[str], by: str = TOUCHPOINT
) -> pd.DataFrame:
    """Customers reaching each stage in order (not necessarily adjacent) of the raw path.

    Columns stage, customers, conversion_rate (over all customers), step_conversion_rate
    (over the previous stage; over all customers for the first), median_days_from_previous
    (median time between the matched events; NaN for stage 1). As `funnels.funnel`.
    """
    _require(runner, events, by)
    _check_stages(runner, events, stages, by)
    return _funnel(runner, events, stages, by)


def _funnel(
    runner: Runner, events: str, stages: Sequence[str], by: str, numbered: str | None = None
) -> pd.DataFrame:
    gap = days_between("prev_ts", "ts")
    per_stage = " UNION ALL ".join(
        f"SELECT {k} AS k, count(*) AS customers, median({gap}) AS median_days FROM q_s{k}"
        for k in range(len(stages))
    )
    sql = f"""{_stage_ctes(events, stages, by, numbered)}
SELECT k, customers, median_days,
       (SELECT count(DISTINCT {ident(CUSTOMER_ID)}) FROM {ident(events)}) AS n_customers
FROM ({per_stage}) AS stages ORDER BY k"""
    out = runner.frame(sql)
    n_customers = int(out["n_customers"].iloc[0])
    customers = out["customers"].to_numpy(dtype=np.int64)
    previous = np.r_[n_customers, customers[:-1]]
    with np.errstate(divide="ignore", invalid="ignore"):
        step = np.where(previous > 0, customers / np.where(previous > 0, previous, 1), 0.0)
    medians = out["median_days"].astype("float64").to_numpy()
    medians = np.where(customers > 0, medians, np.nan)
    medians[0] = np.nan
    return pd.DataFrame(
        {
            "stage": pd.array([str(s) for s in stages], dtype="str"),
            "customers": customers,
            "conversion_rate": customers / n_customers if n_customers else customers * 0.0,
            "step_conversion_rate": step.astype(np.float64),
            "median_days_from_previous": medians.astype(np.float64),
        }
    )


def funnel_dropoff_next(
    runner: Runner, events: str, stages: Sequence[str], by: str = TOUCHPOINT
) -> pd.DataFrame:
    """Where customers who reached stage k but not k+1 went next (the event after stage k's).

    Columns stage, next_node ("(no further events)" after a customer's last event,
    "(missing)" for no value; data values with such names labelled with `by`), customers;
    by stage order, customers descending, next_node. As `funnels.funnel_dropoff_next`.
    """
    _require(runner, events, by)
    _check_stages(runner, events, stages, by)
    return _dropoff_next(runner, events, stages, by)


def _dropoff_next(
    runner: Runner, events: str, stages: Sequence[str], by: str, numbered: str | None = None
) -> pd.DataFrame:
    if len(stages) < 2:
        return typed(
            pd.DataFrame({"stage": [], "next_node": [], "customers": []}),
            {"stage": "str", "next_node": "str", "customers": "int64"},
        )
    labelled = (
        _numbered(events, node_expression(generated_clashes(runner, events, by), by))
        if numbered is None
        else f"SELECT c, label AS node, pos FROM {ident(numbered)}"
    )
    lost = " UNION ALL ".join(
        f"SELECT {k} AS k, s.c, s.pos FROM q_s{k} s LEFT JOIN q_s{k + 1} t ON t.c = s.c "
        "WHERE t.c IS NULL"
        for k in range(len(stages) - 1)
    )
    names = ", ".join(f"({k}, {lit(str(s))})" for k, s in enumerate(stages))
    sql = f"""{_stage_ctes(events, stages, by, numbered)},
q_labelled AS ({labelled}),
q_lost AS ({lost}),
q_names AS (SELECT * FROM (VALUES {names}) AS n(k, stage))
SELECT n.stage, coalesce(e.node, {lit(NO_FURTHER_EVENTS)}) AS next_node,
       count(*) AS customers
FROM q_lost l
JOIN q_names n ON n.k = l.k
LEFT JOIN q_labelled e ON e.c = l.c AND e.pos = l.pos + 1
GROUP BY l.k, n.stage, 2
ORDER BY l.k, customers DESC, next_node"""
    return typed(runner.frame(sql), {"stage": "str", "next_node": "str", "customers": "int64"})


def funnel_with_dropoff(
    runner: Runner, events: str, stages: Sequence[str], by: str = TOUCHPOINT
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`funnel` and `funnel_dropoff_next` from one numbering of the events (a temporary table)."""
    _require(runner, events, by)
    _check_stages(runner, events, stages, by)
    label = node_expression(generated_clashes(runner, events, by), by)
    c, ts, r = ident(CUSTOMER_ID), ident(TIMESTAMP), ident(ROW)
    name = temp_name("q_funnel")
    runner.table(
        name,
        f"SELECT {c} AS c, CAST({ident(by)} AS VARCHAR) AS node, {label} AS label, {ts} AS ts, "
        f"{ident(CONVERSION)} AS conv, "
        f"row_number() OVER (PARTITION BY {c} ORDER BY {ts}, {r}) AS pos FROM {ident(events)}",
    )
    try:
        return (
            _funnel(runner, events, stages, by, name),
            _dropoff_next(runner, events, stages, by, name),
        )
    finally:
        runner.drop(name)


def default_funnel(
    runner: Runner, events: str, by: str = TOUCHPOINT, max_stages: int = 4
) -> list[str]:
    """Propose a purchase funnel from the data (the heuristic of `funnels.default_funnel`).

    The converting node is the most common `by` value of first conversion events (ties by
    name); before it, up to `max_stages - 1` nodes the most converters touched before their
    first conversion (ties by name), by the median relative position of their first touch.
    Without conversions: the `max_stages` nodes most customers touched, likewise ordered.
    """
    _require(runner, events, by)
    table = temp_name("q_default")
    runner.table(table, _numbered(events, f"CAST({ident(by)} AS VARCHAR)"))
    try:
        return _default_funnel(runner, f"SELECT * FROM {ident(table)}", max_stages)
    finally:
        runner.drop(table)


def _default_funnel(runner: Runner, numbered: str, max_stages: int) -> list[str]:
    closing_sql = f"""
WITH q_ev AS ({numbered}),
q_firsts AS (SELECT c, min(pos) AS pos FROM q_ev WHERE conv AND node IS NOT NULL GROUP BY c)
SELECT e.node, count(*) AS n FROM q_firsts f JOIN q_ev e ON e.c = f.c AND e.pos = f.pos
GROUP BY e.node ORDER BY n DESC, e.node LIMIT 1"""
    closing = runner.frame(closing_sql)
    if closing.empty:
        slots, stop, end = max_stages, "", "max(pos) OVER (PARTITION BY c)"
        keep = "node IS NOT NULL"
    else:
        name = str(closing["node"].iloc[0])
        slots, stop = max_stages - 1, name
        end = "min(CASE WHEN conv AND node IS NOT NULL THEN pos END) OVER (PARTITION BY c)"
        keep = f"node IS NOT NULL AND pos < end_pos AND node <> {lit(name)}"
    sql = f"""
WITH q_ev AS (SELECT *, {end} AS end_pos FROM ({numbered}) AS n),
q_touches AS (
    SELECT c, node, CAST(min(pos) - 1 AS DOUBLE) / greatest(max(end_pos) - 1, 1) AS relative
    FROM q_ev WHERE end_pos IS NOT NULL AND {keep} GROUP BY c, node
), q_ranked AS (
    SELECT node, count(*) AS customers, median(relative) AS relative FROM q_touches
    GROUP BY node ORDER BY customers DESC, node LIMIT {int(max(slots, 0))}
)
SELECT node FROM q_ranked ORDER BY relative, node"""
    chosen = [str(v) for v in runner.frame(sql)["node"]] if slots > 0 else []
    return [*chosen, stop] if stop else chosen


def biggest_dropoffs(
    runner: Runner,
    events: str,
    level: str = TOUCHPOINT,
    keep_repeats: bool = False,
    n: int = 10,
) -> pd.DataFrame:
    """Nodes where paths end without a conversion: node, reached, ended_here, dropoff_rate.

    As `funnels.biggest_dropoffs`: ended_here counts customers whose path ends at the node
    with no conversion in that final visit; by ended_here descending, dropoff_rate
    descending, node; `n` = 0 returns every node.
    """
    _require(runner, events, level)
    _check_phase(runner, events, level)
    label = node_expression(generated_clashes(runner, events, level), level)
    return _biggest_dropoffs(runner, _numbered(events, label), keep_repeats, n)


def _biggest_dropoffs(
    runner: Runner, numbered: str, keep_repeats: bool, n: int, marked: bool = False
) -> pd.DataFrame:
    """`marked`: `numbered` already has run_start (see `dropoff_points`)."""
    runs = (
        f"SELECT * FROM ({numbered}) AS n"
        if marked
        else "SELECT *, lag(node) OVER (PARTITION BY c ORDER BY pos) IS DISTINCT FROM node "
        f"AS run_start FROM ({numbered}) AS n"
    )
    final = "max(pos)" if keep_repeats else "max(CASE WHEN run_start THEN pos END)"
    sql = f"""
WITH q_ev AS ({runs}), q_ends AS (
    SELECT c, {final} AS final_pos, max(CASE WHEN conv THEN pos END) AS last_conv
    FROM q_ev GROUP BY c
), q_ended AS (
    SELECT e.node, count(*) AS ended_here
    FROM q_ends d JOIN q_ev e ON e.c = d.c AND e.pos = d.final_pos
    WHERE d.last_conv IS NULL OR d.last_conv < d.final_pos GROUP BY e.node
), q_reached AS (
    SELECT node, count(DISTINCT c) AS reached FROM q_ev GROUP BY node
)
SELECT r.node, r.reached, coalesce(d.ended_here, 0) AS ended_here,
       CAST(coalesce(d.ended_here, 0) AS DOUBLE) / r.reached AS dropoff_rate
FROM q_reached r LEFT JOIN q_ended d ON d.node = r.node
ORDER BY ended_here DESC, dropoff_rate DESC, r.node
{f"LIMIT {int(n)}" if n > 0 else ""}"""
    dtypes = {"node": "str", "reached": "int64", "ended_here": "int64", "dropoff_rate": "float64"}
    return typed(runner.frame(sql), dtypes)


def _check_phase(runner: Runner, events: str, level: str) -> None:
    if level != PHASE:
        return
    missing = runner.scalar(f"SELECT count(*) FROM {ident(events)} WHERE {ident(PHASE)} IS NULL")
    if missing:
        raise SettingsError("some events have no phase: assign phases before using level phase")


def overrepresentation(
    runner: Runner, events: str, level: str = TOUCHPOINT, before_conversion: bool = True
) -> pd.DataFrame:
    """Nodes touched by a larger share of converters than of non-converters.

    As `funnels.overrepresentation`: node, share_converters, share_non_converters, lift (inf
    when only converters touched it), difference; by difference descending, node.
    """
    _require(runner, events, level)
    _check_phase(runner, events, level)
    label = node_expression(generated_clashes(runner, events, level), level)
    return _overrepresentation(runner, _numbered(events, label), before_conversion)


def _overrepresentation(runner: Runner, numbered: str, before_conversion: bool) -> pd.DataFrame:
    first = "min(CASE WHEN conv THEN pos END) OVER (PARTITION BY c)"
    keep = "first_conv IS NULL OR pos <= first_conv" if before_conversion else "TRUE"
    sql = f"""
WITH q_ev AS (
    SELECT *, {first} AS first_conv, bool_or(conv) OVER (PARTITION BY c) AS converted
    FROM ({numbered}) AS n
), q_groups AS (
    SELECT count(DISTINCT CASE WHEN converted THEN c END) AS n_conv,
           count(DISTINCT CASE WHEN NOT converted THEN c END) AS n_non FROM q_ev
), q_touched AS (
    SELECT node, count(DISTINCT CASE WHEN converted THEN c END) AS t_conv,
           count(DISTINCT CASE WHEN NOT converted THEN c END) AS t_non
    FROM q_ev WHERE {keep} GROUP BY node
)
SELECT node, t_conv, t_non, n_conv, n_non FROM q_touched CROSS JOIN q_groups"""
    out = runner.frame(sql)
    n_conv = int(out["n_conv"].iloc[0]) if len(out) else 0
    n_non = int(out["n_non"].iloc[0]) if len(out) else 0
    t_conv = out["t_conv"].to_numpy(dtype=np.float64)
    t_non = out["t_non"].to_numpy(dtype=np.float64)
    share_conv = t_conv / n_conv if n_conv else np.zeros(len(out))
    share_non = t_non / n_non if n_non else np.zeros(len(out))
    with np.errstate(divide="ignore", invalid="ignore"):
        lift = np.where(share_non > 0, share_conv / np.where(share_non > 0, share_non, 1), np.inf)
    frame = pd.DataFrame(
        {
            "node": pd.array(out["node"].astype(str).to_numpy(dtype=object), dtype="str"),
            "share_converters": share_conv.astype(np.float64),
            "share_non_converters": share_non.astype(np.float64),
            "lift": lift.astype(np.float64),
            "difference": (share_conv - share_non).astype(np.float64),
        }
    )
    return frame.sort_values(["difference", "node"], ascending=[False, True], ignore_index=True)


def dropoff_points(
    runner: Runner, events: str, level: str = TOUCHPOINT, keep_repeats: bool = False, n: int = 10
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`biggest_dropoffs` and `overrepresentation` (before conversion), one numbering of events."""
    _require(runner, events, level)
    _check_phase(runner, events, level)
    label = node_expression(generated_clashes(runner, events, level), level)
    name = temp_name("q_dropoff")
    c, ts, r = ident(CUSTOMER_ID), ident(TIMESTAMP), ident(ROW)
    order = f"PARTITION BY {c} ORDER BY {ts}, {r}"
    # run_start in the numbering's own window (one sort), not in a second pass over pos
    runner.table(
        name,
        f"SELECT {c} AS c, {label} AS node, {ts} AS ts, {ident(CONVERSION)} AS conv, "
        f"row_number() OVER ({order}) AS pos, "
        f"lag({label}) OVER ({order}) IS DISTINCT FROM {label} AS run_start "
        f"FROM {ident(events)}",
    )
    try:
        numbered = f"SELECT c, node, ts, conv, pos FROM {ident(name)}"
        return (
            _biggest_dropoffs(runner, f"SELECT * FROM {ident(name)}", keep_repeats, n, True),
            _overrepresentation(runner, numbered, True),
        )
    finally:
        runner.drop(name)


@dataclass(frozen=True)
class FunnelPage:
    """Everything the Funnels page shows first, from one numbering of the events.

    `stages` is the proposed funnel (`default_funnel`); `funnel` and `dropped_next` are that
    funnel's `funnel` and `funnel_dropoff_next` (empty frames when no stage is proposed);
    `dropoffs` maps each level to its `dropoff_points` (repeats collapsed).
    """

    stages: list[str]
    funnel: pd.DataFrame
    dropped_next: pd.DataFrame
    dropoffs: dict[str, tuple[pd.DataFrame, pd.DataFrame]]


def funnel_page(
    runner: Runner,
    events: str,
    by: str = TOUCHPOINT,
    levels: Sequence[str] = (TOUCHPOINT,),
    n: int = 10,
    max_stages: int = 4,
) -> FunnelPage:
    """`default_funnel`, its `funnel_with_dropoff` and `dropoff_points` per level, one sort.

    The events are numbered once in path order with, in the same window, each level's run
    starts (the first event, or a value differing from the event before: labels rename values
    one to one, so raw values mark the same runs), and every table reads that numbering.
    """
    _require(runner, events, by)
    for level in levels:
        _require(runner, events, level)
        _check_phase(runner, events, level)
    c, ts, r = ident(CUSTOMER_ID), ident(TIMESTAMP), ident(ROW)
    order = f"PARTITION BY {c} ORDER BY {ts}, {r}"
    by_label = node_expression(generated_clashes(runner, events, by), by)
    per_level = "".join(
        f", {node_expression(generated_clashes(runner, events, level), level)} AS lab_{i}, "
        f"(lag({ident(level)}) OVER ({order}) IS DISTINCT FROM {ident(level)} "
        f"OR row_number() OVER ({order}) = 1) AS rs_{i}"
        for i, level in enumerate(levels)
    )
    name = temp_name("q_funnel_page")
    runner.table(
        name,
        f"SELECT {c} AS c, CAST({ident(by)} AS VARCHAR) AS node, {by_label} AS label, "
        f"{ts} AS ts, {ident(CONVERSION)} AS conv, row_number() OVER ({order}) AS pos"
        f"{per_level} FROM {ident(events)}",
    )
    try:
        table = ident(name)
        stages = _default_funnel(runner, f"SELECT c, node, ts, conv, pos FROM {table}", max_stages)
        if stages:
            found = _funnel(runner, events, stages, by, name)
            dropped = _dropoff_next(runner, events, stages, by, name)
        else:
            found = typed(pd.DataFrame({k: [] for k in _FUNNEL_DTYPES}), _FUNNEL_DTYPES)
            dropped = typed(pd.DataFrame({k: [] for k in _NEXT_DTYPES}), _NEXT_DTYPES)
        dropoffs = {}
        for i, level in enumerate(levels):
            runs = f"SELECT c, lab_{i} AS node, ts, conv, pos, rs_{i} AS run_start FROM {table}"
            numbered = f"SELECT c, lab_{i} AS node, ts, conv, pos FROM {table}"
            dropoffs[level] = (
                _biggest_dropoffs(runner, runs, False, n, True),
                _overrepresentation(runner, numbered, True),
            )
        return FunnelPage(stages, found, dropped, dropoffs)
    finally:
        runner.drop(name)


_FUNNEL_DTYPES = {
    "stage": "str",
    "customers": "int64",
    "conversion_rate": "float64",
    "step_conversion_rate": "float64",
    "median_days_from_previous": "float64",
}
_NEXT_DTYPES = {"stage": "str", "next_node": "str", "customers": "int64"}


__all__ = [
    "MISSING_NODE",
    "biggest_dropoffs",
    "default_funnel",
    "dropoff_points",
    "funnel",
    "funnel_dropoff_next",
    "funnel_page",
    "funnel_with_dropoff",
    "overrepresentation",
]
