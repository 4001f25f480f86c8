"""The one colour scheme of every chart and map: phases, end nodes, sentiment, categories.

The base colours are the colour-blind-safe (Okabe-Ito) ones in `journey.schema`; this module
decides which of them a node, bar or line gets. `node_color` is the only place that decides
a flow or network node's colour: by sentiment when given a colour per node
(`sentiment_colors`), else by its role (Start, end, folded) and its phase.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

import pandas as pd

from journey.schema import (
    CATEGORY_COLORS,
    END_COLORS,
    FOLDED_COLOR,
    NEUTRAL_COLOR,
    OTHER,
    OTHER_TEAMS,
    PHASE_COLORS,
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
FOLDED: Final = (OTHER, OTHER_TEAMS)
# Positive differences (A/converters ahead) and negative ones, from the same palette.
POSITIVE_COLOR = CATEGORY_COLORS[0]
NEGATIVE_COLOR = CATEGORY_COLORS[5]

# Sentiment bars and lines: one colour per label.
SENTIMENT_COLORS = {"negative": "#D55E00", "neutral": "#999999", "positive": "#009E73"}
# Sentiment on the journey maps: diverging, colour-blind-safe (Okabe-Ito ends), vermillion (-1)
# through off-white (0) to blue (+1). Nodes with too few transcripts are mid grey, darker than
# the neutral middle.
SENTIMENT_NEGATIVE_END = "#D55E00"
SENTIMENT_MIDDLE = "#F7F7F7"
SENTIMENT_POSITIVE_END = "#0072B2"
SENTIMENT_NO_DATA = "#A0A0A0"
SENTIMENT_MIN_N = 3  # fewer scored transcripts than this: the mean is too noisy to colour


def rgba(color: str, alpha: float) -> str:
    """Turn '#RRGGBB' into a CSS rgba colour with the given opacity."""
    red, green, blue = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def blend(start: str, end: str, weight: float) -> str:
    """Mix two '#RRGGBB' colours linearly in RGB (weight 0 -> start, 1 -> end), rounded."""
    channels = [
        round(
            int(start[i : i + 2], 16)
            + weight * (int(end[i : i + 2], 16) - int(start[i : i + 2], 16))
        )
        for i in (1, 3, 5)
    ]
    return "#" + "".join(f"{c:02X}" for c in channels)


LIGHT_BACKGROUND: Final = "#ffffff"  # Streamlit's light theme
DARK_BACKGROUND: Final = "#0e1117"  # Streamlit's dark theme
MIN_MARK_CONTRAST: Final = 2.0  # chart marks (bars, lines, nodes) on either background


def relative_luminance(color: str) -> float:
    """WCAG 2 relative luminance of a '#RRGGBB' colour (0 black .. 1 white)."""
    linear = []
    for i in (1, 3, 5):
        channel = int(color[i : i + 2], 16) / 255
        linear.append(channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4)
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two '#RRGGBB' colours (1 .. 21)."""
    high, low = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def cycle_color(i: int) -> str:
    """Return the i-th category colour, starting over after the last."""
    return CATEGORY_COLORS[i % len(CATEGORY_COLORS)]


def node_color(
    name: str,
    phase: object = None,
    node_colors: Mapping[str, str] | None = None,
    *,
    mark_roles: bool = True,
) -> str:
    """Return a node's colour: override, Start/end node, folded node, phase, else neutral.

    Args:
        name: The node's name.
        phase: The phase that colours the node (its own or its dominant one); anything but
            a known phase name leaves it neutral.
        node_colors: Node name -> colour overriding every other rule (e.g. `sentiment_colors`).
        mark_roles: False skips the Start/end and folded colours, for charts whose columns
            are phases (the phase Sankey).
    """
    if node_colors and name in node_colors:
        return node_colors[name]
    if mark_roles and name in END_COLORS:
        return END_COLORS[name]
    if mark_roles and name in FOLDED:
        return FOLDED_COLOR
    return PHASE_COLORS.get(phase, NEUTRAL_COLOR) if isinstance(phase, str) else NEUTRAL_COLOR


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
            colors[str(name)] = blend(SENTIMENT_MIDDLE, SENTIMENT_POSITIVE_END, float(score))
        else:
            colors[str(name)] = blend(SENTIMENT_MIDDLE, SENTIMENT_NEGATIVE_END, -float(score))
    return colors
