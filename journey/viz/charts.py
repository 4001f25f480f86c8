"""Plotly figure builders: each takes a tidy frame and returns a figure, computing only layout.

Every builder escapes user strings (touchpoint, channel, stage names) before plotly sees
them: plotly reads `<b>`, `<a href>` and friends in labels and hover text as markup.
Colours come from the one colour-blind-safe palette in `journey.schema`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from journey.io.export import escape
from journey.schema import (
    CATEGORY_COLORS,
    CHANNEL,
    CONVERSION,
    END_COLORS,
    END_NODES,
    EVENT_TYPE,
    FOLDED_COLOR,
    NEUTRAL_COLOR,
    NO_CONVERSION,
    NO_FURTHER_EVENTS,
    OTHER,
    OTHER_TEAMS,
    PHASE,
    PHASE_COLORS,
    REVENUE,
    START,
    TIMESTAMP,
    TOUCHPOINT,
    Phase,
)

# Phase titles shown above the columns of the phase Sankey and in legends.
PHASE_TITLES: Mapping[str, str] = {
    Phase.AWARENESS.value: "Awareness",
    Phase.ONBOARDING.value: "Onboarding",
    Phase.ENGAGEMENT.value: "Engagement",
    Phase.POST_PURCHASE.value: "Post-purchase",
}
PHASE_ORDER: tuple[str, ...] = tuple(p.value for p in Phase)
# Positive differences (A/converters ahead) and negative ones, from the same palette.
POSITIVE_COLOR = CATEGORY_COLORS[0]
NEGATIVE_COLOR = CATEGORY_COLORS[5]
_FOLDED = (OTHER, OTHER_TEAMS)
# plotly ignores a node position of exactly 0 (it tests `if (x && y)`), so keep inside (0, 1).
_EDGE = 0.001
_LINK_ALPHA = 0.4
_CLEAR = "rgba(0,0,0,0)"
_FONT = {"family": "sans-serif", "size": 12}
_NODE_FONT = {"family": "sans-serif", "size": 12, "color": "#1a1a1a"}


def _rgba(color: str, alpha: float) -> str:
    """Turn '#RRGGBB' into an rgba() string with the given opacity."""
    red, green, blue = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def node_color(
    name: str,
    *,
    level: str = CHANNEL,
    node_phase: Mapping[str, str] | None = None,
    node_colors: Mapping[str, str] | None = None,
) -> str:
    """Return the colour of a flow node: override, end node, phase, dominant phase, neutral."""
    if node_colors and name in node_colors:
        return node_colors[name]
    if name in END_COLORS:
        return END_COLORS[name]
    if name in _FOLDED:
        return FOLDED_COLOR
    if level == PHASE and name in PHASE_COLORS:
        return PHASE_COLORS[name]
    if node_phase and node_phase.get(name) in PHASE_COLORS:
        return PHASE_COLORS[node_phase[name]]
    return NEUTRAL_COLOR


def _column_rank(names: pd.Series) -> pd.Series:
    """Rank flow nodes for their column: ordinary nodes, then Other, then the end nodes."""
    rank = pd.Series(0, index=names.index)
    rank = rank.mask(names.isin(_FOLDED), 1)
    rank = rank.mask(names.isin(END_COLORS.keys()), 2)
    return rank.mask(names == NO_CONVERSION, 3).mask(names == START, -1)


def _layout(fig: go.Figure, title: str | None, height: int) -> go.Figure:
    """Apply the shared figure layout."""
    fig.update_layout(
        title={"text": escape(title)} if title else None,
        height=height,
        margin={"l": 10, "r": 10, "t": 50 if title else 20, "b": 10},
        font=_FONT,
    )
    return fig


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
        steps: Columns step, source, target, count (`paths.step_flows`): the link from the
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
    src = pd.DataFrame(
        {"position": steps["step"], "name": steps["source"], "count": steps["count"]}
    )
    tgt = pd.DataFrame(
        {"position": steps["step"] + 1, "name": steps["target"], "count": steps["count"]}
    )
    outflow = src.groupby(["position", "name"], as_index=False)["count"].sum()
    inflow = tgt.groupby(["position", "name"], as_index=False)["count"].sum()
    nodes = (
        pd.concat([outflow, inflow], ignore_index=True)
        .groupby(["position", "name"], as_index=False)["count"]
        .max()
        .rename(columns={"count": "volume"})
    )
    nodes = nodes.assign(rank=_column_rank(nodes["name"]))
    nodes = nodes.sort_values(
        ["position", "rank", "volume", "name"],
        ascending=[True, True, False, True],
        kind="stable",
        ignore_index=True,
    )
    totals = nodes.groupby("position")["volume"].transform("sum")
    before = nodes.groupby("position")["volume"].cumsum() - nodes["volume"]
    n_positions = int(nodes["position"].nunique()) if len(nodes) else 1
    first = int(nodes["position"].min()) if len(nodes) else 1
    span = max(n_positions - 1, 1)
    x = ((nodes["position"] - first) / span).clip(_EDGE, 1 - _EDGE)
    y = ((before + nodes["volume"] / 2) / totals.where(totals > 0, 1)).clip(_EDGE, 1 - _EDGE)
    share = nodes["volume"] / totals.where(totals > 0, 1)
    index = {key: i for i, key in enumerate(zip(nodes["position"], nodes["name"], strict=True))}
    colors = [
        node_color(name, level=level, node_phase=node_phase, node_colors=node_colors)
        for name in nodes["name"]
    ]
    hover_labels = [escape(name) for name in nodes["name"]]
    labels = list(hover_labels)
    link_colors = [_rgba(color, _LINK_ALPHA) for color in colors]
    if not show_end_nodes:  # hide, don't drop: the columns must keep adding up
        for i in np.flatnonzero(nodes["name"].isin(END_NODES).to_numpy()):
            colors[i], link_colors[i], labels[i] = _CLEAR, _CLEAR, ""

    link_source = [index[key] for key in zip(src["position"], src["name"], strict=True)]
    link_target = [index[key] for key in zip(tgt["position"], tgt["name"], strict=True)]
    step_totals = steps.groupby("step")["count"].transform("sum")
    link_share = steps["count"] / step_totals.where(step_totals > 0, 1)
    link_custom = list(
        zip(
            link_share,
            steps["step"],
            [hover_labels[i] for i in link_source],
            [hover_labels[i] for i in link_target],
            strict=True,
        )
    )
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            valueformat=",d",
            textfont=_NODE_FONT,
            node={
                "label": labels,
                "x": x.tolist(),
                "y": y.tolist(),
                "color": colors,
                "pad": 12,
                "thickness": 16,
                "line": {"width": 0},
                "customdata": list(zip(share, nodes["position"], hover_labels, strict=True)),
                "hovertemplate": "%{customdata[2]}<br>position %{customdata[1]}:"
                " %{value:,} customers (%{customdata[0]:.1%} of the step)<extra></extra>",
            },
            link={
                "source": link_source,
                "target": link_target,
                "value": steps["count"].tolist(),
                "color": [
                    _CLEAR if colors[j] == _CLEAR else link_colors[i]
                    for i, j in zip(link_source, link_target, strict=True)
                ],
                "customdata": link_custom,
                "hovertemplate": "%{customdata[2]} → %{customdata[3]}<br>step %{customdata[1]}:"
                " %{value:,} customers (%{customdata[0]:.1%} of the step)<extra></extra>",
            },
        )
    )
    return _layout(fig, title, height)


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
            (`paths.phase_flows`); links between nodes of the same phase are not drawn
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
    outflow = (
        flows.groupby(["source_phase", "source"], as_index=False)["customers"]
        .sum()
        .set_axis(["phase", "name", "customers"], axis=1)
    )
    inflow = (
        flows.groupby(["target_phase", "target"], as_index=False)["customers"]
        .sum()
        .set_axis(["phase", "name", "customers"], axis=1)
    )
    order = {phase: i for i, phase in enumerate(PHASE_ORDER)}
    # a node is as tall as the larger of its inflow and outflow, as plotly draws it
    nodes = (
        pd.concat([outflow, inflow], ignore_index=True)
        .groupby(["phase", "name"], as_index=False)["customers"]
        .max()
    )
    nodes = nodes.assign(column=nodes["phase"].map(order).fillna(len(order)).astype(int))
    nodes = nodes.sort_values(
        ["column", "customers", "name"], ascending=[True, False, True], ignore_index=True
    )
    totals = nodes.groupby("column")["customers"].transform("sum")
    before = nodes.groupby("column")["customers"].cumsum() - nodes["customers"]
    x = (nodes["column"] / (len(PHASE_ORDER) - 1)).clip(_EDGE, 1 - _EDGE)
    y = ((before + nodes["customers"] / 2) / totals.where(totals > 0, 1)).clip(_EDGE, 1 - _EDGE)
    index = {key: i for i, key in enumerate(zip(nodes["phase"], nodes["name"], strict=True))}
    colors = [
        (node_colors or {}).get(name, PHASE_COLORS.get(phase, NEUTRAL_COLOR))
        for phase, name in zip(nodes["phase"], nodes["name"], strict=True)
    ]
    labels = [escape(name) for name in nodes["name"]]
    phase_names = [escape(titles.get(phase, phase)) for phase in nodes["phase"]]
    link_source = [index[key] for key in zip(flows["source_phase"], flows["source"], strict=True)]
    link_target = [index[key] for key in zip(flows["target_phase"], flows["target"], strict=True)]
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            valueformat=",d",
            textfont=_NODE_FONT,
            node={
                "label": labels,
                "x": x.tolist(),
                "y": y.tolist(),
                "color": colors,
                "pad": 12,
                "thickness": 16,
                "line": {"width": 0},
                "customdata": phase_names,
                "hovertemplate": "%{label} (%{customdata})<br>%{value:,} customers<extra></extra>",
            },
            link={
                "source": link_source,
                "target": link_target,
                "value": flows["customers"].tolist(),
                "color": [_rgba(colors[i], _LINK_ALPHA) for i in link_source],
                "customdata": list(
                    zip(
                        [labels[i] for i in link_source],
                        [phase_names[i] for i in link_source],
                        [labels[i] for i in link_target],
                        [phase_names[i] for i in link_target],
                        strict=True,
                    )
                ),
                "hovertemplate": "%{customdata[0]} (%{customdata[1]}) → %{customdata[2]}"
                " (%{customdata[3]})<br>%{value:,} customers<extra></extra>",
            },
        )
    )
    for i, phase in enumerate(PHASE_ORDER):
        fig.add_annotation(
            x=i / (len(PHASE_ORDER) - 1),
            y=1.0,
            xref="paper",
            yref="paper",
            yanchor="bottom",
            xanchor=("left", "center", "center", "right")[i],
            text=f"<b>{escape(titles[phase])}</b>",
            showarrow=False,
            font={"color": PHASE_COLORS[phase]},
        )
    fig = _layout(fig, title, height)
    fig.update_layout(margin={"t": 70 if title else 40})
    return fig


def build_funnel(funnel: pd.DataFrame, *, title: str | None = None, height: int = 420) -> go.Figure:
    """Draw a funnel: customers per stage, with overall and step conversion in the hover.

    Args:
        funnel: Columns stage, customers, conversion_rate, step_conversion_rate,
            median_days_from_previous (`paths.funnel`), one row per stage in funnel order.
        title: Figure title.
        height: Figure height in pixels.
    """
    days = funnel["median_days_from_previous"].astype("Float64").round(1)
    custom = list(
        zip(
            funnel["conversion_rate"],
            funnel["step_conversion_rate"],
            days.astype("string").fillna("n/a"),
            strict=True,
        )
    )
    fig = go.Figure(
        go.Funnel(
            y=[escape(stage) for stage in funnel["stage"]],
            x=funnel["customers"].tolist(),
            customdata=custom,
            texttemplate="%{x:,} (%{customdata[0]:.1%})",
            textposition="inside",
            marker={"color": CATEGORY_COLORS[0]},
            connector={"fillcolor": _rgba(CATEGORY_COLORS[4], 0.35)},
            hovertemplate="%{y}<br>%{x:,} customers<br>%{customdata[0]:.1%} of all customers"
            "<br>%{customdata[1]:.1%} of the previous stage"
            "<br>median %{customdata[2]} days from the previous stage<extra></extra>",
        )
    )
    return _layout(fig, title, height)


def build_dropoff_bars(
    dropoffs: pd.DataFrame, *, title: str | None = None, height: int = 420
) -> go.Figure:
    """Draw the biggest drop-off points: customers whose path ended there, labelled with the rate.

    Args:
        dropoffs: Columns node, reached, ended_here, dropoff_rate (`paths.biggest_dropoffs`),
            in the order to show (first on top).
        title: Figure title.
        height: Figure height in pixels.
    """
    fig = go.Figure(
        go.Bar(
            x=dropoffs["ended_here"].tolist(),
            y=[escape(node) for node in dropoffs["node"]],
            orientation="h",
            marker={"color": NEGATIVE_COLOR},
            customdata=list(zip(dropoffs["reached"], dropoffs["dropoff_rate"], strict=True)),
            texttemplate="%{customdata[1]:.1%}",
            textposition="auto",
            hovertemplate="%{y}<br>%{x:,} of %{customdata[0]:,} customers ended here without"
            " converting (%{customdata[1]:.1%})<extra></extra>",
        )
    )
    fig = _layout(fig, title, height)
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(rangemode="tozero", separatethousands=True)
    return fig


def build_dropoff_next(
    dropoff_next: pd.DataFrame, *, top: int = 12, title: str | None = None, height: int = 420
) -> go.Figure:
    """Draw where customers who dropped out after one funnel stage went next.

    Args:
        dropoff_next: Columns stage, next_node, customers (`paths.funnel_dropoff_next`) of one
            stage, largest first; the first `top` rows are drawn, shares are of all rows.
        top: Most bars drawn (the CSV keeps every row).
        title: Figure title.
        height: Figure height in pixels.
    """
    total = int(dropoff_next["customers"].sum())
    shown = dropoff_next.head(top)
    share = shown["customers"] / (total if total else 1)
    fig = go.Figure(
        go.Bar(
            x=shown["customers"].tolist(),
            y=[escape(node) for node in shown["next_node"]],
            orientation="h",
            marker={
                "color": [
                    FOLDED_COLOR if node == NO_FURTHER_EVENTS else NEUTRAL_COLOR
                    for node in shown["next_node"]
                ]
            },
            customdata=share.tolist(),
            texttemplate="%{customdata:.0%}",
            textposition="auto",
            hovertemplate="%{y}<br>%{x:,} customers (%{customdata:.1%} of those who dropped)"
            "<extra></extra>",
        )
    )
    fig = _layout(fig, title, height)
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(rangemode="tozero", separatethousands=True)
    return fig


def build_overrepresentation(
    frame: pd.DataFrame,
    *,
    label_a: str = "converters",
    label_b: str = "non-converters",
    title: str | None = None,
    height: int = 420,
) -> go.Figure:
    """Draw touchpoints over- and under-represented among converters as diverging bars.

    Args:
        frame: Columns node, share_converters, share_non_converters, lift, difference
            (`paths.overrepresentation`), in the order to show (first on top).
        label_a: Name of the first group in the hover.
        label_b: Name of the second group in the hover.
        title: Figure title.
        height: Figure height in pixels.
    """
    difference = frame["difference"]
    fig = go.Figure(
        go.Bar(
            x=difference.tolist(),
            y=[escape(node) for node in frame["node"]],
            orientation="h",
            marker={"color": [POSITIVE_COLOR if d >= 0 else NEGATIVE_COLOR for d in difference]},
            customdata=list(
                zip(
                    frame["share_converters"],
                    frame["share_non_converters"],
                    frame["lift"].astype("Float64").round(2).astype("string").fillna("n/a"),
                    strict=True,
                )
            ),
            hovertemplate=f"%{{y}}<br>{escape(label_a)}: %{{customdata[0]:.1%}}"
            f"<br>{escape(label_b)}: %{{customdata[1]:.1%}}"
            "<br>difference %{x:+.1%}, lift %{customdata[2]}<extra></extra>",
        )
    )
    fig = _layout(fig, title, height)
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(tickformat="+.0%", zeroline=True)
    return fig


def build_timeline(
    timeline: pd.DataFrame,
    *,
    node_colors: Mapping[str, str] | None = None,
    phase_titles: Mapping[str, str] | None = None,
    title: str | None = None,
    height: int = 380,
) -> go.Figure:
    """Draw one customer's touchpoints: x time, y channel, colour phase, diamonds for conversions.

    Args:
        timeline: One customer's events in time order with timestamp, channel and phase;
            touchpoint, event_type, revenue and conversion are shown when present.
        node_colors: Phase -> colour overriding the phase palette (e.g. sentiment).
        phase_titles: Phase -> legend title; defaults to `PHASE_TITLES`.
        title: Figure title.
        height: Figure height in pixels.

    Returns:
        One scatter trace per phase present, in journey order.
    """
    titles = {**PHASE_TITLES, **(phase_titles or {})}
    colors = {**PHASE_COLORS, **(node_colors or {})}
    channels = [escape(c) for c in pd.unique(timeline[CHANNEL])]
    fig = go.Figure()
    present = [p for p in PHASE_ORDER if (timeline[PHASE] == p).any()]
    others = [p for p in pd.unique(timeline[PHASE].dropna()) if p not in PHASE_ORDER]
    for phase in [*present, *others]:
        part = timeline[timeline[PHASE] == phase]
        touch = part[TOUCHPOINT] if TOUCHPOINT in part else part[CHANNEL]
        kind = part[EVENT_TYPE] if EVENT_TYPE in part else pd.Series("", index=part.index)
        revenue = part[REVENUE] if REVENUE in part else pd.Series(0.0, index=part.index)
        converted = part[CONVERSION] if CONVERSION in part else pd.Series(False, index=part.index)
        fig.add_trace(
            go.Scatter(
                x=part[TIMESTAMP].tolist(),
                y=[escape(c) for c in part[CHANNEL]],
                mode="markers",
                name=escape(titles.get(phase, phase)),
                marker={
                    "color": colors.get(phase, NEUTRAL_COLOR),
                    "size": [16 if c else 11 for c in converted.fillna(False)],
                    "symbol": ["diamond" if c else "circle" for c in converted.fillna(False)],
                    "line": {"width": 1, "color": "#ffffff"},
                },
                customdata=list(
                    zip(
                        [escape(v) for v in touch.fillna("")],
                        [escape(v) for v in kind.astype("string").fillna("")],
                        revenue.fillna(0.0),
                        strict=True,
                    )
                ),
                hovertemplate="%{x|%Y-%m-%d %H:%M}<br>%{y}: %{customdata[0]}"
                "<br>%{customdata[1]}<br>revenue %{customdata[2]:,.2f}<extra></extra>",
            )
        )
    fig = _layout(fig, title, height)
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=channels)
    fig.update_layout(legend={"orientation": "h", "y": -0.2})
    return fig


def build_compare_diff(
    compare: pd.DataFrame,
    *,
    label_a: str = "A",
    label_b: str = "B",
    title: str | None = None,
    height: int = 480,
) -> go.Figure:
    """Draw the per-edge difference in transition share between two groups.

    Args:
        compare: Columns source, target, count_a, share_a, count_b, share_b, diff
            (`paths.compare_transitions`, diff = share_a - share_b), in the order to show.
        label_a: Name of group A.
        label_b: Name of group B.
        title: Figure title.
        height: Figure height in pixels.
    """
    edges = [
        f"{escape(s)} → {escape(t)}"
        for s, t in zip(compare["source"], compare["target"], strict=True)
    ]
    diff = compare["diff"]
    fig = go.Figure(
        go.Bar(
            x=diff.tolist(),
            y=edges,
            orientation="h",
            marker={"color": [POSITIVE_COLOR if d >= 0 else NEGATIVE_COLOR for d in diff]},
            customdata=list(
                zip(
                    compare["share_a"],
                    compare["count_a"],
                    compare["share_b"],
                    compare["count_b"],
                    strict=True,
                )
            ),
            hovertemplate=f"%{{y}}<br>{escape(label_a)}: %{{customdata[0]:.1%}}"
            f" (%{{customdata[1]:,}})<br>{escape(label_b)}: %{{customdata[2]:.1%}}"
            " (%{customdata[3]:,})<br>difference %{x:+.1%}<extra></extra>",
        )
    )
    fig = _layout(fig, title, height)
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(tickformat="+.0%", zeroline=True)
    return fig


def build_phase_summary(
    summary: pd.DataFrame,
    *,
    phase_titles: Mapping[str, str] | None = None,
    title: str | None = None,
    height: int = 320,
) -> go.Figure:
    """Draw the share of customers reaching each phase as bars in the phase colours.

    Args:
        summary: Columns phase, customers, share_of_customers (`phases.phase_summary`).
        phase_titles: Phase -> axis title; defaults to `PHASE_TITLES`.
        title: Figure title.
        height: Figure height in pixels.
    """
    titles = {**PHASE_TITLES, **(phase_titles or {})}
    fig = go.Figure(
        go.Bar(
            x=[escape(titles.get(p, p)) for p in summary[PHASE]],
            y=summary["share_of_customers"].tolist(),
            marker={"color": [PHASE_COLORS.get(p, NEUTRAL_COLOR) for p in summary[PHASE]]},
            customdata=summary["customers"].tolist(),
            texttemplate="%{y:.0%}",
            textposition="auto",
            hovertemplate="%{x}<br>%{customdata:,} customers (%{y:.1%})<extra></extra>",
        )
    )
    fig = _layout(fig, title, height)
    fig.update_yaxes(tickformat=".0%", range=[0, 1.05])
    return fig


# -- builders appended by other modules --


def build_channel_bars(
    by_channel: pd.DataFrame, *, title: str | None = None, height: int = 380
) -> go.Figure:
    """Draw touchpoints per channel as horizontal bars, with customers and conversions on hover.

    Args:
        by_channel: Columns channel, events, customers, conversions, revenue
            (`overview.channel_overview`), largest first.
        title: Figure title.
        height: Figure height in pixels.
    """
    ordered = by_channel.iloc[::-1]
    fig = go.Figure(
        go.Bar(
            x=ordered["events"].tolist(),
            y=[escape(c) for c in ordered["channel"]],
            orientation="h",
            marker={"color": NEUTRAL_COLOR},
            customdata=ordered[["customers", "conversions"]].to_numpy().tolist(),
            hovertemplate=(
                "%{y}<br>%{x:,} touchpoints<br>%{customdata[0]:,} customers"
                "<br>%{customdata[1]:,} conversions<extra></extra>"
            ),
        )
    )
    return _layout(fig, title, height)


# -- attribution (journey.attribution.core) --


def _cycle_color(i: int) -> str:
    return CATEGORY_COLORS[i % len(CATEGORY_COLORS)]


def build_attribution_bars(
    result: pd.DataFrame,
    intervals: pd.DataFrame | None = None,
    *,
    value: str = "share",
    model_labels: Mapping[str, str] | None = None,
    title: str | None = None,
    height: int = 440,
) -> go.Figure:
    """Draw each channel's credit under every model as grouped bars, with CI error bars.

    Args:
        result: Columns channel, model, conversions, revenue, share (`attribution.attribute`).
        intervals: Optional columns channel, model, share_low, share_high
            (`attribution.bootstrap_shares`); drawn as error bars when `value` is share.
        value: Column drawn: share, conversions or revenue.
        model_labels: Display name per model name.
        title: Figure title.
        height: Figure height in pixels.
    """
    labels = model_labels or {}
    channels = list(dict.fromkeys(result["channel"]))  # the first model's order: largest first
    bounds = None
    if intervals is not None and value == "share" and not intervals.empty:
        bounds = intervals.set_index(["model", "channel"])
    fig = go.Figure()
    for i, model in enumerate(dict.fromkeys(result["model"])):
        part = result[result["model"] == model].set_index("channel").reindex(channels)
        error = None
        if bounds is not None:
            index = pd.MultiIndex.from_product([[model], channels])
            high = bounds["share_high"].reindex(index).to_numpy() - part["share"].to_numpy()
            low = part["share"].to_numpy() - bounds["share_low"].reindex(index).to_numpy()
            error = {
                "type": "data",
                "symmetric": False,
                "array": np.nan_to_num(np.clip(high, 0, None)).tolist(),
                "arrayminus": np.nan_to_num(np.clip(low, 0, None)).tolist(),
                "thickness": 1.2,
                "width": 3,
            }
        fig.add_trace(
            go.Bar(
                name=escape(labels.get(model, model)),
                x=[escape(c) for c in channels],
                y=part[value].fillna(0).tolist(),
                marker={"color": _cycle_color(i)},
                error_y=error,
                hovertemplate=(
                    "%{x}<br>%{fullData.name}: "
                    + ("%{y:.1%}" if value == "share" else "%{y:,.2f}")
                    + "<extra></extra>"
                ),
            )
        )
    fig.update_layout(barmode="group", legend={"orientation": "h", "y": -0.2})
    if value == "share":
        fig.update_yaxes(tickformat=".0%")
    return _layout(fig, title, height)


def _panel_axes(fig: go.Figure, n_panels: int, columns: int) -> list[tuple[str, str]]:
    """Lay out a grid of panels sharing the y range; return each panel's (xaxis, yaxis) ids."""
    rows = max(1, (n_panels + columns - 1) // columns)
    gap_x, gap_y = 0.04, 0.16
    width = (1 - gap_x * (columns - 1)) / columns
    height = (1 - gap_y * (rows - 1)) / rows
    ids = []
    for i in range(n_panels):
        row, col = divmod(i, columns)
        x0 = col * (width + gap_x)
        y1 = 1 - row * (height + gap_y)
        suffix = "" if i == 0 else str(i + 1)
        fig.layout[f"xaxis{suffix}"] = {"domain": [x0, x0 + width], "anchor": f"y{suffix}"}
        fig.layout[f"yaxis{suffix}"] = {
            "domain": [y1 - height, y1],
            "anchor": f"x{suffix}",
            "matches": "y" if i else None,
            "showticklabels": col == 0,
            "tickformat": ".0%",
        }
        ids.append((f"x{suffix}", f"y{suffix}"))
    return ids


def build_lookback_sensitivity(
    sensitivity: pd.DataFrame,
    *,
    model_labels: Mapping[str, str] | None = None,
    title: str | None = None,
    height: int = 520,
) -> go.Figure:
    """Draw each model's channel shares against the lookback window, one panel per model.

    Args:
        sensitivity: Columns window_days, channel, model, share
            (`attribution.lookback_sensitivity`).
        model_labels: Display name per model name.
        title: Figure title.
        height: Figure height in pixels.
    """
    labels = model_labels or {}
    models = list(dict.fromkeys(sensitivity["model"]))
    fig = go.Figure()
    axes = _panel_axes(fig, len(models), min(4, max(1, len(models))))
    channels = sorted(sensitivity["channel"].unique())
    windows = sorted(sensitivity["window_days"].unique().tolist())
    for m, (model, (xaxis, yaxis)) in enumerate(zip(models, axes, strict=True)):
        part = sensitivity[sensitivity["model"] == model]
        for c, channel in enumerate(channels):
            line = part[part["channel"] == channel].sort_values("window_days")
            fig.add_trace(
                go.Scatter(
                    x=line["window_days"].tolist(),
                    y=line["share"].tolist(),
                    xaxis=xaxis,
                    yaxis=yaxis,
                    mode="lines+markers",
                    name=escape(channel),
                    legendgroup=escape(channel),
                    showlegend=m == 0,
                    line={"color": _cycle_color(c)},
                    hovertemplate="%{fullData.name}<br>%{x} days: %{y:.1%}<extra></extra>",
                )
            )
        domain = fig.layout[f"xaxis{'' if m == 0 else m + 1}"].domain
        y_top = fig.layout[f"yaxis{'' if m == 0 else m + 1}"].domain[1]
        fig.add_annotation(
            text=escape(labels.get(model, model)),
            x=(domain[0] + domain[1]) / 2,
            y=y_top,
            xref="paper",
            yref="paper",
            yanchor="bottom",
            showarrow=False,
        )
        fig.layout[f"xaxis{'' if m == 0 else m + 1}"].tickvals = windows
    fig.update_layout(legend={"orientation": "h", "y": -0.12})
    return _layout(fig, title, height)


def build_removal_effects(
    removal: pd.DataFrame, *, title: str | None = None, height: int = 380
) -> go.Figure:
    """Draw Markov removal effects per channel, on conversions and on revenue.

    Args:
        removal: Columns channel, removal_effect, revenue_removal_effect
            (`attribution.MarkovResult.removal_effects`).
        title: Figure title.
        height: Figure height in pixels.
    """
    ordered = removal.sort_values("removal_effect")
    names = [escape(c) for c in ordered["channel"]]
    fig = go.Figure(
        [
            go.Bar(
                name="conversions",
                x=ordered["removal_effect"].tolist(),
                y=names,
                orientation="h",
                marker={"color": CATEGORY_COLORS[0]},
                hovertemplate="%{y}: %{x:.1%} of conversions lost<extra></extra>",
            ),
            go.Bar(
                name="revenue",
                x=ordered["revenue_removal_effect"].tolist(),
                y=names,
                orientation="h",
                marker={"color": CATEGORY_COLORS[1]},
                hovertemplate="%{y}: %{x:.1%} of revenue lost<extra></extra>",
            ),
        ]
    )
    fig.update_layout(barmode="group", legend={"orientation": "h", "y": -0.15})
    fig.update_xaxes(tickformat=".0%", range=[0, 1])
    return _layout(fig, title, height)


def build_transition_heatmap(
    transitions: pd.DataFrame, *, title: str | None = None, height: int = 480
) -> go.Figure:
    """Draw a Markov transition matrix as a heatmap of probabilities (rows: from, columns: to).

    Args:
        transitions: Columns source, target, probability (`attribution.MarkovResult.transitions`).
        title: Figure title.
        height: Figure height in pixels.
    """
    matrix = transitions.pivot_table(
        index="source", columns="target", values="probability", aggfunc="sum", fill_value=0.0
    )
    fig = go.Figure(
        go.Heatmap(
            z=matrix.to_numpy().tolist(),
            x=[escape(c) for c in matrix.columns],
            y=[escape(r) for r in matrix.index],
            colorscale="Blues",
            zmin=0,
            zmax=1,
            hovertemplate="%{y} → %{x}: %{z:.1%}<extra></extra>",
            colorbar={"tickformat": ".0%"},
        )
    )
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, title, height)


def build_metrics_trend(
    metrics: pd.DataFrame, value: str, *, title: str | None = None, height: int = 400
) -> go.Figure:
    """Draw one channel metric over time, one line per channel.

    Args:
        metrics: Columns period, channel and `value` (`attribution.channel_metrics`).
        value: The metric column drawn (sessions, contacts, qualified, sales_first, ...).
        title: Figure title.
        height: Figure height in pixels.
    """
    fig = go.Figure()
    for i, channel in enumerate(sorted(metrics["channel"].unique())):
        line = metrics[metrics["channel"] == channel].sort_values("period")
        fig.add_trace(
            go.Scatter(
                x=line["period"].tolist(),
                y=line[value].tolist(),
                mode="lines+markers",
                name=escape(channel),
                line={"color": _cycle_color(i)},
                hovertemplate="%{fullData.name}<br>%{x|%Y-%m-%d}: %{y:,}<extra></extra>",
            )
        )
    fig.update_layout(legend={"orientation": "h", "y": -0.2})
    return _layout(fig, title, height)


# -- sentiment (appended by the sentiment engineer) ---------------------------------------------

SENTIMENT_COLORS = {"negative": "#D55E00", "neutral": "#999999", "positive": "#009E73"}


def build_sentiment_bars(
    stats: pd.DataFrame, level: str, *, title: str | None = None, height: int = 420
) -> go.Figure:
    """Horizontal bars of mean customer sentiment per `level` value, labelled with counts.

    Takes `journey.sentiment.core.sentiment_by` output (level, mean_score, share_negative, n).
    """
    frame = stats.sort_values("mean_score", kind="stable")
    colors = [
        SENTIMENT_COLORS["negative"] if v < 0 else SENTIMENT_COLORS["positive"]
        for v in frame["mean_score"].fillna(0)
    ]
    fig = go.Figure(
        go.Bar(
            x=frame["mean_score"],
            y=[escape(v) for v in frame[level].astype(str)],
            orientation="h",
            marker_color=colors,
            text=[
                f"n={n}, {share:.0%} negative"
                for n, share in zip(frame["n"], frame["share_negative"], strict=True)
            ],
            textposition="auto",
            hovertemplate="%{y}<br>mean %{x:.2f}<br>%{text}<extra></extra>",
        )
    )
    fig.update_xaxes(range=[-1, 1], title="mean sentiment (-1..1)")
    return _layout(fig, title, height)


def build_sentiment_trend(
    weekly: pd.DataFrame, *, title: str | None = None, height: int = 360
) -> go.Figure:
    """Weekly mean customer sentiment (line) with the number of texts (bars, right axis)."""
    fig = go.Figure()
    fig.add_bar(x=weekly["week"], y=weekly["n"], name="texts", marker_color="#DDDDDD", yaxis="y2")
    fig.add_scatter(
        x=weekly["week"],
        y=weekly["mean_score"],
        mode="lines+markers",
        name="mean sentiment",
        line={"color": "#0072B2"},
    )
    fig.update_layout(
        yaxis={"range": [-1, 1], "title": "mean sentiment"},
        yaxis2={"overlaying": "y", "side": "right", "title": "texts", "showgrid": False},
        legend={"orientation": "h"},
    )
    return _layout(fig, title, height)


# -- sentiment on the journey maps (appended by the map-sentiment engineer) ----------------------

# Diverging, colour-blind-safe (Okabe-Ito ends): vermillion (-1) through off-white (0) to blue
# (+1). Nodes with too few transcripts are mid grey, darker than the neutral middle.
SENTIMENT_NEGATIVE_END = "#D55E00"
SENTIMENT_MIDDLE = "#F7F7F7"
SENTIMENT_POSITIVE_END = "#0072B2"
SENTIMENT_NO_DATA = "#A0A0A0"
SENTIMENT_MIN_N = 3  # fewer scored transcripts than this: the mean is too noisy to colour


def _blend(start: str, end: str, weight: float) -> str:
    """Mix two '#RRGGBB' colours linearly in RGB (weight 0 -> start, 1 -> end), rounded."""
    channels = [
        round(
            int(start[i : i + 2], 16)
            + weight * (int(end[i : i + 2], 16) - int(start[i : i + 2], 16))
        )
        for i in (1, 3, 5)
    ]
    return "#" + "".join(f"{c:02X}" for c in channels)


def sentiment_colors(
    node_scores: pd.DataFrame, min_n: int = SENTIMENT_MIN_N, *, nodes: Sequence[str] = ()
) -> dict[str, str]:
    """Colour each node by its mean customer sentiment on a diverging scale.

    Args:
        node_scores: Columns node, mean_score (-1..1; clipped), n (`sentiment.node_sentiment`).
        min_n: Nodes with fewer scored transcripts (or no mean) are grey, not coloured.
        nodes: Further node names to colour grey when `node_scores` lacks them; end nodes
            (Start, Converted, No conversion) are left out so they keep their own colours.

    Returns:
        Node -> '#RRGGBB': linear RGB blend from SENTIMENT_MIDDLE (0) towards
        SENTIMENT_POSITIVE_END (+1) or SENTIMENT_NEGATIVE_END (-1); SENTIMENT_NO_DATA otherwise.
    """
    colors = {str(name): SENTIMENT_NO_DATA for name in nodes if name not in END_COLORS}
    scores = pd.to_numeric(node_scores["mean_score"], errors="coerce").clip(-1, 1)
    counts = pd.to_numeric(node_scores["n"], errors="coerce").fillna(0)
    for name, score, n in zip(node_scores["node"], scores, counts, strict=True):
        if n < min_n or pd.isna(score):
            colors[str(name)] = SENTIMENT_NO_DATA
        elif score >= 0:
            colors[str(name)] = _blend(SENTIMENT_MIDDLE, SENTIMENT_POSITIVE_END, float(score))
        else:
            colors[str(name)] = _blend(SENTIMENT_MIDDLE, SENTIMENT_NEGATIVE_END, -float(score))
    return colors


def add_sentiment_hover(fig: go.Figure, node_scores: pd.DataFrame) -> go.Figure:
    """Return a copy of a `build_sankey` figure whose node hover adds mean sentiment and n."""
    out = go.Figure(fig)
    sankey = out.data[0]
    by_label = {
        escape(name): (score, int(n))
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


def sentiment_notes(node_scores: pd.DataFrame) -> dict[str, str]:
    """One plain-text tooltip line per node: its mean customer sentiment and transcript count.

    Args:
        node_scores: Columns node, mean_score, n (`sentiment.node_sentiment`).
    """
    notes: dict[str, str] = {}
    for node, mean, n in node_scores[["node", "mean_score", "n"]].itertuples(index=False):
        value = "n/a" if pd.isna(mean) else f"{float(mean):+.2f}"
        notes[str(node)] = f"mean customer sentiment: {value} (n={int(n)})"
    return notes
