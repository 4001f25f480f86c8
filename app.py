"""Journey Atlas: the frame. Page config, sidebar (dataset, filters), navigation, the page."""

import streamlit as st

from ui import frame, nav, state, widgets

st.set_page_config(page_title="Journey Atlas", page_icon="🧭", layout="wide")
page = st.navigation(nav.build_pages())

widgets.language_picker()
dataset = frame.current_dataset()
scope = frame.build_scope(dataset) if dataset is not None else None
state.set_scope(scope)
message = state.notice()
if message:
    st.toast(message)
if scope is not None:
    widgets.scope_caption(scope)
page.run()
