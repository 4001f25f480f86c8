from functools import partial

import streamlit as st

from journey.io import export
from journey.present import opening
from journey.query import metrics
from journey.query.segments import DEFAULT_WINDOW_DAYS
from journey.schema import EVENT_TYPE, SESSION_ID
from journey.viz import attribution_charts
from ui import cache, frame, widgets
from ui.errors import guard
from ui.i18n import t

CONTACTS_SHOWN = 1_000  # rows of the contact list sent to the browser

METRICS = (
    "sessions",
    "contacts",
    "qualified",
    "sales_first",
    "revenue_first",
    "sales_last",
    "revenue_last",
)

st.title(t("metrics.title"))
st.caption(t("metrics.intro"))
scope = frame.require_scope()
columns = scope.dataset.prepared_columns
dates = cache.relation_dates(scope.events)
if dates is None:
    st.info(t("metrics.empty"))
    st.stop()

first, last = dates
top = st.columns([2, 2, 2, 1])
picked = top[0].date_input(
    t("metrics.range"),
    value=(first, last),
    min_value=first,
    max_value=last,
    format="YYYY-MM-DD",
    key="metrics_range",
)
start, end = (picked[0], picked[-1]) if isinstance(picked, tuple) and picked else (first, last)
granularity = top[1].radio(
    t("metrics.granularity"),
    metrics.GRANULARITIES,
    index=metrics.GRANULARITIES.index(opening.METRICS_GRANULARITY),
    format_func=lambda g: t(f"metrics.granularity.{g}"),
    horizontal=True,
    key="metrics_granularity",
)
level = top[2].radio(
    t("attribution.level"),
    opening.attribution_levels(columns),
    format_func=lambda v: t(f"attribution.level.{v}"),
    horizontal=True,
    key="metrics_level",
)
window = top[3].number_input(
    t("attribution.window"),
    min_value=0,
    max_value=3650,
    value=DEFAULT_WINDOW_DAYS,
    help=t("attribution.window_help"),
    key="metrics_window",
)
sources = opening.qualifying_sources(columns)
qualify = st.columns([1, 3])
qualify_by = qualify[0].selectbox(
    t("metrics.qualify_by"),
    sources,
    format_func=lambda v: t(f"maps.level.{v}"),
    key="metrics_qualify_by",
)
options = cache.column_values(scope.events, qualify_by) if qualify_by else []
qualifying = qualify[1].multiselect(
    t("metrics.qualifying"),
    options,
    default=metrics.default_qualifying(options),
    help=t("metrics.qualifying_help"),
    key=f"metrics_qualifying_{qualify_by}",
)

with guard(), st.spinner(t("attribution.working")):
    table = cache.channel_metrics(
        scope.events,
        start,
        end,
        granularity,
        level,
        tuple(qualifying),
        qualify_by or EVENT_TYPE,
        float(window),
    )
if table.empty:
    st.info(t("metrics.empty"))
else:
    metric = st.selectbox(
        t("metrics.metric"),
        METRICS,
        index=5,
        format_func=lambda m: t(f"metrics.column.{m}"),
        key="metrics_value",
    )
    trend = attribution_charts.build_metrics_trend(
        table, metric, title=t(f"metrics.column.{metric}")
    )
    widgets.chart(trend, "channel_metrics_trend", key="metrics_chart")
    st.caption(t("metrics.sessions_note" if SESSION_ID in columns else "metrics.touches_note"))
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={c: t(f"metrics.column.{c}") for c in METRICS},
        key="metrics_table",
    )
    widgets.download_csv(table, "channel_metrics.csv", key="metrics_download")

st.subheader(t("metrics.contacts"))
st.caption(t("metrics.contacts_intro"))
with guard():
    contacts = cache.contact_list(scope.events, start, end, level)
filters = st.columns(3)
query = filters[0].text_input(t("metrics.search"), key="metrics_contact_search")
last_channels = filters[1].multiselect(
    t("metrics.last_channels"),
    cache.column_values(scope.events, "channel"),
    placeholder=t("metrics.all"),
    key="metrics_contact_channels",
)
min_contacts = filters[2].number_input(
    t("metrics.min_contacts"), min_value=0, value=0, key="metrics_contact_min"
)
shown = metrics.filter_contacts(contacts, query, last_channels, int(min_contacts))
st.caption(t("metrics.shown", shown=len(shown), total=len(contacts)))
if len(shown) > CONTACTS_SHOWN:  # the browser gets a page of rows; the download has them all
    st.caption(t("metrics.first_shown", n=CONTACTS_SHOWN))
st.dataframe(
    shown.head(CONTACTS_SHOWN), hide_index=True, width="stretch", key="metrics_contacts_table"
)
st.download_button(  # the CSV is built when clicked, not on every render
    t("widgets.download_csv"),
    data=partial(export.to_csv_bytes, shown),
    file_name="contact_list.csv",
    mime="text/csv",
    key="metrics_contacts_download",
    icon="⬇️",
)
