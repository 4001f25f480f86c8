"""Paths: hand-computed transitions, step flows, top paths, funnels; invariants by hypothesis."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from journey.errors import SettingsError
from journey.query import paths
from journey.query.phases import assign_phases
from journey.schema import (
    CHANNEL,
    CONVERSION,
    CUSTOMER_ID,
    EVENT_TYPE,
    PHASE,
    REVENUE,
    ROW,
    TEAM,
    TIMESTAMP,
    TOUCHPOINT,
    DatasetSettings,
    GroupingRule,
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


# -- ordering ------------------------------------------------------------------------------


def test_order_events_sorts_by_customer_time_then_row():
    shuffled = EVENTS.iloc[[12, 1, 0, 8, 5, 4, 3, 2, 7, 6, 11, 10, 9]]
    ordered = paths.order_events(shuffled)
    assert ordered[ROW].tolist() == list(range(1, 14))
    assert ordered.index.tolist() == list(range(13))


def test_ties_keep_file_order_not_input_order():
    swapped = EVENTS.iloc[[1, 0, *range(2, 13)]]  # row 2 before row 1, same timestamp
    first = paths.node_paths(swapped, level=TOUCHPOINT).iloc[0]
    assert first["node"] == "Newsletter"


def test_node_paths_channel():
    expected = pd.DataFrame(
        {
            CUSTOMER_ID: pd.array(["a", "a", "b", "b", "c", "d", "d", "d"], dtype="str"),
            "position": np.array([1, 2, 1, 2, 1, 1, 2, 3], dtype=np.int64),
            "node": pd.array(
                ["Email", "Web", "Social", "Web", "Email", "Web", "Store", "Email"], dtype="str"
            ),
            TIMESTAMP: pd.to_datetime(
                ["2024-01-01", "2024-01-01", "2024-01-05", "2024-01-06", "2024-01-02",
                 "2024-01-01", "2024-01-02", "2024-01-12"],
                utc=True,
            ).as_unit("us"),
            "converted": [True, True, False, False, False, True, True, True],
        }
    )  # fmt: skip
    assert_frame_equal(paths.node_paths(EVENTS), expected)


# -- transitions ---------------------------------------------------------------------------


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
    assert_frame_equal(paths.count_transitions(EVENTS), expected)


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
    assert_frame_equal(paths.count_transitions(EVENTS, keep_repeats=True), expected)


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
    assert_frame_equal(paths.count_transitions(EVENTS, end_nodes=True), expected)


def test_count_transitions_without_time_or_row_uses_frame_order():
    events = pd.DataFrame(
        {CUSTOMER_ID: ["a", "a", "a", "b", "b"], CHANNEL: ["Email", "Web", "Store", "Email", "Web"]}
    )
    expected = frame(TRANSITIONS, [["Email", "Web", 2, 2], ["Web", "Store", 1, 1]])
    assert_frame_equal(paths.count_transitions(events), expected)


def test_phase_level_needs_phases():
    with pytest.raises(SettingsError, match="assign phases"):
        paths.count_transitions(EVENTS, level=PHASE)


def test_unknown_level_is_a_settings_error():
    with pytest.raises(SettingsError, match="no column"):
        paths.count_transitions(EVENTS, level="campaign")


# -- folding and step flows ----------------------------------------------------------------


def test_fold_nodes_top_two():
    fold = paths.fold_nodes(EVENTS, CHANNEL, top_k=2)
    assert fold == paths.FoldResult(
        mapping={"Email": "Email", "Social": "Other", "Store": "Other", "Web": "Web"},
        n_folded=2,
        folded_volume=2,
        kept=["Email", "Web"],
    )


def test_fold_nodes_zero_keeps_all_and_volume_ties_break_by_name():
    fold = paths.fold_nodes(EVENTS, CHANNEL, top_k=0)
    assert fold.kept == ["Email", "Web", "Social", "Store"]  # 3, 3, 1, 1 collapsed events
    assert (fold.n_folded, fold.folded_volume) == (0, 0)
    assert paths.fold_nodes(EVENTS, CHANNEL, top_k=3).kept == ["Email", "Web", "Social"]


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
    assert_frame_equal(paths.step_flows(EVENTS, steps=4), expected)


def test_step_flows_folded():
    flows, fold = paths.step_flows_with_fold(EVENTS, steps=3, top_k=2)
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
    assert_frame_equal(flows, expected)
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
    assert_frame_equal(paths.step_flows(EVENTS, steps=3, keep_repeats=True), expected)


def test_step_flows_need_two_steps_and_non_negative_k():
    with pytest.raises(SettingsError, match="at least 2 steps"):
        paths.step_flows(EVENTS, steps=1)
    with pytest.raises(SettingsError, match="top-K"):
        paths.step_flows(EVENTS, top_k=-1)


# -- top paths -----------------------------------------------------------------------------

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


def test_top_paths_collapsed():
    expected = frame(
        TOP_COLUMNS,
        [
            ["A > B", 2, 3, 0.6, 2 / 3, 2.0],
            ["B", 1, 1, 0.2, 0.0, 0.0],
            ["B > A", 2, 1, 0.2, 0.0, 4.0],
        ],
    )
    assert_frame_equal(paths.top_paths(TOP), expected)


def test_top_paths_keep_repeats_cut_at_n_breaks_ties_by_path():
    expected = frame(
        TOP_COLUMNS,
        [
            ["A > B", 2, 2, 0.4, 0.5, 2.0],
            ["A > A > B", 3, 1, 0.2, 1.0, 2.0],
        ],
    )
    assert_frame_equal(paths.top_paths(TOP, keep_repeats=True, n=2), expected)


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
    assert_frame_equal(paths.top_paths(EVENTS), expected)


# -- grouping ------------------------------------------------------------------------------

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
    out = paths.apply_grouping(GROUPING, RULES)
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
    assert_frame_equal(paths.preview_grouping(GROUPING, RULES), expected)


def test_invalid_regex_names_the_pattern():
    with pytest.raises(SettingsError, match=r"'Product \(': invalid regular expression"):
        paths.apply_grouping(GROUPING, [GroupingRule("Product (", "P", regex=True)])


# -- funnels -------------------------------------------------------------------------------

FUNNEL = [
    "stage",
    "customers",
    "conversion_rate",
    "step_conversion_rate",
    "median_days_from_previous",
]


def test_funnel_by_hand():
    expected = frame(
        FUNNEL,
        [
            ["Home", 3, 0.75, 0.75, np.nan],
            ["Cart", 2, 0.5, 2 / 3, 1.5],  # a: 2 days, b: 1 day
            ["Checkout", 1, 0.25, 0.5, 1.0],
        ],
    )
    assert_frame_equal(paths.funnel(EVENTS, ["Home", "Cart", "Checkout"]), expected)


def test_funnel_needs_strictly_later_events_and_uses_row_order_on_ties():
    repeated = paths.funnel(EVENTS, ["Till", "Till", "Till"])
    assert repeated["customers"].tolist() == [1, 1, 0]
    tie = paths.funnel(EVENTS, ["Newsletter", "Home"])
    assert tie["customers"].tolist() == [3, 1]  # a: Newsletter (row 1) then Home (row 2)


def test_funnel_by_channel_counts_each_customer_once_per_stage():
    out = paths.funnel(EVENTS, ["Web", "Web", "Email"], by=CHANNEL)
    # a: Web Web, no Email after; b: Web Web; d: Web, then no second Web
    assert out["customers"].tolist() == [3, 2, 0]


def test_funnel_unknown_stage_suggests_close_matches():
    with pytest.raises(SettingsError, match=r"'Hom' is not a touchpoint.*'Home'"):
        paths.funnel(EVENTS, ["Hom", "Cart"])
    with pytest.raises(SettingsError, match="at least one stage"):
        paths.funnel(EVENTS, [])


def test_funnel_dropoff_next():
    expected = frame(
        ["stage", "next_node", "customers"],
        [["Home", "Till", 1], ["Cart", "(no further events)", 1]],
    )
    assert_frame_equal(paths.funnel_dropoff_next(EVENTS, ["Home", "Cart", "Checkout"]), expected)


def test_default_funnel_ends_with_the_converting_touchpoint():
    # converters a (Newsletter, Home, Product, Cart before Checkout) and d (Home before Till);
    # Checkout and Till tie as first-conversion touchpoints: the smaller code (Checkout) wins.
    # Home: 2 converters; Cart, Newsletter, Product: 1 each -> Home, Cart, Newsletter.
    # Median relative first-touch positions: Newsletter 0, Home (1/4 and 0) 0.125, Cart 3/4.
    assert paths.default_funnel(EVENTS) == ["Newsletter", "Home", "Cart", "Checkout"]


# -- drop-off, over-representation, node stats ---------------------------------------------


def test_biggest_dropoffs():
    expected = frame(
        ["node", "reached", "ended_here", "dropoff_rate"],
        [
            ["Newsletter", 3, 2, 2 / 3],  # c, and d after its conversions
            ["Cart", 2, 1, 0.5],  # b
            ["Checkout", 1, 0, 0.0],  # a converted at its last event
        ],
    )
    assert_frame_equal(paths.biggest_dropoffs(EVENTS, n=3), expected)


def test_overrepresentation_before_conversion():
    expected = frame(
        ["node", "share_converters", "share_non_converters", "lift", "difference"],
        [
            ["Checkout", 0.5, 0.0, np.inf, 0.5],
            ["Home", 1.0, 0.5, 2.0, 0.5],
            ["Product", 0.5, 0.0, np.inf, 0.5],
            ["Till", 0.5, 0.0, np.inf, 0.5],
            ["Cart", 0.5, 0.5, 1.0, 0.0],
            ["Newsletter", 0.5, 0.5, 1.0, 0.0],  # d's Newsletter came after its conversion
            ["Post", 0.0, 0.5, 0.0, -0.5],
        ],
    )
    assert_frame_equal(paths.overrepresentation(EVENTS), expected)


def test_node_stats():
    phased = assign_phases(EVENTS, DatasetSettings())
    expected = frame(
        ["node", "volume", "customers", "dominant_phase", "conversion_rate_after"],
        [
            ["Email", 3, 3, "awareness", 1 / 3],
            ["Web", 3, 3, "awareness", 2 / 3],
            ["Social", 1, 1, "awareness", 0.0],
            ["Store", 1, 1, "onboarding", 1.0],
        ],
    )
    assert_frame_equal(paths.node_stats(phased), expected)


# -- teams, comparisons, phase flows -------------------------------------------------------


def test_scope_to_team_fold_and_hide():
    folded = paths.scope_to_team(EVENTS, "product", mode="fold")
    expected = frame(TRANSITIONS, [["Other teams", "Web", 2, 2], ["Web", "Other teams", 1, 1]])
    assert_frame_equal(paths.count_transitions(folded), expected)
    hidden = paths.scope_to_team(EVENTS, "product", mode="hide")
    assert hidden[ROW].tolist() == [2, 3, 4, 5, 7, 8, 10]
    with pytest.raises(SettingsError, match="'sales'"):
        paths.scope_to_team(EVENTS, "sale")
    with pytest.raises(SettingsError, match="fold, hide"):
        paths.scope_to_team(EVENTS, "sales", mode="blur")


def test_apply_team_map_overrides_listed_touchpoints():
    out = paths.apply_team_map(EVENTS, {"Newsletter": "crm", "Till": ""})
    assert out[TEAM].tolist()[:2] == ["crm", "product"]
    assert out[TEAM].iloc[10] == "sales"  # an empty team in the table changes nothing


def test_compare_transitions_converters_vs_others():
    converters = EVENTS[EVENTS[CUSTOMER_ID].isin(["a", "d"])]
    others = EVENTS[EVENTS[CUSTOMER_ID].isin(["b", "c"])]
    third = 1 / 3
    expected = frame(
        ["source", "target", "count_a", "share_a", "count_b", "share_b", "diff"],
        [
            ["Social", "Web", 0, 0.0, 1, 1.0, -1.0],
            ["Email", "Web", 1, third, 0, 0.0, third],
            ["Store", "Email", 1, third, 0, 0.0, third],
            ["Web", "Store", 1, third, 0, 0.0, third],
        ],
    )
    assert_frame_equal(paths.compare_transitions(converters, others), expected)


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
    assert_frame_equal(paths.phase_flows(phased), expected)


def test_phase_flows_jump_over_a_skipped_phase():
    events = make_events(
        [("x", "2024-01-01", "Web", "Home", False), ("x", "2024-01-02", "Chat", "Help", False)]
    ).assign(**{PHASE: pd.array(["awareness", "post-purchase"], dtype="str")})
    expected = frame(
        ["source_phase", "source", "target_phase", "target", "customers"],
        [["awareness", "Web", "post-purchase", "Chat", 1]],
    )
    assert_frame_equal(paths.phase_flows(events), expected)


# -- one customer --------------------------------------------------------------------------


def test_customer_profile_and_timeline():
    profile = paths.customer_profile(EVENTS, "d")
    assert profile["n_events"] == 4
    assert profile["conversions"] == 2
    assert profile["lifetime_revenue"] == 100.0
    assert profile["first_seen"] == pd.Timestamp("2024-01-01", tz="UTC")
    assert profile["last_seen"] == pd.Timestamp("2024-01-12", tz="UTC")
    assert profile["channels"] == 3
    contact = profile["last_contact"]
    assert contact[CHANNEL].tolist() == ["Email", "Store", "Web"]
    assert contact[TOUCHPOINT].tolist() == ["Newsletter", "Till", "Home"]
    timeline = paths.customer_timeline(EVENTS, "a")
    assert timeline["position"].tolist() == [1, 2, 3, 4, 5]
    assert timeline[TOUCHPOINT].tolist() == ["Newsletter", "Home", "Product", "Cart", "Checkout"]


def test_unknown_customer_suggests_ids():
    with pytest.raises(SettingsError, match="no customer 'zz'"):
        paths.customer_profile(EVENTS, "zz")


# -- properties ----------------------------------------------------------------------------

_NODES = ["Web", "Email", "Store", "Chat"]


@st.composite
def event_frames(draw: st.DrawFn, ties: bool = True) -> pd.DataFrame:
    """Random canonical events; without ties every customer's timestamps are distinct."""
    n = draw(st.integers(1, 30))
    customers = draw(st.lists(st.sampled_from("abcdef"), min_size=n, max_size=n))
    if ties:
        days = draw(st.lists(st.integers(0, 5), min_size=n, max_size=n))
    else:
        days = draw(st.lists(st.integers(0, 10_000), min_size=n, max_size=n, unique=True))
    nodes = draw(st.lists(st.sampled_from(_NODES), min_size=n, max_size=n))
    conversions = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    rows = [
        (c, pd.Timestamp("2024-01-01") + pd.Timedelta(hours=d), node, node, conv)
        for c, d, node, conv in zip(customers, days, nodes, conversions, strict=True)
    ]
    return make_events(rows)


def _python_paths(events: pd.DataFrame, keep_repeats: bool) -> dict[str, list[str]]:
    """Reference paths, one customer at a time (test oracle only)."""
    out: dict[str, list[str]] = {}
    for record in events.sort_values([CUSTOMER_ID, TIMESTAMP, ROW]).itertuples():
        path = out.setdefault(record.customer_id, [])
        if keep_repeats or not path or path[-1] != record.channel:
            path.append(record.channel)
    return out


@given(event_frames(), st.integers(2, 6), st.booleans(), st.integers(0, 3))
def test_every_step_holds_every_customer(events, steps, keep, top_k):
    flows = paths.step_flows(events, steps=steps, keep_repeats=keep, top_k=top_k)
    n_customers = events[CUSTOMER_ID].nunique()
    assert flows.groupby("step")["count"].sum().tolist() == [n_customers] * (steps - 1)
    for k in range(2, steps):  # inflow into a node at position k = its outflow (incl. drop-off)
        inflow = flows[flows["step"] == k - 1].groupby("target")["count"].sum()
        outflow = flows[flows["step"] == k].groupby("source")["count"].sum()
        assert inflow.sort_index().to_dict() == outflow.sort_index().to_dict()


@given(event_frames(), st.booleans())
def test_transitions_match_a_per_customer_reference(events, keep):
    reference: dict[tuple[str, str], list[str]] = {}
    for customer, path in _python_paths(events, keep).items():
        for source, target in pairwise(path):
            reference.setdefault((source, target), []).append(customer)
    got = paths.count_transitions(events, keep_repeats=keep)
    assert {(r.source, r.target): (r.count, r.customers) for r in got.itertuples()} == {
        pair: (len(c), len(set(c))) for pair, c in reference.items()
    }
    if keep:  # every customer contributes events - 1 transitions
        assert got["count"].sum() == len(events) - events[CUSTOMER_ID].nunique()


@given(event_frames(ties=False), st.randoms(use_true_random=False))
def test_shuffling_rows_without_ties_changes_nothing(events, rnd):
    order = list(range(len(events)))
    rnd.shuffle(order)
    shuffled = events.iloc[order].reset_index(drop=True)
    shuffled[ROW] = np.arange(1, len(shuffled) + 1)  # the file order changes too
    for compute in (
        lambda e: paths.count_transitions(e, end_nodes=True),
        lambda e: paths.step_flows(e, steps=4, top_k=2),
        lambda e: paths.top_paths(e, n=0),
        lambda e: paths.funnel(e, sorted(set(e[CHANNEL]))[::-1], by=CHANNEL),
        lambda e: paths.node_stats(e),
    ):
        assert_frame_equal(compute(shuffled), compute(events))


@given(event_frames(), st.lists(st.sampled_from(_NODES), min_size=1, max_size=4))
def test_funnel_matches_a_per_customer_reference(events, stages):
    expected = []
    reached_by = dict.fromkeys(events[CUSTOMER_ID].unique(), -1)
    for stage in stages:
        nxt = {}
        for customer, start in reached_by.items():
            path = _python_paths(events[events[CUSTOMER_ID] == customer], keep_repeats=True)
            hits = [i for i, node in enumerate(path[customer]) if node == stage and i > start]
            if hits:
                nxt[customer] = hits[0]
        expected.append(len(nxt))
        reached_by = nxt
    present = set(events[CHANNEL])
    if not set(stages) <= present:
        with pytest.raises(SettingsError):
            paths.funnel(events, stages, by=CHANNEL)
        return
    assert paths.funnel(events, stages, by=CHANNEL)["customers"].tolist() == expected


@given(event_frames(), st.integers(0, 5))
def test_top_paths_cover_every_customer_and_folding_keeps_totals(events, top_k):
    top = paths.top_paths(events, n=0)
    assert top["customers"].sum() == events[CUSTOMER_ID].nunique()
    assert top["share"].sum() == pytest.approx(1.0)
    plain = paths.count_transitions(events, end_nodes=True)
    folded = paths.count_transitions(events, end_nodes=True, top_k=top_k)
    assert folded["count"].sum() == plain["count"].sum()


def test_preview_grouping_without_rules_is_empty():
    events = pd.DataFrame({CUSTOMER_ID: ["a", "b"], TOUCHPOINT: ["Home", "Cart"]})
    preview = paths.preview_grouping(events, ())
    assert list(preview.columns) == ["rule", "pattern", "group", "touchpoint", "events"]
    assert len(preview) == 0
