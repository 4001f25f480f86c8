"""Every st.cache_data / st.cache_resource wrapper, keyed by a dataset fingerprint or scope key.

Streamlit hashes frames of 50,000+ rows from a sample, so frames are passed as `_name`
(not hashed) and an explicit key names the data instead.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import streamlit as st

from journey import filters, ingest, overview, paths, phases, validate
from journey.schema import DatasetSettings, ValidationResult

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "data" / "sample"
SAMPLE_EVENTS = SAMPLE_DIR / "events.csv"
SAMPLE_TRANSCRIPTS = SAMPLE_DIR / "transcripts.csv"


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


@st.cache_data(max_entries=2, show_spinner=False)
def sample_files(digest: str) -> tuple[ValidationResult, dict[str, str], ValidationResult, dict]:
    """Read and validate the bundled sample events and transcripts (named by their digest)."""
    del digest  # names the cache entry only
    events, events_map = ingest.load_file(SAMPLE_EVENTS, kind="events")
    transcripts, transcripts_map = ingest.load_file(SAMPLE_TRANSCRIPTS, kind="transcripts")
    return events, events_map, transcripts, transcripts_map


@st.cache_data(scope="session", max_entries=8, show_spinner=False)
def read_upload(digest: str, _data: bytes, name: str) -> ingest.RawTable:
    """Cached `ingest.read_table` of uploaded bytes named by their digest."""
    return ingest.read_table(_data, name)


@st.cache_data(scope="session", max_entries=8, show_spinner=False)
def prepared_events(key: str, _events: pd.DataFrame, _settings: DatasetSettings) -> pd.DataFrame:
    """Events with grouping rules, the team table and phases applied (`key` names both)."""
    del key
    out = paths.apply_grouping(_events, _settings.grouping_rules)
    out = filters.apply_team_map(out, _settings.team_map)
    return phases.assign_phases(out, _settings)


@st.cache_data(scope="session", max_entries=16, show_spinner=False)
def filtered_events(key: str, _events: pd.DataFrame, _chosen: filters.Filters) -> pd.DataFrame:
    """The prepared events that the global filters keep (`key` names data and filters)."""
    del key
    return filters.apply_filters(_events, _chosen)


@st.cache_data(scope="session", max_entries=16, show_spinner=False)
def filtered_transcripts(
    key: str, _transcripts: pd.DataFrame, _events: pd.DataFrame, _chosen: filters.Filters
) -> pd.DataFrame:
    """The transcripts of the customers and dates the filters keep (scope `key`)."""
    del key
    return filters.filter_transcripts(_transcripts, _events, _chosen)


@st.cache_data(scope="session", max_entries=4, show_spinner=False)
def attribute_columns(key: str, _events: pd.DataFrame) -> list[str]:
    """Categorical columns offered as sidebar filters for dataset `key`."""
    del key
    return filters.attribute_columns(_events)


@st.cache_data(scope="session", max_entries=64, show_spinner=False)
def column_values(key: str, _events: pd.DataFrame, column: str) -> list[str]:
    """Distinct values of one column of dataset `key`."""
    del key
    return filters.values_of(_events, column)


# Cache wrappers of later modules are appended below this line, one section each.


# -- overview ---------------------------------------------------------------------------


@st.cache_data(scope="session", max_entries=16, show_spinner=False)
def overview_kpis(key: str, _events: pd.DataFrame) -> dict[str, object]:
    """Cached `overview.kpis` for scope `key`."""
    del key
    return overview.kpis(_events)


@st.cache_data(scope="session", max_entries=16, show_spinner=False)
def channel_overview(key: str, _events: pd.DataFrame) -> pd.DataFrame:
    """Cached `overview.channel_overview` for scope `key`."""
    del key
    return overview.channel_overview(_events)


@st.cache_data(scope="session", max_entries=16, show_spinner=False)
def phase_summary(key: str, _events: pd.DataFrame) -> pd.DataFrame:
    """Cached `phases.phase_summary` for scope `key`."""
    del key
    return phases.phase_summary(_events)


# -- data page --------------------------------------------------------------------------


@st.cache_data(scope="session", max_entries=8, show_spinner=False)
def validate_upload(
    key: str,
    _raw: ingest.RawTable,
    _mapping: dict[str, str],
    kind: str,
    _settings: DatasetSettings,
) -> ValidationResult:
    """Cached validation of an upload; `key` names its content, mapping and settings."""
    del key
    if kind == "events":
        return validate.validate_events(_raw, _mapping, _settings)
    return validate.validate_transcripts(_raw, _mapping, _settings)
