"""What a page works on, in pandas: prepared events, a phase or team focus, two cohorts.

The oracle of the engine's prepare (`journey.query.engine.prepare`), team and phase focus
(`ui.handle`), cohort comparison (`journey.query.engine.compare`) and customer search
(`journey.query.engine.timeline`).
"""

from __future__ import annotations

import pandas as pd

from journey.errors import SettingsError
from journey.query import grouping
from journey.query.filters import Filters
from journey.query.flows import FoldResult
from journey.query.scope import CohortComparison, CohortFigures, Cohorts, dominant_phases
from journey.schema import CONVERSION, CUSTOMER_ID, PHASE, DatasetSettings
from tests.oracle import compare, filters, flows, phases, stats, teams


def prepare_events(events: pd.DataFrame, settings: DatasetSettings) -> pd.DataFrame:
    """Events with the grouping rules, then the team table, then the phases applied."""
    out = grouping.apply_grouping(events, settings.grouping_rules)
    out = teams.apply_team_map(out, settings.team_map)
    return phases.assign_phases(out, settings)


def focus_events(
    events: pd.DataFrame, phase: str | None, team: str | None, team_mode: str = "fold"
) -> pd.DataFrame:
    """The events a map works on: one team's (team view), then one phase's (phase focus)."""
    if team:
        events = teams.scope_to_team(events, team, team_mode)
    if phase:
        events = events[events[PHASE] == phase]
        if events.empty:
            where = f" of team {team!r}" if team else ""
            raise SettingsError(f"no events{where} in the {phase} phase: choose another phase")
    return events


def focused_step_flows(
    events: pd.DataFrame,
    level: str,
    steps: int,
    keep_repeats: bool,
    top_k: int,
    phase: str | None,
    team: str | None,
    team_mode: str,
) -> tuple[pd.DataFrame, FoldResult, dict[str, str]]:
    """Step flows, how nodes were folded, and node -> dominant phase, after the focus."""
    focused = focus_events(events, phase, team, team_mode)
    step_table, fold = flows.step_flows_with_fold(focused, level, steps, keep_repeats, top_k)
    return step_table, fold, dominant_phases(stats.node_stats(focused, level, keep_repeats))


def focused_network(
    events: pd.DataFrame,
    level: str,
    keep_repeats: bool,
    end_nodes: bool,
    team: str | None,
    team_mode: str,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Transitions and node stats of one team's view (all teams when `team` is None)."""
    focused = focus_events(events, None, team, team_mode)
    transitions = flows.count_transitions(focused, level, keep_repeats, end_nodes)
    return transitions, stats.node_stats(focused, level, keep_repeats)


def _customers_with(events: pd.DataFrame, mask: pd.Series) -> pd.Series:
    """Mark every event of the customers who have at least one event where `mask` holds."""
    ids = events[CUSTOMER_ID]
    return ids.isin(ids[mask.fillna(False).astype(bool)].unique())


def split_cohorts(events: pd.DataFrame, cohorts: Cohorts) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Group A's and group B's events; conversion and segment cohorts take whole customers."""
    if cohorts.kind == "conversion":
        buyers = _customers_with(events, events[CONVERSION])
        return events[buyers], events[~buyers]
    if cohorts.kind == "segment":
        values = events[str(cohorts.column)].astype("str")
        in_a = _customers_with(events, values == cohorts.value_a)
        return events[in_a], events[_customers_with(events, values == cohorts.value_b)]
    (start_a, end_a), (start_b, end_b) = cohorts.period_a, cohorts.period_b  # type: ignore[misc]
    return (
        filters.apply_filters(events, Filters(start=start_a, end=end_a)),
        filters.apply_filters(events, Filters(start=start_b, end=end_b)),
    )


def cohort_figures(
    events: pd.DataFrame, level: str, keep_repeats: bool, steps: int
) -> CohortFigures:
    """Customers, step flows, transitions, node stats and dominant phases of one cohort."""
    node_table = stats.node_stats(events, level, keep_repeats)
    return CohortFigures(
        n_customers=int(events[CUSTOMER_ID].nunique()),
        steps=flows.step_flows(events, level, steps, keep_repeats),
        transitions=flows.count_transitions(events, level, keep_repeats),
        node_stats=node_table,
        phases=dominant_phases(node_table),
    )


def compare_cohorts(
    events: pd.DataFrame, cohorts: Cohorts, level: str, keep_repeats: bool, steps: int
) -> CohortComparison:
    """Split events into the two cohorts and compute what the Compare page shows of each."""
    events_a, events_b = split_cohorts(events, cohorts)
    return CohortComparison(
        a=cohort_figures(events_a, level, keep_repeats, steps),
        b=cohort_figures(events_b, level, keep_repeats, steps),
        compare=compare.compare_transitions(events_a, events_b, level, keep_repeats),
    )


def find_customers(events: pd.DataFrame, query: str, limit: int) -> list[str]:
    """Up to `limit` customer ids containing `query` (any case), sorted."""
    ids = pd.Series(events[CUSTOMER_ID].unique(), dtype="str").sort_values()
    if query.strip():
        ids = ids[ids.str.contains(query.strip(), case=False, regex=False)]
    return ids.head(limit).tolist()
