"""Engine input read by the engine itself: checked and typed in SQL, never held in pandas.

`--engine spark` reads a Parquet/CSV path or a table of the session's catalog this way, and
`--engine duckdb` a Parquet file or folder (other files are validated as by every command).
The data never comes to this process: the engine reads it, and one aggregation counts the
rows read, the rows rejected and the first reject. Rules (the validator's core, in SQL):
customer_id and channel must not be blank, timestamp must read as a date and time (naive
values are UTC), revenue must be a number >= 0 when present, conversion one of the
true/false words (empty is false). Rejected rows are left out, as on the DuckDB path.
CSV files are read with every column as text (customer ids like 007 keep their zeros);
without a `row` column, rows are numbered in file order (Spark's `monotonically_increasing_id`,
DuckDB's scan order).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Collection, Mapping
from pathlib import Path, PurePosixPath
from typing import Final

import pandas as pd

from journey.cli.common import parse_map
from journey.errors import InputError, SettingsError
from journey.io.load import NO_DATA_ROWS
from journey.io.parse import FALSE_WORDS, TRUE_WORDS
from journey.query.engine.common import temp_name
from journey.query.engine.runner import Runner, SparkRunner, spark_session
from journey.query.engine.sql import DUCKDB, SPARK, ident, lit, lit_list
from journey.schema import CHANNEL, CONVERSION, CUSTOMER_ID, REVENUE, ROW, TIMESTAMP

REQUIRED: Final = (CUSTOMER_ID, TIMESTAMP, CHANNEL)
_REJECT: Final = "__ja_reject"
_UTC_NAMES: Final = ("UTC", "Etc/UTC", "GMT", "Z")
_URI: Final = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_TEXT_SUFFIXES: Final = (".csv", ".tsv", ".txt")


def open_spark(master: str) -> SparkRunner:
    """A runner on the Spark session at `master` (started or reused), logging errors only."""
    runner = SparkRunner(spark_session(master))
    runner.spark.sparkContext.setLogLevel("ERROR")
    return runner


def _read(runner: Runner, name: str, source: str) -> None:
    """Expose the input as `name`: CSV as text columns, Parquet as typed, else a table.

    On Spark a URI (s3a://, hdfs://, abfss:// ...) is read by Spark itself: Parquet, or CSV
    when its name ends in .csv/.tsv/.txt.
    """
    path = Path(source)
    uri = isinstance(runner, SparkRunner) and _URI.match(source) is not None
    if not uri and not path.exists() and (path.suffix or "/" in source or "\\" in source):
        raise InputError(source, None, None, "no such file or folder")
    if not isinstance(runner, SparkRunner):
        runner.register_file(name, source)
        return
    from pyspark.errors import AnalysisException  # pyspark is there: the session started

    suffix = PurePosixPath(source.rstrip("/")).suffix.lower()
    try:
        if (path.is_file() or uri) and suffix in _TEXT_SUFFIXES:
            separator = "\t" if suffix == ".tsv" else ","
            reader = runner.spark.read.option("header", True).option("sep", separator)
            reader.csv(source).createOrReplaceTempView(name)
        elif uri:
            runner.spark.read.parquet(source).createOrReplaceTempView(name)
        else:
            runner.register_file(name, source)
    except AnalysisException as err:  # unreadable files, or not Parquet after all
        reason = str(err).strip().splitlines()[0]
        raise InputError(source, None, None, f"Spark cannot read it: {reason}") from err


def _columns(runner: Runner, name: str) -> dict[str, object]:
    """The relation's columns and their (pandas) types."""
    empty = runner.frame(f"SELECT * FROM {ident(name)} LIMIT 0")
    return {str(c): empty[c].dtype for c in empty.columns}


def _native(dtypes: Mapping[str, object], mapping: Mapping[str, str], dialect: str) -> set[str]:
    """The canonical columns DuckDB holds in their own type: read as they are, nothing to check.

    A naive timestamp column is UTC already, a boolean conversion or a floating revenue is
    what the checks would make of it (DuckDB only: Spark reads them through the text rules).
    """
    if dialect != DUCKDB:
        return set()
    tests = {
        TIMESTAMP: lambda t: (
            pd.api.types.is_datetime64_dtype(t) and not isinstance(t, pd.DatetimeTZDtype)
        ),
        CONVERSION: pd.api.types.is_bool_dtype,
        REVENUE: pd.api.types.is_float_dtype,
    }
    return {name for name, test in tests.items() if name in mapping and test(dtypes[mapping[name]])}


def _mapped(columns: list[str], args: argparse.Namespace, source: str) -> dict[str, str]:
    """Canonical -> input column: the canonical names present, overridden by --map."""
    overrides = parse_map(args.map)
    for canonical, column in overrides.items():
        if column not in columns:
            raise InputError(source, None, column, f"no such column (--map {column}={canonical})")
    mapping = {c: c for c in columns if c not in overrides.values()}
    mapping.update(overrides)
    missing = [c for c in REQUIRED if c not in mapping]
    if missing:
        raise InputError(
            source,
            None,
            missing[0],
            f"no such column; the engine reads the canonical columns (at least "
            f"{', '.join(REQUIRED)}); rename with --map SOURCE=CANONICAL. Columns: "
            f"{', '.join(columns)}",
        )
    return mapping


def _typed_sql(
    relation: str, mapping: dict[str, str], dialect: str, native: Collection[str] = ()
) -> tuple[str, list[str]]:
    """The input with canonical names and types, plus the reason a row is rejected (or NULL).

    `native` names the canonical columns already in their type (`_native`): cast, never
    turned into text and parsed again (at 1e7 events a boolean conversion read as words
    costs ~2 s a scan). Returns the SELECT and its canonical columns (without the reason).
    """

    def text(canonical: str) -> str:
        return f"nullif(trim(CAST({ident(mapping[canonical])} AS VARCHAR)), '')"

    stamp = f"CAST(TRY_CAST({ident(mapping[TIMESTAMP])} AS TIMESTAMPTZ) AS TIMESTAMP)"
    if TIMESTAMP in native:
        stamp = f"CAST({ident(mapping[TIMESTAMP])} AS TIMESTAMP)"
    select = {
        CUSTOMER_ID: text(CUSTOMER_ID),
        TIMESTAMP: stamp,
        CHANNEL: text(CHANNEL),
        ROW: (
            f"CAST({ident(mapping[ROW])} AS BIGINT)"
            if ROW in mapping
            else "monotonically_increasing_id() + 1"
            if dialect == SPARK
            else "row_number() OVER ()"
        ),
    }
    reasons = [
        (f"{select[CUSTOMER_ID]} IS NULL", CUSTOMER_ID, "empty"),
        (f"{select[TIMESTAMP]} IS NULL", TIMESTAMP, "not a date and time"),
        (f"{select[CHANNEL]} IS NULL", CHANNEL, "empty"),
    ]
    if REVENUE in native:
        select[REVENUE] = f"CAST({ident(mapping[REVENUE])} AS DOUBLE)"
        reasons.append((f"{select[REVENUE]} < 0", REVENUE, "negative revenue"))
    elif REVENUE in mapping:
        raw = text(REVENUE)
        select[REVENUE] = f"TRY_CAST({raw} AS DOUBLE)"
        unreadable = f"{raw} IS NOT NULL AND {select[REVENUE]} IS NULL"
        reasons.append((unreadable, REVENUE, "not a number"))
        reasons.append((f"{select[REVENUE]} < 0", REVENUE, "negative revenue"))
    if CONVERSION in native:
        select[CONVERSION] = f"coalesce(CAST({ident(mapping[CONVERSION])} AS BOOLEAN), FALSE)"
    elif CONVERSION in mapping:
        word = f"lower({text(CONVERSION)})"
        select[CONVERSION] = f"coalesce({word} IN {lit_list(sorted(TRUE_WORDS))}, FALSE)"
        known = sorted(TRUE_WORDS | FALSE_WORDS)
        unknown = f"{word} IS NOT NULL AND {word} NOT IN {lit_list(known)}"
        reasons.append((unknown, CONVERSION, "not true/false"))
    for canonical in mapping:
        select.setdefault(canonical, text(canonical))
    cases = " ".join(f"WHEN {test} THEN {lit(f'{col}|{why}')}" for test, col, why in reasons)
    items = [f"{expr} AS {ident(name)}" for name, expr in select.items()]
    sql = f"SELECT {', '.join(items)}, CASE {cases} END AS {_REJECT} FROM {ident(relation)}"
    return sql, list(select)


def _shown(source: str) -> str:
    """A file by its name (as the DuckDB path's summary), a table by its own name."""
    path = Path(source)
    return path.name if path.exists() else source


def _check_rows(runner: Runner, typed: str, source: str, args: argparse.Namespace) -> int:
    """Print the summary; --strict, and no row left, are bad input naming the first reject.

    Returns the number of rejected rows.
    """
    counts = runner.frame(
        f"SELECT count(*) AS n, count({_REJECT}) AS bad, "
        f"min(CASE WHEN {_REJECT} IS NOT NULL THEN {ident(ROW)} END) AS first_row "
        f"FROM {ident(typed)}"
    ).iloc[0]
    n, bad = int(counts["n"]), int(counts["bad"])
    if n == 0:
        raise InputError(_shown(source), None, None, NO_DATA_ROWS)
    print(f"{_shown(source)}: {n} rows read, {n - bad} accepted, {bad} rejected", file=sys.stderr)
    if not bad or (not args.strict and bad < n):
        return bad
    row = int(counts["first_row"])
    reason = runner.scalar(
        f"SELECT min({_REJECT}) FROM {ident(typed)} WHERE {ident(ROW)} = {lit(row)}"
    )
    column, _, why = str(reason).partition("|")
    first = f"first: row {row}, column '{column}': {why}"
    if args.strict:
        raise InputError(_shown(source), None, None, f"{bad} rejected rows (--strict); {first}")
    message = f"every row was rejected ({bad} of {n}), nothing to analyse; {first}"
    raise InputError(_shown(source), None, None, message)


def register_input(runner: Runner, name: str, args: argparse.Namespace) -> list[str]:
    """Expose `args.events` as `name`: the accepted rows in canonical columns and types.

    Returns the relations `name` reads, to drop after it.
    """
    source = str(args.events)
    if args.tz.strip() not in _UTC_NAMES:
        raise SettingsError(
            f"--tz {args.tz}: the engine reads naive timestamps of {source} as UTC; store "
            "them in UTC (or with their offset), or give a CSV file to --engine duckdb"
        )
    if args.sheet:
        raise SettingsError("--sheet: the engine reads Parquet, CSV or a table, not Excel")
    source_view, typed = temp_name("cli_source"), temp_name("cli_typed")
    _read(runner, source_view, source)
    try:
        dtypes = _columns(runner, source_view)
        mapping = _mapped(list(dtypes), args, source)
        native = _native(dtypes, mapping, runner.dialect)
        sql, columns = _typed_sql(source_view, mapping, runner.dialect, native)
        if ROW in mapping and not isinstance(runner, SparkRunner):
            runner.view(typed, sql)  # DuckDB streams the file for each query: no copy of it
        else:
            runner.table(typed, sql)  # materialised: generated row numbers are fixed once
        rejected = _check_rows(runner, typed, source, args)
        keep = ", ".join(ident(c) for c in columns)
        # with no reject, every later query reads only its own columns (no reasons worked out
        # again per row: about 2.5 s a scan at 1e7 events)
        accepted = f" WHERE {_REJECT} IS NULL" if rejected else ""
        runner.view(name, f"SELECT {keep} FROM {ident(typed)}{accepted}")
    except BaseException:
        runner.drop(typed)
        runner.drop(source_view)
        raise
    return [typed, source_view]
