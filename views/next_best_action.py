from dataclasses import replace
from datetime import timedelta

import streamlit as st

from journey.recommend import actions as nba_actions
from journey.recommend import pipeline
from journey.recommend.model import KINDS
from journey.recommend.rules import ANY, RULE_IDS, RuleSettings
from ui import cache, frame, state, widgets
from ui.errors import guard
from ui.i18n import t

REPLAY_DAYS = 28
ROWS_SHOWN = 10_000  # decisions sent to the browser (a table and a picker); the CSV has all

st.title(t("nba.title"))
st.caption(t("nba.intro"))
scope = frame.require_scope()
dates = cache.relation_dates(scope.events)
if dates is None:
    st.info(t("state.no_dataset"))
    st.stop()
touchpoints = cache.column_values(scope.events, "touchpoint")
event_types = cache.column_values(scope.events, "event_type")
base = pipeline.recommender_for(scope.dataset.settings, touchpoints, event_types)

with st.expander(t("nba.settings")):
    left, middle, right = st.columns(3)
    cutoff = left.date_input(t("nba.cutoff"), value=dates[1] + timedelta(days=1), key="nba_cutoff")
    horizon = middle.number_input(t("nba.horizon"), 7, 180, 30, key="nba_horizon")
    kind = right.radio(
        t("nba.kind"), KINDS, format_func=lambda k: t(f"nba.kind.{k}"), key="nba_kind"
    )
    use_sentiment = scope.has_transcripts and st.toggle(
        t("nba.sentiment"), value=True, key="nba_sentiment"
    )
    enabled = st.multiselect(t("nba.rules"), RULE_IDS, default=list(RULE_IDS), key="nba_rules")
    st.caption(t("nba.caps"))
    caps = st.columns(4)
    email_cap = caps[0].number_input("Email", 0, 50, 3, key="nba_cap_email")
    sms_cap = caps[1].number_input("SMS", 0, 50, 1, key="nba_cap_sms")
    any_cap = caps[2].number_input(t("nba.cap_any"), 0, 50, 5, key="nba_cap_any")
    cart_hours = caps[3].number_input(t("nba.cart_hours"), 1, 720, 48, key="nba_cart_hours")
    win_back = st.number_input(t("nba.win_back_days"), 1, 720, 60, key="nba_win_back")
    edited = st.data_editor(
        nba_actions.actions_frame(base.actions),
        num_rows="dynamic",
        hide_index=True,
        key="nba_actions",
    )

with guard():
    rec = pipeline.Recommender(
        features=replace(base.features, horizon_days=int(horizon)),
        rules=RuleSettings(
            enabled=tuple(r for r in RULE_IDS if r in enabled),
            caps={"Email": int(email_cap), "SMS": int(sms_cap), ANY: int(any_cap)},
            cart_hours=float(cart_hours),
            onboarding_days=base.rules.onboarding_days,
            win_back_days=int(win_back),
        ),
        train=pipeline.TrainSettings(kind=kind),
        actions=nba_actions.parse_actions(edited),
    )
    contacts = cache.nba_contacts(scope.dataset) if use_sentiment else None
    key = cache.nba_key(rec, scope.key)
    model_key = cache.nba_key(rec.features, rec.train, scope.key)
    with st.spinner(t("nba.working")):
        if use_sentiment == scope.has_transcripts and cache.nba_opening(scope, rec, cutoff):
            # the opening settings on the whole dataset: results kept as files (`load`)
            kept = cache.nba_kept(scope.events, contacts, key, rec, cutoff)
            decisions, matrix, quality = kept.decisions, kept.matrix, kept.evaluation
        else:
            decisions, matrix = cache.nba_decisions(
                scope.events, contacts, key, model_key, rec, cutoff
            )
            quality = cache.nba_evaluation(scope.events, contacts, model_key, rec)

st.subheader(t("nba.mix"))
mix = pipeline.decision_mix(decisions)
st.bar_chart(mix, x="action", y="customers", color="rule", horizontal=True)
st.dataframe(mix, hide_index=True, width="stretch", key="nba_mix")

st.subheader(t("nba.matrix"))
st.dataframe(matrix, hide_index=True, width="stretch", key="nba_matrix")

st.subheader(t("nba.quality"))
st.caption(
    t(
        "nba.quality_caption",
        date=(dates[1] - timedelta(days=int(horizon))).isoformat(),
        n_train=quality.n_train,
        n_test=quality.n_test,
        rate=quality.base_rate,
    )
)
st.caption(
    t(
        "nba.sample_caption",
        max_rows=rec.train.max_rows,
        importance_rows=rec.train.importance_rows,
    )
)
cols = st.columns(2)
cols[0].metric(
    t("nba.auc"),
    f"{quality.auc:.3f}",
    t("nba.vs_baseline", value=quality.auc, baseline=quality.baseline_auc),
    delta_color="off",
)
cols[1].metric(
    t("nba.top_decile"),
    f"{quality.top_decile_precision:.1%}",
    t(
        "nba.vs_baseline",
        value=quality.top_decile_precision,
        baseline=quality.baseline_top_decile_precision,
    ),
    delta_color="off",
)
st.caption(t("nba.calibration"))
st.line_chart(quality.calibration, x="predicted", y="observed", color="model")
st.caption(t("nba.importance"))
top = quality.importance.head(15)
st.bar_chart(top, x="feature", y="importance", horizontal=True, sort="-importance")

st.subheader(t("nba.replay"))
if st.toggle(t("nba.replay_run", days=REPLAY_DAYS), value=False, key="nba_replay"):
    start = cutoff - timedelta(days=REPLAY_DAYS)
    with guard(), st.spinner(t("nba.working")):
        replayed = cache.nba_replay(scope.events, contacts, key, model_key, rec, (start, cutoff))
    st.caption(t("nba.replay_caption", messages=len(replayed.messages), days=replayed.days))
    st.bar_chart(replayed.daily, x="day", y="messages", color="channel")
    left, right = st.columns(2)
    left.dataframe(replayed.caps, hide_index=True, width="stretch", key="nba_caps")
    right.dataframe(replayed.triggers, hide_index=True, width="stretch", key="nba_triggers")

st.subheader(t("nba.customers"))
table = decisions[["customer_id", "action", "channel", "rule", "reason", "score"]]
left, right = st.columns(2)
query = left.text_input(t("metrics.search"), key="nba_search").strip()
actions = right.multiselect(
    t("nba.actions_shown"),
    sorted(table["action"].dropna().unique()),
    placeholder=t("metrics.all"),
    key="nba_actions_shown",
)
matching = pipeline.filter_decisions(table, query, actions)
st.caption(t("metrics.shown", shown=len(matching), total=len(table)))
if len(matching) > ROWS_SHOWN:  # the browser gets a page of rows; the download has them all
    st.caption(t("metrics.first_shown", n=ROWS_SHOWN))
shown = matching.head(ROWS_SHOWN)
st.dataframe(shown, hide_index=True, width="stretch", key="nba_table")
widgets.download_csv(matching, "next_best_actions.csv", key="nba_download")
pick = st.selectbox(t("nba.open_timeline"), shown["customer_id"], key="nba_customer")
if pick:
    state.set_widget_value("customer_search", pick)
    st.page_link("views/customer.py", label=t("nba.timeline_link"), icon=":material/person:")
