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
    "flows": ["--by", "touchpoint", "--steps", "4", "--top-k", "6", "--end-nodes"],
    "funnel": ["--stages", "Home page,Pricing page", "--by", "touchpoint"],
    "attribution": ["--models", "first,last,linear,position,markov"],
    "metrics": ["--by", "week"],
}
# Spark reads each command's input another way: a file:// URI (as s3a:// or hdfs:// would be
# read), a Parquet file, a table of the session's catalog, a CSV file whose timestamp column
# is called `when` (read with --map).
SPARK_INPUTS = {"flows": "uri", "funnel": "parquet", "attribution": "table", "metrics": "mapped"}

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
    lines = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)[:601]
    path = tmp_path_factory.mktemp("spark") / "events.csv"
    path.write_text("".join(lines) + EXTRA, encoding="utf-8")
    return path


def spark_input(kind: str, events_csv: Path, folder: Path, master: str) -> tuple[str, list[str]]:
    """The same events as Spark input of `kind`, and the options that read it."""
    if kind == "uri":
        return events_csv.as_uri(), []
    frame = pd.read_csv(events_csv, dtype=str, keep_default_na=False).replace("", None)
    if kind == "mapped":
        path = folder / "renamed.csv"
        frame.rename(columns={"timestamp": "when"}).to_csv(path, index=False)
        return str(path), ["--map", "when=timestamp"]
    parquet = folder / "events.parquet"
    frame.to_parquet(parquet)
    if kind == "parquet":
        return str(parquet), []
    from journey.query.engine.runner import spark_session

    spark_session(master).read.parquet(str(parquet)).createOrReplaceTempView("cli_test_events")
    return "cli_test_events", []


def run(name: str, source: str, out: Path, extra: list[str], engine: str, master: str) -> Path:
    target = out if name == "flows" else out.with_suffix(".csv")
    argv = [name, source, *COMMANDS[name], *extra, "--out", str(target), "--engine", engine]
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
    duck = run(name, str(events_csv), tmp_path / "duckdb", [], "duckdb", spark_master)
    source, extra = spark_input(SPARK_INPUTS[name], events_csv, tmp_path, spark_master)
    spark = run(name, source, tmp_path / "spark", extra, "spark", spark_master)
    same_bytes(duck, spark)
    written = duck / "transitions.csv" if duck.is_dir() else duck
    assert len(written.read_text(encoding="utf-8").splitlines()) > 2  # real figures


def test_bad_spark_input_exits_2(tmp_path: Path, spark_master: str, capsys):
    out = tmp_path / "m.csv"
    spark = ["--engine", "spark", "--spark-master", spark_master, "--out", str(out)]
    assert main(["metrics", str(tmp_path / "missing.parquet"), *spark]) == 2
    assert capsys.readouterr().err.endswith("missing.parquet: no such file or folder\n")
    assert main(["metrics", "no_such_table", *spark]) == 2
    assert capsys.readouterr().err == (
        "error: no_such_table: no such file, folder or Spark table\n"
    )
    path = tmp_path / "events.csv"
    path.write_text("customer_id,when,channel\na,yesterday,Web\n,2025-01-01,Web\n", "utf-8")
    assert main(["metrics", str(path), *spark]) == 2
    assert capsys.readouterr().err.startswith(
        f"error: {path}, column 'timestamp': no such column; the engine reads the canonical "
        "columns (at least customer_id, timestamp, channel)"
    )
    assert main(["metrics", str(path), "--map", "when=timestamp", *spark]) == 2
    assert capsys.readouterr().err.splitlines()[-2:] == [
        "events.csv: 2 rows read, 0 accepted, 2 rejected",
        "error: events.csv: every row was rejected (2 of 2), nothing to analyse; first: row 1, "
        "column 'timestamp': not a date and time",
    ]
    assert not out.exists()
