"""Engine overview figures equal the pandas references (journey.query.overview, phases)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given

from journey.query.engine import overview as engine
from journey.schema import DatasetSettings
from tests.journey.query.engine.data import (
    random_events,
    register,
    same,
    same_figures,
    sample,
)
from tests.journey.query.examples import EVENTS, frame
from tests.oracle import overview
from tests.oracle.phases import phase_summary
from tests.oracle.scope import prepare_events

PREPARED = prepare_events(EVENTS, DatasetSettings())


def test_kpis_by_hand(duck):
    # converters a and d of 4 customers; three conversions of 50.0 each
    assert engine.kpis(duck, register(duck, PREPARED)) == {
        "customers": 4,
        "events": 13,
        "conversions": 3,
        "conversion_rate": 0.5,
        "revenue": 150.0,
        "channels": 4,
        "first": "2024-01-01",
        "last": "2024-01-12",
    }


def test_kpis_of_no_events(duck):
    assert engine.kpis(duck, register(duck, PREPARED.iloc[:0])) == overview.kpis(PREPARED.iloc[:0])


def test_channel_overview_by_hand(duck):
    expected = frame(
        ["channel", "events", "customers", "conversions", "revenue"],
        [["Web", 7, 3, 1, 50.0], ["Email", 3, 3, 0, 0.0], ["Store", 2, 1, 2, 100.0],
         ["Social", 1, 1, 0, 0.0]],
    )  # fmt: skip
    same(engine.channel_overview(duck, register(duck, PREPARED)), expected)


def test_phase_summary_by_hand(duck):
    out = engine.phase_summary(duck, register(duck, PREPARED))
    # awareness: a 01-01..01-03 (2 days), b 2 days, c and d 0 days: median 1.0;
    # onboarding: a only 01-04 (0 days), d 01-02..01-12 (10 days): median 5.0.
    assert out["phase"].tolist() == ["awareness", "onboarding", "engagement", "post-purchase"]
    assert out["customers"].tolist() == [4, 2, 0, 0]
    assert out["events"].tolist() == [9, 4, 0, 0]
    assert out["channel_list"].tolist() == ["Email, Social, Web", "Email, Store, Web", "", ""]
    assert out["median_days"].iloc[:2].tolist() == [1.0, 5.0]
    assert out["median_days"].iloc[2:].isna().all()
    assert out["share_of_customers"].tolist() == [1.0, 0.5, 0.0, 0.0]


def test_sample_equals_pandas(duck):
    events = sample()
    name = register(duck, events)
    same_figures(engine.kpis(duck, name), overview.kpis(events))
    same(engine.channel_overview(duck, name), overview.channel_overview(events))
    same(engine.phase_summary(duck, name), phase_summary(events))


@given(random_events())
def test_random_events_equal_pandas(events: pd.DataFrame):
    from journey.query.engine.runner import DuckDBRunner

    runner = DuckDBRunner()
    name = register(runner, events)
    same_figures(engine.kpis(runner, name), overview.kpis(events))
    same(engine.channel_overview(runner, name), overview.channel_overview(events))
    same(engine.phase_summary(runner, name), phase_summary(events))
    runner.con.close()


@pytest.mark.spark
def test_spark_equals_pandas(spark):
    events = sample(customers=40)
    name = register(spark, events, "ov")
    same_figures(engine.kpis(spark, name), overview.kpis(events))
    same(engine.channel_overview(spark, name), overview.channel_overview(events))
    same(engine.phase_summary(spark, name), phase_summary(events))
