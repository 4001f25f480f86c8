"""The CLI as a user runs it: whole processes from a cold start, beside plain yardsticks.

Run from the repository root:

    python -m bench.cli                    # 1e6 events (and their ~2e5 transcript turns)
    python -m bench.cli --events 1e5

On the sample tiled to N events (`bench.tile`), each pair runs as separate processes, 3 times,
interleaved; the fastest wall time counts (a shared 2-core machine is noisy), and the least CPU
time (user + system, all threads) is shown beside it: steadier when others load the machine:

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

from bench.out_of_core import run_timed  # noqa: E402
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


def fastest(cmds: list[list[str]]) -> list[tuple[float, float, float]]:
    """Per command: the fastest wall time, the largest peak memory (GB), the least CPU time.

    The commands run in turn, REPEAT times over, so a burst of someone else's load hits
    them alike.
    """
    runs: list[list[tuple[float, float, float]]] = [[] for _ in cmds]
    for _ in range(REPEAT):
        for i, cmd in enumerate(cmds):
            runs[i].append(run_timed(cmd, dict(os.environ)))
    return [
        (min(w for w, _, _ in r), max(p for _, p, _ in r), min(c for _, _, c in r)) for r in runs
    ]


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
        print(
            f"{'command':<10} {'journey s':>10} {'yardstick s':>12} {'ratio':>6} {'target':>7}"
            f"  verdict  {'CPU s':>11} {'CPU ratio':>9}  peak"
        )
        for name, (ours, yardstick, target) in pairs.items():
            (mine, mine_peak, mine_cpu), (theirs, _, theirs_cpu) = fastest([ours, yardstick])
            ratio = mine / theirs
            verdict = "ok" if ratio <= target else "MISSED"
            print(
                f"{name:<10} {mine:10.2f} {theirs:12.2f} {ratio:6.2f} {target:7.2f}  {verdict:<7}"
                f"  {mine_cpu:5.2f}/{theirs_cpu:<5.2f} {mine_cpu / theirs_cpu:9.2f}"
                f"  {mine_peak:.2f} GB  (load {os.getloadavg()[0]:.1f})"
            )


if __name__ == "__main__":
    main()
