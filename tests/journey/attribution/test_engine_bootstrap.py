"""Bootstrap intervals on the engine equal `uncertainty.bootstrap_shares` on the same events."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journey.attribution.engine import engine_bootstrap_shares, path_spec
from journey.attribution.models import MODELS, AttributionSettings
from journey.attribution.uncertainty import bootstrap_shares
from journey.errors import SettingsError
from journey.query.engine.attribution import (
    customer_credits,
    customer_ranks,
    customer_transitions,
    touches,
)
from journey.query.engine.runner import DuckDBRunner
from tests.journey.attribution.examples import EXAMPLE, make_events
from tests.journey.query.engine.conftest import duck, spark  # noqa: F401  (engine fixtures)
from tests.journey.query.engine.data import random_events, register, same, sample

EVERY = AttributionSettings(models=MODELS)


def check(runner, name: str, events: pd.DataFrame, settings: AttributionSettings, **kw) -> None:
    """The engine's intervals equal pandas' (same rows, order, dtypes; floats to 1e-9)."""
    ours = engine_bootstrap_shares(runner, name, settings, **kw)
    same(ours, bootstrap_shares(events, settings, **kw), rtol=1e-9, atol=1e-12)


def test_example_equals_pandas(duck):  # noqa: F811
    events = make_events(EXAMPLE)
    name = register(duck, events)
    check(duck, name, events, EVERY, n_resamples=40)
    check(duck, name, events, EVERY, n_resamples=7, confidence=0.5, random_state=3)


def test_example_credit_rows_by_hand(duck):  # noqa: F811
    events = make_events(EXAMPLE)
    name = register(duck, events)
    spec = AttributionSettings()
    with touches(duck, name, path_spec(spec)) as kept, customer_ranks(duck, name) as ranks:
        table, n = ranks
        assert n == 5  # a b c d e, c has no converting path but is drawn all the same
        credits = customer_credits(duck, kept, table, ("first", "linear", "shapley"))
        chain = customer_transitions(duck, kept, table, 1)
    # labels Direct 0, Display 1, Email 2, Social 3, Web 4; ranks a 0 .. e 4
    rows = {
        (int(c), int(k)): (float(f), float(li), float(s))
        for c, k, f, li, s in zip(
            credits.customer,
            credits.code,
            credits.credit["first"],
            credits.credit["linear"],
            credits.credit["shapley"],
            strict=True,
        )
    }
    assert rows == {
        (0, 2): (1.0, 0.25, 0.25), (0, 1): (0.0, 0.25, 0.25), (0, 0): (0.0, 0.25, 0.25),
        (0, 4): (0.0, 0.25, 0.25),
        (1, 1): (1.0, 1.0, 1.0),  # b: Display > Display, its second path never converts
        (3, 3): (1.0, 0.5, 0.5), (3, 0): (0.0, 0.5, 0.5),
        (4, 0): (1.0, 1.0, 1.0),
    }  # fmt: skip
    # customer b: (start) > Display (collapsed) > conversion, then (start) > Email > null
    b = chain.customer == 1
    got = sorted(zip(chain.source[b], chain.target[b], chain.count[b], strict=True))
    assert got == [(0, 2, 1.0), (0, 3, 1.0), (2, -1, 1.0), (3, -2, 1.0)]
    assert (chain.count != 0).all()


@pytest.mark.parametrize(
    "change",
    [
        {},
        {"window_days": 0},
        {"window_days": 14, "exclude_channels": ("Email",)},
        {"exclude_event_types": ("view",), "markov_order": 2},
        {"markov_order": 3, "half_life_days": 2.0, "position_weights": (0.3, 0.4, 0.3)},
        {"models": ("markov",)},
        {"models": ("shapley", "first")},
    ],
)
def test_sample_equals_pandas(duck, change):  # noqa: F811
    events = sample(customers=60)
    name = register(duck, events)
    check(duck, name, events, dataclasses.replace(EVERY, **change), n_resamples=30)


def test_chunked_resamples_and_progress_as_pandas(duck, monkeypatch):  # noqa: F811
    monkeypatch.setattr("journey.attribution.uncertainty._BOOTSTRAP_CELLS", 100)
    events = sample(customers=40)
    name = register(duck, events)
    seen: list[float] = []
    ours = engine_bootstrap_shares(
        duck, name, EVERY, n_resamples=12, progress=lambda f, _m: seen.append(f)
    )
    same(ours, bootstrap_shares(events, EVERY, n_resamples=12), rtol=1e-9, atol=1e-12)
    assert len(seen) == 6  # 40 customers: 2 resamples per chunk
    assert seen[-1] == 1.0


def test_no_paths_and_errors_as_pandas(duck):  # noqa: F811
    events = make_events(EXAMPLE)
    name = register(duck, events)
    empty = dataclasses.replace(EVERY, exclude_channels=tuple(np.unique(events["channel"])))
    # every touch excluded: the conversions keep a (none) touch, the rest is dropped
    check(duck, name, events, empty, n_resamples=5)
    with pytest.raises(SettingsError, match="at least 2 resamples"):
        engine_bootstrap_shares(duck, name, EVERY, n_resamples=1)
    with pytest.raises(SettingsError, match="confidence"):
        engine_bootstrap_shares(duck, name, EVERY, confidence=1.0)
    with pytest.raises(SettingsError, match="unknown attribution model"):
        engine_bootstrap_shares(duck, name, AttributionSettings(models=("u_shape",)))
    with pytest.raises(SettingsError, match="Markov order"):
        engine_bootstrap_shares(duck, name, dataclasses.replace(EVERY, markov_order=4))


def test_empty_events_as_pandas(duck):  # noqa: F811
    events = make_events(EXAMPLE).iloc[:0]
    name = register(duck, events)
    check(duck, name, events, EVERY, n_resamples=5)


@settings(max_examples=40, deadline=None)
@given(
    random_events(),
    st.sampled_from([0, 1, 30]),
    st.booleans(),
    st.sampled_from([1, 2]),
    st.integers(0, 3),
)
def test_random_events_equal_pandas(events, window, exclude, order, seed):
    runner = DuckDBRunner()
    name = register(runner, events)
    chosen = dataclasses.replace(
        EVERY,
        window_days=window,
        exclude_channels=("Direct",) if exclude else (),
        exclude_event_types=("view",) if exclude else (),
        markov_order=order,
    )
    check(runner, name, events, chosen, n_resamples=9, random_state=seed)
    runner.con.close()


@pytest.mark.spark
def test_spark_equals_pandas(spark):  # noqa: F811
    events = sample(customers=15)
    name = register(spark, events, "bootstrap_ev")
    check(spark, name, events, dataclasses.replace(EVERY, window_days=10), n_resamples=10)
