"""Candidate actions: the editable table, a touch added now, the proposed cart names."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from journey.errors import SettingsError
from journey.recommend.actions import (
    DEFAULT_ACTIONS,
    Action,
    actions_frame,
    expected_lift,
    parse_actions,
    recency_baseline,
    with_touch,
)
from journey.recommend.features import propose_cart, propose_onboarding


def test_the_table_round_trips():
    assert parse_actions(actions_frame()) == DEFAULT_ACTIONS
    assert [a.channel for a in DEFAULT_ACTIONS] == [
        "Email", "Push", "SMS", "Display", "Call Center", "Call Center", "App",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["email", "Email", "", True]], "needs a channel"),
        ([["email", "E", "Email", True], ["email", "F", "Email", True]], "unique: email"),
        ([["none", "Nothing", "Email", True]], "other than 'none'"),
        ([], "at least one"),
    ],
)
def test_bad_tables_are_refused(rows, message):
    with pytest.raises(SettingsError, match=message):
        parse_actions(pd.DataFrame(rows, columns=["id", "label", "channel", "promotion"]))


def test_a_touch_added_now():
    features = pd.DataFrame(
        {
            "touches_7d": [1], "touches_30d": [2], "touches_90d": [2],
            "touches_7d:Email": [0], "touches_30d:Email": [1], "touches_90d:Email": [1],
            "phase_touches_7d:awareness": [1], "phase_touches_30d:awareness": [2],
            "phase_touches_90d:awareness": [2], "phase_touches_7d:onboarding": [0],
            "phase_touches_30d:onboarding": [0], "phase_touches_90d:onboarding": [0],
            "since_cart:Email": [0], "open_cart": [True], "current_phase": ["awareness"],
            "frequency": [2], "recency_days": [4.5], "last_channel": ["Web"],
            "last_is_support": [False],
        }
    )  # fmt: skip
    out = with_touch(features, Action("email", "Email", "Email")).iloc[0]
    assert (out["touches_7d"], out["touches_30d"], out["touches_90d"]) == (2, 3, 3)
    assert (out["touches_7d:Email"], out["touches_30d:Email"]) == (1, 2)
    assert (out["phase_touches_7d:awareness"], out["phase_touches_7d:onboarding"]) == (2, 0)
    assert (out["since_cart:Email"], out["frequency"], out["recency_days"]) == (1, 3, 4.5)
    assert out["last_channel"] == "Web"  # a message sent is not the customer acting
    assert features["touches_7d"].iloc[0] == 1  # the input is left alone


class EmailLover:
    """P(conversion) = 0.1 + 0.2 per recent email (a transparent scorer)."""

    def predict_proba(self, features: pd.DataFrame) -> np.ndarray:
        p = 0.1 + 0.2 * features["touches_7d:Email"].to_numpy(dtype=float)
        return np.column_stack([1 - p, p])


def test_expected_lift_is_the_difference_with_and_without_the_touch():
    features = pd.DataFrame(
        {"touches_7d": [0, 1], "touches_30d": [0, 1], "touches_90d": [0, 1],
         "touches_7d:Email": [0, 1], "current_phase": ["awareness"] * 2, "frequency": [0, 1],
         "recency_days": [9.0, 1.0], "last_channel": ["Web"] * 2, "last_is_support": [False] * 2,
         "open_cart": [False] * 2}
    )  # fmt: skip
    lift = expected_lift(EmailLover(), features, DEFAULT_ACTIONS[:2])
    assert lift["email"].round(9).tolist() == [0.2, 0.2]
    assert lift["push"].round(9).tolist() == [0.0, 0.0]


def test_the_baseline_picks_the_most_recently_used_channel():
    features = pd.DataFrame(
        {"touches_7d:Push": [1, 0], "touches_30d:Push": [1, 0], "touches_90d:Push": [1, 0],
         "touches_7d:Email": [0, 0], "touches_30d:Email": [3, 0], "touches_90d:Email": [3, 2]}
    )  # fmt: skip
    assert recency_baseline(features, DEFAULT_ACTIONS[:2]).tolist() == [1, 0]


def test_cart_names_are_proposed_in_three_languages_but_not_messages():
    touchpoints = ["Add to cart", "Tambah ke keranjang", "Dodaj do koszyka", "Cart reminder email",
                   "Home", "Pengingat keranjang"]  # fmt: skip
    assert propose_cart(touchpoints, ["add_to_cart", "view"]) == (
        ("Add to cart", "Dodaj do koszyka", "Tambah ke keranjang"),
        ("add_to_cart",),
    )
    assert propose_onboarding(["Welcome email", "Setup guide", "Home"]) == (
        "Setup guide",
        "Welcome email",
    )
