"""Figure builders: node/link structure and values of figures built from hand-made frames."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from journey.schema import (
    CHANNEL,
    CONVERSION,
    CONVERTED,
    END_COLORS,
    EVENT_TYPE,
    FOLDED_COLOR,
    NEUTRAL_COLOR,
    NO_CONVERSION,
    NO_FURTHER_EVENTS,
    OTHER,
    PHASE,
    PHASE_COLORS,
    REVENUE,
    TIMESTAMP,
    TOUCHPOINT,
)
from journey.viz import charts

BLUE, ORANGE, GREEN, PINK = (
    PHASE_COLORS["awareness"],
    PHASE_COLORS["onboarding"],
    PHASE_COLORS["engagement"],
    PHASE_COLORS["post-purchase"],
)


def two_step_flow() -> pd.DataFrame:
    # 6 customers: A B (3), A then converted (1), B then not converted (2)
    return pd.DataFrame(
        {
            "step": [1, 1, 1],
            "source": ["A", "A", "B"],
            "target": ["B", CONVERTED, NO_CONVERSION],
            "count": [3, 1, 2],
        }
    )


def test_sankey_two_steps_gives_one_node_per_position_and_name():
    fig = charts.build_sankey(two_step_flow(), node_phase={"A": "awareness", "B": "onboarding"})
    sankey = fig.data[0]
    assert list(sankey.node.label) == ["A", "B", "B", CONVERTED, NO_CONVERSION]
    assert list(sankey.link.source) == [0, 0, 1]
    assert list(sankey.link.target) == [2, 3, 4]
    assert list(sankey.link.value) == [3, 1, 2]


def test_sankey_colours_nodes_by_dominant_phase_and_end_nodes_by_outcome():
    fig = charts.build_sankey(two_step_flow(), node_phase={"A": "awareness", "B": "onboarding"})
    assert list(fig.data[0].node.color) == [
        BLUE,
        ORANGE,
        ORANGE,
        END_COLORS[CONVERTED],
        END_COLORS[NO_CONVERSION],
    ]
    # links take their source's colour, translucent: A is #0072B2 = (0, 114, 178)
    assert list(fig.data[0].link.color) == [
        "rgba(0,114,178,0.4)",
        "rgba(0,114,178,0.4)",
        "rgba(230,159,0,0.4)",
    ]


def test_sankey_arranges_columns_by_position_and_stacks_by_volume():
    sankey = charts.build_sankey(two_step_flow()).data[0]
    assert list(sankey.node.x) == [0.001, 0.001, 0.999, 0.999, 0.999]
    # position 1: A (4 of 6) centred at 2/6, B (2 of 6) at 5/6
    # position 2: B (3) at 1.5/6, Converted (1) at 3.5/6, No conversion (2) at 5/6
    assert list(sankey.node.y) == pytest.approx([2 / 6, 5 / 6, 1.5 / 6, 3.5 / 6, 5 / 6])


def test_sankey_hover_carries_share_of_the_step():
    sankey = charts.build_sankey(two_step_flow()).data[0]
    shares = [row[0] for row in sankey.node.customdata]
    positions = [row[1] for row in sankey.node.customdata]
    assert shares == pytest.approx([4 / 6, 2 / 6, 3 / 6, 1 / 6, 2 / 6])
    assert positions == [1, 1, 2, 2, 2]
    link_shares = [row[0] for row in sankey.link.customdata]
    assert link_shares == pytest.approx([3 / 6, 1 / 6, 2 / 6])
    assert [tuple(row[2:]) for row in sankey.link.customdata] == [
        ("A", "B"),
        ("A", CONVERTED),
        ("B", NO_CONVERSION),
    ]
    assert "of the step" in sankey.node.hovertemplate


def test_sankey_end_nodes_carry_on_at_later_steps():
    steps = pd.DataFrame(
        {
            "step": [1, 1, 2, 2],
            "source": ["Email", "Email", "Web", CONVERTED],
            "target": ["Web", CONVERTED, NO_CONVERSION, CONVERTED],
            "count": [2, 1, 2, 1],
        }
    )
    sankey = charts.build_sankey(steps).data[0]
    assert list(sankey.node.label) == [
        "Email",
        "Web",
        CONVERTED,
        CONVERTED,
        NO_CONVERSION,
    ]
    assert list(sankey.node.x) == [0.001, 0.5, 0.5, 0.999, 0.999]
    assert list(sankey.link.source) == [0, 0, 1, 2]
    assert list(sankey.link.target) == [1, 2, 4, 3]
    assert list(sankey.link.value) == [2, 1, 2, 1]


def test_sankey_can_hide_end_nodes_without_changing_any_figure():
    shown = charts.build_sankey(two_step_flow()).data[0]
    hidden = charts.build_sankey(two_step_flow(), show_end_nodes=False).data[0]
    assert list(hidden.node.label) == ["A", "B", "B", "", ""]
    assert list(hidden.node.color)[3:] == ["rgba(0,0,0,0)", "rgba(0,0,0,0)"]
    # A -> Converted and B -> No conversion are transparent; A -> B keeps A's neutral colour
    assert list(hidden.link.color) == ["rgba(86,180,233,0.4)", "rgba(0,0,0,0)", "rgba(0,0,0,0)"]
    assert list(hidden.link.value) == list(shown.link.value)
    assert list(hidden.node.y) == list(shown.node.y)
    assert [c[2] for c in hidden.node.customdata][3:] == [CONVERTED, NO_CONVERSION]


def test_sankey_phase_level_colours_by_own_phase_and_other_is_grey():
    steps = pd.DataFrame(
        {
            "step": [1, 1],
            "source": ["awareness", OTHER],
            "target": ["onboarding", "post-purchase"],
            "count": [2, 1],
        }
    )
    sankey = charts.build_sankey(steps, level=PHASE).data[0]
    assert list(sankey.node.label) == ["awareness", OTHER, "onboarding", "post-purchase"]
    assert list(sankey.node.color) == [BLUE, FOLDED_COLOR, ORANGE, PINK]


def test_sankey_node_colors_override_everything_and_unknown_nodes_are_neutral():
    sankey = charts.build_sankey(
        two_step_flow(), node_colors={"B": "#123456", CONVERTED: "#abcdef"}
    ).data[0]
    assert list(sankey.node.color) == [
        NEUTRAL_COLOR,
        "#123456",
        "#123456",
        "#abcdef",
        END_COLORS[NO_CONVERSION],
    ]


def test_sankey_escapes_markup_in_names():
    steps = pd.DataFrame(
        {
            "step": [1],
            "source": ["<b>x</b>"],
            "target": ["<img src=x onerror=alert(1)>"],
            "count": [1],
        }
    )
    labels = list(charts.build_sankey(steps).data[0].node.label)
    assert labels == ["&lt;b&gt;x&lt;/b&gt;", "&lt;img src=x onerror=alert(1)&gt;"]


def test_sankey_of_no_flows_is_an_empty_figure():
    empty = pd.DataFrame(
        {
            "step": pd.Series(dtype="int64"),
            "source": pd.Series(dtype="str"),
            "target": pd.Series(dtype="str"),
            "count": pd.Series(dtype="int64"),
        }
    )
    sankey = charts.build_sankey(empty).data[0]
    assert list(sankey.node.label) == []
    assert list(sankey.link.value) == []


@given(
    st.lists(
        st.tuples(
            st.integers(1, 4),
            st.sampled_from(["A", "B", "C", CONVERTED]),
            st.sampled_from(["A", "B", NO_CONVERSION]),
            st.integers(1, 50),
        ),
        min_size=1,
        max_size=20,
        unique_by=lambda r: r[:3],
    )
)
def test_sankey_has_one_link_per_row_and_keeps_every_count(rows):
    steps = pd.DataFrame(rows, columns=["step", "source", "target", "count"])
    sankey = charts.build_sankey(steps).data[0]
    assert list(sankey.link.value) == steps["count"].tolist()
    labels = list(sankey.node.label)
    for source, target, row in zip(sankey.link.source, sankey.link.target, rows, strict=True):
        assert (labels[source], labels[target]) == (row[1], row[2])
        # the target sits one column to the right of the source
        assert sankey.node.customdata[target][1] == sankey.node.customdata[source][1] + 1
    assert len(set(zip(labels, (c[1] for c in sankey.node.customdata), strict=True))) == len(labels)


def phase_flows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source_phase": ["awareness", "awareness", "onboarding", "onboarding"],
            "source": ["Email", "Email", "Web", "Web"],
            "target_phase": ["onboarding", "awareness", "post-purchase", "engagement"],
            "target": ["Web", "Search", "Chat", "App"],
            "customers": [4, 2, 1, 3],
        }
    )


def test_phase_sankey_has_four_fixed_columns_and_drops_links_inside_a_phase():
    sankey = charts.build_phase_sankey(phase_flows()).data[0]
    # Search is only reached inside awareness: that link cannot be drawn and is dropped
    assert list(sankey.node.label) == ["Email", "Web", "App", "Chat"]
    assert list(sankey.node.x) == pytest.approx([0.001, 1 / 3, 2 / 3, 0.999])
    assert list(sankey.node.color) == [BLUE, ORANGE, GREEN, PINK]
    # links in input order: Email -> Web, Web -> Chat, Web -> App
    assert list(sankey.link.source) == [0, 1, 1]
    assert list(sankey.link.target) == [1, 3, 2]
    assert list(sankey.link.value) == [4, 1, 3]
    assert list(sankey.node.customdata) == [
        "Awareness",
        "Onboarding",
        "Engagement",
        "Post-purchase",
    ]


def test_phase_sankey_titles_its_columns_and_accepts_translations():
    fig = charts.build_phase_sankey(phase_flows(), phase_titles={"awareness": "Kesadaran"})
    texts = [a.text for a in fig.layout.annotations]
    assert texts == [
        "<b>Kesadaran</b>",
        "<b>Onboarding</b>",
        "<b>Engagement</b>",
        "<b>Post-purchase</b>",
    ]
    assert [a.x for a in fig.layout.annotations] == pytest.approx([0, 1 / 3, 2 / 3, 1])


def test_funnel_shows_customers_per_stage_with_rates():
    funnel = pd.DataFrame(
        {
            "stage": ["Home", "Cart", "Purchase"],
            "customers": [10, 4, 1],
            "conversion_rate": [1.0, 0.4, 0.1],
            "step_conversion_rate": [1.0, 0.4, 0.25],
            "median_days_from_previous": [float("nan"), 2.25, 0.5],
        }
    )
    trace = charts.build_funnel(funnel).data[0]
    assert list(trace.y) == ["Home", "Cart", "Purchase"]
    assert list(trace.x) == [10, 4, 1]
    assert [tuple(c) for c in trace.customdata] == [
        (1.0, 1.0, "n/a"),
        (0.4, 0.4, "2.2"),
        (0.1, 0.25, "0.5"),
    ]


def test_dropoff_bars_show_customers_labelled_with_rates_first_on_top():
    dropoffs = pd.DataFrame(
        {
            "node": ["Pricing", "Cart"],
            "reached": [20, 8],
            "ended_here": [10, 6],
            "dropoff_rate": [0.5, 0.75],
        }
    )
    fig = charts.build_dropoff_bars(dropoffs)
    assert list(fig.data[0].y) == ["Pricing", "Cart"]
    assert list(fig.data[0].x) == [10, 6]
    assert [tuple(c) for c in fig.data[0].customdata] == [(20, 0.5), (8, 0.75)]
    assert fig.data[0].texttemplate == "%{customdata[1]:.1%}"
    assert fig.layout.yaxis.autorange == "reversed"


def test_dropoff_next_draws_the_top_rows_with_shares_of_all():
    frame = pd.DataFrame(
        {
            "stage": ["Cart", "Cart", "Cart"],
            "next_node": ["Blog", NO_FURTHER_EVENTS, "Home"],
            "customers": [5, 3, 2],
        }
    )
    bar = charts.build_dropoff_next(frame, top=2).data[0]
    assert list(bar.y) == ["Blog", NO_FURTHER_EVENTS]
    assert list(bar.x) == [5, 3]
    assert list(bar.customdata) == pytest.approx([0.5, 0.3])  # of all 10 who dropped
    assert list(bar.marker.color) == [NEUTRAL_COLOR, FOLDED_COLOR]


def test_overrepresentation_colours_by_sign():
    frame = pd.DataFrame(
        {
            "node": ["Demo", "Blog"],
            "share_converters": [0.8, 0.1],
            "share_non_converters": [0.2, 0.5],
            "lift": [4.0, 0.2],
            "difference": [0.6, -0.4],
        }
    )
    bar = charts.build_overrepresentation(frame).data[0]
    assert list(bar.x) == [0.6, -0.4]
    assert list(bar.marker.color) == [charts.POSITIVE_COLOR, charts.NEGATIVE_COLOR]
    assert [c[2] for c in bar.customdata] == ["4.0", "0.2"]


def test_timeline_has_one_trace_per_phase_in_journey_order():
    timeline = pd.DataFrame(
        {
            TIMESTAMP: pd.to_datetime(
                ["2024-01-01", "2024-01-03", "2024-01-05", "2024-03-01"], utc=True
            ),
            CHANNEL: ["Email", "Web", "Store", "Chat"],
            TOUCHPOINT: ["Welcome", "Pricing", "Till", "Help"],
            EVENT_TYPE: ["open", "view", "purchase", None],
            REVENUE: [0.0, 0.0, 99.5, 0.0],
            CONVERSION: [False, False, True, False],
            PHASE: ["awareness", "awareness", "onboarding", "post-purchase"],
        }
    )
    fig = charts.build_timeline(timeline)
    assert [t.name for t in fig.data] == ["Awareness", "Onboarding", "Post-purchase"]
    assert [t.marker.color for t in fig.data] == [BLUE, ORANGE, PINK]
    assert list(fig.data[0].y) == ["Email", "Web"]
    assert list(fig.data[1].marker.symbol) == ["diamond"]
    assert [tuple(c) for c in fig.data[1].customdata] == [("Till", "purchase", 99.5)]
    assert list(fig.layout.yaxis.categoryarray) == ["Email", "Web", "Store", "Chat"]


def test_compare_diff_labels_edges_and_colours_by_sign():
    compare = pd.DataFrame(
        {
            "source": ["Cart", "Home"],
            "target": ["Purchase", "Blog"],
            "count_a": [5, 1],
            "share_a": [0.5, 0.1],
            "count_b": [1, 6],
            "share_b": [0.1, 0.6],
            "diff": [0.4, -0.5],
        }
    )
    bar = charts.build_compare_diff(compare, label_a="Buyers", label_b="Others").data[0]
    assert list(bar.y) == ["Cart → Purchase", "Home → Blog"]
    assert list(bar.x) == [0.4, -0.5]
    assert list(bar.marker.color) == [charts.POSITIVE_COLOR, charts.NEGATIVE_COLOR]
    assert "Buyers" in bar.hovertemplate
    assert "Others" in bar.hovertemplate


def test_phase_summary_bars_in_phase_colours():
    summary = pd.DataFrame(
        {
            PHASE: ["awareness", "onboarding", "engagement", "post-purchase"],
            "customers": [10, 4, 2, 1],
            "share_of_customers": [1.0, 0.4, 0.2, 0.1],
        }
    )
    bar = charts.build_phase_summary(summary).data[0]
    assert list(bar.x) == ["Awareness", "Onboarding", "Engagement", "Post-purchase"]
    assert list(bar.y) == [1.0, 0.4, 0.2, 0.1]
    assert list(bar.marker.color) == [BLUE, ORANGE, GREEN, PINK]


def test_title_is_escaped():
    fig = charts.build_sankey(two_step_flow(), title="<script>x</script>")
    assert fig.layout.title.text == "&lt;script&gt;x&lt;/script&gt;"
