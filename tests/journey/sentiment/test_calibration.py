"""The English lexicon's calibration: compound -> P(positive) - P(negative)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from journey.sentiment import calibration, lexicon

# Hand computations from the stored constants: logits negative -0.1531 - 8.2882x, neutral
# 1.0494 + 0.4133x, positive -0.8964 + 7.8749x; score = (e^pos - e^neg) / (sum of the three).
# x = 0: (0.408036 - 0.858044) / (0.858044 + 2.855937 + 0.408036) = -0.109172
# x = -1: (0.000155 - 3412.157) / (3412.157 + 1.889099 + 0.000155) = -0.999447
# x = 1: (1073.307 - 0.000216) / (0.000216 + 4.317601 + 1073.307) = 0.995993
# x = -0.05: (0.275231 - 1.298630) / (1.298630 + 2.797525 + 0.275231) = -0.234113
# x = 0.10: (0.896811 - 0.374591) / (0.374591 + 2.976446 + 0.896811) = 0.122938
BY_HAND = [(0.0, -0.109172), (-1.0, -0.999447), (1.0, 0.995993), (-0.05, -0.234113),
           (0.10, 0.122938)]  # fmt: skip


@pytest.mark.parametrize(("compound", "expected"), BY_HAND)
def test_calibrated_score_by_hand(compound, expected):
    assert float(calibration.calibrate(compound)) == pytest.approx(expected, abs=1e-6)


def test_class_probabilities_by_hand_sum_to_one():
    probs = calibration.class_probabilities(np.array([0.0]))[0]
    # 0.858044 / 4.122017, 2.855937 / 4.122017, 0.408036 / 4.122017
    assert probs == pytest.approx([0.208161, 0.692849, 0.098989], abs=1e-6)


def test_slopes_are_ordered_so_the_score_is_monotone():
    negative, neutral, positive = calibration.SLOPES
    assert negative < neutral < positive
    grid = np.arange(-10_000, 10_001) / 10_000
    assert np.all(np.diff(calibration.calibrate(grid)) > 0)


def test_labels_on_calibrated_scores_equal_labels_on_every_compound():
    # every compound VADER can return (4 decimals): the mapped thresholds change no label
    grid = np.arange(-10_000, 10_001) / 10_000
    scorer = lexicon.CustomerServiceScorer()
    on_compound = lexicon.label_scores(grid, lexicon.NEGATIVE_THRESHOLD, lexicon.POSITIVE_THRESHOLD)
    assert scorer.labels(calibration.calibrate(grid)).tolist() == on_compound.tolist()
    assert pytest.approx(-0.234113, abs=1e-6) == lexicon.SCORE_NEGATIVE_THRESHOLD
    assert pytest.approx(0.122938, abs=1e-6) == lexicon.SCORE_POSITIVE_THRESHOLD


@given(st.lists(st.integers(-10_000, 10_000), min_size=1, max_size=50))
def test_compounds_of_inverts_calibrate(steps):
    compounds = np.array(steps) / 10_000
    assert calibration.compounds_of(calibration.calibrate(compounds)).tolist() == compounds.tolist()


def test_missing_stays_missing_and_out_of_range_is_clipped():
    out = calibration.calibrate(np.array([np.nan, 1.5, -3.0]))
    assert np.isnan(out[0])
    assert out[1:].tolist() == calibration.calibrate(np.array([1.0, -1.0])).tolist()
    assert np.isnan(calibration.compounds_of(np.array([np.nan]))[0])


def test_scorer_scores_are_the_calibrated_compounds():
    texts = ["thanks", "I can't log in to my account", "hello there"]
    scorer = lexicon.CustomerServiceScorer()
    # compounds by hand in test_lexicon: thanks 0.4404, cant_access -0.4215, no feeling 0.0
    assert scorer.compounds(texts).tolist() == [0.4404, -0.4215, 0.0]
    assert scorer.scores(texts)[2] == pytest.approx(-0.109172, abs=1e-6)
    assert scorer.labels(scorer.scores(texts)).tolist() == ["positive", "negative", "neutral"]
