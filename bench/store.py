"""Benchmark workspace save/load against pandas Parquet write/read of the same events frame.

Run: python bench/store.py [SIZES ...]   (default: 100000 1000000 10000000)

For each size it prints the time to save the frame into a fresh workspace (one transaction),
to overwrite it, to load it back (exact dtypes), the workspace file size, and side by side the
time of `DataFrame.to_parquet` / `pandas.read_parquet` (pyarrow, snappy) of the same frame.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from journey.io.store import Workspace
from journey.sample.story import CHANNELS as SAMPLE_CHANNELS
from journey.schema import (
    CAMPAIGN,
    CHANNEL,
    CONVERSION,
    CUSTOMER_ID,
    DEVICE,
    EVENT_TYPE,
    REVENUE,
    ROW,
    SEGMENT,
    TEAM,
    TIMESTAMP,
    TOUCHPOINT,
    DatasetSettings,
)

DEFAULT_SIZES = (100_000, 1_000_000, 10_000_000)
CHANNELS = np.array(SAMPLE_CHANNELS)  # the channels of the bundled sample


def make_events(n: int, seed: int = 7) -> pd.DataFrame:
    """Build n contract-typed events for about n/16 customers (vectorised)."""
    rng = np.random.default_rng(seed)
    customers = rng.integers(0, max(n // 16, 1), n)
    start = np.datetime64("2025-01-01T00:00:00", "us")
    offsets = rng.integers(0, 180 * 24 * 3600 * 10**6, n).astype("timedelta64[us]")
    channel = CHANNELS[rng.integers(0, len(CHANNELS), n)]
    event_type = np.array(["view", "click", "add_to_cart", "purchase"])[rng.integers(0, 4, n)]
    revenue = np.where(event_type == "purchase", rng.gamma(2.0, 40.0, n).round(2), 0.0)
    return pd.DataFrame(
        {
            CUSTOMER_ID: pd.Series(customers).map("cust-{:07d}".format).astype("str"),
            TIMESTAMP: pd.Series(start + offsets).dt.tz_localize("UTC"),
            CHANNEL: pd.Series(channel, dtype="str"),
            TOUCHPOINT: pd.Series(
                pd.Series(channel).str.cat(rng.integers(0, 3, n).astype(str), sep=" #"),
                dtype="str",
            ),
            EVENT_TYPE: pd.Series(event_type, dtype="str"),
            CONVERSION: event_type == "purchase",
            REVENUE: revenue,
            TEAM: pd.Series(np.array(["marketing", "sales", "service"])[rng.integers(0, 3, n)]),
            CAMPAIGN: pd.Series(np.array(["spring", "summer", None])[rng.integers(0, 3, n)]),
            DEVICE: pd.Series(np.array(["mobile", "desktop", "tablet"])[rng.integers(0, 3, n)]),
            SEGMENT: pd.Series(np.array(["new", "loyal", "vip"])[rng.integers(0, 3, n)]),
            ROW: np.arange(1, n + 1, dtype="int64"),
        }
    ).astype({c: "str" for c in (TEAM, CAMPAIGN, DEVICE, SEGMENT)})


def timed(action: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def run(n: int) -> None:
    events = make_events(n)
    frame_mb = events.memory_usage(deep=True).sum() / 2**20
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace(Path(tmp) / "bench.duckdb")
        settings = DatasetSettings()
        t_save, _ = timed(lambda: ws.save("bench", events, None, settings, {}, key="k1"))
        t_over, _ = timed(
            lambda: ws.save("bench", events, None, settings, {}, key="k2", overwrite=True)
        )
        t_load, stored = timed(lambda: ws.load("bench"))
        pd.testing.assert_frame_equal(stored.events, events)  # exact round trip, every size
        del stored
        file_mb = ws.path.stat().st_size / 2**20
        parquet = Path(tmp) / "bench.parquet"
        t_pq_write, _ = timed(lambda: events.to_parquet(parquet, index=False))
        t_pq_read, _ = timed(lambda: pd.read_parquet(parquet))
        pq_mb = parquet.stat().st_size / 2**20
    print(
        f"{n:>11,} | {frame_mb:8.0f} | {t_save:7.2f} | {t_over:9.2f} | {t_load:7.2f} | "
        f"{n / t_load / 1e6:8.2f} | {file_mb:7.0f} | {t_pq_write:8.2f} | {t_pq_read:7.2f} | "
        f"{pq_mb:6.0f}",
        flush=True,
    )


def main(argv: list[str]) -> None:
    sizes = [int(float(a)) for a in argv] or list(DEFAULT_SIZES)
    print(
        "     events | frame MB |  save s | overwrite s |  load s | load M/s | file MB "
        "| pq write | pq read | pq MB"
    )
    for n in sizes:
        run(n)


if __name__ == "__main__":
    main(sys.argv[1:])
