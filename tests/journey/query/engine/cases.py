"""Raw events and settings for the engine-core tests (prepare, filters, flows), and a comparer."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from journey.schema import (
    CAMPAIGN,
    CHANNEL,
    CONVERSION,
    CUSTOMER_ID,
    EVENT_TYPE,
    PHASE,
    REVENUE,
    ROW,
    SEGMENT,
    TEAM,
    TIMESTAMP,
    TOUCHPOINT,
    DatasetSettings,
    GroupingRule,
)

HOSTILE = "it's \\ \"; DROP TABLE x; --"
CHANNELS = ["Web", "Email", "Call Center", "Store", HOSTILE]
TOUCHPOINTS = ["Home", "Help chat", "Checkout", "Refund desk", "Promo", "Converted", HOSTILE, None]
EXPLICIT = [None, None, None, None, "Onboarding", "post purchase", " ", "engagement"]
RULES = [
    GroupingRule("o", "O-group"),
    GroupingRule("^H", "H-group", regex=True),
    GroupingRule("(?i)REFUND", "Refunds", regex=True),
    GroupingRule("CHAT", "Chats"),
    GroupingRule("'s \\", "Quoted"),
]
TEAM_MAPS = [{}, {"Home": "web team", "Chats": "service"}, {"O-group": "sales", HOSTILE: "x'y"}]
OVERRIDES = [{}, {"Promo": "Post purchase", "O-group": "engagement"}, {"Checkout": "awareness"}]


def raw_frame(rows: list[tuple], **extra: list) -> pd.DataFrame:
    """Accepted events as the validator gives them, from (customer, time, channel, touchpoint,
    conversion) tuples; keyword lists add or replace columns."""
    customers, times, channels, touchpoints, conversions = zip(*rows, strict=True)
    n = len(rows)
    columns = {
        CUSTOMER_ID: pd.array(customers, dtype="str"),
        TIMESTAMP: pd.to_datetime(list(times), utc=True, format="mixed").as_unit("us"),
        CHANNEL: pd.array(channels, dtype="str"),
        TOUCHPOINT: pd.array(touchpoints, dtype="str"),
        EVENT_TYPE: pd.array([None] * n, dtype="str"),
        CONVERSION: np.array(conversions, dtype=bool),
        REVENUE: np.where(np.array(conversions, dtype=bool), 50.0, 0.0),
        TEAM: pd.array([None] * n, dtype="str"),
        PHASE: pd.array([None] * n, dtype="str"),
        CAMPAIGN: pd.array([None] * n, dtype="str"),
        SEGMENT: pd.array([None] * n, dtype="str"),
    }
    for name, values in extra.items():
        columns[name] = pd.array(values, dtype="str") if name != ROW else values
    columns.setdefault(ROW, np.arange(1, n + 1, dtype=np.int64))
    frame = pd.DataFrame(columns)
    return frame[[c for c in frame.columns if c != ROW] + [ROW]]


@st.composite
def raw_events(draw: st.DrawFn, max_rows: int = 25) -> pd.DataFrame:
    """Random accepted events: ties, several conversions, support touches, explicit phases."""
    n = draw(st.integers(1, max_rows))

    def column(options: list) -> list:
        return draw(st.lists(st.sampled_from(options), min_size=n, max_size=n))

    hours = column([0, 0, 1, 24, 24 * 3, 24 * 20, 24 * 31, 24 * 45])
    rows = [
        (c, pd.Timestamp("2024-01-01") + pd.Timedelta(hours=h), ch, tp, conv)
        for c, h, ch, tp, conv in zip(
            column(list("abcd")),
            hours,
            column(CHANNELS),
            column(TOUCHPOINTS),
            column([False, False, True]),
            strict=True,
        )
    ]
    return raw_frame(
        rows,
        **{
            PHASE: column(EXPLICIT),
            TEAM: column([None, "sales", "service"]),
            SEGMENT: column([None, "SMB", HOSTILE]),
            CAMPAIGN: column([None, "Spring"]),
        },
    )


@st.composite
def dataset_settings(draw: st.DrawFn) -> DatasetSettings:
    """Random grouping rules, team map, phase overrides and onboarding window."""
    return DatasetSettings(
        onboarding_days=draw(st.sampled_from([0, 1, 30])),
        grouping_rules=tuple(draw(st.lists(st.sampled_from(RULES), max_size=3, unique=True))),
        team_map=draw(st.sampled_from(TEAM_MAPS)),
        phase_overrides=draw(st.sampled_from(OVERRIDES)),
    )


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as object with None for missing, so engine and pandas frames compare."""
    out = {}
    for column in frame.columns:
        values = frame[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
            out[column] = values.astype(object).where(values.notna(), None)
        elif pd.api.types.is_datetime64_any_dtype(values.dtype):
            out[column] = values.astype("datetime64[us]")  # Spark returns nanoseconds
        else:
            out[column] = values
    return pd.DataFrame(out).reset_index(drop=True)


def assert_same(got: pd.DataFrame, expected: pd.DataFrame, sort: str | None = None) -> None:
    """Assert two frames hold the same values, text dtypes aside (optionally sorted first)."""
    if sort is not None:
        got = got.sort_values(sort, ignore_index=True)
        expected = expected.sort_values(sort, ignore_index=True)
    assert_frame_equal(_plain(got), _plain(expected))
