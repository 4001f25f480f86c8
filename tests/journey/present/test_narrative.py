"""Sentences from hand-computed figures: every number in a sentence equals its figure."""

from __future__ import annotations

import re

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from journey.present import narrative


def numbers(sentence: str) -> list[str]:
    """The numbers of a sentence as written (with %, sign and thousands separators)."""
    return re.findall(r"[+-]?\d[\d,]*(?:\.\d+)?%?", sentence)


def test_kpi_sentence_states_each_kpi():
    kpis = {
        "customers": 1200,
        "events": 15000,
        "conversions": 300,
        "conversion_rate": 250 / 1200,  # 20.8% -> 21%
        "revenue": 45678.4,
        "first": "2025-01-01",
        "last": "2025-03-31",
    }
    sentence = narrative.kpi_sentence(kpis)
    assert sentence == (
        "1,200 customers made 15,000 touchpoints between 2025-01-01 and 2025-03-31; 21% of "
        "them converted, with 300 conversions and 45,678 in revenue."
    )


def test_top_path_sentence_uses_the_first_row():
    top = pd.DataFrame(
        {
            "path": ["Email > Web", "Web"],
            "customers": [62, 20],
            "share": [0.62, 0.2],
            "conversion_rate": [0.5, 0.1],
        }
    )
    assert narrative.top_path_sentence(top) == (
        "The most common journey is Email > Web: 62 customers (62% of all), of whom 50% converted."
    )
    assert narrative.top_path_sentence(top.iloc[0:0]) is None


def test_step_flow_sentence_counts_step_one_only():
    steps = pd.DataFrame(
        {
            "step": [1, 1, 1, 2],
            "source": ["Email", "Web", "Ads", "Web"],
            "target": ["Web", "Converted", "Web", "Store"],
            "count": [50, 30, 20, 45],
        }
    )
    # 100 customers at step 1; Email -> Web is 50 of them
    assert narrative.step_flow_sentence(steps) == (
        "Each step of the map adds up to all 100 customers; the most common first move is "
        "Email → Web (50 customers, 50%)."
    )


def test_funnel_sentence_names_the_weakest_step():
    funnel = pd.DataFrame(
        {
            "stage": ["View", "Cart", "Buy"],
            "customers": [200, 120, 30],
            "conversion_rate": [0.4, 0.24, 0.06],
            "step_conversion_rate": [0.4, 0.6, 0.25],
        }
    )
    # 30 of 200 = 15%; weakest step Cart -> Buy at 25%
    assert narrative.funnel_sentence(funnel) == (
        "Of 200 customers who reached View, 30 (15%) got to Buy. The weakest step is "
        "Cart → Buy: only 25% went on."
    )


def test_dropoff_sentence_matches_the_top_row():
    dropoffs = pd.DataFrame(
        {
            "node": ["Cart", "Pricing"],
            "reached": [1000, 800],
            "ended_here": [410, 100],
            "dropoff_rate": [0.41, 0.125],
        }
    )
    sentence = narrative.dropoff_sentence(dropoffs)
    assert sentence == (
        "The biggest drop-off is Cart → no conversion: 410 customers ended there, 41% of the "
        "1,000 who reached it."
    )
    assert numbers(sentence) == ["410", "41%", "1,000"]


def test_best_and_worst_per_model_and_first_touch_sentence():
    result = pd.DataFrame(
        {
            "channel": ["Paid Search", "Email", "TV", "Paid Search", "Email", "TV"],
            "model": ["first", "first", "first", "markov", "markov", "markov"],
            "conversions": [62.0, 30.0, 8.0, 40.0, 45.0, 15.0],
            "revenue": [0.0] * 6,
            "share": [0.62, 0.30, 0.08, 0.40, 0.45, 0.15],
        }
    )
    extremes = narrative.best_and_worst(result)
    expected = pd.DataFrame(
        {
            "model": ["first", "markov"],
            "best": ["Paid Search", "Email"],
            "best_share": [0.62, 0.45],
            "worst": ["TV", "TV"],
            "worst_share": [0.08, 0.15],
        }
    )
    pd.testing.assert_frame_equal(extremes, expected)
    assert narrative.first_touch_sentence(result) == (
        "62% of conversions (62) first met us on Paid Search (first-touch attribution)."
    )
    assert narrative.attribution_sentence(extremes) == (
        "1 of 2 models credit Paid Search most; the others disagree."
    )
    assert narrative.model_sentence(extremes.iloc[1]) == (
        "Markov chain: best Email (45%), worst TV (15%)."
    )


def test_hot_spots_skip_small_and_unmatched_groups():
    by_level = pd.DataFrame(
        {
            "touchpoint": ["Support call", "Chat", "(unmatched)", "Tiny", "Store"],
            "mean_score": [-0.2, 0.1, -0.5, -0.9, 0.3],
            "share_negative": [0.48, 0.2, 0.9, 1.0, 0.05],
            "n": [120, 300, 50, 3, 40],
            "n_negative": [58, 60, 45, 3, 2],
        }
    )
    spots = narrative.hot_spots(by_level, "touchpoint", n=2)
    assert spots["touchpoint"].tolist() == ["Support call", "Chat"]
    assert narrative.hot_spot_sentence(spots, "touchpoint") == (
        "Sentiment hot spots: Support call (48% negative of 120); Chat (20% negative of 300)."
    )


def test_sentiment_sentence_and_drivers():
    figures = {"conversations": 1500, "customer_mean": 0.137, "share_negative": 0.22}
    assert narrative.sentiment_sentence(figures) == (
        "Across 1,500 conversations customers' mean sentiment is +0.14 (from -1 to +1); 22% of "
        "customer texts are negative."
    )
    drivers = pd.DataFrame(
        {"term": ["slow", "rude", "great"], "direction": ["negative", "negative", "positive"]}
    )
    assert narrative.driver_sentence(drivers) == (
        "Customers' words mark negative texts by 'slow', 'rude' and positive texts by 'great'."
    )
    assert narrative.driver_sentence(drivers.iloc[0:0]) is None


def test_phase_and_network_sentences():
    summary = pd.DataFrame(
        {"phase": ["awareness", "onboarding"], "share_of_customers": [1.0, 0.333]}
    )
    assert narrative.phase_sentence(summary) == (
        "Of all customers, 100% reach awareness and 33% reach onboarding."
    )
    transitions = pd.DataFrame(
        {"source": ["Web"], "target": ["Email"], "count": [5177], "customers": [2358]}
    )
    assert narrative.network_sentence(transitions) == (
        "The strongest link is Web → Email: 5,177 transitions by 2,358 customers."
    )
    assert narrative.network_shown_sentence(12, 132, 0) == "The map shows 12 nodes and 132 links."


@given(
    shares=st.lists(
        st.floats(min_value=0, max_value=1, allow_nan=False), min_size=1, max_size=8, unique=True
    )
)
def test_best_is_never_below_worst(shares):
    result = pd.DataFrame(
        {
            "channel": [f"c{i}" for i in range(len(shares))],
            "model": "linear",
            "conversions": 1.0,
            "revenue": 0.0,
            "share": shares,
        }
    )
    row = narrative.best_and_worst(result).iloc[0]
    assert row["best_share"] == max(shares)
    assert row["worst_share"] == min(shares)


def mix_frame(rows: list[tuple[str, str, str, int]]) -> pd.DataFrame:
    """A `decision_mix` frame: rule, action, channel, customers, in rule order."""
    return pd.DataFrame(rows, columns=["rule", "action", "channel", "customers"])


MIX = mix_frame(
    [
        ("service_first", "service_follow_up", "Call Center", 40),
        ("win_back", "win_back_offer", "Email", 60),
        ("model", "none", "", 500),
        ("model", "email", "Email", 300),
        ("model", "push", "Push", 100),
    ]
)  # 1,000 customers: 500 touched (50%), rules 100 (10%), the model 900


def test_next_best_action_sentences_quote_the_mix():
    sentence = narrative.nba_mix_sentence(MIX, pd.Timestamp("2025-08-01"))
    assert sentence == (
        "At the cut-off 2025-08-01, 500 of 1,000 customers (50%) get a touch; the most common "
        "is email on Email (model, 300 customers)."
    )
    after_date = sentence.split("2025-08-01, ", 1)[1]
    assert numbers(after_date) == ["500", "1,000", "50%", "300"]
    assert narrative.nba_rules_sentence(MIX) == (
        "Rules decide for 100 customers (10%): service_first 40, win_back 60; the model ranks "
        "the actions of the other 900."
    )
    assert numbers(narrative.nba_wait_sentence(MIX) or "")[:2] == ["500", "50%"]
    assert narrative.top_actions(MIX, 3) == "email 30%, push 10%, win_back_offer 6%"


def test_next_best_action_sentences_for_edge_cases():
    nobody = mix_frame([("frequency_cap", "none", "", 7), ("model", "none", "", 3)])
    assert narrative.nba_mix_sentence(nobody, "2025-01-02") == (
        "At the cut-off 2025-01-02, none of the 10 customers gets a touch."
    )
    assert narrative.top_actions(nobody) is None
    assert narrative.nba_wait_sentence(nobody).startswith("10 customers (100%) get no touch")
    model_only = mix_frame([("model", "sms", "SMS", 4)])
    assert narrative.nba_rules_sentence(model_only) == (
        "The model ranks the actions of all 4 customers; no rule fired."
    )
    assert narrative.nba_wait_sentence(model_only) is None
    empty = mix_frame([])
    assert narrative.nba_mix_sentence(empty, "2025-01-02") is None
    assert narrative.nba_rules_sentence(empty) is None
    # ties for the most common go to the earlier rule, as the mix lists it
    tie = mix_frame([("abandoned_cart", "cart_reminder", "App", 2), ("model", "email", "Email", 2)])
    assert "cart_reminder on App (abandoned_cart, 2 customers)" in narrative.nba_mix_sentence(
        tie, "2025-01-02"
    )


def test_value_propensity_sentence_names_the_vip_cell():
    matrix = pd.DataFrame(
        {
            "value": ["high value", "high value", "low value", "low value"],
            "propensity": ["high propensity", "low propensity"] * 2,
            "customers": [150, 250, 100, 500],
            "journey": ["VIP journey", "retain", "convert", "nurture"],
        }
    )
    sentence = narrative.value_propensity_sentence(matrix)
    assert sentence == "150 customers (15%) are high value and high propensity: VIP journey."
    assert narrative.value_propensity_sentence(matrix.assign(customers=0)) is None
