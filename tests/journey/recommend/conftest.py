"""The sample as a DuckDB relation, shared by the model tests of this package."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from journey.query.engine.runner import DuckDBRunner
from journey.recommend.features import FeatureSettings, propose_cart, propose_onboarding
from tests.journey.query.engine.data import register, sample


@pytest.fixture(scope="package")
def sample_runner() -> Iterator[tuple[DuckDBRunner, str, FeatureSettings]]:
    events = sample()
    runner = DuckDBRunner()
    name = register(runner, events)
    touchpoints = events["touchpoint"].dropna().unique()
    carts, cart_types = propose_cart(touchpoints, events["event_type"].dropna().unique())
    settings = FeatureSettings(
        cart_touchpoints=carts,
        cart_event_types=cart_types,
        onboarding_touchpoints=propose_onboarding(touchpoints),
    )
    yield runner, name, settings
    runner.con.close()
