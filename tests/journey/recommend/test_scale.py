"""The scale paths give the same numbers as the plain ones: ranges of customers, chunked scoring."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from threadpoolctl import threadpool_limits

from journey.query.engine import features as sqlf
from journey.query.engine.sql import lit
from journey.recommend import actions as nba_actions
from journey.recommend import features as nba_features
from journey.recommend.actions import DEFAULT_ACTIONS, score_actions, with_touch
from journey.recommend.features import build_features
from journey.recommend.model import PropensityModel, _numeric, importance_sample
from journey.recommend.pipeline import (
    Recommender,
    TrainSettings,
    data_span,
    fit_model,
    training_cutoffs,
    training_features,
)
from tests.journey.recommend.test_model import _toy as toy_snapshots

pytestmark = pytest.mark.slow
CUTOFFS = [pd.Timestamp("2025-06-01"), pd.Timestamp("2025-07-01")]


def test_features_by_ranges_of_customers_equal_one_statement(sample_runner, monkeypatch):
    runner, name, settings = sample_runner
    whole = build_features(runner, name, CUTOFFS, settings, horizon=True, active_days=30.0)
    monkeypatch.setattr(nba_features, "CUSTOMERS_PER_QUERY", 700)  # 5,000 customers: 8 ranges
    assert len(nba_features.customer_ranges(runner, name, 700)) == 8
    ranged = build_features(runner, name, CUTOFFS, settings, horizon=True, active_days=30.0)
    assert ranged["customer_id"].tolist() == whole["customer_id"].tolist()
    assert ranged["cutoff"].tolist() == whole["cutoff"].tolist()
    # sums of revenue may add in another order: equal to the last bits
    pd.testing.assert_frame_equal(ranged, whole, check_exact=False, rtol=1e-12)
    assert not runner.frame("SELECT * FROM duckdb_views() WHERE view_name LIKE 'nba_%'").size


def _within_1e12(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.allclose(a, b, rtol=0, atol=1e-12))


@pytest.mark.parametrize("kind", ["gradient_boosting", "logistic"])
def test_chunked_what_if_scores_equal_one_touch_at_a_time(sample_runner, monkeypatch, kind):
    runner, name, settings = sample_runner
    rec = Recommender(features=settings)
    model = fit_model(runner, name, pd.Timestamp("2025-06-15"), rec)
    if kind == "logistic":
        train = build_features(runner, name, CUTOFFS[:1], settings, horizon=True)
        model = PropensityModel("logistic").fit(train, train["converted"])
    features = build_features(runner, name, [pd.Timestamp("2025-07-15")], settings)
    monkeypatch.setattr(nba_actions, "CHUNK_ROWS", 333)  # 4,000+ customers: many chunks
    probability, lift = score_actions(model, features, DEFAULT_ACTIONS)
    base = model.predict_proba(features)[:, 1]
    # trees score each row alone: exact; a matrix product by chunks may round the last bit
    same = np.array_equal if kind == "gradient_boosting" else _within_1e12
    assert same(probability, base)
    # the column-major matrix scores exactly as the fitted scikit-learn pipeline does
    with threadpool_limits(1):
        plain = model.pipeline_.predict_proba(_numeric(features, model.feature_names_in_))
    assert same(base, plain[:, 1])
    for action in DEFAULT_ACTIONS:
        touched = model.predict_proba(with_touch(features, action))[:, 1]
        assert same(lift[action.id].to_numpy(), touched - base), action.id
    assert lift.index.equals(features.index)
    assert (lift["service_follow_up"] == lift["sales_call"]).all()  # same channel, same what-if


def test_training_past_max_rows_learns_from_a_stratified_seeded_sample(sample_runner):
    runner, name, settings = sample_runner
    rec = Recommender(features=settings, train=TrainSettings(max_rows=5000))
    first, _ = data_span(runner, name)
    cutoffs = training_cutoffs(first, pd.Timestamp("2025-08-01"), 30, rec.train)
    full = build_features(runner, name, cutoffs, settings, None, True, rec.train.active_days)
    sample = training_features(runner, name, cutoffs, rec)
    again = training_features(runner, name, cutoffs, rec)
    assert len(full) > 20_000  # the cap bites
    assert 0.8 * 5000 < len(sample) < 1.2 * 5000
    assert sample["customer_id"].tolist() == again["customer_id"].tolist()  # seeded
    # a sampled customer's rows are exactly its rows in the full set
    keys = ["customer_id", "cutoff"]
    inner = sample[keys].merge(full[keys], on=keys)
    assert len(inner) == len(sample)
    assert set(sample["customer_id"]) < set(full["customer_id"])
    uncapped = training_features(runner, name, cutoffs, Recommender(features=settings))
    assert uncapped["customer_id"].tolist() == full["customer_id"].tolist()


def test_the_buyers_sample_keeps_their_share(sample_runner):
    runner, name, _settings = sample_runner
    cut = pd.Timestamp("2025-07-01")
    sql = sqlf.sampled_customers_sql(name, cut, 0.2, seed=0)
    share = (
        "SELECT count(DISTINCT customer_id) AS n, count(DISTINCT CASE WHEN conversion"  # noqa: S608
        f" AND timestamp < {lit(cut)} THEN customer_id END) AS buyers FROM "
    )
    everyone = runner.frame(f"{share} {name}").iloc[0]
    sampled = runner.frame(f"{share} ({sql}) s").iloc[0]
    # ceil(0.2 x stratum) of each stratum, by hand from the strata's sizes
    assert sampled["buyers"] == np.ceil(0.2 * everyone["buyers"])
    non_buyers = everyone["n"] - everyone["buyers"]
    assert sampled["n"] - sampled["buyers"] == np.ceil(0.2 * non_buyers)
    other = sqlf.sampled_customers_sql(name, cut, 0.2, seed=1)
    ids = "SELECT DISTINCT customer_id FROM ({}) s"
    other_seed = runner.frame(ids.format(other))
    this_seed = runner.frame(ids.format(sql))
    assert set(other_seed["customer_id"]) != set(this_seed["customer_id"])


def test_importance_sample_by_hand():
    y = np.array([0] * 90 + [1] * 10)
    picked = importance_sample(y, 20, random_state=0)
    assert (len(picked), int(y[picked].sum())) == (20, 2)  # 18 of the 90, 2 of the 10
    assert np.array_equal(picked, np.sort(picked))
    assert np.array_equal(picked, importance_sample(y, 20, random_state=0))
    assert np.array_equal(importance_sample(y, 500, random_state=0), np.arange(100))


def test_permutation_importance_finds_the_one_signal():
    toy = toy_snapshots(2000)  # conversion depends on recency alone
    model = PropensityModel().fit(toy, toy["converted"])
    mean, std = model.permutation_importance(toy, toy["converted"].to_numpy(), n_repeats=3)
    by_name = dict(zip(model.feature_names_in_, mean, strict=True))
    assert by_name["recency_days"] > 0.3  # shuffling it loses most of a perfect AUC
    assert abs(by_name["touches_7d"]) < 0.02
    assert by_name["current_phase"] == 0.0  # one value: shuffling changes nothing
    assert std.shape == mean.shape
