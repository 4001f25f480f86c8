"""Journey Atlas: the frame. Page config, sidebar (dataset, filters), navigation, the page."""

import streamlit as st

from ui import frame, nav, share, state, widgets

st.set_page_config(page_title="Journey Atlas", page_icon="🧭", layout="wide")
share.restore_frame()  # a session's first run: language and dataset from the URL
page = st.navigation(nav.build_pages())

widgets.language_picker()
dataset = frame.current_dataset()
if dataset is not None:
    share.restore_view(dataset, page.url_path)  # ... and its filters and page settings
scope = frame.build_scope(dataset) if dataset is not None else None
state.set_scope(scope)
share.publish(scope, page.url_path)  # the URL holds the view, to share or reload it
share.present_style(page.url_path)
message = state.notice()
if message:
    st.toast(message)
if scope is not None:
    widgets.scope_caption(scope)
try:
    page.run()
finally:  # again with the settings the page drew (a page that called st.stop() keeps the first)
    share.publish(scope, page.url_path)
