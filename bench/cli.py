"""The CLI as a user runs it: whole processes from a cold start, beside plain yardsticks.

Run from the repository root:

    python -m bench.cli                    # 1e6 events (and their ~2e5 transcript turns)
    python -m bench.cli --events 1e5

On the sample tiled to N events (`bench.tile`), each pair runs as separate processes, 3 times,
interleaved; the fastest wall time counts (a shared 2-core machine is noisy):

- `python -m journey flows EVENTS --by touchpoint --steps 5 --end-nodes --out DIR` vs a plain
  DuckDB script doing the same aggregation on the same CSV (`bench.flows.PLAIN_SQL`);
  target (issue 10): within 1.5x;
- `python -m journey validate EVENTS` vs bare pandas `read_csv` + `to_datetime`;
  target: within 2.5x;
- `python -m journey sentiment TRANSCRIPTS --out F` vs plain VADER over the same texts, as texts
  per second; target: at least 0.6x VADER's rate.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.app_scale import run_measured  # noqa: E402
from bench.tile import tile  # noqa: E402

REPEAT = 3

_PLAIN_FLOWS = """
import duckdb, sys
from bench.flows import PLAIN_SQL, PLAIN_QUERIES
con = duckdb.connect()
for s in PLAIN_SQL:
    source = "(SELECT *, row_number() OVER () AS row FROM read_csv($file))"
    con.execute(s.replace("read_parquet($file)", source), {"file": sys.argv[1]})
for q in PLAIN_QUERIES:
    con.execute(q).df()
"""
_PLAIN_VALIDATE = """
import sys, pandas as pd
frame = pd.read_csv(sys.argv[1])
pd.to_datetime(frame["timestamp"], utc=True, format="ISO8601")
"""
_PLAIN_VADER = """
import sys, pandas as pd
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
texts = pd.read_csv(sys.argv[1])["text"].fillna("").tolist()
scorer = SentimentIntensityAnalyzer()
scores = [scorer.polarity_scores(t)["compound"] for t in texts]
"""


def fastest(cmd: list[str]) -> tuple[float, float]:
    """Fastest wall time of REPEAT runs, and the largest peak memory (GB)."""
    runs = [run_measured(cmd, dict(os.environ))[:2] for _ in range(REPEAT)]
    return min(w for w, _ in runs), max(p for _, p in runs)


def main() -> None:
    """Tile, run the pairs, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=float, default=1e6)
    args = parser.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as tmp:
        folder = Path(tmp)
        events, transcripts = tile(int(args.events), folder)
        n_texts = sum(1 for _ in transcripts.open(encoding="utf-8")) - 1  # upper bound (newlines)
        pairs = {
            "flows": (
                [py, "-m", "journey", "flows", str(events), "--by", "touchpoint", "--steps", "5",
                 "--end-nodes", "--out", str(folder / "flows")],
                [py, "-c", _PLAIN_FLOWS, str(events)], 1.5,
            ),
            "validate": (
                [py, "-m", "journey", "validate", str(events)],
                [py, "-c", _PLAIN_VALIDATE, str(events)], 2.5,
            ),
            "sentiment": (
                [py, "-m", "journey", "sentiment", str(transcripts), "--out",
                 str(folder / "scored.csv")],
                [py, "-c", _PLAIN_VADER, str(transcripts)], 1 / 0.6,
            ),
        }  # fmt: skip
        print(f"{int(args.events):,} events, ~{n_texts:,} transcript rows; "
              f"load average {os.getloadavg()[0]:.1f}")  # fmt: skip
        print(f"{'command':<10} {'journey s':>10} {'yardstick s':>12} {'ratio':>6} {'target':>7}")
        for name, (ours, yardstick, target) in pairs.items():
            mine, mine_peak = fastest(ours)
            theirs, _ = fastest(yardstick)
            ratio = mine / theirs
            verdict = "ok" if ratio <= target else "MISSED"
            print(
                f"{name:<10} {mine:10.2f} {theirs:12.2f} {ratio:6.2f} {target:7.2f}  {verdict}"
                f"  (peak {mine_peak:.2f} GB)"
            )


if __name__ == "__main__":
    main()
