"""Attribution: paths, every model by hand, Markov and Shapley against worked examples, invariants.

Every expected number below is worked out by hand in the comment next to it.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from journey.attribution import core as A
from journey.errors import SettingsError
from journey.schema import (
    CAMPAIGN,
    CHANNEL,
    CONVERSION,
    CUSTOMER_ID,
    EVENT_TYPE,
    REVENUE,
    ROW,
    SESSION_ID,
    TIMESTAMP,
    TOUCHPOINT,
)


def make_events(rows: list[tuple], extra: dict[str, list] | None = None) -> pd.DataFrame:
    """Events from (customer, timestamp, channel, conversion, revenue) tuples, row = 1..n."""
    frame = pd.DataFrame(rows, columns=[CUSTOMER_ID, TIMESTAMP, CHANNEL, CONVERSION, REVENUE])
    frame[TIMESTAMP] = pd.to_datetime(frame[TIMESTAMP], utc=True, format="mixed").astype(
        "datetime64[us, UTC]"
    )
    frame[CUSTOMER_ID] = frame[CUSTOMER_ID].astype("str")
    frame[CHANNEL] = frame[CHANNEL].astype("str")
    frame[REVENUE] = frame[REVENUE].astype("float64")
    frame[ROW] = np.arange(1, len(frame) + 1, dtype=np.int64)
    for name, values in (extra or {}).items():
        frame[name] = values
    return frame


# Five customers. With a 30-day window the paths are
#   P1 a: Email > Display > Direct > Web   converts, 100
#   P2 b: Display > Display                converts,  50
#   P3 b: Email                            no conversion (after b's conversion)
#   P4 c: Email                            no conversion (never converts)
#   P5 d: Social > Direct                  converts,  20
#   P6 e: Direct                           converts,  10
# Total: 4 conversions, 180 revenue.
EXAMPLE = [
    ("a", "2024-01-01", "Email", False, 0.0),
    ("a", "2024-01-05", "Display", False, 0.0),
    ("a", "2024-01-09", "Direct", False, 0.0),
    ("a", "2024-01-10", "Web", True, 100.0),
    ("b", "2024-01-02", "Display", False, 0.0),
    ("b", "2024-01-03", "Display", True, 50.0),
    ("b", "2024-01-20", "Email", False, 0.0),
    ("c", "2024-01-04", "Email", False, 0.0),
    ("d", "2024-01-06", "Social", False, 0.0),
    ("d", "2024-01-07", "Direct", True, 20.0),
    ("e", "2024-01-08", "Direct", True, 10.0),
]


@pytest.fixture
def example() -> pd.DataFrame:
    return make_events(EXAMPLE)


def credit(result: pd.DataFrame, model: str) -> dict[str, tuple[float, float]]:
    """{channel: (conversions, revenue)} of one model."""
    part = result[result["model"] == model]
    return {r.channel: (round(r.conversions, 9), round(r.revenue, 9)) for r in part.itertuples()}


def approx(mapping: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    return {k: (round(float(a), 9), round(float(b), 9)) for k, (a, b) in mapping.items()}


# -- paths ---------------------------------------------------------------------------------


def test_conversion_paths_cut_at_conversions_and_keep_trailing_touches(example):
    paths = A.conversion_paths(example)
    expected = pd.DataFrame(
        {
            CUSTOMER_ID: pd.array(["a", "b", "b", "c", "d", "e"], dtype="str"),
            "path": pd.array(
                [
                    "Email > Display > Direct > Web",
                    "Display > Display",
                    "Email",
                    "Email",
                    "Social > Direct",
                    "Direct",
                ],
                dtype="str",
            ),
            "n_touches": np.array([4, 2, 1, 1, 2, 1], dtype=np.int64),
            "converted": [True, True, False, False, True, True],
            REVENUE: [100.0, 50.0, 0.0, 0.0, 20.0, 10.0],
            "conversion_time": pd.to_datetime(
                ["2024-01-10", "2024-01-03", None, None, "2024-01-07", "2024-01-08"], utc=True
            ).as_unit("us"),
        }
    )
    assert_frame_equal(paths, expected)


def test_count_paths_counts_conversions_nulls_and_revenue(example):
    counts = A.count_paths(A.conversion_paths(example))
    expected = pd.DataFrame(
        {
            "path": [
                "Direct",
                "Display > Display",
                "Email > Display > Direct > Web",
                "Social > Direct",
                "Email",
            ],
            "n_conversions": np.array([1, 1, 1, 1, 0], dtype=np.int64),
            "n_null": np.array([0, 0, 0, 0, 2], dtype=np.int64),
            REVENUE: [10.0, 50.0, 100.0, 20.0, 0.0],
        }
    )
    assert_frame_equal(counts, expected, check_dtype=False)
    assert list(counts["path"]) == expected["path"].tolist()


def test_window_keeps_touches_from_exactly_d_days_before():
    events = make_events(
        [
            ("a", "2024-01-01 00:00", "TV", False, 0.0),  # 40 days before: out
            ("a", "2024-01-11 00:00", "Email", False, 0.0),  # exactly 30 days before: in
            ("a", "2024-01-11 00:00:01", "Social", False, 0.0),  # in
            ("a", "2024-02-10 00:00", "Web", True, 5.0),
        ]
    )
    assert A.conversion_paths(events, window_days=30)["path"].tolist() == ["Email > Social > Web"]
    assert A.conversion_paths(events, window_days=0)["path"].tolist() == [
        "TV > Email > Social > Web"
    ]
    assert A.conversion_paths(events, window_days=1)["path"].tolist() == ["Web"]


def test_non_converting_paths_ignore_the_window():
    events = make_events(
        [("a", "2024-01-01", "TV", False, 0.0), ("a", "2024-06-01", "Web", False, 0.0)]
    )
    assert A.conversion_paths(events, window_days=7)["path"].tolist() == ["TV > Web"]


def test_second_conversion_starts_after_the_first():
    events = make_events(
        [
            ("a", "2024-01-01", "Email", False, 0.0),
            ("a", "2024-01-02", "Web", True, 10.0),
            ("a", "2024-01-03", "Social", False, 0.0),
            ("a", "2024-01-04", "Store", True, 20.0),
        ]
    )
    paths = A.conversion_paths(events)
    assert paths["path"].tolist() == ["Email > Web", "Social > Store"]
    assert paths[REVENUE].tolist() == [10.0, 20.0]


def test_same_timestamp_ties_break_by_row():
    # the conversion comes first in the file: the Email touch at the same time comes after it
    events = make_events(
        [
            ("a", "2024-01-02", "Web", True, 10.0),
            ("a", "2024-01-02", "Email", False, 0.0),
            ("a", "2024-01-01", "TV", False, 0.0),
        ]
    )
    assert A.conversion_paths(events)["path"].tolist() == ["TV > Web", "Email"]
    shuffled = events.iloc[[2, 0, 1]]
    assert A.conversion_paths(shuffled)["path"].tolist() == ["TV > Web", "Email"]


def test_excluded_converting_channel_keeps_the_conversion_on_earlier_touches():
    events = make_events(
        [
            ("a", "2024-01-01", "Email", False, 0.0),
            ("a", "2024-01-02", "Web", True, 30.0),  # excluded: path ends at Email
            ("b", "2024-01-03", "Web", True, 12.0),  # nothing left: credited to (none)
            ("c", "2024-01-04", "Web", False, 0.0),  # nothing left, no conversion: dropped
        ]
    )
    paths = A.conversion_paths(events, exclude_channels=["Web"])
    assert paths["path"].tolist() == ["Email", A.NO_TOUCH]
    assert paths["converted"].tolist() == [True, True]
    result = A.attribute(events, ["last"], exclude_channels=["Web"])
    assert credit(result, "last") == {"Email": (1.0, 30.0), A.NO_TOUCH: (1.0, 12.0)}


def test_excluded_event_types_are_dropped_from_paths():
    events = make_events(
        [
            ("a", "2024-01-01", "Email", False, 0.0),
            ("a", "2024-01-02", "Display", False, 0.0),
            ("a", "2024-01-03", "Web", True, 30.0),
        ],
        {EVENT_TYPE: ["click", "impression", "purchase"]},
    )
    paths = A.conversion_paths(events, exclude_event_types=["impression"])
    assert paths["path"].tolist() == ["Email > Web"]


def test_touchpoint_and_campaign_levels_and_missing_values():
    events = make_events(
        [("a", "2024-01-01", "Email", False, 0.0), ("a", "2024-01-02", "Web", True, 8.0)],
        {TOUCHPOINT: ["Welcome email", "Checkout"], CAMPAIGN: ["Spring", None]},
    )
    assert A.conversion_paths(events, level=TOUCHPOINT)["path"].tolist() == [
        "Welcome email > Checkout"
    ]
    assert A.conversion_paths(events, level=CAMPAIGN)["path"].tolist() == [f"Spring > {A.NOT_SET}"]


def test_bad_settings_are_user_errors(example):
    with pytest.raises(SettingsError, match="window_days"):
        A.attribute(example, window_days=-1)
    with pytest.raises(SettingsError, match="unknown attribution model 'u_shape'"):
        A.attribute(example, ["u_shape"])
    with pytest.raises(SettingsError, match="level"):
        A.attribute(example, level="phase")
    with pytest.raises(SettingsError, match="no column 'campaign'"):
        A.attribute(example, level=CAMPAIGN)
    with pytest.raises(SettingsError, match="position weights"):
        A.attribute(example, ["position"], position_weights=(0.5, 0.5, 0.5))
    with pytest.raises(SettingsError, match="half-life"):
        A.attribute(example, ["time_decay"], half_life_days=0)
    with pytest.raises(SettingsError, match="Markov order"):
        A.attribute(example, ["markov"], markov_order=4)


# -- heuristic models by hand --------------------------------------------------------------


def test_first_touch(example):
    # P1 Email (100), P2 Display (50), P5 Social (20), P6 Direct (10)
    assert credit(A.attribute(example, ["first"]), "first") == {
        "Direct": (1.0, 10.0),
        "Display": (1.0, 50.0),
        "Email": (1.0, 100.0),
        "Social": (1.0, 20.0),
        "Web": (0.0, 0.0),
    }


def test_last_touch(example):
    # P1 Web (100), P2 Display (50), P5 Direct (20), P6 Direct (10)
    assert credit(A.attribute(example, ["last"]), "last") == {
        "Direct": (2.0, 30.0),
        "Display": (1.0, 50.0),
        "Web": (1.0, 100.0),
        "Email": (0.0, 0.0),
        "Social": (0.0, 0.0),
    }


def test_last_non_direct_skips_direct_and_falls_back_when_all_direct(example):
    # P5 Social > Direct: Social; P6 Direct only: Direct (fallback)
    assert credit(A.attribute(example, ["last_non_direct"]), "last_non_direct") == {
        "Direct": (1.0, 10.0),
        "Display": (1.0, 50.0),
        "Social": (1.0, 20.0),
        "Web": (1.0, 100.0),
        "Email": (0.0, 0.0),
    }


def test_linear_counts_repeats(example):
    # P1: 1/4 each (25 each); P2: Display 1 (50); P5: 1/2 each (10 each); P6: Direct 1 (10)
    # Direct 1/4 + 1/2 + 1 = 1.75 (25 + 10 + 10 = 45); Display 1/4 + 1 = 1.25 (25 + 50 = 75)
    assert credit(A.attribute(example, ["linear"]), "linear") == {
        "Direct": (1.75, 45.0),
        "Display": (1.25, 75.0),
        "Social": (0.5, 10.0),
        "Email": (0.25, 25.0),
        "Web": (0.25, 25.0),
    }
    repeats = A.PathSet.from_counts(
        pd.DataFrame({"path": ["A > B > A"], "n_conversions": [3], "revenue": [30.0]})
    )
    # A holds 2 of 3 touches: 2 conversions, 20 revenue
    assert approx(credit(A.attribute_paths(repeats, ["linear"]), "linear")) == {
        "A": (2.0, 20.0),
        "B": (1.0, 10.0),
    }


def test_position_based_u_shape(example):
    # P1 (4 touches): Email 0.4, Display 0.1, Direct 0.1, Web 0.4 of 100
    # P2 (2 touches, both Display): 0.5 + 0.5; P5 (2 touches): Social 0.5, Direct 0.5 of 20
    # P6 (1 touch): Direct 1 of 10
    assert approx(credit(A.attribute(example, ["position"]), "position")) == {
        "Direct": (1.6, 30.0),
        "Display": (1.1, 60.0),
        "Social": (0.5, 10.0),
        "Email": (0.4, 40.0),
        "Web": (0.4, 40.0),
    }


def test_position_weights_are_editable():
    paths = A.PathSet.from_counts(
        pd.DataFrame(
            {"path": ["A > B > C > D", "E > F"], "n_conversions": [1, 1], "revenue": [10.0, 4.0]}
        )
    )
    result = A.attribute_paths(paths, ["position"], position_weights=(0.3, 0.6, 0.1))
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
    result = A.attribute(events, ["time_decay"], half_life_days=7)
    assert approx(credit(result, "time_decay")) == approx(
        {"Web": (4 / 7, 40.0), "Display": (2 / 7, 20.0), "Email": (1 / 7, 10.0)}
    )


def test_time_decay_with_one_day_half_life(example):
    # P1 ages 9, 5, 1, 0 days: 1/512, 1/32, 1/2, 1 -> 1/785, 16/785, 256/785, 512/785
    # P2 both Display: 1; P5 Social 1/2 : Direct 1 -> 1/3, 2/3; P6 Direct: 1
    result = A.attribute(example, ["time_decay"], half_life_days=1)
    expected = {
        "Direct": (256 / 785 + 2 / 3 + 1, 100 * 256 / 785 + 20 * 2 / 3 + 10),
        "Display": (16 / 785 + 1, 100 * 16 / 785 + 50),
        "Web": (512 / 785, 100 * 512 / 785),
        "Social": (1 / 3, 20 / 3),
        "Email": (1 / 785, 100 / 785),
    }
    assert approx(credit(result, "time_decay")) == approx(expected)


# -- Markov --------------------------------------------------------------------------------


def test_markov_published_three_path_example():
    # The toy example of many Markov attribution write-ups (e.g. analyzecore.com, 2016):
    #   C1 > C2 > C3 converts; C1 does not; C2 > C3 does not.
    # start -> C1 2/3, C2 1/3; C1 -> C2 1/2, null 1/2; C2 -> C3 1; C3 -> conv 1/2, null 1/2.
    # P(conv) = 2/3 * 1/2 * 1/2 + 1/3 * 1/2 = 1/3.
    # Without C1: 1/3 * 1/2 = 1/6 -> RE 1/2; without C2 or C3: 0 -> RE 1.
    # Credit of the 1 conversion: 0.5 / 2.5 = 0.2, 1 / 2.5 = 0.4, 0.4.
    paths = A.PathSet.from_counts(
        pd.DataFrame(
            {
                "path": ["C1 > C2 > C3", "C1", "C2 > C3"],
                "n_conversions": [1, 0, 0],
                "n_null": [0, 1, 1],
            }
        )
    )
    result = A.markov_model(paths)
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
    result = A.markov_model(A.build_path_set(example))
    effects = result.removal_effects.set_index("channel")
    assert effects["removal_effect"].to_dict() == pytest.approx(
        {"Direct": 0.75, "Display": 0.5, "Email": 0.25, "Social": 0.25, "Web": 0.25}
    )
    assert effects["revenue_removal_effect"].to_dict() == pytest.approx(
        {"Direct": 13 / 18, "Display": 14 / 27, "Email": 7 / 27, "Social": 13 / 54, "Web": 5 / 9}
    )
    assert result.conversion_probability == pytest.approx(2 / 3)
    assert result.expected_revenue == pytest.approx(30.0)
    assert approx(credit(A.attribute(example, ["markov"]), "markov")) == approx(
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
    paths = A.PathSet.from_counts(
        pd.DataFrame(
            {
                "path": ["A > B > A", "A > C", "B"],
                "n_conversions": [1, 0, 1],
                "n_null": [0, 1, 0],
                "revenue": [10.0, 0.0, 30.0],
            }
        )
    )
    result = A.markov_model(paths)
    assert result.removal_effects["removal_effect"].tolist() == pytest.approx([0.75, 2 / 3, 0])
    assert result.removal_effects["revenue_removal_effect"].tolist() == pytest.approx(
        [5 / 8, 5 / 6, 0]
    )
    assert approx(credit(A.attribute_paths(paths, ["markov"]), "markov")) == approx(
        {"A": (18 / 17, 120 / 7), "B": (16 / 17, 160 / 7), "C": (0.0, 0.0)}
    )
    transitions = result.transitions
    start = transitions[transitions["source"] == A.START_STATE].set_index("target")
    assert start["probability"].to_dict() == pytest.approx({"A": 2 / 3, "B": 1 / 3})
    assert set(transitions["target"]) >= {A.CONVERSION_STATE, A.NULL_STATE}


def test_markov_collapses_repeats():
    repeated = pd.DataFrame(
        {"path": ["A > A > B", "B > B"], "n_conversions": [1, 0], "n_null": [0, 1]}
    )
    plain = pd.DataFrame({"path": ["A > B", "B"], "n_conversions": [1, 0], "n_null": [0, 1]})
    for order in (1, 2):
        one = A.markov_model(A.PathSet.from_counts(repeated), order).removal_effects
        two = A.markov_model(A.PathSet.from_counts(plain), order).removal_effects
        assert_frame_equal(one, two)


def test_markov_order_two_remembers_where_a_journey_came_from():
    # A > B converts, C > B does not.
    # Order 1: B -> conv 1/2; without A: 1/2 * 1/2 = 1/4 of P = 1/2 -> RE 1/2; B: 1; C: 1/2
    #   -> 1 conversion split 0.25 / 0.5 / 0.25.
    # Order 2: states (A), (A,B), (C), (C,B); (A,B) always converts, (C,B) never.
    #   Without A: 0 -> RE 1; without B: 0 -> RE 1; without C: 1/2 -> RE 0 -> 0.5 / 0.5 / 0.
    paths = A.PathSet.from_counts(
        pd.DataFrame({"path": ["A > B", "C > B"], "n_conversions": [1, 0], "n_null": [0, 1]})
    )
    first = A.markov_model(paths, 1).attribution["conversions"].tolist()
    second = A.markov_model(paths, 2)
    assert first == pytest.approx([0.25, 0.5, 0.25])
    assert second.attribution["conversions"].tolist() == pytest.approx([0.5, 0.5, 0.0])
    assert set(second.transitions["source"]) == {A.START_STATE, "A", "A,B", "C", "C,B"}
    third = A.markov_model(paths, 3).attribution["conversions"].tolist()
    assert third == pytest.approx([0.5, 0.5, 0.0])


def test_markov_without_conversions_credits_nothing():
    paths = A.PathSet.from_counts(
        pd.DataFrame({"path": ["A > B"], "n_conversions": [0], "n_null": [3]})
    )
    result = A.markov_model(paths)
    assert result.attribution["conversions"].tolist() == [0.0, 0.0]
    assert result.removal_effects["removal_effect"].tolist() == [0.0, 0.0]


# -- Shapley -------------------------------------------------------------------------------


SHAPLEY_PATHS = pd.DataFrame(
    {
        "path": ["A > B", "A", "B > C > B", "C"],
        "n_conversions": [2, 1, 1, 0],
        "n_null": [0, 0, 0, 5],
        "revenue": [20.0, 30.0, 8.0, 0.0],
    }
)


def test_shapley_by_hand_over_every_coalition():
    # r({A,B}) = 2, r({A}) = 1, r({B,C}) = 1 (C alone never converts).
    # v: {} 0, A 1, B 0, C 0, AB 3, AC 1, BC 1, ABC 4. Weights |S|!(3-|S|-1)!/3!: 1/3, 1/6, 1/3.
    # phi_A = 1/3 * 1 + 1/6 * (3 - 0) + 1/6 * (1 - 0) + 1/3 * (4 - 1) = 2
    # phi_B = 1/3 * 0 + 1/6 * (3 - 1) + 1/6 * (1 - 0) + 1/3 * (4 - 1) = 1.5
    # phi_C = 1/3 * 0 + 1/6 * (1 - 1) + 1/6 * (1 - 0) + 1/3 * (4 - 3) = 0.5
    # Revenue v: A 30, AB 50, BC 8, ABC 58 -> A 40, B 14, C 4.
    paths = A.PathSet.from_counts(SHAPLEY_PATHS)
    result = A.shapley_model(paths)
    assert result.attrs["shapley_method"] == A.SHAPLEY_PER_COALITION
    assert result["conversions"].tolist() == pytest.approx([2.0, 1.5, 0.5])
    assert result["revenue"].tolist() == pytest.approx([40.0, 14.0, 4.0])


def test_shapley_closed_form_beyond_the_coalition_limit_gives_the_same_values():
    paths = A.PathSet.from_counts(SHAPLEY_PATHS)
    result = A.shapley_model(paths, max_exact_channels=2)
    assert result.attrs["shapley_method"] == A.SHAPLEY_CLOSED_FORM
    assert result["conversions"].tolist() == pytest.approx([2.0, 1.5, 0.5])
    assert result["revenue"].tolist() == pytest.approx([40.0, 14.0, 4.0])


def test_shapley_on_sixteen_channels_uses_the_closed_form():
    names = [f"ch{i:02d}" for i in range(16)]
    paths = A.PathSet.from_counts(
        pd.DataFrame({"path": [" > ".join(names), "ch00"], "n_conversions": [16, 4]})
    )
    result = A.attribute_paths(paths, ["shapley"])
    assert result.attrs["shapley_method"] == A.SHAPLEY_CLOSED_FORM
    # the long path's 16 conversions split 1 each; ch00 also has the 4 of its own path
    assert credit(result, "shapley")["ch00"] == (5.0, 0.0)
    assert credit(result, "shapley")["ch15"] == (1.0, 0.0)


# -- attribute: layout and invariants ------------------------------------------------------


def test_attribute_layout_and_order(example):
    result = A.attribute(example, ["last", "first"], channels=["Push"])
    assert list(result.columns) == ["channel", "model", "conversions", "revenue", "share"]
    assert result["model"].tolist() == ["last"] * 6 + ["first"] * 6
    assert result["channel"].tolist()[:6] == ["Direct", "Display", "Web", "Email", "Push", "Social"]
    assert result.loc[result["channel"] == "Push", "conversions"].tolist() == [0.0, 0.0]
    assert result.groupby("model")["share"].sum().tolist() == pytest.approx([1.0, 1.0])


def test_attribute_by_touchpoint_names_the_first_column_channel():
    events = make_events(
        [("a", "2024-01-01", "Email", False, 0.0), ("a", "2024-01-02", "Web", True, 8.0)],
        {TOUCHPOINT: ["Welcome", "Checkout"]},
    )
    result = A.attribute(events, ["first"], level=TOUCHPOINT)
    assert result["channel"].tolist() == ["Welcome", "Checkout"]


def test_attribute_on_no_conversions_gives_zero_shares():
    events = make_events([("a", "2024-01-01", "Email", False, 0.0)])
    result = A.attribute(events)
    assert (result["share"] == 0).all()
    assert (result["conversions"] == 0).all()


def test_attribute_on_empty_events():
    events = make_events([])
    result = A.attribute(events)
    assert result.empty
    assert list(result.columns) == list(A.RESULT_COLUMNS)


CHANNELS = ["Email", "Web", "Display", "Direct", "Social"]


@st.composite
def event_frames(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(1, 30))
    rows = []
    for _ in range(n):
        rows.append(
            (
                draw(st.sampled_from(["a", "b", "c", "d", "e", "f"])),
                pd.Timestamp("2024-01-01", tz="UTC")
                + pd.Timedelta(hours=draw(st.integers(0, 24 * 60))),
                draw(st.sampled_from(CHANNELS)),
                draw(st.booleans()),
                float(draw(st.integers(0, 500))),
            )
        )
    return make_events(rows)


def _conversion_totals(events: pd.DataFrame) -> tuple[int, float]:
    conversions = events[CONVERSION].to_numpy()
    return int(conversions.sum()), float(events.loc[conversions, REVENUE].sum())


@given(event_frames(), st.sampled_from([0, 7, 30]))
def test_every_model_adds_up_to_the_totals(events, window):
    n_conversions, revenue = _conversion_totals(events)
    result = A.attribute(events, window_days=window, channels=["Unseen"])
    sums = result.groupby("model", sort=False)[["conversions", "revenue", "share"]].sum()
    assert list(sums.index) == list(A.MODELS)
    assert sums["conversions"].to_numpy() == pytest.approx(np.full(8, n_conversions))
    assert sums["revenue"].to_numpy() == pytest.approx(np.full(8, revenue), abs=1e-6)
    expected_share = 1.0 if n_conversions else 0.0
    assert sums["share"].to_numpy() == pytest.approx(np.full(8, expected_share))
    unseen = result[result["channel"] == "Unseen"]
    assert len(unseen) == 8
    assert (unseen[["conversions", "revenue", "share"]] == 0).all().all()
    assert (result["conversions"] >= -1e-12).all()


@given(event_frames(), st.permutations(CHANNELS))
def test_relabelling_channels_permutes_the_result(events, renamed):
    mapping = dict(zip(CHANNELS, [f"new {c}" for c in renamed], strict=True))
    relabelled = events.assign(**{CHANNEL: events[CHANNEL].map(mapping).astype("str")})
    before = A.attribute(events).assign(channel=lambda f: f["channel"].map(mapping))
    after = A.attribute(relabelled)
    # "Direct" is special to last_non_direct, so compare the others on equal footing
    keys = ["model", "channel"]
    before = before[before["model"] != "last_non_direct"].sort_values(keys, ignore_index=True)
    after = after[after["model"] != "last_non_direct"].sort_values(keys, ignore_index=True)
    assert_frame_equal(before, after, check_exact=False, atol=1e-9)


@given(event_frames())
def test_shuffling_rows_changes_nothing(events):
    shuffled = events.sample(frac=1.0, random_state=3)
    assert_frame_equal(A.attribute(events), A.attribute(shuffled), check_exact=False, atol=1e-9)


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
    result = A.markov_model(A.PathSet.from_counts(frame)).attribution.set_index("channel")
    by_channel = frame.assign(channel=[c for c, _, _, _ in rows]).groupby("channel")
    expected = by_channel["n_conversions"].sum()
    # a lone channel gets exactly its own conversions: here each path stays within one channel
    for channel, conversions in expected.items():
        assert result.loc[channel, "conversions"] == pytest.approx(conversions)
    single = frame.assign(path=frame["path"].str.replace("B", "A").str.replace("C", "A"))
    alone = A.markov_model(A.PathSet.from_counts(single)).attribution
    assert alone["conversions"].tolist() == pytest.approx([frame["n_conversions"].sum()])
    assert alone["revenue"].tolist() == pytest.approx([frame["revenue"].sum()])


@given(
    st.lists(
        st.tuples(
            st.lists(st.sampled_from(list("ABCDEFG")), min_size=1, max_size=5),
            st.integers(0, 4),
            st.integers(0, 90),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_shapley_per_coalition_equals_closed_form(rows):
    frame = pd.DataFrame(
        {
            "path": [" > ".join(p) for p, _, _ in rows],
            "n_conversions": [c for _, c, _ in rows],
            "revenue": [float(r) for _, _, r in rows],
        }
    )
    paths = A.PathSet.from_counts(frame)
    exact = A.shapley_model(paths)
    closed = A.shapley_model(paths, max_exact_channels=0)
    assert exact["conversions"].to_numpy() == pytest.approx(closed["conversions"].to_numpy())
    assert exact["revenue"].to_numpy() == pytest.approx(closed["revenue"].to_numpy())


def test_aggregated_and_per_path_sets_agree(example):
    per_path = A.build_path_set(example)
    merged = A.aggregate_paths(per_path)
    assert merged.n_paths == 5
    for model in ("first", "linear", "position", "last_non_direct"):
        assert_frame_equal(A.heuristic_model(per_path, model), A.heuristic_model(merged, model))
    assert_frame_equal(A.markov_model(per_path).attribution, A.markov_model(merged).attribution)


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


# -- uncertainty and robustness ------------------------------------------------------------


def test_bootstrap_of_identical_customers_has_no_spread():
    rows = []
    for customer in "abcd":
        rows += [
            (customer, "2024-01-01", "Email", False, 0.0),
            (customer, "2024-01-02", "Web", True, 5.0),
        ]
    result = A.bootstrap_shares(make_events(rows), ["first", "linear", "markov"], n_resamples=20)
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
    one = A.bootstrap_shares(many, models, n_resamples=60, random_state=1)
    two = A.bootstrap_shares(many, models, n_resamples=60, random_state=1)
    assert_frame_equal(one, two)
    point = A.attribute(many, models)
    merged = point.merge(one, on=["channel", "model"])
    assert len(merged) == len(point)
    assert (merged["share_low"] <= merged["share"] + 1e-9).all()
    assert (merged["share_high"] >= merged["share"] - 1e-9).all()
    assert (one["share_high"] > one["share_low"]).any()


def test_bootstrap_reports_progress(example):
    calls = []
    A.bootstrap_shares(example, ["first"], n_resamples=5, progress=lambda f, m: calls.append(f))
    assert calls[-1] == 1.0


def test_lookback_sensitivity_moves_first_touch():
    events = make_events(
        [
            ("a", "2024-01-01", "Email", False, 0.0),  # 19 days before the conversion
            ("a", "2024-01-15", "Display", False, 0.0),  # 5 days before
            ("a", "2024-01-20", "Web", True, 9.0),
        ]
    )
    result = A.lookback_sensitivity(events, ["first"], windows=(7, 30))
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
    flags = A.find_disagreements(result, threshold=0.05)
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
    assert A.find_disagreements(result, threshold=0.35).empty


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
    sentence = A.find_disagreements(result)["sentence"].tolist()
    assert sentence == [
        "Web earns 50% under last non-direct touch but 5% under first touch: "
        "it closes journeys more than it opens them."
    ]


# -- channel metrics -----------------------------------------------------------------------


@pytest.fixture
def metric_events() -> pd.DataFrame:
    rows = [
        ("a", "2024-01-01 09:00", "Email", False, 0.0),  # Monday, week of Jan 1
        ("a", "2024-01-01 09:05", "Web", False, 0.0),
        ("a", "2024-01-02 10:00", "Web", True, 40.0),
        ("b", "2024-01-03 08:00", "Email", False, 0.0),
        ("b", "2024-01-03 08:30", "Email", False, 0.0),
        ("b", "2024-01-09 12:00", "Web", True, 60.0),  # next week
        ("c", "2024-01-10 12:00", "Social", False, 0.0),
    ]
    return make_events(
        rows,
        {
            SESSION_ID: ["s1", "s1", "s2", "s3", "s3", None, "s5"],
            EVENT_TYPE: ["click", "view", "purchase", "lead", "click", "purchase", "lead"],
            TOUCHPOINT: ["Promo", "Home", "Checkout", "Newsletter", "Promo", "Checkout", "Ad"],
        },
    )


def test_channel_metrics_by_week(metric_events):
    table = A.channel_metrics(metric_events, granularity="week", qualifying=["lead"])
    monday1 = pd.Timestamp("2024-01-01", tz="UTC")
    monday2 = pd.Timestamp("2024-01-08", tz="UTC")
    expected = pd.DataFrame(
        {
            "period": pd.DatetimeIndex([monday1, monday1, monday2, monday2, monday2]),
            "channel": ["Email", "Web", "Email", "Social", "Web"],
            # Email wk1: s1 (a), s3 (b) -> 2 sessions, 2 contacts, b had a lead -> 1 qualified
            # Web wk1: s1, s2 -> 2; wk2: one touch without session -> 1
            "sessions": [2, 2, 0, 1, 1],
            "contacts": [2, 1, 0, 1, 1],
            "qualified": [1, 0, 0, 1, 0],
            # a: Email > Web > Web converts Jan 2 (40): first Email, last Web
            # b: Email > Email > Web converts Jan 9 (60): first Email, last Web
            "sales_first": [1, 0, 1, 0, 0],
            "revenue_first": [40.0, 0.0, 60.0, 0.0, 0.0],
            "sales_last": [0, 1, 0, 0, 1],
            "revenue_last": [0.0, 40.0, 0.0, 0.0, 60.0],
        }
    )
    assert_frame_equal(table, expected, check_dtype=False, check_index_type=False)


def test_channel_metrics_date_range_and_whole_range(metric_events):
    table = A.channel_metrics(
        metric_events, start="2024-01-03", end="2024-01-09 23:59", granularity="all"
    )
    assert table["channel"].tolist() == ["Email", "Web"]
    assert table["period"].tolist() == [pd.Timestamp("2024-01-03", tz="UTC")] * 2
    assert table["sessions"].tolist() == [1, 1]
    assert table["sales_first"].tolist() == [1, 0]  # only b's conversion falls in the range
    assert table["sales_last"].tolist() == [0, 1]
    monthly = A.channel_metrics(metric_events, granularity="month")
    assert monthly["period"].unique().tolist() == [pd.Timestamp("2024-01-01", tz="UTC")]
    assert monthly["sales_last"].sum() == 2
    daily = A.channel_metrics(metric_events, granularity="day")
    assert daily["period"].min() == pd.Timestamp("2024-01-01", tz="UTC")
    with pytest.raises(SettingsError, match="granularity"):
        A.channel_metrics(metric_events, granularity="hour")


def test_channel_metrics_without_session_column_counts_touches(metric_events):
    table = A.channel_metrics(metric_events.drop(columns=SESSION_ID), granularity="all")
    assert table.set_index("channel")["sessions"].to_dict() == {"Email": 3, "Social": 1, "Web": 3}


def test_contact_list(metric_events):
    contacts = A.contact_list(metric_events)
    assert contacts[CUSTOMER_ID].tolist() == ["c", "b", "a"]
    assert contacts["contacts"].tolist() == [1, 3, 3]
    assert contacts["last_channel"].tolist() == ["Social", "Web", "Web"]
    assert contacts["last_touchpoint"].tolist() == ["Ad", "Checkout", "Checkout"]
    assert contacts["last_contact"].tolist() == [
        pd.Timestamp("2024-01-10 12:00", tz="UTC"),
        pd.Timestamp("2024-01-09 12:00", tz="UTC"),
        pd.Timestamp("2024-01-02 10:00", tz="UTC"),
    ]
    assert contacts["first_contact"].tolist()[2] == pd.Timestamp("2024-01-01 09:00", tz="UTC")
    assert contacts["conversions"].tolist() == [0, 1, 1]
    assert contacts[REVENUE].tolist() == [0.0, 60.0, 40.0]
    assert contacts[["contacts_Email", "contacts_Social", "contacts_Web"]].to_numpy().tolist() == [
        [0, 1, 0],
        [2, 0, 1],
        [1, 0, 2],
    ]
    january_3 = A.contact_list(metric_events, start="2024-01-03", end="2024-01-03 23:00")
    assert january_3[CUSTOMER_ID].tolist() == ["b"]
    assert january_3["contacts"].tolist() == [2]


def test_big_chains_use_the_sparse_solver_with_the_same_result(example, monkeypatch):
    dense = A.markov_model(A.build_path_set(example), order=2)
    monkeypatch.setattr(A, "_DENSE_LIMIT", 0)
    sparse = A.markov_model(A.build_path_set(example), order=2)
    assert_frame_equal(dense.removal_effects, sparse.removal_effects, check_exact=False)
    assert_frame_equal(dense.attribution, sparse.attribution, check_exact=False)


def test_join_intervals_and_qualifying_defaults_and_contact_filter(example, metric_events):
    result = A.attribute(example, ["first", "last"])
    intervals = pd.DataFrame(
        {
            "channel": ["Email", "Web"],
            "model": ["first", "last"],
            "share_low": [0.1, 0.2],
            "share_high": [0.4, 0.3],
        }
    )
    joined = A.join_intervals(result, intervals)
    assert joined["channel"].tolist() == result["channel"].tolist()
    email_first = joined[(joined["channel"] == "Email") & (joined["model"] == "first")]
    assert email_first[["share_low", "share_high"]].to_numpy().tolist() == [[0.1, 0.4]]
    assert joined["share_low"].isna().sum() == len(result) - 2
    assert A.default_qualifying(["view", "Add to cart", "lead", "purchase"]) == [
        "Add to cart",
        "lead",
    ]
    people = A.contact_list(metric_events)
    assert A.filter_contacts(people, "B")[CUSTOMER_ID].tolist() == ["b"]
    assert A.filter_contacts(people, last_channels=["Web"])[CUSTOMER_ID].tolist() == ["b", "a"]
    assert A.filter_contacts(people, min_contacts=2)[CUSTOMER_ID].tolist() == ["b", "a"]


def test_a_date_end_covers_the_whole_day(metric_events):
    import datetime as dt

    day = A.contact_list(metric_events, start=dt.date(2024, 1, 3), end=dt.date(2024, 1, 3))
    assert day[CUSTOMER_ID].tolist() == ["b"]
    assert day["contacts"].tolist() == [2]


# -- figures ---------------------------------------------------------------------------------


def test_attribution_bars_draw_one_trace_per_model_with_error_bars(example):
    from journey.viz import attribution_charts

    result = A.attribute(example, ["first", "last"])
    intervals = A.bootstrap_shares(example, ["first", "last"], n_resamples=10)
    figure = attribution_charts.build_attribution_bars(
        result, intervals, model_labels=A.MODEL_NAMES
    )
    assert [trace.name for trace in figure.data] == ["first touch", "last touch"]
    first = figure.data[0]
    # channels in the first model's order; Email first touch 25%: bars up to its bounds
    assert list(first.x) == ["Direct", "Display", "Email", "Social", "Web"]
    share = dict(zip(first.x, first.y, strict=True))
    assert share["Email"] == pytest.approx(0.25)
    bounds = intervals[(intervals["model"] == "first") & (intervals["channel"] == "Email")]
    assert first.error_y.array[2] == pytest.approx(bounds["share_high"].iloc[0] - 0.25)
    assert first.error_y.arrayminus[2] == pytest.approx(0.25 - bounds["share_low"].iloc[0])
    plain = attribution_charts.build_attribution_bars(result, value="revenue")
    assert plain.data[0].error_y.array is None


def test_figures_escape_channel_names():
    from journey.viz import attribution_charts

    events = make_events(
        [
            ("a", "2024-01-01", "<b>x</b>", False, 0.0),
            ("a", "2024-01-02", "Web", True, 1.0),
            ("b", "2024-01-01", "<b>x</b>", False, 0.0),
            ("c", "2024-01-03", "Web", True, 1.0),
        ]
    )
    paths = A.build_path_set(events)
    result = A.attribute_paths(paths, ["first", "markov"])
    bars = attribution_charts.build_attribution_bars(result)
    assert "&lt;b&gt;x&lt;/b&gt;" in list(bars.data[0].x)
    markov = A.markov_model(paths)
    removal = attribution_charts.build_removal_effects(markov.removal_effects)
    assert "&lt;b&gt;x&lt;/b&gt;" in list(removal.data[0].y)
    heatmap = attribution_charts.build_transition_heatmap(markov.transitions)
    assert list(heatmap.data[0].y) == ["(start)", "&lt;b&gt;x&lt;/b&gt;", "Web"]
    assert list(heatmap.data[0].x) == ["(conversion)", "(null)", "&lt;b&gt;x&lt;/b&gt;", "Web"]


def test_lookback_and_trend_figures(metric_events):
    from journey.viz import attribution_charts

    sensitivity = A.lookback_sensitivity(
        metric_events, ["first", "last", "linear"], windows=(1, 30)
    )
    figure = attribution_charts.build_lookback_sensitivity(sensitivity, model_labels=A.MODEL_NAMES)
    assert len(figure.data) == 3 * 3  # models x channels (Email, Social, Web)
    assert [a.text for a in figure.layout.annotations] == ["first touch", "last touch", "linear"]
    assert figure.data[3].xaxis == "x2"
    table = A.channel_metrics(metric_events, granularity="week")
    trend = attribution_charts.build_metrics_trend(table, "sessions")
    assert [trace.name for trace in trend.data] == ["Email", "Social", "Web"]
    assert list(trend.data[0].y) == [2, 0]
