import re

import streamlit as st

from journey.attribution import core as attribution
from journey.schema import ATTRIBUTION_LEVELS, CHANNEL, EVENT_TYPE
from journey.viz import attribution_charts
from ui import cache, frame, widgets
from ui.errors import guard
from ui.i18n import t

N_RESAMPLES = 200
MAX_HEATMAP_STATES = 60


def plain(text: object) -> str:
    """Escape markdown so a user's channel name shows exactly as typed."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|>~<$:])", r"\\\1", str(text))


st.title(t("attribution.title"))
st.caption(t("attribution.intro"))
scope = frame.require_scope()
events = scope.events

with st.expander(t("attribution.settings"), expanded=True):
    top = st.columns([3, 2, 1])
    models = top[0].multiselect(
        t("attribution.models"),
        attribution.MODELS,
        default=list(attribution.MODELS),
        format_func=lambda m: t(f"attribution.name.{m}"),
        key="attribution_models",
    )
    level = top[1].radio(
        t("attribution.level"),
        [lv for lv in ATTRIBUTION_LEVELS if lv in events.columns],
        format_func=lambda v: t(f"attribution.level.{v}"),
        horizontal=True,
        key="attribution_level",
    )
    window = top[2].number_input(
        t("attribution.window"),
        min_value=0,
        max_value=3650,
        value=attribution.DEFAULT_WINDOW_DAYS,
        help=t("attribution.window_help"),
        key="attribution_window",
    )
    middle = st.columns(2)
    exclude_channels = middle[0].multiselect(
        t("attribution.exclude_channels"),
        cache.column_values(scope.key, events, CHANNEL),
        help=t("attribution.exclude_help"),
        key="attribution_exclude_channels",
    )
    exclude_types = middle[1].multiselect(
        t("attribution.exclude_event_types"),
        cache.column_values(scope.key, events, EVENT_TYPE) if EVENT_TYPE in events.columns else [],
        help=t("attribution.exclude_help"),
        key="attribution_exclude_event_types",
    )
    row = st.columns(4)
    half_life = row[0].number_input(
        t("attribution.half_life"),
        min_value=0.5,
        max_value=365.0,
        value=attribution.DEFAULT_HALF_LIFE_DAYS,
        step=0.5,
        key="attribution_half_life",
    )
    first_pct = row[1].slider(
        t("attribution.position_first"), 0, 100, 40, 5, key="attribution_position_first"
    )
    last_pct = row[2].slider(
        t("attribution.position_last"), 0, 100, 40, 5, key="attribution_position_last"
    )
    order = row[3].selectbox(
        t("attribution.markov_order"), attribution.MARKOV_ORDERS, key="attribution_markov_order"
    )
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

if not models:
    st.info(t("attribution.pick_models"))
    st.stop()
if first_pct + last_pct > 100:
    st.warning(t("attribution.position_too_much"))
    st.stop()
weights = (first_pct / 100, (100 - first_pct - last_pct) / 100, last_pct / 100)
exclude = (tuple(exclude_channels), tuple(exclude_types))
params = (tuple(models), level, float(window), exclude, float(half_life), weights, int(order))
labels = {m: t(f"attribution.name.{m}") for m in attribution.MODELS}

with guard(), st.spinner(t("attribution.working")):
    result, shapley_method = cache.attribution_result(scope.key, events, *params)
intervals = None
if bootstrap:
    with guard(), st.spinner(t("attribution.bootstrapping")):
        intervals = cache.attribution_bootstrap(scope.key, events, *params, N_RESAMPLES)

st.subheader(t("attribution.comparison"))
first_model = result[result["model"] == models[0]]
if first_model["conversions"].sum() == 0:
    st.info(t("attribution.no_conversions"))
st.caption(
    t(
        "attribution.totals",
        conversions=float(first_model["conversions"].sum()),
        revenue=float(first_model["revenue"].sum()),
    )
)
figure = attribution_charts.build_attribution_bars(
    result, intervals, value=value, model_labels=labels
)
st.plotly_chart(figure, key="attribution_chart")
if intervals is not None:
    st.caption(t("attribution.ci_caption", n=N_RESAMPLES))
with st.expander(t("attribution.assumptions")):
    for model in models:
        explained = t(
            f"attribution.explain.{model}",
            half_life=float(half_life),
            first=first_pct,
            middle=100 - first_pct - last_pct,
            last=last_pct,
        )
        st.markdown(f"**{labels[model]}**: {explained}")
    if shapley_method:
        st.caption(t("attribution.shapley_method", method=shapley_method))
table = result if intervals is None else attribution.join_intervals(result, intervals)
share_format = st.column_config.NumberColumn(format="percent")
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={"share": share_format, "share_low": share_format, "share_high": share_format},
    key="attribution_table",
)
widgets.download_csv(table, "attribution.csv", key="attribution_download")

st.subheader(t("attribution.disagreements"))
flags = attribution.find_disagreements(result, threshold / 100)
if flags.empty:
    st.caption(t("attribution.no_disagreements", threshold=threshold))
for flag in flags.itertuples(index=False):
    head = t(
        "attribution.disagree",
        channel=plain(flag.channel),
        high=f"{flag.high_share:.0%}",
        high_model=labels[flag.high_model],
        low=f"{flag.low_share:.0%}",
        low_model=labels[flag.low_model],
    )
    role = t(f"attribution.role.{flag.role or 'mixed'}")
    st.markdown(f"- {head} {role}")

if "markov" in models:
    st.subheader(t("attribution.markov"))
    with guard():
        markov = cache.attribution_markov(
            scope.key, events, level, float(window), exclude, int(order)
        )
    st.caption(t("attribution.markov_caption", p=markov.conversion_probability))
    left, right = st.columns(2)
    left.plotly_chart(
        attribution_charts.build_removal_effects(markov.removal_effects), key="attribution_removal"
    )
    n_states = markov.transitions["source"].nunique()
    if n_states <= MAX_HEATMAP_STATES:
        heatmap = attribution_charts.build_transition_heatmap(markov.transitions)
        right.plotly_chart(heatmap, key="attribution_transitions")
    else:
        right.info(t("attribution.too_many_states", n=n_states))
    widgets.download_csv(
        markov.transitions,
        "markov_transitions.csv",
        key="attribution_download_transitions",
        label=t("attribution.download_transitions"),
    )

st.subheader(t("attribution.lookback"))
if st.toggle(t("attribution.lookback_show"), value=True, key="attribution_lookback"):
    with guard(), st.spinner(t("attribution.working")):
        sensitivity = cache.attribution_lookback(
            scope.key, events, tuple(models), level, exclude, float(half_life), weights, int(order)
        )
    st.caption(t("attribution.lookback_caption"))
    lookback = attribution_charts.build_lookback_sensitivity(sensitivity, model_labels=labels)
    st.plotly_chart(lookback, key="attribution_lookback_chart")
