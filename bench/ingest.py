"""Benchmark: ingest + validate 1e5, 1e6, 1e7 events from CSV and Parquet.

Side by side with the yardstick, in the same run and on the same files: a bare
`pandas.read_csv` (or `read_parquet`) + `pandas.to_datetime` of the timestamp column.
Each measurement runs in its own subprocess, so peak memory (ru_maxrss) belongs to it alone.

    python bench/ingest.py                 # 1e5, 1e6, 1e7 (the 1e7 CSV is ~750 MB, deleted after)
    python bench/ingest.py --sizes 1e5 1e6 --repeat 3

Columns: rows/s, seconds, peak RSS growth over the interpreter after imports (MB), size of
the loaded frame (pandas memory_usage(deep=True), MB), and their ratio; `x base` is the
journey time over the yardstick's time for the same file.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from journey.io import load  # noqa: E402 - after the path set-up, so the script runs from anywhere

CHANNELS = ["Paid Search", "Organic Search", "Social", "Display", "TV", "Email", "Web", "App",
            "Push", "Call Center", "Chat", "Store"]  # fmt: skip
TOUCHPOINTS = [f"{c} step {i}" for c in CHANNELS for i in range(3)]
EVENT_TYPES = ["view", "click", "add_to_cart", "purchase", "support_contact"]
DEVICES = ["mobile", "desktop", "tablet"]
CAMPAIGNS = [f"spring_{i:02d}" for i in range(30)]
CHUNK = 1_000_000


def _strings(values: list[str], codes: np.ndarray) -> pa.Array:
    return pc.take(pa.array(values), pa.array(codes))


def _chunk(rng: np.random.Generator, n: int, n_customers: int) -> pa.Table:
    start = int(pd.Timestamp("2025-01-01", tz="UTC").value // 1000)
    micros = start + rng.integers(0, 180 * 86_400, n) * 1_000_000
    stamps = pa.array(micros, type=pa.timestamp("us", tz="UTC"))
    event = rng.integers(0, len(EVENT_TYPES), n)
    revenue = np.where(event == 3, np.round(rng.gamma(2.0, 40.0, n), 2), 0.0)
    customers = rng.integers(0, n_customers, n)
    return pa.table(
        {
            "customer_id": pc.binary_join_element_wise(
                "c", pc.cast(pa.array(customers), pa.string()), ""
            ),
            "timestamp": stamps,
            "channel": _strings(CHANNELS, rng.integers(0, len(CHANNELS), n)),
            "touchpoint": _strings(TOUCHPOINTS, rng.integers(0, len(TOUCHPOINTS), n)),
            "event_type": _strings(EVENT_TYPES, event),
            "revenue": pa.array(revenue),
            "campaign": _strings(CAMPAIGNS, rng.integers(0, len(CAMPAIGNS), n)),
            "device": _strings(DEVICES, rng.integers(0, len(DEVICES), n)),
        }
    )


def generate(n_rows: int, folder: Path) -> tuple[Path, Path]:
    """Write n_rows synthetic events as CSV (ISO 8601 UTC text) and Parquet (native types)."""
    rng = np.random.default_rng(n_rows)
    csv_path, parquet_path = folder / f"events_{n_rows}.csv", folder / f"events_{n_rows}.parquet"
    csv_writer = parquet_writer = None
    for offset in range(0, n_rows, CHUNK):
        table = _chunk(rng, min(CHUNK, n_rows - offset), max(n_rows // 20, 1))
        as_text = table.set_column(
            1,
            "timestamp",
            pc.strftime(
                pc.cast(table["timestamp"], pa.timestamp("s", tz="UTC")),
                format="%Y-%m-%dT%H:%M:%SZ",
            ),
        )
        if csv_writer is None:
            csv_writer = pacsv.CSVWriter(
                csv_path, as_text.schema, write_options=pacsv.WriteOptions(quoting_style="none")
            )
            parquet_writer = pq.ParquetWriter(parquet_path, table.schema)
        csv_writer.write_table(as_text)
        parquet_writer.write_table(table)
    csv_writer.close()
    parquet_writer.close()
    return csv_path, parquet_path


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def measure(tool: str, path: Path) -> dict[str, float]:
    """Run one measurement in this process; report seconds, memory and frame size."""
    base = _rss_mb()
    started = time.perf_counter()
    if tool == "journey":
        result, _ = load.load_file(path)
        frame = result.accepted
        rows = result.rows_read
    elif path.suffix == ".csv":
        frame = pd.read_csv(path)
        frame["timestamp"] = pd.to_datetime(frame["timestamp"])
        rows = len(frame)
    else:
        frame = pd.read_parquet(path)
        frame["timestamp"] = pd.to_datetime(frame["timestamp"])
        rows = len(frame)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "rows": rows,
        "seconds": seconds,
        "peak_mb": peak - base,
        "frame_mb": frame.memory_usage(deep=True).sum() / 1024**2,
    }


def run_child(tool: str, path: Path) -> dict[str, float]:
    env = {**os.environ, "JOURNEY_MAX_UPLOAD_MB": "100000"}
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, __file__, "--measure", tool, str(path)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=float, default=[1e5, 1e6, 1e7])
    parser.add_argument("--repeat", type=int, default=2, help="best of N timings (1e7: one)")
    parser.add_argument("--measure", nargs=2, metavar=("TOOL", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure[0], Path(args.measure[1]))))
        return
    header = (
        f"{'rows':>10} {'format':<8} {'tool':<22} {'rows/s':>11} {'seconds':>8} "
        f"{'x base':>7} {'peak MB':>8} {'frame MB':>9} {'peak/frame':>10}"
    )
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory(prefix="journey-bench-") as tmp:
        for size in args.sizes:
            n_rows = int(size)
            csv_path, parquet_path = generate(n_rows, Path(tmp))
            for path in (csv_path, parquet_path):
                repeat = 1 if n_rows >= 10_000_000 else args.repeat
                runs: dict[str, list[dict[str, float]]] = {"baseline": [], "journey": []}
                for _ in range(repeat):  # interleaved, so both see the same machine load
                    for tool, done in runs.items():
                        done.append(run_child(tool, path))
                results = {
                    tool: min(done, key=lambda r: r["seconds"]) for tool, done in runs.items()
                }
                yardstick = results["baseline"]["seconds"]
                for tool, figures in results.items():
                    label = (
                        "journey.load_file"
                        if tool == "journey"
                        else (
                            "read_csv+to_datetime"
                            if path.suffix == ".csv"
                            else "read_parquet+to_dt"
                        )
                    )
                    seconds, peak, frame = (
                        figures["seconds"],
                        figures["peak_mb"],
                        figures["frame_mb"],
                    )
                    print(
                        f"{n_rows:>10,} {path.suffix[1:]:<8} {label:<22} "
                        f"{figures['rows'] / seconds:>11,.0f} {seconds:>8.2f} "
                        f"{seconds / yardstick:>7.2f} {peak:>8,.0f} {frame:>9,.0f} "
                        f"{peak / frame:>10.2f}",
                        flush=True,
                    )
            csv_path.unlink()
            parquet_path.unlink()


if __name__ == "__main__":
    main()
