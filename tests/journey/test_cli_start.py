"""Fast start: a command imports what it uses, and nothing of the other commands' stacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from journey.cli import COMMANDS, build_parser

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample" / "events.csv"
# the heavy stacks: models, charts, decks, Spark and the app
HEAVY = ("sklearn", "plotly", "pptx", "pyspark", "py4j", "streamlit")


def imported_packages(stderr: str) -> set[str]:
    """Top-level package names in `python -X importtime` output."""
    names = set()
    for line in stderr.splitlines():
        if line.startswith("import time:") and "cumulative" not in line:  # not the header
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return names


def importtime(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "journey", *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_imported_packages_reads_importtime_lines():
    stderr = (
        "import time: self [us] | cumulative | imported package\n"
        "import time:       120 |        120 |   sklearn.base\n"
        "import time:        80 |        200 | pandas\n"
        "events.csv: 3 rows read | not an import line\n"
    )
    assert imported_packages(stderr) == {"sklearn", "pandas"}


def test_validate_imports_no_model_chart_deck_spark_or_app_stack():
    done = importtime("validate", str(SAMPLE))
    assert done.returncode == 0, done.stderr[-2000:]
    imported = imported_packages(done.stderr)
    assert "pandas" in imported  # the check sees real imports
    assert sorted(imported & set(HEAVY)) == []


# the engine commands on DuckDB (the default) load neither Spark nor SQLGlot
ENGINE_COMMANDS = {
    "flows": ["--out", "OUT"],
    "funnel": ["--stages", "Email,Web", "--by", "channel", "--out", "OUT/funnel.csv"],
    "attribution": ["--models", "first,last,markov", "--out", "OUT/attribution.csv"],
    "metrics": ["--out", "OUT/metrics.csv"],
}


@pytest.mark.parametrize("name", sorted(ENGINE_COMMANDS))
def test_engine_commands_on_duckdb_import_no_heavy_stack(name: str, tmp_path: Path):
    extra = [arg.replace("OUT", str(tmp_path)) for arg in ENGINE_COMMANDS[name]]
    done = importtime(name, str(SAMPLE), *extra)
    assert done.returncode == 0, done.stderr[-2000:]
    imported = imported_packages(done.stderr)
    assert "duckdb" in imported
    assert sorted(imported & {*HEAVY, "sqlglot", "scipy"}) == []


def test_help_lists_every_command_without_importing_them():
    done = importtime("--help")
    assert done.returncode == 0, done.stderr[-2000:]
    assert all(f"    {name}" in done.stdout for name in COMMANDS)
    modules = {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert "journey.cli" in modules
    assert sorted(m for m in modules if m.startswith("journey.cli.")) == []
    assert "pandas" not in imported_packages(done.stderr)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_module_has_arguments_and_a_handler(name: str, capsys):
    assert callable(COMMANDS[name].load().run)
    with pytest.raises(SystemExit) as exit_:
        build_parser(only=name).parse_args([name, "--help"])
    assert exit_.value.code == 0
    usage = capsys.readouterr().out
    assert usage.startswith(f"usage: python -m journey {name} [-h]")
    assert "--tz" in usage  # every command reads an input file
