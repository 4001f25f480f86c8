"""Engine cohort comparison equals the pandas reference (scope.compare_cohorts)."""

from __future__ import annotations

from datetime import date

import pytest
from pandas.testing import assert_frame_equal

from journey.errors import SettingsError
from journey.query.engine import compare as engine
from journey.query.scope import CohortComparison, Cohorts
from journey.schema import CHANNEL, SEGMENT, TOUCHPOINT, DatasetSettings
from tests.journey.query.engine.data import register, same, sample
from tests.journey.query.examples import EVENTS
from tests.oracle import compare as pandas_compare
from tests.oracle import scope
from tests.oracle.scope import prepare_events

PREPARED = prepare_events(EVENTS, DatasetSettings())


def _same_comparison(ours: CohortComparison, theirs: CohortComparison) -> None:
    for mine, reference in ((ours.a, theirs.a), (ours.b, theirs.b)):
        assert mine.n_customers == reference.n_customers
        same(mine.steps, reference.steps)
        same(mine.transitions, reference.transitions)
        same(mine.node_stats, reference.node_stats)
        assert mine.phases == reference.phases
    same(ours.compare, theirs.compare)


def test_converters_against_the_rest_by_hand(duck):
    name = register(duck, PREPARED)
    out = engine.compare_cohorts(duck, name, Cohorts.conversion(), CHANNEL, False, 3)
    assert (out.a.n_customers, out.b.n_customers) == (2, 2)  # a, d converted; b, c did not
    # A: Email>Web (a), Web>Store, Store>Email (d): 3 transitions; B: Social>Web (b)
    assert out.compare[["source", "target", "count_a", "count_b"]].to_numpy().tolist() == [
        ["Social", "Web", 0, 1], ["Email", "Web", 1, 0], ["Store", "Email", 1, 0],
        ["Web", "Store", 1, 0],
    ]  # fmt: skip
    assert out.compare["diff"].tolist() == [-1.0, 1 / 3, 1 / 3, 1 / 3]
    assert_frame_equal(
        out.compare,
        pandas_compare.compare_transitions(*scope.split_cohorts(PREPARED, Cohorts.conversion())),
    )
    views = duck.frame("SELECT view_name FROM duckdb_views() WHERE NOT internal")["view_name"]
    assert views.tolist() == [name]  # the cohort views are dropped


COHORTS = [
    Cohorts.conversion(),
    Cohorts.segment(SEGMENT, "SMB", "Consumer"),
    Cohorts.period((date(2025, 1, 1), date(2025, 2, 28)), (date(2025, 3, 1), date(2025, 4, 30))),
]


@pytest.mark.parametrize("cohorts", COHORTS, ids=["conversion", "segment", "period"])
def test_sample_equals_pandas(duck, cohorts):
    events = sample(customers=1500)
    name = register(duck, events)
    for level, keep in ((CHANNEL, False), (TOUCHPOINT, True)):
        _same_comparison(
            engine.compare_cohorts(duck, name, cohorts, level, keep, 4),
            scope.compare_cohorts(events, cohorts, level, keep, 4),
        )


def test_unknown_segment_column(duck):
    name = register(duck, PREPARED)
    with pytest.raises(SettingsError, match="no column 'tier'"):
        engine.compare_cohorts(duck, name, Cohorts.segment("tier", "a", "b"), CHANNEL, False, 3)


@pytest.mark.spark
def test_spark_equals_pandas(spark):
    events = sample(customers=15)
    name = register(spark, events, "compare_ev")
    cohorts = Cohorts.conversion()
    _same_comparison(
        engine.compare_cohorts(spark, name, cohorts, CHANNEL, False, 3),
        scope.compare_cohorts(events, cohorts, CHANNEL, False, 3),
    )
