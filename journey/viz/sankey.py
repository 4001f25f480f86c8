"""Sankey diagrams of journeys: flows by path position, and flows between the four phases.

Both share one node layout (`_place_nodes`): a node per (column, name), as tall as the larger
of its inflow and outflow, stacked in its column. User strings reach plotly through
`journey.viz.figure`: node labels escaped and shortened, hover text escaped and whole.

Node names are the query layer's: a name equal to a generated one (Start, Converted, No
conversion, Other) is that generated node, since data values of those names arrive labelled
with their level ("Converted (touchpoint)", `journey.query.nodes`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from journey.schema import CHANNEL, END_COLORS, END_NODES, NO_CONVERSION, PHASE, PHASE_COLORS, START
from journey.viz.figure import CLEAR, EDGE, NODE_FONT, apply_layout, chart_label, plotly_text
from journey.viz.palette import FOLDED, PHASE_ORDER, PHASE_TITLES, node_color, rgba

_LINK_ALPHA = 0.4
# Pixels a node label needs (a 12 px font, 15 px in presentation mode, plus a little air): a
# node shorter than this is left unlabelled, so labels never overlap; its hover names it.
LABEL_ROOM = 16
_MARGINS = 30  # the figure's top and bottom margins without a title (journey.viz.figure)
_STEP_HOVER = (
    "%{customdata[2]}<br>position %{customdata[1]}:"
    " %{value:,} customers (%{customdata[0]:.1%} of the step)<extra></extra>"
)
_STEP_LINK_HOVER = (
    "%{customdata[2]} → %{customdata[3]}<br>step %{customdata[1]}:"
    " %{value:,} customers (%{customdata[0]:.1%} of the step)<extra></extra>"
)
_PHASE_HOVER = "%{customdata[0]} (%{customdata[1]})<br>%{value:,} customers<extra></extra>"
_PHASE_LINK_HOVER = (
    "%{customdata[0]} (%{customdata[1]}) → %{customdata[2]}"
    " (%{customdata[3]})<br>%{value:,} customers<extra></extra>"
)


def _column_rank(names: pd.Series) -> pd.Series:
    """Rank flow nodes for their column: ordinary nodes, then Other, then the end nodes."""
    rank = pd.Series(0, index=names.index)
    rank = rank.mask(names.isin(FOLDED), 1)
    rank = rank.mask(names.isin(END_COLORS.keys()), 2)
    return rank.mask(names == NO_CONVERSION, 3).mask(names == START, -1)


def _place_nodes(
    source: pd.DataFrame,
    target: pd.DataFrame,
    x_of: Callable[[pd.Series], pd.Series],
    *,
    ranked: bool,
) -> tuple[pd.DataFrame, list[int], list[int]]:
    """Lay out the nodes the links join and return them with each link's two node indices.

    Args:
        source: The links' source ends, one row per link: key (the column: position or
            phase), name, size.
        target: The links' target ends, in the same layout and order.
        x_of: Column key -> horizontal position in [0, 1] (clipped into (0, 1) here).
        ranked: Put ordinary nodes before Other and the end nodes in a column (else only
            size and name order it).

    Returns:
        Nodes with key, name, size, x, y, share (of the column's total), in plotly's node
        order: by column, rank, size descending, name; then the source and target node
        index of every link.
    """
    # a node is as tall as the larger of its inflow and outflow, as plotly draws it
    nodes = (
        pd.concat(
            [
                source.groupby(["key", "name"], as_index=False)["size"].sum(),
                target.groupby(["key", "name"], as_index=False)["size"].sum(),
            ],
            ignore_index=True,
        )
        .groupby(["key", "name"], as_index=False)["size"]
        .max()
    )
    rank = _column_rank(nodes["name"]) if ranked else 0
    nodes = nodes.assign(x=x_of(nodes["key"]), rank=rank)  # x: one value per column
    nodes = nodes.sort_values(
        ["x", "rank", "size", "name"],
        ascending=[True, True, False, True],
        kind="stable",
        ignore_index=True,
    )
    totals = nodes.groupby("x")["size"].transform("sum")
    totals = totals.where(totals > 0, 1)
    before = nodes.groupby("x")["size"].cumsum() - nodes["size"]
    nodes = nodes.assign(
        x=nodes["x"].clip(EDGE, 1 - EDGE),
        y=((before + nodes["size"] / 2) / totals).clip(EDGE, 1 - EDGE),
        share=nodes["size"] / totals,
    )
    index = {key: i for i, key in enumerate(zip(nodes["key"], nodes["name"], strict=True))}
    link_source = [index[key] for key in zip(source["key"], source["name"], strict=True)]
    link_target = [index[key] for key in zip(target["key"], target["name"], strict=True)]
    return nodes, link_source, link_target


def _sankey(nodes: pd.DataFrame, node: dict[str, object], link: dict[str, object]) -> go.Figure:
    """Draw a Sankey of placed nodes; `node` gives label, color, customdata and hovertemplate."""
    return go.Figure(
        go.Sankey(
            arrangement="snap",
            valueformat=",d",
            textfont=NODE_FONT,
            node={
                "label": node["label"],
                "x": nodes["x"].tolist(),
                "y": nodes["y"].tolist(),
                "color": node["color"],
                "pad": 12,
                "thickness": 16,
                "line": {"width": 0},
                "customdata": node["customdata"],
                "hovertemplate": node["hovertemplate"],
            },
            link=link,
        )
    )


def _position_x(steps: pd.DataFrame) -> Callable[[pd.Series], pd.Series]:
    """Map path positions to x: the first position on the left, the last on the right."""
    positions = pd.concat([steps["step"], steps["step"] + 1]).unique()
    first = int(positions.min()) if len(positions) else 1
    span = max(len(positions) - 1, 1)
    return lambda position: (position - first) / span


def build_sankey(
    steps: pd.DataFrame,
    *,
    level: str = CHANNEL,
    node_phase: Mapping[str, str] | None = None,
    node_colors: Mapping[str, str] | None = None,
    show_end_nodes: bool = True,
    title: str | None = None,
    height: int = 520,
) -> go.Figure:
    """Draw step flows as a Sankey with one column per path position.

    Args:
        steps: Columns step, source, target, count (`flows.step_flows`): the link from the
            node at position `step` to the node at position `step + 1`.
        level: The node level; at the phase level nodes take their own phase's colour.
        node_phase: Node name -> dominant phase, to colour channel/touchpoint nodes by phase.
        node_colors: Node name -> colour overriding every other rule (e.g. sentiment).
        show_end_nodes: False draws end nodes and the flows into them transparent and
            unlabelled: they keep their room, so every column still adds up.
        title: Figure title.
        height: Figure height in pixels.

    Returns:
        A figure with one node per (position, name), ordered by position, then ordinary nodes
        by volume descending and name, then Other, Converted, No conversion; node values are
        the customers at that position, hover shows counts and the share of the step.
    """
    source = pd.DataFrame({"key": steps["step"], "name": steps["source"], "size": steps["count"]})
    target = pd.DataFrame(
        {"key": steps["step"] + 1, "name": steps["target"], "size": steps["count"]}
    )
    nodes, link_source, link_target = _place_nodes(source, target, _position_x(steps), ranked=True)
    phases = node_phase or {}
    colors = [
        node_color(
            name,
            name if level == PHASE and name in PHASE_COLORS else phases.get(name),
            node_colors,
        )
        for name in nodes["name"]
    ]
    hover_labels = [plotly_text(name) for name in nodes["name"]]
    roomy = nodes["share"] * (height - _MARGINS) >= LABEL_ROOM
    labels = [
        chart_label(name) if room else "" for name, room in zip(nodes["name"], roomy, strict=True)
    ]
    link_colors = [rgba(color, _LINK_ALPHA) for color in colors]
    if not show_end_nodes:  # hide, don't drop: the columns must keep adding up
        for i in np.flatnonzero(nodes["name"].isin(END_NODES).to_numpy()):
            colors[i], link_colors[i], labels[i] = CLEAR, CLEAR, ""
    node = {
        "label": labels,
        "color": colors,
        "customdata": list(zip(nodes["share"], nodes["key"], hover_labels, strict=True)),
        "hovertemplate": _STEP_HOVER,
    }
    link = _step_links(steps, link_source, link_target, hover_labels, colors, link_colors)
    return apply_layout(_sankey(nodes, node, link), title, height)


def _step_links(
    steps: pd.DataFrame,
    link_source: list[int],
    link_target: list[int],
    hover_labels: list[str],
    colors: list[str],
    link_colors: list[str],
) -> dict[str, object]:
    """Links of the step Sankey: coloured by their source, clear into hidden nodes."""
    step_totals = steps.groupby("step")["count"].transform("sum")
    link_share = steps["count"] / step_totals.where(step_totals > 0, 1)
    return {
        "source": link_source,
        "target": link_target,
        "value": steps["count"].tolist(),
        "color": [
            CLEAR if colors[j] == CLEAR else link_colors[i]
            for i, j in zip(link_source, link_target, strict=True)
        ],
        "customdata": list(
            zip(
                link_share,
                steps["step"],
                [hover_labels[i] for i in link_source],
                [hover_labels[i] for i in link_target],
                strict=True,
            )
        ),
        "hovertemplate": _STEP_LINK_HOVER,
    }


def _phase_x(phases: pd.Series) -> pd.Series:
    """Map phases to x: their journey order over three gaps, unknown phases past the right."""
    order = {phase: i for i, phase in enumerate(PHASE_ORDER)}
    return phases.map(order).fillna(len(order)).astype(int) / (len(PHASE_ORDER) - 1)


def build_phase_sankey(
    phase_flows: pd.DataFrame,
    *,
    node_colors: Mapping[str, str] | None = None,
    phase_titles: Mapping[str, str] | None = None,
    title: str | None = None,
    height: int = 520,
) -> go.Figure:
    """Draw flows between phases as a Sankey with four fixed columns, Awareness → Post-purchase.

    Args:
        phase_flows: Columns source_phase, source, target_phase, target, customers
            (`flows.phase_flows`); links between nodes of the same phase are not drawn
            (a Sankey column cannot hold them).
        node_colors: Node name -> colour overriding the phase colour.
        phase_titles: Phase -> column title (translated); defaults to `PHASE_TITLES`.
        title: Figure title.
        height: Figure height in pixels.

    Returns:
        A figure with one node per (phase, name), the phase's column at x = phase index / 3,
        ordered in a column by customers descending then name; links sized by customers.
    """
    titles = {**PHASE_TITLES, **(phase_titles or {})}
    flows = phase_flows[phase_flows["source_phase"] != phase_flows["target_phase"]]
    ends = [
        pd.DataFrame({"key": flows[f"{end}_phase"], "name": flows[end], "size": flows["customers"]})
        for end in ("source", "target")
    ]
    nodes, link_source, link_target = _place_nodes(*ends, _phase_x, ranked=False)
    colors = [
        node_color(name, phase, node_colors, mark_roles=False)
        for phase, name in zip(nodes["key"], nodes["name"], strict=True)
    ]
    labels = [plotly_text(name) for name in nodes["name"]]
    phase_names = [plotly_text(titles.get(phase, phase)) for phase in nodes["key"]]
    node = {
        "label": [chart_label(name) for name in nodes["name"]],
        "color": colors,
        "customdata": list(zip(labels, phase_names, strict=True)),
        "hovertemplate": _PHASE_HOVER,
    }
    link = _phase_links(flows, link_source, link_target, labels, phase_names, colors)
    fig = _add_phase_titles(_sankey(nodes, node, link), titles)
    fig = apply_layout(fig, title, height)
    fig.update_layout(margin={"t": 70 if title else 40})
    return fig


def _phase_links(
    flows: pd.DataFrame,
    link_source: list[int],
    link_target: list[int],
    labels: list[str],
    phase_names: list[str],
    colors: list[str],
) -> dict[str, object]:
    """Links of the phase Sankey: sized by customers, coloured by their source node."""
    return {
        "source": link_source,
        "target": link_target,
        "value": flows["customers"].tolist(),
        "color": [rgba(colors[i], _LINK_ALPHA) for i in link_source],
        "customdata": list(
            zip(
                [labels[i] for i in link_source],
                [phase_names[i] for i in link_source],
                [labels[i] for i in link_target],
                [phase_names[i] for i in link_target],
                strict=True,
            )
        ),
        "hovertemplate": _PHASE_LINK_HOVER,
    }


def _add_phase_titles(fig: go.Figure, titles: Mapping[str, str]) -> go.Figure:
    """Title the four phase columns above the plot, each in its phase colour."""
    for i, phase in enumerate(PHASE_ORDER):
        fig.add_annotation(
            x=i / (len(PHASE_ORDER) - 1),
            y=1.0,
            xref="paper",
            yref="paper",
            yanchor="bottom",
            xanchor=("left", "center", "center", "right")[i],
            text=f"<b>{plotly_text(titles[phase])}</b>",
            showarrow=False,
            font={"color": PHASE_COLORS[phase]},
        )
    return fig


def add_sentiment_hover(fig: go.Figure, node_scores: pd.DataFrame) -> go.Figure:
    """Return a copy of a `build_sankey` figure whose node hover adds mean sentiment and n."""
    out = go.Figure(fig)
    sankey = out.data[0]
    by_label = {
        plotly_text(name): (score, int(n))
        for name, score, n in zip(
            node_scores["node"], node_scores["mean_score"], node_scores["n"], strict=True
        )
    }
    custom = []
    for share, position, label in sankey.node.customdata:
        score, n = by_label.get(label, (float("nan"), 0))
        mean = "n/a" if pd.isna(score) else f"{score:+.2f}"
        custom.append((share, position, label, mean, n))
    sankey.node.customdata = custom
    sankey.node.hovertemplate = (
        "%{customdata[2]}<br>position %{customdata[1]}: %{value:,} customers"
        " (%{customdata[0]:.1%} of the step)<br>mean customer sentiment %{customdata[3]}"
        " (n=%{customdata[4]})<extra></extra>"
    )
    return out
