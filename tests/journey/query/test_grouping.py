"""Grouping rules: first rule wins, preview, unusable rules."""

from __future__ import annotations

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from journey.errors import SettingsError
from journey.query import grouping
from journey.schema import CUSTOMER_ID, TOUCHPOINT, GroupingRule
from tests.journey.query.examples import frame, make_events

GROUPING = make_events(
    [
        ("a", "2024-01-01", "Web", "Product page 123", False),
        ("a", "2024-01-02", "Web", "Product page 456", False),
        ("a", "2024-01-03", "Web", "Pricing", False),
        ("b", "2024-01-01", "Web", "product PAGE 123", False),
        ("b", "2024-01-02", "Web", "Product tour", False),
    ]
)
RULES = [
    GroupingRule("product page", "Product page"),
    GroupingRule(r"^Pri", "Pricing pages", regex=True),
    GroupingRule("checkout", "Checkout"),
]


def test_apply_grouping_first_rule_wins():
    out = grouping.apply_grouping(GROUPING, RULES)
    assert out[TOUCHPOINT].tolist() == [
        "Product page",
        "Product page",
        "Pricing pages",
        "Product page",
        "Product tour",
    ]
    assert GROUPING[TOUCHPOINT].iloc[0] == "Product page 123"  # input untouched


def test_preview_grouping_lists_caught_touchpoints():
    expected = frame(
        ["rule", "pattern", "group", "touchpoint", "events"],
        [
            [1, "product page", "Product page", "Product page 123", 1],
            [1, "product page", "Product page", "Product page 456", 1],
            [1, "product page", "Product page", "product PAGE 123", 1],
            [2, "^Pri", "Pricing pages", "Pricing", 1],
            [3, "checkout", "Checkout", "", 0],
        ],
    )
    assert_frame_equal(grouping.preview_grouping(GROUPING, RULES), expected)


def test_invalid_regex_names_the_pattern():
    with pytest.raises(SettingsError, match=r"'Product \(': invalid regular expression"):
        grouping.apply_grouping(GROUPING, [GroupingRule("Product (", "P", regex=True)])


def test_preview_grouping_without_rules_is_empty():
    events = pd.DataFrame({CUSTOMER_ID: ["a", "b"], TOUCHPOINT: ["Home", "Cart"]})
    preview = grouping.preview_grouping(events, ())
    assert list(preview.columns) == ["rule", "pattern", "group", "touchpoint", "events"]
    assert len(preview) == 0
