"""Path order and node paths: hand-computed cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.testing import assert_frame_equal

from journey.schema import CUSTOMER_ID, ROW, TIMESTAMP, TOUCHPOINT
from tests.journey.query.examples import EVENTS
from tests.oracle import paths


def test_order_events_sorts_by_customer_time_then_row():
    shuffled = EVENTS.iloc[[12, 1, 0, 8, 5, 4, 3, 2, 7, 6, 11, 10, 9]]
    ordered = paths.order_events(shuffled)
    assert ordered[ROW].tolist() == list(range(1, 14))
    assert ordered.index.tolist() == list(range(13))


def test_ties_keep_file_order_not_input_order():
    swapped = EVENTS.iloc[[1, 0, *range(2, 13)]]  # row 2 before row 1, same timestamp
    first = paths.node_paths(swapped, level=TOUCHPOINT).iloc[0]
    assert first["node"] == "Newsletter"


def test_node_paths_channel():
    expected = pd.DataFrame(
        {
            CUSTOMER_ID: pd.array(["a", "a", "b", "b", "c", "d", "d", "d"], dtype="str"),
            "position": np.array([1, 2, 1, 2, 1, 1, 2, 3], dtype=np.int64),
            "node": pd.array(
                ["Email", "Web", "Social", "Web", "Email", "Web", "Store", "Email"], dtype="str"
            ),
            TIMESTAMP: pd.to_datetime(
                ["2024-01-01", "2024-01-01", "2024-01-05", "2024-01-06", "2024-01-02",
                 "2024-01-01", "2024-01-02", "2024-01-12"],
                utc=True,
            ).as_unit("us"),
            "converted": [True, True, False, False, False, True, True, True],
        }
    )  # fmt: skip
    assert_frame_equal(paths.node_paths(EVENTS), expected)
