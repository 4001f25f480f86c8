"""Identity stitching: connected components over shared identifiers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal, assert_series_equal

from journey.errors import MappingError, SettingsError
from journey.io import read, validate
from journey.io.identity import stitch_identities, stitch_table
from journey.io.mapping import check_mapping, propose_mapping
from journey.schema import CUSTOMER_ID, ROW, TIMESTAMP, DatasetSettings

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def test_stitching_the_fixture_by_hand():
    raw = read.read_table(FIXTURES / "identities.csv")
    ids, report = stitch_identities(raw.frame, ["email", "device_id", "crm_id"])
    # rows 1-2 share d1, rows 2 and 4 share crm-9: one person; bob alone; row 5 has no id;
    # carl's three identifiers are one person.
    expected = pd.Series(
        [
            "crm_id:crm-9", "crm_id:crm-9", "email:bob@example.com", "crm_id:crm-9", pd.NA,
            "crm_id:crm-3",
        ],
        name=CUSTOMER_ID,
        dtype="string",
    )  # fmt: skip
    assert_series_equal(ids, expected)
    assert report.n_identifiers == 7  # ann, bob, carl, d1, d7, crm-9, crm-3
    assert report.n_customers == 3
    assert report.n_merged_customers == 2
    assert_frame_equal(
        report.by_column,
        pd.DataFrame(
            {
                "column": pd.Series(["email", "device_id", "crm_id"], dtype="string"),
                "identifiers": pd.Series([3, 2, 2], dtype="int64"),
            }
        ),
    )


def test_stitch_table_then_validate_rejects_rows_without_identifier():
    raw = read.read_table(FIXTURES / "identities.csv")
    stitched, _ = stitch_table(raw, ["email", "device_id", "crm_id"])
    columns = list(stitched.frame.columns)
    mapping = propose_mapping(columns)
    assert mapping[CUSTOMER_ID] == CUSTOMER_ID
    check_mapping(mapping, columns, "events", raw.file)
    result = validate.validate_events(stitched, mapping, DatasetSettings())
    assert result.rejects.to_dict("records") == [
        {ROW: 5, "column": CUSTOMER_ID, "reason": "missing customer id"}
    ]
    assert result.accepted[CUSTOMER_ID].tolist() == [
        "crm_id:crm-9", "crm_id:crm-9", "email:bob@example.com", "crm_id:crm-9", "crm_id:crm-3",
    ]  # fmt: skip
    assert result.accepted["email"].tolist()[0] == "ann@example.com"
    assert result.accepted[TIMESTAMP].notna().all()


def test_same_value_in_different_columns_does_not_link():
    frame = pd.DataFrame({"a": ["x", ""], "b": ["", "x"]})
    ids, report = stitch_identities(frame, ["a", "b"])
    assert ids.tolist() == ["a:x", "b:x"]
    assert report.n_merged_customers == 0


def test_values_are_stripped_and_numbers_read_as_text():
    frame = pd.DataFrame({"phone": [" 123 ", "123", None], "crm": [7.0, float("nan"), 7.0]})
    ids, report = stitch_identities(frame, ["phone", "crm"])
    assert ids.tolist() == ["crm:7", "crm:7", "crm:7"]
    assert report.n_identifiers == 2


def test_bad_arguments():
    frame = pd.DataFrame({"email": ["a"]})
    with pytest.raises(SettingsError, match="at least one identifier column"):
        stitch_identities(frame, [])
    with pytest.raises(
        MappingError, match=r"column 'emial': no such column\. Did you mean 'email'"
    ):
        stitch_identities(frame, ["emial"])


IDS = st.lists(
    st.tuples(
        st.sampled_from(["", "a@x", "b@x", "c@x"]),
        st.sampled_from(["", "d1", "d2", "d3", "d4"]),
        st.sampled_from(["", "k1", "k2"]),
    ),
    min_size=1,
    max_size=30,
)


def frame_of(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["email", "device", "crm"]).astype("str")


def partition(ids: pd.Series) -> set[frozenset[int]]:
    groups = ids.dropna().groupby(ids.dropna()).groups
    return {frozenset(int(i) for i in index) for index in groups.values()}


@given(IDS, st.randoms(use_true_random=False))
def test_stitching_is_order_independent(rows: list[tuple[str, str, str]], random) -> None:
    frame = frame_of(rows)
    ids, report = stitch_identities(frame, ["email", "device", "crm"])
    order = list(range(len(frame)))
    random.shuffle(order)
    shuffled_ids, shuffled_report = stitch_identities(frame.iloc[order], ["email", "device", "crm"])
    # same id for every original row, not just the same partition
    assert_series_equal(shuffled_ids.sort_index(), ids)
    assert report.n_customers == shuffled_report.n_customers
    assert report.n_merged_customers == shuffled_report.n_merged_customers


@given(IDS)
def test_stitching_is_transitive_and_links_exactly_shared_identifiers(
    rows: list[tuple[str, str, str]],
) -> None:
    frame = frame_of(rows)
    ids, _ = stitch_identities(frame, ["email", "device", "crm"])
    for column in ["email", "device", "crm"]:
        values = frame[column]
        shared = values[values != ""]
        # rows sharing an identifier get one customer
        per_value = ids[shared.index].groupby(shared).agg(lambda g: len(set(g)))
        assert (per_value == 1).all()
    # rows with no identifier have no customer id; every other row has one
    no_id = (frame == "").all(axis=1)
    assert ids[no_id].isna().all()
    assert ids[~no_id].notna().all()
    # transitivity: two rows with the same customer id are linked by a chain of identifiers
    for group in partition(ids):
        members = sorted(group)
        reached = {members[0]}
        frontier = [members[0]]
        while frontier:
            row = frontier.pop()
            for other in members:
                if other not in reached and any(
                    frame.iloc[row][c] != "" and frame.iloc[row][c] == frame.iloc[other][c]
                    for c in frame.columns
                ):
                    reached.add(other)
                    frontier.append(other)
        assert reached == group


def test_empty_frames_and_rows_without_identifiers():
    ids, report = stitch_identities(pd.DataFrame({"a": pd.Series([], dtype="str")}), ["a"])
    assert ids.tolist() == []
    assert (report.n_identifiers, report.n_customers) == (0, 0)
    ids, _ = stitch_identities(pd.DataFrame({"a": ["", " "]}), ["a"])
    assert ids.isna().tolist() == [True, True]
