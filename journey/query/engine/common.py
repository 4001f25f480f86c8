"""Small pieces the engine's aggregation modules share: result typing and SQL snippets.

Results come back from DuckDB and Spark with engine-specific dtypes (int32 counts, object
text, nanosecond timestamps); `typed` gives every result the dtypes of the pandas reference.
The SQL snippets are written in DuckDB's dialect and translate to Spark unchanged in meaning.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

import pandas as pd

from journey.query.engine.runner import Runner
from journey.query.engine.sql import ident

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
