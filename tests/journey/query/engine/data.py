"""Prepared events for the engine tests: the sample, hand-made events and random ones.

Every engine test registers prepared events (`scope.prepare_events`) as a relation and
compares the engine's result with the pandas function's on the very same frame.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
import pytest
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from journey.io.load import load_file
from journey.query.engine.relation import register_prepared_frame
from journey.query.engine.runner import Runner
from journey.schema import (
    CAMPAIGN,
    CHANNEL,
    CONVERSION,
    CUSTOMER_ID,
    EVENT_TYPE,
    REVENUE,
    ROW,
    SEGMENT,
    SESSION_ID,
    TEAM,
    TIMESTAMP,
    TOUCHPOINT,
    DatasetSettings,
)
from tests.conftest import SAMPLE_DIR
from tests.oracle.scope import prepare_events

EV = "ev"


@lru_cache(maxsize=1)
def _sample() -> pd.DataFrame:
    result, _ = load_file(SAMPLE_DIR / "events.csv")
    return prepare_events(result.accepted, DatasetSettings())


def sample(customers: int | None = None) -> pd.DataFrame:
    """The bundled sample, prepared; only the first `customers` ids (sorted) when given."""
    events = _sample()
    if customers is None:
        return events.copy()
    keep = sorted(events[CUSTOMER_ID].unique())[:customers]
    return events[events[CUSTOMER_ID].isin(keep)].reset_index(drop=True)


def register(runner: Runner, events: pd.DataFrame, name: str = EV) -> str:
    """Register prepared events as `name` and return the name."""
    register_prepared_frame(runner, name, events)
    return name


def same(result: pd.DataFrame, expected: pd.DataFrame, **kwargs: object) -> None:
    """assert_frame_equal, reading the oracle's nullable columns as "str" and int64.

    The pandas functions return nullable "string"/"Int64" columns when given the nullable
    dtypes validation produces; the engine always returns "str" and int64 (the contract).
    """
    expected = expected.copy()
    for column in expected.columns:
        values = expected[column]
        if isinstance(values.dtype, pd.StringDtype) and values.dtype != "str":
            expected[column] = values.astype(object).where(values.notna(), None).astype("str")
        elif values.dtype == "Int64" and not values.isna().any():
            expected[column] = values.astype("int64")
    assert_frame_equal(result, expected, **kwargs)


CHANNELS = ["Web", "Email", "Store", "Chat", "Direct"]
TOUCHES = {"Web": ["Home", "Cart", None], "Email": ["News"], "Store": ["Till"],
           "Chat": ["Help chat"], "Direct": ["Direct"]}  # fmt: skip
TYPES = ["view", "click", "purchase", "signup", None]


@st.composite
def random_events(draw: st.DrawFn, max_events: int = 30) -> pd.DataFrame:
    """Random prepared events: ties in time, repeats, several conversions, missing values.

    Some Web touches have no touchpoint; campaign, event type and session are often missing.
    """
    n = draw(st.integers(1, max_events))
    ints = lambda lo, hi: st.lists(st.integers(lo, hi), min_size=n, max_size=n)  # noqa: E731
    customers = draw(st.lists(st.sampled_from("abcdef"), min_size=n, max_size=n))
    hours = draw(ints(0, 24 * 40))
    channels = draw(st.lists(st.sampled_from(CHANNELS), min_size=n, max_size=n))
    picks = draw(ints(0, 2))
    conversions = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    revenue = draw(ints(0, 3))
    types = draw(st.lists(st.sampled_from(TYPES), min_size=n, max_size=n))
    sessions = draw(st.lists(st.sampled_from(["s1", "s2", "s3", None]), min_size=n, max_size=n))
    touchpoints = [TOUCHES[c][p % len(TOUCHES[c])] for c, p in zip(channels, picks, strict=True)]
    accepted = pd.DataFrame(
        {
            CUSTOMER_ID: pd.array(customers, dtype="str"),
            TIMESTAMP: (
                pd.Timestamp("2024-01-01", tz="UTC") + pd.to_timedelta(hours, unit="h")
            ).as_unit("us"),
            CHANNEL: pd.array(channels, dtype="str"),
            TOUCHPOINT: pd.array(touchpoints, dtype="str"),
            EVENT_TYPE: pd.array(types, dtype="str"),
            CONVERSION: np.array(conversions, dtype=bool),
            REVENUE: np.where(conversions, np.array(revenue, dtype=float) * 25.0, 0.0),
            TEAM: pd.array(["marketing"] * n, dtype="str"),
            CAMPAIGN: pd.array(["Spring" if h % 2 else None for h in hours], dtype="str"),
            SESSION_ID: pd.array(sessions, dtype="str"),
            SEGMENT: pd.array(["SMB" if c < "d" else "Consumer" for c in customers], dtype="str"),
            ROW: np.arange(1, n + 1, dtype=np.int64),
        }
    )
    return prepare_events(accepted, DatasetSettings())


def same_figures(result: dict[str, object], expected: dict[str, object]) -> None:
    """Dicts of figures equal, floats to 1e-9 relative (engines sum in another order)."""
    assert result.keys() == expected.keys()
    for key, value in expected.items():
        if isinstance(value, float):
            assert result[key] == pytest.approx(value, rel=1e-9), key
        else:
            assert result[key] == value, key


def check_journey_map(runner: Runner, name: str, events: pd.DataFrame, level: str, steps: int,
                      keep: bool, top_k: int) -> None:  # fmt: skip
    """The engine's journey map of relation `name` equals the oracle's on `events`."""
    from journey.query.engine import maps
    from tests.oracle import flows, stats

    got = maps.journey_map(runner, name, level, steps, keep, top_k)
    table, fold = flows.step_flows_with_fold(events, level, steps, keep, top_k)
    same(got.steps, table)
    assert got.fold == fold
    nodes = stats.node_stats(events, level, keep)
    same(got.phases, nodes[["node", "volume", "dominant_phase"]])
    same(got.top_paths, flows.top_paths(events, level, keep, n=20))


def check_network_map(runner: Runner, name: str, events: pd.DataFrame, level: str, keep: bool,
                      end_nodes: bool) -> None:  # fmt: skip
    """The engine's network map (transitions, node stats) of `name` equals the oracle's."""
    from journey.query.engine import maps
    from tests.oracle import flows, stats

    transitions, nodes = maps.network_map(runner, name, level, keep, end_nodes)
    same(transitions, flows.count_transitions(events, level, keep, end_nodes=end_nodes))
    same(nodes, stats.node_stats(events, level, keep))
