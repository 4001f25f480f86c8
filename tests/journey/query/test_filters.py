"""Global filters: hand-computed masks, transcripts, descriptions; invariants by hypothesis."""

from __future__ import annotations

from datetime import date

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from journey.query import filters
from journey.query.filters import Filters
from journey.schema import CHANNEL, CUSTOMER_ID, ROW, TEAM, TIMESTAMP, TOUCHPOINT
from tests.journey.query.examples import EVENTS, NODES, event_frames
from tests.oracle import filters as pandas_filters


def rows_kept(chosen: Filters) -> list[int]:
    """The `row` numbers of EVENTS that the filters keep."""
    return pandas_filters.apply_filters(EVENTS, chosen)[ROW].tolist()


def test_date_range_is_inclusive_of_the_end_day():
    chosen = Filters(start=date(2024, 1, 2), end=date(2024, 1, 5))
    assert rows_kept(chosen) == [3, 4, 5, 6, 9, 11]  # 2 to 5 January; row 7 is on the 6th


def test_channels_teams_and_attributes():
    assert rows_kept(Filters(channels=("Email", "Store"))) == [1, 9, 11, 12, 13]
    assert rows_kept(Filters(teams=("sales",))) == [11, 12]
    assert rows_kept(Filters(attributes={TOUCHPOINT: ("Home",)})) == [2, 7, 10]


def test_filters_combine_with_and():
    chosen = Filters(start=date(2024, 1, 3), channels=("Web",))
    assert rows_kept(chosen) == [4, 5, 7, 8]  # Web events on or after 3 January


def test_empty_selections_and_unknown_columns_keep_everything():
    assert Filters(attributes={TOUCHPOINT: ()}).is_empty()
    assert pandas_filters.apply_filters(EVENTS, Filters()) is EVENTS
    assert len(rows_kept(Filters(attributes={"campaign": ("Spring",)}))) == 13
    no_team = EVENTS.drop(columns=TEAM)
    assert len(pandas_filters.apply_filters(no_team, Filters(teams=("sales",)))) == 13


def test_apply_filters_resets_the_index_and_leaves_the_input_alone():
    out = pandas_filters.apply_filters(EVENTS, Filters(teams=("sales",)))
    assert out.index.tolist() == [0, 1]
    assert len(EVENTS) == 13


def test_signature_names_the_values():
    same = Filters(channels=("Web",)).signature()
    assert same == Filters(channels=("Web",)).signature()
    assert len(same) == 16
    assert same != Filters(channels=("Email",)).signature()


def test_filter_transcripts_keeps_remaining_customers_within_the_dates():
    chosen = Filters(start=date(2024, 1, 2), end=date(2024, 1, 5))
    events = pandas_filters.apply_filters(EVENTS, chosen)  # customers a, b, c, d remain
    transcripts = pd.DataFrame(
        {
            CUSTOMER_ID: ["a", "b", "c", "z"],
            TIMESTAMP: pd.to_datetime(["2024-01-03", "2024-01-06", None, "2024-01-03"], utc=True),
        }
    )
    out = filters.filter_transcripts(transcripts, events, chosen)
    # b's transcript is after the range, z has no events, c's has no time and stays
    assert out[CUSTOMER_ID].tolist() == ["a", "c"]


def test_describe_and_values_of():
    chosen = Filters(
        start=date(2024, 1, 2), channels=("Email", "Web"), attributes={TOUCHPOINT: ("Home",)}
    )
    expected = ["2024-01-02 to …", "channels: Email, Web", "touchpoint: Home"]
    assert filters.describe(chosen) == expected
    assert filters.describe(Filters()) == []
    polish = Filters(start=date(2024, 1, 2), end=date(2024, 2, 1), teams=("sales",))
    assert filters.describe(polish, ("do", "kanały", "zespoły")) == [
        "2024-01-02 do 2024-02-01",
        "zespoły: sales",
    ]
    assert pandas_filters.values_of(EVENTS, TEAM) == ["marketing", "product", "sales"]
    assert pandas_filters.values_of(EVENTS, "campaign") == []


def test_attribute_columns_canonical_first_then_by_name():
    n = len(EVENTS)
    events = EVENTS.assign(
        zeta=["x", "y"] * (n // 2) + ["x"],
        segment=["SMB"] * n,  # one value: nothing to choose
        device=["mobile", "desktop"] * (n // 2) + ["mobile"],
    )
    # event_type and phase are all missing; channel and team have filters of their own
    assert pandas_filters.attribute_columns(events) == [TOUCHPOINT, "device", "zeta"]


_DATES = st.one_of(st.none(), st.dates(date(2023, 12, 31), date(2025, 2, 1)))


@st.composite
def any_filters(draw: st.DrawFn) -> Filters:
    """Random filters over the channels of `event_frames` (and some that never occur)."""
    channels = draw(st.lists(st.sampled_from([*NODES, "TV"]), max_size=3, unique=True))
    touchpoints = draw(st.lists(st.sampled_from([*NODES, "Kiosk"]), max_size=3, unique=True))
    return Filters(
        start=draw(_DATES),
        end=draw(_DATES),
        channels=tuple(channels),
        attributes={TOUCHPOINT: tuple(touchpoints)},
    )


@given(event_frames(), any_filters())
def test_filtering_never_adds_rows(events, chosen):
    out = pandas_filters.apply_filters(events, chosen)
    assert len(out) <= len(events)
    assert set(out[ROW]) <= set(events[ROW])
    if chosen.channels:
        assert set(out[CHANNEL]) <= set(chosen.channels)


@given(event_frames())
def test_empty_filters_keep_every_row(events):
    assert_frame_equal(pandas_filters.apply_filters(events, Filters()), events)
    assert pandas_filters.event_mask(events, Filters()).all()
