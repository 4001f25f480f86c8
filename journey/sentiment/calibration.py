"""The English lexicon's calibration: VADER compound -> P(positive) - P(negative).

The compound score is not a probability: on the sample's English turns it stops near -0.87,
where the shipped models' P(positive) - P(negative) reaches -0.97, so sorting mixed-language
scores put every other language first. A multinomial logistic regression on the compound
alone, fitted on the hand-written tuning set `bench/data/cs_dev.csv` (balanced class weights,
so the set's 52% of complaints is not baked in as a prior; C by 5-fold CV log loss), gives
each class's probability; `python bench/sentiment.py --calibrate` refits it and prints the
constants below. Nothing is fitted at run time.

The slopes are ordered (negative < neutral < positive), which makes the score strictly
increasing in the compound, so the lexicon's labels (thresholds on the compound) are the same
thresholds mapped through `calibrate`. Compounds are rounded to 4 decimals, so the mapping is
a table over those 20,001 values: a compound and its threshold map through the same entry.
"""

from __future__ import annotations

from typing import Final

import numpy as np

CLASSES: Final = ("negative", "neutral", "positive")
# Per class: intercept + slope * compound is its logit (from `bench/sentiment.py --calibrate`).
SLOPES: Final = (-8.2882, 0.4133, 7.8749)
INTERCEPTS: Final = (-0.1531, 1.0494, -0.8964)
_STEPS: Final = 10_000  # the compound's resolution: VADER rounds it to 4 decimals


def class_probabilities(compound: np.ndarray) -> np.ndarray:
    """Return P(negative), P(neutral), P(positive) per compound (one row each)."""
    x = np.asarray(compound, dtype="float64").reshape(-1, 1)
    logits = np.asarray(INTERCEPTS) + x * np.asarray(SLOPES)
    logits -= logits.max(axis=1, keepdims=True)
    weights = np.exp(logits)
    return weights / weights.sum(axis=1, keepdims=True)


def _table() -> np.ndarray:
    grid = np.arange(-_STEPS, _STEPS + 1) / _STEPS
    probs = class_probabilities(grid)
    return probs[:, CLASSES.index("positive")] - probs[:, CLASSES.index("negative")]


_TABLE: Final = _table()


def calibrate(compound: np.ndarray | float) -> np.ndarray:
    """Map compound scores in [-1, 1] to P(positive) - P(negative), strictly increasing."""
    values = np.asarray(compound, dtype="float64")
    missing = np.isnan(values)
    index = np.rint(np.clip(np.where(missing, 0.0, values), -1.0, 1.0) * _STEPS).astype(np.int64)
    return np.where(missing, np.nan, _TABLE[index + _STEPS])


def compounds_of(scores: np.ndarray) -> np.ndarray:
    """Invert `calibrate`: the 4-decimal compound whose calibrated score each score is."""
    values = np.asarray(scores, dtype="float64")
    missing = np.isnan(values)
    index = np.searchsorted(_TABLE, np.where(missing, 0.0, values)).clip(0, 2 * _STEPS)
    return np.where(missing, np.nan, (index - _STEPS) / _STEPS)
