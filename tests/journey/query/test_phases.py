"""Phase rules, overrides, explicit phases, idempotence and the per-phase summary."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal, assert_series_equal

from journey.errors import InputError, SettingsError
from journey.query.phases import normalise_phase
from journey.schema import (
    CHANNEL,
    CONVERSION,
    CUSTOMER_ID,
    EVENT_TYPE,
    PHASE,
    PHASE_EXPLICIT,
    REVENUE,
    ROW,
    TEAM,
    TIMESTAMP,
    TOUCHPOINT,
    DatasetSettings,
)
from tests.oracle.phases import assign_phases, is_support, phase_summary

AW, ON, EN, PP = "awareness", "onboarding", "engagement", "post-purchase"


def make_events(rows: list[tuple], phases: list[str | None] | None = None) -> pd.DataFrame:
    """Canonical accepted events from (customer, time, channel, touchpoint, conversion) tuples."""
    customers, times, channels, touchpoints, conversions = zip(*rows, strict=True)
    n = len(rows)
    frame = pd.DataFrame(
        {
            CUSTOMER_ID: pd.array(customers, dtype="str"),
            TIMESTAMP: pd.to_datetime(list(times), utc=True, format="mixed").as_unit("us"),
            CHANNEL: pd.array(channels, dtype="str"),
            TOUCHPOINT: pd.array(touchpoints, dtype="str"),
            EVENT_TYPE: pd.array([None] * n, dtype="str"),
            CONVERSION: np.array(conversions, dtype=bool),
            REVENUE: np.zeros(n),
            TEAM: pd.array([None] * n, dtype="str"),
            PHASE: pd.array(phases if phases is not None else [None] * n, dtype="str"),
            ROW: np.arange(1, n + 1, dtype=np.int64),
        }
    )
    return frame


SETTINGS = DatasetSettings()

# One customer "a" exercising every rule; "b" never converts; "c" has one event, a conversion.
RULES = make_events(
    [
        ("a", "2024-01-01 09:00", "Paid Search", "Ad click", False),  # before: awareness
        ("a", "2024-01-02 09:00", "Chat", "Chatbot", False),  # support before: awareness
        ("a", "2024-01-05 12:00", "Call Center", "Sales call", False),  # same time, earlier row
        ("a", "2024-01-05 12:00", "Web", "Checkout", True),  # first conversion: onboarding
        ("a", "2024-01-05 12:00", "Chat", "Help chat", False),  # same time, later row: post
        ("a", "2024-01-15 12:00", "Email", "Welcome email", False),  # within window: onboarding
        ("a", "2024-02-04 12:00", "Web", "Account page", False),  # exactly 30 days: onboarding
        ("a", "2024-02-04 12:00:01", "Web", "Account page", False),  # 30 days + 1 s: engagement
        ("a", "2024-01-20 12:00", "Store", "Store purchase", True),  # 2nd conversion in window
        ("a", "2024-03-01 12:00", "Store", "Store purchase", True),  # 2nd conv after window
        ("a", "2024-03-02 12:00", "Web", "Returns portal", False),  # support after window: post
        ("b", "2024-01-01 09:00", "Email", "Newsletter", False),
        ("b", "2024-03-01 09:00", "Call Center", "Support call", False),  # no conversion
        ("c", "2024-01-03 00:00", "Store", "Store purchase", True),
    ]
)


def test_default_rules_by_hand():
    out = assign_phases(RULES, SETTINGS)
    expected = [AW, AW, AW, ON, PP, ON, ON, EN, ON, EN, PP, AW, AW, ON]
    assert out[PHASE].tolist() == expected
    assert not out[PHASE_EXPLICIT].any()


def test_rules_do_not_depend_on_row_order_and_keep_input_order():
    shuffled = RULES.sample(frac=1, random_state=3)
    out = assign_phases(shuffled, SETTINGS)
    assert out.index.tolist() == shuffled.index.tolist()
    expected = assign_phases(RULES, SETTINGS)[PHASE].reindex(shuffled.index)
    assert_series_equal(out[PHASE], expected)


def test_input_is_not_mutated():
    before = RULES.copy()
    assign_phases(RULES, SETTINGS)
    assert_frame_equal(RULES, before)


def test_onboarding_window_zero_days():
    out = assign_phases(RULES, DatasetSettings(onboarding_days=0))
    # only the conversion itself (and its same-time support touch) stay in the window
    assert out[PHASE].tolist() == [AW, AW, AW, ON, PP, EN, EN, EN, EN, EN, PP, AW, AW, ON]


def test_overrides_replace_rules_and_explicit_phase_wins():
    events = make_events(
        [
            ("a", "2024-01-01", "Web", "Pricing page", False),
            ("a", "2024-01-02", "Web", "Checkout", True),
            ("a", "2024-01-03", "Email", "Newsletter", False),
            ("a", "2024-01-04", "Email", "Newsletter", False),
        ],
        phases=[None, None, " ", "Post Purchase"],
    )
    settings = DatasetSettings(
        phase_overrides={"Newsletter": "Engagement", "Pricing page": "onboarding"}
    )
    out = assign_phases(events, settings)
    assert out[PHASE].tolist() == [ON, ON, EN, PP]
    assert out[PHASE_EXPLICIT].tolist() == [False, False, False, True]


def test_assign_phases_again_recomputes_only_rule_phases():
    events = make_events(
        [
            ("a", "2024-01-01", "Web", "Pricing page", False),
            ("a", "2024-01-02", "Web", "Checkout", True),
        ],
        phases=[None, "engagement"],
    )
    first = assign_phases(events, SETTINGS)
    assert first[PHASE].tolist() == [AW, EN]
    again = assign_phases(first, DatasetSettings(phase_overrides={"Pricing page": "post-purchase"}))
    assert again[PHASE].tolist() == [PP, EN]
    assert again[PHASE_EXPLICIT].tolist() == [False, True]


def test_unknown_explicit_phase_names_the_row():
    events = make_events(
        [("a", "2024-01-01", "Web", "Home", False), ("a", "2024-01-02", "Web", "Home", False)],
        phases=[None, "consideration"],
    )
    with pytest.raises(InputError, match=r"row 2, column 'phase': unknown phase 'consideration'"):
        assign_phases(events, SETTINGS)


def test_bad_settings_raise_settings_error():
    with pytest.raises(SettingsError, match="unknown phase 'later'"):
        assign_phases(RULES, DatasetSettings(phase_overrides={"Checkout": "later"}))
    with pytest.raises(SettingsError, match="0 days or more"):
        assign_phases(RULES, DatasetSettings(onboarding_days=-1))


def test_normalise_phase_spellings():
    assert normalise_phase(" Post_Purchase ") == PP
    assert normalise_phase("POSTPURCHASE") == PP
    assert normalise_phase("Awareness") == AW
    assert normalise_phase("after sales") is None


def test_is_support_matches_channel_or_touchpoint_any_case():
    flags = is_support(RULES)
    assert flags.tolist() == [
        False, True, True, False, True, False, False, False, False, False, True, False, True, False
    ]  # fmt: skip


def test_phase_summary_by_hand():
    events = make_events(
        [
            ("a", "2024-01-01", "Email", "Newsletter", False),  # awareness
            ("a", "2024-01-03", "Web", "Pricing", False),  # awareness (2 days in phase)
            ("a", "2024-01-04", "Web", "Checkout", True),  # onboarding
            ("a", "2024-01-10", "Chat", "Help chat", False),  # post-purchase
            ("b", "2024-01-01", "Web", "Home", False),  # awareness (0 days)
            ("b", "2024-01-02", "Social", "Post", False),  # awareness (1 day)
            ("c", "2024-01-01", "Store", "Till", True),  # onboarding (0 days)
            ("c", "2024-01-11", "Store", "Till", False),  # onboarding (10 days)
        ]
    )
    summary = phase_summary(assign_phases(events, SETTINGS))
    expected = pd.DataFrame(
        {
            PHASE: pd.array([AW, ON, EN, PP], dtype="str"),
            "customers": np.array([2, 2, 0, 1], dtype=np.int64),
            "events": np.array([4, 3, 0, 1], dtype=np.int64),
            "channels": np.array([3, 2, 0, 1], dtype=np.int64),
            "channel_list": pd.array(["Email, Social, Web", "Store, Web", "", "Chat"], dtype="str"),
            "median_days": [1.5, 5.0, np.nan, 0.0],  # a: 2 d, b: 1 d; a: 0 d, c: 10 d
            "share_of_customers": [2 / 3, 2 / 3, 0.0, 1 / 3],
        }
    )
    assert_frame_equal(summary, expected)


def test_phase_summary_needs_phases():
    with pytest.raises(SettingsError, match="assign_phases"):
        phase_summary(RULES)


# -- properties ------------------------------------------------------------------------------

_event = st.tuples(
    st.sampled_from(["a", "b", "c"]),
    st.integers(0, 90),  # day offset
    st.sampled_from(["Web", "Chat", "Email", "Call Center"]),
    st.booleans(),
    st.sampled_from([None, None, None, "awareness", "Engagement"]),
)


@given(st.lists(_event, min_size=1, max_size=25), st.integers(0, 40), st.booleans())
def test_assign_phases_is_idempotent(raw, window, override):
    rows = [
        (c, pd.Timestamp("2024-01-01") + pd.Timedelta(days=d), ch, ch, conv)
        for c, d, ch, conv, _ in raw
    ]
    events = make_events(rows, phases=[p for *_, p in raw])
    settings = DatasetSettings(
        onboarding_days=window, phase_overrides={"Email": "engagement"} if override else {}
    )
    once = assign_phases(events, settings)
    assert_frame_equal(assign_phases(once, settings), once)
    assert once[PHASE].notna().all()
    assert set(once[PHASE]) <= {AW, ON, EN, PP}
