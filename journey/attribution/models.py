"""Attribution entry points: the model names, `AttributionSettings`, `attribute`.

`share` = the channel's conversions / the model's total conversions (0..1, sums to 1 per
model); `model` holds the name used in `--models`; the first output column is called
`channel` whatever the level. Every model is vectorised over numpy arrays: loops run over
models, channels or path positions, never over customers or events.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from journey.attribution.heuristic import (
    DEFAULT_HALF_LIFE_DAYS,
    DEFAULT_POSITION_WEIGHTS,
    HEURISTIC_MODELS,
    check_position_weights,
    heuristic_credit,
)
from journey.attribution.markov import MarkovResult, markov_model
from journey.attribution.paths import PathSet, aggregate_paths, build_path_set
from journey.attribution.shapley import EXACT_SHAPLEY_MAX_CHANNELS, shapley_credit
from journey.errors import SettingsError
from journey.query.segments import DEFAULT_WINDOW_DAYS
from journey.schema import CHANNEL

MODELS = (*HEURISTIC_MODELS, "markov", "shapley")
MODEL_NAMES = {
    "first": "first touch",
    "last": "last touch",
    "last_non_direct": "last non-direct touch",
    "linear": "linear",
    "time_decay": "time decay",
    "position": "position-based",
    "markov": "Markov chain",
    "shapley": "Shapley value",
}
RESULT_COLUMNS = ("channel", "model", "conversions", "revenue", "share")


@dataclass(frozen=True)
class AttributionSettings:
    """What to attribute and how: one hashable value (a cache key in the app).

    Sequences are stored as tuples, so two settings built from a list and a tuple are equal.
    Values are checked where they are used, as before: e.g. position weights only when the
    position model runs.
    """

    models: tuple[str, ...] = MODELS
    level: str = CHANNEL
    window_days: float = DEFAULT_WINDOW_DAYS
    exclude_channels: tuple[str, ...] = ()
    exclude_event_types: tuple[str, ...] = ()
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS
    position_weights: tuple[float, ...] = DEFAULT_POSITION_WEIGHTS
    markov_order: int = 1

    def __post_init__(self) -> None:
        for name in ("models", "exclude_channels", "exclude_event_types", "position_weights"):
            object.__setattr__(self, name, tuple(getattr(self, name)))


DEFAULT_SETTINGS = AttributionSettings()


def check_models(models: Sequence[str]) -> list[str]:
    """Return the models without repeats, or raise a SettingsError naming unknown ones."""
    chosen = list(dict.fromkeys(models))
    unknown = [m for m in chosen if m not in MODELS]
    if unknown or not chosen:
        raise SettingsError(
            f"unknown attribution model {', '.join(map(repr, unknown)) or '(none)'}; "
            f"use any of {', '.join(MODELS)}"
        )
    return chosen


def settings_path_set(events: pd.DataFrame, settings: AttributionSettings) -> PathSet:
    """Build the per-path set of `events` at the settings' level, window and exclusions."""
    return build_path_set(
        events,
        settings.level,
        settings.window_days,
        settings.exclude_channels,
        settings.exclude_event_types,
    )


def fit_markov(events: pd.DataFrame, settings: AttributionSettings) -> MarkovResult:
    """Fit the settings' Markov chain on `events` (removal effects, transitions)."""
    return markov_model(aggregate_paths(settings_path_set(events, settings)), settings.markov_order)


def _empty_result() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "channel": pd.Series(dtype="str"),
            "model": pd.Series(dtype="str"),
            "conversions": pd.Series(dtype="float64"),
            "revenue": pd.Series(dtype="float64"),
            "share": pd.Series(dtype="float64"),
        }
    )


def _credit(
    ps: PathSet, aggregated: PathSet, model: str, settings: AttributionSettings
) -> tuple[np.ndarray, np.ndarray, str]:
    """One model's (conversions, revenue) per label, and the Shapley method if it ran."""
    if model == "markov":
        markov = markov_model(aggregated, settings.markov_order).attribution
        return markov["conversions"].to_numpy(), markov["revenue"].to_numpy(), ""
    if model == "shapley":
        return shapley_credit(aggregated, EXACT_SHAPLEY_MAX_CHANNELS)
    source = ps if model == "time_decay" else aggregated  # time decay needs each touch's age
    conv, rev = heuristic_credit(source, model, settings.half_life_days, settings.position_weights)
    return conv, rev, ""


def _result_frame(
    names: np.ndarray,
    chosen: list[str],
    conversions: np.ndarray,
    revenue: np.ndarray,
    total: float,
) -> pd.DataFrame:
    """Stack per-model credit (model-major) sorted by model, conversions descending, channel."""
    n = len(names)
    rank = np.repeat(np.arange(len(chosen)), n)
    channel_all = np.tile(names, len(chosen))
    channel_rank = np.tile(np.argsort(np.argsort(names, kind="stable"), kind="stable"), len(chosen))
    # rounded: sums in another path order must not reorder channels that tie
    order = np.lexsort((channel_rank, -np.round(conversions, 9), rank))
    return pd.DataFrame(
        {
            "channel": pd.array(channel_all[order], dtype="str"),
            "model": pd.array(np.repeat(np.array(chosen, dtype=object), n)[order], dtype="str"),
            "conversions": conversions[order],
            "revenue": revenue[order],
            "share": conversions[order] / total if total > 0 else np.zeros(len(order)),
        }
    )


def attribute_paths(
    ps: PathSet,
    settings: AttributionSettings = DEFAULT_SETTINGS,
    channels: Sequence[str] = (),
) -> pd.DataFrame:
    """Run the settings' models on a path set: channel, model, conversions, revenue, share.

    Every label of the set (and every name in `channels`) gets a row per model, 0 when
    uncredited. Sorted by model (in the given order), conversions descending, channel.
    `share` is conversions / the model's total conversions (0 when there are none). Only the
    settings' models, half-life, position weights and Markov order apply: `ps` is already cut.
    """
    chosen = check_models(settings.models)
    if "position" in chosen:
        check_position_weights(settings.position_weights)
    aggregated = aggregate_paths(ps) if any(m != "time_decay" for m in chosen) else ps
    labels = ps.labels.astype(str)
    extra = sorted(set(channels) - set(labels))
    names = np.r_[labels, np.array(extra, dtype=str)] if extra else labels
    if len(names) == 0:
        return _empty_result()
    padding = np.zeros(len(extra))
    conversions, revenue, method = [], [], ""
    for model in chosen:
        conv, rev, used = _credit(ps, aggregated, model, settings)
        conversions.append(np.r_[conv, padding])
        revenue.append(np.r_[rev, padding])
        method = used or method
    out = _result_frame(
        names, chosen, np.concatenate(conversions), np.concatenate(revenue), ps.total_conversions
    )
    if method:
        out.attrs["shapley_method"] = method
    return out


def attribute(
    events: pd.DataFrame,
    settings: AttributionSettings = DEFAULT_SETTINGS,
    channels: Sequence[str] = (),
) -> pd.DataFrame:
    """Attribute conversions and revenue from events: channel, model, conversions, revenue, share.

    The first column is called `channel` whatever the level. See `attribute_paths` for rows
    and order; `attrs["shapley_method"]` says how Shapley was computed.
    """
    check_models(settings.models)
    return attribute_paths(settings_path_set(events, settings), settings, channels)
