"""Transitions, step flows and top paths as DuckDB SQL (embedded, in-process).

The same semantics as `journey.query.flows` (the readable reference every engine is tested
against): paths ordered by timestamp then `row`, consecutive repeats collapsed unless
`keep_repeats`, end nodes Converted / No conversion, folding by collapsed volume (ties by
name) applied after the path is built, data values named like generated nodes labelled with
their level (`journey.query.nodes`). Inputs are a pandas frame in the canonical columns or
a Parquet/CSV file in them (as the workspace and `bench/flows.py` write it).

SQL safety: values travel as `?` parameters; identifiers come only from schema constants and
this module's own table names, through `_sql`, the one place that formats SQL text.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from journey.errors import SettingsError
from journey.query.nodes import data_labels
from journey.schema import (
    CAMPAIGN,
    CHANNEL,
    CONVERSION,
    CONVERTED,
    CUSTOMER_ID,
    EVENT_TYPE,
    GENERATED_NODES,
    LEVELS,
    MISSING_NODE,
    NO_CONVERSION,
    OTHER,
    PATH_SEPARATOR,
    PHASE,
    ROW,
    START,
    TIMESTAMP,
    TOUCHPOINT,
)

Source = pd.DataFrame | str | Path

_EVENTS = "journey_events"
_PATH = "journey_path"
_IDENTIFIERS = frozenset(
    {CUSTOMER_ID, TIMESTAMP, ROW, CONVERSION, *LEVELS, TOUCHPOINT, EVENT_TYPE, CAMPAIGN}
    | {_EVENTS, _PATH}
)


def _quote(identifier: str) -> str:
    if identifier not in _IDENTIFIERS:
        raise SettingsError(f"no such column for the SQL engine: {identifier!r}")
    return '"' + identifier.replace('"', '""') + '"'


def _sql(template: str, **identifiers: str) -> str:
    """Fill a SQL template's {placeholders} with quoted identifiers (never values)."""
    return template.format(**{k: _quote(v) for k, v in identifiers.items()})


def connect(database: str = ":memory:") -> duckdb.DuckDBPyConnection:
    """Open an in-process DuckDB connection (in memory by default)."""
    return duckdb.connect(database)


@contextmanager
def _events_view(con: duckdb.DuckDBPyConnection, source: Source) -> Iterator[None]:
    """Expose the source as the view `journey_events` for the duration of a query."""
    if isinstance(source, pd.DataFrame):
        con.register(_EVENTS, source)
        try:
            yield
        finally:
            con.unregister(_EVENTS)
        return
    path = Path(source)
    if not path.exists():
        raise SettingsError(f"{path}: no such file")
    suffix = path.suffix.lower()
    relation = con.read_parquet(str(path)) if suffix == ".parquet" else con.read_csv(str(path))
    relation.create_view(_EVENTS, replace=True)
    try:
        yield
    finally:
        con.execute(_sql("DROP VIEW IF EXISTS {v}", v=_EVENTS))


# One pass over the events builds the path table: the kept events (all of them with repeats
# kept, else the first of each run) with their 1-based position, the next node, and per
# customer whether they converted and how long their whole path took (all events counted).
# `run_start` marks collapsed-volume events, so folding reads its volume from this table too.
# A node is the data value's label (the value itself unless it is named like a generated
# node: the first list parameter holds those values, the second their labels), or "(missing)".
_BUILD_PATH = """
CREATE OR REPLACE TEMP TABLE {path} AS
WITH named AS (
    SELECT *, coalesce((?::VARCHAR[])[list_position(?::VARCHAR[], CAST({level} AS VARCHAR))],
                       CAST({level} AS VARCHAR), ?) AS journey_node
    FROM {events}
), marked AS (
    SELECT {c} AS c, journey_node AS node, {ts} AS ts, {row} AS r,
           lag(journey_node) OVER (PARTITION BY {c} ORDER BY {ts}, {row}) AS prev,
           bool_or(coalesce({conv}, FALSE)) OVER (PARTITION BY {c}) AS converted,
           (epoch_us(max({ts}) OVER (PARTITION BY {c}))
               - epoch_us(min({ts}) OVER (PARTITION BY {c}))) / 86400000000.0 AS days
    FROM named
), kept AS (
    SELECT *, prev IS NULL OR prev <> node AS run_start FROM marked
)
SELECT c, node, converted, days, run_start,
       row_number() OVER (PARTITION BY c ORDER BY ts, r) AS position,
       lead(node) OVER (PARTITION BY c ORDER BY ts, r) AS next_node
FROM kept WHERE ? OR run_start
"""

# Top K by volume (collapsed events, ties by name) keep their name, the rest become Other;
# applied to the built path, so positions never move.
_FOLD_PATH = """
CREATE OR REPLACE TEMP TABLE {path} AS
WITH volume AS (
    SELECT node, count(*) AS volume FROM {path} WHERE run_start GROUP BY node
), fold AS (
    SELECT node, CASE WHEN row_number() OVER (ORDER BY volume DESC, node) <= ? THEN node
                      ELSE ? END AS shown
    FROM volume
)
SELECT p.c, f.shown AS node, p.converted, p.days, p.run_start, p.position,
       g.shown AS next_node
FROM {path} p JOIN fold f ON f.node = p.node LEFT JOIN fold g ON g.node = p.next_node
"""

_TRANSITIONS = """
WITH pairs AS (
    SELECT c, node AS source, next_node AS target FROM {path} WHERE next_node IS NOT NULL
    UNION ALL
    SELECT c, ? AS source, node AS target FROM {path} WHERE ? AND position = 1
    UNION ALL
    SELECT c, node AS source, CASE WHEN converted THEN ? ELSE ? END AS target
    FROM {path} WHERE ? AND next_node IS NULL
)
SELECT source, target, count(*) AS count, count(DISTINCT c) AS customers
FROM pairs GROUP BY source, target
ORDER BY count DESC, source, target
"""

# Step k -> k+1 inside a path, then each ended path (its last row, position = length) stays
# in its end node for every later step.
_STEPS = """
WITH inside AS (
    SELECT position AS step, node AS source,
           coalesce(next_node, CASE WHEN converted THEN ? ELSE ? END) AS target
    FROM {path} WHERE position < ?
), ended AS (
    SELECT position AS length, CASE WHEN converted THEN ? ELSE ? END AS node, count(*) AS n
    FROM {path} WHERE next_node IS NULL AND position < ?
    GROUP BY ALL
), flows AS (
    SELECT step, source, target, count(*) AS count FROM inside GROUP BY ALL
    UNION ALL
    SELECT s.step, e.node AS source, e.node AS target, sum(e.n) AS count
    FROM ended e JOIN range(1, ?) s(step) ON s.step > e.length
    GROUP BY ALL
)
SELECT CAST(step AS BIGINT) AS step, source, target, CAST(sum(count) AS BIGINT) AS count
FROM flows GROUP BY step, source, target
ORDER BY step, count DESC, source, target
"""

_TOP_PATHS = """
WITH per_customer AS (
    SELECT string_agg(node, ? ORDER BY position) AS path, count(*) AS length,
           any_value(converted) AS converted, any_value(days) AS days
    FROM {path} GROUP BY c
)
SELECT path, CAST(any_value(length) AS BIGINT) AS length, count(*) AS customers,
       count(*) / ? AS share,
       avg(CAST(converted AS DOUBLE)) AS conversion_rate,
       median(days) AS median_duration_days
FROM per_customer
GROUP BY path
ORDER BY customers DESC, path
LIMIT ?
"""


def _check_level(con: duckdb.DuckDBPyConnection, level: str) -> None:
    columns = {row[0] for row in con.execute(_sql("DESCRIBE {v}", v=_EVENTS)).fetchall()}
    missing = [c for c in (CUSTOMER_ID, TIMESTAMP, ROW, CONVERSION, level) if c not in columns]
    if missing:
        raise SettingsError(f"events have no column(s) {', '.join(missing)}")
    if level == PHASE:
        empty = con.execute(_sql("SELECT count(*) FROM {v} WHERE {p} IS NULL", v=_EVENTS, p=PHASE))
        if empty.fetchall()[0][0]:
            raise SettingsError("some events have no phase: assign phases before using level phase")


# Data values named like a generated node; only when there are any, every distinct value
# (a label must not take the name of another value).
_CLASHES = """
SELECT DISTINCT CAST({level} AS VARCHAR) FROM {v}
WHERE list_contains(?, CAST({level} AS VARCHAR))
"""
_VALUES = "SELECT DISTINCT CAST({level} AS VARCHAR) FROM {v} WHERE {level} IS NOT NULL"


def _labels(con: duckdb.DuckDBPyConnection, level: str) -> dict[str, str]:
    """Labels of the data values named like generated nodes (`journey.query.nodes`)."""
    clashes = con.execute(_sql(_CLASHES, level=level, v=_EVENTS), [list(GENERATED_NODES)])
    if not clashes.fetchall():
        return {}
    values = con.execute(_sql(_VALUES, level=level, v=_EVENTS)).fetchall()
    return data_labels([value for (value,) in values], level)


def _build(con: duckdb.DuckDBPyConnection, level: str, keep_repeats: bool) -> None:
    """Build the path table the aggregations read."""
    _quote(level)  # an unknown level never reaches SQL text
    _check_level(con, level)
    labels = _labels(con, level)
    names = {"c": CUSTOMER_ID, "ts": TIMESTAMP, "row": ROW, "conv": CONVERSION}
    query = _sql(_BUILD_PATH, path=_PATH, level=level, events=_EVENTS, **names)
    con.execute(query, [list(labels.values()), list(labels), MISSING_NODE, keep_repeats])


def _fold(con: duckdb.DuckDBPyConnection, top_k: int) -> None:
    """Rename nodes beyond the top K by volume to Other in the path table (0 keeps all)."""
    if top_k < 0:
        raise SettingsError(f"top-K must be 0 (keep all) or more, got {top_k}")
    if top_k > 0:
        con.execute(_sql(_FOLD_PATH, path=_PATH), [top_k, OTHER])


@contextmanager
def _session(
    source: Source, level: str, keep_repeats: bool, con: duckdb.DuckDBPyConnection | None
) -> Iterator[duckdb.DuckDBPyConnection]:
    own = con is None
    connection = connect() if con is None else con
    try:
        with _events_view(connection, source):
            _build(connection, level, keep_repeats)
            yield connection
    finally:
        connection.execute(_sql("DROP TABLE IF EXISTS {t}", t=_PATH))
        if own:
            connection.close()


def _transitions(con: duckdb.DuckDBPyConnection, end_nodes: bool) -> pd.DataFrame:
    query = _sql(_TRANSITIONS, path=_PATH)
    params = [START, end_nodes, CONVERTED, NO_CONVERSION, end_nodes]
    out = con.execute(query, params).df()
    return _typed(out, {"source": "str", "target": "str", "count": "int64", "customers": "int64"})


def _steps(con: duckdb.DuckDBPyConnection, steps: int) -> pd.DataFrame:
    if steps < 2:
        raise SettingsError(f"step flows need at least 2 steps, got {steps}")
    query = _sql(_STEPS, path=_PATH)
    ends = [CONVERTED, NO_CONVERSION]
    out = con.execute(query, [*ends, steps, *ends, steps, steps]).df()
    return _typed(out, {"step": "int64", "source": "str", "target": "str", "count": "int64"})


def _top(con: duckdb.DuckDBPyConnection, n: int) -> pd.DataFrame:
    count = _sql("SELECT count(*) FROM {path} WHERE position = 1", path=_PATH)
    n_customers = con.execute(count).fetchall()[0][0]
    query = _sql(_TOP_PATHS, path=_PATH)
    out = con.execute(query, [PATH_SEPARATOR, max(n_customers, 1), n if n > 0 else None]).df()
    return _typed(
        out,
        {
            "path": "str",
            "length": "int64",
            "customers": "int64",
            "share": "float64",
            "conversion_rate": "float64",
            "median_duration_days": "float64",
        },
    )


def _typed(frame: pd.DataFrame, dtypes: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({c: frame[c].astype(d) for c, d in dtypes.items()})


def count_transitions(
    source: Source,
    level: str = CHANNEL,
    keep_repeats: bool = False,
    end_nodes: bool = False,
    top_k: int = 0,
    con: duckdb.DuckDBPyConnection | None = None,
) -> pd.DataFrame:
    """`flows.count_transitions` in DuckDB: source, target, count, customers."""
    with _session(source, level, keep_repeats, con) as connection:
        _fold(connection, top_k)
        return _transitions(connection, end_nodes)


def step_flows(
    source: Source,
    level: str = CHANNEL,
    steps: int = 5,
    keep_repeats: bool = False,
    top_k: int = 0,
    con: duckdb.DuckDBPyConnection | None = None,
) -> pd.DataFrame:
    """`flows.step_flows` in DuckDB: step, source, target, count."""
    with _session(source, level, keep_repeats, con) as connection:
        _fold(connection, top_k)
        return _steps(connection, steps)


def top_paths(
    source: Source,
    level: str = CHANNEL,
    keep_repeats: bool = False,
    n: int = 20,
    con: duckdb.DuckDBPyConnection | None = None,
) -> pd.DataFrame:
    """`flows.top_paths` in DuckDB: path, length, customers, share, conversion_rate, days."""
    with _session(source, level, keep_repeats, con) as connection:
        return _top(connection, n)


@dataclass(frozen=True)
class Flows:
    """Transitions, step flows and top paths computed from one path table."""

    transitions: pd.DataFrame
    steps: pd.DataFrame
    top_paths: pd.DataFrame


def flows(
    source: Source,
    level: str = CHANNEL,
    steps: int = 5,
    keep_repeats: bool = False,
    top_k: int = 0,
    end_nodes: bool = False,
    n: int = 20,
    con: duckdb.DuckDBPyConnection | None = None,
) -> Flows:
    """Top paths (never folded), then transitions and step flows (folded by top_k), at once."""
    if steps < 2:
        raise SettingsError(f"step flows need at least 2 steps, got {steps}")
    with _session(source, level, keep_repeats, con) as connection:
        top = _top(connection, n)
        _fold(connection, top_k)
        return Flows(_transitions(connection, end_nodes), _steps(connection, steps), top)
