"""Row rules and the vectorised parsers behind them."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal, assert_series_equal

from journey.errors import MappingError, SettingsError
from journey.io import ingest, validate
from journey.io.ingest import RawTable
from journey.schema import (
    CHANNEL,
    CONVERSION,
    CUSTOMER_ID,
    EVENT_COLUMNS,
    EVENT_TYPE,
    PHASE,
    REVENUE,
    ROW,
    TEXT,
    TIMESTAMP,
    TOUCHPOINT,
    TRANSCRIPT_COLUMNS,
    DatasetSettings,
)

UTC = "datetime64[us, UTC]"


def utc(*values: str | None) -> pd.Series:
    return pd.Series(pd.to_datetime(list(values), utc=True, format="ISO8601")).astype(UTC)


def text(*values: str) -> pd.Series:
    return pd.Series(list(values), dtype="str")


def raw_table(columns: dict[str, list[str]], name: str = "t.csv") -> RawTable:
    frame = pd.DataFrame({k: pd.Series(v, dtype="str") for k, v in columns.items()})
    return RawTable(frame, name, "csv", "utf-8", ",")


def events(columns: dict[str, list[str]], **settings: object):
    raw = raw_table(columns)
    mapping = ingest.propose_mapping(list(raw.frame.columns))
    return validate.validate_events(raw, mapping, DatasetSettings(**settings))


# -- timestamps ----------------------------------------------------------------------------


def test_iso_with_offsets_converts_to_utc_and_naive_uses_the_timezone():
    values = text("2025-03-21T14:05:00+01:00", "2025-03-21T14:05:00Z", "2025-03-21 14:05", "")
    assert_series_equal(
        validate.parse_timestamps(values, tz="Asia/Jakarta"),
        utc("2025-03-21 13:05", "2025-03-21 14:05", "2025-03-21 07:05", None),
    )


def test_iso_fast_path_naive_and_date_only():
    assert_series_equal(
        validate.parse_timestamps(text("2025-03-21", "2025-03-21T14:05:00.250")),
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
    assert_series_equal(validate.parse_timestamps(text(value)), utc(expected))


def test_day_first_detected_from_a_first_part_over_12():
    values = text("03/04/2025", "13/04/2025")
    assert_series_equal(validate.parse_timestamps(values), utc("2025-04-03", "2025-04-13"))


def test_month_first_detected_from_a_second_part_over_12():
    values = text("03/04/2025", "04/13/2025")
    assert_series_equal(validate.parse_timestamps(values), utc("2025-03-04", "2025-04-13"))


def test_ambiguous_dates_default_to_day_first_and_the_setting_overrides():
    values = text("03/04/2025")
    assert_series_equal(validate.parse_timestamps(values), utc("2025-04-03"))
    assert_series_equal(validate.parse_timestamps(values, day_first=False), utc("2025-03-04"))
    # the setting wins over the data: 13/04 cannot be month-first
    assert_series_equal(validate.parse_timestamps(text("13/04/2025"), day_first=False), utc(None))


def test_impossible_dates_and_words_are_nat():
    values = text("31/02/2025", "soon", "2025-13-01", "25:00", "")
    assert validate.parse_timestamps(values).isna().tolist() == [True] * 5


def test_epoch_and_excel_numbers_from_native_dtypes():
    assert_series_equal(
        validate.parse_timestamps(pd.Series([1742565900, 1742565900000, 45737.5, np.nan])),
        utc("2025-03-21 14:05", "2025-03-21 14:05", "2025-03-21 12:00", None),
    )


def test_excel_serials_are_wall_clock_in_the_timezone_epochs_are_utc():
    assert_series_equal(
        validate.parse_timestamps(text("45737.5", "1742565900"), tz="Europe/Warsaw"),
        utc("2025-03-21 11:00", "2025-03-21 14:05"),
    )


def test_native_naive_datetimes_take_the_timezone():
    naive = pd.Series(pd.to_datetime(["2025-07-01 12:00"]))
    assert_series_equal(
        validate.parse_timestamps(naive, tz="Europe/Warsaw"), utc("2025-07-01 10:00")
    )


def test_dst_gap_shifts_forward_and_repeated_hour_takes_the_first():
    values = text("2025-03-30 02:30", "2025-10-26 02:30")
    assert_series_equal(
        validate.parse_timestamps(values, tz="Europe/Warsaw"),
        utc("2025-03-30 01:00", "2025-10-26 00:30"),
    )


def test_unknown_timezone_is_a_settings_error():
    with pytest.raises(SettingsError, match="unknown time zone 'Mars/Base'"):
        validate.parse_timestamps(text("2025-03-21"), tz="Mars/Base")


# -- numbers and booleans ------------------------------------------------------------------


def test_numbers_with_decimal_commas_and_thousands():
    values = text("1.234,56", "1,234.56", "12,5", "1 234,56", "7", "-3.5", "", "abc", "€ 5")
    result = validate.parse_numbers(values).tolist()
    assert result[:7] == [1234.56, 1234.56, 12.5, 1234.56, 7.0, -3.5, result[6]]
    assert math.isnan(result[6])
    assert math.isnan(result[7])
    assert result[8] == 5.0


def test_lone_thousands_groups_follow_the_column():
    assert validate.parse_numbers(text("1,234", "5")).tolist() == [1234.0, 5.0]
    assert validate.parse_numbers(text("1,234", "12,5")).tolist() == [1.234, 12.5]
    assert validate.parse_numbers(text("1.234", "5")).tolist() == [1.234, 5.0]
    assert validate.parse_numbers(text("1.234", "1.234,5")).tolist() == [1234.0, 1234.5]
    assert validate.parse_numbers(text("1.234.567")).tolist() == [1234567.0]


def test_plain_numbers_fast_path():
    assert validate.parse_numbers(text("1", "2.5", "-0.25", "1e3")).tolist() == [
        1.0, 2.5, -0.25, 1000.0,
    ]  # fmt: skip


def test_bools_in_three_languages():
    values = text("true", "FALSE", "1", "0", "Yes", "no", "ya", "Tidak", "TAK", "nie", "", "maybe")
    expected = [True, False, True, False, True, False, True, False, True, False, False, pd.NA]
    assert_series_equal(validate.parse_bools(values), pd.Series(expected, dtype="boolean"))


def test_bools_from_native_dtypes():
    assert validate.parse_bools(pd.Series([1.0, 0.0, np.nan, 2.0])).tolist() == [
        True, False, False, pd.NA,
    ]  # fmt: skip
    assert validate.parse_bools(pd.Series([True, False])).tolist() == [True, False]


def test_snake_case_names():
    assert validate.snake_case("Customer Segment") == "customer_segment"
    assert validate.snake_case("utmCampaign") == "utm_campaign"
    assert validate.snake_case("Miasto (PL)") == "miasto_pl"
    assert validate.snake_case("2025 budget") == "c_2025_budget"
    assert validate.snake_case("Kanał źródłowy") == "kanał_źródłowy"


# -- events --------------------------------------------------------------------------------


def test_accepted_events_follow_the_contract_dtypes():
    result = events(
        {
            "customer_id": ["c1", "c2"],
            "timestamp": ["2025-03-21T14:05:00Z", "2025-03-22T09:30:00Z"],
            "channel": ["Email", "Web"],
            "event_type": ["view", "Purchase"],
            "Region": ["North", ""],
        }
    )
    accepted = result.accepted
    assert list(accepted.columns) == [*EVENT_COLUMNS, "region", ROW]
    dtypes = accepted.dtypes.astype(str).to_dict()
    assert dtypes == {
        CUSTOMER_ID: "string", TIMESTAMP: UTC, CHANNEL: "string", TOUCHPOINT: "string",
        EVENT_TYPE: "string", CONVERSION: "bool", REVENUE: "float64", "team": "string",
        PHASE: "string", "campaign": "string", "device": "string", "session_id": "string",
        "segment": "string", "region": "string", ROW: "int64",
    }  # fmt: skip
    assert accepted[CONVERSION].tolist() == [False, True]  # "Purchase" matches case-insensitively
    assert accepted[TOUCHPOINT].tolist() == ["Email", "Web"]
    assert accepted["region"].tolist() == ["North", pd.NA]
    assert accepted["team"].isna().all()


def test_reject_reasons_one_per_row_column_and_reason():
    result = events(
        {
            "customer_id": ["c1", "", "c3", "c4", "c5"],
            "timestamp": ["2025-03-21", "2025-03-22", "31/02/2025", "", "2025-03-25"],
            "channel": ["Web", "Web", " ", "Web", "Web"],
            "revenue": ["5", "-5", "abc", "1,5", ""],
            "conversion": ["yes", "no", "maybe", "1", ""],
        }
    )
    expected = pd.DataFrame(
        {
            ROW: [2, 2, 3, 3, 3, 3, 4],
            "column": [
                "customer_id",
                "revenue",
                "timestamp",
                "channel",
                "conversion",
                "revenue",
                "timestamp",
            ],
            "reason": [
                "missing customer id",
                "negative revenue: -5",
                "not a date: '31/02/2025'",
                "empty channel",
                "not true/false: 'maybe'",
                "not a number: 'abc'",
                "missing timestamp",
            ],
        }
    ).astype({ROW: "int64", "column": "string", "reason": "string"})
    assert_frame_equal(result.rejects, expected)
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (5, 2, 3)
    assert result.accepted[ROW].tolist() == [1, 5]
    assert result.accepted[REVENUE].tolist() == [5.0, 0.0]
    assert result.accepted[CONVERSION].tolist() == [True, False]


def test_all_timestamps_unparseable_names_the_formats_tried():
    result = events({"customer_id": ["a", "b"], "timestamp": ["x", "y"], "channel": ["W", "W"]})
    assert result.rows_accepted == 0
    assert result.rows_rejected == 2
    reasons = result.rejects["reason"].tolist()
    assert reasons[0].startswith("not a date: 'x' (no value in this column is a date; tried ISO")
    assert "Excel serial" in reasons[1]


def test_conversion_events_setting_is_case_insensitive():
    result = events(
        {
            "customer_id": ["a", "a", "a"],
            "timestamp": ["2025-03-21"] * 3,
            "channel": ["Web"] * 3,
            "event_type": ["Signup", "ORDER", "view"],
        },
        conversion_events=("signup",),
    )
    assert result.accepted[CONVERSION].tolist() == [True, False, False]


def test_explicit_phase_is_normalised_or_rejected():
    result = events(
        {
            "customer_id": ["a", "b", "c", "d"],
            "timestamp": ["2025-03-21"] * 4,
            "channel": ["Web"] * 4,
            "phase": ["Post Purchase", "awareness", "", "later"],
        }
    )
    assert result.accepted[PHASE].tolist() == ["post-purchase", "awareness", pd.NA]
    assert result.rejects["reason"].tolist() == [
        "unknown phase: 'later' (use awareness, onboarding, engagement, post-purchase)"
    ]


def test_duplicates_are_counted_and_kept():
    result = events(
        {
            "customer_id": ["a", "a", "b", "a", "a"],
            "timestamp": ["2025-03-21", "2025-03-21", "2025-03-21", "2025-03-21", "2025-03-21"],
            "channel": ["Web", "Web", "Web", "Web", "App"],
        }
    )
    assert result.duplicates == 2
    assert result.rows_accepted == 5


def test_duplicates_compare_raw_text_not_parsed_values():
    result = events(
        {
            "customer_id": ["a", "a"],
            "timestamp": ["2025-03-21T10:00:00Z", "2025-03-21T11:00:00+01:00"],
            "channel": ["Web", "Web"],
        }
    )
    assert result.duplicates == 0


def test_unmapped_columns_keep_snake_case_names_without_clashes():
    raw = raw_table(
        {
            "klient": ["a"],
            "czas": ["2025-03-21"],
            "kanał": ["Web"],
            "Channel": ["other"],
            "Row": ["7"],
            "Customer Segment": ["VIP"],
        }
    )
    mapping = {CUSTOMER_ID: "klient", TIMESTAMP: "czas", CHANNEL: "kanał"}
    result = validate.validate_events(raw, mapping, DatasetSettings())
    assert list(result.accepted.columns)[len(EVENT_COLUMNS) :] == [
        "channel_2", "row_2", "customer_segment", ROW,
    ]  # fmt: skip
    assert result.accepted[CHANNEL].tolist() == ["Web"]
    assert result.accepted["channel_2"].tolist() == ["other"]


def test_mapped_extra_attribute_uses_its_target_name():
    raw = raw_table({"id": ["a"], "ts": ["2025-03-21"], "ch": ["Web"], "R": ["North"]})
    mapping = {CUSTOMER_ID: "id", TIMESTAMP: "ts", CHANNEL: "ch", "region": "R"}
    result = validate.validate_events(raw, mapping, DatasetSettings())
    assert result.accepted["region"].tolist() == ["North"]


def test_validate_rejects_a_mapping_to_a_missing_column():
    raw = raw_table({"id": ["a"], "ts": ["2025-03-21"]})
    with pytest.raises(MappingError, match="no such column"):
        validate.validate_events(
            raw, {CUSTOMER_ID: "id", TIMESTAMP: "ts", CHANNEL: "chan"}, DatasetSettings()
        )


def test_inputs_are_not_mutated():
    raw = raw_table({"customer_id": [" a "], "timestamp": ["2025-03-21"], "channel": ["Web"]})
    before = raw.frame.copy()
    events_result = validate.validate_events(
        raw, ingest.propose_mapping(list(raw.frame.columns)), DatasetSettings()
    )
    assert events_result.accepted[CUSTOMER_ID].tolist() == ["a"]
    assert_frame_equal(raw.frame, before)


# -- transcripts ---------------------------------------------------------------------------


def test_transcripts_keep_empty_text_and_reject_bad_dates():
    raw = raw_table(
        {
            "customer_id": ["c1", "c2", "", "c4"],
            "timestamp": ["2025-03-21", "", "2025-03-22", "later"],
            "text": ["Great, thanks!", "", "Where?", "Hmm"],
            "label": ["Positive", "", "negative", "meh"],
        }
    )
    mapping = ingest.propose_mapping(list(raw.frame.columns), "transcripts")
    result = validate.validate_transcripts(raw, mapping, DatasetSettings())
    assert list(result.accepted.columns) == [*TRANSCRIPT_COLUMNS, ROW]
    assert result.accepted[TEXT].tolist() == ["Great, thanks!", ""]
    assert result.accepted["label"].tolist() == ["positive", pd.NA]
    assert_series_equal(result.accepted[TIMESTAMP], utc("2025-03-21", None), check_names=False)
    assert result.rejects.to_dict("records") == [
        {ROW: 3, "column": "customer_id", "reason": "missing customer id"},
        {ROW: 4, "column": "timestamp", "reason": "not a date: 'later'"},
    ]


def test_transcripts_require_a_text_column():
    raw = raw_table({"customer_id": ["c1"], "note": ["hi"]})
    with pytest.raises(MappingError, match="column 'text': required column is not mapped"):
        validate.validate_transcripts(raw, {CUSTOMER_ID: "customer_id"}, DatasetSettings())


# -- invariant -----------------------------------------------------------------------------

CELLS = st.sampled_from(
    ["", " ", "c1", "x", "2025-03-21", "21/03/2025", "31/02/2025", "1742565900", "45737.5",
     "Web", "-5", "1,5", "abc", "yes", "maybe", '"q,uoted"', "=SUM(A1)", "Łódź", "a;b", "\t"]
)  # fmt: skip


@given(
    st.lists(st.lists(CELLS, min_size=1, max_size=6), min_size=0, max_size=25),
    st.sampled_from([",", ";"]),
)
def test_rows_read_equal_accepted_plus_rejected(rows: list[list[str]], delimiter: str):
    header = delimiter.join(["customer_id", "timestamp", "channel", "revenue", "conversion"])
    body = "\n".join(delimiter.join(row) for row in rows)
    data = (header + "\n" + body + "\n").encode("utf-8")
    raw = ingest.read_table(data, "messy.csv")
    mapping = ingest.propose_mapping(list(raw.frame.columns))
    result = validate.validate_events(raw, mapping, DatasetSettings())
    rejected = set(result.rejects[ROW])
    assert result.rows_read == len(raw.frame)
    assert result.rows_read == result.rows_accepted + len(rejected)
    assert set(result.accepted[ROW]).isdisjoint(rejected)
    assert sorted([*result.accepted[ROW], *rejected]) == list(range(1, result.rows_read + 1))


def test_rupiah_and_grouped_thousands_decide_the_column():
    assert validate.parse_numbers(text("Rp 10.000", "Rp 1.250.000")).tolist() == [
        10000.0, 1250000.0,
    ]  # fmt: skip
    assert validate.parse_numbers(text("10.000", "1.250.000")).tolist() == [10000.0, 1250000.0]
    assert validate.parse_numbers(text("1,234", "1,234,567")).tolist() == [1234.0, 1234567.0]
    assert validate.parse_numbers(text("12,5 zł", "1 234,56 zł")).tolist() == [12.5, 1234.56]
    assert validate.parse_numbers(text("-$5", "1,234.5", "1,234")).tolist() == [
        -5.0, 1234.5, 1234.0,
    ]  # fmt: skip


@given(
    st.lists(
        st.tuples(st.sampled_from(["a", "b", ""]), st.sampled_from(["x", "y"]), st.integers(0, 2)),
        max_size=40,
    )
)
def test_duplicate_count_matches_pandas(rows: list[tuple[str, str, int]]):
    frame = pd.DataFrame(rows, columns=["p", "q", "r"]).astype({"p": "str", "q": "str"})
    expected = int(frame.duplicated().sum())
    assert validate._duplicates(frame) == expected
    # a first filter that is a function of one column gives the same count
    first = pd.factorize(frame["q"])[0].astype("int64") if len(frame) else None
    assert validate._duplicates(frame, first) == expected


def test_parsers_keep_any_index():
    index = pd.Index([10, 10, 3], name="k")
    stamps = validate.parse_timestamps(pd.Series(["2025-03-21", "21/03/2025", "x"], index=index))
    assert stamps.index.equals(index)
    assert stamps.isna().tolist() == [False, False, True]
    numbers = validate.parse_numbers(pd.Series(["1,5", "2", "x"], index=index, dtype="str"))
    assert numbers.index.equals(index)
    assert numbers.tolist()[:2] == [1.5, 2.0]
    flags = validate.parse_bools(pd.Series(["ya", "nie", "?"], index=index))
    assert flags.index.equals(index)
    assert flags.tolist() == [True, False, pd.NA]
