"""The seven rules, one by one, on hand-made feature rows: who gets what, and why."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from journey.errors import SettingsError
from journey.recommend.actions import DEFAULT_ACTIONS
from journey.recommend.rules import RULE_IDS, RuleSettings, decide

IDS = [a.id for a in DEFAULT_ACTIONS]  # email, push, sms, retargeting_ad, sales_call, ...


def customer(**facts: object) -> dict[str, object]:
    """A quiet customer: one web visit 3 days ago, never bought, no cart, no contact."""
    row: dict[str, object] = {
        "customer_id": "c",
        "touches_7d": 1,
        "recency_days": 3.0,
        "frequency": 1,
        "conversions": 0,
        "days_since_first_conversion": np.nan,
        "open_cart": False,
        "hours_since_cart": np.nan,
        "onboarding_touches": 0,
        "opted_out": 0,
        "last_is_support": False,
        "last_touchpoint": "Home",
        "last_sentiment": np.nan,
        "response_rate:Email": np.nan,
        "response_rate:Push": np.nan,
    }
    row.update(facts)
    return row


def run(rows, lift=None, settings=None, probability=0.1):
    features = pd.DataFrame(rows)
    features["customer_id"] = [f"c{i}" for i in range(len(features))]
    default = dict.fromkeys(IDS, 0.01)
    default.update(email=0.05, push=0.03)  # the model prefers email, then push
    lifts = pd.DataFrame([{**default, **(lift or {})}] * len(features))
    p = np.full(len(features), probability)
    return decide(features, p, lifts, DEFAULT_ACTIONS, settings or RuleSettings())


def test_do_not_contact_gets_nothing():
    out = run([customer(opted_out=1, open_cart=True, hours_since_cart=3.0)]).iloc[0]
    assert (out["action"], out["channel"], out["rule"]) == ("none", "", "do_not_contact")
    assert "opted out" in out["reason"]


def test_a_negative_last_contact_gets_service_first():
    out = run([customer(last_sentiment=-0.8, open_cart=True, hours_since_cart=3.0)]).iloc[0]
    assert (out["action"], out["channel"], out["rule"]) == (
        "service_follow_up",
        "Call Center",
        "service_first",
    )
    assert out["reason"].startswith("last contact negative (sentiment -0.8)")


def test_an_unresolved_support_contact_gets_service_first():
    out = run([customer(last_is_support=True, last_touchpoint="Support call")]).iloc[0]
    assert out["rule"] == "service_first"
    assert "unresolved support contact (Support call)" in out["reason"]


def test_a_customer_capped_on_email_never_gets_email():
    capped = {"touches_7d:Email": 3, "touches_7d": 3}
    rows = [
        customer(**capped),  # model: email is best, capped → push
        customer(**capped, open_cart=True, hours_since_cart=5.0, **{"response_rate:Email": 0.9}),
        customer(**capped, conversions=1, days_since_first_conversion=2.0),  # onboarding
    ]
    out = run(rows)
    assert "email" not in out["action"].tolist()
    assert "Email" not in out["channel"].tolist()
    assert out["rule"].tolist() == ["frequency_cap", "abandoned_cart", "onboarding"]
    assert out["action"].iloc[0] == "push"
    assert out["reason"].iloc[0].startswith("Email at its cap (3 in 7 days) → Push notification")


def test_every_channel_at_the_any_kind_cap_gets_nothing():
    out = run([customer(**{"touches_7d:Push": 3, "touches_7d:Display": 2})]).iloc[0]
    # 5 touches of any kind in 7 days: every channel is capped
    assert (out["action"], out["rule"]) == ("none", "frequency_cap")


def test_an_open_cart_triggers_a_reminder_on_the_best_responding_channel():
    row = customer(
        open_cart=True,
        hours_since_cart=30.0,
        **{"response_rate:Email": 0.2, "response_rate:Push": 0.6},
    )
    out = run([row]).iloc[0]
    assert (out["action"], out["channel"], out["rule"]) == (
        "cart_reminder",
        "Push",
        "abandoned_cart",
    )
    assert out["reason"] == (
        "cart opened 30 h ago; answers Push 3.0x more often than Email → cart reminder by Push"
    )
    assert out["score"] == pytest.approx(0.1)  # rule-driven rows carry P(convert)


def test_an_old_cart_is_no_trigger():
    out = run([customer(open_cart=True, hours_since_cart=60.0)]).iloc[0]
    assert out["rule"] == "model"


def test_a_new_buyer_without_onboarding_gets_the_next_step():
    out = run([customer(conversions=1, days_since_first_conversion=4.0)]).iloc[0]
    assert (out["action"], out["channel"], out["rule"]) == (
        "onboarding_step",
        "Email",
        "onboarding",
    )
    assert out["reason"].startswith("first purchase 4 days ago, no onboarding touch yet")
    done = run([customer(conversions=1, days_since_first_conversion=4.0, onboarding_touches=2)])
    assert done["rule"].iloc[0] == "model"


def test_a_lapsed_buyer_gets_a_win_back_offer():
    out = run([customer(conversions=1, days_since_first_conversion=100.0, recency_days=75.0)])
    assert (out["action"].iloc[0], out["rule"].iloc[0]) == ("win_back_offer", "win_back")
    assert out["reason"].iloc[0] == "bought before, no touch for 75 days → win-back offer by Email"


def test_otherwise_the_model_picks_the_highest_expected_lift():
    out = run([customer()], lift={"sms": 0.09}).iloc[0]
    assert (out["action"], out["channel"], out["rule"]) == ("sms", "SMS", "model")
    assert out["score"] == pytest.approx(0.09)
    assert out["reason"] == "expected lift (model) +9.0 pts for SMS; P(convert) now 10.0%"


def test_no_positive_lift_means_waiting():
    out = run([customer()], lift=dict.fromkeys(IDS, -0.01)).iloc[0]
    assert (out["action"], out["rule"]) == ("none", "model")


def test_rules_switched_off_are_skipped():
    settings = RuleSettings(enabled=("do_not_contact", "model"))
    out = run(
        [customer(open_cart=True, hours_since_cart=3.0, last_sentiment=-0.9)], settings=settings
    )
    assert out["rule"].iloc[0] == "model"
    no_caps = RuleSettings(enabled=("model",))
    assert run([customer(**{"touches_7d:Email": 9})], settings=no_caps)["action"].iloc[0] == "email"


def test_rules_keep_their_order_and_ids():
    assert RULE_IDS == (
        "do_not_contact", "service_first", "frequency_cap", "abandoned_cart", "onboarding",
        "win_back", "model",
    )  # fmt: skip


def test_bad_settings_are_refused():
    with pytest.raises(SettingsError, match="unknown rule"):
        RuleSettings(enabled=("spam",))
    with pytest.raises(SettingsError, match="caps must be 0 or more"):
        RuleSettings(caps={"Email": -1})
