"""Comparing two groups of customers in pandas: their transitions side by side.

The oracle of `journey.query.engine.compare`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from journey.schema import CHANNEL
from tests.oracle.flows import count_transitions


def compare_transitions(
    events_a: pd.DataFrame,
    events_b: pd.DataFrame,
    level: str = CHANNEL,
    keep_repeats: bool = False,
    end_nodes: bool = False,
) -> pd.DataFrame:
    """Transitions of two groups side by side, with the difference in transition share.

    Returns:
        Columns source, target, count_a, share_a, count_b, share_b, diff (share_a - share_b;
        a share is the edge's count over that group's total transitions, 0.0 for none); by
        |diff| descending, then source, target.
    """
    a = count_transitions(events_a, level, keep_repeats, end_nodes)
    b = count_transitions(events_b, level, keep_repeats, end_nodes)
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
