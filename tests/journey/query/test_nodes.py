"""Labels of data values named like generated nodes: distinct, deterministic, by level."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from journey.query.nodes import data_labels, label_names
from journey.schema import CHANNEL, GENERATED_NODES, MISSING_NODE, TOUCHPOINT
from tests.journey.query.examples import RESERVED_NODES, make_events
from tests.oracle.paths import encode_level, path_order


@pytest.mark.parametrize("name", GENERATED_NODES)
def test_a_generated_name_in_the_data_gets_its_level(name):
    assert data_labels([name, "Web"], TOUCHPOINT) == {name: f"{name} ({TOUCHPOINT})"}


def test_ordinary_values_keep_their_names():
    assert data_labels(["Web", "Other channel", "Start page", "converted"], CHANNEL) == {}


def test_a_label_taken_by_another_value_is_numbered():
    names = ["Other", "Other (channel)", "Other (channel 2)", "Start"]
    assert data_labels(names, CHANNEL) == {
        "Other": "Other (channel 3)",
        "Start": "Start (channel)",
    }


def test_label_names_keeps_the_order_of_its_input():
    names = np.asarray(["Web", "Converted", "Other (channel)", "Other"], dtype=object)
    assert label_names(names, CHANNEL).tolist() == [
        "Web",
        "Converted (channel)",
        "Other (channel)",
        "Other (channel 2)",
    ]


def test_encode_level_keeps_missing_values_apart_from_a_value_named_missing():
    events = make_events(
        [
            ("a", "2024-01-01", MISSING_NODE, "x", False),
            ("a", "2024-01-02", None, "x", False),
            ("a", "2024-01-03", "Web", "x", False),
        ]
    )
    codes, names = encode_level(events, CHANNEL, path_order(events))
    assert names.tolist() == [MISSING_NODE, "(missing) (channel)", "Web"]  # sorted by name
    assert codes.tolist() == [1, 0, 2]


@given(st.lists(st.sampled_from([n for n in RESERVED_NODES if n is not None]), min_size=1))
def test_labels_are_distinct_and_never_generated_names(values):
    labels = data_labels(values, CHANNEL)
    shown = {labels.get(v, v) for v in values}
    assert len(shown) == len(set(values))  # distinct values stay distinct
    assert not shown & set(GENERATED_NODES)
    assert data_labels(list(reversed(values)), CHANNEL) == labels  # order does not matter


def test_label_names_of_no_names():
    assert label_names(np.asarray([], dtype=object), CHANNEL).tolist() == []
    assert data_labels(pd.Series([], dtype="str"), CHANNEL) == {}
