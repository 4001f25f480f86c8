"""Transitions, step flows and top paths as DuckDB SQL (embedded, in-process).

The same semantics as `journey.paths` (the readable reference every engine is tested
against): paths ordered by timestamp then `row`, consecutive repeats collapsed unless
`keep_repeats`, end nodes Converted / No conversion, folding by collapsed volume (ties by
name) applied after the path is built. Inputs are a pandas frame in the canonical columns or
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
from journey.paths import MISSING_NODE, PATH_SEPARATOR
from journey.schema import (
    CAMPAIGN,
    CHANNEL,
    CONVERSION,
    CONVERTED,
    CUSTOMER_ID,
    EVENT_TYPE,
    LEVELS,
    NO_CONVERSION,
    OTHER,
    PHASE,
    ROW,
    START,
    TIMESTAMP,
    TOUCHPOINT,
)

Source = pd.DataFrame | str | Path

_EVENTS = "journey_events"
_PATH = "journey_path"
_CUSTOMERS = "journey_customers"
_FOLD = "journey_fold"
_IDENTIFIERS = frozenset(
    {CUSTOMER_ID, TIMESTAMP, ROW, CONVERSION, *LEVELS, TOUCHPOINT, EVENT_TYPE, CAMPAIGN}
    | {_EVENTS, _PATH, _CUSTOMERS, _FOLD}
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


_BUILD_PATH = """
CREATE OR REPLACE TEMP TABLE {path} AS
WITH ordered AS (
    SELECT {c} AS c, coalesce(CAST({level} AS VARCHAR), ?) AS node, {ts} AS ts, {row} AS r
    FROM {events}
), marked AS (
    SELECT *, lag(node) OVER (PARTITION BY c ORDER BY ts, r) AS prev FROM ordered
)
SELECT c, node,
       row_number() OVER (PARTITION BY c ORDER BY ts, r) AS position,
       lead(node) OVER (PARTITION BY c ORDER BY ts, r) AS next_node
FROM marked WHERE ? OR prev IS NULL OR prev <> node
"""

_BUILD_CUSTOMERS = """
CREATE OR REPLACE TEMP TABLE {customers} AS
SELECT {c} AS c, bool_or(coalesce({conv}, FALSE)) AS converted,
       (epoch_us(max({ts})) - epoch_us(min({ts}))) / 86400000000.0 AS days
FROM {events} GROUP BY {c}
"""

# Folding volume = events at the level after collapsing repeats: the collapsed path table
# holds exactly those; with repeats kept, count run starts over the raw events instead.
_COLLAPSED_VOLUME = """
SELECT node, count(*) AS volume FROM {path} GROUP BY node
"""
_RUN_VOLUME = """
WITH ordered AS (
    SELECT {c} AS c, coalesce(CAST({level} AS VARCHAR), ?) AS node, {ts} AS ts, {row} AS r
    FROM {events}
), marked AS (
    SELECT node, lag(node) OVER (PARTITION BY c ORDER BY ts, r) AS prev FROM ordered
)
SELECT node, count(*) AS volume FROM marked WHERE prev IS NULL OR prev <> node GROUP BY node
"""
_BUILD_FOLD = """
CREATE OR REPLACE TEMP TABLE {fold} AS
SELECT node,
       CASE WHEN ? = 0 OR row_number() OVER (ORDER BY volume DESC, node) <= ? THEN node
            ELSE ? END AS shown
FROM volume
"""

_TRANSITIONS = """
WITH pairs AS (
    SELECT p.c, fs.shown AS source, ft.shown AS target
    FROM {path} p JOIN {fold} fs ON fs.node = p.node JOIN {fold} ft ON ft.node = p.next_node
    UNION ALL
    SELECT p.c, ? AS source, f.shown AS target
    FROM {path} p JOIN {fold} f ON f.node = p.node WHERE ? AND p.position = 1
    UNION ALL
    SELECT p.c, f.shown AS source, CASE WHEN k.converted THEN ? ELSE ? END AS target
    FROM {path} p JOIN {fold} f ON f.node = p.node JOIN {customers} k ON k.c = p.c
    WHERE ? AND p.next_node IS NULL
)
SELECT source, target, count(*) AS count, count(DISTINCT c) AS customers
FROM pairs GROUP BY source, target
ORDER BY count DESC, source, target
"""

_STEPS = """
WITH lengths AS (
    SELECT c, max(position) AS length FROM {path} GROUP BY c
), inside AS (
    SELECT p.position AS step, fs.shown AS source,
           coalesce(ft.shown, CASE WHEN k.converted THEN ? ELSE ? END) AS target
    FROM {path} p
    JOIN {customers} k ON k.c = p.c
    JOIN {fold} fs ON fs.node = p.node
    LEFT JOIN {fold} ft ON ft.node = p.next_node
    WHERE p.position < ?
), ended AS (
    SELECT least(l.length, ?) AS length, CASE WHEN k.converted THEN ? ELSE ? END AS node,
           count(*) AS n
    FROM lengths l JOIN {customers} k ON k.c = l.c
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
    SELECT c, string_agg(node, ? ORDER BY position) AS path, count(*) AS length
    FROM {path} GROUP BY c
), total AS (SELECT count(*) AS n FROM {customers})
SELECT q.path, CAST(any_value(q.length) AS BIGINT) AS length, count(*) AS customers,
       count(*) / any_value(total.n) AS share,
       avg(CAST(k.converted AS DOUBLE)) AS conversion_rate,
       median(k.days) AS median_duration_days
FROM per_customer q JOIN {customers} k ON k.c = q.c CROSS JOIN total
GROUP BY q.path
ORDER BY customers DESC, q.path
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


def _prepare(con: duckdb.DuckDBPyConnection, level: str, keep_repeats: bool, top_k: int) -> None:
    """Build the path, customer and fold tables the aggregations read."""
    if top_k < 0:
        raise SettingsError(f"top-K must be 0 (keep all) or more, got {top_k}")
    _quote(level)  # an unknown level never reaches SQL text
    _check_level(con, level)
    names = {"c": CUSTOMER_ID, "ts": TIMESTAMP, "row": ROW, "level": level, "events": _EVENTS}
    con.execute(_sql(_BUILD_PATH, path=_PATH, **names), [MISSING_NODE, keep_repeats])
    customers = {"customers": _CUSTOMERS, "conv": CONVERSION}
    con.execute(_sql(_BUILD_CUSTOMERS, **customers, **names))
    if keep_repeats and top_k > 0:
        volume = con.execute(_sql(_RUN_VOLUME, **names), [MISSING_NODE]).df()
    else:
        volume = con.execute(_sql(_COLLAPSED_VOLUME, path=_PATH)).df()
    con.register("volume", volume)
    try:
        con.execute(_sql(_BUILD_FOLD, fold=_FOLD), [top_k, top_k, OTHER])
    finally:
        con.unregister("volume")


@contextmanager
def _session(
    source: Source,
    level: str,
    keep_repeats: bool,
    top_k: int,
    con: duckdb.DuckDBPyConnection | None,
) -> Iterator[duckdb.DuckDBPyConnection]:
    own = con is None
    connection = connect() if con is None else con
    try:
        with _events_view(connection, source):
            _prepare(connection, level, keep_repeats, top_k)
            yield connection
    finally:
        for table in (_PATH, _CUSTOMERS, _FOLD):
            connection.execute(_sql("DROP TABLE IF EXISTS {t}", t=table))
        if own:
            connection.close()


def _transitions(con: duckdb.DuckDBPyConnection, end_nodes: bool) -> pd.DataFrame:
    query = _sql(_TRANSITIONS, path=_PATH, fold=_FOLD, customers=_CUSTOMERS)
    params = [START, end_nodes, CONVERTED, NO_CONVERSION, end_nodes]
    out = con.execute(query, params).df()
    return _typed(out, {"source": "str", "target": "str", "count": "int64", "customers": "int64"})


def _steps(con: duckdb.DuckDBPyConnection, steps: int) -> pd.DataFrame:
    if steps < 2:
        raise SettingsError(f"step flows need at least 2 steps, got {steps}")
    query = _sql(_STEPS, path=_PATH, fold=_FOLD, customers=_CUSTOMERS)
    params = [CONVERTED, NO_CONVERSION, steps, steps, CONVERTED, NO_CONVERSION, steps]
    out = con.execute(query, params).df()
    return _typed(out, {"step": "int64", "source": "str", "target": "str", "count": "int64"})


def _top(con: duckdb.DuckDBPyConnection, n: int) -> pd.DataFrame:
    query = _sql(_TOP_PATHS, path=_PATH, customers=_CUSTOMERS)
    out = con.execute(query, [PATH_SEPARATOR, n if n > 0 else None]).df()
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
    """`paths.count_transitions` in DuckDB: source, target, count, customers."""
    with _session(source, level, keep_repeats, top_k, con) as connection:
        return _transitions(connection, end_nodes)


def step_flows(
    source: Source,
    level: str = CHANNEL,
    steps: int = 5,
    keep_repeats: bool = False,
    top_k: int = 0,
    con: duckdb.DuckDBPyConnection | None = None,
) -> pd.DataFrame:
    """`paths.step_flows` in DuckDB: step, source, target, count."""
    with _session(source, level, keep_repeats, top_k, con) as connection:
        return _steps(connection, steps)


def top_paths(
    source: Source,
    level: str = CHANNEL,
    keep_repeats: bool = False,
    n: int = 20,
    con: duckdb.DuckDBPyConnection | None = None,
) -> pd.DataFrame:
    """`paths.top_paths` in DuckDB: path, length, customers, share, conversion_rate, days."""
    with _session(source, level, keep_repeats, 0, con) as connection:
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
    """Transitions and step flows (folded by top_k) and top paths (never folded) at once."""
    with _session(source, level, keep_repeats, top_k, con) as connection:
        return Flows(
            _transitions(connection, end_nodes), _steps(connection, steps), _top(connection, n)
        )
