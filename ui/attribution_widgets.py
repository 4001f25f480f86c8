"""Renderers of the Attribution page: the settings form, assumptions, disagreements, Markov."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from journey.attribution.heuristic import DEFAULT_HALF_LIFE_DAYS
from journey.attribution.markov import MARKOV_ORDERS
from journey.attribution.models import MODELS, AttributionSettings
from journey.attribution.uncertainty import find_disagreements
from journey.io.markup import md_text
from journey.present import opening
from journey.query.segments import DEFAULT_WINDOW_DAYS
from journey.schema import CHANNEL, EVENT_TYPE
from journey.viz import attribution_charts
from ui import cache, state, widgets
from ui.errors import guard
from ui.i18n import t

MAX_HEATMAP_STATES = 60


@dataclass(frozen=True)
class AttributionForm:
    """What the settings form asks: the attribution settings and how to show the result."""

    settings: AttributionSettings
    bootstrap: bool  # add bootstrap intervals
    value: str  # share, conversions or revenue
    threshold: int  # disagreement threshold, in percentage points


def model_labels() -> dict[str, str]:
    """Each model's name in the UI language."""
    return {m: t(f"attribution.name.{m}") for m in MODELS}


def _model_row(columns: tuple[str, ...]) -> tuple[list[str], str, float]:
    top = st.columns([3, 2, 1])
    models = top[0].multiselect(
        t("attribution.models"),
        MODELS,
        default=list(MODELS),
        format_func=lambda m: t(f"attribution.name.{m}"),
        key="attribution_models",
    )
    level = top[1].radio(
        t("attribution.level"),
        opening.attribution_levels(columns),
        format_func=lambda v: t(f"attribution.level.{v}"),
        horizontal=True,
        key="attribution_level",
    )
    window = top[2].number_input(
        t("attribution.window"),
        min_value=0,
        max_value=3650,
        value=DEFAULT_WINDOW_DAYS,
        help=t("attribution.window_help"),
        key="attribution_window",
    )
    return models, level, float(window)


def _exclude_row(scope: state.Scope) -> tuple[tuple[str, ...], tuple[str, ...]]:
    middle = st.columns(2)
    channels = middle[0].multiselect(
        t("attribution.exclude_channels"),
        cache.column_values(scope.events, CHANNEL),
        help=t("attribution.exclude_help"),
        key="attribution_exclude_channels",
    )
    event_types = middle[1].multiselect(
        t("attribution.exclude_event_types"),
        cache.column_values(scope.events, EVENT_TYPE),
        help=t("attribution.exclude_help"),
        key="attribution_exclude_event_types",
    )
    return tuple(channels), tuple(event_types)


def _tuning_row() -> tuple[float, int, int, int]:
    row = st.columns(4)
    half_life = row[0].number_input(
        t("attribution.half_life"),
        min_value=0.5,
        max_value=365.0,
        value=DEFAULT_HALF_LIFE_DAYS,
        step=0.5,
        key="attribution_half_life",
    )
    first_pct = row[1].slider(
        t("attribution.position_first"),
        0,
        100,
        opening.POSITION_FIRST_PCT,
        5,
        key="attribution_position_first",
    )
    last_pct = row[2].slider(
        t("attribution.position_last"),
        0,
        100,
        opening.POSITION_LAST_PCT,
        5,
        key="attribution_position_last",
    )
    order = row[3].selectbox(
        t("attribution.markov_order"), MARKOV_ORDERS, key="attribution_markov_order"
    )
    return float(half_life), first_pct, last_pct, int(order)


def _display_row() -> tuple[bool, str, int]:
    bottom = st.columns(3)
    bootstrap = bottom[0].toggle(
        t("attribution.bootstrap"),
        help=t("attribution.bootstrap_help"),
        key="attribution_bootstrap",
    )
    value = bottom[1].radio(
        t("attribution.show"),
        ["share", "conversions", "revenue"],
        format_func=lambda v: t(f"attribution.value.{v}"),
        horizontal=True,
        key="attribution_value",
    )
    threshold = bottom[2].slider(t("attribution.threshold"), 1, 50, 5, key="attribution_threshold")
    return bootstrap, value, threshold


def settings_form(scope: state.Scope) -> AttributionForm:
    """Draw the settings expander; stop the page while the settings cannot run."""
    with st.expander(t("attribution.settings"), expanded=True):
        models, level, window = _model_row(scope.dataset.prepared_columns)
        exclude_channels, exclude_types = _exclude_row(scope)
        half_life, first_pct, last_pct, order = _tuning_row()
        bootstrap, value, threshold = _display_row()
    if not models:
        st.info(t("attribution.pick_models"))
        st.stop()
    if first_pct + last_pct > 100:
        st.warning(t("attribution.position_too_much"))
        st.stop()
    settings = AttributionSettings(
        models=tuple(models),
        level=level,
        window_days=window,
        exclude_channels=exclude_channels,
        exclude_event_types=exclude_types,
        half_life_days=half_life,
        position_weights=(first_pct / 100, (100 - first_pct - last_pct) / 100, last_pct / 100),
        markov_order=order,
    )
    return AttributionForm(settings, bootstrap, value, threshold)


def show_assumptions(settings: AttributionSettings, shapley_method: str) -> None:
    """Explain each chosen model with the settings' numbers, and how Shapley was computed."""
    labels = model_labels()
    first, middle, last = (round(w * 100) for w in settings.position_weights)
    with st.expander(t("attribution.assumptions")):
        for model in settings.models:
            explained = t(
                f"attribution.explain.{model}",
                half_life=settings.half_life_days,
                first=first,
                middle=middle,
                last=last,
            )
            st.markdown(f"**{labels[model]}**: {explained}")
        if shapley_method:
            st.caption(t("attribution.shapley_method", method=shapley_method))


def show_disagreements(result: pd.DataFrame, threshold: int) -> None:
    """List the channels whose share differs by more than `threshold` points between models."""
    labels = model_labels()
    st.subheader(t("attribution.disagreements"))
    flags = find_disagreements(result, threshold / 100)
    if flags.empty:
        st.caption(t("attribution.no_disagreements", threshold=threshold))
    for flag in flags.itertuples(index=False):
        head = t(
            "attribution.disagree",
            channel=md_text(flag.channel),
            high=f"{flag.high_share:.0%}",
            high_model=labels[flag.high_model],
            low=f"{flag.low_share:.0%}",
            low_model=labels[flag.low_model],
        )
        role = t(f"attribution.role.{flag.role or 'mixed'}")
        st.markdown(f"- {head} {role}")


def show_markov(scope: state.Scope, settings: AttributionSettings) -> None:
    """Removal effects, the transition heatmap (when small enough) and its download."""
    st.subheader(t("attribution.markov"))
    with guard():
        markov = cache.attribution_markov(scope.events, settings)
    st.caption(t("attribution.markov_caption", p=markov.conversion_probability))
    left, right = st.columns(2)
    widgets.chart(
        attribution_charts.build_removal_effects(markov.removal_effects),
        "markov_removal_effects",
        key="attribution_removal",
        container=left,
    )
    n_states = markov.transitions["source"].nunique()
    if n_states <= MAX_HEATMAP_STATES:
        heatmap = attribution_charts.build_transition_heatmap(markov.transitions)
        widgets.chart(heatmap, "markov_transitions", key="attribution_transitions", container=right)
    else:
        right.info(t("attribution.too_many_states", n=n_states))
    widgets.download_csv(
        markov.transitions,
        "markov_transitions.csv",
        key="attribution_download_transitions",
        label=t("attribution.download_transitions"),
    )
