"""Value parsing: timestamps, numbers, booleans; vectorised and index-keeping."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_series_equal

from journey.errors import SettingsError
from journey.io import parse
from journey.schema import (
    RawTable,
)

UTC = "datetime64[us, UTC]"


def utc(*values: str | None) -> pd.Series:
    return pd.Series(pd.to_datetime(list(values), utc=True, format="ISO8601")).astype(UTC)


def text(*values: str) -> pd.Series:
    return pd.Series(list(values), dtype="str")


def raw_table(columns: dict[str, list[str]], name: str = "t.csv") -> RawTable:
    frame = pd.DataFrame({k: pd.Series(v, dtype="str") for k, v in columns.items()})
    return RawTable(frame, name, "csv", "utf-8", ",")


def test_iso_with_offsets_converts_to_utc_and_naive_uses_the_timezone():
    values = text("2025-03-21T14:05:00+01:00", "2025-03-21T14:05:00Z", "2025-03-21 14:05", "")
    assert_series_equal(
        parse.parse_timestamps(values, tz="Asia/Jakarta"),
        utc("2025-03-21 13:05", "2025-03-21 14:05", "2025-03-21 07:05", None),
    )


def test_iso_fast_path_naive_and_date_only():
    assert_series_equal(
        parse.parse_timestamps(text("2025-03-21", "2025-03-21T14:05:00.250")),
        utc("2025-03-21 00:00", "2025-03-21 14:05:00.250"),
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("21/03/2025 14:05", "2025-03-21 14:05"),
        ("21.03.2025", "2025-03-21 00:00"),
        ("21-03-2025", "2025-03-21 00:00"),
        ("21.03.25 8:05", "2025-03-21 08:05"),
        ("21/03/2025 14:05:30,5", "2025-03-21 14:05:30.5"),
        ("2025.03.21", "2025-03-21 00:00"),
        ("21 Mar 2025", "2025-03-21 00:00"),
        ("21 marca 2025 14:05", "2025-03-21 14:05"),
        ("March 21, 2025 2:05 PM", "2025-03-21 14:05"),
        ("Fri, 21 Mar 2025 14:05:00 +0100", "2025-03-21 13:05"),
        ("1742565900", "2025-03-21 14:05"),
        ("1742565900000", "2025-03-21 14:05"),
        ("45737.5", "2025-03-21 12:00"),
        ("45737,5", "2025-03-21 12:00"),
        ("20250321", "2025-03-21 00:00"),
    ],
)
def test_date_styles(value: str, expected: str):
    assert_series_equal(parse.parse_timestamps(text(value)), utc(expected))


def test_day_first_detected_from_a_first_part_over_12():
    values = text("03/04/2025", "13/04/2025")
    assert_series_equal(parse.parse_timestamps(values), utc("2025-04-03", "2025-04-13"))


def test_month_first_detected_from_a_second_part_over_12():
    values = text("03/04/2025", "04/13/2025")
    assert_series_equal(parse.parse_timestamps(values), utc("2025-03-04", "2025-04-13"))


def test_ambiguous_dates_default_to_day_first_and_the_setting_overrides():
    values = text("03/04/2025")
    assert_series_equal(parse.parse_timestamps(values), utc("2025-04-03"))
    assert_series_equal(parse.parse_timestamps(values, day_first=False), utc("2025-03-04"))
    # the setting wins over the data: 13/04 cannot be month-first
    assert_series_equal(parse.parse_timestamps(text("13/04/2025"), day_first=False), utc(None))


def test_impossible_dates_and_words_are_nat():
    values = text("31/02/2025", "soon", "2025-13-01", "25:00", "")
    assert parse.parse_timestamps(values).isna().tolist() == [True] * 5


def test_epoch_and_excel_numbers_from_native_dtypes():
    assert_series_equal(
        parse.parse_timestamps(pd.Series([1742565900, 1742565900000, 45737.5, np.nan])),
        utc("2025-03-21 14:05", "2025-03-21 14:05", "2025-03-21 12:00", None),
    )


def test_excel_serials_are_wall_clock_in_the_timezone_epochs_are_utc():
    assert_series_equal(
        parse.parse_timestamps(text("45737.5", "1742565900"), tz="Europe/Warsaw"),
        utc("2025-03-21 11:00", "2025-03-21 14:05"),
    )


def test_native_naive_datetimes_take_the_timezone():
    naive = pd.Series(pd.to_datetime(["2025-07-01 12:00"]))
    assert_series_equal(parse.parse_timestamps(naive, tz="Europe/Warsaw"), utc("2025-07-01 10:00"))


def test_dst_gap_shifts_forward_and_repeated_hour_takes_the_first():
    values = text("2025-03-30 02:30", "2025-10-26 02:30")
    assert_series_equal(
        parse.parse_timestamps(values, tz="Europe/Warsaw"),
        utc("2025-03-30 01:00", "2025-10-26 00:30"),
    )


def test_unknown_timezone_is_a_settings_error():
    with pytest.raises(SettingsError, match="unknown time zone 'Mars/Base'"):
        parse.parse_timestamps(text("2025-03-21"), tz="Mars/Base")


def test_numbers_with_decimal_commas_and_thousands():
    values = text("1.234,56", "1,234.56", "12,5", "1 234,56", "7", "-3.5", "", "abc", "€ 5")
    result = parse.parse_numbers(values).tolist()
    assert result[:7] == [1234.56, 1234.56, 12.5, 1234.56, 7.0, -3.5, result[6]]
    assert math.isnan(result[6])
    assert math.isnan(result[7])
    assert result[8] == 5.0


def test_lone_thousands_groups_follow_the_column():
    assert parse.parse_numbers(text("1,234", "5")).tolist() == [1234.0, 5.0]
    assert parse.parse_numbers(text("1,234", "12,5")).tolist() == [1.234, 12.5]
    assert parse.parse_numbers(text("1.234", "5")).tolist() == [1.234, 5.0]
    assert parse.parse_numbers(text("1.234", "1.234,5")).tolist() == [1234.0, 1234.5]
    assert parse.parse_numbers(text("1.234.567")).tolist() == [1234567.0]


def test_plain_numbers_fast_path():
    assert parse.parse_numbers(text("1", "2.5", "-0.25", "1e3")).tolist() == [
        1.0, 2.5, -0.25, 1000.0,
    ]  # fmt: skip


def test_bools_in_three_languages():
    values = text("true", "FALSE", "1", "0", "Yes", "no", "ya", "Tidak", "TAK", "nie", "", "maybe")
    expected = [True, False, True, False, True, False, True, False, True, False, False, pd.NA]
    assert_series_equal(parse.parse_bools(values), pd.Series(expected, dtype="boolean"))


def test_bools_from_native_dtypes():
    assert parse.parse_bools(pd.Series([1.0, 0.0, np.nan, 2.0])).tolist() == [
        True, False, False, pd.NA,
    ]  # fmt: skip
    assert parse.parse_bools(pd.Series([True, False])).tolist() == [True, False]


def test_rupiah_and_grouped_thousands_decide_the_column():
    assert parse.parse_numbers(text("Rp 10.000", "Rp 1.250.000")).tolist() == [
        10000.0, 1250000.0,
    ]  # fmt: skip
    assert parse.parse_numbers(text("10.000", "1.250.000")).tolist() == [10000.0, 1250000.0]
    assert parse.parse_numbers(text("1,234", "1,234,567")).tolist() == [1234.0, 1234567.0]
    assert parse.parse_numbers(text("12,5 zł", "1 234,56 zł")).tolist() == [12.5, 1234.56]
    assert parse.parse_numbers(text("-$5", "1,234.5", "1,234")).tolist() == [
        -5.0, 1234.5, 1234.0,
    ]  # fmt: skip


def test_parsers_keep_any_index():
    index = pd.Index([10, 10, 3], name="k")
    stamps = parse.parse_timestamps(pd.Series(["2025-03-21", "21/03/2025", "x"], index=index))
    assert stamps.index.equals(index)
    assert stamps.isna().tolist() == [False, False, True]
    numbers = parse.parse_numbers(pd.Series(["1,5", "2", "x"], index=index, dtype="str"))
    assert numbers.index.equals(index)
    assert numbers.tolist()[:2] == [1.5, 2.0]
    flags = parse.parse_bools(pd.Series(["ya", "nie", "?"], index=index))
    assert flags.index.equals(index)
    assert flags.tolist() == [True, False, pd.NA]
