"""User names in every chart: escaped once for plotly, shortened where drawn, whole on hover."""

from __future__ import annotations

import html
import json
from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import pytest
from hypothesis import given
from hypothesis import strategies as st

from journey.schema import CHANNEL, PHASE, TIMESTAMP, TOUCHPOINT
from journey.viz import attribution_charts, charts, sankey
from journey.viz.figure import (
    MAX_LABEL,
    category_ticks,
    chart_label,
    plotly_text,
    short_label,
)

QUOTED = 'Say "hi" & <b>bye</b>'
QUOTED_SHOWN = 'Say "hi" &amp; &lt;b&gt;bye&lt;/b&gt;'  # what plotly gets: it decodes these
LONG = "Spring campaign landing page " + "x" * 271  # 300 characters
LONG_SHOWN = "Spring campaign landing page xxxxxxxxxx…"  # 39 characters and the ellipsis


def test_plotly_text_escapes_markup_once_and_leaves_quotes():
    assert plotly_text(QUOTED) == QUOTED_SHOWN
    assert plotly_text("it's") == "it's"
    assert plotly_text("&quot;") == "&amp;quot;"  # a literal entity stays literal
    assert plotly_text(None) == ""
    assert plotly_text(3) == "3"


def test_short_label_cuts_at_the_limit_with_an_ellipsis():
    assert len(LONG) == 300
    assert short_label(LONG) == LONG_SHOWN
    assert len(short_label(LONG)) == MAX_LABEL
    assert short_label("x" * 40) == "x" * 40
    assert short_label("x" * 41) == "x" * 39 + "…"
    assert short_label("abc def", 5) == "abc…"  # no space before the ellipsis
    assert chart_label("<" * 50) == "&lt;" * 39 + "…"  # cut before escaping: no half entity


@given(st.text(max_size=120), st.integers(min_value=1, max_value=80))
def test_short_label_never_exceeds_the_limit_and_keeps_a_prefix(text: str, limit: int):
    short = short_label(text, limit)
    assert len(short) <= limit
    if len(text) <= limit:
        assert short == text
    else:
        assert short.endswith("…")
        assert text.startswith(short[:-1])


@given(st.text(max_size=80))
def test_plotly_text_holds_no_markup_and_reads_back(text: str):
    shown = plotly_text(text)
    assert "<" not in shown
    assert ">" not in shown
    assert html.unescape(shown) == text


def test_category_ticks_keep_whole_values_and_cut_the_labels():
    ticks = category_ticks([QUOTED, LONG])
    assert ticks == {
        "type": "category",
        "tickmode": "array",
        "tickvals": [QUOTED_SHOWN, LONG],
        "ticktext": [QUOTED_SHOWN, LONG_SHOWN],
    }


# -- every chart: a quoted name and a 300-character name -----------------------------------


def _nodes(names: list[str]) -> dict[str, list[object]]:
    return {"node": names}


def _funnel() -> go.Figure:
    return charts.build_funnel(
        pd.DataFrame(
            {
                "stage": [QUOTED, LONG],
                "customers": [10, 4],
                "conversion_rate": [1.0, 0.4],
                "step_conversion_rate": [1.0, 0.4],
                "median_days_from_previous": [float("nan"), 2.0],
            }
        )
    )


def _dropoffs() -> go.Figure:
    frame = {"reached": [4, 2], "ended_here": [2, 1], "dropoff_rate": [0.5, 0.5]}
    return charts.build_dropoff_bars(pd.DataFrame({**_nodes([QUOTED, LONG]), **frame}))


def _dropoff_next() -> go.Figure:
    frame = {"stage": ["Cart", "Cart"], "next_node": [QUOTED, LONG], "customers": [3, 1]}
    return charts.build_dropoff_next(pd.DataFrame(frame))


def _overrepresentation() -> go.Figure:
    frame = {
        "share_converters": [0.5, 0.1],
        "share_non_converters": [0.1, 0.5],
        "lift": [5.0, 0.2],
        "difference": [0.4, -0.4],
    }
    return charts.build_overrepresentation(
        pd.DataFrame({**_nodes([QUOTED, LONG]), **frame}), label_a=QUOTED
    )


def _timeline() -> go.Figure:
    return charts.build_timeline(
        pd.DataFrame(
            {
                TIMESTAMP: pd.to_datetime(["2024-01-01", "2024-01-02"], utc=True),
                CHANNEL: [QUOTED, LONG],
                TOUCHPOINT: [LONG, QUOTED],
                PHASE: ["awareness", "onboarding"],
            }
        )
    )


def _compare() -> go.Figure:
    frame = {
        "source": [QUOTED, LONG],
        "target": [LONG, QUOTED],
        "count_a": [1, 2],
        "share_a": [0.5, 0.5],
        "count_b": [2, 1],
        "share_b": [0.6, 0.4],
        "diff": [-0.1, 0.1],
    }
    return charts.build_compare_diff(pd.DataFrame(frame), label_a=QUOTED)


def _channel_bars() -> go.Figure:
    frame = {
        "channel": [QUOTED, LONG],
        "events": [5, 3],
        "customers": [2, 1],
        "conversions": [1, 0],
        "revenue": [1.0, 0.0],
    }
    return charts.build_channel_bars(pd.DataFrame(frame))


def _sentiment_bars() -> go.Figure:
    frame = {
        "channel": [QUOTED, LONG],
        "mean_score": [0.5, -0.5],
        "share_negative": [0.0, 1.0],
        "n": [2, 1],
    }
    return charts.build_sentiment_bars(pd.DataFrame(frame), "channel")


def _step_sankey() -> go.Figure:
    steps = pd.DataFrame({"step": [1], "source": [QUOTED], "target": [LONG], "count": [3]})
    return sankey.build_sankey(steps)


def _phase_sankey() -> go.Figure:
    flows = pd.DataFrame(
        {
            "source_phase": ["awareness"],
            "source": [QUOTED],
            "target_phase": ["onboarding"],
            "target": [LONG],
            "customers": [3],
        }
    )
    return sankey.build_phase_sankey(flows)


def _attribution_bars() -> go.Figure:
    result = pd.DataFrame(
        {
            "channel": [QUOTED, LONG],
            "model": ["first", "first"],
            "conversions": [1.0, 1.0],
            "revenue": [1.0, 1.0],
            "share": [0.5, 0.5],
        }
    )
    return attribution_charts.build_attribution_bars(result)


def _removal() -> go.Figure:
    frame = {
        "channel": [QUOTED, LONG],
        "removal_effect": [0.2, 0.5],
        "revenue_removal_effect": [0.1, 0.4],
    }
    return attribution_charts.build_removal_effects(pd.DataFrame(frame))


def _heatmap() -> go.Figure:
    frame = {"source": [QUOTED, LONG], "target": [LONG, QUOTED], "probability": [1.0, 1.0]}
    return attribution_charts.build_transition_heatmap(pd.DataFrame(frame))


def _lookback() -> go.Figure:
    frame = {
        "window_days": [7, 7],
        "channel": [QUOTED, LONG],
        "model": ["first", "first"],
        "share": [0.5, 0.5],
    }
    return attribution_charts.build_lookback_sensitivity(pd.DataFrame(frame))


def _metrics_trend() -> go.Figure:
    frame = {
        "period": pd.to_datetime(["2024-01-01", "2024-01-01"]),
        "channel": [QUOTED, LONG],
        "sessions": [3, 4],
    }
    return attribution_charts.build_metrics_trend(pd.DataFrame(frame), "sessions")


BUILDERS: dict[str, Callable[[], go.Figure]] = {
    "funnel": _funnel,
    "dropoffs": _dropoffs,
    "dropoff_next": _dropoff_next,
    "overrepresentation": _overrepresentation,
    "timeline": _timeline,
    "compare": _compare,
    "channel_bars": _channel_bars,
    "sentiment_bars": _sentiment_bars,
    "step_sankey": _step_sankey,
    "phase_sankey": _phase_sankey,
    "attribution_bars": _attribution_bars,
    "removal": _removal,
    "heatmap": _heatmap,
    "lookback": _lookback,
    "metrics_trend": _metrics_trend,
}


def _spec(fig: go.Figure) -> str:
    """The figure as the JSON plotly.js gets (dates as text)."""
    return json.dumps(fig.to_plotly_json(), default=str, ensure_ascii=False)


def _drawn_labels(fig: go.Figure) -> list[str]:
    """Every name plotly draws on the chart itself: ticks, node labels, legend entries."""
    layout = fig.layout.to_plotly_json()
    drawn = [
        text
        for name, axis in layout.items()
        if name.startswith(("xaxis", "yaxis"))
        for text in axis.get("ticktext", [])
    ]
    for trace in fig.data:
        if trace.type == "sankey":
            drawn += list(trace.node.label)
        elif trace.showlegend is not False and len(fig.data) > 1:
            drawn.append(trace.name)
    return drawn


@pytest.mark.parametrize("build", BUILDERS.values(), ids=BUILDERS.keys())
def test_every_chart_draws_names_escaped_once_and_shortened(build: Callable[[], go.Figure]):
    fig = build()
    spec = _spec(fig)
    assert "&quot;" not in spec  # plotly would show it as six characters
    assert "&amp;amp;" not in spec  # escaped twice
    assert "<b>bye" not in spec  # user markup never reaches plotly as markup
    drawn = _drawn_labels(fig)
    assert drawn
    assert all(len(html.unescape(text)) <= MAX_LABEL + len(" → ") for text in drawn)
    assert LONG not in drawn
    assert any("…" in text for text in drawn)


@pytest.mark.parametrize("build", BUILDERS.values(), ids=BUILDERS.keys())
def test_every_chart_keeps_the_whole_name_for_the_hover(build: Callable[[], go.Figure]):
    spec = _spec(build())
    assert QUOTED_SHOWN.replace('"', '\\"') in spec
    assert LONG in spec


def test_bars_keep_whole_names_as_categories_and_cut_the_ticks():
    fig = _dropoffs()
    assert list(fig.data[0].y) == [QUOTED_SHOWN, LONG]
    assert list(fig.layout.yaxis.ticktext) == [QUOTED_SHOWN, LONG_SHOWN]
    assert fig.data[0].hovertemplate.startswith("%{y}<br>")


def test_sankey_labels_are_cut_and_the_hover_is_whole():
    node = _step_sankey().data[0].node
    assert list(node.label) == [QUOTED_SHOWN, LONG_SHOWN]
    assert [c[2] for c in node.customdata] == [QUOTED_SHOWN, LONG]
    phases = _phase_sankey().data[0].node
    assert list(phases.label) == [QUOTED_SHOWN, LONG_SHOWN]
    assert [tuple(c) for c in phases.customdata] == [
        (QUOTED_SHOWN, "Awareness"),
        (LONG, "Onboarding"),
    ]


def test_compare_cuts_each_end_of_an_edge_and_keeps_group_names_out_of_the_template():
    fig = _compare()
    # each end at most 20 characters: 19 and the ellipsis
    quoted = 'Say "hi" &amp; &lt;b&gt;bye&lt;/…'
    long = "Spring campaign lan…"
    assert list(fig.layout.yaxis.ticktext) == [f"{quoted} → {long}", f"{long} → {quoted}"]
    assert list(fig.data[0].y) == [f"{QUOTED_SHOWN} → {LONG}", f"{LONG} → {QUOTED_SHOWN}"]
    assert fig.data[0].meta[0] == QUOTED_SHOWN
    assert "Say" not in fig.data[0].hovertemplate


def test_legend_names_are_cut_and_the_hover_names_the_whole_channel():
    line = _metrics_trend().data[1]
    assert line.name == LONG_SHOWN
    assert list(line.meta) == [LONG]
    assert line.hovertemplate.startswith("%{meta[0]}<br>")
