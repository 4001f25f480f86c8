"""Text decoding: encodings, BOMs, legacy code pages, stray bytes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_series_equal

from journey.io import read
from journey.io.load import load_file
from journey.schema import (
    CHANNEL,
    CUSTOMER_ID,
    REVENUE,
    ROW,
    TIMESTAMP,
    DatasetSettings,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def stamps(*values: str) -> pd.Series:
    return pd.Series(pd.to_datetime(list(values), utc=True), name=TIMESTAMP).astype(
        "datetime64[us, UTC]"
    )


def load(name: str, **kwargs: object) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    result, mapping = load_file(FIXTURES / name, **kwargs)
    return result.accepted, result.rejects, mapping


def test_utf16_tab_separated():
    raw = read.read_table(FIXTURES / "events_utf16.tsv")
    assert (raw.encoding, raw.delimiter) == ("utf-16", "\t")
    accepted, _, _ = load("events_utf16.tsv")
    assert accepted["city"].tolist() == ["Łódź", "Café"]
    assert_series_equal(accepted[TIMESTAMP], stamps("2025-03-21 14:05", "2025-03-22 09:30"))


def test_cp1250_polish_headers_dates_and_decimal_commas():
    raw = read.read_table(FIXTURES / "events_cp1250.csv")
    assert (raw.encoding, raw.delimiter) == ("cp1250", ";")
    accepted, rejects, mapping = load("events_cp1250.csv")
    assert mapping == {
        CUSTOMER_ID: "klient", TIMESTAMP: "data", CHANNEL: "kanał", REVENUE: "wartość",
    }  # fmt: skip
    assert rejects.empty
    assert accepted["miasto"].tolist() == ["Łódź", "Gdańsk", "Kraków"]
    assert accepted["notatka"].tolist()[0] == "Zażółć gęślą jaźń"
    assert accepted["notatka"].tolist()[2] == "ćma"
    assert accepted[REVENUE].tolist() == [1234.56, 12.5, 0.0]
    assert_series_equal(
        accepted[TIMESTAMP],
        stamps("2025-03-21 14:05", "2025-03-22 00:00", "2025-03-23 08:00"),
    )


def test_cp1250_dates_in_warsaw_time_convert_to_utc():
    accepted, _, _ = load("events_cp1250.csv", settings=DatasetSettings(timezone="Europe/Warsaw"))
    # March 2025 before the DST switch (30 March): Warsaw is UTC+1
    assert_series_equal(
        accepted[TIMESTAMP],
        stamps("2025-03-21 13:05", "2025-03-21 23:00", "2025-03-23 07:00"),
    )


def test_cp1252_cafe_and_day_first_slashes():
    raw = read.read_table(FIXTURES / "events_cp1252.csv")
    assert raw.encoding == "cp1252"
    accepted, _, _ = load("events_cp1252.csv")
    assert accepted["city"].tolist() == ["Café", "São Paulo"]
    assert accepted[REVENUE].tolist() == [12.5, 1234.56]
    assert_series_equal(accepted[TIMESTAMP], stamps("2025-03-21 14:05", "2025-03-22 09:30"))


@pytest.mark.parametrize(
    ("word", "encoding"),
    [
        ("Łódź", "cp1250"),
        ("Gdańsk", "cp1250"),
        ("Zażółć gęślą jaźń", "cp1250"),
        ("Café", "cp1252"),
        ("España", "cp1252"),
        ("Crème brûlée", "cp1252"),
    ],
)
def test_legacy_code_pages_round_trip(word: str, encoding: str):
    data = f"customer_id,timestamp,channel,name\nc1,2025-03-21,Web,{word}\n".encode(encoding)
    raw = read.read_table(data, "x.csv")
    assert raw.frame["name"].tolist() == [word]


def test_invalid_utf8_bytes_reject_the_cell_and_keep_the_rest():
    raw = read.read_table(FIXTURES / "invalid_utf8.csv")
    assert raw.encoding == "utf-8"
    assert raw.frame["city"].tolist() == ["Łódź", "Café"]
    result, _ = load_file(FIXTURES / "invalid_utf8.csv")
    assert result.rejects.to_dict("records") == [
        {
            ROW: 2,
            "column": "city",
            "reason": "not UTF-8 text: 'Café' holds bytes that are not UTF-8 (shown as cp1252)",
        }
    ]
    assert result.accepted["city"].tolist() == ["Łódź"]


def test_utf8_bom_with_a_stray_byte_rejects_that_cell():
    data = b"\xef\xbb\xbfcustomer_id,timestamp,channel\nc1,2025-03-21,Caf\xe9\nc2,2025-03-21,Web\n"
    raw = read.read_table(data, "bom.csv")
    assert raw.encoding == "utf-8-sig"
    assert raw.frame["channel"].tolist() == ["Café", "Web"]
    assert raw.rejects[ROW].tolist() == [1]


def test_utf16_without_bom_and_single_column_files():
    data = "customer_id\tchannel\nc1\tŁódź\n".encode("utf-16-le")
    raw = read.read_table(data, "x.txt")
    assert (raw.encoding, raw.delimiter) == ("utf-16-le", "\t")
    assert raw.frame["channel"].tolist() == ["Łódź"]
    single = read.read_table(b"customer_id\nc1\nc2\n", "one.csv")
    assert single.frame.to_dict("list") == {"customer_id": ["c1", "c2"]}
