"""The propensity model on the sample: it beats recency, and it finds the planted effect."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError

from journey.errors import SettingsError
from journey.recommend.actions import DEFAULT_ACTIONS, expected_lift, recency_baseline
from journey.recommend.features import build_features, day_grid
from journey.recommend.model import PropensityModel, top_decile_precision
from journey.recommend.pipeline import Recommender, evaluate, fit_model

pytestmark = pytest.mark.slow


def test_time_split_beats_the_recency_baseline(sample_runner):
    runner, name, settings = sample_runner
    result = evaluate(runner, name, Recommender(features=settings))
    assert result.auc > result.baseline_auc + 0.03
    assert result.top_decile_precision > result.baseline_top_decile_precision
    assert result.auc > 0.75
    assert set(result.calibration["model"]) == {"model", "recency baseline"}
    assert result.importance["importance"].is_monotonic_decreasing
    assert result.n_train > result.n_test > 1000


def test_the_model_ranks_the_planted_email_first_for_open_carts(sample_runner):
    # sample: a cart reminder email within 24 h recovers 60% of abandoned carts; push: nothing
    runner, name, settings = sample_runner
    rec = Recommender(features=settings)
    model = fit_model(runner, name, pd.Timestamp("2025-05-15"), rec)
    days = day_grid(pd.Timestamp("2025-05-16"), pd.Timestamp("2025-07-31"), 1)
    snapshots = build_features(runner, name, days, settings, active_days=2.0)
    carts = snapshots[snapshots["open_cart"] & (snapshots["hours_since_cart"] <= 48)]
    promotions = [a for a in DEFAULT_ACTIONS if a.promotion]
    lift = expected_lift(model, carts.reset_index(drop=True), promotions)
    model_email = (lift.to_numpy().argmax(axis=1) == 0).mean()
    baseline_email = (recency_baseline(carts, promotions) == 0).mean()
    assert len(carts) > 500
    assert model_email > baseline_email + 0.15
    assert lift["email"].mean() > lift["push"].mean()


def _toy(n: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    recency = rng.uniform(0, 60, n)
    return pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(n)],
            "cutoff": pd.Timestamp("2024-01-01"),
            "recency_days": recency,
            "touches_7d": rng.integers(0, 5, n),
            "last_channel": rng.choice(["Web", "Email"], n),
            "current_phase": "awareness",
            "converted": (recency < 20).astype(int),
        }
    )


@pytest.mark.parametrize("kind", ["gradient_boosting", "logistic"])
def test_both_kinds_learn_a_plain_signal(kind):
    toy = _toy()
    model = PropensityModel(kind=kind).fit(toy, toy["converted"])
    p = model.predict_proba(toy)[:, 1]
    assert p[toy["converted"] == 1].mean() > p[toy["converted"] == 0].mean() + 0.3
    assert model.feature_names_in_ == [
        "recency_days", "touches_7d", "last_channel", "current_phase"
    ]  # fmt: skip


def test_an_unfitted_model_says_so():
    with pytest.raises(NotFittedError):
        PropensityModel().predict_proba(_toy())


def test_one_outcome_only_is_bad_input():
    toy = _toy().assign(converted=0)
    with pytest.raises(SettingsError, match="converted and customers who did not"):
        PropensityModel().fit(toy, toy["converted"])
    with pytest.raises(SettingsError, match="unknown model kind"):
        PropensityModel(kind="forest").fit(_toy(), _toy()["converted"])


def test_top_decile_precision_by_hand():
    y = np.array([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1])
    score = np.arange(20.0)  # the top 2 (ceil of 20 / 10) are positions 19 and 18
    assert top_decile_precision(y, score) == 0.5
