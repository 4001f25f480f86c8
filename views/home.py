import streamlit as st

from journey.viz import charts
from ui import cache, frame, widgets
from ui.i18n import t

st.title(t("home.title"))
st.caption(t("home.tagline"))
scope = frame.require_scope()

kpis = cache.overview_kpis(scope.events)
cols = st.columns(5)
cols[0].metric(t("home.customers"), f"{kpis['customers']:,}")
cols[1].metric(t("home.events"), f"{kpis['events']:,}")
cols[2].metric(t("home.conversions"), f"{kpis['conversions']:,}")
cols[3].metric(t("home.conversion_rate"), f"{kpis['conversion_rate']:.1%}")
cols[4].metric(t("home.revenue"), f"{kpis['revenue']:,.0f}")
st.caption(t("home.span", first=kpis["first"], last=kpis["last"], channels=kpis["channels"]))

left, right = st.columns(2)
with left:
    st.subheader(t("home.by_channel"))
    by_channel = cache.channel_overview(scope.events)
    widgets.chart(
        charts.build_channel_bars(by_channel), "touchpoints_by_channel", key="home_channels"
    )
with right:
    st.subheader(t("home.phases"))
    summary = cache.phase_summary(scope.events)
    widgets.chart(charts.build_phase_summary(summary), "customers_by_phase", key="home_phase_chart")
    st.dataframe(
        summary.drop(columns=["channel_list"]),
        hide_index=True,
        width="stretch",
        key="home_phases",
        column_config={
            "share_of_customers": st.column_config.ProgressColumn(
                t("home.share"), format="percent", min_value=0.0, max_value=1.0
            ),
            "median_days": st.column_config.NumberColumn(t("home.median_days"), format="%.1f"),
        },
    )

st.subheader(t("home.next"))
links = st.columns(4)
links[0].page_link(
    "views/journey_map.py", label=t("home.link_map"), icon=":material/conversion_path:"
)
links[1].page_link("views/funnels.py", label=t("home.link_funnels"), icon=":material/filter_alt:")
links[2].page_link(
    "views/attribution.py", label=t("home.link_attribution"), icon=":material/ads_click:"
)
links[3].page_link("views/sentiment.py", label=t("home.link_sentiment"), icon=":material/forum:")
