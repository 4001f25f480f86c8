"""Hand-built events and the example every attribution test works out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd

from journey.schema import CHANNEL, CONVERSION, CUSTOMER_ID, REVENUE, ROW, TIMESTAMP


def make_events(rows: list[tuple], extra: dict[str, list] | None = None) -> pd.DataFrame:
    """Events from (customer, timestamp, channel, conversion, revenue) tuples, row = 1..n."""
    frame = pd.DataFrame(rows, columns=[CUSTOMER_ID, TIMESTAMP, CHANNEL, CONVERSION, REVENUE])
    frame[TIMESTAMP] = pd.to_datetime(frame[TIMESTAMP], utc=True, format="mixed").astype(
        "datetime64[us, UTC]"
    )
    frame[CUSTOMER_ID] = frame[CUSTOMER_ID].astype("str")
    frame[CHANNEL] = frame[CHANNEL].astype("str")
    frame[REVENUE] = frame[REVENUE].astype("float64")
    frame[ROW] = np.arange(1, len(frame) + 1, dtype=np.int64)
    for name, values in (extra or {}).items():
        frame[name] = values
    return frame


# Five customers. With a 30-day window the paths are
#   P1 a: Email > Display > Direct > Web   converts, 100
#   P2 b: Display > Display                converts,  50
#   P3 b: Email                            no conversion (after b's conversion)
#   P4 c: Email                            no conversion (never converts)
#   P5 d: Social > Direct                  converts,  20
#   P6 e: Direct                           converts,  10
# Total: 4 conversions, 180 revenue.
EXAMPLE = [
    ("a", "2024-01-01", "Email", False, 0.0),
    ("a", "2024-01-05", "Display", False, 0.0),
    ("a", "2024-01-09", "Direct", False, 0.0),
    ("a", "2024-01-10", "Web", True, 100.0),
    ("b", "2024-01-02", "Display", False, 0.0),
    ("b", "2024-01-03", "Display", True, 50.0),
    ("b", "2024-01-20", "Email", False, 0.0),
    ("c", "2024-01-04", "Email", False, 0.0),
    ("d", "2024-01-06", "Social", False, 0.0),
    ("d", "2024-01-07", "Direct", True, 20.0),
    ("e", "2024-01-08", "Direct", True, 10.0),
]


def credit(result: pd.DataFrame, model: str) -> dict[str, tuple[float, float]]:
    """{channel: (conversions, revenue)} of one model."""
    part = result[result["model"] == model]
    return {r.channel: (round(r.conversions, 9), round(r.revenue, 9)) for r in part.itertuples()}


def approx(mapping: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    return {k: (round(float(a), 9), round(float(b), 9)) for k, (a, b) in mapping.items()}
