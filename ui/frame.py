"""The app frame's logic: which dataset is current, and the scope every page works on."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from journey.errors import WorkspaceError
from journey.io import load
from journey.io.markup import md_text
from journey.io.store import StoredDataset
from ui import cache, state, widgets
from ui.i18n import t

SAMPLE_NAME = "Sample data"


def from_stored(stored: StoredDataset) -> state.Dataset:
    """Turn a workspace dataset into the app's Dataset handle."""
    return state.Dataset(
        name=stored.info.name,
        fingerprint=stored.info.key,
        events=stored.events,
        transcripts=stored.transcripts,
        settings=stored.settings,
        mapping={k: dict(v) for k, v in stored.mapping.items()},
        source="workspace",
        meta=dict(stored.meta),
    )


def sample_dataset() -> state.Dataset:
    """The bundled sample data, read through the same ingestion path as an upload."""
    digest = cache.file_digest(cache.SAMPLE_EVENTS) + cache.file_digest(cache.SAMPLE_TRANSCRIPTS)
    events, events_map, transcripts, transcripts_map = cache.sample_files(digest)
    mapping = {"events": events_map, "transcripts": transcripts_map}
    fingerprint = load.fingerprint(digest.encode(), mapping, {})
    return state.Dataset(
        name=SAMPLE_NAME,
        fingerprint=fingerprint,
        events=events.accepted,
        transcripts=transcripts.accepted,
        mapping=mapping,
        source="session",
        meta={"events": events.summary(), "transcripts": transcripts.summary()},
    )


def store_dataset(dataset: state.Dataset, overwrite: bool = False) -> state.Dataset:
    """Save a dataset in the workspace and return the saved copy, as it loads from there."""
    workspace = cache.workspace()
    workspace.save(
        dataset.name,
        dataset.events,
        dataset.transcripts,
        dataset.settings,
        dataset.mapping,
        key=dataset.fingerprint,
        meta=dataset.meta,
        overwrite=overwrite,
    )
    return from_stored(workspace.load(dataset.name))


def default_dataset() -> state.Dataset:
    """The dataset a fresh session starts on: the sample, kept in the workspace."""
    try:
        workspace = cache.workspace()
        if not workspace.exists(SAMPLE_NAME):
            try:
                store_dataset(sample_dataset())
            except WorkspaceError:
                # sessions opened at once on a new workspace race to save it: one wins
                if not workspace.exists(SAMPLE_NAME):
                    raise
        return from_stored(cache.stored_dataset(SAMPLE_NAME))
    except WorkspaceError as err:
        # The app still works on the sample; saving rules needs a usable workspace.
        st.sidebar.warning(t("frame.workspace_unavailable", reason=md_text(err)))
        return sample_dataset()


def _load_picked() -> None:
    """on_change of the dataset picker: load the chosen workspace dataset."""
    name = state.picked_dataset_name()
    current = state.dataset()
    if name is None or (current is not None and current.name == name):
        return
    try:
        state.set_dataset(from_stored(cache.stored_dataset(name)))
    except WorkspaceError as err:
        state.notice(md_text(err))


def current_dataset() -> state.Dataset | None:
    """The session's dataset: the default on a fresh session, then what the picker chose."""
    current = state.dataset()
    if current is None:
        with st.spinner(t("frame.loading_sample")):
            current = default_dataset()
        state.set_dataset(current)
    try:
        names = [info.name for info in cache.workspace().list_datasets()]
    except WorkspaceError as err:
        st.sidebar.warning(t("frame.workspace_unavailable", reason=md_text(err)))
        names = []
    if current.name not in names or current.source != "workspace":
        names = [current.name, *[n for n in names if n != current.name]]
    # keep the picker showing the current dataset, also after the Data page switched it
    state.set_picked_dataset_name(current.name)
    st.sidebar.selectbox(
        t("frame.dataset"),
        names,
        key=state.Key.WORKSPACE_PICK,
        on_change=_load_picked,
        help=t("frame.dataset_help"),
    )
    return current


def require_scope() -> state.Scope:
    """Return the current scope, or point the user to the Data page and stop."""
    current = state.scope()
    if current is None:
        st.info(t("state.no_dataset"))
        st.page_link("views/data.py", label=t("nav.data"), icon="📥")
        st.stop()
    return current


def build_scope(dataset: state.Dataset) -> state.Scope:
    """Prepare the dataset's events, draw the global filters, and apply them."""
    prepared = cache.prepared_events(dataset.key, dataset.events, dataset.settings)
    chosen = widgets.sidebar_filters(dataset, prepared)
    key = f"{dataset.key}:{chosen.signature()}"
    events = cache.filtered_events(key, prepared, chosen)
    transcripts: pd.DataFrame | None = None
    if dataset.transcripts is not None:
        transcripts = cache.filtered_transcripts(key, dataset.transcripts, events, chosen)
    return state.Scope(
        key=key,
        dataset=dataset,
        events=events,
        transcripts=transcripts,
        all_events=prepared,
        filters=chosen,
    )
