"""One customer: profile and timeline."""

from __future__ import annotations

import pandas as pd
import pytest

from journey.errors import SettingsError
from journey.schema import CHANNEL, TOUCHPOINT
from tests.journey.query.examples import EVENTS
from tests.oracle import profile


def test_customer_profile_and_timeline():
    view = profile.customer_profile(EVENTS, "d")
    assert view["n_events"] == 4
    assert view["conversions"] == 2
    assert view["lifetime_revenue"] == 100.0
    assert view["first_seen"] == pd.Timestamp("2024-01-01", tz="UTC")
    assert view["last_seen"] == pd.Timestamp("2024-01-12", tz="UTC")
    assert view["channels"] == 3
    contact = view["last_contact"]
    assert contact[CHANNEL].tolist() == ["Email", "Store", "Web"]
    assert contact[TOUCHPOINT].tolist() == ["Newsletter", "Till", "Home"]
    timeline = profile.customer_timeline(EVENTS, "a")
    assert timeline["position"].tolist() == [1, 2, 3, 4, 5]
    assert timeline[TOUCHPOINT].tolist() == ["Newsletter", "Home", "Product", "Cart", "Checkout"]


def test_unknown_customer_suggests_ids():
    with pytest.raises(SettingsError, match="no customer 'zz'"):
        profile.customer_profile(EVENTS, "zz")
