import streamlit as st

from journey.present import opening
from journey.schema import LEVELS
from journey.viz import palette
from journey.viz.network import LAYOUTS, sentiment_notes
from ui import cache, frame, widgets
from ui.errors import guard
from ui.i18n import t

st.title(t("maps.network.title"))
st.caption(t("maps.network.intro"))
scope = frame.require_scope()

row1 = st.columns(4)
level = row1[0].selectbox(
    t("maps.level"), LEVELS, format_func=lambda v: t(f"maps.level.{v}"), key="network_level"
)
min_weight = row1[1].number_input(
    t("maps.network.min_weight"),
    1,
    1_000_000,
    5,
    help=t("maps.network.min_weight_help"),
    key="network_min_weight",
)
max_nodes = row1[2].slider(t("maps.network.max_nodes"), 5, 300, 40, key="network_max_nodes")
layout = row1[3].radio(
    t("maps.network.layout"),
    LAYOUTS,
    format_func=lambda v: t(f"maps.network.layout.{v}"),
    horizontal=True,
    key="network_layout",
)
row2 = st.columns(4)
collapse = row2[0].toggle(t("maps.collapse"), True, key="network_collapse")
end_nodes = row2[0].toggle(
    t("maps.network.end_nodes"), opening.NETWORK_END_NODES, key="network_end_nodes"
)
physics = row2[1].toggle(
    t("maps.network.physics"), True, help=t("maps.network.physics_help"), key="network_physics"
)
team, team_mode = widgets.team_picker(scope, [row2[2], row2[3]], "network")
colour_by_sentiment = widgets.sentiment_toggle(scope, "network")

with guard(), st.spinner(t("maps.working")):
    focused = cache.focus(scope, None, team or None, team_mode)
    transitions, stats = cache.map_network(focused, level, not collapse, end_nodes)
    inputs = f"{scope.key}:{level}:{collapse}:{end_nodes}:{team}:{team_mode}"
node_scores, node_colors, node_notes = None, None, None
if colour_by_sentiment and scope.has_transcripts:
    with guard():
        node_scores = widgets.scope_node_sentiment(scope, level)
    node_colors = palette.sentiment_colors(node_scores, nodes=list(stats["node"]))
    node_notes = sentiment_notes(node_scores)
with guard(), st.spinner(t("maps.working")):
    page = cache.network_page(
        inputs if node_scores is None else f"{inputs}:sentiment",
        transitions,
        stats,
        int(min_weight),
        max_nodes,
        physics,
        layout,
        t("maps.network.page_title", name=scope.dataset.name),
        node_colors,
        node_notes,
    )
html = page.html

st.caption(
    t(
        "maps.network.shown",
        nodes=page.n_nodes,
        edges=page.n_edges,
        hidden_nodes=page.n_hidden_nodes,
        hidden_edges=page.n_hidden_edges,
    )
)
if page.n_edges == 0:
    st.info(t("maps.network.empty"))
else:
    widgets.show_network(html, height=700)
    if node_scores is None:
        st.caption(t("maps.network.legend"))
    else:
        st.caption(t("maps.sentiment.legend", min_n=palette.SENTIMENT_MIN_N))
if node_scores is not None:
    widgets.node_sentiment_table(node_scores, "network")
cols = st.columns(2)
with cols[0]:
    widgets.download_html(html, "journey_network.html", key="network_download_html")
with cols[1]:
    widgets.download_csv(transitions, "transitions.csv", key="network_download_csv")
