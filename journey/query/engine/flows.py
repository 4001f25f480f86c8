"""Transitions, step flows, top paths and phase flows in SQL, on any runner (DuckDB, Spark).

The semantics are those of `tests.oracle.flows` (the pandas oracle the tests hold this
module to; DESIGN.md, "Semantics every engine shares"):

- a path is a customer's events ordered by timestamp, ties by `row`; consecutive repeats
  collapse unless `keep_repeats`; a customer converted when any event has `conversion`;
- nodes are the level's values, "(missing)" for a missing value, and a data value named like
  a generated node carries its level ("Converted (touchpoint)", `journey.query.nodes`);
- folding keeps the top K nodes by volume (events after collapsing repeats, ties by name) and
  renames the rest Other *after* the path is built, so no position moves; Start and the end
  nodes never fold;
- step k -> k+1 for k = 1..steps-1, a path that ended flowing into Converted / No conversion
  and staying there: every step sums to the customers.

Every function reads a relation `events` with customer_id, timestamp, row, conversion and
the level column (prepared events, `journey.query.engine.prepare`, have them all). One path
table (a temporary relation, dropped in `finally`) feeds every aggregation; `flows` computes
them all from one. Text is built only from `sql.ident` and `sql.lit`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Final

import pandas as pd

from journey.errors import SettingsError
from journey.query.engine import ordered
from journey.query.engine.common import (
    ENUM_MAX_VALUES,
    days_between,
    distinct_text,
    node_expression,
    temp_name,
    typed,
)
from journey.query.engine.runner import DuckDBRunner, Runner
from journey.query.engine.sql import DUCKDB, ident, lit, lit_list
from journey.query.flows import FoldResult
from journey.query.nodes import data_labels
from journey.schema import (
    CHANNEL,
    CONVERSION,
    CONVERTED,
    CUSTOMER_ID,
    GENERATED_NODES,
    MISSING_NODE,
    NO_CONVERSION,
    OTHER,
    PATH_SEPARATOR,
    PHASE,
    ROW,
    START,
    TIMESTAMP,
    Phase,
)

TRANSITION_COLUMNS: Final = {
    "source": "str",
    "target": "str",
    "count": "int64",
    "customers": "int64",
}
STEP_COLUMNS: Final = {"step": "int64", "source": "str", "target": "str", "count": "int64"}
TOP_PATH_COLUMNS: Final = {
    "path": "str",
    "length": "int64",
    "customers": "int64",
    "share": "float64",
    "conversion_rate": "float64",
    "median_duration_days": "float64",
}
PHASE_FLOW_COLUMNS: Final = {
    "source_phase": "str",
    "source": "str",
    "target_phase": "str",
    "target": "str",
    "customers": "int64",
}
_PHASES: Final = tuple(p.value for p in Phase)


@dataclass(frozen=True)
class Flows:
    """Transitions, step flows (with how nodes were folded) and top paths, from one path table."""

    transitions: pd.DataFrame
    steps: pd.DataFrame
    fold: FoldResult
    top_paths: pd.DataFrame


# -- nodes and the path table ----------------------------------------------------------------


def _check(runner: Runner, events: str, level: str, *more: str) -> None:
    """A level the events have; for phase, no event without one (as pandas requires)."""
    columns = runner.frame(f"SELECT * FROM {ident(events)} LIMIT 0").columns
    needed = dict.fromkeys((CUSTOMER_ID, TIMESTAMP, ROW, CONVERSION, level, *more))
    missing = [c for c in needed if c not in columns]
    if missing:
        known = ", ".join(map(str, columns))
        raise SettingsError(f"events have no column(s) {', '.join(missing)} (columns: {known})")
    if level == PHASE:
        empty = runner.scalar(f"SELECT count(*) FROM {ident(events)} WHERE {ident(PHASE)} IS NULL")
        if empty:
            raise SettingsError("some events have no phase: assign phases before using level phase")


def node_sql(runner: Runner, events: str, level: str) -> str:
    """SQL: the node name of an event at `level` (labels for data named like generated nodes)."""
    value = f"CAST({ident(level)} AS VARCHAR)"
    # only values starting with a generated name can clash with one or with its label
    starts = " OR ".join(f"{value} LIKE {lit(name + '%')}" for name in GENERATED_NODES)
    found = runner.frame(f"SELECT DISTINCT {value} AS v FROM {ident(events)} WHERE {starts}")
    return node_expression(data_labels(found["v"].tolist(), level), level)


def _path_nodes(runner: Runner, events: str, level: str) -> tuple[str, list[str] | None]:
    """The node expression at `level` and, on DuckDB with few nodes, every name it gives."""
    if runner.dialect != DUCKDB:
        return node_sql(runner, events, level), None
    values = distinct_text(runner, events, level)
    labels = data_labels(values, level)
    names = sorted({labels.get(v, v) for v in values} | {MISSING_NODE})
    return node_expression(labels, level), (names if len(names) <= ENUM_MAX_VALUES else None)


def path_sql(
    events: str,
    node: str,
    keep_repeats: bool,
    phase: bool = False,
    names: Sequence[str] | None = None,
) -> str:
    """SQL: the path table (one row per kept event) from `events` and a node expression.

    Columns c, node, position (1-based), next_node (NULL at the path's end), run_start (the
    event starts a run of equal nodes: the folding volume), converted (0/1, per customer),
    days (last - first event time of the customer, all events counted), conv_after (0/1: a
    conversion at or after this event, in the raw path), and with `phase` the event's phase.
    `names` (DuckDB), every name `node` gives: the windows sort the nodes as an ENUM of them;
    the table holds text all the same.
    """
    c, ts, row = ident(CUSTOMER_ID), ident(TIMESTAMP), ident(ROW)
    order = "PARTITION BY c ORDER BY ts, r"
    with_phase = f", {ident(PHASE)} AS phase" if phase else ""
    phase_out = ", phase" if phase else ""
    node_out, next_out = "node", f"lead(node) OVER ({order})"
    if names is not None:
        node = f"CAST({node} AS ENUM {lit_list(names)})"
        node_out, next_out = "CAST(node AS VARCHAR)", f"CAST({next_out} AS VARCHAR)"
    return (
        f"WITH named AS (SELECT {c} AS c, {node} AS node, {ts} AS ts, {row} AS r, "
        f"CASE WHEN {ident(CONVERSION)} THEN 1 ELSE 0 END AS conv{with_phase} "
        f"FROM {ident(events)}), "
        f"marked AS (SELECT c, node, ts, r{phase_out}, lag(node) OVER ({order}) AS prev, "
        f"max(conv) OVER ({order} ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) "
        f"AS conv_after, max(conv) OVER (PARTITION BY c) AS converted, "
        f"{days_between('min(ts) OVER (PARTITION BY c)', 'max(ts) OVER (PARTITION BY c)')} "
        f"AS days FROM named), "
        f"kept AS (SELECT *, prev IS NULL OR prev <> node AS run_start FROM marked) "
        f"SELECT c, {node_out} AS node, converted, days, run_start, conv_after{phase_out}, "
        f"row_number() OVER ({order}) AS position, {next_out} AS next_node "
        f"FROM kept WHERE {lit(keep_repeats)} OR run_start"
    )


def path_select(
    runner: Runner, events: str, level: str, keep_repeats: bool, phase: bool = False
) -> str:
    """The checked path-table SELECT of `events` at `level` (see `path_sql`)."""
    if phase:
        _check(runner, events, level, PHASE)
    else:
        _check(runner, events, level)
    node, names = _path_nodes(runner, events, level)
    return path_sql(events, node, keep_repeats, phase, names)


@contextmanager
def path_table(
    runner: Runner, events: str, level: str, keep_repeats: bool, phase: bool = False
) -> Iterator[str]:
    """Build the path table (see `path_sql`) as a temporary relation; yield its name.

    A row subset of a prepared file gets it from the file's path index without a sort
    (`ordered.path_arrow`, DuckDB); any other relation from `path_sql`.
    """
    name = temp_name("journey_path")
    fast = ordered.path_arrow(runner, events, level, keep_repeats, phase)
    if fast is not None and isinstance(runner, DuckDBRunner):
        runner.register_arrow(name, fast)
    else:
        runner.table(name, path_select(runner, events, level, keep_repeats, phase))
    try:
        yield name
    finally:
        runner.drop(name)


# -- folding ---------------------------------------------------------------------------------


def _volumes(runner: Runner, path: str) -> pd.DataFrame:
    """Node and volume (events after collapsing repeats), by volume descending, then node."""
    found = runner.frame(
        f"SELECT node, count(*) AS volume FROM {ident(path)} WHERE run_start GROUP BY node"
    )
    frame = typed(found, {"node": "str", "volume": "int64"})
    ranked = sorted(zip(frame["node"], frame["volume"], strict=True), key=lambda x: (-x[1], x[0]))
    return pd.DataFrame(
        {
            "node": pd.array([n for n, _ in ranked], dtype="str"),
            "volume": pd.array([v for _, v in ranked], dtype="int64"),
        }
    )


def _fold(volumes: pd.DataFrame, top_k: int) -> FoldResult:
    """Keep the first `top_k` ranked nodes (0: all); the rest fold into Other."""
    if top_k < 0:
        raise SettingsError(f"top-K must be 0 (keep all) or more, got {top_k}")
    names = [str(n) for n in volumes["node"]]
    kept = names if top_k == 0 else names[:top_k]
    folded = names[len(kept) :]
    if not folded:
        return FoldResult({n: n for n in names}, 0, 0, kept)
    mapping = {n: (n if i < len(kept) else OTHER) for i, n in enumerate(names)}
    volume = int(volumes["volume"].iloc[len(kept) :].sum())
    return FoldResult(mapping, len(folded), volume, kept)


KEEP_ALL: Final = FoldResult({}, 0, 0, [])  # no folding (top-K 0): no volumes needed


def _folded(column: str, fold: FoldResult) -> str:
    """SQL: a node column with folded nodes named Other (NULL stays NULL)."""
    if not fold.n_folded:
        return column
    return (
        f"CASE WHEN {column} IS NULL THEN NULL "
        f"WHEN {column} IN {lit_list(fold.kept)} THEN {column} ELSE {lit(OTHER)} END"
    )


def node_volumes(runner: Runner, events: str, level: str = CHANNEL) -> pd.DataFrame:
    """Columns node, volume (events after collapsing repeats); by volume desc, then node."""
    with path_table(runner, events, level, keep_repeats=False) as path:
        return _volumes(runner, path)


def fold_nodes(runner: Runner, events: str, level: str = CHANNEL, top_k: int = 0) -> FoldResult:
    """`flows.fold_nodes`: the top K nodes by volume (ties by name) keep their names."""
    if top_k < 0:
        raise SettingsError(f"top-K must be 0 (keep all) or more, got {top_k}")
    return _fold(node_volumes(runner, events, level), top_k)


# -- the aggregations on a path table --------------------------------------------------------


def _end() -> str:
    return f"CASE WHEN converted = 1 THEN {lit(CONVERTED)} ELSE {lit(NO_CONVERSION)} END"


def _transitions(runner: Runner, path: str, fold: FoldResult, end_nodes: bool) -> pd.DataFrame:
    node, following = _folded("node", fold), _folded("next_node", fold)
    table = ident(path)
    # per customer first (one pass over the path table, no distinct count over all its rows);
    # a generated source (Start) is never a data node's name (`node_sql` labels those), so a
    # customer's pair appears in one part only
    target = f"coalesce({following}, {_end()})" if end_nodes else following
    parts = [
        f"SELECT {node} AS source, {target} AS target, c, count(*) AS n FROM {table}"
        + ("" if end_nodes else " WHERE next_node IS NOT NULL")
        + f" GROUP BY {node}, {target}, c"
    ]
    if end_nodes:
        parts.append(
            f"SELECT {lit(START)} AS source, {node} AS target, c, count(*) AS n FROM {table} "
            f"WHERE position = 1 GROUP BY {node}, c"
        )
    found = runner.frame(
        f"WITH per AS ({' UNION ALL '.join(parts)}) "
        "SELECT source, target, CAST(sum(n) AS BIGINT) AS count, count(*) AS customers "
        "FROM per GROUP BY source, target ORDER BY count DESC, source, target"
    )
    return typed(found, TRANSITION_COLUMNS)


def _steps(runner: Runner, path: str, fold: FoldResult, steps: int) -> pd.DataFrame:
    table, end = ident(path), _end()
    numbers = ", ".join(f"({k})" for k in range(1, steps))
    found = runner.frame(
        f"WITH inside AS (SELECT position AS step, {_folded('node', fold)} AS source, "
        f"coalesce({_folded('next_node', fold)}, {end}) AS target "
        f"FROM {table} WHERE position < {int(steps)}), "
        # each path that ended before the last step stays in its end node at every later step
        f"ended AS (SELECT position AS length, {end} AS node, count(*) AS n FROM {table} "
        f"WHERE next_node IS NULL AND position < {int(steps)} GROUP BY position, {end}), "
        f"flows AS (SELECT step, source, target, count(*) AS count FROM inside "
        f"GROUP BY step, source, target "
        f"UNION ALL SELECT s.step, e.node AS source, e.node AS target, sum(e.n) AS count "
        f"FROM ended AS e JOIN (VALUES {numbers}) AS s(step) ON s.step > e.length "
        f"GROUP BY s.step, e.node) "
        "SELECT step, source, target, sum(count) AS count FROM flows "
        "GROUP BY step, source, target ORDER BY step, count DESC, source, target"
    )
    return typed(found, STEP_COLUMNS)


# Order-aware fingerprints of a path: sums over its events of hashes of (node, position).
# Equal paths have equal sums; unequal ones collide only by chance (three independent 64-bit
# hashes on DuckDB: odds under 1e-40 per pair of paths). Paths are grouped by them, and only
# one customer per group shown has its path string built, instead of one per customer.
_PATH_HASHES: Final = ("node, position", "position, node, 'b'", "'c', node, position")


def _top_paths(runner: Runner, path: str, n: int) -> pd.DataFrame:
    if n < 0:
        raise SettingsError(f"the number of top paths must be 0 (all) or more, got {n}")
    table = ident(path)
    sums = ", ".join(f"sum(hash({args})) AS h{i}" for i, args in enumerate(_PATH_HASHES))
    keys = ", ".join(f"h{i}" for i in range(len(_PATH_HASHES)))
    # the groups shown: the n biggest, with every group tied with the n-th (ties by path)
    chosen = (
        "SELECT * FROM groups WHERE customers >= (SELECT min(customers) FROM "
        f"(SELECT customers FROM groups ORDER BY customers DESC LIMIT {int(n)}) AS t)"
        if n > 0
        else "SELECT * FROM groups"
    )
    found = runner.frame(
        f"WITH per_customer AS (SELECT c, {sums}, count(*) AS length, max(converted) AS "
        f"converted, max(days) AS days FROM {table} GROUP BY c), "
        "total AS (SELECT count(*) AS n_customers FROM per_customer), "
        f"groups AS (SELECT {keys}, length, count(*) AS customers, "
        "avg(CAST(converted AS DOUBLE)) AS conversion_rate, "
        "median(days) AS median_duration_days, min(c) AS rep "
        f"FROM per_customer GROUP BY {keys}, length), "
        f"chosen AS ({chosen}), "
        f"named AS (SELECT c, string_agg(node, {lit(PATH_SEPARATOR)} ORDER BY position) AS path "
        f"FROM {table} WHERE c IN (SELECT rep FROM chosen) GROUP BY c) "
        "SELECT named.path AS path, chosen.length AS length, chosen.customers AS customers, "
        "CAST(chosen.customers AS DOUBLE) / total.n_customers AS share, "
        "chosen.conversion_rate AS conversion_rate, "
        "chosen.median_duration_days AS median_duration_days "
        "FROM chosen JOIN named ON named.c = chosen.rep CROSS JOIN total "
        "ORDER BY customers DESC, path" + (f" LIMIT {int(n)}" if n > 0 else "")
    )
    return typed(found, TOP_PATH_COLUMNS)


def check_steps(steps: int, top_k: int) -> None:
    """Raise a SettingsError for fewer than 2 steps or a negative top-K."""
    if steps < 2:
        raise SettingsError(f"step flows need at least 2 steps, got {steps}")
    if top_k < 0:
        raise SettingsError(f"top-K must be 0 (keep all) or more, got {top_k}")


def fold_of(runner: Runner, path: str, top_k: int) -> FoldResult:
    """How a path table's nodes fold at `top_k` (0: keep all), as `step_flows_with_fold`."""
    return _fold(_volumes(runner, path), top_k)


def steps_on_path(runner: Runner, path: str, fold: FoldResult, steps: int) -> pd.DataFrame:
    """`step_flows` of a path table (see `path_table`) folded by `fold`."""
    return _steps(runner, path, fold, steps)


def top_paths_on_path(runner: Runner, path: str, n: int = 20) -> pd.DataFrame:
    """`top_paths` of a path table (see `path_table`)."""
    return _top_paths(runner, path, n)


def transitions_on_path(runner: Runner, path: str, end_nodes: bool = False) -> pd.DataFrame:
    """Unfolded `transitions` of a path table (see `path_table`)."""
    return _transitions(runner, path, KEEP_ALL, end_nodes)


# -- public queries --------------------------------------------------------------------------


def transitions(
    runner: Runner,
    events: str,
    level: str = CHANNEL,
    keep_repeats: bool = False,
    end_nodes: bool = False,
    top_k: int = 0,
) -> pd.DataFrame:
    """`flows.count_transitions`: source, target, count, customers; by count desc, names."""
    check_steps(2, top_k)
    with path_table(runner, events, level, keep_repeats) as path:
        fold = _fold(_volumes(runner, path), top_k) if top_k else KEEP_ALL
        return _transitions(runner, path, fold, end_nodes)


def step_flows_with_fold(
    runner: Runner,
    events: str,
    level: str = CHANNEL,
    steps: int = 5,
    keep_repeats: bool = False,
    top_k: int = 0,
) -> tuple[pd.DataFrame, FoldResult]:
    """`flows.step_flows_with_fold`: step, source, target, count, and how nodes were folded."""
    check_steps(steps, top_k)
    with path_table(runner, events, level, keep_repeats) as path:
        fold = fold_of(runner, path, top_k)
        return _steps(runner, path, fold, steps), fold


def step_flows(
    runner: Runner,
    events: str,
    level: str = CHANNEL,
    steps: int = 5,
    keep_repeats: bool = False,
    top_k: int = 0,
) -> pd.DataFrame:
    """`flows.step_flows`: step, source, target, count; each step sums to the customers."""
    if top_k:
        return step_flows_with_fold(runner, events, level, steps, keep_repeats, top_k)[0]
    check_steps(steps, top_k)
    with path_table(runner, events, level, keep_repeats) as path:
        return _steps(runner, path, KEEP_ALL, steps)


def top_paths(
    runner: Runner, events: str, level: str = CHANNEL, keep_repeats: bool = False, n: int = 20
) -> pd.DataFrame:
    """`flows.top_paths`: path, length, customers, share, conversion_rate, median days."""
    with path_table(runner, events, level, keep_repeats) as path:
        return _top_paths(runner, path, n)


def flows(
    runner: Runner,
    events: str,
    level: str = CHANNEL,
    steps: int = 5,
    keep_repeats: bool = False,
    top_k: int = 0,
    end_nodes: bool = False,
    n: int | None = 20,
) -> Flows:
    """Transitions and step flows (folded by top_k), the fold, and top paths (never folded).

    `n` None skips the top paths (one string per customer to build): they come back empty.
    """
    check_steps(steps, top_k)
    with path_table(runner, events, level, keep_repeats) as path:
        fold = _fold(_volumes(runner, path), top_k)
        return Flows(
            transitions=_transitions(runner, path, fold, end_nodes),
            steps=_steps(runner, path, fold, steps),
            fold=fold,
            top_paths=(
                typed(pd.DataFrame(columns=list(TOP_PATH_COLUMNS)), TOP_PATH_COLUMNS)
                if n is None
                else _top_paths(runner, path, n)
            ),
        )


def phase_flows(runner: Runner, events: str, level: str = CHANNEL) -> pd.DataFrame:
    """`flows.phase_flows`: links between the nodes of consecutive reached phases.

    Returns:
        Columns source_phase, source, target_phase, target, customers (distinct customers
        with that link); by source and target phase in Phase order, customers descending,
        source, target.
    """
    fast = ordered.phase_nodes(runner, events, level)
    if fast is not None and isinstance(runner, DuckDBRunner):
        name = temp_name("journey_phase_nodes")
        runner.register_arrow(name, fast)
        try:
            table = ident(name)
            return _phase_links(
                runner, f"SELECT c, p, n FROM {table}", f"SELECT c, p, n, q FROM {table}"
            )
        finally:
            runner.drop(name)
    _check(runner, events, level, PHASE)
    phase = ident(PHASE)
    unknown = runner.scalar(
        f"SELECT count(*) FROM {ident(events)} "
        f"WHERE {phase} IS NULL OR {phase} NOT IN {lit_list(_PHASES)}"
    )
    if unknown:
        raise SettingsError("some events have no known phase: assign phases first")
    rank = "CASE " + " ".join(f"WHEN {phase} = {lit(p)} THEN {i}" for i, p in enumerate(_PHASES))
    return _phase_links(
        runner,
        f"SELECT DISTINCT {ident(CUSTOMER_ID)} AS c, {rank} END AS p, "
        f"{node_sql(runner, events, level)} AS n FROM {ident(events)}",
    )


def _phase_links(runner: Runner, distinct: str, nexts: str | None = None) -> pd.DataFrame:
    """Phase flows from `distinct`: a SELECT of distinct (customer c, phase rank p, node n).

    `nexts` selects the same rows with q, the rank of the next phase the customer reached
    (`ordered.phase_nodes` has it); without it, q is worked out here.
    """
    name = "CASE " + " ".join(f"WHEN {{v}} = {i} THEN {lit(p)}" for i, p in enumerate(_PHASES))
    # the next phase a customer reached: a flag per phase, no sort (a window) per customer
    later = range(1, len(_PHASES))
    flags = ", ".join(f"max(CASE WHEN p = {i} THEN 1 ELSE 0 END) AS r{i}" for i in later)
    following = " ".join(f"WHEN t.p < {i} AND r.r{i} = 1 THEN {i}" for i in later)
    with_next = (
        f"nexts AS ({nexts}), "
        if nexts is not None
        else f"reached AS (SELECT c, {flags} FROM t GROUP BY c), "
        f"nexts AS (SELECT t.c, t.p, t.n, CASE {following} END AS q "
        "FROM t JOIN reached AS r ON r.c = t.c), "
    )
    found = runner.frame(
        f"WITH t AS ({distinct}), {with_next}"
        "links AS (SELECT a.p, a.n, a.q, b.n AS m FROM nexts AS a "
        "JOIN t AS b ON b.c = a.c AND b.p = a.q) "
        f"SELECT {name.format(v='p')} END AS source_phase, n AS source, "
        f"{name.format(v='q')} END AS target_phase, m AS target, count(*) AS customers "
        "FROM links GROUP BY p, n, q, m ORDER BY p, q, customers DESC, n, m"
    )
    return typed(found, PHASE_FLOW_COLUMNS)
