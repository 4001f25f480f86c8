"""Out of core: flows and attribution on 1e8 events through DuckDB, under 4 GB of memory.

Run from the repository root (generating 1e8 events takes a few minutes and ~2 GB of disk):

    python -m bench.out_of_core                    # 1e8 events
    python -m bench.out_of_core --events 1e7       # a smaller run

Generates a Parquet file of synthetic events in the canonical columns (10 events per customer
on average, 12 channels, ~3% conversions, `row` = 1..n) with DuckDB (streamed, never in
pandas), then runs the user's commands as whole processes:

    python -m journey flows FILE --by channel --steps 5 --end-nodes --out DIR
    python -m journey attribution FILE --models first,last,linear,markov --out F

with JOURNEY_MEMORY_LIMIT (default 3GB) so DuckDB spills to disk instead of growing, and prints
each command's wall time and peak memory (its own ru_maxrss). Targets (issue 10): peak < 4 GB;
aim for < 120 s each on a 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


CHANNELS = (
    "Paid Search", "Display", "Social", "TV", "Email", "Web",
    "App", "Call Center", "Chat", "Store", "Affiliate", "Direct",
)  # fmt: skip
EVENTS_PER_CUSTOMER = 10

# Deterministic pseudo-random columns from hash(i, salt): no Python per row.
_GENERATE = """
COPY (
    SELECT 'C' || lpad(CAST(i // {per} AS VARCHAR), 9, '0') AS customer_id,
           TIMESTAMP '2025-01-01' + to_seconds(CAST(hash(i, 1) % 18000000 AS BIGINT)) AS timestamp,
           channels[1 + CAST(hash(i, 2) % {n_channels} AS INTEGER)] AS channel,
           channels[1 + CAST(hash(i, 2) % {n_channels} AS INTEGER)] || ' touch ' ||
               CAST(hash(i, 3) % 4 AS VARCHAR) AS touchpoint,
           CASE WHEN hash(i, 4) % 100 < 3 THEN 'purchase' ELSE 'view' END AS event_type,
           hash(i, 4) % 100 < 3 AS conversion,
           CASE WHEN hash(i, 4) % 100 < 3 THEN 20 + CAST(hash(i, 5) % 500 AS DOUBLE) END AS revenue,
           i + 1 AS row
    FROM range({n}) t(i), (SELECT {channels} AS channels)
) TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)
"""


def run_timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Run a child process; return wall seconds, its peak RSS in GB and its CPU seconds.

    CPU (user + system, all threads, and the children it waited for) is the steadier figure
    on a shared machine: wall time grows with everyone else's load.
    """
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err)  # noqa: S603
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            err.seek(0)
            raise SystemExit(f"{' '.join(cmd)} failed:\n{err.read().decode()[-3000:]}")
    return wall, usage.ru_maxrss / 1024**2, usage.ru_utime + usage.ru_stime


def generate(n_events: int, path: Path) -> float:
    """Write the synthetic events file; return seconds taken."""
    channels = "[" + ", ".join(f"'{c}'" for c in CHANNELS) + "]"
    sql = _GENERATE.format(
        per=EVENTS_PER_CUSTOMER, n_channels=len(CHANNELS), n=n_events, channels=channels, path=path
    )
    start = time.perf_counter()
    con = duckdb.connect(config={"memory_limit": "3GB", "preserve_insertion_order": "false"})
    con.execute(sql)
    con.close()
    return time.perf_counter() - start


def main() -> None:
    """Generate the file, run the commands, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=float, default=1e8)
    parser.add_argument("--memory-limit", default="3GB", help="JOURNEY_MEMORY_LIMIT for DuckDB")
    parser.add_argument("--keep", type=Path, help="folder to keep the generated file in")
    args = parser.parse_args()
    n = int(args.events)
    with tempfile.TemporaryDirectory(prefix="out-of-core-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"events_{n}.parquet"
        if not path.exists():
            seconds = generate(n, path)
            print(f"generated {n:,} events in {seconds:.0f} s ({path.stat().st_size / 1e9:.1f} GB)")
        env = {**os.environ, "JOURNEY_MEMORY_LIMIT": args.memory_limit}
        env["JOURNEY_TEMP_DIR"] = str(folder / "spill")
        commands = {
            "flows": ["flows", str(path), "--by", "channel", "--steps", "5", "--end-nodes",
                      "--out", str(folder / "flows")],
            "attribution": ["attribution", str(path), "--models", "first,last,linear,markov",
                            "--out", str(folder / "attribution.csv")],
        }  # fmt: skip
        print(f"load average {os.getloadavg()[0]:.1f}; JOURNEY_MEMORY_LIMIT={args.memory_limit}")
        for name, argv in commands.items():
            wall, peak, cpu = run_timed([sys.executable, "-m", "journey", *argv], env)
            verdict = "ok" if peak < 4 else "OVER 4 GB"
            print(
                f"{name:<12} {n:>13,} events  {wall:7.1f} s  (CPU {cpu:6.1f} s)  "
                f"peak {peak:5.2f} GB  {verdict}  load {os.getloadavg()[0]:.1f}"
            )


if __name__ == "__main__":
    main()
