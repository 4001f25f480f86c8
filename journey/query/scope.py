"""What a page works on: a phase or team focus, two cohorts to compare, one customer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

import pandas as pd

from journey.errors import SettingsError
from journey.query import compare, filters, flows, grouping, phases, stats, teams
from journey.schema import CONVERSION, CUSTOMER_ID, PHASE, TIMESTAMP, DatasetSettings

CohortKind = Literal["conversion", "segment", "period"]


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


def dominant_phases(node_table: pd.DataFrame) -> dict[str, str]:
    """Node -> dominant phase ('' when none) from a `stats.node_stats` table."""
    phases = node_table["dominant_phase"].fillna("")
    return dict(zip(node_table["node"], phases, strict=True))


def focused_step_flows(
    events: pd.DataFrame,
    level: str,
    steps: int,
    keep_repeats: bool,
    top_k: int,
    phase: str | None,
    team: str | None,
    team_mode: str,
) -> tuple[pd.DataFrame, flows.FoldResult, dict[str, str]]:
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


@dataclass(frozen=True)
class Cohorts:
    """Two groups to compare: converters vs the rest, two segment values, or two periods.

    Build one with `Cohorts.conversion()`, `Cohorts.segment(...)` or `Cohorts.period(...)`.
    """

    kind: CohortKind
    column: str | None = None  # segment: the attribute column
    value_a: str | None = None  # segment: group A's value
    value_b: str | None = None  # segment: group B's value
    period_a: tuple[date, date] | None = None  # period: group A's first and last day
    period_b: tuple[date, date] | None = None  # period: group B's first and last day

    def __post_init__(self) -> None:
        segment = (self.column, self.value_a, self.value_b)
        periods = (self.period_a, self.period_b)
        needed = {
            "conversion": all(v is None for v in (*segment, *periods)),
            "segment": all(v is not None for v in segment) and periods == (None, None),
            "period": all(v is not None for v in periods) and segment == (None, None, None),
        }
        if not needed.get(self.kind, False):
            raise SettingsError(f"cohorts of kind {self.kind!r} with fields that do not fit it")

    @classmethod
    def conversion(cls) -> Cohorts:
        """Customers who converted (A) and customers who did not (B)."""
        return cls("conversion")

    @classmethod
    def segment(cls, column: str, value_a: str, value_b: str) -> Cohorts:
        """Customers with `column` == value_a at least once (A), and == value_b (B)."""
        return cls("segment", column=column, value_a=value_a, value_b=value_b)

    @classmethod
    def period(cls, period_a: tuple[date, date], period_b: tuple[date, date]) -> Cohorts:
        """The events within each date range (both ends inclusive)."""
        return cls("period", period_a=tuple(period_a), period_b=tuple(period_b))


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
        filters.apply_filters(events, filters.Filters(start=start_a, end=end_a)),
        filters.apply_filters(events, filters.Filters(start=start_b, end=end_b)),
    )


@dataclass(frozen=True)
class CohortFigures:
    """What the Compare page draws for one cohort."""

    n_customers: int
    steps: pd.DataFrame  # `flows.step_flows`
    transitions: pd.DataFrame  # `flows.count_transitions`
    node_stats: pd.DataFrame  # `stats.node_stats`
    phases: dict[str, str]  # node -> dominant phase


@dataclass(frozen=True)
class CohortComparison:
    """Both cohorts' figures and the difference in their transition shares."""

    a: CohortFigures
    b: CohortFigures
    compare: pd.DataFrame  # `compare.compare_transitions`


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


def customer_transcripts(transcripts: pd.DataFrame, customer_id: str) -> pd.DataFrame:
    """One customer's transcripts in time order (file order for ties, no time last)."""
    mine = transcripts[transcripts[CUSTOMER_ID] == customer_id]
    if TIMESTAMP in mine.columns:
        mine = mine.sort_values(TIMESTAMP, kind="stable", na_position="last")
    return mine.reset_index(drop=True)
