"""Attribution benchmark: whole-process time and peak memory per model, from an events file.

Usage:
    python bench/attribution.py                  # 1e4, 1e5 and 1e6 customers
    python bench/attribution.py --sizes 10000    # one size
    python bench/attribution.py --bootstrap      # also time 200 bootstrap resamples

Each size gets a deterministic events file (about 10 channels, about 3 touches per customer,
roughly one customer in three converting) in the cache folder (default: $TMPDIR/journey-bench).
Every model runs in a fresh Python process that imports the library, reads the Parquet file
and calls `attribution.attribute`; the process's wall time and peak RSS are reported, next to
the same for `bench/markov_yardstick.py`, a minimal numpy absorbing chain. Children run with
bytecode caching on (in the cache folder), after one warm-up run, as an installed copy would.
Each entry runs `--repeat` times (default 3), interleaved so that load from elsewhere hits
every entry alike; the best time and the highest peak are shown.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from journey.attribution import models as attribution  # noqa: E402
from journey.attribution import uncertainty  # noqa: E402
from journey.schema import (  # noqa: E402
    CAMPAIGN,
    CHANNEL,
    CONVERSION,
    CUSTOMER_ID,
    EVENT_TYPE,
    REVENUE,
    ROW,
    TIMESTAMP,
    TOUCHPOINT,
)

CHANNELS = (
    "Paid Search",
    "Organic Search",
    "Email",
    "Display",
    "Social",
    "Direct",
    "Affiliate",
    "TV",
    "Push",
    "Web",
)
WEIGHTS = np.array([0.14, 0.12, 0.14, 0.12, 0.12, 0.1, 0.05, 0.05, 0.06, 0.1])
SIZES = (10_000, 100_000, 1_000_000)


def make_events(n_customers: int, seed: int = 1) -> pd.DataFrame:
    """Deterministic synthetic events: 1-5 touches per customer (mean 3), ~30% converting."""
    rng = np.random.default_rng(seed)
    touches = rng.integers(1, 6, size=n_customers)
    n = int(touches.sum())
    customer = np.repeat(np.arange(n_customers), touches)
    start = rng.integers(0, 60 * 86_400, size=n_customers)
    offset = rng.exponential(5 * 86_400, size=n).astype(np.int64)
    seconds = start[customer] + offset
    channel = rng.choice(len(CHANNELS), size=n, p=WEIGHTS / WEIGHTS.sum())
    last = np.r_[customer[1:] != customer[:-1], True]
    # the customer's latest touch converts for about a third of customers (some convert twice)
    latest = np.zeros(n, dtype=bool)
    order = np.lexsort((seconds, customer))
    latest[order[last]] = True
    converts = latest & (rng.random(n) < 0.3 + 0.05 * (channel == 2))
    converts |= rng.random(n) < 0.02
    names = np.array(CHANNELS, dtype=object)
    return pd.DataFrame(
        {
            CUSTOMER_ID: pd.array(np.char.add("C", customer.astype(str)), dtype="str"),
            TIMESTAMP: pd.to_datetime(1_704_067_200 + seconds, unit="s", utc=True).as_unit("us"),
            CHANNEL: pd.array(names[channel], dtype="str"),
            TOUCHPOINT: pd.array(names[channel], dtype="str"),
            EVENT_TYPE: pd.array(np.where(converts, "purchase", "visit"), dtype="str"),
            CONVERSION: converts,
            REVENUE: np.where(converts, np.round(rng.lognormal(4, 0.8, size=n), 2), 0.0),
            CAMPAIGN: pd.array(np.where(channel < 5, "Spring", "Always on"), dtype="str"),
            ROW: np.arange(1, n + 1, dtype=np.int64),
        }
    )


def events_file(n_customers: int, folder: Path) -> Path:
    """Write (once) and return the Parquet events file for a size."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"events_{n_customers}.parquet"
    if not path.exists():
        make_events(n_customers).to_parquet(path, index=False)
    return path


def child(model: str, path: str, bootstrap: bool) -> None:
    """Run in a fresh process: read the file, attribute, print seconds and peak MiB."""
    started = time.perf_counter()
    # the columns attribute() reads at channel level (the file also holds touchpoint, campaign)
    columns = [CUSTOMER_ID, TIMESTAMP, CHANNEL, CONVERSION, REVENUE, EVENT_TYPE, ROW]
    events = pd.read_parquet(path, columns=columns)
    models = attribution.MODELS if model == "all" else (model,)
    settings = attribution.AttributionSettings(models=models)
    if bootstrap:
        result = uncertainty.bootstrap_shares(events, settings, n_resamples=200)
    else:
        result = attribution.attribute(events, settings)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{elapsed:.3f} {peak:.0f} {len(result)}")


def child_env(cache: Path) -> dict[str, str]:
    """Environment of the timed processes: bytecode cached (in the cache folder), as installed.

    With PYTHONDONTWRITEBYTECODE set, every process would compile the library from source
    (about 0.1 s): a cost no installed copy pays.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(cache / "pycache")
    return env


def run(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Run a script in a fresh process; return (whole-process seconds, peak MiB)."""
    started = time.perf_counter()
    out = subprocess.run(  # noqa: S603 - our own scripts, fixed arguments
        [sys.executable, *args], check=True, capture_output=True, text=True, cwd=ROOT, env=env
    )
    wall = time.perf_counter() - started
    peak = float(out.stdout.split()[1])
    return wall, peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "journey-bench")
    parser.add_argument("--bootstrap", action="store_true", help="also time bootstrap_shares")
    parser.add_argument("--repeat", type=int, default=3, help="runs per entry; best is shown")
    parser.add_argument("--child", nargs=2, metavar=("MODEL", "FILE"), help=argparse.SUPPRESS)
    parser.add_argument("--child-bootstrap", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], args.child_bootstrap)
        return 0
    script = str(Path(__file__).resolve())
    yardstick = str(Path(__file__).resolve().with_name("markov_yardstick.py"))
    print(f"{'customers':>10} {'events':>10} {'model':<16} {'seconds':>8} {'peak MiB':>9}")
    for size in args.sizes:
        path = events_file(size, args.cache)
        n_events = pd.read_parquet(path, columns=[ROW]).shape[0]
        commands = {m: [script, "--child", m, str(path)] for m in (*attribution.MODELS, "all")}
        commands["yardstick"] = [yardstick, str(path)]
        if args.bootstrap:
            commands["bootstrap all"] = [script, "--child", "all", str(path), "--child-bootstrap"]
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        env = child_env(args.cache)
        run(commands["markov"], env)  # warm-up: writes the bytecode caches
        run(commands["yardstick"], env)
        for _ in range(args.repeat):  # interleaved, so load from elsewhere hits every entry alike
            for name, command in commands.items():
                runs[name].append(run(command, env))
        best = {name: (min(t for t, _ in r), max(m for _, m in r)) for name, r in runs.items()}
        for name, (seconds, peak) in best.items():
            print(f"{size:>10} {n_events:>10} {name:<16} {seconds:>8.2f} {peak:>9.0f}")
        ratio = best["yardstick"][0] / best["markov"][0]
        print(f"{size:>10} {'':>10} {'yardstick/markov':<16} {ratio:>8.2f}")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
