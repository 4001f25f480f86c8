"""The frame every plotly figure shares: font, margins, an escaped title; plotly quirks."""

from __future__ import annotations

import plotly.graph_objects as go

from journey.io.export import escape

# plotly ignores a node position of exactly 0 (it tests `if (x && y)`), so keep inside (0, 1).
EDGE = 0.001
CLEAR = "rgba(0,0,0,0)"
FONT = {"family": "sans-serif", "size": 12}
NODE_FONT = {"family": "sans-serif", "size": 12, "color": "#1a1a1a"}


def apply_layout(fig: go.Figure, title: str | None, height: int) -> go.Figure:
    """Apply the shared figure layout: escaped title, height, margins, font."""
    fig.update_layout(
        title={"text": escape(title)} if title else None,
        height=height,
        margin={"l": 10, "r": 10, "t": 50 if title else 20, "b": 10},
        font=FONT,
    )
    return fig
