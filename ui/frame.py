"""The app frame's logic: which dataset is current, and the scope every page works on."""

from __future__ import annotations

import os

import pandas as pd
import streamlit as st

from journey.errors import WorkspaceError
from journey.io import load
from journey.io.markup import md_text
from journey.io.serialise import settings_to_json
from journey.io.store import StoredDataset
from journey.io.stream import StreamResult
from journey.schema import DatasetSettings
from ui import cache, handle, state, widgets
from ui.i18n import t

SAMPLE_NAME = "Sample data"
DATASET_ENV = "JOURNEY_DATASET"  # a fresh session opens on this workspace dataset


def from_stored(stored: StoredDataset) -> state.Dataset:
    """Turn a workspace entry into the app's handle (its rows exported to Parquet once)."""
    events, transcripts, columns = cache.stored_files(
        str(cache.workspace().path), stored.info.name, stored.info.key
    )
    return state.Dataset(
        name=stored.info.name,
        fingerprint=stored.info.key,
        events_path=events,
        transcripts_path=transcripts,
        columns=columns,
        settings=stored.settings,
        mapping={k: dict(v) for k, v in stored.mapping.items()},
        source="workspace",
        meta=dict(stored.meta),
    )


def open_stored(name: str) -> state.Dataset:
    """The handle of the workspace dataset `name` (its rows are never read into pandas)."""
    return from_stored(cache.stored_dataset(name))


def from_frames(
    name: str,
    fingerprint: str,
    events: pd.DataFrame,
    transcripts: pd.DataFrame | None,
    settings: DatasetSettings,
    mapping: dict[str, dict[str, str]],
    meta: dict[str, object],
) -> state.Dataset:
    """The handle of data just read (an upload, the sample): its rows written to Parquet once."""
    events_path, transcripts_path, columns = cache.session_files(fingerprint, events, transcripts)
    return state.Dataset(
        name=name,
        fingerprint=fingerprint,
        events_path=events_path,
        transcripts_path=transcripts_path,
        columns=columns,
        settings=settings,
        mapping=mapping,
        source="session",
        meta=meta,
    )


def _stream_fingerprint(result: StreamResult, settings: DatasetSettings, digest: str) -> str:
    """Name a big upload by its bytes' digest, the mapping and the settings."""
    return load.fingerprint(digest.encode(), {"events": result.mapping}, settings_to_json(settings))


def from_stream(
    name: str, result: StreamResult, settings: DatasetSettings, digest: str
) -> state.Dataset:
    """The handle of a big upload validated by DuckDB: its accepted rows streamed to Parquet."""
    fingerprint = _stream_fingerprint(result, settings, digest)
    path = handle.raw_events_path(fingerprint)
    if not path.exists():
        result.write_parquet(path)
    return state.Dataset(
        name=name,
        fingerprint=fingerprint,
        events_path=str(path),
        transcripts_path=None,
        columns=tuple(result.columns),
        settings=settings,
        mapping={"events": dict(result.mapping), "transcripts": {}},
        source="session",
        meta={"events": result.summary()},
    )


def store_stream(
    name: str, result: StreamResult, settings: DatasetSettings, digest: str, overwrite: bool
) -> state.Dataset:
    """Save a big upload in the workspace, streamed from DuckDB; the saved copy's handle."""
    fingerprint = _stream_fingerprint(result, settings, digest)
    result.save(
        cache.workspace(),
        name,
        settings,
        fingerprint,
        meta={"events": result.summary()},
        overwrite=overwrite,
    )
    return open_stored(name)


def sample_dataset() -> state.Dataset:
    """The bundled sample data, read through the same ingestion path as an upload."""
    digest = cache.file_digest(cache.SAMPLE_EVENTS) + cache.file_digest(cache.SAMPLE_TRANSCRIPTS)
    events, events_map, transcripts, transcripts_map = cache.sample_files(digest)
    mapping = {"events": events_map, "transcripts": transcripts_map}
    return from_frames(
        SAMPLE_NAME,
        load.fingerprint(digest.encode(), mapping, {}),
        events.accepted,
        transcripts.accepted,
        DatasetSettings(),
        mapping,
        {"events": events.summary(), "transcripts": transcripts.summary()},
    )


def store_dataset(dataset: state.Dataset, overwrite: bool = False) -> state.Dataset:
    """Save a dataset in the workspace and return the saved copy's handle."""
    workspace = cache.workspace()
    events, transcripts = cache.dataset_frames(dataset.events_path, dataset.transcripts_path)
    workspace.save(
        dataset.name,
        events,
        transcripts,
        dataset.settings,
        dataset.mapping,
        key=dataset.fingerprint,
        meta=dataset.meta,
        overwrite=overwrite,
    )
    if transcripts is not None:  # sentiment is scored once, when transcripts arrive
        cache.store_sentiment_scores(
            dataset.name, dataset.fingerprint, transcripts, t("sentiment.scoring")
        )
    return open_stored(dataset.name)


def default_dataset() -> state.Dataset:
    """A fresh session's dataset: JOURNEY_DATASET's workspace dataset, else the sample."""
    wanted = os.environ.get(DATASET_ENV, "").strip()
    if wanted:
        try:
            return open_stored(wanted)
        except WorkspaceError as err:
            state.notice(t("frame.dataset_env_missing", name=md_text(wanted), reason=md_text(err)))
    try:
        workspace = cache.workspace()
        if not workspace.exists(SAMPLE_NAME):
            try:
                store_dataset(sample_dataset())
            except WorkspaceError:
                # sessions opened at once on a new workspace race to save it: one wins
                if not workspace.exists(SAMPLE_NAME):
                    raise
        return open_stored(SAMPLE_NAME)
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
        state.set_dataset(open_stored(name))
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
        st.page_link("views/data.py", label=t("nav.data"), icon=":material/upload_file:")
        st.stop()
    return current


def build_scope(dataset: state.Dataset) -> state.Scope:
    """Prepare the dataset's events (once per data and settings), draw the filters, apply them."""
    with st.spinner(t("frame.preparing")):
        base = cache.prepared_view(dataset.key, dataset.events_path, dataset.settings)
    chosen = widgets.sidebar_filters(dataset, base)
    key = f"{dataset.key}:{chosen.signature()}"
    view = cache.scope_view(key, base, chosen)
    n_customers, n_events = cache.relation_counts(view)
    all_customers, all_events = cache.relation_counts(base)
    return state.Scope(
        key=key,
        dataset=dataset,
        events=view,
        all_events=base,
        filters=chosen,
        n_customers=n_customers,
        n_events=n_events,
        all_customers=all_customers,
        all_n_events=all_events,
    )
