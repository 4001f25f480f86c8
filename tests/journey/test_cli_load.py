"""`python -m journey load EVENTS [--transcripts T] --name NAME`: a dataset in the workspace."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from journey.cli import main
from journey.io.store import Workspace
from journey.query.engine import files as app_files
from journey.sentiment import stored as stored_scores

EVENTS = """customer_id,timestamp,channel,event_type,revenue
a,2025-01-01,Email,view,
a,2025-01-02,Web,purchase,30
b,2025-01-03,Social,view,
c,not a date,Web,view,
"""
# the transcripts say "client" for customer_id: mapped with --transcripts-map
TRANSCRIPTS = """client,timestamp,channel,text
a,2025-01-03,Chat,Thanks for the quick help
b,2025-01-04,Call Center,Still waiting for my refund
"""


@pytest.fixture
def workspace_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "ws" / "workspace.duckdb"
    monkeypatch.setenv("JOURNEY_WORKSPACE", str(path))
    return path


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    events, transcripts = tmp_path / "events.csv", tmp_path / "calls.csv"
    events.write_text(EVENTS, encoding="utf-8")
    transcripts.write_text(TRANSCRIPTS, encoding="utf-8")
    return events, transcripts


def test_load_stores_accepted_rows_mapping_settings_and_summaries(
    workspace_path: Path, files: tuple[Path, Path], capsys
):
    events, transcripts = files
    argv = ["load", str(events), "--transcripts", str(transcripts), "--name", "Q1 data"]
    code = main([*argv, "--transcripts-map", "client=customer_id", "--onboarding-days", "14"])
    assert code == 0
    printed = capsys.readouterr()
    assert printed.out.splitlines() == [
        "events.csv: 4 rows read, 3 accepted, 1 rejected, 0 exact duplicates",
        "calls.csv: 2 rows read, 2 accepted, 0 rejected, 0 exact duplicates",
    ]
    assert f"stored 'Q1 data' in {workspace_path}: 3 events, 2 customers" in printed.err
    stored = Workspace(workspace_path).load("Q1 data")
    assert list(stored.events["customer_id"]) == ["a", "a", "b"]
    assert list(stored.transcripts["customer_id"]) == ["a", "b"]
    assert stored.mapping["transcripts"]["customer_id"] == "client"
    assert stored.settings.onboarding_days == 14
    assert stored.meta == {
        "events": "events.csv: 4 rows read, 3 accepted, 1 rejected, 0 exact duplicates",
        "transcripts": "calls.csv: 2 rows read, 2 accepted, 0 rejected, 0 exact duplicates",
    }
    assert stored.info.n_customers == 2
    assert "sentiment: scored 2 transcript rows and stored the scores" in printed.err
    scores = Workspace(workspace_path).scores("Q1 data", "default")
    assert scores is not None
    rows = scores[scores["turn"] == -1].sort_values("position")
    labels = rows["sentiment_label"].tolist()
    assert labels == ["positive", "negative"]  # thanks vs still waiting for a refund
    # the app's files are ready: JOURNEY_DATASET opens them without preparing anything
    key = app_files.dataset_key(stored.info.key, stored.settings)
    assert app_files.prepared_path(key).parent == workspace_path.parent / "cache"
    assert app_files.prepared_path(key).is_file()
    # with the Sentiment page's default scores, as the workspace stores them
    assert app_files.DEFAULT_SCORER == stored_scores.DEFAULT
    exported = app_files.scores_path(stored.info.key, stored_scores.DEFAULT, "")
    assert exported.is_file()
    pd.testing.assert_frame_equal(
        pd.read_parquet(exported).sort_values(["position", "turn"], ignore_index=True)[
            ["position", "turn", "sentiment_label"]
        ],
        scores.sort_values(["position", "turn"], ignore_index=True)[
            ["position", "turn", "sentiment_label"]
        ],
        check_dtype=False,
    )


def test_load_without_sentiment_stores_no_scores(
    workspace_path: Path, files: tuple[Path, Path], capsys
):
    events, transcripts = files
    argv = ["load", str(events), "--transcripts", str(transcripts), "--name", "fast"]
    assert main([*argv, "--transcripts-map", "client=customer_id", "--no-sentiment"]) == 0
    assert "sentiment: scored" not in capsys.readouterr().err
    assert Workspace(workspace_path).scores("fast", "default") is None
    key = Workspace(workspace_path).list_datasets()[0].key
    assert not app_files.scores_path(key, "default", "").exists()  # nothing to export


def test_a_taken_name_needs_overwrite(workspace_path: Path, files: tuple[Path, Path], capsys):
    events, _ = files
    assert main(["load", str(events), "--name", "Q1"]) == 0
    key = Workspace(workspace_path).list_datasets()[0].key
    capsys.readouterr()
    assert main(["load", str(events), "--name", "Q1"]) == 2
    err = capsys.readouterr().err
    assert "a dataset of that name is already in the workspace" in err
    assert "--overwrite" in err
    assert "rows read" not in err  # refused before reading
    events.write_text(EVENTS.replace("Social", "TV"), encoding="utf-8")
    assert main(["load", str(events), "--name", "Q1", "--overwrite"]) == 0
    [info] = Workspace(workspace_path).list_datasets()
    assert info.key != key  # other bytes, another fingerprint
    assert list(Workspace(workspace_path).load("Q1").events["channel"]) == ["Email", "Web", "TV"]


def test_bad_input_stores_nothing(workspace_path: Path, tmp_path: Path, capsys):
    path = tmp_path / "no_channel.csv"
    path.write_text("customer_id,timestamp\na,2025-01-01\n", encoding="utf-8")
    assert main(["load", str(path), "--name", "broken"]) == 2
    assert "channel" in capsys.readouterr().err
    assert not workspace_path.exists()


def test_strict_refuses_rejected_rows(workspace_path: Path, files: tuple[Path, Path], capsys):
    events, _ = files
    assert main(["load", str(events), "--name", "strict", "--strict"]) == 2
    assert "1 rejected rows (--strict); first: row 4, column 'timestamp'" in capsys.readouterr().err
    assert not workspace_path.exists()


def test_csv_events_and_transcripts_never_go_through_the_pandas_reader(
    workspace_path: Path, files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, capsys
):
    from journey.io import load

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the pandas path read a file DuckDB reads exactly")

    monkeypatch.setattr(load, "load_file", refuse)
    events, transcripts = files
    transcripts.write_text(TRANSCRIPTS + ",2025-01-05,Chat,no client\n", encoding="utf-8")
    argv = ["load", str(events), "--transcripts", str(transcripts), "--name", "streamed"]
    assert main([*argv, "--transcripts-map", "client=customer_id", "--no-sentiment"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == (
        "calls.csv: 3 rows read, 2 accepted, 1 rejected, 0 exact duplicates"
    )
    stored = Workspace(workspace_path).load("streamed")
    assert list(stored.transcripts["text"]) == [
        "Thanks for the quick help",
        "Still waiting for my refund",
    ]
