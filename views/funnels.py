import streamlit as st

from journey.present import opening
from journey.schema import CHANNEL, TOUCHPOINT
from journey.viz import charts
from ui import cache, frame, widgets
from ui.errors import guard
from ui.i18n import t

st.title(t("maps.funnels.title"))
st.caption(t("maps.funnels.intro"))
scope = frame.require_scope()

options = opening.funnel_levels(scope.dataset.prepared_columns)
by = st.radio(
    t("maps.funnels.by"),
    options,
    format_func=lambda v: t(f"maps.level.{v}"),
    horizontal=True,
    key="funnels_by",
)
values = cache.column_values(scope.events, by)
with guard(), st.spinner(t("maps.working")):
    # the proposed funnel, its tables and the drop-offs: one numbering of the events
    page = cache.funnel_page(scope.events, by)
default = [s for s in page.stages if s in values]
stages = st.multiselect(
    t("maps.funnels.stages"),
    values,
    default=default,
    help=t("maps.funnels.stages_help"),
    key=f"funnels_stages_{by}",
)
if not stages:
    st.info(t("maps.funnels.pick_stages"))
    st.stop()

if stages == page.stages:
    result, dropped_next = page.funnel, page.dropped_next
else:
    with guard(), st.spinner(t("maps.working")):
        result, dropped_next = cache.funnel_result(scope.events, tuple(stages), by)

last = result.iloc[-1]
cols = st.columns(3)
cols[0].metric(t("maps.funnels.entered"), f"{int(result['customers'].iloc[0]):,}")
cols[1].metric(t("maps.funnels.completed"), f"{int(last['customers']):,}")
cols[2].metric(t("maps.funnels.overall"), f"{float(last['conversion_rate']):.1%}")

widgets.chart(charts.build_funnel(result), "funnel", key="funnels_chart")
st.dataframe(
    result,
    hide_index=True,
    width="stretch",
    column_config={
        "conversion_rate": st.column_config.NumberColumn(format="percent"),
        "step_conversion_rate": st.column_config.NumberColumn(format="percent"),
        "median_days_from_previous": st.column_config.NumberColumn(format="%.1f"),
    },
    key="funnels_table",
)
widgets.download_csv(result, "funnel.csv", key="funnels_download")

st.subheader(t("maps.funnels.went_instead"))
st.caption(t("maps.funnels.went_instead_intro"))
if dropped_next.empty:
    st.info(t("maps.funnels.nobody_dropped"))
else:
    after = st.selectbox(
        t("maps.funnels.after_stage"),
        list(dict.fromkeys(dropped_next["stage"])),
        key="funnels_after_stage",
    )
    widgets.chart(
        charts.build_dropoff_next(dropped_next[dropped_next["stage"] == after]),
        "funnel_dropoff_next_step",
        key="funnels_next_chart",
    )
    widgets.download_csv(dropped_next, "funnel_dropoff_next.csv", key="funnels_download_next")

st.subheader(t("maps.funnels.dropoffs"))
level = st.radio(
    t("maps.level"),
    [TOUCHPOINT, CHANNEL],
    format_func=lambda v: t(f"maps.level.{v}"),
    horizontal=True,
    key="funnels_dropoff_level",
)
if level in page.dropoffs:
    dropoffs, over = page.dropoffs[level]
else:
    with guard():
        dropoffs, over = cache.dropoff_points(scope.events, level, False)
left, right = st.columns(2)
with left:
    st.caption(t("maps.funnels.dropoffs_intro"))
    widgets.chart(
        charts.build_dropoff_bars(dropoffs), "biggest_dropoffs", key="funnels_dropoff_chart"
    )
    widgets.download_csv(dropoffs, "dropoffs.csv", key="funnels_download_dropoffs")
with right:
    st.caption(t("maps.funnels.over_intro"))
    figure = charts.build_overrepresentation(
        over.head(15),
        label_a=t("maps.compare.converters"),
        label_b=t("maps.compare.non_converters"),
    )
    widgets.chart(figure, "converter_overrepresentation", key="funnels_over_chart")
    widgets.download_csv(over, "overrepresentation.csv", key="funnels_download_over")
