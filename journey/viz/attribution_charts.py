"""Plotly charts of attribution results and channel metrics (`journey.attribution`).

Channel and model names reach plotly through `journey.viz.figure`, as in `journey.viz.charts`:
escaped once, shortened where drawn (ticks, legend) and whole on hover.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from journey.schema import (
    CATEGORY_COLORS,
)
from journey.viz.figure import apply_layout, category_ticks, chart_label, plotly_text
from journey.viz.palette import (
    cycle_color,
)


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
        error = None if bounds is None else _error_bars(bounds, model, channels, part["share"])
        fig.add_trace(
            go.Bar(
                name=chart_label(labels.get(model, model)),
                x=[plotly_text(c) for c in channels],
                y=part[value].fillna(0).tolist(),
                marker={"color": cycle_color(i)},
                error_y=error,
                hovertemplate=(
                    "%{x}<br>%{fullData.name}: "
                    + ("%{y:.1%}" if value == "share" else "%{y:,.2f}")
                    + "<extra></extra>"
                ),
            )
        )
    fig.update_layout(barmode="group", legend={"orientation": "h", "y": -0.2})
    fig.update_xaxes(**category_ticks(channels))
    if value == "share":
        fig.update_yaxes(tickformat=".0%")
    return apply_layout(fig, title, height)


def _error_bars(
    bounds: pd.DataFrame, model: str, channels: list[str], share: pd.Series
) -> dict[str, object]:
    """Asymmetric error bars from one model's share bounds (indexed by model, channel)."""
    index = pd.MultiIndex.from_product([[model], channels])
    high = bounds["share_high"].reindex(index).to_numpy() - share.to_numpy()
    low = share.to_numpy() - bounds["share_low"].reindex(index).to_numpy()
    return {
        "type": "data",
        "symmetric": False,
        "array": np.nan_to_num(np.clip(high, 0, None)).tolist(),
        "arrayminus": np.nan_to_num(np.clip(low, 0, None)).tolist(),
        "thickness": 1.2,
        "width": 3,
    }


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
                    name=chart_label(channel),
                    legendgroup=plotly_text(channel),
                    showlegend=m == 0,
                    line={"color": cycle_color(c)},
                    meta=[plotly_text(channel)],  # the whole name, for the hover
                    hovertemplate="%{meta[0]}<br>%{x} days: %{y:.1%}<extra></extra>",
                )
            )
        domain = fig.layout[f"xaxis{'' if m == 0 else m + 1}"].domain
        y_top = fig.layout[f"yaxis{'' if m == 0 else m + 1}"].domain[1]
        fig.add_annotation(
            text=chart_label(labels.get(model, model)),
            x=(domain[0] + domain[1]) / 2,
            y=y_top,
            xref="paper",
            yref="paper",
            yanchor="bottom",
            showarrow=False,
        )
        fig.layout[f"xaxis{'' if m == 0 else m + 1}"].tickvals = windows
    fig.update_layout(legend={"orientation": "h", "y": -0.12})
    return apply_layout(fig, title, height)


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
    names = [plotly_text(c) for c in ordered["channel"]]
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
    fig.update_yaxes(**category_ticks(ordered["channel"]))
    return apply_layout(fig, title, height)


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
            x=[plotly_text(c) for c in matrix.columns],
            y=[plotly_text(r) for r in matrix.index],
            colorscale="Blues",
            zmin=0,
            zmax=1,
            hovertemplate="%{y} → %{x}: %{z:.1%}<extra></extra>",
            colorbar={"tickformat": ".0%"},
        )
    )
    fig.update_xaxes(**category_ticks(matrix.columns))
    fig.update_yaxes(autorange="reversed", **category_ticks(matrix.index))
    return apply_layout(fig, title, height)


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
                name=chart_label(channel),
                line={"color": cycle_color(i)},
                meta=[plotly_text(channel)],  # the whole name, for the hover
                hovertemplate="%{meta[0]}<br>%{x|%Y-%m-%d}: %{y:,}<extra></extra>",
            )
        )
    fig.update_layout(legend={"orientation": "h", "y": -0.2})
    return apply_layout(fig, title, height)
