"""Tile the bundled sample to a given number of events (and its transcripts alongside).

Each copy k of the sample gets customer ids (and conversation ids) suffixed with `~k`, so
copies are distinct customers with the sample's journeys. Written by DuckDB straight from the
CSV files (no pandas), so 1e7 events take seconds and little memory. Run from the root:

    python -m bench.tile --events 1e6 --out /tmp/tiled     # events.csv + transcripts.csv
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"


def _copy_sql(
    source: Path, target: Path, copies: int, limit: int | None, ids: tuple[str, ...]
) -> str:
    columns = duckdb.sql(f"SELECT * FROM read_csv('{source}', all_varchar=true) LIMIT 0").columns
    select = ", ".join(
        f'"{c}" || \'~\' || CAST(k AS VARCHAR) AS "{c}"' if c in ids else f'"{c}"' for c in columns
    )
    cap = f"LIMIT {int(limit)}" if limit is not None else ""
    return (
        f"COPY (SELECT {select} FROM range({copies}) r(k), "
        f"(SELECT *, row_number() OVER () AS tile_row FROM read_csv('{source}', all_varchar=true)) "
        f"ORDER BY k, tile_row {cap}) "
        f"TO '{target}' (HEADER, DELIMITER ',')"
    )


def tile(n_events: int, out: Path, transcripts: bool = True) -> tuple[Path, Path | None]:
    """Write `n_events` events (whole sample copies, the last one cut) and matching transcripts."""
    out.mkdir(parents=True, exist_ok=True)
    sample_events = SAMPLE / "events.csv"
    per_copy = duckdb.execute(f"SELECT count(*) FROM read_csv('{sample_events}')").fetchone()[0]
    copies = max(1, math.ceil(n_events / per_copy))
    events = out / "events.csv"
    duckdb.execute(
        _copy_sql(sample_events, events, copies, n_events, ("customer_id", "session_id"))
    )
    if not transcripts:
        return events, None
    target = out / "transcripts.csv"
    ids = ("customer_id", "conversation_id")
    duckdb.execute(_copy_sql(SAMPLE / "transcripts.csv", target, copies, None, ids))
    return events, target


def main() -> None:
    """Parse arguments and write the tiled files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=float, default=1e6, help="number of events, e.g. 1e7")
    parser.add_argument("--out", type=Path, required=True, help="folder for the CSV files")
    parser.add_argument("--no-transcripts", action="store_true")
    args = parser.parse_args()
    events, transcripts = tile(int(args.events), args.out, not args.no_transcripts)
    print(events, transcripts or "")


if __name__ == "__main__":
    main()
