"""Sankeys: node/link structure, colours, layout and hover of figures from hand-made flows."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from journey.schema import (
    CONVERTED,
    END_COLORS,
    FOLDED_COLOR,
    NEUTRAL_COLOR,
    NO_CONVERSION,
    OTHER,
    PHASE,
    PHASE_COLORS,
)
from journey.viz.sankey import add_sentiment_hover, build_phase_sankey, build_sankey
from tests.journey.query.examples import FLOW_NAMES, reserved_events
from tests.oracle import flows

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
    fig = build_sankey(two_step_flow(), node_phase={"A": "awareness", "B": "onboarding"})
    sankey = fig.data[0]
    assert list(sankey.node.label) == ["A", "B", "B", CONVERTED, NO_CONVERSION]
    assert list(sankey.link.source) == [0, 0, 1]
    assert list(sankey.link.target) == [2, 3, 4]
    assert list(sankey.link.value) == [3, 1, 2]


def test_sankey_colours_nodes_by_dominant_phase_and_end_nodes_by_outcome():
    fig = build_sankey(two_step_flow(), node_phase={"A": "awareness", "B": "onboarding"})
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
    sankey = build_sankey(two_step_flow()).data[0]
    assert list(sankey.node.x) == [0.001, 0.001, 0.999, 0.999, 0.999]
    # position 1: A (4 of 6) centred at 2/6, B (2 of 6) at 5/6
    # position 2: B (3) at 1.5/6, Converted (1) at 3.5/6, No conversion (2) at 5/6
    assert list(sankey.node.y) == pytest.approx([2 / 6, 5 / 6, 1.5 / 6, 3.5 / 6, 5 / 6])


def test_sankey_hover_carries_share_of_the_step():
    sankey = build_sankey(two_step_flow()).data[0]
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
    sankey = build_sankey(steps).data[0]
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
    shown = build_sankey(two_step_flow()).data[0]
    hidden = build_sankey(two_step_flow(), show_end_nodes=False).data[0]
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
    sankey = build_sankey(steps, level=PHASE).data[0]
    assert list(sankey.node.label) == ["awareness", OTHER, "onboarding", "post-purchase"]
    assert list(sankey.node.color) == [BLUE, FOLDED_COLOR, ORANGE, PINK]


def test_sankey_node_colors_override_everything_and_unknown_nodes_are_neutral():
    sankey = build_sankey(two_step_flow(), node_colors={"B": "#123456", CONVERTED: "#abcdef"}).data[
        0
    ]
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
    labels = list(build_sankey(steps).data[0].node.label)
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
    sankey = build_sankey(empty).data[0]
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
    sankey = build_sankey(steps).data[0]
    assert list(sankey.link.value) == steps["count"].tolist()
    labels = [c[2] for c in sankey.node.customdata]  # names (a small node is left unlabelled)
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
    sankey = build_phase_sankey(phase_flows()).data[0]
    # Search is only reached inside awareness: that link cannot be drawn and is dropped
    assert list(sankey.node.label) == ["Email", "Web", "App", "Chat"]
    assert list(sankey.node.x) == pytest.approx([0.001, 1 / 3, 2 / 3, 0.999])
    assert list(sankey.node.color) == [BLUE, ORANGE, GREEN, PINK]
    # links in input order: Email -> Web, Web -> Chat, Web -> App
    assert list(sankey.link.source) == [0, 1, 1]
    assert list(sankey.link.target) == [1, 3, 2]
    assert list(sankey.link.value) == [4, 1, 3]
    assert [tuple(c) for c in sankey.node.customdata] == [
        ("Email", "Awareness"),
        ("Web", "Onboarding"),
        ("App", "Engagement"),
        ("Chat", "Post-purchase"),
    ]


def test_phase_sankey_titles_its_columns_and_accepts_translations():
    fig = build_phase_sankey(phase_flows(), phase_titles={"awareness": "Kesadaran"})
    texts = [a.text for a in fig.layout.annotations]
    assert texts == [
        "<b>Kesadaran</b>",
        "<b>Onboarding</b>",
        "<b>Engagement</b>",
        "<b>Post-purchase</b>",
    ]
    assert [a.x for a in fig.layout.annotations] == pytest.approx([0, 1 / 3, 2 / 3, 1])


def test_title_is_escaped():
    fig = build_sankey(two_step_flow(), title="<script>x</script>")
    assert fig.layout.title.text == "&lt;script&gt;x&lt;/script&gt;"


def scores(rows: list[tuple[str, float, int]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["node", "mean_score", "n"])


def test_add_sentiment_hover_adds_mean_and_count_per_node():
    flows = pd.DataFrame(
        {
            "step": [1, 1],
            "source": ["Web", "<b>Ads</b>"],
            "target": ["Email", "Email"],
            "count": [2, 1],
        }
    )
    frame = scores([("Web", -0.5, 4), ("<b>Ads</b>", 0.25, 1)])
    figure = add_sentiment_hover(build_sankey(flows), frame)
    custom = {row[2]: (row[3], row[4]) for row in figure.data[0].node.customdata}
    assert custom == {
        "Web": ("-0.50", 4),
        "&lt;b&gt;Ads&lt;/b&gt;": ("+0.25", 1),
        "Email": ("n/a", 0),
    }
    assert "customdata[4]" in figure.data[0].node.hovertemplate


@pytest.mark.parametrize("name", FLOW_NAMES)
def test_sankey_draws_a_data_node_named_like_a_generated_one_as_data(name):
    # step flows of a: name, Web, Email; b: Web, name; c: name (none converts before Email)
    data = f"{name} (channel)"
    steps = flows.step_flows(reserved_events(name), steps=3)
    shown = build_sankey(steps).data[0]
    # position 1: data (2), Web (1); 2: data, Web, No conversion (1 each: ordinary nodes by
    # name, end nodes last); 3: Email (1), No conversion (2)
    assert list(shown.node.label) == [
        data,
        "Web",
        data,
        "Web",
        NO_CONVERSION,
        "Email",
        NO_CONVERSION,
    ]
    end = END_COLORS[NO_CONVERSION]
    assert list(shown.node.color) == [NEUTRAL_COLOR] * 4 + [end, NEUTRAL_COLOR, end]
    hidden = build_sankey(steps, show_end_nodes=False).data[0]
    assert list(hidden.node.label) == [data, "Web", data, "Web", "", "Email", ""]


def test_nodes_too_short_for_a_label_are_left_unlabelled():
    # 100 customers at step 1: A 95, B 3, C 2; plot height 530 - 30 = 500 px, so A is 475 px,
    # B 15 px and C 10 px tall: only A has the 16 px a label needs; the hover still names all
    steps = pd.DataFrame(
        {
            "step": [1, 1, 1],
            "source": ["A", "B", "C"],
            "target": ["A", "A", "A"],
            "count": [95, 3, 2],
        }
    )
    node = build_sankey(steps, height=530).data[0].node
    assert list(node.label) == ["A", "", "", "A"]
    assert [c[2] for c in node.customdata] == ["A", "B", "C", "A"]


def test_node_labels_take_the_theme_colour_without_a_halo():
    textfont = build_sankey(two_step_flow()).data[0].textfont
    assert textfont.color is None  # the theme's text colour: dark on light, light on dark
    assert textfont.shadow == "none"
