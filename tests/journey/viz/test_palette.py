"""The palette: sentiment colours of map nodes."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from journey.schema import (
    CONVERTED,
    START,
)
from journey.viz.palette import sentiment_colors


def scores(rows: list[tuple[str, float, int]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["node", "mean_score", "n"])


def test_sentiment_colors_ends_middle_and_blends():
    # middle #F7F7F7 = (247, 247, 247); positive end #0072B2 = (0, 114, 178);
    # negative end #D55E00 = (213, 94, 0).
    # +0.25: 247-61.75=185.25 -> B9, 247-33.25=213.75 -> D6, 247-17.25=229.75 -> E6
    # -0.2: 247-6.8=240.2 -> F0, 247-30.6=216.4 -> D8, 247-49.4=197.6 -> C6
    frame = scores(
        [
            ("Web", -1.0, 3),
            ("Email", 0.0, 10),
            ("Store", 1.0, 4),
            ("App", 0.25, 5),
            ("Ads", -0.2, 3),
        ]
    )
    assert sentiment_colors(frame) == {
        "Web": "#D55E00",
        "Email": "#F7F7F7",
        "Store": "#0072B2",
        "App": "#B9D6E6",
        "Ads": "#F0D8C6",
    }


def test_sentiment_colors_grey_below_min_n_or_without_mean():
    frame = scores([("Web", 0.9, 2), ("Email", float("nan"), 7), ("Store", -1.0, 3)])
    assert sentiment_colors(frame) == {
        "Web": "#A0A0A0",
        "Email": "#A0A0A0",
        "Store": "#D55E00",
    }
    assert sentiment_colors(frame, min_n=1)["Web"] != "#A0A0A0"
    assert sentiment_colors(frame, min_n=4)["Store"] == "#A0A0A0"


def test_sentiment_colors_greys_listed_nodes_but_not_end_nodes():
    frame = scores([("Web", 1.0, 3)])
    colors = sentiment_colors(frame, nodes=["Web", "Phone", START, CONVERTED, "Phone"])
    assert colors == {"Web": "#0072B2", "Phone": "#A0A0A0"}


def test_sentiment_colors_clip_scores_outside_minus_one_to_one():
    frame = scores([("Web", 1.5, 3), ("Email", -3.0, 3)])
    assert sentiment_colors(frame) == {"Web": "#0072B2", "Email": "#D55E00"}


@given(
    st.lists(
        st.tuples(
            st.text(min_size=1, max_size=5),
            st.floats(-1, 1, allow_nan=False),
            st.integers(0, 10),
        ),
        max_size=8,
        unique_by=lambda r: r[0],
    )
)
def test_sentiment_colors_are_hex_and_one_per_node(rows: list[tuple[str, float, int]]):
    colors = sentiment_colors(scores(rows))
    assert sorted(colors) == sorted(r[0] for r in rows)
    assert all(len(c) == 7 and c.startswith("#") for c in colors.values())
    assert all(colors[name] == "#A0A0A0" for name, _, n in rows if n < 3)
