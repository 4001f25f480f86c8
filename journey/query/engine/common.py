"""Small pieces the engine's aggregation modules share: result typing and SQL snippets.

Results come back from DuckDB and Spark with engine-specific dtypes (int32 counts, object
text, nanosecond timestamps); `typed` gives every result the dtypes of the pandas reference.
The SQL snippets are written in DuckDB's dialect and translate to Spark unchanged in meaning.
The aggregation modules name their CTEs `q_...`: an input relation's name never starts so.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Final

import pandas as pd

from journey.query.engine.runner import Runner
from journey.query.engine.sql import ident, lit, lit_list
from journey.query.nodes import data_labels
from journey.schema import GENERATED_NODES, MISSING_NODE

US_PER_DAY = 86_400_000_000
EPOCH = "TIMESTAMP '1970-01-01 00:00:00'"


def typed(frame: pd.DataFrame, dtypes: Mapping[str, str]) -> pd.DataFrame:
    """Keep `dtypes`' columns in their order, each cast to its dtype (text as "str")."""
    out: dict[str, pd.Series] = {}
    for column, dtype in dtypes.items():
        values = frame[column]
        if dtype == "str":
            values = values.astype(object).where(values.notna(), None).astype("str")
        elif dtype.startswith("datetime64"):
            values = pd.to_datetime(values).astype(dtype)
        else:
            values = values.astype(dtype)
        out[column] = values.reset_index(drop=True)
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame)))


def micros(expression: str) -> str:
    """SQL: a TIMESTAMP expression as BIGINT microseconds since the epoch (both engines)."""
    return f"date_diff('microsecond', {EPOCH}, {expression})"


def days_between(start: str, end: str) -> str:
    """SQL: `end - start` in (fractional) days, as DOUBLE."""
    return f"CAST(date_diff('microsecond', {start}, {end}) AS DOUBLE) / {US_PER_DAY}.0"


def temp_name(prefix: str) -> str:
    """A fresh name for a temporary relation (drop it in `finally`)."""
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


def col(name: str, table: str | None = None) -> str:
    """SQL: a quoted column, optionally qualified by a table alias."""
    return f"{table}.{ident(name)}" if table else ident(name)


def relation_columns(runner: Runner, relation: str) -> list[str]:
    """The column names of a relation (reads no rows)."""
    return [str(c) for c in runner.frame(f"SELECT * FROM {ident(relation)} LIMIT 0").columns]


def generated_clashes(runner: Runner, events: str, level: str) -> dict[str, str]:
    """Labels of the data values at `level` named like a generated node (`query.nodes`)."""
    value = f"CAST({ident(level)} AS VARCHAR)"
    clash = runner.frame(
        f"SELECT DISTINCT {value} AS v FROM {ident(events)} WHERE {value} IN "
        f"{lit_list(GENERATED_NODES)}"
    )
    if clash.empty:
        return {}
    prefixes = " OR ".join(
        f"substring({value}, 1, {len(name)}) = {lit(name)}" for name in GENERATED_NODES
    )
    values = runner.frame(f"SELECT DISTINCT {value} AS v FROM {ident(events)} WHERE {prefixes}")
    return data_labels([str(v) for v in values["v"]], level)


def node_expression(
    labels: Mapping[str, str], level: str, missing: str | None = MISSING_NODE
) -> str:
    """SQL: the value at `level` as a node name (labels applied; NULL as `missing`)."""
    value = f"CAST({ident(level)} AS VARCHAR)"
    if labels:
        cases = " ".join(f"WHEN {value} = {lit(k)} THEN {lit(v)}" for k, v in labels.items())
        value = f"(CASE {cases} ELSE {value} END)"
    return f"coalesce({value}, {lit(missing)})" if missing is not None else value


# At most this many distinct values are sorted as a DuckDB ENUM in a window's input (a byte or
# two per row instead of the text: under a memory limit, a quarter less spilled at 1e8 events)
ENUM_MAX_VALUES: Final = 10_000


def distinct_text(runner: Runner, relation: str, column: str) -> list[str]:
    """The distinct non-missing values of `column` as text, sorted."""
    found = runner.frame(
        f"SELECT DISTINCT CAST({ident(column)} AS VARCHAR) AS v FROM {ident(relation)}"
    )
    return sorted(str(v) for v in found["v"].tolist() if v is not None and not pd.isna(v))
