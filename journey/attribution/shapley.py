"""Shapley-value attribution over the sets of channels on each path.

Characteristic function (Zhao et al. 2018): v(S) = conversions of the paths whose set of
channels is a subset of S (revenue-valued: their revenue). Non-converting paths add 0.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from journey.attribution.paths import PathSet, credit_frame

EXACT_SHAPLEY_MAX_CHANNELS = 15
SHAPLEY_PER_COALITION = "exact: per-coalition formula"
SHAPLEY_CLOSED_FORM = "exact: closed form (simplified Shapley value)"


def distinct_pairs(ps: PathSet) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (path, code) of each path's distinct channels, and each path's set size."""
    k = max(len(ps.labels), 1)
    key = np.sort(ps.path_of_touch.astype(np.int64) * k + ps.codes)
    key = key[np.r_[True, key[1:] != key[:-1]]] if len(key) else key
    path, code = key // k, key % k
    return path, code, np.bincount(path, minlength=ps.n_paths)


def _closed_form(ps: PathSet) -> tuple[np.ndarray, np.ndarray]:
    """phi_j = sum over paths holding j of their value / their number of distinct channels."""
    path, code, size = distinct_pairs(ps)
    k = len(ps.labels)
    share = 1.0 / size[path]
    conversions = np.bincount(code, share * ps.conversions[path], minlength=k)
    revenue = np.bincount(code, share * ps.revenue[path], minlength=k)
    return conversions, revenue


def _coalition_worth(ps: PathSet, players: np.ndarray) -> np.ndarray:
    """Return v(S) for every coalition S of `players` (bit masks): conversions and revenue."""
    path, code, _size = distinct_pairs(ps)
    n = len(players)
    player_of = np.full(len(ps.labels), -1, dtype=np.int64)
    player_of[players] = np.arange(n)
    player = player_of[code]
    mask = np.zeros(ps.n_paths, dtype=np.int64)
    np.bitwise_or.at(mask, path, np.where(player >= 0, np.left_shift(1, np.maximum(player, 0)), 0))
    carries = (ps.conversions > 0) | (ps.revenue > 0)
    size = 1 << n
    worth = np.zeros((size, 2))
    # r(T): conversions / revenue of paths whose channel set is exactly T
    worth[:, 0] = np.bincount(mask[carries], ps.conversions[carries], minlength=size)
    worth[:, 1] = np.bincount(mask[carries], ps.revenue[carries], minlength=size)
    coalitions = np.arange(size)
    for bit in range(n):  # v(S) = sum of r(T) over T subset of S (zeta transform)
        has = (coalitions >> bit) & 1 == 1
        worth[has] += worth[coalitions[has] ^ (1 << bit)]
    return worth


def _per_coalition(ps: PathSet, players: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Shapley values by phi_j = sum over S not holding j of |S|!(n-|S|-1)!/n! (v(S+j) - v(S))."""
    worth = _coalition_worth(ps, players)
    k = len(ps.labels)
    n = len(players)
    coalitions = np.arange(1 << n)
    popcount = np.zeros(1 << n, dtype=np.int64)
    for bit in range(n):
        popcount += (coalitions >> bit) & 1
    factor = np.array(
        [math.factorial(s) * math.factorial(n - s - 1) / math.factorial(n) for s in range(n)]
    )
    conversions = np.zeros(k)
    revenue = np.zeros(k)
    for j in range(n):
        without = coalitions[((coalitions >> j) & 1) == 0]
        gain = worth[without | (1 << j)] - worth[without]
        value = factor[popcount[without]] @ gain
        conversions[players[j]], revenue[players[j]] = value[0], value[1]
    return conversions, revenue


def shapley_credit(
    ps: PathSet, max_exact_channels: int = EXACT_SHAPLEY_MAX_CHANNELS
) -> tuple[np.ndarray, np.ndarray, str]:
    """Return (conversions, revenue) credited per label, and the method used."""
    carries = (ps.conversions > 0) | (ps.revenue > 0)
    on_converting = np.zeros(len(ps.labels), dtype=bool)
    on_converting[ps.codes[carries[ps.path_of_touch]]] = True
    players = np.flatnonzero(on_converting)
    if len(players) <= max_exact_channels:
        return (*_per_coalition(ps, players), SHAPLEY_PER_COALITION)
    return (*_closed_form(ps), SHAPLEY_CLOSED_FORM)


def shapley_model(
    ps: PathSet, max_exact_channels: int = EXACT_SHAPLEY_MAX_CHANNELS
) -> pd.DataFrame:
    """Credit conversions and revenue by the Shapley value over channel sets.

    With at most `max_exact_channels` channels on converting paths, each player's value is
    summed over every coalition; beyond that the closed form phi_j = sum over paths holding j
    of conversions / (number of distinct channels on the path) is used. Both are exact: that
    v is a sum of unanimity games, whose Shapley values split each path equally. The method
    used is in `attrs["shapley_method"]`.
    """
    conversions, revenue, method = shapley_credit(ps, max_exact_channels)
    frame = credit_frame(ps.labels, conversions, revenue)
    frame.attrs["shapley_method"] = method
    return frame
