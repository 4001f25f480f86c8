"""Yardstick: a minimal order-1 Markov attribution (absorbing chain, numpy) from an events file.

Usage: python bench/markov_yardstick.py EVENTS.parquet [--show]

What a careful analyst would write by hand: pandas sort, paths cut at conversions with a
30-day lookback (DESIGN.md semantics), repeats collapsed, transition counts into a dense
matrix, removal effects by `numpy.linalg.solve`. Conversions only (no revenue, no options).
Prints "seconds peak_MiB n_channels"; with --show, the credited conversions per channel.
"""

from __future__ import annotations

import resource
import sys
import time

import numpy as np
import pandas as pd

WINDOW_US = 30 * 86_400 * 1_000_000


def conversion_probability(counts: np.ndarray, keep: np.ndarray) -> float:
    """P(conversion) from start (state 0) with the states outside `keep` sent to null."""
    n = counts.shape[0] - 2  # transient states; then conversion, null
    prob = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    index = np.flatnonzero(keep[:n])
    q = prob[np.ix_(index, index)]
    r = prob[index, n]
    return float(np.linalg.solve(np.eye(len(index)) - q, r)[0])


def main(path: str, show: bool) -> None:
    started = time.perf_counter()
    events = pd.read_parquet(
        path, columns=["customer_id", "timestamp", "channel", "conversion", "row"]
    )
    events = events.sort_values(["customer_id", "timestamp", "row"], kind="stable")
    customer = events["customer_id"].to_numpy()
    ts = events["timestamp"].array.as_unit("us").asi8
    conv = events["conversion"].to_numpy(dtype=bool)
    codes, channels = pd.factorize(events["channel"], sort=True)
    n = len(events)
    start = np.r_[True, (customer[1:] != customer[:-1]) | conv[:-1]]
    path = np.cumsum(start) - 1
    ends = np.r_[np.flatnonzero(start)[1:], n] - 1
    converted = conv[ends]
    keep = ~converted[path] | (ts >= ts[ends][path] - WINDOW_US)
    codes, path = codes[keep], path[keep]
    first = np.r_[True, path[1:] != path[:-1]]
    keep = first | (codes != np.r_[-1, codes[:-1]])  # collapse repeats
    codes, path, first = codes[keep], path[keep], first[keep]
    last = np.r_[path[1:] != path[:-1], True]
    k = len(channels)
    state = codes + 1  # 0 = start, 1..k channels, k + 1 conversion, k + 2 null
    source = np.where(first, 0, np.r_[0, state[:-1]])
    counts = np.zeros((k + 3, k + 3))
    np.add.at(counts, (source, state), 1)
    np.add.at(counts, (state[last], np.where(converted[path[last]], k + 1, k + 2)), 1)
    base = conversion_probability(counts, np.ones(k + 3, dtype=bool))
    effects = np.zeros(k)
    for c in range(k):
        keep_states = np.ones(k + 3, dtype=bool)
        keep_states[c + 1] = False
        effects[c] = 1 - conversion_probability(counts, keep_states) / base
    credit = converted.sum() * effects / effects.sum()
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{elapsed:.3f} {peak:.0f} {k}")
    if show:
        for name, value in zip(channels, credit, strict=True):
            print(f"{name}\t{value:.6f}")


if __name__ == "__main__":
    main(sys.argv[1], "--show" in sys.argv[2:])
