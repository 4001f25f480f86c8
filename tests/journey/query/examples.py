"""Hand-made events shared by the query tests, and a hypothesis strategy for random ones."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
from hypothesis import strategies as st

from journey.schema import (
    CHANNEL,
    CONVERSION,
    CONVERTED,
    CUSTOMER_ID,
    EVENT_TYPE,
    MISSING_NODE,
    NO_CONVERSION,
    OTHER,
    PHASE,
    REVENUE,
    ROW,
    START,
    TEAM,
    TIMESTAMP,
    TOUCHPOINT,
)


def make_events(rows: list[tuple], teams: list[str] | None = None) -> pd.DataFrame:
    """Canonical accepted events from (customer, time, channel, touchpoint, conversion) tuples."""
    customers, times, channels, touchpoints, conversions = zip(*rows, strict=True)
    n = len(rows)
    return pd.DataFrame(
        {
            CUSTOMER_ID: pd.array(customers, dtype="str"),
            TIMESTAMP: pd.to_datetime(list(times), utc=True, format="mixed").as_unit("us"),
            CHANNEL: pd.array(channels, dtype="str"),
            TOUCHPOINT: pd.array(touchpoints, dtype="str"),
            EVENT_TYPE: pd.array([None] * n, dtype="str"),
            CONVERSION: np.array(conversions, dtype=bool),
            REVENUE: np.where(np.array(conversions, dtype=bool), 50.0, 0.0),
            TEAM: pd.array(teams if teams is not None else [None] * n, dtype="str"),
            PHASE: pd.array([None] * n, dtype="str"),
            ROW: np.arange(1, n + 1, dtype=np.int64),
        }
    )


def frame(columns: list[str], rows: list[list], **dtypes: str) -> pd.DataFrame:
    """An expected frame: str columns for text, int64 for counts, float64 for rates."""
    out = pd.DataFrame(rows, columns=columns)
    for column in columns:
        if column in dtypes:
            out[column] = out[column].astype(dtypes[column])
        elif out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].astype("str")
        elif pd.api.types.is_integer_dtype(out[column]):
            out[column] = out[column].astype("int64")
        elif pd.api.types.is_float_dtype(out[column]):
            out[column] = out[column].astype("float64")
    return out


TRANSITIONS = ["source", "target", "count", "customers"]
STEPS = ["step", "source", "target", "count"]

# a: tie at 00:00 (row order: Email first), repeats of Web, converts at the end.
# b: never converts; c: a single event; d: two conversions then a later touch.
EVENTS = make_events(
    [
        ("a", "2024-01-01", "Email", "Newsletter", False),
        ("a", "2024-01-01", "Web", "Home", False),
        ("a", "2024-01-02", "Web", "Product", False),
        ("a", "2024-01-03", "Web", "Cart", False),
        ("a", "2024-01-04", "Web", "Checkout", True),
        ("b", "2024-01-05", "Social", "Post", False),
        ("b", "2024-01-06", "Web", "Home", False),
        ("b", "2024-01-07", "Web", "Cart", False),
        ("c", "2024-01-02", "Email", "Newsletter", False),
        ("d", "2024-01-01", "Web", "Home", False),
        ("d", "2024-01-02", "Store", "Till", True),
        ("d", "2024-01-10", "Store", "Till", True),
        ("d", "2024-01-12", "Email", "Newsletter", False),
    ],
    teams=["marketing", "product", "product", "product", "product", "marketing", "product",
           "product", "marketing", "product", "sales", "sales", "marketing"],
)  # fmt: skip


TOP = make_events(
    [
        ("p", "2024-01-01", "A", "A", False),
        ("p", "2024-01-02", "B", "B", True),  # A B, converted, 1 day
        ("q", "2024-01-01", "A", "A", False),
        ("q", "2024-01-04", "B", "B", False),  # A B, 3 days
        ("r", "2024-01-01", "A", "A", False),
        ("r", "2024-01-02", "A", "A", False),
        ("r", "2024-01-03", "B", "B", True),  # A A B, converted, 2 days
        ("s", "2024-01-01", "B", "B", False),  # B
        ("t", "2024-01-01", "B", "B", False),
        ("t", "2024-01-05", "A", "A", False),  # B A, 4 days
    ]
)
TOP_COLUMNS = ["path", "length", "customers", "share", "conversion_rate", "median_duration_days"]


# -- data values named like generated nodes ---------------------------------------------

# The flows' own names: a data value equal to one of them is labelled "<name> (channel)".
FLOW_NAMES = [START, CONVERTED, NO_CONVERSION, OTHER]


def reserved_events(name: str) -> pd.DataFrame:
    """Three customers whose channel `name` is also the name of a generated node.

    a: name, Web, Email (converts at Email), days 0, 1, 2; b: Web, name (no conversion),
    days 0, 1; c: name (no conversion), day 0. Collapsed volumes: name 3, Web 2, Email 1.
    """
    return make_events(
        [
            ("a", "2024-01-01", name, name, False),
            ("a", "2024-01-02", "Web", "Web", False),
            ("a", "2024-01-03", "Email", "Email", True),
            ("b", "2024-01-01", "Web", "Web", False),
            ("b", "2024-01-02", name, name, False),
            ("c", "2024-01-01", name, name, False),
        ]
    )


# -- random events -----------------------------------------------------------------------

NODES = ["Web", "Email", "Store", "Chat"]
# Generated names, a label one of them gets, and a missing value (named "(missing)").
RESERVED_NODES = [*FLOW_NAMES, MISSING_NODE, "Other (channel)", "Web", None]


@st.composite
def event_frames(
    draw: st.DrawFn, ties: bool = True, nodes: list[str | None] = NODES
) -> pd.DataFrame:
    """Random canonical events; without ties every customer's timestamps are distinct."""
    n = draw(st.integers(1, 30))
    customers = draw(st.lists(st.sampled_from("abcdef"), min_size=n, max_size=n))
    if ties:
        days = draw(st.lists(st.integers(0, 5), min_size=n, max_size=n))
    else:
        days = draw(st.lists(st.integers(0, 10_000), min_size=n, max_size=n, unique=True))
    nodes = draw(st.lists(st.sampled_from(nodes), min_size=n, max_size=n))
    conversions = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    rows = [
        (c, pd.Timestamp("2024-01-01") + pd.Timedelta(hours=d), node, node, conv)
        for c, d, node, conv in zip(customers, days, nodes, conversions, strict=True)
    ]
    return make_events(rows)


def python_paths(events: pd.DataFrame, keep_repeats: bool) -> dict[str, list[str]]:
    """Reference paths, one customer at a time (test oracle only)."""
    out: dict[str, list[str]] = {}
    for record in events.sort_values([CUSTOMER_ID, TIMESTAMP, ROW]).itertuples():
        path = out.setdefault(record.customer_id, [])
        if keep_repeats or not path or path[-1] != record.channel:
            path.append(record.channel)
    return out


def shuffle_rows(events: pd.DataFrame, rnd: random.Random) -> pd.DataFrame:
    """The events in a random row order, `row` renumbered: the file order changes too."""
    order = list(range(len(events)))
    rnd.shuffle(order)
    shuffled = events.iloc[order].reset_index(drop=True)
    shuffled[ROW] = np.arange(1, len(shuffled) + 1)
    return shuffled
