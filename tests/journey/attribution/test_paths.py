"""Conversion paths: cutting at conversions, the window, ties, exclusions, levels.

Every expected number below is worked out by hand in the comment next to it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.testing import assert_frame_equal

from journey.attribution.heuristic import heuristic_model
from journey.attribution.markov import (
    markov_model,
)
from journey.attribution.models import (
    AttributionSettings,
    attribute,
)
from journey.attribution.paths import (
    NO_TOUCH,
    aggregate_paths,
    build_path_set,
    conversion_paths,
    count_paths,
)
from journey.query.segments import NOT_SET
from journey.schema import (
    CAMPAIGN,
    CUSTOMER_ID,
    EVENT_TYPE,
    REVENUE,
    TOUCHPOINT,
)
from tests.journey.attribution.examples import credit, make_events


def test_conversion_paths_cut_at_conversions_and_keep_trailing_touches(example):
    paths = conversion_paths(example)
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
    counts = count_paths(conversion_paths(example))
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
    assert conversion_paths(events, window_days=30)["path"].tolist() == ["Email > Social > Web"]
    assert conversion_paths(events, window_days=0)["path"].tolist() == ["TV > Email > Social > Web"]
    assert conversion_paths(events, window_days=1)["path"].tolist() == ["Web"]


def test_non_converting_paths_ignore_the_window():
    events = make_events(
        [("a", "2024-01-01", "TV", False, 0.0), ("a", "2024-06-01", "Web", False, 0.0)]
    )
    assert conversion_paths(events, window_days=7)["path"].tolist() == ["TV > Web"]


def test_second_conversion_starts_after_the_first():
    events = make_events(
        [
            ("a", "2024-01-01", "Email", False, 0.0),
            ("a", "2024-01-02", "Web", True, 10.0),
            ("a", "2024-01-03", "Social", False, 0.0),
            ("a", "2024-01-04", "Store", True, 20.0),
        ]
    )
    paths = conversion_paths(events)
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
    assert conversion_paths(events)["path"].tolist() == ["TV > Web", "Email"]
    shuffled = events.iloc[[2, 0, 1]]
    assert conversion_paths(shuffled)["path"].tolist() == ["TV > Web", "Email"]


def test_excluded_converting_channel_keeps_the_conversion_on_earlier_touches():
    events = make_events(
        [
            ("a", "2024-01-01", "Email", False, 0.0),
            ("a", "2024-01-02", "Web", True, 30.0),  # excluded: path ends at Email
            ("b", "2024-01-03", "Web", True, 12.0),  # nothing left: credited to (none)
            ("c", "2024-01-04", "Web", False, 0.0),  # nothing left, no conversion: dropped
        ]
    )
    paths = conversion_paths(events, exclude_channels=["Web"])
    assert paths["path"].tolist() == ["Email", NO_TOUCH]
    assert paths["converted"].tolist() == [True, True]
    result = attribute(events, AttributionSettings(models=("last",), exclude_channels=("Web",)))
    assert credit(result, "last") == {"Email": (1.0, 30.0), NO_TOUCH: (1.0, 12.0)}


def test_excluded_event_types_are_dropped_from_paths():
    events = make_events(
        [
            ("a", "2024-01-01", "Email", False, 0.0),
            ("a", "2024-01-02", "Display", False, 0.0),
            ("a", "2024-01-03", "Web", True, 30.0),
        ],
        {EVENT_TYPE: ["click", "impression", "purchase"]},
    )
    paths = conversion_paths(events, exclude_event_types=["impression"])
    assert paths["path"].tolist() == ["Email > Web"]


def test_touchpoint_and_campaign_levels_and_missing_values():
    events = make_events(
        [("a", "2024-01-01", "Email", False, 0.0), ("a", "2024-01-02", "Web", True, 8.0)],
        {TOUCHPOINT: ["Welcome email", "Checkout"], CAMPAIGN: ["Spring", None]},
    )
    assert conversion_paths(events, level=TOUCHPOINT)["path"].tolist() == [
        "Welcome email > Checkout"
    ]
    assert conversion_paths(events, level=CAMPAIGN)["path"].tolist() == [f"Spring > {NOT_SET}"]


def test_aggregated_and_per_path_sets_agree(example):
    per_path = build_path_set(example)
    merged = aggregate_paths(per_path)
    assert merged.n_paths == 5
    for model in ("first", "linear", "position", "last_non_direct"):
        assert_frame_equal(heuristic_model(per_path, model), heuristic_model(merged, model))
    assert_frame_equal(markov_model(per_path).attribution, markov_model(merged).attribution)
