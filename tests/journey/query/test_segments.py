"""Cutting customers' events at their conversions, worked out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from journey.errors import SettingsError
from journey.query.segments import cut_at_conversions, read_bool
from journey.schema import CONVERSION, CUSTOMER_ID, REVENUE, ROW, TIMESTAMP


def events(rows: list[tuple]) -> pd.DataFrame:
    """Events from (customer, timestamp, conversion, revenue) tuples, row = 1..n."""
    frame = pd.DataFrame(rows, columns=[CUSTOMER_ID, TIMESTAMP, CONVERSION, REVENUE])
    frame[TIMESTAMP] = pd.to_datetime(frame[TIMESTAMP], utc=True).astype("datetime64[us, UTC]")
    frame[ROW] = np.arange(1, len(frame) + 1, dtype=np.int64)
    return frame


def test_cut_closes_a_path_at_each_conversion_and_windows_only_converting_paths():
    cut = cut_at_conversions(
        events(
            [
                ("b", "2024-03-01", False, 0.0),  # b never converts: one path, no window
                ("a", "2024-01-01", False, 0.0),  # 9 days before a's conversion: out of 7
                ("a", "2024-01-08", False, 0.0),  # 2 days before: in
                ("a", "2024-01-10", True, 25.0),
                ("a", "2024-02-01", False, 0.0),  # after the conversion: a trailing path
                ("b", "2024-01-01", False, 0.0),
            ]
        ),
        window_days=7,
    )
    # customers in order of first appearance (b, then a), each by time:
    # b Jan 1, b Mar 1 | a Jan 1, a Jan 8, a Jan 10 (converts) | a Feb 1
    assert cut.order.tolist() == [5, 0, 1, 2, 3, 4]
    assert cut.path.tolist() == [0, 0, 1, 1, 1, 2]
    assert cut.converted.tolist() == [False, True, False]
    assert cut.revenue.tolist() == [0.0, 25.0, 0.0]
    assert cut.in_window.tolist() == [True, True, False, True, True, True]
    assert cut.customer_ids[cut.customer[cut.ends]].tolist() == ["b", "a", "a"]


def test_conversion_values_read_as_text_numbers_or_bools():
    text = pd.Series(["Yes", "no", "TRUE", "1", None, "0"])
    assert read_bool(text).tolist() == [True, False, True, True, False, False]
    assert read_bool(pd.Series([1, 0, 2])).tolist() == [True, False, True]


def test_a_negative_window_is_a_user_error():
    with pytest.raises(SettingsError, match="window_days"):
        cut_at_conversions(events([("a", "2024-01-01", True, 1.0)]), window_days=-1)
