"""What marks conversions, said in the CLI's validation summary and used by every command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from journey.cli import main

ROOT = Path(__file__).resolve().parents[2]
# Revenue but no conversion column and no event type. Paths:
#   a: Email > Web (100)   b: Social > Store (20.5)   c: Email (no revenue: no conversion)
REVENUE_ONLY = """customer_id,timestamp,channel,revenue
a,2025-01-01,Email,
a,2025-01-02,Web,100
b,2025-01-03,Social,0
b,2025-01-04,Store,20.5
c,2025-01-05,Email,
"""
REVENUE_NOTE = (
    "events.csv: no conversion column and no event of type purchase, order, so rows with "
    "revenue > 0 count as conversions\n"
)


@pytest.fixture
def events_csv(tmp_path: Path) -> Path:
    path = tmp_path / "events.csv"
    path.write_text(REVENUE_ONLY, encoding="utf-8")
    return path


def test_validate_says_revenue_marks_conversions(events_csv: Path):
    done = subprocess.run(
        [sys.executable, "-m", "journey", "validate", str(events_csv)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == (
        "events.csv: 5 rows read, 5 accepted, 0 rejected, 0 exact duplicates\n" + REVENUE_NOTE
    )


def test_attribution_credits_the_revenue_conversions(
    events_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    out = tmp_path / "attribution.csv"
    code = main(["attribution", str(events_csv), "--models", "first,last", "--out", str(out)])
    assert code == 0
    assert capsys.readouterr().err.endswith(REVENUE_NOTE)
    expected = pd.DataFrame(
        {
            "channel": ["Email", "Social", "Store", "Web", "Store", "Web", "Email", "Social"],
            "model": ["first"] * 4 + ["last"] * 4,
            "conversions": [1.0, 1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0],
            "revenue": [100.0, 20.5, 0.0, 0.0, 20.5, 100.0, 0.0, 0.0],
            "share": [0.5, 0.5, 0.0, 0.0, 0.5, 0.5, 0.0, 0.0],
        }
    )
    assert_frame_equal(pd.read_csv(out), expected)


def test_phases_start_onboarding_at_the_revenue_conversion(events_csv: Path, tmp_path: Path):
    out = tmp_path / "phases.csv"
    assert main(["phases", str(events_csv), "--out", str(out)]) == 0
    phases = pd.read_csv(out)
    assert phases["conversion"].tolist() == [False, True, False, True, False]
    assert phases["phase"].tolist() == [
        "awareness",
        "onboarding",
        "awareness",
        "onboarding",
        "awareness",
    ]


def test_conversion_event_types_give_no_note(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    path = tmp_path / "typed.csv"
    path.write_text(
        "customer_id,timestamp,channel,event_type,revenue\n"
        "a,2025-01-01,Email,view,\n"
        "a,2025-01-02,Web,purchase,100\n",
        encoding="utf-8",
    )
    assert main(["validate", str(path)]) == 0
    assert capsys.readouterr().err == (
        "typed.csv: 2 rows read, 2 accepted, 0 rejected, 0 exact duplicates\n"
    )


def test_nothing_marking_conversions_is_said(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    path = tmp_path / "views.csv"
    path.write_text("customer_id,timestamp,channel\na,2025-01-01,Email\n", encoding="utf-8")
    assert main(["validate", str(path)]) == 0
    assert capsys.readouterr().err.splitlines()[-1] == (
        "views.csv: no conversions: no conversion column, no event of type purchase, order "
        "and no revenue column"
    )
