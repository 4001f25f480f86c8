"""Attribution on the engine equals `models.attribute` on the same prepared events."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from journey.attribution.engine import (
    attribute_inputs,
    engine_attribute,
    engine_bootstrap_shares,
    engine_fit_markov,
    engine_inputs,
    engine_path_counts,
    engine_path_set,
    path_set_from_counts,
    path_spec,
)
from journey.attribution.markov import MarkovResult, markov_model
from journey.attribution.models import MODELS, AttributionSettings, attribute, fit_markov
from journey.attribution.paths import (
    aggregate_paths,
    build_path_set,
    conversion_paths,
    count_paths,
)
from journey.attribution.uncertainty import bootstrap_shares
from journey.errors import SettingsError
from journey.query.engine import files
from journey.query.engine.attribution import (
    PathSpec,
    chain_counts,
    key_arrays,
    list_arrays,
    unique_paths,
)
from journey.query.engine.runner import DuckDBRunner
from journey.schema import CAMPAIGN, CHANNEL, TOUCHPOINT
from tests.journey.attribution.examples import EXAMPLE, credit, make_events
from tests.journey.query.engine.data import random_events, register, same, sample

EVERY = AttributionSettings(models=MODELS)


def test_example_by_hand(duck):
    name = register(duck, make_events(EXAMPLE))
    result = engine_attribute(duck, name, EVERY)
    # P1 a: Email > Display > Direct > Web (100), P2 b: Display > Display (50),
    # P5 d: Social > Direct (20), P6 e: Direct (10); P3, P4 never convert.
    assert credit(result, "first") == {
        "Email": (1.0, 100.0), "Display": (1.0, 50.0), "Social": (1.0, 20.0),
        "Direct": (1.0, 10.0), "Web": (0.0, 0.0),
    }  # fmt: skip
    # last non-direct: P1 Web, P2 Display, P5 Social, P6 Direct (its only touch is direct)
    assert credit(result, "last_non_direct") == {
        "Direct": (1.0, 10.0), "Display": (1.0, 50.0), "Social": (1.0, 20.0),
        "Web": (1.0, 100.0), "Email": (0.0, 0.0),
    }  # fmt: skip
    # linear: P1 a quarter each, P2 two halves of Display, P5 halves, P6 Direct
    assert credit(result, "linear")["Direct"] == (1.75, 0.25 * 100 + 0.5 * 20 + 10)
    same(result, attribute(make_events(EXAMPLE), EVERY))
    assert (
        result.attrs["shapley_method"]
        == attribute(make_events(EXAMPLE), EVERY).attrs["shapley_method"]
    )


def test_settings_errors_as_pandas(duck):
    name = register(duck, make_events(EXAMPLE))
    with pytest.raises(SettingsError, match="window_days"):
        engine_attribute(duck, name, AttributionSettings(window_days=-1))
    with pytest.raises(SettingsError, match="unknown attribution model"):
        engine_attribute(duck, name, AttributionSettings(models=("u_shape",)))
    with pytest.raises(SettingsError, match="level"):
        engine_attribute(duck, name, AttributionSettings(level="phase"))
    bad = AttributionSettings(models=("position",), position_weights=(0.5, 0.5, 0.5))
    with pytest.raises(SettingsError, match="position weights"):
        engine_attribute(duck, name, bad)
    with pytest.raises(SettingsError, match="half-life"):
        engine_attribute(duck, name, AttributionSettings(models=("time_decay",), half_life_days=0))
    with pytest.raises(SettingsError, match="Markov order"):
        engine_attribute(duck, name, AttributionSettings(models=("markov",), markov_order=4))


SETTINGS = [
    EVERY,
    AttributionSettings(models=MODELS, window_days=0, exclude_channels=("Web",)),
    AttributionSettings(models=MODELS, level=CAMPAIGN, window_days=7, half_life_days=2.5),
    AttributionSettings(
        models=("first", "linear", "position", "time_decay", "markov"),
        level=TOUCHPOINT,
        exclude_event_types=("click",),
        position_weights=(0.3, 0.3, 0.4),
    ),
    AttributionSettings(models=("markov", "last"), markov_order=2),
]


@pytest.mark.parametrize(
    "settings", SETTINGS, ids=["default", "unlimited", "campaign", "touch", "order2"]
)
def test_sample_equals_pandas(duck, settings):
    events = sample(customers=1500)
    name = register(duck, events)
    expected = attribute(events, settings, channels=["Nowhere"])
    result = engine_attribute(duck, name, settings, channels=["Nowhere"])
    same(result, expected, rtol=1e-9)
    assert result.attrs == expected.attrs


def test_sample_paths_and_markov_equal_pandas(duck):
    events = sample(customers=800)
    name = register(duck, events)
    settings = AttributionSettings(window_days=14, exclude_channels=("Email",))
    same(engine_path_counts(duck, name, settings), count_paths(conversion_paths(
        events, CHANNEL, 14, exclude_channels=("Email",))))  # fmt: skip
    ours, theirs = engine_fit_markov(duck, name, settings), fit_markov(events, settings)
    same(ours.attribution, theirs.attribution, rtol=1e-9)
    counted = engine_path_set(duck, name, settings)
    assert (
        counted.total_conversions
        == build_path_set(events, CHANNEL, 14, ("Email",)).total_conversions
    )
    same(
        markov_model(counted, 1).attribution,
        markov_model(
            aggregate_paths(build_path_set(events, CHANNEL, 14, ("Email",))), 1
        ).attribution,
        rtol=1e-9,
    )


@given(random_events(), st.sampled_from([0, 1, 30]), st.booleans())
def test_random_events_equal_pandas(events: pd.DataFrame, window: int, exclude: bool):
    runner = DuckDBRunner()
    name = register(runner, events)
    settings = AttributionSettings(
        models=MODELS,
        window_days=window,
        exclude_channels=("Direct",) if exclude else (),
        exclude_event_types=("view",) if exclude else (),
    )
    same(engine_attribute(runner, name, settings), attribute(events, settings), rtol=1e-9)
    runner.con.close()


@pytest.mark.spark
def test_spark_equals_pandas(spark):
    events = sample(customers=25)
    name = register(spark, events, "attribution_ev")
    settings = AttributionSettings(models=MODELS, window_days=10)
    same(engine_attribute(spark, name, settings), attribute(events, settings), rtol=1e-9)


def test_one_pass_of_inputs_serves_the_table_and_the_markov_chain(duck):
    events = make_events(EXAMPLE)
    name = register(duck, events)
    inputs = engine_inputs(duck, name, EVERY)
    same(attribute_inputs(inputs, EVERY), attribute(events, EVERY))
    assert inputs.counted is not None  # Shapley reads the counted paths
    assert inputs.markov is not None  # the chain of the settings' order, counted in SQL
    same_chain(inputs.markov, fit_markov(events, EVERY))
    order2 = AttributionSettings(models=("markov",), markov_order=2)
    with pytest.raises(ValueError, match="another Markov order"):
        attribute_inputs(inputs, dataclasses.replace(EVERY, markov_order=2))
    chain_only = engine_inputs(duck, name, order2)
    assert chain_only.counted is None  # no distinct paths leave the engine without Shapley
    same_chain(chain_only.markov, fit_markov(events, order2))
    heuristic = AttributionSettings(models=("first", "linear"))
    only_credits = engine_inputs(duck, name, heuristic)
    assert only_credits.counted is None  # no path counts when no model reads them
    assert only_credits.markov is None
    same(attribute_inputs(only_credits, heuristic), attribute(events, heuristic))
    with pytest.raises(ValueError, match="no path counts"):
        attribute_inputs(only_credits, EVERY)


@pytest.mark.parametrize(
    "settings", SETTINGS, ids=["default", "unlimited", "campaign", "touch", "order2"]
)
def test_inputs_from_a_kept_touches_file_equal_pandas(duck, settings, tmp_path, monkeypatch):
    """The app's touches file (written once per view and path spec) serves every model."""
    monkeypatch.setenv("JOURNEY_WORKSPACE", str(tmp_path / "workspace.duckdb"))
    events = sample(customers=300)
    name = register(duck, events)
    every = dataclasses.replace(settings, models=MODELS)
    out = files.touches_file(duck, name, path_spec(every))
    assert out.parent == tmp_path / "cache"
    written = out.stat().st_mtime_ns
    assert files.touches_file(duck, name, path_spec(every)) == out
    assert out.stat().st_mtime_ns == written  # kept, not written again
    kept = files.parquet_view(duck, out)
    inputs = engine_inputs(duck, name, every, touches=kept)
    same(attribute_inputs(inputs, every), attribute(events, every), rtol=1e-9)
    intervals = engine_bootstrap_shares(duck, name, every, n_resamples=20, touches=kept)
    same(intervals, bootstrap_shares(events, every, n_resamples=20), rtol=1e-9, atol=1e-12)


def test_the_default_settings_read_the_default_path_spec():
    """`load` writes the touches of `PathSpec()`: the page's default settings must read them."""
    assert path_spec(AttributionSettings()) == PathSpec()


def same_chain(ours: MarkovResult | None, theirs: MarkovResult) -> None:
    """Two Markov fits equal: credit, removal effects, transitions, figures, order."""
    assert ours is not None
    same(ours.attribution, theirs.attribution, rtol=1e-9)
    same(ours.removal_effects, theirs.removal_effects, rtol=1e-9, atol=1e-12)
    same(ours.transitions, theirs.transitions, rtol=1e-9)
    assert ours.conversion_probability == pytest.approx(theirs.conversion_probability, rel=1e-9)
    assert ours.expected_revenue == pytest.approx(theirs.expected_revenue, rel=1e-9)
    assert ours.order == theirs.order


@given(random_events(), st.sampled_from([1, 2, 3]), st.sampled_from([0, 30]))
def test_chain_counted_in_sql_equals_markov_on_paths(events: pd.DataFrame, order: int, window):
    runner = DuckDBRunner()
    name = register(runner, events)
    settings = AttributionSettings(models=("markov",), markov_order=order, window_days=window)
    same_chain(engine_fit_markov(runner, name, settings), fit_markov(events, settings))
    runner.con.close()


def test_chain_counts_by_hand(duck):
    duck.register_frame("hand_touches", hand_touches())
    counts = chain_counts(duck, "hand_touches", 1)
    assert counts.labels == ["A", "B", "C"]
    assert counts.base == 4  # keys: A 1, B 2, C 3; start 0, conversion -1, null -2
    rows = {
        (int(s), int(t)): (float(n), float(r))
        for s, t, n, r in zip(
            counts.source, counts.target, counts.count, counts.revenue, strict=True
        )
    }
    # collapsed paths: B > A (conv 10), C (null), B > A (null), C (conv 5), A > B > A (conv 7)
    assert rows == {
        (0, 1): (1.0, 0.0), (0, 2): (2.0, 0.0), (0, 3): (2.0, 0.0),
        (1, 2): (1.0, 0.0), (2, 1): (3.0, 0.0),
        (1, -1): (2.0, 17.0), (1, -2): (1.0, 0.0),
        (3, -1): (1.0, 5.0), (3, -2): (1.0, 0.0),
    }  # fmt: skip
    second = chain_counts(duck, "hand_touches", 2)
    # order 2: a state is (code + 1) + (previous code + 1) * 4: B>A = 1 + 2*4 = 9
    assert {int(k) for k in second.source} == {0, 1, 2, 3, 6, 9}
    assert dict(
        zip(
            map(int, second.target[second.source == 9]),
            second.count[second.source == 9],
            strict=True,
        )
    ) == {-1: 2.0, -2: 1.0}  # B>A ends three paths: two convert, one does not


def test_list_arrays_by_hand():
    paths = pa.array([[3, 0, 2], [], None, [1]], pa.list_(pa.int64()))
    offsets, codes = list_arrays(paths)
    assert offsets.tolist() == [0, 3, 3, 3, 4]  # an empty and a NULL list: no touch
    assert codes.tolist() == [3, 0, 2, 1]
    assert codes.dtype == np.int64
    # chunks that are slices of a list array (offsets not starting at 0)
    offsets, codes = list_arrays(pa.chunked_array([paths[3:], paths[:1]]))
    assert offsets.tolist() == [0, 1, 4]
    assert codes.tolist() == [1, 3, 0, 2]
    offsets, codes = list_arrays(pa.chunked_array([], pa.list_(pa.int64())))
    assert offsets.tolist() == [0]
    assert codes.tolist() == []


def test_key_arrays_by_hand():
    offsets, codes = key_arrays(pd.Series(["3 0 2", "", "1", "10 4"], dtype="str"))
    assert offsets.tolist() == [0, 3, 3, 4, 6]
    assert codes.tolist() == [3, 0, 2, 1, 10, 4]
    assert codes.dtype == np.int64
    offsets, codes = key_arrays(pd.Series([], dtype="str"))
    assert offsets.tolist() == [0]
    assert codes.tolist() == []


# touches as `touches_sql` leaves them: (c, path_no, value, conv, revenue), in path order
HAND_TOUCHES = [
    (1, 0, "B", 1.0, 10.0), (1, 0, "A", 1.0, 10.0), (1, 0, "A", 1.0, 10.0),
    (1, 1, "C", 0.0, 0.0),  # a one-touch path
    (2, 0, "B", 0.0, 0.0), (2, 0, "A", 0.0, 0.0),  # B > A again, not converting
    (3, 0, "C", 1.0, 5.0),
    (4, 0, "A", 1.0, 7.0), (4, 0, "B", 1.0, 7.0), (4, 0, "A", 1.0, 7.0),
]  # fmt: skip


def hand_touches() -> pd.DataFrame:
    """HAND_TOUCHES with pos, run_start, previous and final, as the touches table has them."""
    frame = pd.DataFrame(HAND_TOUCHES, columns=["c", "path_no", "value", "conv", "revenue"])
    path = frame.groupby(["c", "path_no"])
    return frame.assign(
        pos=path.cumcount() + 1,
        run_start=path["value"].shift().ne(frame["value"]),
        previous=path["value"].shift(),
        final=path["value"].transform("last"),
    )


def check_hand_paths(runner) -> None:
    runner.register_frame("hand_touches", hand_touches())
    labels, paths = unique_paths(runner, "hand_touches")
    assert labels == ["A", "B", "C"]
    # A > B > A (kept: not consecutive), B > A (A A collapsed; twice), C (twice)
    assert paths.offsets.tolist() == [0, 3, 5, 6]
    assert paths.codes.tolist() == [0, 1, 0, 1, 0, 2]
    assert paths.conversions.tolist() == [1.0, 1.0, 1.0]
    assert paths.nulls.tolist() == [0.0, 1.0, 1.0]
    assert paths.revenue.tolist() == [7.0, 10.0, 5.0]
    counted = path_set_from_counts(labels, paths)
    assert counted.strings().tolist() == ["A > B > A", "B > A", "C"]


def test_unique_paths_by_hand(duck):
    check_hand_paths(duck)


@pytest.mark.spark
def test_unique_paths_by_hand_on_spark(spark):
    check_hand_paths(spark)  # Spark's fallback: text keys split in numpy
