"""phases, flows, funnel, attribution and metrics validate a CSV through DuckDB's reader.

The pandas reader and validator were the path before; they are the oracle here: the same
command run on the pandas-validated frame writes the same bytes and prints the same summary,
rejects, --strict and exit codes. The files hold what the two paths could read apart: rejects
of every kind, a timestamp tie, a blank touchpoint, naive times in another zone, an explicit
phase column, attributes the commands do not read.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd
import pytest

from journey.cli import engine, main
from journey.cli.common import load_events
from journey.io import load
from journey.io.export import to_csv_bytes
from journey.query.engine.runner import DuckDBRunner
from journey.schema import PHASE_EXPLICIT, DatasetSettings
from tests.oracle.phases import assign_phases

HEADER = "customer_id,timestamp,channel,touchpoint,event_type,conversion,revenue,campaign,"
EVENTS = (
    HEADER
    + """session_id,device
a,2025-01-01 09:00,Email,Newsletter,click,false,,Spring,s1,mobile
a,2025-01-01 09:00,Web,Home page,view,false,,Spring,s1,mobile
a,2025-01-02 10:00,Web,,add_to_cart,false,,,s2,desktop
a,2025-01-02 11:00,Web,Checkout,purchase,true,40.5,Spring,s2,desktop
b,2025-01-03 08:00,Social,Post,click,false,,Summer,s3,mobile
b,2025-01-05 08:00,Chat,Support chat,view,false,,,s4,mobile
b,2025-01-09 08:00,Store,Till,purchase,yes,20,Summer,,
c,2025-01-04 12:00,Email,Newsletter,click,false,,Spring,s5,
c,2025-01-04 12:00,Email,Newsletter,click,false,,Spring,s5,
,2025-01-04 12:00,Email,Newsletter,click,false,,Spring,s6,
d,not a date,Web,Home page,view,false,,,s7,
d,2025-01-06 10:00,Web,Home page,view,maybe,,,s7,
d,2025-01-06 11:00,Store,Till,purchase,true,-5,,s8,
d,2025-01-07 09:00,Store,Till,purchase,true,35.25,Winter,s8,tablet
e,2025-01-02 07:00,=Web,Home page,view,false,,,s9,
e,2025-01-20 07:00,Call center,Helpdesk,call,false,,,s10,
e,2025-01-03 07:00,Web,Pricing,signup,true,0,,s9,
"""
)
# the same events with an explicit phase for some of them (and none for the others)
PHASES = {"a": "awareness", "b": "Post Purchase", "e": "engagement"}

COMMANDS: dict[str, list[str]] = {
    "flows": ["--by", "touchpoint", "--steps", "4", "--end-nodes", "--keep-repeats"],
    "flows-phase": ["--by", "phase", "--steps", "3", "--end-nodes", "--top-k", "2"],
    "funnel": ["--stages", "click,view,purchase", "--by", "event_type"],
    "attribution": [
        "--models",
        "first,last,linear,position,markov",
        "--by",
        "campaign",
        "--exclude-event-types",
        "view",
    ],
    "metrics": ["--by", "day", "--level", "touchpoint"],
    "phases": ["--onboarding-days", "3"],
}


def _write(tmp_path: Path, with_phase: bool) -> Path:
    lines = EVENTS.splitlines()
    if with_phase:
        head, *rows = lines
        lines = [f"{head},phase"] + [f"{r},{PHASES.get(r.split(',')[0], '')}" for r in rows]
    path = tmp_path / "events.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _pandas_table(
    runner: DuckDBRunner,
    name: str,
    args: argparse.Namespace,
    settings: DatasetSettings,
    columns: object,
) -> None:
    """The path before: pandas reads and validates, DuckDB scans the accepted frame."""
    runner.register_frame(name, load_events(args, settings=settings))


def _run(name: str, path: Path, out: Path, extra: list[str]) -> int:
    command = name.split("-")[0]
    target = out if command == "flows" else out.with_suffix(".csv")
    return main([command, str(path), *COMMANDS[name], *extra, "--out", str(target)])


def _written(out: Path) -> dict[str, bytes]:
    if out.is_dir():
        return {p.name: p.read_bytes() for p in sorted(out.iterdir())}
    return {"file": out.with_suffix(".csv").read_bytes()}


@pytest.mark.parametrize("with_phase", [False, True], ids=["rules", "explicit-phase"])
@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_streamed_csv_writes_what_the_pandas_path_wrote(
    name: str, with_phase: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
):
    path = _write(tmp_path, with_phase)
    extra = ["--tz", "Europe/Warsaw"]
    assert _run(name, path, tmp_path / "streamed", extra) == 0
    streamed = capsys.readouterr().err
    with monkeypatch.context() as patch:
        patch.setattr(engine, "_validated_table", _pandas_table)
        assert _run(name, path, tmp_path / "pandas", extra) == 0
    assert capsys.readouterr().err == streamed
    assert "17 rows read, 13 accepted, 4 rejected, 1 exact duplicates" in streamed
    expected = _written(tmp_path / "pandas")
    assert _written(tmp_path / "streamed") == expected
    assert all(len(text.splitlines()) > 2 for text in expected.values())  # real figures


def test_streamed_csv_never_goes_through_the_pandas_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
):
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the pandas path read a file DuckDB reads exactly")

    monkeypatch.setattr(load, "load_file", refuse)
    path = _write(tmp_path, with_phase=False)
    for name in COMMANDS:
        assert _run(name, path, tmp_path / name, []) == 0
    assert capsys.readouterr().err.count("13 accepted, 4 rejected") == len(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_strict_and_nothing_accepted_exit_2_naming_the_first_reject(
    name: str, tmp_path: Path, capsys
):
    path = _write(tmp_path, with_phase=False)
    assert _run(name, path, tmp_path / "strict", ["--strict"]) == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == (
        f"error: {path}: 4 rejected rows (--strict); first: row 10, column 'customer_id': "
        "missing customer id"
    )
    assert not (tmp_path / "strict").exists()
    assert not (tmp_path / "strict.csv").exists()
    bad = tmp_path / "bad.csv"
    bad.write_text("customer_id,timestamp,channel\n,2025-01-01,Web\nx,later,Web\n", "utf-8")
    assert _run(name, bad, tmp_path / "none", []) == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "error: bad.csv: every row was rejected (2 of 2), nothing to analyse; first: row 1, "
        "column 'customer_id': missing customer id"
    )


@pytest.mark.parametrize("with_phase", [False, True], ids=["rules", "explicit-phase"])
def test_phases_on_the_engine_write_what_assign_phases_wrote(
    with_phase: bool, tmp_path: Path, capsys
):
    """The command before ran the pandas `assign_phases` on the pandas-validated events."""
    path = _write(tmp_path, with_phase)
    out = tmp_path / "phases.csv"
    assert _run("phases", path, out, ["--tz", "Europe/Warsaw"]) == 0
    args = argparse.Namespace(map=[], tz="Europe/Warsaw", strict=False, sheet=None)
    settings = DatasetSettings(timezone="Europe/Warsaw", onboarding_days=3)
    expected = assign_phases(load_events(args, str(path), settings), settings)
    assert out.read_bytes() == to_csv_bytes(expected.drop(columns=PHASE_EXPLICIT))
    assert {"awareness", "onboarding", "post-purchase"} <= set(pd.read_csv(out)["phase"])
    assert "13 accepted" in capsys.readouterr().err
