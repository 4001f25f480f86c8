"""Row rules: accepted rows in contract dtypes, one reject per row/column/reason."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal, assert_series_equal

from journey.errors import MappingError
from journey.io import read, validate
from journey.io.mapping import propose_mapping
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
    ConversionRule,
    DatasetSettings,
    RawTable,
)

UTC = "datetime64[us, UTC]"


def utc(*values: str | None) -> pd.Series:
    return pd.Series(pd.to_datetime(list(values), utc=True, format="ISO8601")).astype(UTC)


def raw_table(columns: dict[str, list[str]], name: str = "t.csv") -> RawTable:
    frame = pd.DataFrame({k: pd.Series(v, dtype="str") for k, v in columns.items()})
    return RawTable(frame, name, "csv", "utf-8", ",")


def events(columns: dict[str, list[str]], **settings: object):
    raw = raw_table(columns)
    mapping = propose_mapping(list(raw.frame.columns))
    return validate.validate_events(raw, mapping, DatasetSettings(**settings))


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


BASE = {
    "customer_id": ["a", "a", "b", "b", "c"],
    "timestamp": ["2025-03-21", "2025-03-22", "2025-03-23", "2025-03-24", "2025-03-25"],
    "channel": ["Email", "Web", "Social", "Store", "Email"],
}
REVENUE_TEXT = ["", "100", "0", "20,5", ""]


def test_revenue_marks_conversions_when_nothing_else_does():
    result = events({**BASE, "revenue": REVENUE_TEXT})
    assert result.conversion_rule is ConversionRule.REVENUE
    assert result.accepted[CONVERSION].tolist() == [False, True, False, True, False]
    assert result.accepted[REVENUE].tolist() == [0.0, 100.0, 0.0, 20.5, 0.0]


def test_revenue_marks_conversions_when_no_event_type_is_a_conversion_type():
    types = ["view", "checkout", "view", "visit", "view"]
    result = events({**BASE, "event_type": types, "revenue": REVENUE_TEXT})
    assert result.conversion_rule is ConversionRule.REVENUE
    assert result.accepted[CONVERSION].tolist() == [False, True, False, True, False]


def test_conversion_event_types_win_over_revenue():
    # row 2 earned 100 but is a view: the file's own purchase events say what converts
    types = ["view", "view", "view", "purchase", "view"]
    result = events({**BASE, "event_type": types, "revenue": REVENUE_TEXT})
    assert result.conversion_rule is ConversionRule.EVENT_TYPE
    assert result.accepted[CONVERSION].tolist() == [False, False, False, True, False]


def test_conversion_column_wins_over_event_types_and_revenue():
    flags = ["yes", "no", "no", "no", "no"]
    types = ["view", "purchase", "view", "view", "view"]
    result = events({**BASE, "conversion": flags, "event_type": types, "revenue": REVENUE_TEXT})
    assert result.conversion_rule is ConversionRule.COLUMN
    assert result.accepted[CONVERSION].tolist() == [True, False, False, False, False]


def test_no_conversion_column_event_type_or_revenue_marks_nothing():
    result = events({**BASE, "event_type": ["view"] * 5})
    assert result.conversion_rule is ConversionRule.NONE
    assert not result.accepted[CONVERSION].any()


def test_revenue_rule_leaves_rejected_rows_out():
    # row 3's negative revenue is rejected; the rows left convert by their revenue
    result = events({**BASE, "revenue": ["", "100", "-3", "20,5", ""]})
    assert result.conversion_rule is ConversionRule.REVENUE
    assert result.accepted[ROW].tolist() == [1, 2, 4, 5]
    assert result.accepted[CONVERSION].tolist() == [False, True, True, False]


def test_transcripts_have_no_conversion_rule():
    raw = raw_table({"customer_id": ["c1"], "text": ["hello"]})
    mapping = propose_mapping(list(raw.frame.columns), "transcripts")
    result = validate.validate_transcripts(raw, mapping, DatasetSettings())
    assert result.conversion_rule is None


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
        raw, propose_mapping(list(raw.frame.columns)), DatasetSettings()
    )
    assert events_result.accepted[CUSTOMER_ID].tolist() == ["a"]
    assert_frame_equal(raw.frame, before)


def test_transcripts_keep_empty_text_and_reject_bad_dates():
    raw = raw_table(
        {
            "customer_id": ["c1", "c2", "", "c4"],
            "timestamp": ["2025-03-21", "", "2025-03-22", "later"],
            "text": ["Great, thanks!", "", "Where?", "Hmm"],
            "label": ["Positive", "", "negative", "meh"],
        }
    )
    mapping = propose_mapping(list(raw.frame.columns), "transcripts")
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
    raw = read.read_table(data, "messy.csv")
    mapping = propose_mapping(list(raw.frame.columns))
    result = validate.validate_events(raw, mapping, DatasetSettings())
    rejected = set(result.rejects[ROW])
    assert result.rows_read == len(raw.frame)
    assert result.rows_read == result.rows_accepted + len(rejected)
    assert set(result.accepted[ROW]).isdisjoint(rejected)
    assert sorted([*result.accepted[ROW], *rejected]) == list(range(1, result.rows_read + 1))


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
