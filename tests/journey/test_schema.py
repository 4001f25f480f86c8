"""The data contract: result types check their invariants, phases keep journey order."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from journey.schema import (
    PHASE_DTYPE,
    REJECT_COLUMNS,
    ROW,
    Phase,
    RawTable,
    ValidationResult,
    empty_rejects,
    specs_for,
)


def rejects(*rows: tuple[int, str, str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(REJECT_COLUMNS))
    return frame.astype({ROW: "int64", "column": "string", "reason": "string"})


def test_validation_result_counts_distinct_rejected_rows():
    result = ValidationResult(
        accepted=pd.DataFrame({ROW: [1, 3]}),
        rejects=rejects((2, "timestamp", "not a date: 'x'"), (2, "channel", "empty channel")),
        rows_read=3,
        duplicates=1,
        file="e.csv",
    )
    assert result.rows_accepted == 2
    assert result.rows_rejected == 1
    assert result.summary() == "e.csv: 3 rows read, 2 accepted, 1 rejected, 1 exact duplicates"


def test_validation_result_refuses_rows_that_do_not_add_up():
    with pytest.raises(ValueError, match=r"^4 read != 2 accepted \+ 1 rejected$"):
        ValidationResult(pd.DataFrame({ROW: [1, 3]}), rejects((2, "", "ragged")), rows_read=4)
    with pytest.raises(ValueError, match=r"^1 read != 0 accepted \+ 0 rejected$"):
        ValidationResult(pd.DataFrame({ROW: []}), empty_rejects(), rows_read=1)


def test_an_empty_result_is_valid_and_summarised_as_input():
    result = ValidationResult(pd.DataFrame({ROW: []}), empty_rejects(), rows_read=0)
    assert result.rows_rejected == 0
    assert result.summary() == "input: 0 rows read, 0 accepted, 0 rejected, 0 exact duplicates"


def test_phases_are_declared_in_journey_order_and_equal_their_strings():
    assert list(Phase) == ["awareness", "onboarding", "engagement", "post-purchase"]
    assert Phase.POST_PURCHASE == "post-purchase"
    shuffled = pd.Series(["post-purchase", "awareness", "engagement", "onboarding"])
    ordered = shuffled.astype(PHASE_DTYPE).sort_values().tolist()
    assert ordered == ["awareness", "onboarding", "engagement", "post-purchase"]


def test_raw_table_defaults_to_no_rejects_of_the_contract_dtypes():
    frame = pd.DataFrame({"customer_id": ["c1"]})
    first = RawTable(frame, "e.csv", "csv", "utf-8", ",")
    second = RawTable(frame, "f.csv", "csv", "utf-8", ",")
    assert_frame_equal(first.rejects, empty_rejects())
    assert list(first.rejects.dtypes.astype(str)) == ["int64", "string", "string"]
    assert first.rejects is not second.rejects  # each table has its own frame
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.file = "other.csv"  # type: ignore[misc]


def test_specs_for_names_the_two_input_kinds():
    assert specs_for("events")[0].name == "customer_id"
    assert [s.name for s in specs_for("transcripts") if s.required] == ["customer_id", "text"]
    with pytest.raises(ValueError, match="unknown input kind 'orders'"):
        specs_for("orders")
