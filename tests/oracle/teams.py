"""Team views in pandas: the touchpoint -> team table, and scoping paths to one team's touchpoints.

The oracle of the engine's team views (`journey.query.engine.prepare`, `ui.handle`).
"""

from __future__ import annotations

from collections.abc import Mapping
from difflib import get_close_matches

import pandas as pd

from journey.errors import SettingsError
from journey.query.nodes import data_labels
from journey.query.teams import TEAM_MODES
from journey.schema import CHANNEL, OTHER_TEAMS, TEAM, TOUCHPOINT
from tests.oracle.paths import require_columns


def apply_team_map(events: pd.DataFrame, team_map: Mapping[str, str]) -> pd.DataFrame:
    """Apply the touchpoint->team table: a mapped touchpoint's team wins over the team column."""
    if not team_map:
        return events
    mapped = events[TOUCHPOINT].map(dict(team_map)).astype("string")
    if TEAM in events.columns:
        mapped = mapped.fillna(events[TEAM].astype("string"))
    return events.assign(**{TEAM: mapped})


def scope_to_team(events: pd.DataFrame, team: str, mode: str = "fold") -> pd.DataFrame:
    """Keep one team's touchpoints; other teams' events are dropped ("hide") or renamed.

    With "fold", the other teams' events keep their place in the path but their touchpoint
    and channel become "Other teams" (consecutive ones collapse like any repeat); the team's
    own touchpoint or channel of that name becomes "Other teams (touchpoint)" (or channel).
    Events with no team count as other teams' events.
    """
    require_columns(events, TEAM)
    if mode not in TEAM_MODES:
        raise SettingsError(f"team view mode {mode!r}: use one of {', '.join(TEAM_MODES)}")
    mine = (events[TEAM] == team).fillna(False).to_numpy(dtype=bool)
    if not mine.any():
        teams = sorted(events[TEAM].dropna().astype("str").unique())
        close = get_close_matches(str(team), teams, n=3, cutoff=0.5)
        hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise SettingsError(f"no events of team {team!r}.{hint}")
    if mode == "hide":
        return events[mine].copy()
    renamed = {
        column: _label_other_teams(events[column], column).where(mine, OTHER_TEAMS)
        for column in (TOUCHPOINT, CHANNEL)
        if column in events.columns
    }
    return events.assign(**renamed)


def _label_other_teams(values: pd.Series, column: str) -> pd.Series:
    """The values, one named "Other teams" labelled with its column (`query.nodes`)."""
    named = (values == OTHER_TEAMS).fillna(False).to_numpy(dtype=bool)
    if not named.any():
        return values
    taken = values.dropna().astype("str").unique()
    return values.mask(named, data_labels(taken, column, (OTHER_TEAMS,))[OTHER_TEAMS])
