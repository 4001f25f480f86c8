from dataclasses import replace

import pandas as pd
import streamlit as st

from journey.schema import TEAM, TOUCHPOINT, GroupingRule, Phase
from journey.viz import charts
from ui import cache, frame, state, widgets
from ui.errors import guard
from ui.i18n import t

PHASES = [p.value for p in Phase]


def pairs(frame: pd.DataFrame, key: str, value: str) -> dict[str, str]:
    """Non-empty (key, value) rows of an edited table as a dict (later rows win)."""
    rows = frame[[key, value]].dropna().astype("str")
    return {
        k.strip(): v.strip() for k, v in rows.itertuples(index=False) if k.strip() and v.strip()
    }


st.title(t("maps.rules.title"))
st.caption(t("maps.rules.intro"))
scope = frame.require_scope()
settings = scope.dataset.settings
touchpoints = cache.column_values(scope.all_events, TOUCHPOINT)

st.subheader(t("maps.rules.phases"))
st.caption(t("maps.rules.phases_intro"))
onboarding_days = st.columns(3)[0].number_input(
    t("maps.rules.onboarding_days"), 0, 3650, settings.onboarding_days, key="rules_onboarding_days"
)
overrides = st.data_editor(
    pd.DataFrame(
        {
            TOUCHPOINT: pd.Series(list(settings.phase_overrides), dtype="str"),
            "phase": pd.Series(list(settings.phase_overrides.values()), dtype="str"),
        }
    ),
    num_rows="dynamic",
    width="stretch",
    column_config={
        TOUCHPOINT: st.column_config.SelectboxColumn(
            t("maps.level.touchpoint"), options=touchpoints
        ),
        "phase": st.column_config.SelectboxColumn(t("maps.rules.phase"), options=PHASES),
    },
    key="rules_overrides",
)

st.subheader(t("maps.rules.grouping"))
st.caption(t("maps.rules.grouping_intro"))
grouping = st.data_editor(
    pd.DataFrame(
        {
            "pattern": pd.Series([r.pattern for r in settings.grouping_rules], dtype="str"),
            "group": pd.Series([r.group for r in settings.grouping_rules], dtype="str"),
            "regex": pd.Series([r.regex for r in settings.grouping_rules], dtype="bool"),
        }
    ),
    num_rows="dynamic",
    width="stretch",
    column_config={
        "pattern": st.column_config.TextColumn(t("maps.rules.pattern")),
        "group": st.column_config.TextColumn(t("maps.rules.group")),
        "regex": st.column_config.CheckboxColumn(t("maps.rules.regex"), default=False),
    },
    key="rules_grouping",
)
rules = tuple(
    GroupingRule(str(pattern), "" if pd.isna(group) else str(group), bool(regex))
    for pattern, group, regex in grouping.fillna({"regex": False}).itertuples(index=False)
    if not pd.isna(pattern) and str(pattern).strip()
)
if rules:
    st.caption(t("maps.rules.preview"))
    with guard(stop=False):
        preview = cache.grouping_preview(scope.dataset.key, scope.dataset.events_path, rules)
        st.dataframe(preview, hide_index=True, width="stretch", key="rules_preview")

st.subheader(t("maps.rules.teams"))
st.caption(t("maps.rules.teams_intro"))
teams = st.data_editor(
    pd.DataFrame(
        {
            TOUCHPOINT: pd.Series(list(settings.team_map), dtype="str"),
            TEAM: pd.Series(list(settings.team_map.values()), dtype="str"),
        }
    ),
    num_rows="dynamic",
    width="stretch",
    column_config={
        TOUCHPOINT: st.column_config.SelectboxColumn(
            t("maps.level.touchpoint"), options=touchpoints
        ),
        TEAM: st.column_config.TextColumn(t("maps.rules.team")),
    },
    key="rules_teams",
)

edited = replace(
    settings,
    onboarding_days=int(onboarding_days),
    phase_overrides=pairs(overrides, TOUCHPOINT, "phase"),
    grouping_rules=rules,
    team_map=pairs(teams, TOUCHPOINT, TEAM),
)
changed = edited != settings
st.caption(t("maps.rules.unsaved") if changed else t("maps.rules.all_saved"))
if st.button(t("maps.rules.save"), type="primary", disabled=not changed, key="rules_save"):
    with guard():
        if rules:  # an unusable rule (empty group, bad regex) stops here with its message
            cache.grouping_preview(scope.dataset.key, scope.dataset.events_path, rules)
        persisted = state.save_settings(edited)
    state.notice(t("maps.rules.saved_workspace") if persisted else t("maps.rules.saved_session"))
    st.rerun()

st.subheader(t("maps.rules.summary"))
summary = cache.phase_summary(scope.events)
titles = {p: t(f"maps.phase.{p}") for p in PHASES}
left, right = st.columns([1, 2])
with left:
    widgets.chart(
        charts.build_phase_summary(summary, phase_titles=titles),
        "phase_summary",
        key="rules_summary_chart",
    )
with right:
    st.dataframe(
        summary,
        hide_index=True,
        width="stretch",
        column_order=[
            "phase",
            "customers",
            "share_of_customers",
            "events",
            "median_days",
            "channels",
            "channel_list",
        ],
        column_config={
            "share_of_customers": st.column_config.NumberColumn(format="percent"),
            "median_days": st.column_config.NumberColumn(format="%.1f"),
        },
        key="rules_summary",
    )
