"""The frame every plotly figure shares: font, margins, a safe title; user text; plotly quirks.

User strings reach plotly through `plotly_text`: plotly.js draws every text (labels, ticks,
hover, legend, titles) through its own pseudo-HTML reader, which turns `<b>`, `<a href>` and
friends into markup and decodes only a few entities (`&amp;`, `&lt;`, `&gt;`, numeric ones).
So `&`, `<` and `>` must become entities, and nothing else may: `html.escape`'s `&quot;`
would show as the six characters `&quot;`. Long names are shortened with `short_label` where
they are drawn (ticks, node labels, legend entries) and shown whole on hover.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

import plotly.graph_objects as go

# plotly ignores a node position of exactly 0 (it tests `if (x && y)`), so keep inside (0, 1).
EDGE = 0.001
CLEAR = "rgba(0,0,0,0)"
FONT = {"family": "sans-serif", "size": 12}
# Sankey labels take the theme's text colour (dark on light, light on dark) and no shadow: a
# fixed dark colour was unreadable on Streamlit's dark theme, and plotly's halo washed the
# text out on the light one.
NODE_FONT = {"family": "sans-serif", "size": 12, "shadow": "none"}
MAX_LABEL: Final = 40  # longest name drawn in a chart; the hover shows it whole
ELLIPSIS: Final = "…"


def plotly_text(value: object) -> str:
    """Escape a user value for plotly text: `&`, `<`, `>` as entities, nothing else."""
    text = "" if value is None else str(value)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def short_label(value: object, limit: int = MAX_LABEL) -> str:
    """Shorten a name to at most `limit` characters, ending in an ellipsis when cut (unescaped)."""
    text = "" if value is None else str(value)
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + ELLIPSIS


def chart_label(value: object, limit: int = MAX_LABEL) -> str:
    """A name as drawn in a chart: shortened, then escaped for plotly."""
    return plotly_text(short_label(value, limit))


def category_ticks(names: Iterable[object], limit: int = MAX_LABEL) -> dict[str, object]:
    """Axis settings for categories named by `names`: whole values, shortened tick labels.

    The trace keeps the whole escaped names as its categories (so `%{x}`/`%{y}` on hover
    show them whole and two names that shorten alike stay two bars); only the ticks are cut.
    """
    values = list(names)
    return {
        "type": "category",
        "tickmode": "array",
        "tickvals": [plotly_text(v) for v in values],
        "ticktext": [chart_label(v, limit) for v in values],
    }


def apply_layout(fig: go.Figure, title: str | None, height: int) -> go.Figure:
    """Apply the shared figure layout: escaped title, height, margins, font."""
    fig.update_layout(
        title={"text": plotly_text(title)} if title else None,
        height=height,
        margin={"l": 10, "r": 10, "t": 50 if title else 20, "b": 10},
        font=FONT,
    )
    return fig
