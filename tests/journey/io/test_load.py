"""Loading: read -> map -> stitch -> validate, the fingerprint, progress."""

from __future__ import annotations

from pathlib import Path

import pytest

from journey.errors import MappingError
from journey.io import load
from journey.io.load import fingerprint, load_file
from journey.io.mapping import apply_overrides
from journey.io.read import read_table
from journey.schema import (
    CHANNEL,
    CUSTOMER_ID,
    ROW,
    TEXT,
    TIMESTAMP,
    DatasetSettings,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def test_load_file_required_column_unmapped_raises():
    with pytest.raises(MappingError, match=r"no_channel\.csv, column 'channel'"):
        load_file(FIXTURES / "no_channel.csv")


def test_load_file_overrides_move_a_source_column():
    result, mapping = load_file(FIXTURES / "no_channel.csv", overrides={CHANNEL: "chanel"})
    assert mapping == {CUSTOMER_ID: "client", TIMESTAMP: "ts", CHANNEL: "chanel"}
    assert result.accepted[CHANNEL].tolist() == ["Email"]
    # source reassigned: 'chanel' is no longer proposed for anything else, '' unmaps
    assert apply_overrides({CHANNEL: "a", "touchpoint": "b"}, {"touchpoint": "a"}) == {
        "touchpoint": "a"
    }
    assert apply_overrides({CHANNEL: "a", "team": "b"}, {"team": ""}) == {CHANNEL: "a"}


def test_fingerprint_changes_with_bytes_mapping_and_settings():
    base = fingerprint(b"abc", {CHANNEL: "c"}, DatasetSettings())
    assert base == fingerprint(b"abc", {CHANNEL: "c"}, DatasetSettings())
    assert len(base) == 64
    assert base != fingerprint(b"abd", {CHANNEL: "c"}, DatasetSettings())
    assert base != fingerprint(b"abc", {CHANNEL: "d"}, DatasetSettings())
    assert base != fingerprint(b"abc", {CHANNEL: "c"}, DatasetSettings(timezone="Asia/Jakarta"))


def test_load_file_reports_progress():
    seen: list[float] = []
    load_file(FIXTURES / "events_utf8.csv", progress=lambda f, _m: seen.append(f))
    assert seen[0] == 0.0
    assert seen[-1] == 1.0
    assert seen == sorted(seen)


def test_load_file_stitches_identities_before_mapping():
    result, mapping = load_file(FIXTURES / "identities.csv", id_columns=["email", "device_id"])
    assert mapping[CUSTOMER_ID] == load.STITCHED_COLUMN
    # rows 1-2 share d1; row 4 has only crm_id (not stitched here) and row 5 no id at all
    assert result.accepted[CUSTOMER_ID].tolist() == [
        "device_id:d1", "device_id:d1", "email:bob@example.com", "device_id:d7",
    ]  # fmt: skip
    assert result.rejects.to_dict("records") == [
        {ROW: 4, "column": load.STITCHED_COLUMN, "reason": "missing customer id"},
        {ROW: 5, "column": load.STITCHED_COLUMN, "reason": "missing customer id"},
    ]


def test_stitch_without_id_columns_leaves_the_table_alone():
    raw = read_table(FIXTURES / "identities.csv")
    assert load.stitch(raw, []) == (raw, None)


def test_read_mapped_proposes_and_applies_overrides_without_checking():
    raw, mapping = load.read_mapped(FIXTURES / "identities.csv", overrides={CUSTOMER_ID: "crm_id"})
    assert raw.file == "identities.csv"
    assert mapping == {CUSTOMER_ID: "crm_id", TIMESTAMP: "timestamp", CHANNEL: "channel"}


def test_propose_lets_the_stitched_id_win_and_overrides_win_over_it():
    raw, _ = load.stitch(read_table(FIXTURES / "identities.csv"), ["email"])
    assert load.propose(raw, stitched=True)[CUSTOMER_ID] == load.STITCHED_COLUMN
    assert load.propose(raw, overrides={CUSTOMER_ID: "email"}, stitched=True)[CUSTOMER_ID] == (
        "email"
    )


def test_validate_table_checks_the_mapping_then_runs_the_rules_of_its_kind():
    raw = read_table(b"customer_id,text\nc1,great\n,ok\n", "t.csv")
    result = load.validate_table(
        raw, {CUSTOMER_ID: "customer_id", TEXT: "text"}, "transcripts", DatasetSettings()
    )
    assert result.accepted[TEXT].tolist() == ["great"]
    assert result.rejects[ROW].tolist() == [2]
    with pytest.raises(MappingError, match="required column is not mapped"):
        load.validate_table(raw, {CUSTOMER_ID: "customer_id"}, "events", DatasetSettings())
