"""Team views: scoping to one team, the touchpoint -> team table."""

from __future__ import annotations

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from journey.errors import SettingsError
from journey.schema import OTHER_TEAMS, ROW, TEAM, TOUCHPOINT
from tests.journey.query.examples import EVENTS, TRANSITIONS, frame, make_events
from tests.oracle import flows, teams


def test_scope_to_team_fold_and_hide():
    folded = teams.scope_to_team(EVENTS, "product", mode="fold")
    expected = frame(TRANSITIONS, [["Other teams", "Web", 2, 2], ["Web", "Other teams", 1, 1]])
    assert_frame_equal(flows.count_transitions(folded), expected)
    hidden = teams.scope_to_team(EVENTS, "product", mode="hide")
    assert hidden[ROW].tolist() == [2, 3, 4, 5, 7, 8, 10]
    with pytest.raises(SettingsError, match="'sales'"):
        teams.scope_to_team(EVENTS, "sale")
    with pytest.raises(SettingsError, match="fold, hide"):
        teams.scope_to_team(EVENTS, "sales", mode="blur")


def test_apply_team_map_overrides_listed_touchpoints():
    out = teams.apply_team_map(EVENTS, {"Newsletter": "crm", "Till": ""})
    assert out[TEAM].tolist()[:2] == ["crm", "product"]
    assert out[TEAM].iloc[10] == ""  # the table's team wins, even a blank one


def test_apply_team_map_without_a_team_column_leaves_others_missing():
    out = teams.apply_team_map(EVENTS.drop(columns=TEAM), {"Newsletter": "crm"})
    assert out[TEAM].tolist()[:3] == ["crm", pd.NA, pd.NA]
    assert out[TEAM].isna().sum() == 10  # 13 events, 3 of them Newsletter


def test_apply_team_map_with_an_empty_table_changes_nothing():
    assert teams.apply_team_map(EVENTS, {}) is EVENTS


def test_team_view_keeps_a_touchpoint_named_other_teams_apart():
    events = make_events(
        [
            ("a", "2024-01-01", OTHER_TEAMS, OTHER_TEAMS, False),  # product's own
            ("a", "2024-01-02", "Email", "Newsletter", False),  # marketing: folded
            ("a", "2024-01-03", "Web", "Home", False),
        ],
        teams=["product", "marketing", "product"],
    )
    folded = teams.scope_to_team(events, "product", mode="fold")
    assert folded[TOUCHPOINT].tolist() == ["Other teams (touchpoint)", OTHER_TEAMS, "Home"]
    expected = frame(
        TRANSITIONS, [[OTHER_TEAMS, "Web", 1, 1], ["Other teams (channel)", OTHER_TEAMS, 1, 1]]
    )
    assert_frame_equal(flows.count_transitions(folded), expected)
