"""The Next best action page's opening results kept as files: computed once, read the same."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import date

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from journey.errors import SettingsError
from journey.query.engine.runner import DuckDBRunner
from journey.recommend import kept, pipeline
from journey.recommend.model import Evaluation
from journey.recommend.rules import RuleSettings
from journey.schema import DatasetSettings
from tests.journey.query.engine.data import register, sample
from tests.oracle.scope import prepare_events


def _same_run(left: kept.KeptRun, right: kept.KeptRun) -> None:
    assert_frame_equal(left.decisions, right.decisions)
    assert_frame_equal(left.matrix, right.matrix)
    for f in fields(Evaluation):
        a, b = getattr(left.evaluation, f.name), getattr(right.evaluation, f.name)
        if isinstance(a, pd.DataFrame):
            assert_frame_equal(a, b, obj=f.name)
        else:
            assert a == pytest.approx(b, nan_ok=True), f.name


@pytest.fixture(scope="module")
def sample_run() -> tuple[DuckDBRunner, str, pipeline.Recommender, pd.Timestamp]:
    """The sample's first 2,000 customers (enough history to learn from, quicker to train)."""
    runner = DuckDBRunner()
    name = register(runner, sample(customers=2000))
    opening = kept.opening_settings(runner, name, DatasetSettings())
    assert opening is not None
    rec, cutoff = opening
    return runner, name, rec, cutoff


@pytest.fixture(scope="module")
def computed(sample_run) -> kept.KeptRun:
    runner, name, rec, cutoff = sample_run
    return kept.compute(runner, name, rec, cutoff)


def test_opening_settings_are_the_pages_defaults(sample_runner):
    runner, name, _ = sample_runner
    rec, cutoff = kept.opening_settings(runner, name, DatasetSettings(onboarding_days=14))
    last = sample()["timestamp"].max()  # tz-aware UTC; the engine's stamps are naive UTC
    assert cutoff == pd.Timestamp(last.date()) + pd.Timedelta(days=1)
    assert cutoff.hour == 0
    assert rec.rules == RuleSettings(onboarding_days=14)
    assert rec.features.horizon_days == 30
    assert rec.features.cart_event_types == ("add_to_cart",)  # the sample's cart event type


def test_no_events_have_no_opening_settings():
    runner = DuckDBRunner()
    name = register(runner, prepare_events(_hand_events().iloc[0:0], DatasetSettings()))
    assert kept.opening_settings(runner, name, DatasetSettings()) is None


def _hand_events() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ["a", "a", "b"],
            "timestamp": pd.to_datetime(
                ["2025-03-01 10:00", "2025-03-02 23:59", "2025-03-04 08:00"], utc=True
            ),
            "channel": ["Web", "Email", "Web"],
            "touchpoint": ["Home", "Welcome", "Add to cart"],
            "event_type": ["view", "open", "add_to_cart"],
            "conversion": [False, True, False],
            "revenue": [None, 10.0, None],
        }
    )


def test_opening_cut_off_is_the_day_after_the_last_event_by_hand():
    runner = DuckDBRunner()
    name = register(runner, prepare_events(_hand_events(), DatasetSettings()))
    rec, cutoff = kept.opening_settings(runner, name, DatasetSettings())
    assert cutoff == pd.Timestamp("2025-03-05")  # last event 2025-03-04 08:00 UTC
    assert rec.features.cart_touchpoints == ("Add to cart",)
    assert rec.features.onboarding_touchpoints == ("Welcome",)


def test_run_key_names_every_input():
    rec = pipeline.Recommender()
    at = pd.Timestamp("2025-06-01")
    base = kept.run_key("file_a", None, rec, at)
    assert kept.run_key("file_a", None, rec, pd.Timestamp(date(2025, 6, 1))) == base
    others = {
        kept.run_key("file_b", None, rec, at),
        kept.run_key("file_a", "file_contacts", rec, at),
        kept.run_key("file_a", None, rec, at + pd.Timedelta(days=1)),
        kept.run_key("file_a", None, replace(rec, rules=RuleSettings(win_back_days=61)), at),
    }
    assert base not in others
    assert len(others) == 4


def test_compute_is_the_pages_three_steps(sample_run, computed):
    runner, name, rec, cutoff = sample_run
    nba = pipeline.recommend(runner, name, cutoff, rec)
    assert_frame_equal(computed.decisions, nba.decisions)
    expected_matrix = pipeline.value_propensity(nba.features, nba.probability)
    assert_frame_equal(computed.matrix, expected_matrix)
    assert computed.matrix["customers"].sum() == len(computed.decisions) == 2000
    expected = pipeline.evaluate(runner, name, rec)
    _same_run(computed, kept.KeptRun(nba.decisions, expected_matrix, expected))


def test_a_kept_run_is_computed_once_then_read_back_equal(
    sample_run, computed, tmp_path, monkeypatch
):
    runner, name, rec, cutoff = sample_run
    calls = []

    def once(*args: object, **kwargs: object) -> kept.KeptRun:
        calls.append(args)
        return computed

    monkeypatch.setattr(kept, "compute", once)
    folder = tmp_path / "nba-run"
    first = kept.kept_run(runner, name, rec, cutoff, None, folder)
    assert calls == [(runner, name, rec, cutoff, None)]
    assert sorted(p.name for p in folder.iterdir()) == [
        "calibration.parquet",
        "decisions.parquet",
        "evaluation.json",
        "importance.parquet",
        "matrix.parquet",
    ]
    again = kept.kept_run(runner, name, rec, cutoff, None, folder)
    assert len(calls) == 1  # read back, not computed again
    _same_run(again, first)
    assert again.decisions["customer_id"].dtype == first.decisions["customer_id"].dtype


def _small_run() -> kept.KeptRun:
    decisions = pd.DataFrame(
        {
            "customer_id": pd.array(["c1", "c2"], dtype="str"),
            "action": pd.array(["email", "none"], dtype="str"),
            "score": [0.25, np.nan],
            "rule_index": np.array([6, 0], dtype="int64"),
        }
    )
    matrix = pd.DataFrame({"value": ["high value"], "customers": np.array([2], dtype="int64")})
    evaluation = Evaluation(
        auc=0.75,
        baseline_auc=0.5,
        top_decile_precision=1.0,
        baseline_top_decile_precision=0.0,
        base_rate=0.5,
        n_train=10,
        n_test=2,
        calibration=pd.DataFrame({"model": ["model"], "predicted": [0.5], "observed": [0.5]}),
        importance=pd.DataFrame({"feature": ["recency_days"], "importance": [0.1], "std": [0.0]}),
    )
    return kept.KeptRun(decisions, matrix, evaluation)


def test_write_and_read_round_trip_by_hand(tmp_path):
    folder = kept.write_run(_small_run(), tmp_path / "nba-x")
    _same_run(kept.read_run(folder), _small_run())
    assert not list(tmp_path.glob("*.partial"))  # written whole, then renamed


def test_a_folder_written_first_by_another_process_stands(tmp_path):
    folder = kept.write_run(_small_run(), tmp_path / "nba-x")
    other = replace(_small_run(), matrix=_small_run().matrix.assign(customers=7))
    kept.write_run(other, folder)
    assert kept.read_run(folder).matrix["customers"].tolist() == [2]
    assert not list(tmp_path.glob("*.partial"))


def test_an_incomplete_folder_is_no_run_and_a_broken_one_says_where(tmp_path):
    folder = kept.write_run(_small_run(), tmp_path / "nba-x")
    assert kept.is_kept(folder)
    (folder / "evaluation.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(SettingsError, match="nba-x"):
        kept.read_run(folder)
    (folder / "matrix.parquet").unlink()
    assert not kept.is_kept(folder)
    assert kept.read_run(folder) is None
    assert kept.read_run(tmp_path / "missing") is None
