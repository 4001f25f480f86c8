"""Benchmark: transitions + step flows + top paths at 1e5, 1e6 and 1e7 events.

Each size gets a synthetic Parquet file (about 10% as many customers as events, 20 distinct
touchpoints, random order, `row` = 1..n). Three runners work on the same file, each in its own
subprocess so peak memory (ru_maxrss) is its own:

- pandas: `pd.read_parquet` + `journey.query.flows` (the readable reference);
- engine: `journey.query.engine.flows` (DuckDB, in-process);
- duckdb: a plain DuckDB SQL script doing the same aggregation on the file (the yardstick).

Level touchpoint, repeats collapsed, 5 steps, end nodes on, top 20 paths. Times include
reading the file and returning pandas frames. Run from the repository root:

    python bench/flows.py                      # 1e5, 1e6, 1e7 (the 1e7 file takes ~1 min)
    python bench/flows.py --sizes 1e5,1e6      # a subset

Each runner runs `--repeat` times (default 3), interleaved; the table shows the fastest wall
time, the least CPU time (all threads), and the largest peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from journey.query.engine import flows as engine  # noqa: E402
from journey.query.engine.runner import DuckDBRunner  # noqa: E402
from journey.schema import (  # noqa: E402
    CHANNEL,
    CONVERSION,
    CUSTOMER_ID,
    ROW,
    TIMESTAMP,
    TOUCHPOINT,
)
from tests.oracle import flows  # noqa: E402

LEVEL = TOUCHPOINT
STEPS = 5
TOP_N = 20
N_TOUCHPOINTS = 20
CHUNK = 1_000_000
RUNNERS = ("pandas", "engine", "duckdb")

# The yardstick: plain SQL, written the obvious way, on the same file.
PLAIN_SQL = [
    """
    CREATE TEMP TABLE p AS
    WITH m AS (
        SELECT customer_id AS c, touchpoint AS node, timestamp AS ts, row AS r,
               lag(touchpoint) OVER (PARTITION BY customer_id ORDER BY timestamp, row) AS prev
        FROM read_parquet($file)
    )
    SELECT c, node,
           row_number() OVER (PARTITION BY c ORDER BY ts, r) AS pos,
           lead(node) OVER (PARTITION BY c ORDER BY ts, r) AS nxt
    FROM m WHERE prev IS NULL OR prev <> node
    """,
    """
    CREATE TEMP TABLE k AS
    SELECT customer_id AS c, bool_or(conversion) AS conv,
           (epoch_us(max(timestamp)) - epoch_us(min(timestamp))) / 86400000000.0 AS days
    FROM read_parquet($file) GROUP BY customer_id
    """,
]
PLAIN_QUERIES = [
    """
    SELECT source, target, count(*) AS count, count(DISTINCT c) AS customers FROM (
        SELECT c, node AS source, nxt AS target FROM p WHERE nxt IS NOT NULL
        UNION ALL SELECT c, 'Start', node FROM p WHERE pos = 1
        UNION ALL SELECT p.c, node, CASE WHEN conv THEN 'Converted' ELSE 'No conversion' END
                  FROM p JOIN k USING (c) WHERE nxt IS NULL
    ) GROUP BY ALL ORDER BY count DESC, source, target
    """,
    """
    WITH grid AS (
        SELECT k.c, s.step,
               CASE WHEN k.conv THEN 'Converted' ELSE 'No conversion' END AS e
        FROM k CROSS JOIN range(1, 5) s(step)
    )
    SELECT g.step, coalesce(a.node, g.e) AS source, coalesce(b.node, g.e) AS target,
           count(*) AS count
    FROM grid g
    LEFT JOIN p a ON a.c = g.c AND a.pos = g.step
    LEFT JOIN p b ON b.c = g.c AND b.pos = g.step + 1
    GROUP BY ALL ORDER BY step, count DESC, source, target
    """,
    """
    SELECT path, any_value(len) AS length, count(*) AS customers,
           count(*) / (SELECT count(*) FROM k) AS share,
           avg(conv::DOUBLE) AS conversion_rate, median(days) AS median_duration_days
    FROM (SELECT c, string_agg(node, ' > ' ORDER BY pos) AS path, count(*) AS len
          FROM p GROUP BY c) JOIN k USING (c)
    GROUP BY path ORDER BY customers DESC, path LIMIT 20
    """,
]


def make_file(path: Path, n_events: int, seed: int = 7) -> None:
    """Write `n_events` synthetic events in the canonical columns, in chunks."""
    rng = np.random.default_rng(seed)
    n_customers = max(n_events // 10, 1)
    touchpoints = np.array([f"Touchpoint {i:02d}" for i in range(N_TOUCHPOINTS)], dtype=object)
    channels = np.array([f"Channel {i % 6}" for i in range(N_TOUCHPOINTS)], dtype=object)
    weights = 1.0 / np.arange(1, N_TOUCHPOINTS + 1)  # Zipf-like: a few touchpoints dominate
    weights /= weights.sum()
    checkout = N_TOUCHPOINTS - 1
    start = np.datetime64("2024-01-01T00:00:00", "us")
    writer = None
    try:
        for offset in range(0, n_events, CHUNK):
            size = min(CHUNK, n_events - offset)
            ids = rng.integers(0, n_customers, size)
            tp = rng.choice(N_TOUCHPOINTS, size=size, p=weights)
            seconds = rng.integers(0, 365 * 86400, size)
            table = pa.table(
                {
                    CUSTOMER_ID: np.char.add("c", np.char.zfill(ids.astype("U8"), 8)),
                    TIMESTAMP: pa.array(
                        start + seconds * 1_000_000, type=pa.timestamp("us", "UTC")
                    ),
                    CHANNEL: channels[tp],
                    TOUCHPOINT: touchpoints[tp],
                    CONVERSION: tp == checkout,
                    ROW: np.arange(offset + 1, offset + size + 1, dtype=np.int64),
                }
            )
            writer = writer or pq.ParquetWriter(path, table.schema)
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()


def run_pandas(file: Path) -> tuple[int, int, int]:
    columns = [CUSTOMER_ID, TIMESTAMP, TOUCHPOINT, CONVERSION, ROW]
    events = pd.read_parquet(file, columns=columns)
    transitions = flows.count_transitions(events, LEVEL, end_nodes=True)
    steps = flows.step_flows(events, LEVEL, steps=STEPS)
    top = flows.top_paths(events, LEVEL, n=TOP_N)
    return len(transitions), len(steps), len(top)


def run_engine(file: Path) -> tuple[int, int, int]:
    runner = DuckDBRunner()
    runner.register_file("events", file)
    result = engine.flows(runner, "events", LEVEL, steps=STEPS, end_nodes=True, n=TOP_N)
    return len(result.transitions), len(result.steps), len(result.top_paths)


def run_duckdb(file: Path) -> tuple[int, int, int]:
    con = duckdb.connect()
    for statement in PLAIN_SQL:
        con.execute(statement, {"file": str(file)})
    sizes = [len(con.execute(query).df()) for query in PLAIN_QUERIES]
    con.close()
    return sizes[0], sizes[1], sizes[2]


def child(runner: str, file: Path) -> None:
    """Run one runner once and print its time, peak memory and result sizes as JSON."""
    run = {"pandas": run_pandas, "engine": run_engine, "duckdb": run_duckdb}[runner]
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    rows = run(file)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    peak_mb = after.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": peak_mb, "rows": rows}))


def measure(runner: str, file: Path) -> dict[str, object]:
    done = subprocess.run(  # noqa: S603 -- this script with fixed arguments, no shell
        [sys.executable, __file__, "--child", runner, str(file)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1e5,1e6,1e7", help="comma-separated event counts")
    parser.add_argument("--repeat", type=int, default=3, help="runs per runner; the best counts")
    parser.add_argument("--data-dir", default=None, help="where the Parquet files live (cached)")
    parser.add_argument("--child", nargs=2, metavar=("RUNNER", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    folder = Path(args.data_dir or Path(tempfile.gettempdir()) / "journey_bench")
    folder.mkdir(parents=True, exist_ok=True)
    print(
        f"{'events':>10} {'runner':>7} {'seconds':>8} {'cpu s':>7} {'peak MB':>8} "
        f"{'vs duckdb':>9}  rows (transitions, steps, top paths)"
    )
    for size in (int(float(s)) for s in args.sizes.split(",")):
        file = folder / f"events_{size}.parquet"
        if not file.exists():
            make_file(file, size)
        runs: dict[str, list[dict[str, object]]] = {runner: [] for runner in RUNNERS}
        for _ in range(args.repeat):  # interleaved, so a busy machine hurts every runner alike
            for runner in RUNNERS:
                runs[runner].append(measure(runner, file))
        best = {r: min(results, key=lambda x: float(x["seconds"])) for r, results in runs.items()}
        yardstick = float(best["duckdb"]["seconds"])
        for runner, result in best.items():
            cpu = min(float(x["cpu"]) for x in runs[runner])
            peak = max(float(x["peak_mb"]) for x in runs[runner])
            ratio = float(result["seconds"]) / yardstick
            print(
                f"{size:>10,} {runner:>7} {result['seconds']:>8.2f} {cpu:>7.2f} {peak:>8.0f} "
                f"{ratio:>8.2f}x  {result['rows']}",
                flush=True,
            )


if __name__ == "__main__":
    main()
