"""Plotly charts of paths, funnels, customers, phases and sentiment: frame in, figure out.

Each builder takes a tidy frame and computes only layout. User strings (touchpoint, channel,
stage names) reach plotly through `journey.viz.figure`: escaped once for plotly's own
markup reader, shortened on the axis and whole on hover. Colours come from
`journey.viz.palette`; the Sankeys live in `journey.viz.sankey`, the attribution charts in
`attribution_charts`.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from journey.schema import (
    CATEGORY_COLORS,
    CHANNEL,
    CONVERSION,
    EVENT_TYPE,
    FOLDED_COLOR,
    NEUTRAL_COLOR,
    NO_FURTHER_EVENTS,
    PHASE,
    PHASE_COLORS,
    REVENUE,
    TIMESTAMP,
    TOUCHPOINT,
)
from journey.viz.figure import MAX_LABEL, apply_layout, category_ticks, chart_label, plotly_text
from journey.viz.palette import (
    NEGATIVE_COLOR,
    PHASE_ORDER,
    PHASE_TITLES,
    POSITIVE_COLOR,
    SENTIMENT_COLORS,
    rgba,
)


def build_funnel(funnel: pd.DataFrame, *, title: str | None = None, height: int = 420) -> go.Figure:
    """Draw a funnel: customers per stage, with overall and step conversion in the hover.

    Args:
        funnel: Columns stage, customers, conversion_rate, step_conversion_rate,
            median_days_from_previous (`funnels.funnel`), one row per stage in funnel order.
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
            y=[plotly_text(stage) for stage in funnel["stage"]],
            x=funnel["customers"].tolist(),
            customdata=custom,
            texttemplate="%{x:,} (%{customdata[0]:.1%})",
            textposition="inside",
            marker={"color": CATEGORY_COLORS[0]},
            connector={"fillcolor": rgba(CATEGORY_COLORS[4], 0.35)},
            hovertemplate="%{y}<br>%{x:,} customers<br>%{customdata[0]:.1%} of all customers"
            "<br>%{customdata[1]:.1%} of the previous stage"
            "<br>median %{customdata[2]} days from the previous stage<extra></extra>",
        )
    )
    fig = apply_layout(fig, title, height)
    fig.update_yaxes(**category_ticks(funnel["stage"]))
    return fig


def build_dropoff_bars(
    dropoffs: pd.DataFrame, *, title: str | None = None, height: int = 420
) -> go.Figure:
    """Draw the biggest drop-off points: customers whose path ended there, labelled with the rate.

    Args:
        dropoffs: Columns node, reached, ended_here, dropoff_rate (`funnels.biggest_dropoffs`),
            in the order to show (first on top).
        title: Figure title.
        height: Figure height in pixels.
    """
    fig = go.Figure(
        go.Bar(
            x=dropoffs["ended_here"].tolist(),
            y=[plotly_text(node) for node in dropoffs["node"]],
            orientation="h",
            marker={"color": NEGATIVE_COLOR},
            customdata=list(zip(dropoffs["reached"], dropoffs["dropoff_rate"], strict=True)),
            texttemplate="%{customdata[1]:.1%}",
            textposition="auto",
            hovertemplate="%{y}<br>%{x:,} of %{customdata[0]:,} customers ended here without"
            " converting (%{customdata[1]:.1%})<extra></extra>",
        )
    )
    fig = apply_layout(fig, title, height)
    fig.update_yaxes(autorange="reversed", **category_ticks(dropoffs["node"]))
    fig.update_xaxes(rangemode="tozero", separatethousands=True)
    return fig


def build_dropoff_next(
    dropoff_next: pd.DataFrame, *, top: int = 12, title: str | None = None, height: int = 420
) -> go.Figure:
    """Draw where customers who dropped out after one funnel stage went next.

    Args:
        dropoff_next: Columns stage, next_node, customers (`funnels.funnel_dropoff_next`) of one
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
            y=[plotly_text(node) for node in shown["next_node"]],
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
    fig = apply_layout(fig, title, height)
    fig.update_yaxes(autorange="reversed", **category_ticks(shown["next_node"]))
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
            (`funnels.overrepresentation`), in the order to show (first on top).
        label_a: Name of the first group in the hover.
        label_b: Name of the second group in the hover.
        title: Figure title.
        height: Figure height in pixels.
    """
    difference = frame["difference"]
    fig = go.Figure(
        go.Bar(
            x=difference.tolist(),
            y=[plotly_text(node) for node in frame["node"]],
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
            meta=[plotly_text(label_a), plotly_text(label_b)],  # data, never template text
            hovertemplate="%{y}<br>%{meta[0]}: %{customdata[0]:.1%}"
            "<br>%{meta[1]}: %{customdata[1]:.1%}"
            "<br>difference %{x:+.1%}, lift %{customdata[2]}<extra></extra>",
        )
    )
    fig = apply_layout(fig, title, height)
    fig.update_yaxes(autorange="reversed", **category_ticks(frame["node"]))
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
    channels = list(pd.unique(timeline[CHANNEL]))
    fig = go.Figure()
    present = [p for p in PHASE_ORDER if (timeline[PHASE] == p).any()]
    others = [p for p in pd.unique(timeline[PHASE].dropna()) if p not in PHASE_ORDER]
    for phase in [*present, *others]:
        part = timeline[timeline[PHASE] == phase]
        name = chart_label(titles.get(phase, phase))
        fig.add_trace(_timeline_trace(part, name, colors.get(phase, NEUTRAL_COLOR)))
    fig = apply_layout(fig, title, height)
    ticks = category_ticks(channels)
    fig.update_yaxes(categoryorder="array", categoryarray=ticks["tickvals"], **ticks)
    fig.update_layout(legend={"orientation": "h", "y": -0.2})
    return fig


def _timeline_trace(part: pd.DataFrame, name: str, color: str) -> go.Scatter:
    """One phase's events of a timeline: markers, diamonds for conversions, details on hover."""
    touch = part[TOUCHPOINT] if TOUCHPOINT in part else part[CHANNEL]
    kind = part[EVENT_TYPE] if EVENT_TYPE in part else pd.Series("", index=part.index)
    revenue = part[REVENUE] if REVENUE in part else pd.Series(0.0, index=part.index)
    converted = part[CONVERSION] if CONVERSION in part else pd.Series(False, index=part.index)
    return go.Scatter(
        x=part[TIMESTAMP].tolist(),
        y=[plotly_text(c) for c in part[CHANNEL]],
        mode="markers",
        name=name,
        marker={
            "color": color,
            "size": [16 if c else 11 for c in converted.fillna(False)],
            "symbol": ["diamond" if c else "circle" for c in converted.fillna(False)],
            "line": {"width": 1, "color": "#ffffff"},
        },
        customdata=list(
            zip(
                [plotly_text(v) for v in touch.fillna("")],
                [plotly_text(v) for v in kind.astype("string").fillna("")],
                revenue.fillna(0.0),
                strict=True,
            )
        ),
        hovertemplate="%{x|%Y-%m-%d %H:%M}<br>%{y}: %{customdata[0]}"
        "<br>%{customdata[1]}<br>revenue %{customdata[2]:,.2f}<extra></extra>",
    )


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
            (`compare.compare_transitions`, diff = share_a - share_b), in the order to show.
        label_a: Name of group A.
        label_b: Name of group B.
        title: Figure title.
        height: Figure height in pixels.
    """
    pairs = list(zip(compare["source"], compare["target"], strict=True))
    edges = [f"{plotly_text(s)} → {plotly_text(t)}" for s, t in pairs]
    half = MAX_LABEL // 2  # each end shortened alike, so the arrow and both ends stay visible
    ticks = [f"{chart_label(s, half)} → {chart_label(t, half)}" for s, t in pairs]
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
            meta=[plotly_text(label_a), plotly_text(label_b)],  # data, never template text
            hovertemplate="%{y}<br>%{meta[0]}: %{customdata[0]:.1%}"
            " (%{customdata[1]:,})<br>%{meta[1]}: %{customdata[2]:.1%}"
            " (%{customdata[3]:,})<br>difference %{x:+.1%}<extra></extra>",
        )
    )
    fig = apply_layout(fig, title, height)
    fig.update_yaxes(
        autorange="reversed", type="category", tickmode="array", tickvals=edges, ticktext=ticks
    )
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
        summary: Columns phase, customers, share_of_customers (`engine.overview.phase_summary`).
        phase_titles: Phase -> axis title; defaults to `PHASE_TITLES`.
        title: Figure title.
        height: Figure height in pixels.
    """
    titles = {**PHASE_TITLES, **(phase_titles or {})}
    fig = go.Figure(
        go.Bar(
            x=[plotly_text(titles.get(p, p)) for p in summary[PHASE]],
            y=summary["share_of_customers"].tolist(),
            marker={"color": [PHASE_COLORS.get(p, NEUTRAL_COLOR) for p in summary[PHASE]]},
            customdata=summary["customers"].tolist(),
            texttemplate="%{y:.0%}",
            textposition="auto",
            hovertemplate="%{x}<br>%{customdata:,} customers (%{y:.1%})<extra></extra>",
        )
    )
    fig = apply_layout(fig, title, height)
    fig.update_xaxes(**category_ticks(titles.get(p, p) for p in summary[PHASE]))
    fig.update_yaxes(tickformat=".0%", range=[0, 1.05])
    return fig


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
            y=[plotly_text(c) for c in ordered["channel"]],
            orientation="h",
            marker={"color": NEUTRAL_COLOR},
            customdata=ordered[["customers", "conversions"]].to_numpy().tolist(),
            hovertemplate=(
                "%{y}<br>%{x:,} touchpoints<br>%{customdata[0]:,} customers"
                "<br>%{customdata[1]:,} conversions<extra></extra>"
            ),
        )
    )
    fig = apply_layout(fig, title, height)
    fig.update_yaxes(**category_ticks(ordered["channel"]))
    return fig


def build_sentiment_bars(
    stats: pd.DataFrame, level: str, *, title: str | None = None, height: int = 420
) -> go.Figure:
    """Horizontal bars of mean customer sentiment per `level` value, labelled with counts.

    Takes `journey.sentiment.insights.sentiment_by` output (level, mean_score, share_negative, n).
    """
    frame = stats.sort_values("mean_score", kind="stable")
    colors = [
        SENTIMENT_COLORS["negative"] if v < 0 else SENTIMENT_COLORS["positive"]
        for v in frame["mean_score"].fillna(0)
    ]
    fig = go.Figure(
        go.Bar(
            x=frame["mean_score"],
            y=[plotly_text(v) for v in frame[level].astype(str)],
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
    fig.update_yaxes(**category_ticks(frame[level].astype(str)))
    return apply_layout(fig, title, height)


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
    return apply_layout(fig, title, height)
