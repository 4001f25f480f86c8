from __future__ import annotations

import pandas as pd
import pytest

from journey.errors import SettingsError
from journey.query.engine.sql import ident, lit, lit_list, translate


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "NULL"),
        (True, "TRUE"),
        (3, "3"),
        (0.5, "0.5"),
        ("it's", "'it''s'"),
        ("a\\b", "'a\\b'"),
        (
            pd.Timestamp("2025-01-02 03:04:05", tz="Europe/Warsaw"),
            "TIMESTAMP '2025-01-02 02:04:05'",
        ),
    ],
)
def test_lit_renders_duckdb_literals(value: object, expected: str) -> None:
    assert lit(value) == expected


def test_lit_refuses_nul_and_nan() -> None:
    with pytest.raises(SettingsError):
        lit("a\x00b")
    with pytest.raises(SettingsError):
        lit(float("nan"))


def test_ident_and_lists() -> None:
    assert ident('we"ird') == '"we""ird"'
    assert lit_list([]) == "(NULL)"
    assert lit_list(["a", 1]) == "('a', 1)"


def test_translate_keeps_duckdb_and_escapes_for_spark() -> None:
    sql = f"SELECT {lit('x' + chr(92) + chr(39))} AS v FROM {ident('t t')}"
    assert translate(sql, "duckdb") == sql
    assert translate(sql, "spark") == "SELECT 'x\\\\\\'' AS v FROM `t t`"
    with pytest.raises(SettingsError):
        translate(sql, "oracle")


def test_duckdb_runner_round_trip(duck) -> None:
    duck.register_frame("t", pd.DataFrame({"a": [1, 2, 3]}))
    duck.table("doubled", "SELECT a * 2 AS b FROM t")
    assert duck.scalar("SELECT sum(b) FROM doubled") == 12
    duck.drop("doubled")
    assert duck.frame("SELECT count(*) AS n FROM t")["n"].tolist() == [3]


@pytest.mark.spark
def test_spark_runner_reads_hostile_literals(spark) -> None:
    hostile = "x'\\y\"z"
    spark.register_frame("t", pd.DataFrame({"a": [1, 2]}))
    out = spark.frame(f"SELECT {lit(hostile)} AS v, count(*) AS n FROM t")
    assert out["v"].tolist() == [hostile]
    assert out["n"].tolist() == [2]


def test_memory_limit_comes_from_the_environment(monkeypatch) -> None:
    from journey.query.engine.runner import DuckDBRunner

    monkeypatch.setenv("JOURNEY_MEMORY_LIMIT", "1GB")
    runner = DuckDBRunner()
    assert runner.scalar("SELECT current_setting('memory_limit')") == "953.6 MiB"
    monkeypatch.setenv("JOURNEY_MEMORY_LIMIT", "lots")
    with pytest.raises(SettingsError, match="cannot start DuckDB"):
        DuckDBRunner()


@pytest.mark.spark
def test_spark_drop_uncaches_what_table_cached(spark) -> None:
    spark.register_frame("t", pd.DataFrame({"a": [1, 2]}))
    spark.table("cached_t", "SELECT a * 2 AS b FROM t")
    catalog = spark.spark.catalog
    assert catalog.isCached("cached_t")
    # what the JVM still holds for this table's plan (other tests share the session's cache)
    cache = spark.spark._jsparkSession.sharedState().cacheManager()
    plan = spark.spark.table("cached_t")._jdf
    assert cache.lookupCachedData(plan).isDefined()
    spark.drop("cached_t")
    assert not catalog.tableExists("cached_t")
    assert cache.lookupCachedData(plan).isEmpty()
    spark.drop("cached_t")  # dropping again is fine
    spark.drop("t")


@pytest.mark.spark
def test_spark_session_hides_the_console_progress_bar(spark) -> None:
    assert spark.spark.conf.get("spark.ui.showConsoleProgress") == "false"


def test_duckdb_runner_draws_no_progress_bar_of_its_own(duck) -> None:
    assert duck.scalar("SELECT current_setting('enable_progress_bar')") is False


def test_scalar_leaves_no_pending_result_before_arrow() -> None:
    from journey.query.engine.runner import DuckDBRunner

    runner = DuckDBRunner()
    assert runner.scalar("SELECT * FROM range(3)") == 0  # first row, first column
    assert runner.scalar("SELECT 1 WHERE FALSE") is None
    assert runner.arrow("SELECT 41 + 1 AS x").column("x").to_pylist() == [42]
    runner.con.close()
