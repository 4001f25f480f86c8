"""Hand-computed cases for journey.query.scope: focus, cohorts, customer search."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from journey.errors import SettingsError
from journey.query.scope import Cohorts, customer_transcripts
from journey.schema import (
    CUSTOMER_ID,
    PHASE,
    TEAM,
    TEXT,
    TIMESTAMP,
    TOUCHPOINT,
    DatasetSettings,
    GroupingRule,
)
from tests.journey.query.examples import TRANSITIONS, frame, make_events
from tests.oracle.scope import (
    compare_cohorts,
    find_customers,
    focus_events,
    prepare_events,
    split_cohorts,
)

# a converts on Jan 3; b never converts; c converts on Jan 6.
COHORT_EVENTS = make_events(
    [
        ("a", "2024-01-01", "Email", "Newsletter", False),
        ("a", "2024-01-02", "Web", "Home", False),
        ("a", "2024-01-03", "Store", "Till", True),
        ("b", "2024-01-04", "Social", "Post", False),
        ("b", "2024-01-05", "Web", "Home", False),
        ("c", "2024-01-06", "Store", "Till", True),
    ],
    teams=["marketing", "marketing", "sales", "marketing", "marketing", "sales"],
).assign(
    **{
        PHASE: pd.array(
            ["awareness", "awareness", "onboarding", "awareness", "awareness", "onboarding"],
            dtype="str",
        ),
        "segment": pd.array(["gold", "gold", "silver", "silver", "silver", None], dtype="str"),
    }
)


def customers(events: pd.DataFrame) -> list[str]:
    return sorted(events[CUSTOMER_ID].unique())


def test_focus_on_a_phase_keeps_only_its_events():
    focused = focus_events(COHORT_EVENTS, "onboarding", None)
    assert focused["row"].tolist() == [3, 6]


def test_focus_without_phase_or_team_changes_nothing():
    assert focus_events(COHORT_EVENTS, None, None) is COHORT_EVENTS


def test_focus_on_a_team_then_a_phase():
    focused = focus_events(COHORT_EVENTS, "awareness", "marketing", "hide")
    assert focused["row"].tolist() == [1, 2, 4, 5]


def test_focus_on_an_empty_phase_says_which_team_and_phase():
    with pytest.raises(SettingsError, match="no events of team 'sales' in the awareness phase"):
        focus_events(COHORT_EVENTS, "awareness", "sales", "hide")


def test_conversion_cohorts_take_whole_customers():
    buyers, others = split_cohorts(COHORT_EVENTS, Cohorts.conversion())
    assert buyers["row"].tolist() == [1, 2, 3, 6]
    assert others["row"].tolist() == [4, 5]


def test_segment_cohorts_take_every_customer_with_the_value_once():
    gold, silver = split_cohorts(COHORT_EVENTS, Cohorts.segment("segment", "gold", "silver"))
    assert customers(gold) == ["a"]
    assert customers(silver) == ["a", "b"]  # a was silver on Jan 3
    assert len(gold) == 3
    assert len(silver) == 5


def test_period_cohorts_take_the_events_in_each_inclusive_range():
    cohorts = Cohorts.period(
        (date(2024, 1, 1), date(2024, 1, 2)), (date(2024, 1, 5), date(2024, 1, 6))
    )
    first, second = split_cohorts(COHORT_EVENTS, cohorts)
    assert first["row"].tolist() == [1, 2]
    assert second["row"].tolist() == [5, 6]


def test_cohorts_refuse_fields_that_do_not_fit_their_kind():
    with pytest.raises(SettingsError, match="'segment'"):
        Cohorts("segment")
    with pytest.raises(SettingsError, match="'conversion'"):
        Cohorts("conversion", column="segment")
    with pytest.raises(SettingsError, match="'period'"):
        Cohorts("period", period_a=(date(2024, 1, 1), date(2024, 1, 2)))


def test_period_cohorts_are_hashable_from_lists():
    cohorts = Cohorts.period([date(2024, 1, 1), date(2024, 1, 2)], [date(2024, 1, 3)] * 2)
    assert cohorts.period_a == (date(2024, 1, 1), date(2024, 1, 2))
    assert hash(cohorts) == hash(Cohorts.period(cohorts.period_a, cohorts.period_b))


def test_compare_cohorts_counts_each_side():
    result = compare_cohorts(COHORT_EVENTS, Cohorts.conversion(), "channel", False, 3)
    assert (result.a.n_customers, result.b.n_customers) == (2, 1)
    # a: Email -> Web -> Store; c: a single event, no transition
    assert_frame_equal(
        result.a.transitions,
        frame(TRANSITIONS, [["Email", "Web", 1, 1], ["Web", "Store", 1, 1]]),
    )
    assert_frame_equal(result.b.transitions, frame(TRANSITIONS, [["Social", "Web", 1, 1]]))
    assert result.a.phases == {"Email": "awareness", "Store": "onboarding", "Web": "awareness"}
    # each side's shares: a 1/2 per edge, b 1/1; sorted by |diff|, then source, target
    assert result.compare[["source", "target", "diff"]].to_numpy().tolist() == [
        ["Social", "Web", -1.0],
        ["Email", "Web", 0.5],
        ["Web", "Store", 0.5],
    ]


def test_find_customers_matches_any_case_sorted_and_limited():
    events = make_events(
        [
            ("b", "2024-01-01", "Web", "Home", False),
            ("A1", "2024-01-01", "Web", "Home", False),
            ("a2", "2024-01-01", "Web", "Home", False),
            ("A1", "2024-01-02", "Web", "Home", False),
        ]
    )
    assert find_customers(events, " a ", 10) == ["A1", "a2"]
    assert find_customers(events, "a", 1) == ["A1"]
    assert find_customers(events, "", 10) == ["A1", "a2", "b"]
    assert find_customers(events, "zz", 10) == []


def test_customer_transcripts_in_time_order_ties_in_file_order_undated_last():
    transcripts = pd.DataFrame(
        {
            CUSTOMER_ID: ["a", "b", "a", "a", "a"],
            TIMESTAMP: pd.to_datetime(
                ["2024-01-03", "2024-01-01", None, "2024-01-01", "2024-01-01"], utc=True
            ),
            TEXT: ["third", "other", "undated", "first", "second"],
        }
    )
    mine = customer_transcripts(transcripts, "a")
    assert mine[TEXT].tolist() == ["first", "second", "third", "undated"]
    assert mine.index.tolist() == [0, 1, 2, 3]


def test_prepare_events_groups_then_maps_teams_then_assigns_phases():
    events = make_events(
        [
            ("a", "2024-01-01", "Email", "Newsletter", False),
            ("a", "2024-01-02", "Web", "Home", False),
            ("a", "2024-01-03", "Store", "Till", True),
        ]
    )
    settings = DatasetSettings(
        grouping_rules=(GroupingRule("home", "Site pages", False),),
        team_map={"Site pages": "marketing", "Till": "sales"},
    )
    prepared = prepare_events(events, settings)
    # the team table sees the grouped name; the conversion starts onboarding
    assert prepared[TOUCHPOINT].tolist() == ["Newsletter", "Site pages", "Till"]
    assert prepared[TEAM].fillna("").tolist() == ["", "marketing", "sales"]
    assert prepared[PHASE].tolist() == ["awareness", "awareness", "onboarding"]
