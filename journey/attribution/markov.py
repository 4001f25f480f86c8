"""Markov-chain attribution: removal effects on the absorbing chain, solved exactly.

States are (start), tuples of the last `order` channels (consecutive repeats collapsed),
(conversion) and (null); non-converting paths are included. RE_k = 1 - P(conversion with k
removed) / P(conversion), removing k sending its traffic to null: a linear solve, no
simulation. Conversions are credited in proportion to RE; revenue in proportion to the
removal effects on expected revenue, where c -> conversion pays the mean revenue of
conversions whose last touch is c.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

import numpy as np
import pandas as pd

from journey.attribution.paths import PathSet, credit_frame
from journey.errors import SettingsError

START_STATE = "(start)"
CONVERSION_STATE = "(conversion)"
NULL_STATE = "(null)"
MARKOV_ORDERS = (1, 2, 3)
_DENSE_LIMIT = 1500  # chains with more states are solved with a sparse LU


def scipy_sparse() -> ModuleType:
    """Import scipy.sparse (and its linalg) on first use.

    Channel-level chains are solved densely with numpy; only big chains and the bootstrap need
    scipy, and importing it costs every CLI run about half a second.
    """
    importlib.import_module("scipy.sparse.linalg")
    return importlib.import_module("scipy.sparse")


@dataclass(frozen=True)
class Chain:
    """An order-k chain's transitions: state 0 is (start), then S observed states."""

    n_states: int  # transient states including start
    digits: np.ndarray  # (order, n_states) channel code per lag, -1 where none (start: all -1)
    source: np.ndarray  # per record: source state
    target: np.ndarray  # per record: target state; n_states = conversion, n_states + 1 = null
    path: np.ndarray  # per record: path index
    kind: np.ndarray  # per record: 0 carries conversions + nulls, 1 conversions, 2 nulls
    last_code: np.ndarray  # per path: code of its last touch

    def weights(self, ps_conv: np.ndarray, ps_null: np.ndarray) -> np.ndarray:
        """Return each record's weight given per-path conversions and nulls."""
        conv, null = ps_conv[self.path], ps_null[self.path]
        return np.where(self.kind == 0, conv + null, np.where(self.kind == 1, conv, null))

    def pair_ids(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return (pair id per record, pair source, pair target) over distinct transitions."""
        key = self.source.astype(np.int64) * (self.n_states + 2) + self.target
        ids, uniques = pd.factorize(key, sort=True)
        return ids, uniques // (self.n_states + 2), uniques % (self.n_states + 2)

    def removal_sets(self, n_labels: int) -> list[np.ndarray]:
        """Return, per label, the states that hold it (removed together with the label)."""
        return [np.flatnonzero((self.digits == k).any(axis=0)) for k in range(n_labels)]


def _collapse(ps: PathSet) -> tuple[np.ndarray, np.ndarray]:
    """Drop consecutive repeats (A A B -> A B); return (codes, offsets)."""
    if len(ps.codes) == 0:
        return ps.codes, ps.offsets
    keep = np.ones(len(ps.codes), dtype=bool)
    keep[1:] = ps.codes[1:] != ps.codes[:-1]
    keep[ps.offsets[:-1][ps.lengths > 0]] = True  # a path's first touch always stays
    lengths = np.bincount(ps.path_of_touch[keep], minlength=ps.n_paths)
    return ps.codes[keep], np.r_[0, np.cumsum(lengths)].astype(np.int64)


def _states(
    codes: np.ndarray, pos: np.ndarray, base: int, order: int
) -> tuple[np.ndarray, np.ndarray]:
    """Return each touch's state (1..S; 0 is start) and each state's code per lag."""
    key = np.zeros(len(codes), dtype=np.int64)
    for lag in range(order):
        lagged = np.full(len(codes), -1, dtype=np.int64)
        has = pos >= lag
        lagged[has] = codes[np.flatnonzero(has) - lag]
        key += (lagged + 1) * base**lag
    state_ids, state_keys = pd.factorize(key, sort=True)
    digits = np.full((order, len(state_keys) + 1), -1, dtype=np.int64)
    for lag in range(order):
        digits[lag, 1:] = (np.asarray(state_keys) // base**lag) % base - 1
    return state_ids.astype(np.int64) + 1, digits


def build_chain(ps: PathSet, order: int) -> Chain:
    """Build the order-`order` chain's transition records from a path set."""
    if order not in MARKOV_ORDERS:
        raise SettingsError(f"Markov order must be 1, 2 or 3, got {order}")
    codes, offsets = _collapse(ps)
    lengths = np.diff(offsets)
    n_paths = len(lengths)
    base = len(ps.labels) + 1
    if base**order >= 2**62:
        raise SettingsError(
            f"too many distinct values ({base - 1}) for a Markov chain of order {order}"
        )
    pos = np.arange(len(codes)) - np.repeat(offsets[:-1], lengths)
    state, digits = _states(codes, pos, base, order)
    n_states = digits.shape[1]
    path = np.repeat(np.arange(n_paths), lengths)
    inner = pos > 0
    first, last = offsets[:-1], offsets[1:] - 1
    each = np.arange(n_paths)
    return Chain(
        n_states=n_states,
        digits=digits,
        source=np.r_[
            np.zeros(n_paths, dtype=np.int64),
            state[np.flatnonzero(inner) - 1],
            state[last],
            state[last],
        ],
        target=np.r_[
            state[first], state[inner], np.full(n_paths, n_states), np.full(n_paths, n_states + 1)
        ],
        path=np.r_[each, path[inner], each, each],
        kind=np.r_[
            np.zeros(n_paths + int(inner.sum()), dtype=np.int8),
            np.ones(n_paths, np.int8),
            np.full(n_paths, 2, np.int8),
        ],
        last_code=codes[last] if n_paths else np.zeros(0, dtype=np.int64),
    )


def solve_absorption(
    n_states: int,
    pair_source: np.ndarray,
    pair_target: np.ndarray,
    counts: np.ndarray,
    rewards: np.ndarray,
    removed: list[np.ndarray],
) -> np.ndarray:
    """Solve the absorbing chain exactly for each removal set.

    `rewards` (n_states x R) is what a transition state -> conversion pays (1 for conversion
    probability, mean revenue for expected revenue). Returns (1 + len(removed)) x R values seen
    from (start): first with nothing removed, then with each removal set's states sent to null.
    """
    totals = np.bincount(pair_source, counts, minlength=n_states)
    inner = pair_target < n_states
    prob = counts / np.where(totals[pair_source] > 0, totals[pair_source], 1.0)
    to_conv = pair_target == n_states
    conv_prob = np.bincount(pair_source[to_conv], prob[to_conv], minlength=n_states)
    b = conv_prob[:, None] * rewards
    solve = _solver(n_states, pair_source[inner], pair_target[inner], prob[inner])
    out = np.zeros((1 + len(removed), rewards.shape[1]))
    for i, states in enumerate([np.zeros(0, dtype=np.int64), *removed]):
        keep = np.ones(n_states, dtype=bool)
        keep[states] = False
        if keep[0]:
            index = np.flatnonzero(keep)
            out[i] = solve(index, b[index])[0]
    return out


def _solver(
    n_states: int, src: np.ndarray, dst: np.ndarray, p: np.ndarray
) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """Return solve(index, rhs) for (I - Q) restricted to the states in `index`."""
    if n_states <= _DENSE_LIMIT:
        matrix = np.eye(n_states)
        np.add.at(matrix, (src, dst), -p)
        return lambda index, rhs: np.linalg.solve(matrix[np.ix_(index, index)], rhs)
    sparse = scipy_sparse()
    sparse_matrix = sparse.identity(n_states, format="csr") - sparse.csr_matrix(
        (p, (src, dst)), shape=(n_states, n_states)
    )
    return lambda index, rhs: sparse.linalg.splu(sparse_matrix[index][:, index].tocsc()).solve(rhs)


@dataclass(frozen=True)
class MarkovResult:
    """A fitted Markov attribution: credit, removal effects and the transition matrix."""

    attribution: pd.DataFrame  # channel, conversions, revenue (label order)
    removal_effects: pd.DataFrame  # channel, removal_effect, revenue_removal_effect
    transitions: pd.DataFrame  # source, target, count, probability
    conversion_probability: float  # P(conversion) from (start)
    expected_revenue: float  # expected revenue per path from (start)
    order: int


def _state_names(n_states: int, digits: np.ndarray, labels: np.ndarray) -> np.ndarray:
    names = np.empty(n_states + 2, dtype=object)
    names[0] = START_STATE
    names[n_states] = CONVERSION_STATE
    names[n_states + 1] = NULL_STATE
    for s in range(1, n_states):
        lags = [labels[c] for c in digits[::-1, s] if c >= 0]  # oldest first
        names[s] = ",".join(str(x) for x in lags) if len(lags) > 1 else str(lags[0])
    return names


def _credit_by_effects(effects: np.ndarray, total: float) -> np.ndarray:
    effect_sum = effects.sum()
    if effect_sum <= 0 or total == 0:
        return np.zeros_like(effects)
    return total * effects / effect_sum


def removal_effects(values: np.ndarray) -> np.ndarray:
    """Turn `solve_absorption` values into removal effects per removal set (clipped to 0..1)."""
    base = values[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        effects = np.where(base > 0, 1.0 - values[1:] / base, 0.0)
    return np.clip(effects, 0.0, 1.0)  # round-off only: removing a state never adds paths


def _transition_frame(
    names: np.ndarray, pair_source: np.ndarray, pair_target: np.ndarray, counts: np.ndarray
) -> pd.DataFrame:
    """Observed transitions: source, target, count, probability."""
    totals = np.bincount(pair_source, counts, minlength=len(names) - 2)
    transitions = pd.DataFrame(
        {
            "source": pd.array(names[pair_source].astype(str), dtype="str"),
            "target": pd.array(names[pair_target].astype(str), dtype="str"),
            "count": counts,
            "probability": counts / np.where(totals[pair_source] > 0, totals[pair_source], 1.0),
        }
    )
    return transitions[transitions["count"] > 0].reset_index(drop=True)


def markov_model(ps: PathSet, order: int = 1) -> MarkovResult:
    """Fit a Markov chain on the paths and credit conversions and revenue by removal effects.

    See the module docstring for states, removal effects and revenue.
    """
    chain = build_chain(ps, order)
    k = len(ps.labels)
    ids, pair_source, pair_target = chain.pair_ids()
    counts = np.bincount(ids, chain.weights(ps.conversions, ps.nulls), minlength=len(pair_source))
    conv_by_last = np.bincount(chain.last_code, ps.conversions, minlength=k)
    revenue_by_last = np.bincount(chain.last_code, ps.revenue, minlength=k)
    return fit_chain(
        ps.labels,
        ChainTransitions(chain.n_states, chain.digits, pair_source, pair_target, counts),
        conv_by_last,
        revenue_by_last,
        order,
    )


@dataclass(frozen=True)
class ChainTransitions:
    """A chain's distinct transitions (sorted by source, then target) with their counts.

    States as in `Chain`: 0 is (start), 1..n_states - 1 observed; target n_states is
    (conversion), n_states + 1 is (null).
    """

    n_states: int
    digits: np.ndarray  # (order, n_states) channel code per lag, -1 where none
    source: np.ndarray
    target: np.ndarray
    count: np.ndarray


def state_numbers(
    base: int, order: int, source: np.ndarray, target: np.ndarray
) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """Number keyed states as `build_chain`: (n_states, digits, source and target states).

    Keys as `transitions_from_keys`; states are numbered in key order after (start), target
    n_states is (conversion) and n_states + 1 (null), rows keep their order.
    """
    source = np.asarray(source, dtype=np.int64)
    target = np.asarray(target, dtype=np.int64)
    keys = np.unique(np.r_[source[source > 0], target[target > 0]])
    n_states = len(keys) + 1
    digits = np.full((order, n_states), -1, dtype=np.int64)
    for lag in range(order):
        digits[lag, 1:] = (keys // base**lag) % base - 1
    src = np.where(source > 0, np.searchsorted(keys, source) + 1, 0)
    dst = np.select(
        [target > 0, target == -1], [np.searchsorted(keys, target) + 1, n_states], n_states + 1
    )
    return n_states, digits, src, dst


def transitions_from_keys(
    base: int, order: int, source: np.ndarray, target: np.ndarray, count: np.ndarray
) -> ChainTransitions:
    """Number states keyed sum((code + 1) * base**lag) (0 start; -1 conversion, -2 null).

    The keys are those `build_chain` factorizes, so the states, their order and the sorted
    transitions are the ones `markov_model` builds from the paths themselves.
    """
    n_states, digits, src, dst = state_numbers(base, order, source, target)
    sort = np.argsort(src * (n_states + 2) + dst, kind="stable")
    return ChainTransitions(
        n_states, digits, src[sort], dst[sort], np.asarray(count, dtype=np.float64)[sort]
    )


def fit_chain(
    labels: np.ndarray,
    chain: ChainTransitions,
    conv_by_last: np.ndarray,
    revenue_by_last: np.ndarray,
    order: int,
) -> MarkovResult:
    """Removal effects and credit from a chain's counted transitions.

    `conv_by_last` and `revenue_by_last` are the conversions and revenue of the paths by the
    code of their last touch (one entry per label).
    """
    k = len(labels)
    n_states, pair_source, pair_target, counts = (
        chain.n_states,
        chain.source,
        chain.target,
        chain.count,
    )
    mean_revenue = np.divide(revenue_by_last, conv_by_last, out=np.zeros(k), where=conv_by_last > 0)
    # (start) has no last channel (-1): the appended 0 is its reward
    rewards = np.column_stack([np.ones(n_states), np.r_[mean_revenue, 0.0][chain.digits[0]]])
    removed = [np.flatnonzero((chain.digits == c).any(axis=0)) for c in range(k)]
    values = solve_absorption(n_states, pair_source, pair_target, counts, rewards, removed)
    effects = removal_effects(values)
    removal = pd.DataFrame(
        {
            "channel": pd.array(labels.astype(str), dtype="str"),
            "removal_effect": effects[:, 0],
            "revenue_removal_effect": effects[:, 1],
        }
    )
    names = _state_names(chain.n_states, chain.digits, labels)
    return MarkovResult(
        attribution=credit_frame(
            labels,
            _credit_by_effects(effects[:, 0], float(conv_by_last.sum())),
            _credit_by_effects(effects[:, 1], float(revenue_by_last.sum())),
        ),
        removal_effects=removal,
        transitions=_transition_frame(names, pair_source, pair_target, counts),
        conversion_probability=float(values[0][0]),
        expected_revenue=float(values[0][1]),
        order=order,
    )
