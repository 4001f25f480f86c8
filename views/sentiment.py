from functools import partial

import streamlit as st

from journey.schema import LEVELS, TEAM
from journey.sentiment.model import TranscriptSentiment
from journey.viz import charts
from ui import cache, frame, widgets
from ui.errors import guard
from ui.i18n import t

st.title(t("sentiment.title"))
st.caption(t("sentiment.intro"))
scope = frame.require_scope()
path = scope.dataset.transcripts_path
if path is None or not cache.transcript_rows(path):
    st.info(t("sentiment.no_transcripts"))
    st.page_link("views/data.py", label=t("sentiment.data_link"))
    st.stop()

has_labels = cache.transcripts_have_labels(path)
choices = ["default", "lexicon", *(["trained"] if has_labels else [])]
scorer = st.radio(
    t("sentiment.scorer"),
    choices,
    format_func=lambda c: t(f"sentiment.scorer.{c}"),
    horizontal=True,
    key="sentiment_scorer",
)
if not has_labels:
    st.caption(t("sentiment.no_labels"))

with guard():
    model_bytes, model_saved = None, False
    if scorer == "trained":
        model_bytes, model_saved = cache.stored_sentiment_model(
            scope.dataset.name, scope.dataset.source, scope.dataset.fingerprint, path
        )
    scores = cache.sentiment_scores_file(scope.dataset, scorer, model_bytes, t("sentiment.scoring"))
    # the scope's scored rows: SQL views over the transcripts and scores files
    scored = cache.sentiment_relation(scope, scores)
figures = cache.sentiment_figures(scope.events, scored.rows, scored.turns)

cols = st.columns(6)
cols[0].metric(t("sentiment.rows"), f"{figures['rows']:,}")
cols[1].metric(t("sentiment.scored"), f"{figures['scored']:,}")
cols[2].metric(t("sentiment.unscored"), f"{figures['unscored']:,}")
cols[3].metric(t("sentiment.customer"), f"{figures['customer_mean']:+.2f}")
cols[4].metric(t("sentiment.agent"), f"{figures['agent_mean']:+.2f}")
cols[5].metric(
    t("sentiment.change"),
    f"{figures['mean_change']:+.2f}",
    help=t(
        "sentiment.change_help",
        share=f"{figures['share_improved']:.0%}",
        n=figures["n_changes"],
    ),
)
if figures["unscored"]:
    with st.expander(t("sentiment.unscored_why")):
        st.dataframe(
            cache.sentiment_unscored(scope.events, scored.rows),
            hide_index=True,
            key="sentiment_unscored",
        )
if model_bytes:
    metrics = TranscriptSentiment.from_bytes(model_bytes).metrics_
    st.subheader(t("sentiment.metrics"))
    st.dataframe([metrics], hide_index=True, key="sentiment_metrics")
    st.caption(t("sentiment.model_saved" if model_saved else "sentiment.model_session"))

level = st.radio(
    t("sentiment.level"),
    [*LEVELS, TEAM],
    horizontal=True,
    help=t("sentiment.join_help"),
    key="sentiment_level",
)
with guard():
    views = cache.sentiment_views(scored.rows, scope.events, level)
if views["by_level"].empty:
    st.info(t("sentiment.none"))
else:
    widgets.chart(
        charts.build_sentiment_bars(views["by_level"], level),
        "sentiment_by_level",
        key="sentiment_bars",
    )
    st.dataframe(views["by_level"], hide_index=True, key="sentiment_by_level")
st.subheader(t("sentiment.trend"))
if len(views["weekly"]):
    widgets.chart(
        charts.build_sentiment_trend(views["weekly"]),
        "sentiment_weekly_trend",
        key="sentiment_trend",
    )
st.subheader(t("sentiment.outcome"))
st.dataframe(views["outcome"], hide_index=True, key="sentiment_outcome")

left, right = st.columns(2)
left.subheader(t("sentiment.drivers"))
left.dataframe(views["drivers"], hide_index=True, key="sentiment_drivers")
right.subheader(t("sentiment.topics"))
right.dataframe(views["topics"], hide_index=True, key="sentiment_topics")
read, total = views["texts"]
if read < total:
    st.caption(t("sentiment.text_sample", n=f"{read:,}", total=f"{total:,}"))
with st.expander(t("sentiment.drivers_channel")):
    st.dataframe(views["drivers_by_channel"], hide_index=True, key="sentiment_drivers_channel")
with st.expander(t("sentiment.drivers_phase")):
    st.dataframe(views["drivers_by_phase"], hide_index=True, key="sentiment_drivers_phase")

st.subheader(t("sentiment.negative"))
for item in views["negative"].itertuples(index=False):
    # item.html is inert text (journey.io.markup.md_text) from insights.highlight; only its
    # <mark> tags are markup
    st.markdown(f"**{item.sentiment_score:+.2f}** · {item.html}", unsafe_allow_html=True)

st.download_button(  # every scored row: the CSV is built from SQL when clicked
    t("sentiment.download"),
    data=partial(cache.sentiment_csv, scored),
    file_name="sentiment.csv",
    mime="text/csv",
    key="sentiment_download",
    icon="⬇️",
)
