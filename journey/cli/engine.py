"""`--engine duckdb|spark`: where flows, funnel, attribution and metrics do their work.

Either way the command's work is engine SQL (`journey.query.engine`) over one relation of
prepared events, and the same CSV comes out:

- duckdb (default): a file is validated as by every command, through DuckDB's reader
  (`journey.io.stream`: rejects reported, --strict), and the accepted rows' columns the
  command reads are copied once into an in-process DuckDB table, which DuckDB prepares
  (grouping, teams, phases) and aggregates; no pandas copy of the events is made. A Parquet
  file or folder is read by DuckDB itself, as Spark reads it (out of core, within
  JOURNEY_MEMORY_LIMIT);
- spark: the input is a Parquet file or folder, a CSV file, or a table of the Spark session's
  catalog, in the canonical columns (or renamed with --map); it is checked and typed in SQL
  (`journey.cli.sql_input`), then prepared and aggregated by Spark.
"""

from __future__ import annotations

import argparse
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from journey.cli.common import stream_input
from journey.cli.sql_input import open_spark, register_input
from journey.query.engine.common import temp_name
from journey.query.engine.prepare import prepare, relation_columns
from journey.query.engine.runner import DEFAULT_SPARK_MASTER, DuckDBRunner, Runner
from journey.query.engine.sql import DUCKDB, SPARK, ident
from journey.schema import (
    CHANNEL,
    CONVERSION,
    CUSTOMER_ID,
    PHASE,
    PHASE_EXPLICIT,
    ROW,
    TIMESTAMP,
    TOUCHPOINT,
    DatasetSettings,
)

ENGINES: Final = (DUCKDB, SPARK)
# What prepare and every path query read: a file validated on the way in keeps these and the
# columns a command names (left out, touchpoint would default to channel and conversion be
# derived again, so they always stay).
PATH_COLUMNS: Final = (
    CUSTOMER_ID,
    TIMESTAMP,
    ROW,
    CHANNEL,
    TOUCHPOINT,
    CONVERSION,
    PHASE,
    PHASE_EXPLICIT,
)
PARQUET_SUFFIXES: Final = (".parquet", ".pq")
FLOAT_DECIMALS: Final = 6  # floating sums differ in their last bits by summation order


def add_engine_options(parser: argparse.ArgumentParser) -> None:
    """Add --engine and --spark-master."""
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        default=DUCKDB,
        help="duckdb (in process, default) or spark (a Parquet/CSV path or a table name)",
    )
    parser.add_argument(
        "--spark-master",
        default=DEFAULT_SPARK_MASTER,
        metavar="URL",
        help="Spark master with --engine spark: local[*] (default), spark://host:7077, yarn",
    )


def read_by_engine(source: str) -> bool:
    """Whether DuckDB reads the input itself: Parquet files and folders (big data's formats)."""
    path = Path(source)
    return path.is_dir() or path.suffix.lower() in PARQUET_SUFFIXES


@contextmanager
def prepared_events(
    args: argparse.Namespace,
    settings: DatasetSettings,
    columns: Collection[str] = (),
    materialise: bool = True,
    phases: bool = True,
) -> Iterator[tuple[Runner, str]]:
    """The prepared events of `args.events` on the chosen engine: (runner, relation name).

    `columns` names the optional columns the command reads besides `PATH_COLUMNS`; a file
    validated through `journey.io.stream` keeps only those (the others are never parsed).
    Without `materialise` the prepared events are a view: right for a command that reads
    them once, as the engine then computes only the columns it reads. Without `phases`
    they have no phase columns, and nothing works out each customer's first conversion
    (flows by channel or touchpoint, attribution).
    """
    raw, prepared = temp_name("cli_raw"), temp_name("cli_events")
    helpers: list[str] = []
    if args.engine == SPARK:
        runner: Runner = open_spark(args.spark_master)  # pyspark only when asked for
        helpers = [raw, *register_input(runner, raw, args)]
    elif read_by_engine(args.events):
        runner = DuckDBRunner()
        helpers = [raw, *register_input(runner, raw, args)]
    else:
        runner = DuckDBRunner()
        helpers = [raw]
        _validated_table(runner, raw, args, settings, columns)
    try:
        prepare(runner, raw, settings, prepared, materialise, phases)
        yield runner, prepared
    finally:
        for name in (prepared, *helpers):
            runner.drop(name)
        if isinstance(runner, DuckDBRunner):
            runner.con.close()


@contextmanager
def validated_events(
    args: argparse.Namespace, settings: DatasetSettings
) -> Iterator[tuple[Runner, str, list[str]]]:
    """Every accepted column of `args.events` and its prepared events on DuckDB.

    Yields (runner, prepared-events view, the accepted columns in validation order). Any
    file, Parquet included, is validated as by `journey.io.load` (`_validated_table`), so
    a command writing the accepted rows back writes what the pandas path accepted.
    """
    raw, prepared = temp_name("cli_raw"), temp_name("cli_events")
    runner = DuckDBRunner()
    _validated_table(runner, raw, args, settings, None)  # closes the connection if it raises
    try:
        columns = [str(c) for c in relation_columns(runner, raw).columns]
        prepare(runner, raw, settings, prepared, materialise=False)
        yield runner, prepared, columns
    finally:
        for name in (prepared, raw):
            runner.drop(name)
        runner.con.close()


def accepted_rows(runner: Runner, events: str, columns: Sequence[str]) -> pd.DataFrame:
    """The accepted `columns` of prepared `events` by row, instants UTC, with their phases.

    `phase` replaces the validated column in its place (or comes last); `phase_explicit`,
    prepare's own, is left out.
    """
    shown = [c for c in columns if c != PHASE_EXPLICIT]
    if PHASE not in shown:
        shown.append(PHASE)
    select = [
        f"timezone('UTC', {ident(c)}) AS {ident(c)}" if c == TIMESTAMP else ident(c) for c in shown
    ]
    return runner.frame(f"SELECT {', '.join(select)} FROM {ident(events)} ORDER BY {ident(ROW)}")


def _validated_table(
    runner: DuckDBRunner,
    name: str,
    args: argparse.Namespace,
    settings: DatasetSettings,
    columns: Collection[str] | None,
) -> None:
    """Validate `args.events` through DuckDB's reader; copy the accepted rows to table `name`.

    The accepted view re-reads the file on every scan and prepare scans its input more than
    once, so the columns the command reads are copied once; each column left out is a
    column DuckDB never trims nor stores (at 1e6 events, ~0.1 s of CPU each). `columns`
    None keeps every accepted column.
    """
    runner.con.execute("SET TimeZone = 'UTC'")  # instants leave DuckDB labelled UTC
    validated = stream_input(args.events, "events", args, settings, con=runner.con)
    wanted = {*PATH_COLUMNS, *(validated.columns if columns is None else columns)}
    keep = [c for c in validated.columns if c in wanted]
    runner.table(name, validated.accepted_sql(keep))


def distinct_values(runner: Runner, events: str, column: str) -> list[str]:
    """The sorted distinct non-null values of one column (few: touchpoints, event types)."""
    frame = runner.frame(
        f"SELECT DISTINCT CAST({ident(column)} AS VARCHAR) AS v FROM {ident(events)} "
        f"WHERE {ident(column)} IS NOT NULL"
    )
    return sorted(str(v) for v in frame["v"].tolist())


def rounded(frame: pd.DataFrame) -> pd.DataFrame:
    """Round float columns so both engines write the same bytes (and -0.0 as 0.0)."""
    floats = [c for c in frame.columns if pd.api.types.is_float_dtype(frame[c].dtype)]
    if not floats:
        return frame
    return frame.assign(**{c: np.round(frame[c].to_numpy(), FLOAT_DECIMALS) + 0.0 for c in floats})
