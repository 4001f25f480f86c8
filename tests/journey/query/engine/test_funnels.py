"""Engine funnels, drop-off and over-representation equal the pandas reference."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from journey.errors import SettingsError
from journey.query.engine import funnels as engine
from journey.query.engine.runner import DuckDBRunner
from journey.schema import (
    CHANNEL,
    CONVERTED,
    MISSING_NODE,
    NO_FURTHER_EVENTS,
    PHASE,
    TOUCHPOINT,
    DatasetSettings,
)
from tests.journey.query.engine.data import CHANNELS, random_events, register, same, sample
from tests.journey.query.examples import EVENTS, frame, make_events
from tests.oracle import funnels
from tests.oracle.scope import prepare_events

PREPARED = prepare_events(EVENTS, DatasetSettings())
STAGES = ["Home", "Cart", "Checkout"]


def test_funnel_by_hand(duck):
    expected = frame(
        ["stage", "customers", "conversion_rate", "step_conversion_rate",
         "median_days_from_previous"],
        [["Home", 3, 0.75, 0.75, np.nan],
         ["Cart", 2, 0.5, 2 / 3, 1.5],  # a: 2 days, b: 1 day
         ["Checkout", 1, 0.25, 0.5, 1.0]],
    )  # fmt: skip
    same(engine.funnel(duck, register(duck, PREPARED), STAGES), expected)


def test_funnel_strictly_later_and_row_order_on_ties(duck):
    name = register(duck, PREPARED)
    assert engine.funnel(duck, name, ["Till", "Till", "Till"])["customers"].tolist() == [1, 1, 0]
    # a: Newsletter (row 1) then Home (row 2) at the same time
    assert engine.funnel(duck, name, ["Newsletter", "Home"])["customers"].tolist() == [3, 1]
    by_channel = engine.funnel(duck, name, ["Web", "Web", "Email"], by=CHANNEL)
    assert by_channel["customers"].tolist() == [3, 2, 0]


def test_funnel_unknown_stage_suggests_close_matches(duck):
    name = register(duck, PREPARED)
    with pytest.raises(SettingsError, match=r"'Hom' is not a touchpoint.*'Home'"):
        engine.funnel(duck, name, ["Hom", "Cart"])
    with pytest.raises(SettingsError, match="at least one stage"):
        engine.funnel(duck, name, [])
    with pytest.raises(SettingsError, match="no column"):
        engine.funnel(duck, name, ["Home"], by="nope")


def test_dropoff_next_default_funnel_dropoffs_overrepresentation_by_hand(duck):
    name = register(duck, PREPARED)
    expected = frame(
        ["stage", "next_node", "customers"],
        [["Home", "Till", 1], ["Cart", "(no further events)", 1]],
    )
    same(engine.funnel_dropoff_next(duck, name, STAGES), expected)
    # Home: 2 converters; Cart, Newsletter: 1 (ties by name); Checkout closes (beats Till)
    assert engine.default_funnel(duck, name) == ["Newsletter", "Home", "Cart", "Checkout"]
    dropoffs = frame(
        ["node", "reached", "ended_here", "dropoff_rate"],
        [["Newsletter", 3, 2, 2 / 3], ["Cart", 2, 1, 0.5], ["Checkout", 1, 0, 0.0]],
    )
    same(engine.biggest_dropoffs(duck, name, n=3), dropoffs)
    over = engine.overrepresentation(duck, name)
    assert over["node"].tolist() == [
        "Checkout", "Home", "Product", "Till", "Cart", "Newsletter", "Post"
    ]  # fmt: skip
    assert over["lift"].tolist()[:2] == [np.inf, 2.0]


def test_dropoff_next_keeps_generated_names_apart(duck):
    events = make_events(
        [
            ("a", "2024-01-01", "Web", "Home", False),
            ("a", "2024-01-02", "Web", NO_FURTHER_EVENTS, False),  # a value, not the end
            ("b", "2024-01-01", "Web", "Home", False),  # nothing after Home
            ("c", "2024-01-01", "Web", "Home", False),
            ("c", "2024-01-02", "Web", None, False),  # no touchpoint
            ("d", "2024-01-01", "Web", "Home", False),
            ("d", "2024-01-02", "Web", MISSING_NODE, False),  # a value, not a missing one
            ("e", "2024-01-01", "Web", "Home", False),
            ("e", "2024-01-02", "Web", CONVERTED, True),
        ]
    )
    name = register(duck, events)
    expected = frame(
        ["stage", "next_node", "customers"],
        [["Home", MISSING_NODE, 1], ["Home", "(missing) (touchpoint)", 1],
         ["Home", NO_FURTHER_EVENTS, 1], ["Home", "(no further events) (touchpoint)", 1]],
    )  # fmt: skip
    same(engine.funnel_dropoff_next(duck, name, ["Home", CONVERTED]), expected)
    same(engine.biggest_dropoffs(duck, name, n=0), funnels.biggest_dropoffs(events, n=0))
    same(engine.overrepresentation(duck, name), funnels.overrepresentation(events))


def test_sample_equals_pandas(duck):
    events = sample()
    name = register(duck, events)
    stages = funnels.default_funnel(events)
    assert engine.default_funnel(duck, name) == stages
    assert engine.default_funnel(duck, name, by=CHANNEL, max_stages=3) == funnels.default_funnel(
        events, by=CHANNEL, max_stages=3
    )
    same(engine.funnel(duck, name, stages), funnels.funnel(events, stages))
    same(
        engine.funnel_dropoff_next(duck, name, stages), funnels.funnel_dropoff_next(events, stages)
    )
    table, dropped = engine.funnel_with_dropoff(duck, name, stages)
    same(table, funnels.funnel(events, stages))
    same(dropped, funnels.funnel_dropoff_next(events, stages))
    for level, keep in ((TOUCHPOINT, False), (PHASE, True), (CHANNEL, False)):
        same(
            engine.biggest_dropoffs(duck, name, level, keep, n=0),
            funnels.biggest_dropoffs(events, level, keep, n=0),
        )
        same(
            engine.overrepresentation(duck, name, level, keep),
            funnels.overrepresentation(events, level, keep),
        )
        ends, over = engine.dropoff_points(duck, name, level, keep, n=15)
        same(ends, funnels.biggest_dropoffs(events, level, keep, n=15))
        same(over, funnels.overrepresentation(events, level))


@given(
    random_events(),
    st.lists(st.sampled_from(CHANNELS), min_size=1, max_size=4),
    st.booleans(),
)
def test_random_events_equal_pandas(events, stages, flag):
    runner = DuckDBRunner()
    name = register(runner, events)
    present = set(events[CHANNEL])
    if set(stages) <= present:
        same(
            engine.funnel(runner, name, stages, by=CHANNEL),
            funnels.funnel(events, stages, by=CHANNEL),
        )
        same(
            engine.funnel_dropoff_next(runner, name, stages, by=CHANNEL),
            funnels.funnel_dropoff_next(events, stages, by=CHANNEL),
        )
        table, dropped = engine.funnel_with_dropoff(runner, name, stages, by=CHANNEL)
        same(table, funnels.funnel(events, stages, by=CHANNEL))
        same(dropped, funnels.funnel_dropoff_next(events, stages, by=CHANNEL))
    else:
        with pytest.raises(SettingsError):
            engine.funnel(runner, name, stages, by=CHANNEL)
    for by in (CHANNEL, TOUCHPOINT):
        assert engine.default_funnel(runner, name, by, 3) == funnels.default_funnel(events, by, 3)
    same(
        engine.biggest_dropoffs(runner, name, CHANNEL, flag, n=0),
        funnels.biggest_dropoffs(events, CHANNEL, flag, n=0),
    )
    same(
        engine.overrepresentation(runner, name, TOUCHPOINT, flag),
        funnels.overrepresentation(events, TOUCHPOINT, flag),
    )
    ends, over = engine.dropoff_points(runner, name, CHANNEL, flag, n=0)
    same(ends, funnels.biggest_dropoffs(events, CHANNEL, flag, n=0))
    same(over, funnels.overrepresentation(events, CHANNEL))
    runner.con.close()


@pytest.mark.spark
def test_spark_equals_pandas(spark):
    events = sample(customers=20)
    name = register(spark, events, "funnel_ev")
    stages = funnels.default_funnel(events, by=CHANNEL)
    assert engine.default_funnel(spark, name, by=CHANNEL) == stages
    same(engine.funnel(spark, name, stages, CHANNEL), funnels.funnel(events, stages, CHANNEL))
    same(
        engine.funnel_dropoff_next(spark, name, stages, CHANNEL),
        funnels.funnel_dropoff_next(events, stages, CHANNEL),
    )
    table, dropped = engine.funnel_with_dropoff(spark, name, stages, CHANNEL)
    same(table, funnels.funnel(events, stages, CHANNEL))
    same(dropped, funnels.funnel_dropoff_next(events, stages, CHANNEL))
    same(engine.biggest_dropoffs(spark, name), funnels.biggest_dropoffs(events))
    ends, over = engine.dropoff_points(spark, name, CHANNEL, False, n=5)
    same(ends, funnels.biggest_dropoffs(events, CHANNEL, False, n=5))
    same(over, funnels.overrepresentation(events, CHANNEL))
    same(engine.overrepresentation(spark, name), funnels.overrepresentation(events))


def check_funnel_page(runner, name, events, by, n) -> None:
    """`funnel_page` equals the pandas default funnel, its funnel and each level's drop-offs."""
    page = engine.funnel_page(runner, name, by, (TOUCHPOINT, CHANNEL), n=n, max_stages=3)
    stages = funnels.default_funnel(events, by=by, max_stages=3)
    assert page.stages == stages
    if stages:
        same(page.funnel, funnels.funnel(events, stages, by=by))
        same(page.dropped_next, funnels.funnel_dropoff_next(events, stages, by=by))
    else:
        assert page.funnel.empty
        assert page.dropped_next.empty
    assert list(page.dropoffs) == [TOUCHPOINT, CHANNEL]
    for level, (ends, over) in page.dropoffs.items():
        same(ends, funnels.biggest_dropoffs(events, level, False, n=n))
        same(over, funnels.overrepresentation(events, level))


def test_funnel_page_on_the_sample_equals_pandas(duck):
    events = sample()
    name = register(duck, events)
    check_funnel_page(duck, name, events, TOUCHPOINT, 15)
    check_funnel_page(duck, name, events, CHANNEL, 0)


@given(random_events(), st.sampled_from([CHANNEL, TOUCHPOINT]))
def test_funnel_page_on_random_events_equals_pandas(events, by):
    runner = DuckDBRunner()
    check_funnel_page(runner, register(runner, events), events, by, 0)
    runner.con.close()


@pytest.mark.spark
def test_funnel_page_on_spark_equals_pandas(spark):
    events = sample(customers=20)
    check_funnel_page(spark, register(spark, events, "funnel_page_ev"), events, CHANNEL, 5)
