"""Transitions, folding, step flows, top paths, phase flows; invariants by hypothesis."""

from __future__ import annotations

from itertools import pairwise

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from journey.errors import SettingsError
from journey.query.flows import FoldResult
from journey.schema import (
    CHANNEL,
    CONVERTED,
    CUSTOMER_ID,
    MISSING_NODE,
    NO_CONVERSION,
    OTHER,
    PHASE,
    ROW,
    START,
    TIMESTAMP,
    DatasetSettings,
)
from tests.journey.query.examples import (
    EVENTS,
    FLOW_NAMES,
    RESERVED_NODES,
    STEPS,
    TOP,
    TOP_COLUMNS,
    TRANSITIONS,
    event_frames,
    frame,
    make_events,
    python_paths,
    reserved_events,
    shuffle_rows,
)
from tests.oracle import flows
from tests.oracle.phases import assign_phases


def test_count_transitions_collapsed():
    expected = frame(
        TRANSITIONS,
        [
            ["Email", "Web", 1, 1],
            ["Social", "Web", 1, 1],
            ["Store", "Email", 1, 1],
            ["Web", "Store", 1, 1],
        ],
    )
    assert_frame_equal(flows.count_transitions(EVENTS), expected)


def test_count_transitions_keep_repeats():
    expected = frame(
        TRANSITIONS,
        [
            ["Web", "Web", 4, 2],
            ["Email", "Web", 1, 1],
            ["Social", "Web", 1, 1],
            ["Store", "Email", 1, 1],
            ["Store", "Store", 1, 1],
            ["Web", "Store", 1, 1],
        ],
    )
    assert_frame_equal(flows.count_transitions(EVENTS, keep_repeats=True), expected)


def test_count_transitions_end_nodes():
    expected = frame(
        TRANSITIONS,
        [
            ["Start", "Email", 2, 2],
            ["Email", "Converted", 1, 1],  # d ends on Email after converting earlier
            ["Email", "No conversion", 1, 1],
            ["Email", "Web", 1, 1],
            ["Social", "Web", 1, 1],
            ["Start", "Social", 1, 1],
            ["Start", "Web", 1, 1],
            ["Store", "Email", 1, 1],
            ["Web", "Converted", 1, 1],
            ["Web", "No conversion", 1, 1],
            ["Web", "Store", 1, 1],
        ],
    )
    assert_frame_equal(flows.count_transitions(EVENTS, end_nodes=True), expected)


def test_count_transitions_without_time_or_row_uses_frame_order():
    events = pd.DataFrame(
        {CUSTOMER_ID: ["a", "a", "a", "b", "b"], CHANNEL: ["Email", "Web", "Store", "Email", "Web"]}
    )
    expected = frame(TRANSITIONS, [["Email", "Web", 2, 2], ["Web", "Store", 1, 1]])
    assert_frame_equal(flows.count_transitions(events), expected)


def test_phase_level_needs_phases():
    with pytest.raises(SettingsError, match="assign phases"):
        flows.count_transitions(EVENTS, level=PHASE)


def test_unknown_level_is_a_settings_error():
    with pytest.raises(SettingsError, match="no column"):
        flows.count_transitions(EVENTS, level="campaign")


def test_fold_nodes_top_two():
    fold = flows.fold_nodes(EVENTS, CHANNEL, top_k=2)
    assert fold == FoldResult(
        mapping={"Email": "Email", "Social": "Other", "Store": "Other", "Web": "Web"},
        n_folded=2,
        folded_volume=2,
        kept=["Email", "Web"],
    )


def test_fold_nodes_zero_keeps_all_and_volume_ties_break_by_name():
    fold = flows.fold_nodes(EVENTS, CHANNEL, top_k=0)
    assert fold.kept == ["Email", "Web", "Social", "Store"]  # 3, 3, 1, 1 collapsed events
    assert (fold.n_folded, fold.folded_volume) == (0, 0)
    assert flows.fold_nodes(EVENTS, CHANNEL, top_k=3).kept == ["Email", "Web", "Social"]


def test_step_flows_by_hand():
    expected = frame(
        STEPS,
        [
            [1, "Email", "No conversion", 1],
            [1, "Email", "Web", 1],
            [1, "Social", "Web", 1],
            [1, "Web", "Store", 1],
            [2, "No conversion", "No conversion", 1],
            [2, "Store", "Email", 1],
            [2, "Web", "Converted", 1],
            [2, "Web", "No conversion", 1],
            [3, "No conversion", "No conversion", 2],
            [3, "Converted", "Converted", 1],
            [3, "Email", "Converted", 1],
        ],
    )
    assert_frame_equal(flows.step_flows(EVENTS, steps=4), expected)


def test_step_flows_folded():
    got, fold = flows.step_flows_with_fold(EVENTS, steps=3, top_k=2)
    expected = frame(
        STEPS,
        [
            [1, "Email", "No conversion", 1],
            [1, "Email", "Web", 1],
            [1, "Other", "Web", 1],
            [1, "Web", "Other", 1],
            [2, "No conversion", "No conversion", 1],
            [2, "Other", "Email", 1],
            [2, "Web", "Converted", 1],
            [2, "Web", "No conversion", 1],
        ],
    )
    assert_frame_equal(got, expected)
    assert (fold.n_folded, fold.folded_volume) == (2, 2)


def test_step_flows_keep_repeats():
    expected = frame(
        STEPS,
        [
            [1, "Email", "No conversion", 1],
            [1, "Email", "Web", 1],
            [1, "Social", "Web", 1],
            [1, "Web", "Store", 1],
            [2, "Web", "Web", 2],  # a: Web Web; b: Web Web
            [2, "No conversion", "No conversion", 1],
            [2, "Store", "Store", 1],
        ],
    )
    assert_frame_equal(flows.step_flows(EVENTS, steps=3, keep_repeats=True), expected)


def test_step_flows_need_two_steps_and_non_negative_k():
    with pytest.raises(SettingsError, match="at least 2 steps"):
        flows.step_flows(EVENTS, steps=1)
    with pytest.raises(SettingsError, match="top-K"):
        flows.step_flows(EVENTS, top_k=-1)


def test_top_paths_collapsed():
    expected = frame(
        TOP_COLUMNS,
        [
            ["A > B", 2, 3, 0.6, 2 / 3, 2.0],
            ["B", 1, 1, 0.2, 0.0, 0.0],
            ["B > A", 2, 1, 0.2, 0.0, 4.0],
        ],
    )
    assert_frame_equal(flows.top_paths(TOP), expected)


def test_top_paths_keep_repeats_cut_at_n_breaks_ties_by_path():
    expected = frame(
        TOP_COLUMNS,
        [
            ["A > B", 2, 2, 0.4, 0.5, 2.0],
            ["A > A > B", 3, 1, 0.2, 1.0, 2.0],
        ],
    )
    assert_frame_equal(flows.top_paths(TOP, keep_repeats=True, n=2), expected)


def test_top_paths_of_the_main_example():
    expected = frame(
        TOP_COLUMNS,
        [
            ["Email", 1, 1, 0.25, 0.0, 0.0],
            ["Email > Web", 2, 1, 0.25, 1.0, 3.0],
            ["Social > Web", 2, 1, 0.25, 0.0, 2.0],
            ["Web > Store > Email", 3, 1, 0.25, 1.0, 11.0],
        ],
    )
    assert_frame_equal(flows.top_paths(EVENTS), expected)


def test_phase_flows_link_consecutive_reached_phases():
    phased = assign_phases(EVENTS, DatasetSettings())
    expected = frame(
        ["source_phase", "source", "target_phase", "target", "customers"],
        [
            ["awareness", "Email", "onboarding", "Web", 1],  # a
            ["awareness", "Web", "onboarding", "Email", 1],  # d
            ["awareness", "Web", "onboarding", "Store", 1],  # d
            ["awareness", "Web", "onboarding", "Web", 1],  # a
        ],
    )
    assert_frame_equal(flows.phase_flows(phased), expected)


def test_phase_flows_jump_over_a_skipped_phase():
    events = make_events(
        [("x", "2024-01-01", "Web", "Home", False), ("x", "2024-01-02", "Chat", "Help", False)]
    ).assign(**{PHASE: pd.array(["awareness", "post-purchase"], dtype="str")})
    expected = frame(
        ["source_phase", "source", "target_phase", "target", "customers"],
        [["awareness", "Web", "post-purchase", "Chat", 1]],
    )
    assert_frame_equal(flows.phase_flows(events), expected)


@given(event_frames(), st.integers(2, 6), st.booleans(), st.integers(0, 3))
def test_every_step_holds_every_customer(events, steps, keep, top_k):
    table = flows.step_flows(events, steps=steps, keep_repeats=keep, top_k=top_k)
    n_customers = events[CUSTOMER_ID].nunique()
    assert table.groupby("step")["count"].sum().tolist() == [n_customers] * (steps - 1)
    for k in range(2, steps):  # inflow into a node at position k = its outflow (incl. drop-off)
        inflow = table[table["step"] == k - 1].groupby("target")["count"].sum()
        outflow = table[table["step"] == k].groupby("source")["count"].sum()
        assert inflow.sort_index().to_dict() == outflow.sort_index().to_dict()


@given(event_frames(), st.booleans())
def test_transitions_match_a_per_customer_reference(events, keep):
    reference: dict[tuple[str, str], list[str]] = {}
    for customer, path in python_paths(events, keep).items():
        for source, target in pairwise(path):
            reference.setdefault((source, target), []).append(customer)
    got = flows.count_transitions(events, keep_repeats=keep)
    assert {(r.source, r.target): (r.count, r.customers) for r in got.itertuples()} == {
        pair: (len(c), len(set(c))) for pair, c in reference.items()
    }
    if keep:  # every customer contributes events - 1 transitions
        assert got["count"].sum() == len(events) - events[CUSTOMER_ID].nunique()


@given(event_frames(ties=False), st.randoms(use_true_random=False))
def test_shuffling_rows_without_ties_changes_nothing(events, rnd):
    shuffled = shuffle_rows(events, rnd)
    for compute in (
        lambda e: flows.count_transitions(e, end_nodes=True),
        lambda e: flows.step_flows(e, steps=4, top_k=2),
        lambda e: flows.top_paths(e, n=0),
    ):
        assert_frame_equal(compute(shuffled), compute(events))


@given(event_frames(), st.integers(0, 5))
def test_top_paths_cover_every_customer_and_folding_keeps_totals(events, top_k):
    top = flows.top_paths(events, n=0)
    assert top["customers"].sum() == events[CUSTOMER_ID].nunique()
    assert top["share"].sum() == pytest.approx(1.0)
    plain = flows.count_transitions(events, end_nodes=True)
    folded = flows.count_transitions(events, end_nodes=True, top_k=top_k)
    assert folded["count"].sum() == plain["count"].sum()


# -- data values named like generated nodes (reserved_events: a, b, c) --------------------


def in_order(expected: pd.DataFrame, keys: list[str], ascending: list[bool]) -> pd.DataFrame:
    """Hand-computed rows in the contract's order (it depends on the reserved name)."""
    return expected.sort_values(keys, ascending=ascending, ignore_index=True)


@pytest.mark.parametrize("name", FLOW_NAMES)
@pytest.mark.parametrize("top_k", [0, 2])
def test_transitions_keep_a_data_node_named_like_a_generated_one_apart(name, top_k):
    data = f"{name} (channel)"
    last = "Email" if top_k == 0 else OTHER  # top 2: name (3), Web (2); Email (1) folds
    rows = [
        [START, data, 2, 2],  # a, c
        [data, NO_CONVERSION, 2, 2],  # b, c
        [data, "Web", 1, 1],
        ["Web", last, 1, 1],
        [last, CONVERTED, 1, 1],
        [START, "Web", 1, 1],
        ["Web", data, 1, 1],
    ]
    expected = in_order(frame(TRANSITIONS, rows), ["count", "source", "target"], [0, 1, 1])
    result = flows.count_transitions(reserved_events(name), end_nodes=True, top_k=top_k)
    assert_frame_equal(result, expected)


@pytest.mark.parametrize("name", FLOW_NAMES)
def test_step_flows_keep_a_data_node_named_like_a_generated_one_apart(name):
    data = f"{name} (channel)"
    rows = [
        [1, data, "Web", 1],  # a
        [1, "Web", data, 1],  # b
        [1, data, NO_CONVERSION, 1],  # c
        [2, "Web", OTHER, 1],  # a: Email folded (top 2)
        [2, data, NO_CONVERSION, 1],  # b
        [2, NO_CONVERSION, NO_CONVERSION, 1],  # c
    ]
    expected = in_order(frame(STEPS, rows), ["step", "count", "source", "target"], [1, 0, 1, 1])
    steps, fold = flows.step_flows_with_fold(reserved_events(name), steps=3, top_k=2)
    assert_frame_equal(steps, expected)
    assert fold == FoldResult({data: data, "Web": "Web", "Email": OTHER}, 1, 1, [data, "Web"])


@pytest.mark.parametrize("name", FLOW_NAMES)
def test_folding_keeps_other_apart_from_a_data_node_named_other(name):
    data = f"{name} (channel)"
    fold = flows.fold_nodes(reserved_events(name), top_k=1)  # only the name (3) stays
    assert fold == FoldResult({data: data, "Web": OTHER, "Email": OTHER}, 2, 3, [data])
    steps = flows.step_flows(reserved_events(name), steps=2, top_k=1)
    rows = [[1, data, OTHER, 1], [1, OTHER, data, 1], [1, data, NO_CONVERSION, 1]]
    assert_frame_equal(steps, in_order(frame(STEPS, rows), ["source", "target"], [1, 1]))


@pytest.mark.parametrize("name", FLOW_NAMES)
def test_top_paths_label_a_data_node_named_like_a_generated_one(name):
    data = f"{name} (channel)"
    rows = [
        [f"{data} > Web > Email", 3, 1, 1 / 3, 1.0, 2.0],
        [f"Web > {data}", 2, 1, 1 / 3, 0.0, 1.0],
        [data, 1, 1, 1 / 3, 0.0, 0.0],
    ]
    expected = in_order(frame(TOP_COLUMNS, rows), ["customers", "path"], [0, 1])
    assert_frame_equal(flows.top_paths(reserved_events(name), n=0), expected)


@given(event_frames(nodes=RESERVED_NODES), st.integers(2, 6), st.booleans(), st.integers(0, 3))
def test_every_step_holds_every_customer_with_reserved_names(events, steps, keep, top_k):
    flow = flows.step_flows(events, CHANNEL, steps, keep, top_k)
    n_customers = events[CUSTOMER_ID].nunique()
    assert (flow.groupby("step")["count"].sum() == n_customers).all()
    # position 1 holds data nodes only: none shows under a flow's generated name, and
    # "(missing)" counts exactly the customers whose first event has no channel
    first = flow[flow["step"] == 1].groupby("source")["count"].sum()
    generated = {START, CONVERTED, NO_CONVERSION, *([OTHER] if top_k == 0 else [])}
    assert not generated & set(first.index)
    heads = events.sort_values([CUSTOMER_ID, TIMESTAMP, ROW]).groupby(CUSTOMER_ID).head(1)
    if top_k == 0:
        assert first.get(MISSING_NODE, 0) == heads[CHANNEL].isna().sum()
