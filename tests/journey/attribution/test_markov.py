"""Markov attribution against published worked examples and by hand.

Every expected number below is worked out by hand in the comment next to it.
"""

from __future__ import annotations

from fractions import Fraction

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from journey.attribution import markov
from journey.attribution.markov import (
    CONVERSION_STATE,
    NULL_STATE,
    START_STATE,
    markov_model,
)
from journey.attribution.models import (
    AttributionSettings,
    attribute,
    attribute_paths,
)
from journey.attribution.paths import (
    PathSet,
    build_path_set,
)
from tests.journey.attribution.examples import approx, credit


def test_markov_published_three_path_example():
    # The toy example of many Markov attribution write-ups (e.g. analyzecore.com, 2016):
    #   C1 > C2 > C3 converts; C1 does not; C2 > C3 does not.
    # start -> C1 2/3, C2 1/3; C1 -> C2 1/2, null 1/2; C2 -> C3 1; C3 -> conv 1/2, null 1/2.
    # P(conv) = 2/3 * 1/2 * 1/2 + 1/3 * 1/2 = 1/3.
    # Without C1: 1/3 * 1/2 = 1/6 -> RE 1/2; without C2 or C3: 0 -> RE 1.
    # Credit of the 1 conversion: 0.5 / 2.5 = 0.2, 1 / 2.5 = 0.4, 0.4.
    paths = PathSet.from_counts(
        pd.DataFrame(
            {
                "path": ["C1 > C2 > C3", "C1", "C2 > C3"],
                "n_conversions": [1, 0, 0],
                "n_null": [0, 1, 1],
            }
        )
    )
    result = markov_model(paths)
    assert result.conversion_probability == pytest.approx(1 / 3)
    assert result.removal_effects["removal_effect"].tolist() == pytest.approx([0.5, 1.0, 1.0])
    assert result.attribution["conversions"].tolist() == pytest.approx([0.2, 0.4, 0.4])


def test_markov_removal_effects_and_revenue_by_hand(example):
    # Collapsed paths: Email>Display>Direct>Web (conv), Display (conv), Email (null) x2,
    # Social>Direct (conv), Direct (conv).
    # start -> Email 3/6, Display 1/6, Social 1/6, Direct 1/6
    # Email -> Display 1/3, null 2/3; Display -> Direct 1/2, conv 1/2
    # Direct -> Web 1/3, conv 2/3; Web -> conv 1; Social -> Direct 1
    # P(conv) = 1/2 * 1/3 + 1/6 + 1/6 + 1/6 = 2/3
    # without Email 1/2 -> RE 1/4; Display 1/3 -> 1/2; Direct 1/6 -> 3/4; Web 1/2 -> 1/4;
    # Social 1/2 -> 1/4. Sum 2; 4 conversions -> 0.5, 1, 1.5, 0.5, 0.5.
    # Revenue: mean revenue by last touch: Web 100, Display 50, Direct (20 + 10) / 2 = 15.
    # E(start) = 30; without Email 200/9, Display 130/9, Direct 25/3, Web 40/3, Social 205/9
    # -> RE 7/27, 14/27, 13/18, 5/9, 13/54 (in 54ths: 14, 28, 39, 30, 13; sum 124)
    # -> revenue 180 * x / 124: 630/31, 1260/31, 1755/31, 1350/31, 585/31.
    result = markov_model(build_path_set(example))
    effects = result.removal_effects.set_index("channel")
    assert effects["removal_effect"].to_dict() == pytest.approx(
        {"Direct": 0.75, "Display": 0.5, "Email": 0.25, "Social": 0.25, "Web": 0.25}
    )
    assert effects["revenue_removal_effect"].to_dict() == pytest.approx(
        {"Direct": 13 / 18, "Display": 14 / 27, "Email": 7 / 27, "Social": 13 / 54, "Web": 5 / 9}
    )
    assert result.conversion_probability == pytest.approx(2 / 3)
    assert result.expected_revenue == pytest.approx(30.0)
    assert approx(
        credit(attribute(example, AttributionSettings(models=("markov",))), "markov")
    ) == approx(
        {
            "Direct": (1.5, 1755 / 31),
            "Display": (1.0, 1260 / 31),
            "Email": (0.5, 630 / 31),
            "Social": (0.5, 585 / 31),
            "Web": (0.5, 1350 / 31),
        }
    )


def test_markov_matches_the_channelattribution_worked_example():
    # A > B > A converts (10), A > C does not, B converts (30).
    # start -> A 2/3, B 1/3; A -> B 1/3, C 1/3, conv 1/3; B -> A 1/2, conv 1/2; C -> null.
    # From A: a = b/3 + 1/3, b = a/2 + 1/2 -> a = 3/5, b = 4/5; P = 2/3 * 3/5 + 1/3 * 4/5 = 2/3
    # without A: 1/3 * 1/2 = 1/6 -> RE 3/4; without B: 2/3 * 1/3 = 2/9 -> RE 2/3.
    # Revenue: y_A = y_B/3 + 10/3, y_B = y_A/2 + 15 -> y_A = 10, y_B = 20; E = 40/3;
    # without A: 1/3 * 15 = 5 -> RE 5/8; without B: 2/3 * 10/3 = 20/9 -> RE 5/6.
    # Conversions 2 * (3/4) / (17/12) = 18/17, 16/17; revenue 40 * (5/8) / (35/24) = 120/7, 160/7.
    # ChannelAttribution 2.2.5 (simulated, 1e5 paths) gave 1.0636 / 0.9364 and 17.12 / 22.88.
    paths = PathSet.from_counts(
        pd.DataFrame(
            {
                "path": ["A > B > A", "A > C", "B"],
                "n_conversions": [1, 0, 1],
                "n_null": [0, 1, 0],
                "revenue": [10.0, 0.0, 30.0],
            }
        )
    )
    result = markov_model(paths)
    assert result.removal_effects["removal_effect"].tolist() == pytest.approx([0.75, 2 / 3, 0])
    assert result.removal_effects["revenue_removal_effect"].tolist() == pytest.approx(
        [5 / 8, 5 / 6, 0]
    )
    assert approx(
        credit(attribute_paths(paths, AttributionSettings(models=("markov",))), "markov")
    ) == approx({"A": (18 / 17, 120 / 7), "B": (16 / 17, 160 / 7), "C": (0.0, 0.0)})
    transitions = result.transitions
    start = transitions[transitions["source"] == START_STATE].set_index("target")
    assert start["probability"].to_dict() == pytest.approx({"A": 2 / 3, "B": 1 / 3})
    assert set(transitions["target"]) >= {CONVERSION_STATE, NULL_STATE}


def test_markov_collapses_repeats():
    repeated = pd.DataFrame(
        {"path": ["A > A > B", "B > B"], "n_conversions": [1, 0], "n_null": [0, 1]}
    )
    plain = pd.DataFrame({"path": ["A > B", "B"], "n_conversions": [1, 0], "n_null": [0, 1]})
    for order in (1, 2):
        one = markov_model(PathSet.from_counts(repeated), order).removal_effects
        two = markov_model(PathSet.from_counts(plain), order).removal_effects
        assert_frame_equal(one, two)


def test_markov_order_two_remembers_where_a_journey_came_from():
    # A > B converts, C > B does not.
    # Order 1: B -> conv 1/2; without A: 1/2 * 1/2 = 1/4 of P = 1/2 -> RE 1/2; B: 1; C: 1/2
    #   -> 1 conversion split 0.25 / 0.5 / 0.25.
    # Order 2: states (A), (A,B), (C), (C,B); (A,B) always converts, (C,B) never.
    #   Without A: 0 -> RE 1; without B: 0 -> RE 1; without C: 1/2 -> RE 0 -> 0.5 / 0.5 / 0.
    paths = PathSet.from_counts(
        pd.DataFrame({"path": ["A > B", "C > B"], "n_conversions": [1, 0], "n_null": [0, 1]})
    )
    first = markov_model(paths, 1).attribution["conversions"].tolist()
    second = markov_model(paths, 2)
    assert first == pytest.approx([0.25, 0.5, 0.25])
    assert second.attribution["conversions"].tolist() == pytest.approx([0.5, 0.5, 0.0])
    assert set(second.transitions["source"]) == {START_STATE, "A", "A,B", "C", "C,B"}
    third = markov_model(paths, 3).attribution["conversions"].tolist()
    assert third == pytest.approx([0.5, 0.5, 0.0])


def test_markov_without_conversions_credits_nothing():
    paths = PathSet.from_counts(
        pd.DataFrame({"path": ["A > B"], "n_conversions": [0], "n_null": [3]})
    )
    result = markov_model(paths)
    assert result.attribution["conversions"].tolist() == [0.0, 0.0]
    assert result.removal_effects["removal_effect"].tolist() == [0.0, 0.0]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["A", "B", "C"]),
            st.integers(1, 4),
            st.integers(0, 3),
            st.integers(0, 3),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_markov_gives_a_lone_channel_everything(rows):
    # every path is one channel repeated: after collapsing, start -> X -> conversion/null
    frame = pd.DataFrame(
        {
            "path": [" > ".join([c] * n) for c, n, _, _ in rows],
            "n_conversions": [conv for _, _, conv, _ in rows],
            "n_null": [null for _, _, _, null in rows],
            "revenue": [10.0 * conv for _, _, conv, _ in rows],
        }
    )
    result = markov_model(PathSet.from_counts(frame)).attribution.set_index("channel")
    by_channel = frame.assign(channel=[c for c, _, _, _ in rows]).groupby("channel")
    expected = by_channel["n_conversions"].sum()
    # a lone channel gets exactly its own conversions: here each path stays within one channel
    for channel, conversions in expected.items():
        assert result.loc[channel, "conversions"] == pytest.approx(conversions)
    single = frame.assign(path=frame["path"].str.replace("B", "A").str.replace("C", "A"))
    alone = markov_model(PathSet.from_counts(single)).attribution
    assert alone["conversions"].tolist() == pytest.approx([frame["n_conversions"].sum()])
    assert alone["revenue"].tolist() == pytest.approx([frame["revenue"].sum()])


def test_exact_fractions_of_the_markov_example_sum_to_total():
    # the hand-computed revenue credit of test_markov_removal_effects_and_revenue_by_hand
    parts = [
        Fraction(630, 31),
        Fraction(1260, 31),
        Fraction(1755, 31),
        Fraction(1350, 31),
        Fraction(585, 31),
    ]
    assert sum(parts) == 180


def test_big_chains_use_the_sparse_solver_with_the_same_result(example, monkeypatch):
    dense = markov_model(build_path_set(example), order=2)
    monkeypatch.setattr(markov, "_DENSE_LIMIT", 0)
    sparse = markov_model(build_path_set(example), order=2)
    assert_frame_equal(dense.removal_effects, sparse.removal_effects, check_exact=False)
    assert_frame_equal(dense.attribution, sparse.attribution, check_exact=False)
