"""Heuristic models by hand on the example paths.

Every expected number below is worked out by hand in the comment next to it.
"""

from __future__ import annotations

import pandas as pd

from journey.attribution.models import (
    AttributionSettings,
    attribute,
    attribute_paths,
)
from journey.attribution.paths import (
    PathSet,
)
from tests.journey.attribution.examples import approx, credit, make_events


def test_first_touch(example):
    # P1 Email (100), P2 Display (50), P5 Social (20), P6 Direct (10)
    assert credit(attribute(example, AttributionSettings(models=("first",))), "first") == {
        "Direct": (1.0, 10.0),
        "Display": (1.0, 50.0),
        "Email": (1.0, 100.0),
        "Social": (1.0, 20.0),
        "Web": (0.0, 0.0),
    }


def test_last_touch(example):
    # P1 Web (100), P2 Display (50), P5 Direct (20), P6 Direct (10)
    assert credit(attribute(example, AttributionSettings(models=("last",))), "last") == {
        "Direct": (2.0, 30.0),
        "Display": (1.0, 50.0),
        "Web": (1.0, 100.0),
        "Email": (0.0, 0.0),
        "Social": (0.0, 0.0),
    }


def test_last_non_direct_skips_direct_and_falls_back_when_all_direct(example):
    # P5 Social > Direct: Social; P6 Direct only: Direct (fallback)
    assert credit(
        attribute(example, AttributionSettings(models=("last_non_direct",))), "last_non_direct"
    ) == {
        "Direct": (1.0, 10.0),
        "Display": (1.0, 50.0),
        "Social": (1.0, 20.0),
        "Web": (1.0, 100.0),
        "Email": (0.0, 0.0),
    }


def test_linear_counts_repeats(example):
    # P1: 1/4 each (25 each); P2: Display 1 (50); P5: 1/2 each (10 each); P6: Direct 1 (10)
    # Direct 1/4 + 1/2 + 1 = 1.75 (25 + 10 + 10 = 45); Display 1/4 + 1 = 1.25 (25 + 50 = 75)
    assert credit(attribute(example, AttributionSettings(models=("linear",))), "linear") == {
        "Direct": (1.75, 45.0),
        "Display": (1.25, 75.0),
        "Social": (0.5, 10.0),
        "Email": (0.25, 25.0),
        "Web": (0.25, 25.0),
    }
    repeats = PathSet.from_counts(
        pd.DataFrame({"path": ["A > B > A"], "n_conversions": [3], "revenue": [30.0]})
    )
    # A holds 2 of 3 touches: 2 conversions, 20 revenue
    assert approx(
        credit(attribute_paths(repeats, AttributionSettings(models=("linear",))), "linear")
    ) == {
        "A": (2.0, 20.0),
        "B": (1.0, 10.0),
    }


def test_position_based_u_shape(example):
    # P1 (4 touches): Email 0.4, Display 0.1, Direct 0.1, Web 0.4 of 100
    # P2 (2 touches, both Display): 0.5 + 0.5; P5 (2 touches): Social 0.5, Direct 0.5 of 20
    # P6 (1 touch): Direct 1 of 10
    assert approx(
        credit(attribute(example, AttributionSettings(models=("position",))), "position")
    ) == {
        "Direct": (1.6, 30.0),
        "Display": (1.1, 60.0),
        "Social": (0.5, 10.0),
        "Email": (0.4, 40.0),
        "Web": (0.4, 40.0),
    }


def test_position_weights_are_editable():
    paths = PathSet.from_counts(
        pd.DataFrame(
            {"path": ["A > B > C > D", "E > F"], "n_conversions": [1, 1], "revenue": [10.0, 4.0]}
        )
    )
    result = attribute_paths(
        paths, AttributionSettings(models=("position",), position_weights=(0.3, 0.6, 0.1))
    )
    # 4 touches: A 0.3, B 0.3, C 0.3, D 0.1; 2 touches: first:last = 0.3:0.1 -> 0.75 / 0.25
    assert approx(credit(result, "position")) == {
        "A": (0.3, 3.0),
        "B": (0.3, 3.0),
        "C": (0.3, 3.0),
        "D": (0.1, 1.0),
        "E": (0.75, 3.0),
        "F": (0.25, 1.0),
    }


def test_time_decay_halves_credit_every_half_life():
    events = make_events(
        [
            ("a", "2024-01-01", "Email", False, 0.0),  # 14 days old: 2^-2 = 1/4
            ("a", "2024-01-08", "Display", False, 0.0),  # 7 days old: 1/2
            ("a", "2024-01-15", "Web", True, 70.0),  # 0 days old: 1
        ]
    )
    # weights 1/4 : 1/2 : 1 = 1/7 : 2/7 : 4/7 of 1 conversion and 70 revenue
    result = attribute(events, AttributionSettings(models=("time_decay",), half_life_days=7))
    assert approx(credit(result, "time_decay")) == approx(
        {"Web": (4 / 7, 40.0), "Display": (2 / 7, 20.0), "Email": (1 / 7, 10.0)}
    )


def test_time_decay_with_one_day_half_life(example):
    # P1 ages 9, 5, 1, 0 days: 1/512, 1/32, 1/2, 1 -> 1/785, 16/785, 256/785, 512/785
    # P2 both Display: 1; P5 Social 1/2 : Direct 1 -> 1/3, 2/3; P6 Direct: 1
    result = attribute(example, AttributionSettings(models=("time_decay",), half_life_days=1))
    expected = {
        "Direct": (256 / 785 + 2 / 3 + 1, 100 * 256 / 785 + 20 * 2 / 3 + 10),
        "Display": (16 / 785 + 1, 100 * 16 / 785 + 50),
        "Web": (512 / 785, 100 * 512 / 785),
        "Social": (1 / 3, 20 / 3),
        "Email": (1 / 785, 100 / 785),
    }
    assert approx(credit(result, "time_decay")) == approx(expected)
