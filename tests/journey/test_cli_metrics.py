"""`python -m journey metrics EVENTS [--by day|week|month] --out F`: channel metrics per period."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from journey.cli import main

# a: Email (s1, Mon 6 Jan) > Web add_to_cart (s2) > Web purchase 30 (s2)  -> week of 6 Jan
# b: Web (s3, Mon 13 Jan) > Store purchase 20 (no session)                -> week of 13 Jan
CSV = """customer_id,timestamp,channel,event_type,conversion,revenue,session_id
a,2025-01-06 10:00,Email,view,false,,s1
a,2025-01-07 10:00,Web,add_to_cart,false,,s2
a,2025-01-08 10:00,Web,purchase,true,30,s2
b,2025-01-13 09:00,Web,view,false,,s3
b,2025-01-14 09:00,Store,purchase,true,20,
"""
HEADER = (
    "period,channel,sessions,contacts,qualified,sales_first,revenue_first,sales_last,revenue_last"
)


@pytest.fixture
def events_csv(tmp_path: Path) -> Path:
    path = tmp_path / "events.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_metrics_by_week(events_csv: Path, tmp_path: Path, capsys):
    out = tmp_path / "out" / "metrics.csv"
    assert main(["metrics", str(events_csv), "--by", "week", "--out", str(out)]) == 0
    assert "5 rows read, 5 accepted, 0 rejected" in capsys.readouterr().err
    # add_to_cart qualifies by default; a's sale: first touch Email, last Web; b's: Web, Store
    assert lines(out) == [
        HEADER,
        "2025-01-06,Email,1,1,0,1,30.0,0,0.0",
        "2025-01-06,Web,1,1,1,0,0.0,1,30.0",
        "2025-01-13,Store,1,1,0,0,0.0,1,20.0",
        "2025-01-13,Web,1,1,0,1,20.0,0,0.0",
    ]


def test_metrics_by_month_adds_up_sessions_and_customers(events_csv: Path, tmp_path: Path):
    out = tmp_path / "metrics.csv"
    assert main(["metrics", str(events_csv), "--by", "month", "--out", str(out)]) == 0
    assert lines(out) == [
        HEADER,
        "2025-01-01,Email,1,1,0,1,30.0,0,0.0",
        "2025-01-01,Store,1,1,0,0,0.0,1,20.0",
        "2025-01-01,Web,2,2,1,1,20.0,1,30.0",
    ]


def test_metrics_qualifying_values_and_column(events_csv: Path, tmp_path: Path):
    out = tmp_path / "metrics.csv"
    argv = ["metrics", str(events_csv), "--by", "month", "--qualifying", "view,purchase"]
    assert main([*argv, "--out", str(out)]) == 0
    # qualified = customers with a view or purchase touch on that channel
    assert [line.split(",")[4] for line in lines(out)[1:]] == ["1", "1", "2"]


def test_metrics_by_day_dates_touches_and_sales(events_csv: Path, tmp_path: Path):
    out = tmp_path / "metrics.csv"
    assert main(["metrics", str(events_csv), "--by", "day", "--out", str(out)]) == 0
    # a sale is dated by its conversion: Email gets a's first-touch sale on 8 Jan
    assert lines(out) == [
        HEADER,
        "2025-01-06,Email,1,1,0,0,0.0,0,0.0",
        "2025-01-07,Web,1,1,1,0,0.0,0,0.0",
        "2025-01-08,Email,0,0,0,1,30.0,0,0.0",
        "2025-01-08,Web,1,1,0,0,0.0,1,30.0",
        "2025-01-13,Web,1,1,0,0,0.0,0,0.0",
        "2025-01-14,Store,1,1,0,0,0.0,1,20.0",
        "2025-01-14,Web,0,0,0,1,20.0,0,0.0",
    ]


def test_spark_without_pyspark_says_what_to_install(
    events_csv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
):
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)  # import fails as if not installed
    out = tmp_path / "m.csv"
    assert main(["metrics", str(events_csv), "--engine", "spark", "--out", str(out)]) == 2
    assert capsys.readouterr().err == (
        "error: --engine spark needs pyspark: pip install -r requirements-spark.txt\n"
    )


def test_duckdb_reads_parquet_itself_with_the_same_figures(events_csv: Path, tmp_path: Path):
    frame = pd.read_csv(events_csv, dtype=str, keep_default_na=False).replace("", None)
    parquet = tmp_path / "events.parquet"
    frame.to_parquet(parquet)
    from_csv, from_parquet = tmp_path / "csv.csv", tmp_path / "parquet.csv"
    assert main(["metrics", str(events_csv), "--out", str(from_csv)]) == 0
    assert main(["metrics", str(parquet), "--out", str(from_parquet)]) == 0
    assert from_parquet.read_bytes() == from_csv.read_bytes()
    numbered = tmp_path / "numbered.parquet"  # a `row` column: read without a copy
    frame.assign(row=range(1, len(frame) + 1)).to_parquet(numbered)
    assert main(["metrics", str(numbered), "--out", str(from_parquet)]) == 0
    assert from_parquet.read_bytes() == from_csv.read_bytes()


def test_parquet_rows_are_checked_in_sql(tmp_path: Path, capsys):
    frame = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c", ""],
            "timestamp": ["2025-01-06 10:00", "soon", "2025-01-07", "2025-01-07"],
            "channel": ["Web", "Web", "Email", "Web"],
            "revenue": [None, None, "-3", None],
        }
    )
    parquet = tmp_path / "events.parquet"
    frame.to_parquet(parquet)
    out = tmp_path / "m.csv"
    assert main(["metrics", str(parquet), "--out", str(out)]) == 0
    assert "events.parquet: 4 rows read, 1 accepted, 3 rejected" in capsys.readouterr().err
    assert lines(out)[1:] == ["2025-01-06,Web,1,1,0,0,0.0,0,0.0"]
    assert main(["metrics", str(parquet), "--strict", "--out", str(out)]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "error: events.parquet: 3 rejected rows (--strict); first: row 2, column 'timestamp': "
        "not a date and time"
    )


def test_numbered_parquet_with_rejects_counts_only_the_accepted_rows(tmp_path: Path, capsys):
    # a `row` column: the input is a view over the file, filtered only when a row is rejected
    frame = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c", "d"],
            "timestamp": ["2025-01-06 10:00", "soon", "2025-01-06 11:00", "2025-01-06 12:00"],
            "channel": ["Web", "Web", "Email", ""],
            "row": [1, 2, 3, 4],
        }
    )
    bad, good = tmp_path / "bad.parquet", tmp_path / "good.parquet"
    frame.to_parquet(bad)
    frame.iloc[[0, 2]].to_parquet(good)
    from_bad, from_good = tmp_path / "bad.csv", tmp_path / "good.csv"
    assert main(["metrics", str(bad), "--out", str(from_bad)]) == 0
    assert "bad.parquet: 4 rows read, 2 accepted, 2 rejected" in capsys.readouterr().err
    assert main(["metrics", str(good), "--out", str(from_good)]) == 0
    assert "good.parquet: 2 rows read, 2 accepted, 0 rejected" in capsys.readouterr().err
    assert from_bad.read_bytes() == from_good.read_bytes()
    assert len(lines(from_good)) == 3  # the header, Web and Email on 2025-01-06


def test_typed_parquet_columns_read_as_their_text_would_be(tmp_path: Path, capsys):
    # naive timestamps, a boolean conversion and a float revenue are read as they are (no
    # text round trip): the same rejects, metrics and attribution as the same values as text
    frame = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b", "b", "c", "d"],
            "timestamp": pd.to_datetime(
                [
                    "2025-01-06 10:00",
                    "2025-01-07 09:30",
                    "2025-01-06 11:00",
                    None,
                    "2025-01-08 00:00",
                    "2025-01-08 01:00",
                ]
            ),
            "channel": ["Web", "Email", "Email", "Web", "Web", "Store"],
            "conversion": pd.array([False, True, None, True, True, False], dtype="boolean"),
            "revenue": [None, 40.5, 0.0, 3.0, -2.0, 7.25],
        }
    )
    typed, text = tmp_path / "typed.parquet", tmp_path / "text.parquet"
    frame.to_parquet(typed)
    as_text = frame.assign(
        timestamp=frame["timestamp"].dt.strftime("%Y-%m-%d %H:%M:%S"),
        conversion=frame["conversion"].map({True: "true", False: "false"}),
        revenue=frame["revenue"].map(lambda v: None if pd.isna(v) else repr(v)),
    ).astype("object")
    as_text.to_parquet(text)
    for command in (["metrics"], ["attribution", "--models", "first,last,linear"]):
        outputs = []
        for source in (typed, text):
            out = tmp_path / f"{command[0]}-{source.stem}.csv"
            assert main([command[0], str(source), *command[1:], "--out", str(out)]) == 0
            err = capsys.readouterr().err
            assert f"{source.name}: 6 rows read, 4 accepted, 2 rejected" in err
            outputs.append(out.read_bytes())
        assert outputs[0] == outputs[1]
    # a: Web then Email (converts, 40.5); b's blank time and c's negative revenue are rejected
    assert (
        main(["attribution", str(typed), "--models", "last", "--out", str(tmp_path / "a.csv")]) == 0
    )
    assert "Email" in (tmp_path / "a.csv").read_text()
