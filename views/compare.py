from datetime import date, timedelta

import streamlit as st

from journey.io.markup import md_text
from journey.present import opening
from journey.query.scope import Cohorts
from journey.schema import LEVELS
from journey.viz import charts, sankey
from ui import cache, frame, widgets
from ui.errors import guard
from ui.i18n import t

st.title(t("maps.compare.title"))
st.caption(t("maps.compare.intro"))
scope = frame.require_scope()

row = st.columns(4)
mode = row[0].radio(
    t("maps.compare.mode"),
    ["conversion", "segment", "period"],
    format_func=lambda v: t(f"maps.compare.mode.{v}"),
    key="compare_mode",
)
level = row[1].selectbox(
    t("maps.level"), LEVELS, format_func=lambda v: t(f"maps.level.{v}"), key="compare_level"
)
show = row[2].radio(
    t("maps.compare.show"),
    ["flows", "network"],
    format_func=lambda v: t(f"maps.compare.show.{v}"),
    key="compare_show",
)
collapse = row[3].toggle(t("maps.collapse"), True, key="compare_collapse")

label_a, label_b = t("maps.compare.converters"), t("maps.compare.non_converters")
cohorts = Cohorts.conversion()
if mode == "segment":
    columns = cache.attribute_columns(scope.all_events)
    if not columns:
        st.info(t("maps.compare.no_attributes"))
        st.stop()
    pick = st.columns(3)
    column = pick[0].selectbox(t("maps.compare.attribute"), columns, key="compare_attribute")
    values = cache.column_values(scope.events, column)
    value_a = pick[1].selectbox(t("maps.compare.group_a"), values, index=0, key="compare_value_a")
    value_b = pick[2].selectbox(
        t("maps.compare.group_b"), values, index=min(1, len(values) - 1), key="compare_value_b"
    )
    cohorts = Cohorts.segment(column, value_a, value_b)
    label_a, label_b = f"{column} = {value_a}", f"{column} = {value_b}"
elif mode == "period":
    first, last = cache.relation_dates(scope.events) or (date.today(), date.today())
    middle = first + (last - first) / 2
    pick = st.columns(2)
    period_a = pick[0].date_input(
        t("maps.compare.period_a"), (first, middle), first, last, key="compare_period_a"
    )
    period_b = pick[1].date_input(
        t("maps.compare.period_b"),
        (min(middle + timedelta(days=1), last), last),
        first,
        last,
        key="compare_period_b",
    )
    if len(period_a) != 2 or len(period_b) != 2:
        st.info(t("maps.compare.pick_dates"))
        st.stop()
    cohorts = Cohorts.period(tuple(period_a), tuple(period_b))
    label_a = f"{period_a[0]} → {period_a[1]}"
    label_b = f"{period_b[0]} → {period_b[1]}"

with guard(), st.spinner(t("maps.working")):
    result = cache.compare_cohorts(scope.events, cohorts, level, not collapse, opening.MAP_STEPS)

sides = st.columns(2)
cohort_sides = ((sides[0], "a", label_a, result.a), (sides[1], "b", label_b, result.b))
for side, name, label, cohort in cohort_sides:
    with side:
        st.subheader(md_text(label))
        st.caption(t("maps.compare.customers", n=f"{cohort.n_customers:,}"))
        if cohort.n_customers == 0:
            st.info(t("maps.compare.empty_group"))
        elif show == "flows":
            figure = sankey.build_sankey(cohort.steps, level=level, node_phase=cohort.phases)
            widgets.chart(figure, f"compare_sankey_{name}", key=f"compare_sankey_{name}")
        else:
            page = cache.network_page(
                f"{scope.key}:{cohorts}:{level}:{collapse}:{name}",
                cohort.transitions,
                cohort.node_stats,
                1,
                30,
                False,
                "physics",
                label,
            )
            widgets.show_network(page.html, height=520)

st.subheader(t("maps.compare.diff"))
st.caption(t("maps.compare.diff_intro", a=md_text(label_a), b=md_text(label_b)))
compare = result.compare
if compare.empty:
    st.info(t("maps.compare.no_transitions"))
else:
    widgets.chart(
        charts.build_compare_diff(compare.head(20), label_a=label_a, label_b=label_b, height=560),
        "compare_transition_difference",
        key="compare_diff_chart",
    )
st.dataframe(
    compare,
    hide_index=True,
    width="stretch",
    column_config={
        name: st.column_config.NumberColumn(format="percent")
        for name in ("share_a", "share_b", "diff")
    },
    key="compare_table",
)
widgets.download_csv(compare, "compare_transitions.csv", key="compare_download")
