"""Attribution on the query engine: paths and heuristic credits in SQL, the maths in numpy.

`engine_attribute` returns what `journey.attribution.models.attribute` returns for the same
events and settings, reading a prepared-events relation through a Runner (DuckDB or Spark)
instead of a pandas frame. The heuristic models are per-touch weights summed in SQL; Markov
and Shapley run on the distinct paths with their counts (`engine.attribution.unique_paths`),
so Python work grows with the number of distinct paths, never with events.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd

from journey.attribution.markov import MarkovResult, fit_chain, transitions_from_keys
from journey.attribution.models import (
    DEFAULT_SETTINGS,
    AttributionSettings,
    _empty_result,
    _result_frame,
    check_models,
)
from journey.attribution.paths import PathSet
from journey.attribution.shapley import EXACT_SHAPLEY_MAX_CHANNELS, shapley_credit
from journey.attribution.uncertainty import (
    CustomerCredit,
    MarkovResampler,
    check_bootstrap,
    customer_matrix,
    resampled_intervals,
)
from journey.query.engine import attribution as sql
from journey.query.engine.runner import Runner
from journey.schema import ProgressFn


def path_spec(settings: AttributionSettings) -> sql.PathSpec:
    """The settings' level, window and exclusions as the engine's path specification."""
    return sql.PathSpec(
        level=settings.level,
        window_days=settings.window_days,
        exclude_channels=tuple(settings.exclude_channels),
        exclude_event_types=tuple(settings.exclude_event_types),
    )


def path_set_from_counts(labels: Sequence[str], paths: sql.CountedPaths) -> PathSet:
    """An aggregated PathSet from `unique_paths`' labels and ragged paths (no copy per path)."""
    return PathSet(
        labels=np.asarray(list(labels), dtype=object),
        offsets=paths.offsets,
        codes=paths.codes,
        direct=np.zeros(len(paths.codes), dtype=bool),  # no model reading counts looks at it
        conversions=paths.conversions,
        nulls=paths.nulls,
        revenue=paths.revenue,
    )


def engine_path_set(runner: Runner, events: str, settings: AttributionSettings) -> PathSet:
    """The distinct (repeat-collapsed) paths of `events` with their counts, as a PathSet."""
    with sql.touches(runner, events, path_spec(settings)) as kept:
        return path_set_from_counts(*sql.unique_paths(runner, kept))


def markov_from_counts(counts: sql.ChainCounts, order: int) -> MarkovResult:
    """`markov.markov_model` from the engine's counted transitions (`sql.chain_counts`)."""
    labels = np.asarray(counts.labels, dtype=object)
    into = counts.target == sql.CONVERSION_KEY
    last = counts.source[into] % counts.base - 1  # lag-0 code of the state before conversion
    k = len(labels)
    return fit_chain(
        labels,
        transitions_from_keys(counts.base, order, counts.source, counts.target, counts.count),
        np.bincount(last, counts.count[into], minlength=k).astype(np.float64),
        np.bincount(last, counts.revenue[into], minlength=k).astype(np.float64),
        order,
    )


def engine_fit_markov(runner: Runner, events: str, settings: AttributionSettings) -> MarkovResult:
    """`models.fit_markov` on the engine: the chain's transitions counted in SQL."""
    with sql.touches(runner, events, path_spec(settings)) as kept:
        return markov_from_counts(
            sql.chain_counts(runner, kept, settings.markov_order), settings.markov_order
        )


def engine_path_counts(runner: Runner, events: str, settings: AttributionSettings) -> pd.DataFrame:
    """`paths.count_paths(paths.conversion_paths(...))` on the engine."""
    with sql.touches(runner, events, path_spec(settings)) as kept:
        return sql.path_counts(runner, kept)


@dataclass(frozen=True)
class EngineInputs:
    """What one pass over the touches gives the models: heuristic credits and counted paths."""

    credits: pd.DataFrame  # `sql.heuristic_credits` of the settings' heuristic models
    counted: PathSet | None  # the distinct paths with counts, when Shapley is chosen
    markov: MarkovResult | None  # the settings' Markov chain, when Markov is chosen


@contextmanager
def _touches(
    runner: Runner, events: str, settings: AttributionSettings, touches: str | None
) -> Iterator[str]:
    """The given touches relation, or the settings' touches of `events` materialised for now."""
    if touches is not None:
        yield touches
        return
    with sql.touches(runner, events, path_spec(settings)) as kept:
        yield kept


def engine_inputs(
    runner: Runner, events: str, settings: AttributionSettings, touches: str | None = None
) -> EngineInputs:
    """Materialise the touches once; return the heuristic credits, the chain and the paths.

    The Markov chain (for `settings.markov_order`) is counted in SQL; the distinct paths
    leave the engine only for Shapley, which needs them. `touches` names a relation holding
    `sql.touches_sql(events, path_spec(settings))` already (a kept file): it is read instead.
    """
    chosen = check_models(settings.models)
    heuristics = [m for m in chosen if m in sql.HEURISTIC_MODELS]
    with _touches(runner, events, settings, touches) as kept:
        credits = sql.heuristic_credits(
            runner, kept, heuristics, settings.half_life_days, settings.position_weights
        )
        markov = (
            markov_from_counts(
                sql.chain_counts(runner, kept, settings.markov_order), settings.markov_order
            )
            if "markov" in chosen
            else None
        )
        counted = (
            path_set_from_counts(*sql.unique_paths(runner, kept)) if "shapley" in chosen else None
        )
    return EngineInputs(credits, counted, markov)


def engine_attribute(
    runner: Runner,
    events: str,
    settings: AttributionSettings = DEFAULT_SETTINGS,
    channels: Sequence[str] = (),
) -> pd.DataFrame:
    """`models.attribute` on the engine: channel, model, conversions, revenue, share.

    Same rows, order and `attrs["shapley_method"]`; `events` names a prepared-events relation.
    """
    return attribute_inputs(engine_inputs(runner, events, settings), settings, channels)


def attribute_inputs(
    inputs: EngineInputs, settings: AttributionSettings, channels: Sequence[str] = ()
) -> pd.DataFrame:
    """The models' result from `engine_inputs` (computed with the same `settings`)."""
    chosen = check_models(settings.models)
    heuristics = [m for m in chosen if m in sql.HEURISTIC_MODELS]
    credits, counted, markov = inputs.credits, inputs.counted, inputs.markov
    if (counted is None and "shapley" in chosen) or (markov is None and "markov" in chosen):
        raise ValueError("these inputs hold no path counts: compute them with the same settings")
    labels = credits["value"].to_numpy(dtype=object).astype(str)
    total = float(credits["total_conversions"].iloc[0]) if len(credits) else 0.0
    extra = sorted(set(channels) - set(labels))
    names = np.r_[labels, np.array(extra, dtype=str)] if extra else labels
    if len(names) == 0:
        return _empty_result()
    padding = np.zeros(len(extra))
    conversions, revenue, method = [], [], ""
    for model in chosen:
        if model in heuristics:
            conv = credits[f"{model}_conversions"].to_numpy(dtype=np.float64)
            rev = credits[f"{model}_revenue"].to_numpy(dtype=np.float64)
        elif model == "markov" and markov is not None:
            if markov.order != settings.markov_order:
                raise ValueError("these inputs hold another Markov order: compute them again")
            result = markov.attribution
            conv, rev = result["conversions"].to_numpy(), result["revenue"].to_numpy()
        elif counted is not None:
            conv, rev, method = shapley_credit(counted, EXACT_SHAPLEY_MAX_CHANNELS)
        conversions.append(np.r_[conv, padding])
        revenue.append(np.r_[rev, padding])
    out = _result_frame(names, chosen, np.concatenate(conversions), np.concatenate(revenue), total)
    if method:
        out.attrs["shapley_method"] = method
    return out


def engine_bootstrap_shares(
    runner: Runner,
    events: str,
    settings: AttributionSettings = DEFAULT_SETTINGS,
    *,
    n_resamples: int = 200,
    confidence: float = 0.95,
    random_state: int | None = 0,
    progress: ProgressFn | None = None,
    touches: str | None = None,
) -> pd.DataFrame:
    """`uncertainty.bootstrap_shares` on the engine: channel, model, share_low, share_high.

    The same rows for the same prepared events and seed. Each model's credit per (customer,
    value) and Markov's transitions per customer are summed in SQL; only those rows leave
    the engine, and the resampling runs in numpy as for pandas. `touches` as `engine_inputs`.
    """
    chosen = check_models(settings.models)
    check_bootstrap(n_resamples, confidence)
    linear = [m for m in chosen if m != "markov"]
    with (
        _touches(runner, events, settings, touches) as kept,
        sql.customer_ranks(runner, events) as (ranks, n_customers),
    ):
        labels = np.asarray(sql.touch_labels(runner, kept), dtype=object)
        k = len(labels)
        credits = (
            sql.customer_credits(
                runner, kept, ranks, linear, settings.half_life_days, settings.position_weights
            )
            if linear and k
            else None
        )
        chain = (
            sql.customer_transitions(runner, kept, ranks, settings.markov_order)
            if "markov" in chosen and k
            else None
        )
    matrices = (
        {
            m: customer_matrix(credits.customer, credits.code, credits.credit[m], n_customers, k)
            for m in linear
        }
        if credits is not None
        else {}
    )
    markov = MarkovResampler.from_keys(chain, n_customers) if chain is not None else None
    return resampled_intervals(
        CustomerCredit(labels, n_customers, matrices, markov),
        chosen,
        n_resamples=n_resamples,
        confidence=confidence,
        random_state=random_state,
        progress=progress,
    )
