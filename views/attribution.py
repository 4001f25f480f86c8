import streamlit as st

from journey.attribution.uncertainty import join_intervals
from journey.viz import attribution_charts
from ui import attribution_widgets, cache, frame, widgets
from ui.errors import guard
from ui.i18n import t

N_RESAMPLES = 200

st.title(t("attribution.title"))
st.caption(t("attribution.intro"))
scope = frame.require_scope()
form = attribution_widgets.settings_form(scope)
settings = form.settings
labels = attribution_widgets.model_labels()

with guard(), st.spinner(t("attribution.working")):
    result, shapley_method = cache.attribution_result(scope.events, settings)
intervals = None
if form.bootstrap:
    with guard(), st.spinner(t("attribution.bootstrapping")):
        intervals = cache.attribution_bootstrap(
            scope.events, settings, N_RESAMPLES, t("attribution.bootstrapping")
        )

st.subheader(t("attribution.comparison"))
first_model = result[result["model"] == settings.models[0]]
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
    result, intervals, value=form.value, model_labels=labels
)
widgets.chart(figure, "attribution_by_channel", key="attribution_chart")
if intervals is not None:
    st.caption(t("attribution.ci_caption", n=N_RESAMPLES))
attribution_widgets.show_assumptions(settings, shapley_method)
table = result if intervals is None else join_intervals(result, intervals)
share_format = st.column_config.NumberColumn(format="percent")
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={"share": share_format, "share_low": share_format, "share_high": share_format},
    key="attribution_table",
)
widgets.download_csv(table, "attribution.csv", key="attribution_download")

attribution_widgets.show_disagreements(result, form.threshold)
if "markov" in settings.models:
    attribution_widgets.show_markov(scope, settings)

st.subheader(t("attribution.lookback"))
if st.toggle(t("attribution.lookback_show"), value=False, key="attribution_lookback"):
    with guard(), st.spinner(t("attribution.working")):
        sensitivity = cache.attribution_lookback(scope.events, settings)
    st.caption(t("attribution.lookback_caption"))
    lookback = attribution_charts.build_lookback_sensitivity(sensitivity, model_labels=labels)
    widgets.chart(lookback, "attribution_lookback", key="attribution_lookback_chart")
