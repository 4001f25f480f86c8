"""Spark (local) vs DuckDB: the same CLI commands on the same Parquet file, time and equality.

Run from the repository root (needs requirements-spark.txt and Java 17):

    python -m bench.spark_vs_duckdb                 # 1e6 and 1e7 events
    python -m bench.spark_vs_duckdb --sizes 1e6

For each size a synthetic Parquet file (`bench.out_of_core.generate`) is analysed by
`python -m journey flows|funnel|attribution|metrics FILE --engine duckdb|spark` as whole
processes (Spark's JVM start included, as a user runs it), and the outputs are compared byte
for byte. Prints a table: command, size, DuckDB seconds, Spark seconds, equal outputs.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.out_of_core import generate, run_timed  # noqa: E402

ENGINES = ("duckdb", "spark")


def commands(path: Path, out: Path) -> dict[str, tuple[list[str], Path]]:
    """Each command's arguments (without --engine) and the output it writes."""
    return {
        "flows": (["flows", str(path), "--by", "channel", "--end-nodes",
                   "--out", str(out / "flows")], out / "flows"),
        "funnel": (["funnel", str(path), "--stages", "Display,Email,Store", "--by", "channel",
                    "--out", str(out / "funnel.csv")], out / "funnel.csv"),
        "attribution": (["attribution", str(path), "--models", "first,last,linear,position",
                         "--out", str(out / "attribution.csv")], out / "attribution.csv"),
        "metrics": (["metrics", str(path), "--by", "week", "--out", str(out / "metrics.csv")],
                    out / "metrics.csv"),
    }  # fmt: skip


def same(a: Path, b: Path) -> bool:
    """Equal files, or folders holding equal files of the same names."""
    if a.is_dir():
        names = sorted(p.name for p in a.iterdir())
        if names != sorted(p.name for p in b.iterdir()):
            return False
        return all(filecmp.cmp(a / n, b / n, shallow=False) for n in names)
    return filecmp.cmp(a, b, shallow=False)


def main() -> None:
    """Generate, run both engines, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1e6,1e7")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}")
    print(
        f"{'command':<12} {'events':>12} {'duckdb s':>9} {'(CPU)':>7} {'spark s':>9}  equal  load"
    )
    for size in args.sizes.split(","):
        n = int(float(size))
        with tempfile.TemporaryDirectory(prefix="spark-vs-duckdb-") as tmp:
            folder = Path(tmp)
            path = folder / "events.parquet"
            generate(n, path)
            outputs = {e: commands(path, folder / e) for e in ENGINES}
            for name in outputs["duckdb"]:
                seconds, cpu = {}, {}
                for engine in ENGINES:
                    argv, _ = outputs[engine][name]
                    cmd = [sys.executable, "-m", "journey", *argv, "--engine", engine]
                    seconds[engine], _, cpu[engine] = run_timed(cmd, dict(os.environ))
                equal = same(outputs["duckdb"][name][1], outputs["spark"][name][1])
                # Spark's CPU is in its JVM, not counted here: only DuckDB's is shown
                print(
                    f"{name:<12} {n:>12,} {seconds['duckdb']:9.1f} {cpu['duckdb']:7.1f} "
                    f"{seconds['spark']:9.1f}  {'yes' if equal else 'NO':<5}  "
                    f"{os.getloadavg()[0]:.1f}"
                )


if __name__ == "__main__":
    main()
