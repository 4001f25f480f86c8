"""Column mapping: synonyms, name folding, overrides, checks, snake_case."""

from __future__ import annotations

from pathlib import Path

import pytest

from journey.errors import MappingError
from journey.io.mapping import check_mapping, propose_mapping, snake_case
from journey.schema import (
    CHANNEL,
    CUSTOMER_ID,
    REVENUE,
    TEXT,
    TIMESTAMP,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def test_propose_mapping_uses_synonyms_in_three_languages():
    assert propose_mapping(["Pelanggan", "Waktu", "Saluran", "Nilai"]) == {
        CUSTOMER_ID: "Pelanggan", TIMESTAMP: "Waktu", CHANNEL: "Saluran", REVENUE: "Nilai",
    }  # fmt: skip
    assert propose_mapping(["Klient", "Data", "Kanał", "Źródło"]) == {
        CUSTOMER_ID: "Klient", TIMESTAMP: "Data", CHANNEL: "Kanał",
    }  # fmt: skip


def test_propose_mapping_ignores_case_accents_spaces_and_dashes():
    mapping = propose_mapping(["User-ID", "Event Time", "KANAL", "Wartosc"])
    assert mapping == {
        CUSTOMER_ID: "User-ID", TIMESTAMP: "Event Time", CHANNEL: "KANAL", REVENUE: "Wartosc",
    }  # fmt: skip


def test_exact_canonical_names_win_over_synonyms():
    mapping = propose_mapping(["source", "user", "channel", "customer_id", "date", "ts"])
    assert mapping == {CUSTOMER_ID: "customer_id", TIMESTAMP: "ts", CHANNEL: "channel"}


def test_propose_mapping_for_transcripts():
    mapping = propose_mapping(["client", "message", "role", "ticket"], kind="transcripts")
    assert mapping == {
        CUSTOMER_ID: "client", TEXT: "message", "conversation_id": "ticket", "speaker": "role",
    }  # fmt: skip


def test_check_mapping_unknown_column_says_did_you_mean():
    with pytest.raises(
        MappingError, match=r"column 'chanel': no such column\. Did you mean 'channel'"
    ):
        check_mapping(
            {CUSTOMER_ID: "id", TIMESTAMP: "ts", CHANNEL: "chanel"},
            ["id", "ts", "channel"],
            "events",
            "e.csv",
        )


def test_check_mapping_required_column_unmapped():
    with pytest.raises(
        MappingError, match=r"e\.csv, column 'channel': required column is not mapped"
    ):
        check_mapping({CUSTOMER_ID: "id", TIMESTAMP: "ts"}, ["id", "ts"], "events", "e.csv")


def test_check_mapping_allows_missing_customer_id_when_stitching():
    check_mapping(
        {TIMESTAMP: "ts", CHANNEL: "ch"}, ["ts", "ch", "email"], "events", "e.csv", stitched=True
    )
    with pytest.raises(MappingError, match="customer_id"):
        check_mapping({TIMESTAMP: "ts", CHANNEL: "ch"}, ["ts", "ch"], "events", "e.csv")


def test_check_mapping_typo_in_target():
    with pytest.raises(MappingError, match="Did you mean 'customer_id'"):
        check_mapping(
            {"custmer_id": "id", TIMESTAMP: "ts", CHANNEL: "ch"}, ["id", "ts", "ch"], "events", "f"
        )


def test_snake_case_names():
    assert snake_case("Customer Segment") == "customer_segment"
    assert snake_case("utmCampaign") == "utm_campaign"
    assert snake_case("Miasto (PL)") == "miasto_pl"
    assert snake_case("2025 budget") == "c_2025_budget"
    assert snake_case("Kanał źródłowy") == "kanał_źródłowy"
