"""How much to trust an attribution: bootstrap intervals, lookback sensitivity, disagreements."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from journey.attribution.heuristic import touch_weights
from journey.attribution.markov import (
    build_chain,
    removal_effects,
    scipy_sparse,
    solve_absorption,
    state_numbers,
)
from journey.attribution.models import (
    DEFAULT_SETTINGS,
    MODEL_NAMES,
    AttributionSettings,
    attribute,
    check_models,
    settings_path_set,
)
from journey.attribution.paths import PathSet, customer_rank
from journey.attribution.shapley import distinct_pairs
from journey.errors import SettingsError
from journey.query.segments import require_columns
from journey.schema import ProgressFn

if TYPE_CHECKING:
    import scipy.sparse

    from journey.query.engine.attribution import CustomerTransitions

LOOKBACK_WINDOWS = (7, 14, 30, 60, 90)
_BOOTSTRAP_CELLS = 4_000_000  # resample counts held in memory at once (rows x customers)
_OPENERS = ("first",)
_CLOSERS = ("last", "last_non_direct")


# -- bootstrap -------------------------------------------------------------------------------


def _customer_credit(
    ps: PathSet, customer: np.ndarray, model: str, settings: AttributionSettings
) -> scipy.sparse.csr_matrix:
    """Per-customer credited conversions (labels x customers) under a linear-in-paths model."""
    n_customers = len(ps.customer_ids) if ps.customer_ids is not None else 0
    if model == "shapley":
        path, code, size = distinct_pairs(ps)
        weight = ps.conversions[path] / size[path]
    else:
        path = ps.path_of_touch
        code = ps.codes
        weights = touch_weights(ps, model, settings.half_life_days, settings.position_weights)
        weight = weights * ps.conversions[path]
    return customer_matrix(customer[path], code, weight, n_customers, len(ps.labels))


def customer_matrix(
    customer: np.ndarray, code: np.ndarray, weight: np.ndarray, n_customers: int, n_labels: int
) -> scipy.sparse.csr_matrix:
    """Credit rows (customer rank, label code, weight) as a (labels x customers) sum matrix."""
    matrix = scipy_sparse().csr_matrix(
        (weight, (code, customer)), shape=(n_labels, n_customers), dtype=np.float64
    )
    matrix.sum_duplicates()
    return matrix


def _resample_counts(
    rng: np.random.Generator, n_customers: int, n_resamples: int
) -> Iterator[np.ndarray]:
    """Draw customers with replacement, a chunk of resamples at a time (bounded memory).

    Yields (resamples x customers) arrays: how often each customer was drawn.
    """
    chunk = max(1, min(n_resamples, _BOOTSTRAP_CELLS // max(n_customers, 1)))
    done = 0
    while done < n_resamples:
        b = min(chunk, n_resamples - done)
        draws = rng.integers(0, n_customers, size=(b, n_customers))
        draws += (np.arange(b) * n_customers)[:, None]
        counts = np.bincount(draws.ravel(), minlength=b * n_customers)
        yield counts.reshape(b, n_customers).astype(np.float64)
        done += b


class MarkovResampler:
    """Refit the Markov chain's removal effects on re-weighted customers, solved exactly.

    `per_customer` (transitions x customers) holds each customer's count of each distinct
    transition (`pair_source` -> `pair_target`, states as `markov.build_chain` numbers them).
    """

    def __init__(
        self,
        n_states: int,
        digits: np.ndarray,
        pair_source: np.ndarray,
        pair_target: np.ndarray,
        per_customer: scipy.sparse.csr_matrix,
        n_labels: int,
    ) -> None:
        self.n_states = n_states
        self.pair_source, self.pair_target = pair_source, pair_target
        self.per_customer = per_customer
        self.removed = [np.flatnonzero((digits == k).any(axis=0)) for k in range(n_labels)]

    @classmethod
    def from_paths(cls, ps: PathSet, customer: np.ndarray, order: int) -> MarkovResampler:
        """The resampler of a per-path set, `customer` the rank of each path's customer."""
        chain = build_chain(ps, order)
        ids, pair_source, pair_target = chain.pair_ids()
        weight = chain.weights(ps.conversions, ps.nulls)
        shape = (len(pair_source), len(ps.customer_ids) if ps.customer_ids is not None else 0)
        per_customer = scipy_sparse().csr_matrix((weight, (ids, customer[chain.path])), shape=shape)
        return cls(
            chain.n_states, chain.digits, pair_source, pair_target, per_customer, len(ps.labels)
        )

    @classmethod
    def from_keys(cls, chain: CustomerTransitions, n_customers: int) -> MarkovResampler:
        """The resampler of transitions counted per customer in the engine.

        Keys as `markov.transitions_from_keys` reads them; one row per customer rank and
        transition (`journey.query.engine.attribution.customer_transitions`).
        """
        n_states, digits, src, dst = state_numbers(
            chain.base, chain.order, chain.source, chain.target
        )
        ids, pairs = pd.factorize(src * (n_states + 2) + dst, sort=True)
        pairs = np.asarray(pairs, dtype=np.int64)
        per_customer = scipy_sparse().csr_matrix(
            (chain.count, (ids, chain.customer)),
            shape=(len(pairs), n_customers),
            dtype=np.float64,
        )
        return cls(
            n_states,
            digits,
            pairs // (n_states + 2),
            pairs % (n_states + 2),
            per_customer,
            len(chain.labels),
        )

    def effects(self, counts: np.ndarray) -> np.ndarray:
        """Removal effects (resamples x labels) for each row of customer draw counts."""
        pair_counts = (self.per_customer @ counts.T).T
        reward = np.ones((self.n_states, 1))
        return np.array(
            [
                removal_effects(
                    solve_absorption(
                        self.n_states,
                        self.pair_source,
                        self.pair_target,
                        pair_counts[i],
                        reward,
                        self.removed,
                    )
                )[:, 0]
                for i in range(counts.shape[0])
            ]
        )


def check_bootstrap(n_resamples: int, confidence: float) -> None:
    """Raise a SettingsError unless there are 2+ resamples and 0 < confidence < 1."""
    if n_resamples < 2:
        raise SettingsError(f"bootstrap needs at least 2 resamples, got {n_resamples}")
    if not 0 < confidence < 1:
        raise SettingsError(f"confidence must be between 0 and 1, got {confidence}")


@dataclass(frozen=True)
class CustomerCredit:
    """What the bootstrap resamples: each model's credit per customer (customers in id order).

    `linear` maps every chosen model but Markov to its (labels x customers) credited
    conversions; `markov` refits the chain when Markov is chosen. Empty when there is no path.
    """

    labels: np.ndarray
    n_customers: int
    linear: dict[str, scipy.sparse.csr_matrix]
    markov: MarkovResampler | None


def _resampled_credit(
    credit: CustomerCredit,
    chosen: list[str],
    n_resamples: int,
    random_state: int | None,
    progress: ProgressFn | None,
) -> dict[str, np.ndarray]:
    """Each model's credit per resample (resamples x labels), customers drawn with replacement."""
    samples = {m: np.zeros((n_resamples, len(credit.labels))) for m in chosen}
    if not (credit.n_customers and len(credit.labels)):
        return samples
    row = 0
    rng = np.random.default_rng(random_state)
    for counts in _resample_counts(rng, credit.n_customers, n_resamples):
        b = counts.shape[0]
        for model, matrix in credit.linear.items():
            samples[model][row : row + b] = (matrix @ counts.T).T
        if credit.markov is not None:
            samples["markov"][row : row + b] = credit.markov.effects(counts)
        row += b
        if progress is not None:
            progress(row / n_resamples, f"bootstrap {row}/{n_resamples}")
    return samples


def resampled_intervals(
    credit: CustomerCredit,
    chosen: list[str],
    *,
    n_resamples: int,
    confidence: float,
    random_state: int | None,
    progress: ProgressFn | None = None,
) -> pd.DataFrame:
    """`bootstrap_shares`' intervals from the per-customer credit of the chosen models."""
    samples = _resampled_credit(credit, chosen, n_resamples, random_state, progress)
    return _interval_frame(credit.labels, chosen, samples, confidence)


def _path_credit(ps: PathSet, chosen: list[str], settings: AttributionSettings) -> CustomerCredit:
    """The per-customer credit of a per-path set (built from events)."""
    n_customers = len(ps.customer_ids) if ps.customer_ids is not None else 0
    if not (n_customers and ps.n_paths):
        return CustomerCredit(ps.labels, n_customers, {}, None)
    # customers in id order, so a seed gives the same draws whatever the input row order
    customer = customer_rank(ps.customer_ids)[ps.customer]
    linear = {m: _customer_credit(ps, customer, m, settings) for m in chosen if m != "markov"}
    markov = (
        MarkovResampler.from_paths(ps, customer, settings.markov_order)
        if "markov" in chosen
        else None
    )
    return CustomerCredit(ps.labels, n_customers, linear, markov)


def _interval_frame(
    labels: np.ndarray, chosen: list[str], samples: dict[str, np.ndarray], confidence: float
) -> pd.DataFrame:
    """Percentile bounds of each model's shares: channel, model, share_low, share_high."""
    k = len(labels)
    if k == 0:
        return pd.DataFrame(
            {
                "channel": pd.Series(dtype="str"),
                "model": pd.Series(dtype="str"),
                "share_low": pd.Series(dtype="float64"),
                "share_high": pd.Series(dtype="float64"),
            }
        )
    low_q, high_q = (1 - confidence) / 2, (1 + confidence) / 2
    frames = []
    for model in chosen:
        sums = samples[model].sum(axis=1, keepdims=True)
        shares = np.divide(samples[model], sums, out=np.zeros_like(samples[model]), where=sums > 0)
        frames.append(
            pd.DataFrame(
                {
                    "channel": pd.array(labels.astype(str), dtype="str"),
                    "model": model,
                    "share_low": np.quantile(shares, low_q, axis=0),
                    "share_high": np.quantile(shares, high_q, axis=0),
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    rank = out["model"].map({m: i for i, m in enumerate(chosen)})
    out = out.assign(_rank=rank).sort_values(["_rank", "channel"], kind="stable")
    return out.drop(columns="_rank").reset_index(drop=True)


def bootstrap_shares(
    events: pd.DataFrame,
    settings: AttributionSettings = DEFAULT_SETTINGS,
    *,
    n_resamples: int = 200,
    confidence: float = 0.95,
    random_state: int | None = 0,
    progress: ProgressFn | None = None,
) -> pd.DataFrame:
    """Bootstrap confidence intervals of each model's share: channel, model, share_low, share_high.

    Customers are resampled with replacement (`n_resamples` times); each resample re-weights
    every path by how often its customer was drawn, and the model's shares are recomputed
    (Markov: the chain is refitted and solved exactly). Bounds are percentiles at
    (1 - confidence) / 2 and (1 + confidence) / 2. Sorted like `attribute` (model, channel).
    """
    chosen = check_models(settings.models)
    check_bootstrap(n_resamples, confidence)
    ps = settings_path_set(events, settings)
    return resampled_intervals(
        _path_credit(ps, chosen, settings),
        chosen,
        n_resamples=n_resamples,
        confidence=confidence,
        random_state=random_state,
        progress=progress,
    )


# -- lookback --------------------------------------------------------------------------------


def lookback_sensitivity(
    events: pd.DataFrame,
    settings: AttributionSettings = DEFAULT_SETTINGS,
    windows: Sequence[float] = LOOKBACK_WINDOWS,
) -> pd.DataFrame:
    """Each model's shares at several lookback windows (the settings' own window is ignored).

    Columns window_days, channel, model, conversions, share. Sorted by window_days, then as
    `attribute`.
    """
    frames = []
    for window in windows:
        result = attribute(events, dataclasses.replace(settings, window_days=window))
        frames.append(
            result.assign(window_days=window)[
                ["window_days", "channel", "model", "conversions", "share"]
            ]
        )
    return pd.concat(frames, ignore_index=True)


# -- disagreements ---------------------------------------------------------------------------

_DISAGREEMENT_COLUMNS = [
    "channel",
    "high_model",
    "high_share",
    "low_model",
    "low_share",
    "difference",
    "role",
    "sentence",
]


def _extremes(result: pd.DataFrame) -> pd.DataFrame:
    """Per channel, the models giving it the highest and the lowest share (first model wins)."""
    order = {m: i for i, m in enumerate(dict.fromkeys(result["model"]))}
    ranked = result.assign(_rank=result["model"].map(order))
    columns = ["channel", "model", "share"]
    high, low = (
        ranked.sort_values(["channel", "share", "_rank"], ascending=[True, ascending, True])
        .groupby("channel", sort=True)
        .head(1)[columns]
        for ascending in (False, True)
    )
    pairs = high.merge(low, on="channel", suffixes=("_high", "_low"))
    return pairs.rename(
        columns={
            "model_high": "high_model",
            "share_high": "high_share",
            "model_low": "low_model",
            "share_low": "low_share",
        }
    )


def _roles(pairs: pd.DataFrame) -> np.ndarray:
    """Name each disagreement's role: opens, closes, assists or ""."""
    high_closer = pairs["high_model"].isin(_CLOSERS)
    low_closer = pairs["low_model"].isin(_CLOSERS)
    opens = pairs["high_model"].isin(_OPENERS) & low_closer
    closes = high_closer & ~low_closer
    assists = ~high_closer & low_closer & ~opens
    return np.select([opens, closes, assists], ["opens", "closes", "assists"], "")


def find_disagreements(result: pd.DataFrame, threshold: float = 0.05) -> pd.DataFrame:
    """Name channels whose share differs by more than `threshold` between models.

    Takes `attribute`'s output. Returns channel, high_model, high_share, low_model, low_share,
    difference, role and an English sentence. role: "opens" (first touch credits it more than
    a last-touch model), "closes" (a last-touch model credits it most, another model least),
    "assists" (a last-touch model credits it least, a multi-touch model most) or "". Sorted
    by difference descending, then channel.
    """
    require_columns(result, "channel", "model", "share")
    if result.empty:
        return pd.DataFrame(
            {
                c: pd.Series(dtype="float64" if "share" in c or c == "difference" else "str")
                for c in _DISAGREEMENT_COLUMNS
            }
        )
    pairs = _extremes(result)
    pairs = pairs.assign(difference=pairs["high_share"] - pairs["low_share"])
    pairs = pairs[pairs["difference"] > threshold]
    pairs = pairs.assign(role=_roles(pairs))
    pairs = pairs.assign(
        sentence=[
            disagreement_sentence(
                r.channel, r.high_model, r.high_share, r.low_model, r.low_share, r.role
            )
            for r in pairs.itertuples(index=False)
        ]
    )
    ordered = pairs.sort_values(["difference", "channel"], ascending=[False, True])
    return ordered.reset_index(drop=True)[_DISAGREEMENT_COLUMNS]


def disagreement_sentence(
    channel: str, high_model: str, high_share: float, low_model: str, low_share: float, role: str
) -> str:
    """Say in plain English how two models disagree (plain text: show it via io.markup)."""
    head = (
        f"{channel} earns {high_share:.0%} under {MODEL_NAMES[high_model]} "
        f"but {low_share:.0%} under {MODEL_NAMES[low_model]}"
    )
    if role == "opens":
        return f"{head}: it opens journeys, it doesn't close them."
    if role == "closes":
        return f"{head}: it closes journeys more than it opens them."
    if role == "assists":
        return f"{head}: it helps journeys along but rarely closes them."
    return f"{head}: the models weigh its part in the journey differently."


def join_intervals(result: pd.DataFrame, intervals: pd.DataFrame | None) -> pd.DataFrame:
    """Add share_low and share_high (`bootstrap_shares`) to `attribute`'s rows, order kept."""
    if intervals is None or intervals.empty:
        return result.assign(share_low=np.nan, share_high=np.nan)
    bounds = intervals.set_index(["channel", "model"])[["share_low", "share_high"]]
    index = pd.MultiIndex.from_arrays([result["channel"], result["model"]])
    return result.assign(
        share_low=bounds["share_low"].reindex(index).to_numpy(),
        share_high=bounds["share_high"].reindex(index).to_numpy(),
    )
