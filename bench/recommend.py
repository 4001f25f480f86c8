"""Next best action at scale: features + scoring + rules for 1e4, 1e5 and 1e6 customers.

Run from the repository root:

    python -m bench.recommend                       # 1e4, 1e5, 1e6 customers
    python -m bench.recommend --sizes 1e4 1e5       # a subset

Each size runs in a fresh process. The bundled sample (5,000 customers, prepared events) is
tiled in DuckDB to the number of customers (copy k's ids suffixed with `~k`, about 16.5
events per customer, so 1e6 customers are about 1.65e7 events) and written to a temporary
Parquet file that the engine reads through a view, as the app reads its dataset (the events
are not held in memory by the process). The propensity model is
trained once on the sample (not timed: a model is trained once and scores many times); then
the timed part, as `python -m journey recommend` runs it: features at one cut-off in SQL,
P(conversion), the expected lift of the seven default actions, the rules with reasons.
Target (issue 11): 1e6 customers in < 60 s and < 4 GB peak resident memory. Wall times
depend on the machine's load (printed); the process's CPU seconds are printed beside them.
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

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from journey.io.load import load_file  # noqa: E402
from journey.query.engine.relation import conform_frame  # noqa: E402
from journey.query.engine.runner import DuckDBRunner  # noqa: E402
from journey.recommend import pipeline  # noqa: E402
from journey.recommend.actions import score_actions  # noqa: E402
from journey.recommend.features import build_features  # noqa: E402
from journey.recommend.rules import decide  # noqa: E402
from journey.schema import DatasetSettings  # noqa: E402
from tests.oracle.scope import prepare_events  # noqa: E402

SAMPLE = ROOT / "data" / "sample" / "events.csv"
SAMPLE_CUSTOMERS = 5000
CUTOFF = pd.Timestamp("2025-08-01")
MARKER = "FIGURES "


def _peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def _tile(runner: DuckDBRunner, customers: int, folder: Path) -> int:
    """Create view `ev`: the sample copied to `customers` customers, in a Parquet file."""
    copies = max(1, round(customers / SAMPLE_CUSTOMERS))
    columns = runner.frame("SELECT * FROM base LIMIT 0").columns
    n_rows = int(runner.scalar("SELECT count(*) FROM base"))
    select = ", ".join(
        "customer_id || '~' || CAST(k AS VARCHAR) AS customer_id"
        if c == "customer_id"
        else f"row + k * {n_rows} AS row"
        if c == "row"
        else f'"{c}"'
        for c in columns
    )
    path = folder / "events.parquet"
    # the file's row order does not matter: without this DuckDB buffers the copy in memory
    runner.con.execute("SET preserve_insertion_order = false")
    runner.con.execute(
        f"COPY (SELECT {select} FROM base, range({copies}) r(k)) TO '{path}' (FORMAT parquet)"
    )
    runner.con.execute("RESET preserve_insertion_order")
    runner.register_file("ev", path)
    return int(runner.scalar("SELECT count(*) FROM ev"))


def measure(customers: int, folder: Path) -> dict[str, float]:
    """Tile, train on the sample, then time features + scoring + rules at one cut-off."""
    runner = DuckDBRunner()
    result, _ = load_file(SAMPLE)
    prepared = conform_frame(prepare_events(result.accepted, DatasetSettings()))
    runner.con.register("base_frame", prepared)
    runner.con.execute("CREATE TABLE base AS SELECT * FROM base_frame")
    runner.con.unregister("base_frame")
    touchpoints = prepared["touchpoint"].dropna().unique()
    event_types = prepared["event_type"].dropna().unique()
    rec = pipeline.recommender_for(DatasetSettings(), touchpoints, event_types)
    del prepared, result
    start = time.perf_counter()
    model = pipeline.fit_model(runner, "base", CUTOFF, rec)
    train_s = time.perf_counter() - start
    start = time.perf_counter()
    n_events = _tile(runner, customers, folder)
    runner.con.execute("DROP TABLE base")
    tile_s = time.perf_counter() - start

    cpu0 = time.process_time()
    t0 = time.perf_counter()
    features = build_features(runner, "ev", [CUTOFF], rec.features)
    t1 = time.perf_counter()
    probability, lift = score_actions(model, features, rec.actions)
    t2 = time.perf_counter()
    decisions = decide(features, probability, lift, rec.actions, rec.rules)
    t3 = time.perf_counter()
    return {
        "customers": len(decisions),
        "events": n_events,
        "train_s": train_s,
        "tile_s": tile_s,
        "features_s": t1 - t0,
        "scoring_s": t2 - t1,
        "rules_s": t3 - t2,
        "total_s": t3 - t0,
        "cpu_s": time.process_time() - cpu0,
        "peak_gb": _peak_gb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["1e4", "1e5", "1e6"])
    parser.add_argument("--one", help=argparse.SUPPRESS)  # run one size in this process
    args = parser.parse_args()
    if args.one:
        with tempfile.TemporaryDirectory(prefix="bench-recommend-") as folder:
            figures = measure(int(float(args.one)), Path(folder))
        print(MARKER + json.dumps(figures), flush=True)
        return
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("customers    events   features  scoring  rules   total   CPU s  peak GB  (train, tile)")
    for size in args.sizes:
        cmd = [sys.executable, "-m", "bench.recommend", "--one", size]
        out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True)  # noqa: S603
        line = next(x for x in out.stdout.splitlines() if x.startswith(MARKER))
        f = json.loads(line[len(MARKER) :])
        print(
            f"{f['customers']:>9,} {f['events']:>10,} {f['features_s']:>8.1f}s "
            f"{f['scoring_s']:>7.1f}s {f['rules_s']:>5.1f}s {f['total_s']:>6.1f}s "
            f"{f['cpu_s']:>6.1f} "
            f"{f['peak_gb']:>7.2f}  ({f['train_s']:.0f} s, {f['tile_s']:.0f} s)",
            flush=True,
        )


if __name__ == "__main__":
    main()
