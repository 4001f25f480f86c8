"""Engine fixtures: a DuckDB runner per test and one Spark session for the whole run."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from journey.query.engine.runner import DuckDBRunner, SparkRunner, spark_session


@pytest.fixture
def duck() -> Iterator[DuckDBRunner]:
    """A fresh in-memory DuckDB runner."""
    runner = DuckDBRunner()
    yield runner
    runner.con.close()


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkRunner]:
    """One local Spark session (2 threads) shared by every Spark test; stopped at the end."""
    pytest.importorskip("pyspark")  # in requirements-dev.txt: skipped only without it
    session = spark_session("local[2]", app_name="journey-atlas-tests")
    session.conf.set("spark.sql.shuffle.partitions", "2")
    session.sparkContext.setLogLevel("ERROR")
    yield SparkRunner(session)
    session.stop()
