import streamlit as st

from journey.io.markup import md_text
from journey.schema import (
    AGENT,
    CHANNEL,
    CONVERSATION_ID,
    CUSTOMER_ID,
    LANGUAGE,
    SENTIMENT_LABEL,
    SENTIMENT_SCORE,
    SPEAKER,
    TEXT,
    TIMESTAMP,
    Phase,
)
from journey.viz import charts
from ui import cache, frame, widgets
from ui.errors import guard
from ui.i18n import t

MATCHES = 200
# The transcript table: when, where, who, what was said, and how it was scored.
TRANSCRIPT_COLUMNS = (
    TIMESTAMP,
    CHANNEL,
    CONVERSATION_ID,
    SPEAKER,
    AGENT,
    TEXT,
    SENTIMENT_SCORE,
    SENTIMENT_LABEL,
    LANGUAGE,
)

st.title(t("maps.customer.title"))
st.caption(t("maps.customer.intro"))
scope = frame.require_scope()

left, right = st.columns([1, 2])
query = left.text_input(
    t("maps.customer.search"), placeholder=t("maps.customer.search_hint"), key="customer_search"
)
found = cache.find_customers(scope.events, query, MATCHES)
if not found:
    st.info(t("maps.customer.none_found", query=md_text(query)))
    st.stop()
customer = right.selectbox(
    t("maps.customer.pick", n=len(found), limit=MATCHES), found, key="customer_pick"
)
if customer not in found:  # a stale pick from an earlier search
    customer = found[0]

with guard():
    timeline, profile = cache.customer_view(scope, customer)

phase = profile["current_phase"]
top = st.columns(3)
top[0].metric(t("maps.customer.first_seen"), f"{profile['first_seen']:%Y-%m-%d}")
top[1].metric(t("maps.customer.last_seen"), f"{profile['last_seen']:%Y-%m-%d}")
top[2].metric(t("maps.customer.phase"), t(f"maps.phase.{phase}") if phase else "n/a")
bottom = st.columns(3)
bottom[0].metric(t("maps.customer.events"), f"{profile['n_events']:,}")
bottom[1].metric(t("maps.customer.conversions"), f"{profile['conversions']:,}")
bottom[2].metric(t("maps.customer.revenue"), f"{profile['lifetime_revenue']:,.2f}")

titles = {p.value: t(f"maps.phase.{p.value}") for p in Phase}
widgets.chart(
    charts.build_timeline(timeline, phase_titles=titles, height=360),
    "customer_timeline",
    key="customer_timeline",
)

left, right = st.columns([2, 3])
with left:
    st.subheader(t("maps.customer.last_contact"))
    st.dataframe(
        profile["last_contact"], hide_index=True, width="stretch", key="customer_last_contact"
    )
with right:
    st.subheader(t("maps.customer.touchpoints", n=profile["n_events"]))
    st.dataframe(
        timeline.drop(columns=[CUSTOMER_ID]),
        hide_index=True,
        width="stretch",
        key="customer_events",
    )
    widgets.download_csv(timeline, "customer_timeline.csv", key="customer_download")

st.subheader(t("maps.customer.transcripts"))
if not scope.has_transcripts:
    st.caption(t("maps.customer.no_transcripts_loaded"))
else:
    with guard():
        texts = cache.customer_scored_transcripts(
            scope, customer, not timeline.empty, t("maps.sentiment.scoring")
        )
    if texts.empty:
        st.caption(t("maps.customer.no_transcripts", customer=md_text(customer)))
    else:
        st.caption(t("maps.customer.sentiment_caption"))
        shown = [c for c in TRANSCRIPT_COLUMNS if c in texts.columns]
        st.dataframe(
            texts[shown],
            hide_index=True,
            width="stretch",
            column_config={SENTIMENT_SCORE: st.column_config.NumberColumn(format="%+.2f")},
            key="customer_transcripts",
        )
