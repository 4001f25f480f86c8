"""Comparing two cohorts on the engine: the Compare page's figures for each, side by side.

The same results as `journey.query.scope.compare_cohorts` and
`tests.oracle.compare.compare_transitions` (the pandas references). Each cohort is a
temporary view over the events (dropped in `finally`): converters vs the rest, customers
with a segment value, or the events in a date range; the flows, node statistics and
transitions of each come from `journey.query.engine.flows` and `.stats`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pandas as pd

from journey.errors import SettingsError
from journey.query.engine import flows, ordered, stats
from journey.query.engine.common import relation_columns, temp_name
from journey.query.engine.filters import filtered_sql
from journey.query.engine.runner import Runner
from journey.query.engine.sql import ident, lit
from journey.query.filters import Filters
from journey.query.scope import CohortComparison, CohortFigures, Cohorts, dominant_phases
from journey.schema import CHANNEL, CONVERSION, CUSTOMER_ID


def _cohort_sql(runner: Runner, events: str, cohorts: Cohorts) -> tuple[str, str]:
    """SQL selecting group A's and group B's events (as `scope.split_cohorts` splits them)."""
    source, c = ident(events), ident(CUSTOMER_ID)
    if cohorts.kind == "conversion":
        buyers = f"SELECT {c} FROM {source} WHERE {ident(CONVERSION)}"
        return (
            f"SELECT * FROM {source} WHERE {c} IN ({buyers})",
            f"SELECT * FROM {source} WHERE {c} NOT IN ({buyers})",
        )
    if cohorts.kind == "segment":
        column = str(cohorts.column)
        if column not in relation_columns(runner, events):
            raise SettingsError(f"events have no column {column!r} to compare segments by")
        value = f"CAST({ident(column)} AS VARCHAR)"
        return tuple(  # type: ignore[return-value]
            f"SELECT * FROM {source} WHERE {c} IN "
            f"(SELECT {c} FROM {source} WHERE {value} = {lit(str(wanted))})"
            for wanted in (cohorts.value_a, cohorts.value_b)
        )
    (start_a, end_a), (start_b, end_b) = cohorts.period_a, cohorts.period_b  # type: ignore[misc]
    return (
        filtered_sql(events, Filters(start=start_a, end=end_a)),
        filtered_sql(events, Filters(start=start_b, end=end_b)),
    )


@contextmanager
def cohort_views(runner: Runner, events: str, cohorts: Cohorts) -> Iterator[tuple[str, str]]:
    """Group A's and group B's events as two temporary views; yields their names."""
    sql_a, sql_b = _cohort_sql(runner, events, cohorts)
    name_a, name_b = temp_name("q_cohort_a"), temp_name("q_cohort_b")
    try:
        runner.view(name_a, sql_a)
        runner.view(name_b, sql_b)
        for name in (name_a, name_b):  # rows of `events`, columns unchanged: its path index
            ordered.note_subset(name, events)
        yield name_a, name_b
    finally:
        for name in (name_a, name_b):
            ordered.forget(name)
            runner.drop(name)


def transitions_side_by_side(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """Two groups' transitions (`flows.transitions`) with the difference in transition share.

    Columns source, target, count_a, share_a, count_b, share_b, diff (share_a - share_b);
    by |diff| descending, then source, target. The frames are small: merged in pandas.
    """
    merged = a[["source", "target", "count"]].merge(
        b[["source", "target", "count"]],
        on=["source", "target"],
        how="outer",
        suffixes=("_a", "_b"),
    )
    count_a = merged["count_a"].fillna(0).astype(np.int64)
    count_b = merged["count_b"].fillna(0).astype(np.int64)
    total_a, total_b = int(count_a.sum()), int(count_b.sum())
    share_a = count_a / total_a if total_a else count_a * 0.0
    share_b = count_b / total_b if total_b else count_b * 0.0
    out = pd.DataFrame(
        {
            "source": merged["source"].astype("str"),
            "target": merged["target"].astype("str"),
            "count_a": count_a,
            "share_a": share_a.astype(np.float64),
            "count_b": count_b,
            "share_b": share_b.astype(np.float64),
            "diff": (share_a - share_b).astype(np.float64),
        }
    )
    out = out.assign(_abs=out["diff"].abs()).sort_values(
        ["_abs", "source", "target"], ascending=[False, True, True], ignore_index=True
    )
    return out.drop(columns="_abs")


def compare_transitions(
    runner: Runner,
    events_a: str,
    events_b: str,
    level: str = CHANNEL,
    keep_repeats: bool = False,
    end_nodes: bool = False,
) -> pd.DataFrame:
    """`compare.compare_transitions` on the engine: two relations' transitions side by side."""
    return transitions_side_by_side(
        flows.transitions(runner, events_a, level, keep_repeats, end_nodes),
        flows.transitions(runner, events_b, level, keep_repeats, end_nodes),
    )


def cohort_figures(
    runner: Runner, events: str, level: str, keep_repeats: bool, steps: int
) -> CohortFigures:
    """Customers, step flows, transitions, node stats and dominant phases of one cohort.

    All from one path table (with the phase), as the separate engine functions give them.
    """
    flows.check_steps(steps, 0)
    n_customers = runner.scalar(f"SELECT count(DISTINCT {ident(CUSTOMER_ID)}) FROM {ident(events)}")
    with flows.path_table(runner, events, level, keep_repeats, phase=True) as path:
        node_table = stats.node_stats_on_path(runner, path)
        return CohortFigures(
            n_customers=int(n_customers or 0),
            steps=flows.steps_on_path(runner, path, flows.KEEP_ALL, steps),
            transitions=flows.transitions_on_path(runner, path),
            node_stats=node_table,
            phases=dominant_phases(node_table),
        )


def compare_cohorts(
    runner: Runner, events: str, cohorts: Cohorts, level: str, keep_repeats: bool, steps: int
) -> CohortComparison:
    """`scope.compare_cohorts` on the engine: both cohorts' figures and their comparison."""
    with cohort_views(runner, events, cohorts) as (events_a, events_b):
        a = cohort_figures(runner, events_a, level, keep_repeats, steps)
        b = cohort_figures(runner, events_b, level, keep_repeats, steps)
        return CohortComparison(
            a=a, b=b, compare=transitions_side_by_side(a.transitions, b.transitions)
        )
