"""The scale paths give the same numbers as the plain ones: ranges of customers, chunked scoring."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from journey.recommend import actions as nba_actions
from journey.recommend import features as nba_features
from journey.recommend.actions import DEFAULT_ACTIONS, score_actions, with_touch
from journey.recommend.features import build_features
from journey.recommend.model import PropensityModel
from journey.recommend.pipeline import Recommender, fit_model

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
    for action in DEFAULT_ACTIONS:
        touched = model.predict_proba(with_touch(features, action))[:, 1]
        assert same(lift[action.id].to_numpy(), touched - base), action.id
    assert lift.index.equals(features.index)
    assert (lift["service_follow_up"] == lift["sales_call"]).all()  # same channel, same what-if
