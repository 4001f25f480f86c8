"""Per-node figures for the journey network, in SQL: volume, customers, phase, conversion after.

The same table as `tests.oracle.stats.node_stats` (the pandas reference), over the path of
`tests.oracle.paths`: events in path order (timestamp, ties by `row`), consecutive repeats
collapsed unless `keep_repeats`, data values labelled as `journey.query.nodes` labels them.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from journey.query.engine import flows
from journey.query.engine.common import typed
from journey.query.engine.runner import Runner
from journey.query.engine.sql import ident, lit
from journey.schema import CHANNEL, Phase

NODE_STATS_COLUMNS: Final = {
    "node": "str",
    "volume": "int64",
    "customers": "int64",
    "dominant_phase": "str",
    "conversion_rate_after": "float64",
}


PHASE_COLUMNS: Final = {"node": "str", "volume": "int64", "dominant_phase": "str"}


def _dominant_sql(path: str) -> str:
    """CTEs q_phases and q_dominant: each node's phases ranked (1: most events, then earlier)."""
    phases = ", ".join(f"({lit(p.value)}, {i})" for i, p in enumerate(Phase))
    return f"""
q_phases AS (SELECT * FROM (VALUES {phases}) AS p(phase, ord)),
q_dominant AS (
    SELECT k.node, p.phase, row_number() OVER (
               PARTITION BY k.node ORDER BY count(*) DESC, min(p.ord)) AS rank
    FROM {ident(path)} k JOIN q_phases p ON p.phase = k.phase GROUP BY k.node, p.phase
)"""


def dominant_phases_on_path(runner: Runner, path: str) -> pd.DataFrame:
    """Node, volume and dominant phase: `node_stats_on_path`'s columns the maps colour by.

    The same values and order as those columns of `node_stats_on_path`, without grouping by
    customer (what makes node statistics slow on a filtered scope of millions of events).
    """
    sql = f"""
WITH {_dominant_sql(path)},
q_nodes AS (SELECT node, count(*) AS volume FROM {ident(path)} GROUP BY node)
SELECT n.node, n.volume, d.phase AS dominant_phase
FROM q_nodes n
LEFT JOIN q_dominant d ON d.node = n.node AND d.rank = 1
ORDER BY n.volume DESC, n.node"""
    return typed(runner.frame(sql), PHASE_COLUMNS)


def node_stats_on_path(runner: Runner, path: str) -> pd.DataFrame:
    """`node_stats` of a path table built with its phase (`flows.path_table(..., phase=True)`).

    conv_after is 1 from the first event to the last conversion of a customer, so its
    maximum over a node's kept events is its value at the first visit.
    """
    sql = f"""
WITH {_dominant_sql(path)},
q_visits AS (
    SELECT node, c, max(conv_after) AS after, count(*) AS events
    FROM {ident(path)} GROUP BY node, c
), q_nodes AS (
    SELECT node, sum(events) AS volume, count(*) AS customers, sum(after) AS converted_after
    FROM q_visits GROUP BY node
)
SELECT n.node, n.volume, n.customers, d.phase AS dominant_phase,
       CAST(n.converted_after AS DOUBLE) / n.customers AS conversion_rate_after
FROM q_nodes n
LEFT JOIN q_dominant d ON d.node = n.node AND d.rank = 1
ORDER BY n.volume DESC, n.node"""
    return typed(runner.frame(sql), NODE_STATS_COLUMNS)


def node_stats(
    runner: Runner, events: str, level: str = CHANNEL, keep_repeats: bool = False
) -> pd.DataFrame:
    """Per node: volume, customers, dominant phase and conversion after visiting it.

    As `stats.node_stats`: node, volume (kept events), customers, dominant_phase (most
    frequent phase of those events, ties to the earlier phase), conversion_rate_after (share
    of the node's customers converting at or after their first visit); by volume desc, node.
    """
    with flows.path_table(runner, events, level, keep_repeats, phase=True) as path:
        return node_stats_on_path(runner, path)
