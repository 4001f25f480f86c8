"""journey.query.engine.files: a stored dataset's Parquet files, written once (`warm`)."""

from __future__ import annotations

import pandas as pd
from pandas.testing import assert_frame_equal

from journey.io.store import Workspace
from journey.query.engine import files
from journey.query.engine.attribution import PathSpec
from journey.query.engine.relation import conform_frame
from journey.schema import DatasetSettings
from journey.sentiment import score, stored
from tests.oracle.scope import prepare_events


def _events() -> pd.DataFrame:
    stamps = ["2025-01-01 09:00", "2025-01-02 10:00", "2025-01-01 12:00", "2025-01-03 08:00"]
    return pd.DataFrame(
        {
            "customer_id": ["b", "a", "a", "b"],
            "timestamp": pd.to_datetime(stamps, utc=True),
            "channel": ["Web", "Store", "Email", "Call Center"],
            "touchpoint": ["Home", "Till", "Welcome", "Support call"],
            "event_type": ["view", "purchase", "view", "support_contact"],
            "conversion": [False, True, False, False],
            "revenue": [None, 20.0, None, None],
            "row": [1, 2, 3, 4],
        }
    )


def test_warm_exports_and_prepares_once_beside_the_workspace(tmp_path, monkeypatch):
    monkeypatch.setenv("JOURNEY_WORKSPACE", str(tmp_path / "workspace.duckdb"))
    workspace = Workspace(tmp_path / "workspace.duckdb")
    settings = DatasetSettings(onboarding_days=0)
    workspace.save("Shop", _events(), None, settings, {}, key="shop-v1")
    seen: list[tuple[float, str]] = []
    out = files.warm(workspace, "Shop", progress=lambda f, m: seen.append((f, m)))
    assert out == files.prepared_path(files.dataset_key("shop-v1", settings))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions)
    assert seen[0] == (0.0, "prepared events")
    assert seen[-1] == (1.0, "done")
    assert "next best action" in [m for _, m in seen]
    assert out.parent == tmp_path / "cache"
    assert files.raw_events_path("shop-v1").is_file()
    runner = files.open_engine()
    found = runner.frame(f"SELECT * FROM read_parquet('{out}')")
    assert list(zip(found["customer_id"], found["row"], strict=True)) == [
        ("a", 3),
        ("a", 2),
        ("b", 1),
        ("b", 4),
    ]  # in path order: customer, time, row
    expected = conform_frame(prepare_events(_events(), settings))
    expected = expected.sort_values(["customer_id", "timestamp", "row"], ignore_index=True)
    columns = ["customer_id", "row", "channel", "conversion", "phase"]
    assert_frame_equal(found[columns], expected[columns], check_dtype=False)
    # the map pages' default path table (first level, repeats collapsed) is ready too
    path = files.path_file_path(files.parquet_view(runner, out), "channel", False)
    assert path.is_file()
    nodes = runner.frame(
        f"SELECT c, node, position FROM read_parquet('{path}') ORDER BY c, position"
    )
    assert list(nodes.itertuples(index=False, name=None)) == [
        ("a", "Email", 1),
        ("a", "Store", 2),
        ("b", "Web", 1),
        ("b", "Call Center", 2),
    ]
    # and the Attribution page's default touches (PathSpec(): its default settings' paths)
    touches = files.touches_file_path(files.parquet_view(runner, out), PathSpec())
    kept = runner.frame(f"SELECT c, value, pos FROM read_parquet('{touches}') ORDER BY c, pos")
    assert list(kept.itertuples(index=False, name=None)) == [
        ("a", "Email", 1),
        ("a", "Store", 2),
        ("b", "Web", 1),
        ("b", "Call Center", 2),
    ]
    written = [f.stat().st_mtime_ns for f in (out, path, touches)]
    assert files.warm(workspace, "Shop") == out
    assert [f.stat().st_mtime_ns for f in (out, path, touches)] == written  # not rewritten


def test_dataset_key_changes_with_the_settings():
    one = files.dataset_key("data", DatasetSettings())
    assert one == files.dataset_key("data", DatasetSettings())
    assert one != files.dataset_key("data", DatasetSettings(onboarding_days=3))
    assert one.startswith("data:")


def test_stored_scores_are_exported_once_per_scorer_and_model(tmp_path, monkeypatch):
    monkeypatch.setenv("JOURNEY_WORKSPACE", str(tmp_path / "workspace.duckdb"))
    workspace = Workspace(tmp_path / "workspace.duckdb")
    transcripts = pd.DataFrame({"customer_id": ["a", "b"], "text": ["so bad", "great"]})
    workspace.save("Shop", _events(), transcripts, DatasetSettings(), {}, key="shop-v1")
    scores = stored.to_stored(score.score_transcripts(transcripts))
    workspace.save_scores("Shop", stored.DEFAULT, scores, "")
    out = files.export_scores(workspace, "Shop", "shop-v1", stored.DEFAULT, "")
    assert out == files.scores_path("shop-v1", stored.DEFAULT, "")
    assert out.parent == tmp_path / "cache"
    found = files.open_engine().frame(f"SELECT * FROM read_parquet('{out}')")
    assert list(found.columns) == list(stored.STORED_COLUMNS)
    assert found["position"].tolist() == scores["position"].tolist() == [0, 0, 1, 1]
    assert found["sentiment_label"].tolist() == scores["sentiment_label"].tolist()
    written = out.stat().st_mtime_ns
    assert files.export_scores(workspace, "Shop", "shop-v1", stored.DEFAULT, "") == out
    assert out.stat().st_mtime_ns == written  # reused, not written again
    # none stored for another scorer or model: nothing to export
    assert files.export_scores(workspace, "Shop", "shop-v1", stored.LEXICON, "") is None
    assert files.export_scores(workspace, "Shop", "shop-v1", stored.DEFAULT, "other") is None
    assert not files.scores_path("shop-v1", stored.LEXICON, "").exists()
