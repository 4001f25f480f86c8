"""`python -m journey validate FILE [--kind] [--report R.json]` through journey.cli.main."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from journey.cli import main

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["validate", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_clean_file_exits_0_with_a_summary(capsys: pytest.CaptureFixture[str]):
    code, out, err = run(capsys, str(FIXTURES / "events_utf8.csv"))
    assert code == 0
    assert out == ("events_utf8.csv: 3 rows read, 3 accepted, 0 rejected, 0 exact duplicates\n")
    assert "3 rows read" in err


def test_report_lists_every_reject_with_1_based_rows(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
):
    report = tmp_path / "out" / "report.json"
    code, _, _ = run(capsys, str(FIXTURES / "mixed_types.csv"), "--report", str(report))
    assert code == 0
    assert json.loads(report.read_text(encoding="utf-8")) == {
        "file": str(FIXTURES / "mixed_types.csv"),
        "rows_read": 5,
        "rows_accepted": 1,
        "rows_rejected": 4,
        "duplicates": 0,
        "rejects": [
            {"row": 2, "column": "revenue", "reason": "not a number: 'abc'"},
            {"row": 3, "column": "conversion", "reason": "not true/false: 'maybe'"},
            {"row": 3, "column": "revenue", "reason": "negative revenue: -5"},
            {"row": 4, "column": "timestamp", "reason": "not a date: '31/02/2025'"},
            {"row": 4, "column": "channel", "reason": "empty channel"},
            {"row": 5, "column": "customer_id", "reason": "missing customer id"},
        ],
    }


def test_duplicates_in_the_report(capsys: pytest.CaptureFixture[str], tmp_path: Path):
    report = tmp_path / "r.json"
    run(capsys, str(FIXTURES / "duplicates.csv"), "--report", str(report))
    content = json.loads(report.read_text(encoding="utf-8"))
    assert (content["rows_read"], content["rows_accepted"], content["duplicates"]) == (4, 4, 2)


def test_transcripts_kind(capsys: pytest.CaptureFixture[str], tmp_path: Path):
    report = tmp_path / "r.json"
    code, out, _ = run(
        capsys, str(FIXTURES / "transcripts.csv"), "--kind", "transcripts", "--report", str(report)
    )
    assert code == 0
    assert out.startswith("transcripts.csv: 5 rows read, 3 accepted, 2 rejected")
    assert json.loads(report.read_text(encoding="utf-8"))["rejects"] == [
        {"row": 3, "column": "customer_id", "reason": "missing customer id"},
        {"row": 4, "column": "timestamp", "reason": "not a date: 'yesterday'"},
    ]


def test_map_and_tz_options(capsys: pytest.CaptureFixture[str], tmp_path: Path):
    report = tmp_path / "r.json"
    code, _, _ = run(
        capsys,
        str(FIXTURES / "no_channel.csv"),
        "--map",
        "chanel=channel",
        "--tz",
        "Asia/Jakarta",
        "--report",
        str(report),
    )
    assert code == 0
    assert json.loads(report.read_text(encoding="utf-8"))["rows_accepted"] == 1


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.csv", "error: empty.csv: the file is empty\n"),
        ("garbage.csv", "error: garbage.csv: this is binary data, not text"),
        ("xlsx_renamed.csv", "error: xlsx_renamed.csv: this is an Excel workbook (.xlsx)"),
        ("png_renamed.csv", "error: png_renamed.csv: this is a PNG image"),
        ("no_channel.csv", "error: no_channel.csv, column 'channel': required column is not"),
        ("missing.csv", "error: missing.csv: no such file"),
    ],
)
def test_bad_input_exits_2_with_a_message_and_no_traceback(
    capsys: pytest.CaptureFixture[str], name: str, message: str
):
    code, out, err = run(capsys, str(FIXTURES / name))
    assert code == 2
    assert out == ""
    assert err.startswith(message)
    assert "Traceback" not in err


def test_header_only_is_bad_input(capsys: pytest.CaptureFixture[str]):
    code, out, err = run(capsys, str(FIXTURES / "header_only.csv"))
    assert code == 2
    assert out == ""
    assert err == "error: header_only.csv: no data rows (the file has column names but no data)\n"


def test_strict_with_rejects_exits_2_after_writing_the_report(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
):
    report = tmp_path / "r.json"
    code, _, err = run(capsys, str(FIXTURES / "ragged.csv"), "--strict", "--report", str(report))
    assert code == 2
    assert err.splitlines()[-1] == (
        f"error: {FIXTURES / 'ragged.csv'}: 2 rejected rows (--strict); first: row 2: "
        "expected 3 fields, found 4"
    )
    assert json.loads(report.read_text(encoding="utf-8"))["rows_rejected"] == 2


def test_strict_without_rejects_exits_0(capsys: pytest.CaptureFixture[str]):
    code, _, _ = run(capsys, str(FIXTURES / "events_cp1250.csv"), "--strict")
    assert code == 0


def test_bad_options_exit_2(capsys: pytest.CaptureFixture[str]):
    code, _, err = run(capsys, str(FIXTURES / "events_utf8.csv"), "--tz", "Mars/Base")
    assert (code, err.strip()) == (
        2,
        "error: unknown time zone 'Mars/Base': use a name like 'Europe/Warsaw'",
    )
    code, _, err = run(capsys, str(FIXTURES / "events_utf8.csv"), "--map", "nothing")
    assert code == 2
    assert "expected SOURCE=CANONICAL" in err
    code, _, err = run(capsys, str(FIXTURES / "events_utf8.csv"), "--kind", "calls")
    assert code == 2
    assert "invalid choice" in err


def test_file_over_the_size_limit(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("JOURNEY_MAX_UPLOAD_MB", "0.0002")
    code, _, err = run(capsys, str(FIXTURES / "events_utf8.csv"))
    assert code == 2
    assert "over the 0.0002 MB limit" in err
    assert "JOURNEY_MAX_UPLOAD_MB" in err


def test_python_dash_m_journey_validate_runs_as_a_program(tmp_path: Path):
    done = subprocess.run(
        [sys.executable, "-m", "journey", "validate", str(FIXTURES / "empty.csv")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr == "error: empty.csv: the file is empty\n"
