"""The only module that touches st.session_state: typed getters and setters, one key enum."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

import streamlit as st

from journey.query.filters import Filters
from journey.schema import DatasetSettings
from ui import handle


class Key(StrEnum):
    """Every session-state key the app uses (frame widgets use these as their keys)."""

    DATASET = "dataset"
    SCOPE = "scope"
    WORKSPACE_PICK = "frame_dataset"
    DATE_RANGE = "frame_date_range"
    CHANNELS = "frame_channels"
    TEAMS = "frame_teams"
    ATTRIBUTE = "frame_attribute"
    ATTRIBUTE_VALUES = "frame_attribute_values"
    LANGUAGE = "frame_language"  # the UI language code the picker chose
    FILTERS_FOR = "frame_filters_for"  # fingerprint the filter widgets were drawn for
    NOTICE = "frame_notice"  # a one-off message to show on the next run
    REPORT_DECK = "report_deck_for"  # the report key whose deck the user asked for
    PUBLISHED = "share_published"  # the query string this session last wrote into the URL
    PENDING_LINK = "share_pending_link"  # the URL state the frame has yet to apply
    PRESENT = "report_present"  # the presentation-mode toggle
    PRESENT_SECTION = "report_present_section"  # 1-based section shown in presentation mode


@dataclass(frozen=True)
class Dataset:
    """A dataset handle: where its accepted events live (Parquet), its settings and mapping.

    No frames: pages query the prepared events through the engine (ui/cache.py).
    """

    name: str
    fingerprint: str
    events_path: str  # the accepted events as Parquet (ui/handle.py's cache folder)
    transcripts_path: str | None  # the transcripts as Parquet, None when there are none
    columns: tuple[str, ...] = ()  # the accepted events' columns
    settings: DatasetSettings = field(default_factory=DatasetSettings)
    mapping: dict[str, dict[str, str]] = field(default_factory=dict)
    source: str = "session"  # "workspace" when saved there, else "session"
    meta: dict[str, object] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """Cache key naming the data and the settings that change prepared events."""
        return handle.dataset_key(self.fingerprint, self.settings)

    @property
    def has_transcripts(self) -> bool:
        """Whether the dataset has transcripts."""
        return self.transcripts_path is not None

    @property
    def prepared_columns(self) -> tuple[str, ...]:
        """The prepared events' columns that hold data (as the engine's prepare gives them)."""
        return handle.frame_columns(self.columns, self.settings)


@dataclass(frozen=True)
class Scope:
    """What every page works on: named relations of the dataset's prepared events.

    `events` names the view of the prepared events the global filters keep, `all_events`
    the view of all prepared events, both in the app's DuckDB (ui/cache.py `runner`).
    """

    key: str  # dataset fingerprint + settings + filters: the cache key for page results
    dataset: Dataset
    events: str  # view: filtered, grouping/team rules applied, phase filled
    all_events: str  # view: prepared but unfiltered
    filters: Filters
    n_customers: int  # distinct customers left by the filters
    n_events: int  # events left by the filters
    all_customers: int
    all_n_events: int

    @property
    def has_transcripts(self) -> bool:
        """Whether the dataset has transcripts (see `cache.scope_transcripts`)."""
        return self.dataset.has_transcripts


def hash_text(text: str) -> str:
    """Short stable digest of a text."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def dataset() -> Dataset | None:
    """Return the current dataset, or None."""
    return st.session_state.get(Key.DATASET)


def set_dataset(value: Dataset) -> None:
    """Make `value` the current dataset (filters reset when its data differ)."""
    st.session_state[Key.DATASET] = value


def scope() -> Scope | None:
    """Return the scope app.py computed for this run, or None."""
    return st.session_state.get(Key.SCOPE)


def set_scope(value: Scope | None) -> None:
    """Store the scope of this run (app.py calls this before running the page)."""
    st.session_state[Key.SCOPE] = value


def save_settings(settings: DatasetSettings) -> bool:
    """Apply new dataset settings; persist them when the dataset lives in the workspace."""
    current = dataset()
    if current is None:
        return False
    updated = replace(current, settings=settings)
    set_dataset(updated)
    if current.source == "workspace":
        from ui import cache  # here: cache imports ui.i18n, which imports this module

        cache.workspace().save_settings(current.name, settings)
        return True
    return False


def language() -> str:
    """The UI language code the user picked ("en" before the picker is drawn)."""
    return str(st.session_state.get(Key.LANGUAGE, "en"))


def picked_dataset_name() -> str | None:
    """The dataset name the sidebar picker holds."""
    return st.session_state.get(Key.WORKSPACE_PICK)


def set_picked_dataset_name(name: str) -> None:
    """Make the sidebar picker show `name` (before it is drawn on this run)."""
    st.session_state[Key.WORKSPACE_PICK] = name


def filters_drawn_for() -> str | None:
    """Fingerprint of the dataset the filter widgets hold values for."""
    return st.session_state.get(Key.FILTERS_FOR)


def reset_filters(fingerprint: str, dates: tuple[date, date], no_attribute: str) -> None:
    """Set the filter widgets to a new dataset's defaults: its whole date range, nothing picked.

    The values are set, not forgotten: a keyed widget keeps its identity when its options or
    bounds change, and the browser only takes a value the script set (a forgotten one left
    the date range showing the previous dataset's dates while the counts used the new ones).
    """
    st.session_state[Key.DATE_RANGE] = dates
    for key in (Key.CHANNELS, Key.TEAMS, Key.ATTRIBUTE_VALUES):
        st.session_state[key] = []
    st.session_state[Key.ATTRIBUTE] = no_attribute
    st.session_state[Key.FILTERS_FOR] = fingerprint


def date_range() -> tuple[date, ...]:
    """The dates the date-range widget holds: (), a start being picked, or (start, end)."""
    value = st.session_state.get(Key.DATE_RANGE, ())
    if isinstance(value, date):
        return (value,)
    return tuple(value) if isinstance(value, tuple | list) else ()


def set_date_range(dates: tuple[date, date]) -> None:
    """Make the date-range widget hold `dates` (before it is drawn on this run)."""
    st.session_state[Key.DATE_RANGE] = dates


def notice(message: str | None = None) -> str | None:
    """Set a one-off message (with an argument) or pop it (without)."""
    if message is not None:
        st.session_state[Key.NOTICE] = message
        return message
    return st.session_state.pop(Key.NOTICE, None)


def report_deck_key() -> str | None:
    """The report (scope and options key) whose deck the user asked to prepare."""
    return st.session_state.get(Key.REPORT_DECK)


def set_report_deck_key(key: str) -> None:
    """Remember that the user asked for the deck of report `key`."""
    st.session_state[Key.REPORT_DECK] = key


def published_link() -> dict[str, str] | None:
    """The query parameters this session last wrote into the URL (None before the first)."""
    return st.session_state.get(Key.PUBLISHED)


def set_published_link(params: dict[str, str]) -> None:
    """Remember the query parameters just written into the URL."""
    st.session_state[Key.PUBLISHED] = dict(params)


def set_pending_link(value: object | None) -> None:
    """Hold the opening URL's decoded state until the frame can apply it (None drops it)."""
    if value is None:
        st.session_state.pop(Key.PENDING_LINK, None)
    else:
        st.session_state[Key.PENDING_LINK] = value


def pending_link() -> object | None:
    """The opening URL's decoded state, not yet applied."""
    return st.session_state.get(Key.PENDING_LINK)


def set_language(code: str) -> None:
    """Make the language picker hold `code` (before it is drawn on this run)."""
    st.session_state[Key.LANGUAGE] = code


def set_filter_values(channels: tuple[str, ...], teams: tuple[str, ...]) -> None:
    """Make the channel and team pickers hold these values (before they are drawn)."""
    st.session_state[Key.CHANNELS] = list(channels)
    st.session_state[Key.TEAMS] = list(teams)


def widget_value(key: str) -> object | None:
    """The value a page's keyed widget holds, or None before it was drawn."""
    return st.session_state.get(key)


def set_widget_value(key: str, value: object) -> None:
    """Make a page's keyed widget hold `value` (before it is drawn on this run)."""
    st.session_state[key] = value


def presenting() -> bool:
    """Whether the Report is in presentation mode."""
    return bool(st.session_state.get(Key.PRESENT, False))


def set_presenting(value: bool) -> None:
    """Switch presentation mode (before its toggle is drawn on this run)."""
    st.session_state[Key.PRESENT] = value


def present_section() -> int:
    """The 1-based report section presentation mode shows."""
    return int(st.session_state.get(Key.PRESENT_SECTION, 1))


def set_present_section(number: int) -> None:
    """Show report section `number` (1-based) in presentation mode."""
    st.session_state[Key.PRESENT_SECTION] = number
