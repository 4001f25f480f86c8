"""Runners: where engine SQL executes. DuckDB in process (the default), or Apache Spark.

A runner takes DuckDB-dialect SQL text (see `journey.query.engine.sql`) and returns pandas
frames only for the small results charts need. Relations (views, temp tables) are named by
the engine's own code, never by user text.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import duckdb
import pandas as pd
import pyarrow as pa

from journey.errors import SettingsError
from journey.query.engine.sql import DUCKDB, SPARK, ident, lit, translate

if TYPE_CHECKING:  # pyspark is optional: only `--engine spark` imports it
    from pyspark.sql import SparkSession

DEFAULT_SPARK_MASTER = "local[*]"
MEMORY_ENV = "JOURNEY_MEMORY_LIMIT"  # e.g. "3GB": DuckDB spills to disk beyond it
TEMP_DIR_ENV = "JOURNEY_TEMP_DIR"  # where DuckDB spills (default: its own .tmp folder)


def duckdb_config() -> dict[str, str]:
    """DuckDB settings for a new engine connection, from JOURNEY_MEMORY_LIMIT/JOURNEY_TEMP_DIR."""
    config = {"autoload_known_extensions": "false", "autoinstall_known_extensions": "false"}
    limit = os.environ.get(MEMORY_ENV, "").strip()
    if limit:
        config["memory_limit"] = limit
    folder = os.environ.get(TEMP_DIR_ENV, "").strip()
    if folder:
        config["temp_directory"] = folder
    return config


class Runner(Protocol):
    """What every engine offers the query functions."""

    dialect: str

    def frame(self, sql: str) -> pd.DataFrame:
        """Run a query and return its (small) result as a pandas frame."""
        ...

    def arrow(self, sql: str) -> pa.Table:
        """Run a query and return its result as an Arrow table (list columns stay flat arrays)."""
        ...

    def scalar(self, sql: str) -> Any:
        """Run a query returning one row and one column, and return that value."""
        ...

    def view(self, name: str, sql: str) -> None:
        """Create or replace a temporary view `name` over a query (computed when read)."""
        ...

    def table(self, name: str, sql: str) -> None:
        """Create or replace a temporary table `name` holding a query's result (computed now)."""
        ...

    def drop(self, name: str) -> None:
        """Drop a temporary view or table if it exists."""
        ...

    def register_frame(self, name: str, frame: pd.DataFrame) -> None:
        """Expose a pandas frame as the relation `name`."""
        ...

    def register_file(self, name: str, path: str | Path) -> None:
        """Expose a Parquet file or folder (or a CSV file in canonical columns) as `name`."""
        ...


def _file_kind(path: Path) -> str:
    if path.is_dir() or path.suffix.lower() in (".parquet", ".pq"):
        return "parquet"
    if path.suffix.lower() in (".csv", ".tsv", ".txt"):
        return "csv"
    raise SettingsError(f"{path}: the engine reads Parquet files or folders and CSV files")


class DuckDBRunner:
    """Run engine SQL on an in-process DuckDB connection (one per thread: use `cursor`)."""

    dialect = DUCKDB

    def __init__(self, con: duckdb.DuckDBPyConnection | None = None) -> None:
        if con is None:
            try:
                con = duckdb.connect(":memory:", config=duckdb_config())
            except duckdb.Error as err:  # e.g. JOURNEY_MEMORY_LIMIT=lots
                raise SettingsError(f"cannot start DuckDB with these settings: {err}") from err
            # our progress shows (the CLI's bar on stderr), never DuckDB's own bar beside it
            con.execute("SET enable_progress_bar = false")
        self.con = con
        self._registered: set[str] = set()

    def cursor(self) -> DuckDBRunner:
        """A runner on a new cursor of the same database, for use in another thread."""
        return DuckDBRunner(self.con.cursor())

    def frame(self, sql: str) -> pd.DataFrame:
        """Run a query and return its result as a pandas frame."""
        return self.con.execute(sql).df()

    def arrow(self, sql: str) -> pa.Table:
        """Run a query and return its result as an Arrow table (no Python object per row)."""
        return self.con.sql(sql).to_arrow_table()

    def scalar(self, sql: str) -> Any:
        """Run a query returning one value (the result read to its end: none left pending)."""
        rows = self.con.execute(sql).fetchall()
        return rows[0][0] if rows else None

    def view(self, name: str, sql: str) -> None:
        """Create or replace a temporary view."""
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW {ident(name)} AS {sql}")

    def table(self, name: str, sql: str) -> None:
        """Create or replace a temporary table holding the query's result."""
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {ident(name)} AS {sql}")

    def drop(self, name: str) -> None:
        """Drop a temporary view or table (or an Arrow table registered here) if it exists."""
        if name in self._registered:
            self._registered.discard(name)
            self.con.unregister(name)
            return
        kinds = self.con.execute(
            "SELECT table_type FROM information_schema.tables WHERE table_name = ?", [name]
        ).fetchall()
        for (kind,) in kinds:
            word = "VIEW" if kind == "VIEW" else "TABLE"
            self.con.execute(f"DROP {word} IF EXISTS {ident(name)}")

    def register_frame(self, name: str, frame: pd.DataFrame) -> None:
        """Expose a pandas frame as a view (no copy)."""
        self.con.register(name, frame)

    def register_arrow(self, name: str, table: pa.Table) -> None:
        """Expose an Arrow table as a relation of this runner's connection (no copy)."""
        self.con.register(name, table)
        self._registered.add(name)

    def register_file(self, name: str, path: str | Path) -> None:
        """Expose a Parquet file/folder or canonical CSV file as a view."""
        where = Path(path)
        if not where.exists():
            raise SettingsError(f"{where}: no such file or folder")
        kind = _file_kind(where)
        target = str(where / "**" / "*.parquet") if where.is_dir() else str(where)
        reader = "read_parquet" if kind == "parquet" else "read_csv"
        self.view(name, f"SELECT * FROM {reader}({lit(target)})")


class SparkRunner:
    """Run engine SQL on Apache Spark: the same text, translated by SQLGlot."""

    dialect = SPARK

    def __init__(self, spark: SparkSession) -> None:
        self.spark = spark

    def frame(self, sql: str) -> pd.DataFrame:
        """Run a query on Spark and collect its (small) result."""
        return self.spark.sql(translate(sql, SPARK)).toPandas()

    def arrow(self, sql: str) -> pa.Table:
        """Run a query on Spark and collect its (small) result as an Arrow table."""
        return self.spark.sql(translate(sql, SPARK)).toArrow()

    def scalar(self, sql: str) -> Any:
        """Run a query returning one value."""
        rows = self.spark.sql(translate(sql, SPARK)).collect()
        return rows[0][0] if rows else None

    def view(self, name: str, sql: str) -> None:
        """Create or replace a temporary view."""
        self.spark.sql(translate(sql, SPARK)).createOrReplaceTempView(name)

    def table(self, name: str, sql: str) -> None:
        """Create or replace a cached temporary view holding the query's result."""
        frame = self.spark.sql(translate(sql, SPARK)).cache()
        frame.count()  # materialise now, as DuckDB's temp table does
        frame.createOrReplaceTempView(name)

    def drop(self, name: str) -> None:
        """Drop a temporary view if it exists, and free what `table` cached for it."""
        catalog = self.spark.catalog
        if catalog.tableExists(name) and catalog.isCached(name):
            catalog.uncacheTable(name)
        catalog.dropTempView(name)

    def register_frame(self, name: str, frame: pd.DataFrame) -> None:
        """Expose a pandas frame as a Spark temporary view (text columns as Python strings)."""
        texts = [c for c in frame.columns if isinstance(frame[c].dtype, pd.StringDtype)]
        if texts:
            frame = frame.assign(
                **{c: frame[c].astype(object).where(frame[c].notna(), None) for c in texts}
            )
        self.spark.createDataFrame(frame).createOrReplaceTempView(name)

    def register_file(self, name: str, path: str | Path) -> None:
        """Expose a Parquet file/folder or canonical CSV file, or a table name, as a view."""
        where = Path(path)
        if not where.exists():  # not a local path: a table in the session's catalog
            if not self.spark.catalog.tableExists(str(path)):
                raise SettingsError(f"{path}: no such file, folder or Spark table")
            self.spark.table(str(path)).createOrReplaceTempView(name)
            return
        reader = self.spark.read
        if _file_kind(where) == "parquet":
            frame = reader.parquet(str(where))
        else:
            frame = reader.option("header", True).option("inferSchema", True).csv(str(where))
        frame.createOrReplaceTempView(name)


def spark_session(master: str = DEFAULT_SPARK_MASTER, app_name: str = "journey-atlas") -> Any:
    """Start (or reuse) a Spark session in UTC; pyspark must be installed (requirements-spark)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as err:
        raise SettingsError(
            "--engine spark needs pyspark: pip install -r requirements-spark.txt"
        ) from err
    return (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        # Spark's console bar would draw over ours on stderr (the CLI shows its own progress)
        .config("spark.ui.showConsoleProgress", "false")
        # Arrow moves frames both ways: typed all-NULL columns, NULL (not 'NaN') missing text
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.shuffle.partitions", "8")
        .getOrCreate()
    )
