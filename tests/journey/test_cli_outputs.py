"""What every analysis command owes its output: safe CSV cells, and nothing from no rows."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from journey.cli import main

ALL_REJECTED = """customer_id,timestamp,channel,event_type,revenue
a,not a date,Email,view,
b,2025-13-45,Web,purchase,30
"""
# The arguments each analysis command needs besides its input file; OUT becomes a path.
ANALYSES: dict[str, list[str]] = {
    "phases": ["--out", "OUT/phases.csv"],
    "flows": ["--out", "OUT"],
    "funnel": ["--stages", "Email,Web", "--by", "channel", "--out", "OUT/funnel.csv"],
    "attribution": ["--out", "OUT/attribution.csv"],
    "metrics": ["--out", "OUT/metrics.csv"],
    "report": ["--out", "OUT/report.html"],
    "load": ["--name", "rejected"],
}


@pytest.mark.parametrize("name", sorted(ANALYSES))
def test_every_row_rejected_is_bad_input(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
):
    monkeypatch.setenv("JOURNEY_WORKSPACE", str(tmp_path / "workspace.duckdb"))
    path = tmp_path / "events.csv"
    path.write_text(ALL_REJECTED, encoding="utf-8")
    out = tmp_path / "out"
    extra = [arg.replace("OUT", str(out)) for arg in ANALYSES[name]]
    assert main([name, str(path), *extra]) == 2
    last = capsys.readouterr().err.splitlines()[-1]
    assert last.startswith(
        "error: events.csv: every row was rejected (2 of 2), nothing to analyse; "
        "first: row 1, column 'timestamp': not a date: 'not a date'"
    )
    assert not out.exists()
    assert not (tmp_path / "workspace.duckdb").exists()


def test_sentiment_with_every_transcript_rejected_is_bad_input(tmp_path: Path, capsys):
    path = tmp_path / "calls.csv"
    path.write_text("customer_id,timestamp,channel,text\na,never,Chat,Hello\n", encoding="utf-8")
    out = tmp_path / "scored.csv"
    assert main(["sentiment", str(path), "--out", str(out)]) == 2
    assert "calls.csv: every row was rejected (1 of 1)" in capsys.readouterr().err
    assert not out.exists()


def test_validate_still_reports_a_file_with_every_row_rejected(tmp_path: Path, capsys):
    path = tmp_path / "events.csv"
    path.write_text(ALL_REJECTED, encoding="utf-8")
    assert main(["validate", str(path)]) == 0
    assert capsys.readouterr().out == (
        "events.csv: 2 rows read, 0 accepted, 2 rejected, 0 exact duplicates\n"
    )


def test_out_csv_cells_cannot_run_as_spreadsheet_formulas(tmp_path: Path):
    path = tmp_path / "events.csv"
    path.write_text(
        "customer_id,timestamp,channel,revenue\n"
        'a,2025-01-01,=HYPERLINK("http://x"),\n'
        "a,2025-01-02,@SUM(A1),7\n"
        "b,2025-01-03,+Web,12.5\n",
        encoding="utf-8",
    )
    out = tmp_path / "phases.csv"
    assert main(["phases", str(path), "--out", str(out)]) == 0
    written = pd.read_csv(out, dtype={"channel": str})
    assert list(written["channel"]) == ['\'=HYPERLINK("http://x")', "'@SUM(A1)", "'+Web"]
    assert written["revenue"].tolist()[1:] == [7.0, 12.5]  # numbers stay numbers
    flows = tmp_path / "flows"
    assert main(["flows", str(path), "--out", str(flows)]) == 0
    transitions = pd.read_csv(flows / "transitions.csv")
    assert transitions["source"].tolist() == ['\'=HYPERLINK("http://x")']
    assert transitions["target"].tolist() == ["'@SUM(A1)"]
