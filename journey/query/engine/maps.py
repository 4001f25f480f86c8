"""The map pages' figures from one path table each: what would otherwise build it 2-3 times.

Each function builds the path table of `flows.path_table` (with the events' phase) once and
runs every aggregation its page needs on it; the results are those of the separate engine
functions (`flows.step_flows_with_fold`, `flows.top_paths`, `flows.transitions`,
`stats.node_stats`), which the tests hold them to. The journey map colours nodes by their
dominant phase, so it reads only that part of the node statistics
(`stats.dominant_phases_on_path`): grouping by customer is what makes those slow.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from journey.query.engine import flows, stats
from journey.query.engine.runner import Runner
from journey.query.flows import FoldResult


@dataclass(frozen=True)
class JourneyMap:
    """Step flows with their fold, nodes' dominant phases and top paths of one relation."""

    steps: pd.DataFrame
    fold: FoldResult
    phases: pd.DataFrame  # node, volume, dominant_phase (`stats.dominant_phases_on_path`)
    top_paths: pd.DataFrame


def journey_map(
    runner: Runner,
    events: str,
    level: str,
    steps: int,
    keep_repeats: bool,
    top_k: int,
    n: int = 20,
) -> JourneyMap:
    """Step flows (folded by `top_k`), dominant phases and the top `n` paths, one path table."""
    flows.check_steps(steps, top_k)
    with flows.path_table(runner, events, level, keep_repeats, phase=True) as path:
        return journey_map_on_path(runner, path, steps, top_k, n)


def journey_map_on_path(
    runner: Runner, path: str, steps: int, top_k: int, n: int = 20
) -> JourneyMap:
    """`journey_map` of a path table built with the events' phase (e.g. a kept path file)."""
    flows.check_steps(steps, top_k)
    fold = flows.fold_of(runner, path, top_k)
    return JourneyMap(
        steps=flows.steps_on_path(runner, path, fold, steps),
        fold=fold,
        phases=stats.dominant_phases_on_path(runner, path),
        top_paths=flows.top_paths_on_path(runner, path, n),
    )


def network_map(
    runner: Runner, events: str, level: str, keep_repeats: bool, end_nodes: bool
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Transitions (unfolded) and node statistics of one relation, from one path table."""
    with flows.path_table(runner, events, level, keep_repeats, phase=True) as path:
        return network_map_on_path(runner, path, end_nodes)


def network_map_on_path(
    runner: Runner, path: str, end_nodes: bool
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`network_map` of a path table built with the events' phase (e.g. a kept path file)."""
    return (
        flows.transitions_on_path(runner, path, end_nodes),
        stats.node_stats_on_path(runner, path),
    )
