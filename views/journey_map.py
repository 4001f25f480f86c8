import streamlit as st

from journey.present import opening
from journey.schema import CHANNEL, LEVELS, PHASE, Phase
from journey.viz import palette, sankey
from ui import cache, frame, widgets
from ui.errors import guard
from ui.i18n import t

st.title(t("maps.journey.title"))
st.caption(t("maps.journey.intro"))
scope = frame.require_scope()

row1 = st.columns(4)
level = row1[0].selectbox(
    t("maps.level"), LEVELS, format_func=lambda v: t(f"maps.level.{v}"), key="journey_map_level"
)
steps = row1[1].slider(t("maps.steps"), 2, 10, opening.MAP_STEPS, key="journey_map_steps")
top_k = row1[2].number_input(
    t("maps.top_k"), 0, 200, opening.MAP_TOP_K, help=t("maps.top_k_help"), key="journey_map_top_k"
)
phase = row1[3].selectbox(
    t("maps.phase_focus"),
    ["", *(p.value for p in Phase)],
    format_func=lambda v: t(f"maps.phase.{v}") if v else t("maps.all_phases"),
    key="journey_map_phase",
)
row2 = st.columns(4)
collapse = row2[0].toggle(t("maps.collapse"), True, key="journey_map_collapse")
end_nodes = row2[1].toggle(t("maps.end_nodes"), True, key="journey_map_end_nodes")
team, team_mode = widgets.team_picker(scope, [row2[2], row2[3]], "journey_map")
colour_by_sentiment = widgets.sentiment_toggle(scope, "journey_map")

phase_level = CHANNEL if level == PHASE else level
with guard():  # the phase flows compute beside the step flows (see cache.in_background)
    teams_only = cache.focus(scope, None, team or None, team_mode)
    by_phase_pending = cache.in_background(cache.map_phase_flows, teams_only, phase_level)
with guard(), st.spinner(t("maps.working")):
    focused = cache.focus(scope, phase or None, team or None, team_mode)
    flows, fold, dominant, top = cache.map_step_flows(
        focused, level, steps, not collapse, int(top_k)
    )
n_customers = int(flows.loc[flows["step"] == 1, "count"].sum())
st.subheader(t("maps.journey.sankey", steps=steps))
if fold.n_folded:
    st.caption(t("maps.folded", n=fold.n_folded, events=f"{fold.folded_volume:,}", k=top_k))
if phase:
    st.caption(t("maps.phase_only", phase=t(f"maps.phase.{phase}")))
if not end_nodes:
    st.caption(t("maps.end_nodes_hidden"))
node_scores = None
if colour_by_sentiment and scope.has_transcripts:
    with guard():
        node_scores = widgets.scope_node_sentiment(scope, level)
if n_customers == 0:
    st.info(t("maps.no_paths"))
else:
    sentiment_colors = (
        palette.sentiment_colors(node_scores, nodes=[*flows["source"], *flows["target"]])
        if node_scores is not None
        else None
    )
    figure = sankey.build_sankey(
        flows,
        level=level,
        node_phase=dominant,
        node_colors=sentiment_colors,
        show_end_nodes=end_nodes,
        height=560,
    )
    if node_scores is not None:
        figure = sankey.add_sentiment_hover(figure, node_scores)
    widgets.chart(figure, "journey_step_sankey", key="journey_map_sankey")
    st.caption(t("maps.journey.sums", customers=f"{n_customers:,}"))
if node_scores is not None:
    st.caption(t("maps.sentiment.legend", min_n=palette.SENTIMENT_MIN_N))
    widgets.node_sentiment_table(node_scores, "journey_map")
widgets.download_csv(flows, "step_flows.csv", key="journey_map_download_steps")

st.subheader(t("maps.journey.phases"))
st.caption(t("maps.journey.phases_intro"))
with guard():
    by_phase = by_phase_pending.result()
if by_phase.empty:
    st.info(t("maps.journey.no_phase_flows"))
else:
    titles = {p.value: t(f"maps.phase.{p.value}") for p in Phase}
    widgets.chart(
        sankey.build_phase_sankey(by_phase, phase_titles=titles, height=560),
        "journey_phase_sankey",
        key="journey_map_phase_sankey",
    )
widgets.download_csv(by_phase, "phase_flows.csv", key="journey_map_download_phases")

st.subheader(t("maps.journey.top_paths"))
st.dataframe(
    top,
    hide_index=True,
    width="stretch",
    column_config={
        "share": st.column_config.NumberColumn(format="percent"),
        "conversion_rate": st.column_config.NumberColumn(format="percent"),
        "median_duration_days": st.column_config.NumberColumn(format="%.1f"),
    },
    key="journey_map_top_paths",
)
widgets.download_csv(top, "top_paths.csv", key="journey_map_download_paths")
