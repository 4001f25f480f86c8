"""`--engine spark` writes the bytes `--engine duckdb` writes; bad Spark input exits 2.

The commands run in process (`journey.cli.main`), so one local Spark session serves every
test: a JVM per subprocess would cost ~10 s each.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from journey.cli import main

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample" / "events.csv"
# Hand-made rows on top of the sample's first rows: a tie in timestamp (x: Email then Web in
# file order), repeats (y), a customer converting twice (z), a formula-like channel.
EXTRA = """x1,2025-03-01T10:00:00Z,Email,Newsletter,click,false,,marketing,,,,
x1,2025-03-01T10:00:00Z,Web,Home page,view,false,,product,,,,
x1,2025-03-02T10:00:00Z,Web,Pricing page,purchase,true,40.5,product,,,,
y1,2025-03-01T09:00:00Z,Web,Home page,view,false,,product,,,,
y1,2025-03-01T09:05:00Z,Web,Home page,view,false,,product,,,,
y1,2025-03-01T09:10:00Z,=Web,Pricing page,view,false,,product,,,,
z1,2025-03-03T10:00:00Z,Email,Newsletter,click,false,,marketing,,,,
z1,2025-03-04T10:00:00Z,Store,Till,purchase,true,20,sales,,,,
z1,2025-03-20T10:00:00Z,Email,Newsletter,click,false,,marketing,,,,
z1,2025-03-21T10:00:00Z,Store,Till,purchase,true,35.25,sales,,,,
"""
COMMANDS: dict[str, list[str]] = {
    "funnel": ["--stages", "Home page,Pricing page", "--by", "touchpoint"],
    "metrics": ["--by", "week"],
}

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def spark_master() -> str:
    """Start the shared local session once; later commands reuse it (getOrCreate)."""
    pytest.importorskip("pyspark")
    from journey.query.engine.runner import spark_session

    spark_session("local[2]").conf.set("spark.sql.shuffle.partitions", "2")
    return "local[2]"


@pytest.fixture(scope="module")
def events_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)[:1201]
    path = tmp_path_factory.mktemp("spark") / "events.csv"
    path.write_text("".join(lines) + EXTRA, encoding="utf-8")
    return path


def run(name: str, source: Path | str, out: Path, engine: str, master: str) -> Path:
    target = out if name == "flows" else out.with_suffix(".csv")
    argv = [name, str(source), *COMMANDS[name], "--out", str(target), "--engine", engine]
    assert main([*argv, "--spark-master", master]) == 0
    return target


def same_bytes(left: Path, right: Path) -> None:
    if left.is_dir():
        for name in ("transitions.csv", "steps.csv"):
            assert (left / name).read_bytes() == (right / name).read_bytes(), name
    else:
        assert left.read_bytes() == right.read_bytes()


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_spark_writes_what_duckdb_writes(
    name: str, events_csv: Path, tmp_path: Path, spark_master: str
):
    duck = run(name, events_csv, tmp_path / "duckdb", "duckdb", spark_master)
    spark = run(name, events_csv, tmp_path / "spark", "spark", spark_master)
    same_bytes(duck, spark)
    written = duck / "transitions.csv" if duck.is_dir() else duck
    assert len(written.read_text(encoding="utf-8").splitlines()) > 2  # real figures


def test_spark_reads_parquet_and_session_tables(
    events_csv: Path, tmp_path: Path, spark_master: str
):
    from journey.query.engine.runner import spark_session

    frame = pd.read_csv(events_csv, dtype=str, keep_default_na=False)
    parquet = tmp_path / "events.parquet"
    frame.replace("", None).to_parquet(parquet)
    duck = run("metrics", events_csv, tmp_path / "duckdb", "duckdb", spark_master)
    same_bytes(duck, run("metrics", parquet, tmp_path / "parquet", "spark", spark_master))
    spark_session(spark_master).read.parquet(str(parquet)).createOrReplaceTempView("cli_events")
    same_bytes(duck, run("metrics", "cli_events", tmp_path / "table", "spark", spark_master))


def test_spark_input_without_a_required_column_exits_2(tmp_path: Path, spark_master: str, capsys):
    path = tmp_path / "events.csv"
    path.write_text("customer_id,when,channel\na,2025-01-01,Web\n", encoding="utf-8")
    out = tmp_path / "m.csv"
    argv = ["metrics", str(path), "--engine", "spark", "--spark-master", spark_master]
    assert main([*argv, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"error: {path}, column 'timestamp': no such column; --engine spark reads" in err
    assert not out.exists()
    assert main([*argv, "--map", "when=timestamp", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").splitlines()[1].startswith("2024-12-30,Web,1,1,0")


def test_spark_bad_path_and_rejected_rows_exit_2(tmp_path: Path, spark_master: str, capsys):
    out = tmp_path / "m.csv"
    spark = ["--engine", "spark", "--spark-master", spark_master, "--out", str(out)]
    assert main(["metrics", str(tmp_path / "missing.parquet"), *spark]) == 2
    assert capsys.readouterr().err.endswith("missing.parquet: no such file or folder\n")
    assert main(["metrics", "no_such_table", *spark]) == 2
    assert capsys.readouterr().err == (
        "error: no_such_table: no such file, folder or Spark table\n"
    )
    path = tmp_path / "bad.csv"
    path.write_text("customer_id,timestamp,channel\na,yesterday,Web\n,2025-01-01,Web\n", "utf-8")
    assert main(["metrics", str(path), *spark]) == 2
    assert capsys.readouterr().err.splitlines()[-2:] == [
        "bad.csv: 2 rows read, 0 accepted, 2 rejected",
        "error: bad.csv: every row was rejected (2 of 2), nothing to analyse; first: row 1, "
        "column 'timestamp': not a date and time",
    ]
    assert not out.exists()
