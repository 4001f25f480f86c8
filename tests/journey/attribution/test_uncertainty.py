"""Bootstrap intervals, lookback sensitivity, disagreements and joined intervals.

Every expected number below is worked out by hand in the comment next to it.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from journey.attribution.models import (
    AttributionSettings,
    attribute,
)
from journey.attribution.uncertainty import (
    bootstrap_shares,
    disagreement_sentence,
    find_disagreements,
    join_intervals,
    lookback_sensitivity,
)
from journey.io.markup import WORD_JOINER, md_text
from journey.schema import (
    CUSTOMER_ID,
)
from tests.journey.attribution.examples import make_events


def test_bootstrap_of_identical_customers_has_no_spread():
    rows = []
    for customer in "abcd":
        rows += [
            (customer, "2024-01-01", "Email", False, 0.0),
            (customer, "2024-01-02", "Web", True, 5.0),
        ]
    result = bootstrap_shares(
        make_events(rows), AttributionSettings(models=("first", "linear", "markov")), n_resamples=20
    )
    assert list(result.columns) == ["channel", "model", "share_low", "share_high"]
    # every resample holds only Email > Web paths: first 1 / 0, linear 1/2 each, Markov 1/2 each
    assert result["share_low"].tolist() == pytest.approx([1.0, 0.0, 0.5, 0.5, 0.5, 0.5])
    assert result["share_high"].tolist() == pytest.approx([1.0, 0.0, 0.5, 0.5, 0.5, 0.5])


def test_bootstrap_brackets_the_estimate_and_is_reproducible(example):
    many = pd.concat(
        [example.assign(customer_id=example[CUSTOMER_ID] + str(i)) for i in range(10)],
        ignore_index=True,
    ).assign(row=lambda f: np.arange(1, len(f) + 1))
    models = ["first", "last", "time_decay", "position", "shapley", "markov"]
    one = bootstrap_shares(many, AttributionSettings(models=models), n_resamples=60, random_state=1)
    two = bootstrap_shares(many, AttributionSettings(models=models), n_resamples=60, random_state=1)
    assert_frame_equal(one, two)
    point = attribute(many, AttributionSettings(models=models))
    merged = point.merge(one, on=["channel", "model"])
    assert len(merged) == len(point)
    assert (merged["share_low"] <= merged["share"] + 1e-9).all()
    assert (merged["share_high"] >= merged["share"] - 1e-9).all()
    assert (one["share_high"] > one["share_low"]).any()


def test_bootstrap_reports_progress(example):
    calls = []
    bootstrap_shares(
        example,
        AttributionSettings(models=("first",)),
        n_resamples=5,
        progress=lambda f, m: calls.append(f),
    )
    assert calls[-1] == 1.0


def test_lookback_sensitivity_moves_first_touch():
    events = make_events(
        [
            ("a", "2024-01-01", "Email", False, 0.0),  # 19 days before the conversion
            ("a", "2024-01-15", "Display", False, 0.0),  # 5 days before
            ("a", "2024-01-20", "Web", True, 9.0),
        ]
    )
    result = lookback_sensitivity(events, AttributionSettings(models=("first",)), windows=(7, 30))
    first = result[result["conversions"] > 0][["window_days", "channel"]]
    assert first.to_numpy().tolist() == [[7, "Display"], [30, "Email"]]
    assert list(result.columns) == ["window_days", "channel", "model", "conversions", "share"]


def test_disagreement_sentences():
    result = pd.DataFrame(
        {
            "channel": ["Display"] * 3 + ["Web"] * 3 + ["Email"] * 3 + ["TV"] * 3,
            "model": ["first", "last", "markov"] * 4,
            "conversions": [1.0] * 12,
            "revenue": [0.0] * 12,
            "share": [0.10, 0.03, 0.06, 0.40, 0.42, 0.30, 0.2, 0.1, 0.3, 0.1, 0.2, 0.4],
        }
    )
    flags = find_disagreements(result, threshold=0.05)
    # Email: Markov 30% vs last 10% (0.2); TV: Markov 40% vs first 10% (0.3)
    assert flags["channel"].tolist() == ["TV", "Email", "Web", "Display"]
    assert flags["role"].tolist() == ["", "assists", "closes", "opens"]
    assert flags["sentence"].tolist() == [
        "TV earns 40% under Markov chain but 10% under first touch: "
        "the models weigh its part in the journey differently.",
        "Email earns 30% under Markov chain but 10% under last touch: "
        "it helps journeys along but rarely closes them.",
        "Web earns 42% under last touch but 30% under Markov chain: "
        "it closes journeys more than it opens them.",
        "Display earns 10% under first touch but 3% under last touch: "
        "it opens journeys, it doesn't close them.",
    ]
    assert flags["difference"].tolist() == pytest.approx([0.3, 0.2, 0.12, 0.07])
    assert find_disagreements(result, threshold=0.35).empty


def test_disagreement_closes_role():
    result = pd.DataFrame(
        {
            "channel": ["Web", "Web"],
            "model": ["first", "last_non_direct"],
            "conversions": [0.0, 1.0],
            "revenue": [0.0, 0.0],
            "share": [0.05, 0.5],
        }
    )
    sentence = find_disagreements(result)["sentence"].tolist()
    assert sentence == [
        "Web earns 50% under last non-direct touch but 5% under first touch: "
        "it closes journeys more than it opens them."
    ]


def test_join_intervals_adds_bounds_in_result_order(example):
    result = attribute(example, AttributionSettings(models=("first", "last")))
    intervals = pd.DataFrame(
        {
            "channel": ["Email", "Web"],
            "model": ["first", "last"],
            "share_low": [0.1, 0.2],
            "share_high": [0.4, 0.3],
        }
    )
    joined = join_intervals(result, intervals)
    assert joined["channel"].tolist() == result["channel"].tolist()
    email_first = joined[(joined["channel"] == "Email") & (joined["model"] == "first")]
    assert email_first[["share_low", "share_high"]].to_numpy().tolist() == [[0.1, 0.4]]
    assert joined["share_low"].isna().sum() == len(result) - 2


def test_disagreement_sentence_is_plain_text_with_the_channel_as_given():
    channel = '=HYPERLINK("http://example.com") [x](y)'
    sentence = disagreement_sentence(channel, "first", 0.6, "last", 0.1, "opens")
    assert sentence == (
        '=HYPERLINK("http://example.com") [x](y) earns 60% under first touch '
        "but 10% under last touch: it opens journeys, it doesn't close them."
    )
    shown = html.unescape(md_text(sentence)).replace(WORD_JOINER, "")
    assert shown == sentence  # md_text shows it exactly, as the Attribution page does
