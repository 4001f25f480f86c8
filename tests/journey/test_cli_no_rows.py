"""A file with column names but no data rows is bad input for every command: exit 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from journey.cli import COMMANDS

ROOT = Path(__file__).resolve().parents[2]
EVENTS_HEADER = "customer_id,timestamp,channel,event_type,revenue\n"
TRANSCRIPTS_HEADER = "customer_id,timestamp,channel,text\n"

# The arguments each command needs besides its input file; OUT is replaced by a path.
EXTRA_ARGS: dict[str, list[str]] = {
    "validate": [],
    "load": ["--name", "nothing"],
    "phases": ["--out", "OUT/phases.csv"],
    "flows": ["--out", "OUT"],
    "funnel": ["--stages", "Email,Web", "--out", "OUT/funnel.csv"],
    "attribution": ["--out", "OUT/attribution.csv"],
    "metrics": ["--out", "OUT/metrics.csv"],
    "sentiment": ["--out", "OUT/scored.csv"],
    "report": ["--out", "OUT/report.html"],
    "recommend": ["--out", "OUT/nba.csv"],
}
TRANSCRIPT_COMMANDS = {"sentiment"}


@pytest.fixture(autouse=True)
def _own_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `load` writes to the workspace: never to the user's own
    monkeypatch.setenv("JOURNEY_WORKSPACE", str(tmp_path / "workspace.duckdb"))


def run_journey(*argv: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "journey", *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def header_only(tmp_path: Path, name: str, header: str) -> Path:
    path = tmp_path / name
    path.write_text(header, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_refuses_a_file_without_data_rows(tmp_path: Path, name: str):
    header = TRANSCRIPTS_HEADER if name in TRANSCRIPT_COMMANDS else EVENTS_HEADER
    path = header_only(tmp_path, "nothing.csv", header)
    out = tmp_path / "out"
    extra = [arg.replace("OUT", str(out)) for arg in EXTRA_ARGS.get(name, ["--out", "OUT"])]
    done = run_journey(name, str(path), *extra)
    assert done.returncode == 2, done.stderr
    assert done.stderr.endswith(
        "error: nothing.csv: no data rows (the file has column names but no data)\n"
    )
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    assert not out.exists()  # nothing is written for bad input


def test_every_registered_command_is_covered():
    assert set(COMMANDS) <= set(EXTRA_ARGS), "add the new command's arguments to EXTRA_ARGS"


def test_validate_transcripts_without_rows_exits_2(tmp_path: Path):
    path = header_only(tmp_path, "calls.csv", TRANSCRIPTS_HEADER)
    report = tmp_path / "r.json"
    done = run_journey("validate", str(path), "--kind", "transcripts", "--report", str(report))
    assert done.returncode == 2
    assert done.stderr == "error: calls.csv: no data rows (the file has column names but no data)\n"
    assert not report.exists()


def test_blank_lines_after_the_header_are_no_data_rows(tmp_path: Path):
    path = header_only(tmp_path, "blank.csv", EVENTS_HEADER + "\n\n\n")
    done = run_journey("validate", str(path))
    assert done.returncode == 2
    assert done.stderr == "error: blank.csv: no data rows (the file has column names but no data)\n"


def test_sentiment_training_file_without_rows_exits_2(tmp_path: Path):
    transcripts = tmp_path / "calls.csv"
    transcripts.write_text(TRANSCRIPTS_HEADER + "c1,2025-01-01,Chat,Great service\n", "utf-8")
    labelled = header_only(tmp_path, "labels.csv", "text,label\n")
    out = tmp_path / "scored.csv"
    done = run_journey("sentiment", str(transcripts), "--train", str(labelled), "--out", str(out))
    assert done.returncode == 2
    assert done.stderr == (
        "error: labels.csv: no data rows (the file has column names but no data)\n"
    )
    assert not out.exists()


def test_a_file_with_one_row_still_runs(tmp_path: Path):
    path = header_only(tmp_path, "one.csv", EVENTS_HEADER + "c1,2025-01-01,Email,view,0\n")
    done = run_journey("validate", str(path))
    assert done.returncode == 0, done.stderr
    assert done.stdout == "one.csv: 1 rows read, 1 accepted, 0 rejected, 0 exact duplicates\n"


def test_report_refuses_a_transcripts_file_without_rows(tmp_path: Path):
    events = header_only(tmp_path, "one.csv", EVENTS_HEADER + "c1,2025-01-01,Email,view,0\n")
    transcripts = header_only(tmp_path, "calls.csv", TRANSCRIPTS_HEADER)
    out = tmp_path / "report.html"
    done = run_journey("report", str(events), "--transcripts", str(transcripts), "--out", str(out))
    assert done.returncode == 2, done.stderr
    assert done.stderr.endswith(
        "error: calls.csv: no data rows (the file has column names but no data)\n"
    )
    assert not out.exists()
