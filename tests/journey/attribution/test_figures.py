"""Attribution results drawn as figures: bars with intervals, escaping, lookback."""

from __future__ import annotations

import pytest

from journey.attribution.markov import (
    markov_model,
)
from journey.attribution.models import (
    MODEL_NAMES,
    AttributionSettings,
    attribute,
    attribute_paths,
)
from journey.attribution.paths import (
    build_path_set,
)
from journey.attribution.uncertainty import (
    bootstrap_shares,
    lookback_sensitivity,
)
from journey.viz import attribution_charts
from tests.journey.attribution.examples import make_events

# Email, Social and Web touches (the channel-metrics example of tests/journey/query)
METRIC_ROWS = [
    ("a", "2024-01-01 09:00", "Email", False, 0.0),
    ("a", "2024-01-01 09:05", "Web", False, 0.0),
    ("a", "2024-01-02 10:00", "Web", True, 40.0),
    ("b", "2024-01-03 08:00", "Email", False, 0.0),
    ("b", "2024-01-03 08:30", "Email", False, 0.0),
    ("b", "2024-01-09 12:00", "Web", True, 60.0),
    ("c", "2024-01-10 12:00", "Social", False, 0.0),
]


def test_attribution_bars_draw_one_trace_per_model_with_error_bars(example):
    result = attribute(example, AttributionSettings(models=("first", "last")))
    intervals = bootstrap_shares(
        example, AttributionSettings(models=("first", "last")), n_resamples=10
    )
    figure = attribution_charts.build_attribution_bars(result, intervals, model_labels=MODEL_NAMES)
    assert [trace.name for trace in figure.data] == ["first touch", "last touch"]
    first = figure.data[0]
    # channels in the first model's order; Email first touch 25%: bars up to its bounds
    assert list(first.x) == ["Direct", "Display", "Email", "Social", "Web"]
    share = dict(zip(first.x, first.y, strict=True))
    assert share["Email"] == pytest.approx(0.25)
    bounds = intervals[(intervals["model"] == "first") & (intervals["channel"] == "Email")]
    assert first.error_y.array[2] == pytest.approx(bounds["share_high"].iloc[0] - 0.25)
    assert first.error_y.arrayminus[2] == pytest.approx(0.25 - bounds["share_low"].iloc[0])
    plain = attribution_charts.build_attribution_bars(result, value="revenue")
    assert plain.data[0].error_y.array is None


def test_figures_escape_channel_names():
    events = make_events(
        [
            ("a", "2024-01-01", "<b>x</b>", False, 0.0),
            ("a", "2024-01-02", "Web", True, 1.0),
            ("b", "2024-01-01", "<b>x</b>", False, 0.0),
            ("c", "2024-01-03", "Web", True, 1.0),
        ]
    )
    paths = build_path_set(events)
    result = attribute_paths(paths, AttributionSettings(models=("first", "markov")))
    bars = attribution_charts.build_attribution_bars(result)
    assert "&lt;b&gt;x&lt;/b&gt;" in list(bars.data[0].x)
    markov = markov_model(paths)
    removal = attribution_charts.build_removal_effects(markov.removal_effects)
    assert "&lt;b&gt;x&lt;/b&gt;" in list(removal.data[0].y)
    heatmap = attribution_charts.build_transition_heatmap(markov.transitions)
    assert list(heatmap.data[0].y) == ["(start)", "&lt;b&gt;x&lt;/b&gt;", "Web"]
    assert list(heatmap.data[0].x) == ["(conversion)", "(null)", "&lt;b&gt;x&lt;/b&gt;", "Web"]


def test_lookback_figure_has_a_panel_per_model():
    sensitivity = lookback_sensitivity(
        make_events(METRIC_ROWS),
        AttributionSettings(models=("first", "last", "linear")),
        windows=(1, 30),
    )
    figure = attribution_charts.build_lookback_sensitivity(sensitivity, model_labels=MODEL_NAMES)
    assert len(figure.data) == 3 * 3  # models x channels (Email, Social, Web)
    assert [a.text for a in figure.layout.annotations] == ["first touch", "last touch", "linear"]
    assert figure.data[3].xaxis == "x2"
