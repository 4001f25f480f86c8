"""Per-node figures for the journey network, in SQL: volume, customers, phase, conversion after.

The same table as `journey.query.stats.node_stats` (the pandas reference), over the path of
`journey.query.paths`: events in path order (timestamp, ties by `row`), consecutive repeats
collapsed unless `keep_repeats`, data values labelled as `journey.query.nodes` labels them.
"""

from __future__ import annotations

import pandas as pd

from journey.errors import SettingsError
from journey.query.engine.common import (
    generated_clashes,
    node_expression,
    relation_columns,
    typed,
)
from journey.query.engine.runner import Runner
from journey.query.engine.sql import ident, lit
from journey.schema import CHANNEL, CONVERSION, CUSTOMER_ID, PHASE, ROW, TIMESTAMP, Phase


def path_nodes_sql(events: str, node: str, keep_repeats: bool) -> str:
    """SQL: the kept events as (c, node, pos, phase, conv, last_conv); pos in the raw order."""
    c, ts, r = ident(CUSTOMER_ID), ident(TIMESTAMP), ident(ROW)
    kept = "TRUE" if keep_repeats else "run_start"
    return f"""
SELECT c, node, pos, phase, last_conv FROM (
    SELECT *, lag(node) OVER (PARTITION BY c ORDER BY pos) IS DISTINCT FROM node AS run_start,
           max(CASE WHEN conv THEN pos END) OVER (PARTITION BY c) AS last_conv
    FROM (
        SELECT {c} AS c, {node} AS node, {ident(PHASE)} AS phase, {ident(CONVERSION)} AS conv,
               row_number() OVER (PARTITION BY {c} ORDER BY {ts}, {r}) AS pos
        FROM {ident(events)}
    ) AS numbered
) AS marked WHERE {kept}"""


def node_stats(
    runner: Runner, events: str, level: str = CHANNEL, keep_repeats: bool = False
) -> pd.DataFrame:
    """Per node: volume, customers, dominant phase and conversion after visiting it.

    As `stats.node_stats`: node, volume (kept events), customers, dominant_phase (most
    frequent phase of those events, ties to the earlier phase), conversion_rate_after (share
    of the node's customers converting at or after their first visit); by volume desc, node.
    """
    columns = relation_columns(runner, events)
    if level not in columns:
        raise SettingsError(f"events have no column(s) {level} (columns: {', '.join(columns)})")
    if level == PHASE and runner.scalar(
        f"SELECT count(*) FROM {ident(events)} WHERE {ident(PHASE)} IS NULL"
    ):
        raise SettingsError("some events have no phase: assign phases before using level phase")
    node = node_expression(generated_clashes(runner, events, level), level)
    phases = ", ".join(f"({lit(p.value)}, {i})" for i, p in enumerate(Phase))
    sql = f"""
WITH q_kept AS ({path_nodes_sql(events, node, keep_repeats)}),
q_phases AS (SELECT * FROM (VALUES {phases}) AS p(phase, ord)),
q_visits AS (
    SELECT node, c, CASE WHEN max(last_conv) >= min(pos) THEN 1 ELSE 0 END AS after,
           count(*) AS events
    FROM q_kept GROUP BY node, c
), q_nodes AS (
    SELECT node, sum(events) AS volume, count(*) AS customers, sum(after) AS converted_after
    FROM q_visits GROUP BY node
), q_dominant AS (
    SELECT k.node, p.phase, row_number() OVER (
               PARTITION BY k.node ORDER BY count(*) DESC, min(p.ord)) AS rank
    FROM q_kept k JOIN q_phases p ON p.phase = k.phase GROUP BY k.node, p.phase
)
SELECT n.node, n.volume, n.customers, d.phase AS dominant_phase,
       CAST(n.converted_after AS DOUBLE) / n.customers AS conversion_rate_after
FROM q_nodes n
LEFT JOIN q_dominant d ON d.node = n.node AND d.rank = 1
ORDER BY n.volume DESC, n.node"""
    dtypes = {
        "node": "str",
        "volume": "int64",
        "customers": "int64",
        "dominant_phase": "str",
        "conversion_rate_after": "float64",
    }
    return typed(runner.frame(sql), dtypes)
