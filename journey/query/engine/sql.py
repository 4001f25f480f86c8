"""SQL text: quoted identifiers, literal values, and the one translation to other dialects.

Every engine query is written once, in DuckDB's dialect, as text built only from
`ident` (names) and `lit` (values). DuckDB runs it as written; Spark runs it after
`translate` (SQLGlot), which also re-renders every literal in Spark's escaping rules
(Spark reads a backslash inside '...' as an escape; DuckDB does not). Building text
from anything else is a bug: user values never reach SQL except through `lit`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, datetime
from functools import lru_cache
from typing import Final

import pandas as pd

from journey.errors import SettingsError

DUCKDB: Final = "duckdb"
SPARK: Final = "spark"
DIALECTS: Final = (DUCKDB, SPARK)


def ident(name: str) -> str:
    """Quote an identifier (column, table or view name) for DuckDB SQL."""
    text = str(name)
    if not text or "\x00" in text:
        raise SettingsError(f"not a usable column or table name: {text!r}")
    return '"' + text.replace('"', '""') + '"'


def lit(value: object) -> str:
    """Render a Python value as a DuckDB SQL literal (strings quoted, None as NULL)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise SettingsError(f"not a finite number: {value!r}")
        return repr(value)
    if isinstance(value, pd.Timestamp | datetime):
        stamp = pd.Timestamp(value)
        if stamp.tzinfo is not None:
            stamp = stamp.tz_convert("UTC").tz_localize(None)
        return f"TIMESTAMP '{stamp.isoformat(sep=' ')}'"
    if isinstance(value, date):
        return f"DATE '{value.isoformat()}'"
    text = str(value)
    if "\x00" in text:
        raise SettingsError(f"a value holds a NUL character: {text[:40]!r}")
    return "'" + text.replace("'", "''") + "'"


def lit_list(values: Iterable[object]) -> str:
    """Render values as a parenthesised list for `IN (...)`; an empty list matches nothing."""
    rendered = [lit(v) for v in values]
    return "(" + ", ".join(rendered) + ")" if rendered else "(NULL)"


@lru_cache(maxsize=512)
def translate(sql: str, dialect: str) -> str:
    """Translate DuckDB SQL text to `dialect` (identity for duckdb; SQLGlot for spark)."""
    if dialect == DUCKDB:
        return sql
    if dialect not in DIALECTS:
        raise SettingsError(f"unknown SQL engine {dialect!r}: use one of {', '.join(DIALECTS)}")
    import sqlglot  # imported only when another engine runs: the DuckDB path never pays it

    statements = sqlglot.transpile(
        sql, read=DUCKDB, write=dialect, unsupported_level=sqlglot.ErrorLevel.RAISE
    )
    if len(statements) != 1:
        raise SettingsError(f"expected one SQL statement, got {len(statements)}")
    return statements[0]
