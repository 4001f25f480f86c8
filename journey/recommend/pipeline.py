"""Next best action end to end: train at earlier cut-offs, score now, rank actions, apply rules.

Only what was known at a cut-off feeds its features, and a model used at cut-off T is trained
on snapshots whose horizon ended by T, so no decision ever reads the future.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from journey.errors import SettingsError
from journey.query.engine import features as sqlf
from journey.query.engine.common import temp_name
from journey.query.engine.features import time_span
from journey.query.engine.runner import Runner
from journey.recommend.actions import DEFAULT_ACTIONS, Action, score_actions
from journey.recommend.features import (
    FeatureSettings,
    build_features,
    day_grid,
    propose_cart,
    propose_onboarding,
)
from journey.recommend.model import Evaluation, PropensityModel, evaluate_time_split
from journey.recommend.rules import RuleSettings, decide
from journey.schema import DatasetSettings


@dataclass(frozen=True)
class TrainSettings:
    """How the model is trained: snapshot spacing, how far back, which customers, which kind."""

    step_days: int = 6
    periods: int = 15  # snapshots per training set (90 days)
    active_days: float = 30.0  # a training snapshot holds customers active in these days
    kind: str = "gradient_boosting"
    random_state: int = 0
    # past max_rows training snapshots, the model learns from a seeded sample of customers
    # (stratified: buyers and non-buyers apart) holding about max_rows of them
    max_rows: int = 100_000
    importance_rows: int = 5_000  # held-out rows permutation importance shuffles, at most

    def __post_init__(self) -> None:
        if self.step_days < 1 or self.periods < 1:
            raise SettingsError("training needs at least one snapshot, one day apart")
        if self.max_rows < 1000 or self.importance_rows < 100:
            raise SettingsError("train on 1,000 rows or more and judge on 100 rows or more")


@dataclass(frozen=True)
class NextBestActions:
    """Decisions at a cut-off, with what they were built from."""

    cutoff: pd.Timestamp
    decisions: pd.DataFrame  # customer_id, action, channel, rule, reason, score (+ working)
    features: pd.DataFrame
    probability: np.ndarray
    lift: pd.DataFrame
    model: PropensityModel


@dataclass(frozen=True)
class Recommender:
    """Everything a next-best-action run needs besides the data."""

    features: FeatureSettings = field(default_factory=FeatureSettings)
    rules: RuleSettings = field(default_factory=RuleSettings)
    train: TrainSettings = field(default_factory=TrainSettings)
    actions: tuple[Action, ...] = DEFAULT_ACTIONS


def data_span(runner: Runner, events: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last timestamp of the relation; bad input when it has none."""
    first, last = time_span(runner, events)
    if first is None or last is None:
        raise SettingsError("no events to recommend from")
    return first, last


def training_cutoffs(
    first: pd.Timestamp, known_until: pd.Timestamp, horizon_days: int, train: TrainSettings
) -> list[pd.Timestamp]:
    """Cut-offs whose horizon ends by `known_until`, newest `periods` of them, oldest first."""
    last = pd.Timestamp(known_until) - pd.Timedelta(days=horizon_days)
    grid = day_grid(pd.Timestamp(first) + pd.Timedelta(days=7), last, train.step_days)
    if not grid or grid[-1] <= pd.Timestamp(first):
        raise SettingsError(
            f"too little history before {known_until.date()} to learn from: the model needs"
            f" {horizon_days} days of outcomes after at least a week of data"
        )
    return grid[-train.periods :]


def fit_model(
    runner: Runner,
    events: str,
    known_until: pd.Timestamp,
    rec: Recommender,
    contacts: str | None = None,
) -> PropensityModel:
    """Train the propensity model on snapshots whose outcomes were known by `known_until`."""
    first, _last = data_span(runner, events)
    cutoffs = training_cutoffs(first, known_until, rec.features.horizon_days, rec.train)
    train = training_features(runner, events, cutoffs, rec, contacts)
    model = PropensityModel(rec.train.kind, rec.train.random_state)
    return model.fit(train, train["converted"])


def training_features(
    runner: Runner,
    events: str,
    cutoffs: Sequence[pd.Timestamp],
    rec: Recommender,
    contacts: str | None = None,
) -> pd.DataFrame:
    """Training snapshots with their target, from a sample of customers past `max_rows`.

    The sample is seeded (`random_state`) and stratified by whether a customer bought before
    the last cut-off; it holds about `max_rows` snapshots. Features are computed for the
    sampled customers only, so training time stays flat however large the data grows.
    """
    train = rec.train
    snapshots = sqlf.snapshots_at(events, cutoffs, train.active_days)
    n = int(runner.scalar(sqlf.snapshot_count_sql(snapshots)) or 0)
    if n <= train.max_rows:
        return build_features(
            runner, events, cutoffs, rec.features, contacts, True, train.active_days
        )
    view = temp_name("nba_train")
    runner.view(
        view,
        sqlf.sampled_customers_sql(events, max(cutoffs), train.max_rows / n, train.random_state),
    )
    try:
        return build_features(
            runner, view, cutoffs, rec.features, contacts, True, train.active_days
        )
    finally:
        runner.drop(view)


def recommend(
    runner: Runner,
    events: str,
    cutoff: pd.Timestamp | None = None,
    rec: Recommender | None = None,
    contacts: str | None = None,
    model: PropensityModel | None = None,
) -> NextBestActions:
    """One decision per customer with a touch before `cutoff` (default: the day after the data)."""
    rec = rec or Recommender()
    _first, last = data_span(runner, events)
    cutoff = pd.Timestamp(cutoff) if cutoff is not None else last.normalize() + pd.Timedelta(days=1)
    if cutoff.tzinfo is not None:
        cutoff = cutoff.tz_convert("UTC").tz_localize(None)
    model = model or fit_model(runner, events, cutoff, rec, contacts)
    feats = build_features(runner, events, [cutoff], rec.features, contacts)
    if feats.empty:
        raise SettingsError(f"no customer has a touch before {cutoff.date()}")
    probability, lift = score_actions(model, feats, rec.actions)
    decisions = decide(feats, probability, lift, rec.actions, rec.rules)
    return NextBestActions(cutoff, decisions, feats, probability, lift, model)


def evaluate(
    runner: Runner,
    events: str,
    rec: Recommender | None = None,
    contacts: str | None = None,
    score_at: pd.Timestamp | None = None,
) -> Evaluation:
    """Time split: train on cut-offs whose outcomes end by `score_at`, score at `score_at`.

    `score_at` defaults to the last cut-off whose horizon the data still covers.
    """
    rec = rec or Recommender()
    first, last = data_span(runner, events)
    horizon = rec.features.horizon_days
    score_at = pd.Timestamp(score_at or (last.normalize() - pd.Timedelta(days=horizon)))
    cutoffs = training_cutoffs(first, score_at, horizon, rec.train)
    train = training_features(runner, events, cutoffs, rec, contacts)
    test = build_features(
        runner, events, [score_at], rec.features, contacts, True, rec.train.active_days
    )
    model = PropensityModel(rec.train.kind, rec.train.random_state)
    return evaluate_time_split(model, train, test, importance_rows=rec.train.importance_rows)


def value_propensity(features: pd.DataFrame, probability: np.ndarray) -> pd.DataFrame:
    """Value x propensity matrix: customers per (value band, propensity band), high/low by median.

    Columns value, propensity, customers, journey; value = monetary value so far (high when
    above the median of customers who spent), propensity = P(convert) (high in the top 20%).
    """
    monetary = pd.to_numeric(features["monetary"], errors="coerce").fillna(0.0).to_numpy()
    spent = monetary[monetary > 0]
    value_cut = float(np.median(spent)) if spent.size else 0.0
    prop_cut = float(np.quantile(probability, 0.8)) if len(probability) else 0.0
    value = np.where(monetary > value_cut, "high value", "low value")
    propensity = np.where(probability > prop_cut, "high propensity", "low propensity")
    cells = pd.MultiIndex.from_product(
        [["high value", "low value"], ["high propensity", "low propensity"]],
        names=["value", "propensity"],
    )
    counts = pd.DataFrame({"value": value, "propensity": propensity}).value_counts()
    out = counts.reindex(cells, fill_value=0).rename("customers").reset_index()
    journeys = {
        ("high value", "high propensity"): "VIP journey: personal offer, early access",
        ("high value", "low propensity"): "retain: service and loyalty",
        ("low value", "high propensity"): "convert: the next best action now",
        ("low value", "low propensity"): "nurture: low-cost reminders",
    }
    out["journey"] = [
        journeys[(v, p)] for v, p in zip(out["value"], out["propensity"], strict=True)
    ]
    return out.astype({"customers": "int64"})


def decision_mix(decisions: pd.DataFrame) -> pd.DataFrame:
    """Customers per rule and action: columns rule, action, channel, customers; rule order."""
    mix = decisions.groupby(["rule_index", "rule", "action", "channel"], as_index=False).size()
    mix = mix.rename(columns={"size": "customers"})
    mix = mix.sort_values(["rule_index", "customers", "action"], ascending=[True, False, True])
    return mix.drop(columns="rule_index").reset_index(drop=True)


def filter_decisions(
    decisions: pd.DataFrame, query: str = "", actions: Sequence[str] = ()
) -> pd.DataFrame:
    """Decisions whose customer id holds `query` (any case) and, if given, action in `actions`."""
    keep = pd.Series(True, index=decisions.index)
    if query.strip():
        ids = decisions["customer_id"].astype("str")
        keep &= ids.str.contains(query.strip(), case=False, regex=False).fillna(False)
    if len(actions):
        keep &= decisions["action"].isin(list(actions))
    return decisions[keep]


def recommender_for(
    settings: DatasetSettings,
    touchpoints: Sequence[str],
    event_types: Sequence[str],
    horizon_days: int = 30,
) -> Recommender:
    """Default recommender for a dataset: its cart setting (or the proposal) and onboarding."""
    carts, cart_types = propose_cart(touchpoints, event_types)
    features = FeatureSettings(
        cart_touchpoints=carts if settings.cart_touchpoints is None else settings.cart_touchpoints,
        cart_event_types=cart_types
        if settings.cart_event_types is None
        else settings.cart_event_types,
        onboarding_touchpoints=propose_onboarding(touchpoints),
        horizon_days=horizon_days,
    )
    return Recommender(
        features=features, rules=RuleSettings(onboarding_days=settings.onboarding_days)
    )
