"""Heuristic attribution models: per-touch weights of each path's conversion and revenue.

first, last, last_non_direct (last touch whose channel is not "Direct", case-insensitive;
the last touch when every touch is direct), linear (1/length per touch, repeats included),
time_decay (weight 2^(-age_days / half_life), age = conversion_time - touch time, normalised
per path), position (U-shaped first/middle/last weights, default 40/20/40; one touch takes
100 %; two touches split first:last, i.e. 50/50 by default). Revenue follows the same
per-touch weights as the conversion.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from journey.attribution.paths import PathSet, credit_frame
from journey.errors import SettingsError

HEURISTIC_MODELS = ("first", "last", "last_non_direct", "linear", "time_decay", "position")
DEFAULT_HALF_LIFE_DAYS = 7.0
DEFAULT_POSITION_WEIGHTS = (0.4, 0.2, 0.4)


def check_position_weights(weights: Sequence[float]) -> tuple[float, float, float]:
    """Return (first, middle, last) or raise a SettingsError unless they add up to 1."""
    if len(weights) != 3 or any((not np.isfinite(w)) or w < 0 for w in weights):
        raise SettingsError(
            "position weights must be three non-negative numbers: first, middle, last"
        )
    first, middle, last = (float(w) for w in weights)
    if abs(first + middle + last - 1.0) > 1e-6 or first + last <= 0:
        raise SettingsError(
            "position weights must add up to 1 with first + last > 0, "
            f"got {first}, {middle}, {last}"
        )
    return first, middle, last


def touch_weights(
    ps: PathSet,
    model: str,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    position_weights: Sequence[float] = DEFAULT_POSITION_WEIGHTS,
) -> np.ndarray:
    """Return each touch's fraction of its path's conversion under a heuristic model (sums to 1)."""
    pos = ps.position
    length = ps.lengths[ps.path_of_touch]
    if model == "first":
        return (pos == 0).astype(np.float64)
    if model == "last":
        return (pos == length - 1).astype(np.float64)
    if model == "linear":
        return 1.0 / length
    if model == "last_non_direct":
        return _last_non_direct(ps)
    if model == "position":
        return _position(pos, length, position_weights)
    if model == "time_decay":
        return _time_decay(ps, half_life_days)
    raise SettingsError(
        f"unknown heuristic model {model!r}; use one of {', '.join(HEURISTIC_MODELS)}"
    )


def _last_non_direct(ps: PathSet) -> np.ndarray:
    """Weight 1 on each path's last non-direct touch (its last touch when all are direct)."""
    index = np.arange(len(ps.codes))
    candidate = np.where(ps.direct, -1, index)
    chosen = np.full(ps.n_paths, -1, dtype=np.int64)
    if len(index):
        chosen = np.maximum.reduceat(candidate, ps.offsets[:-1])
    chosen = np.where(chosen < 0, ps.offsets[1:] - 1, chosen)  # all direct: last touch
    return (index == chosen[ps.path_of_touch]).astype(np.float64)


def _position(pos: np.ndarray, length: np.ndarray, weights: Sequence[float]) -> np.ndarray:
    """U-shaped weights: first / middle (split evenly) / last; 2 touches split first:last."""
    first, middle, last = check_position_weights(weights)
    ends = first + last
    weight = np.where(pos == 0, first, np.where(pos == length - 1, last, 0.0))
    middle_each = middle / np.maximum(length - 2, 1)
    weight = np.where((pos > 0) & (pos < length - 1), middle_each, weight)
    weight = np.where(length == 2, np.where(pos == 0, first / ends, last / ends), weight)
    return np.where(length == 1, 1.0, weight)


def _time_decay(ps: PathSet, half_life_days: float) -> np.ndarray:
    """Weights 2^(-age / half-life), normalised per path."""
    if ps.age_days is None:
        raise SettingsError("time decay needs touch times: build the paths from events")
    if not np.isfinite(half_life_days) or half_life_days <= 0:
        raise SettingsError(f"half-life must be a positive number of days, got {half_life_days}")
    path = ps.path_of_touch
    # shift ages by the path's youngest touch before exponentiating: same ratios, no underflow
    youngest = np.full(ps.n_paths, np.inf)
    np.minimum.at(youngest, path, ps.age_days)
    raw = np.exp2(-(ps.age_days - youngest[path]) / half_life_days)
    return raw / np.bincount(path, raw, minlength=ps.n_paths)[path]


def heuristic_credit(
    ps: PathSet,
    model: str,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    position_weights: Sequence[float] = DEFAULT_POSITION_WEIGHTS,
) -> tuple[np.ndarray, np.ndarray]:
    """Return (conversions, revenue) credited per label by a heuristic model."""
    weight = touch_weights(ps, model, half_life_days, position_weights)
    path = ps.path_of_touch
    k = len(ps.labels)
    conversions = np.bincount(ps.codes, weight * ps.conversions[path], minlength=k)
    revenue = np.bincount(ps.codes, weight * ps.revenue[path], minlength=k)
    return conversions, revenue


def heuristic_model(
    ps: PathSet,
    model: str,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    position_weights: Sequence[float] = DEFAULT_POSITION_WEIGHTS,
) -> pd.DataFrame:
    """Credit conversions and revenue by a heuristic model: channel, conversions, revenue.

    One row per label of the set, in label order.
    """
    conversions, revenue = heuristic_credit(ps, model, half_life_days, position_weights)
    return credit_frame(ps.labels, conversions, revenue)
