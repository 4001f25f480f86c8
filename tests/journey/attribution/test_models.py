"""`attribute`: settings errors, layout and order, and invariants over random events.

Every expected number below is worked out by hand in the comment next to it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from journey.attribution.models import (
    MODELS,
    RESULT_COLUMNS,
    AttributionSettings,
    attribute,
)
from journey.errors import SettingsError
from journey.schema import (
    CAMPAIGN,
    CHANNEL,
    CONVERSION,
    REVENUE,
    TOUCHPOINT,
)
from tests.journey.attribution.examples import make_events


def test_bad_settings_are_user_errors(example):
    with pytest.raises(SettingsError, match="window_days"):
        attribute(example, AttributionSettings(window_days=-1))
    with pytest.raises(SettingsError, match="unknown attribution model 'u_shape'"):
        attribute(example, AttributionSettings(models=("u_shape",)))
    with pytest.raises(SettingsError, match="level"):
        attribute(example, AttributionSettings(level="phase"))
    with pytest.raises(SettingsError, match="no column 'campaign'"):
        attribute(example, AttributionSettings(level=CAMPAIGN))
    with pytest.raises(SettingsError, match="position weights"):
        attribute(
            example, AttributionSettings(models=("position",), position_weights=(0.5, 0.5, 0.5))
        )
    with pytest.raises(SettingsError, match="half-life"):
        attribute(example, AttributionSettings(models=("time_decay",), half_life_days=0))
    with pytest.raises(SettingsError, match="Markov order"):
        attribute(example, AttributionSettings(models=("markov",), markov_order=4))


def test_attribute_layout_and_order(example):
    result = attribute(example, AttributionSettings(models=("last", "first")), channels=["Push"])
    assert list(result.columns) == ["channel", "model", "conversions", "revenue", "share"]
    assert result["model"].tolist() == ["last"] * 6 + ["first"] * 6
    assert result["channel"].tolist()[:6] == ["Direct", "Display", "Web", "Email", "Push", "Social"]
    assert result.loc[result["channel"] == "Push", "conversions"].tolist() == [0.0, 0.0]
    assert result.groupby("model")["share"].sum().tolist() == pytest.approx([1.0, 1.0])


def test_attribute_by_touchpoint_names_the_first_column_channel():
    events = make_events(
        [("a", "2024-01-01", "Email", False, 0.0), ("a", "2024-01-02", "Web", True, 8.0)],
        {TOUCHPOINT: ["Welcome", "Checkout"]},
    )
    result = attribute(events, AttributionSettings(models=("first",), level=TOUCHPOINT))
    assert result["channel"].tolist() == ["Welcome", "Checkout"]


def test_attribute_on_no_conversions_gives_zero_shares():
    events = make_events([("a", "2024-01-01", "Email", False, 0.0)])
    result = attribute(events)
    assert (result["share"] == 0).all()
    assert (result["conversions"] == 0).all()


def test_attribute_on_empty_events():
    events = make_events([])
    result = attribute(events)
    assert result.empty
    assert list(result.columns) == list(RESULT_COLUMNS)


CHANNELS = ["Email", "Web", "Display", "Direct", "Social"]


@st.composite
def event_frames(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(1, 30))
    rows = []
    for _ in range(n):
        rows.append(
            (
                draw(st.sampled_from(["a", "b", "c", "d", "e", "f"])),
                pd.Timestamp("2024-01-01", tz="UTC")
                + pd.Timedelta(hours=draw(st.integers(0, 24 * 60))),
                draw(st.sampled_from(CHANNELS)),
                draw(st.booleans()),
                float(draw(st.integers(0, 500))),
            )
        )
    return make_events(rows)


def _conversion_totals(events: pd.DataFrame) -> tuple[int, float]:
    conversions = events[CONVERSION].to_numpy()
    return int(conversions.sum()), float(events.loc[conversions, REVENUE].sum())


@given(event_frames(), st.sampled_from([0, 7, 30]))
def test_every_model_adds_up_to_the_totals(events, window):
    n_conversions, revenue = _conversion_totals(events)
    result = attribute(events, AttributionSettings(window_days=window), channels=["Unseen"])
    sums = result.groupby("model", sort=False)[["conversions", "revenue", "share"]].sum()
    assert list(sums.index) == list(MODELS)
    assert sums["conversions"].to_numpy() == pytest.approx(np.full(8, n_conversions))
    assert sums["revenue"].to_numpy() == pytest.approx(np.full(8, revenue), abs=1e-6)
    expected_share = 1.0 if n_conversions else 0.0
    assert sums["share"].to_numpy() == pytest.approx(np.full(8, expected_share))
    unseen = result[result["channel"] == "Unseen"]
    assert len(unseen) == 8
    assert (unseen[["conversions", "revenue", "share"]] == 0).all().all()
    assert (result["conversions"] >= -1e-12).all()


@given(event_frames(), st.permutations(CHANNELS))
def test_relabelling_channels_permutes_the_result(events, renamed):
    mapping = dict(zip(CHANNELS, [f"new {c}" for c in renamed], strict=True))
    relabelled = events.assign(**{CHANNEL: events[CHANNEL].map(mapping).astype("str")})
    before = attribute(events).assign(channel=lambda f: f["channel"].map(mapping))
    after = attribute(relabelled)
    # "Direct" is special to last_non_direct, so compare the others on equal footing
    keys = ["model", "channel"]
    before = before[before["model"] != "last_non_direct"].sort_values(keys, ignore_index=True)
    after = after[after["model"] != "last_non_direct"].sort_values(keys, ignore_index=True)
    assert_frame_equal(before, after, check_exact=False, atol=1e-9)


@given(event_frames())
def test_shuffling_rows_changes_nothing(events):
    shuffled = events.sample(frac=1.0, random_state=3)
    assert_frame_equal(attribute(events), attribute(shuffled), check_exact=False, atol=1e-9)


def test_settings_are_one_hashable_value_whatever_the_sequence_type():
    from_lists = AttributionSettings(models=["first"], exclude_channels=["Web"])
    from_tuples = AttributionSettings(models=("first",), exclude_channels=("Web",))
    assert from_lists == from_tuples
    assert hash(from_lists) == hash(from_tuples)
    assert from_lists.position_weights == (0.4, 0.2, 0.4)
