"""Per-node figures for the journey network in pandas: the oracle of the engine's node stats.

Volume, customers, dominant phase, conversion after (`journey.query.engine.stats`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from journey.schema import CHANNEL, PHASE, Phase
from tests.oracle.paths import NodePath, build_path, find_last_conversions

_PHASE_NAMES = [p.value for p in Phase]


def _dominant_phases(events: pd.DataFrame, path: NodePath) -> np.ndarray:
    """The most frequent phase of each node's kept events (ties to the earlier; None: no phase)."""
    n_nodes = len(path.names)
    dominant = np.full(n_nodes, None, dtype=object)
    if PHASE not in events.columns:
        return dominant
    codes = pd.Categorical(events[PHASE], categories=_PHASE_NAMES).codes
    phase = codes[path.order.index][path.kept]
    known = phase >= 0
    width = len(_PHASE_NAMES)
    cells = path.node[known] * width + phase[known]
    table = np.bincount(cells, minlength=n_nodes * width).reshape(n_nodes, width)
    has = table.sum(axis=1) > 0
    dominant[has] = np.asarray(_PHASE_NAMES, dtype=object)[table[has].argmax(axis=1)]
    return dominant


def node_stats(
    events: pd.DataFrame, level: str = CHANNEL, keep_repeats: bool = False
) -> pd.DataFrame:
    """Per node: volume, customers, dominant phase and conversion after visiting it.

    Returns:
        Columns node, volume (events after collapsing repeats unless `keep_repeats`),
        customers (distinct), dominant_phase (the most frequent phase of those events, ties to
        the earlier phase; missing without phases), conversion_rate_after (share of the
        node's customers with a conversion event at or after their first visit); by volume
        descending, node.
    """
    path = build_path(events, level, keep_repeats)
    n_nodes = len(path.names)
    volume = np.bincount(path.node, minlength=n_nodes)
    key = path.customer * max(n_nodes, 1) + path.node
    first_visit = ~pd.Series(key).duplicated().to_numpy()
    visit_customer, visit_node = path.customer[first_visit], path.node[first_visit]
    customers = np.bincount(visit_node, minlength=n_nodes)
    after = find_last_conversions(events, path.order)[visit_customer] >= path.kept[first_visit]
    converted_after = np.bincount(visit_node[after], minlength=n_nodes)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(customers > 0, converted_after / np.maximum(customers, 1), 0.0)
    frame = pd.DataFrame(
        {
            "node": pd.array(path.names, dtype="str"),
            "volume": volume.astype(np.int64),
            "customers": customers.astype(np.int64),
            "dominant_phase": pd.array(_dominant_phases(events, path), dtype="str"),
            "conversion_rate_after": rate.astype(np.float64),
        }
    )
    return frame.sort_values(["volume", "node"], ascending=[False, True], ignore_index=True)
