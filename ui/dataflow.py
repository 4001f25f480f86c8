"""The Data page's steps: read an upload, stitch identities, map, validate, use or save."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from dataclasses import replace
from zoneinfo import available_timezones

import pandas as pd
import streamlit as st
from streamlit import config as st_config
from streamlit.runtime.uploaded_file_manager import UploadedFile

from journey.errors import WorkspaceError
from journey.io import limits, load
from journey.io.identity import StitchReport
from journey.io.markup import md_text
from journey.io.serialise import settings_to_json
from journey.io.store import Workspace
from journey.schema import DEFAULT_CONVERSION_EVENTS, DatasetSettings, RawTable, ValidationResult
from ui import cache, frame, state
from ui.i18n import t

FILE_TYPES = [
    *("csv", "tsv", "txt", "xlsx", "xlsm", "parquet", "json", "jsonl", "ndjson"),
    *("gz", "bz2", "xz", "zip"),  # compressed text, told by its first bytes
]
TIMEZONES = ["UTC", *sorted(z for z in available_timezones() if "/" in z)]


def settings_from_inputs(timezone: str, day_first: str, conversions: str) -> DatasetSettings:
    """Build dataset settings from the Data page's inputs."""
    events = tuple(v.strip().lower() for v in conversions.split(",") if v.strip())
    return DatasetSettings(
        timezone=timezone,
        day_first={"auto": None, "day": True, "month": False}[day_first],
        conversion_events=events or DEFAULT_CONVERSION_EVENTS,
    )


def upload_limit_mb() -> int:
    """The app's upload limit in whole MB; raises Streamlit's own cap to it when lower.

    Streamlit refuses files over `server.maxUploadSize` with its own generic message before
    the app sees them. The shipped config sets it to the app's default; when
    JOURNEY_MAX_UPLOAD_MB is raised above it, the cap follows, so a file within the app's
    limit is read, and one over it gets the app's message (the same number either way).
    """
    megabytes = math.ceil(limits.max_upload_bytes() / (1024 * 1024))
    if int(st_config.get_option("server.maxUploadSize")) < megabytes:
        st_config.set_option("server.maxUploadSize", megabytes)
    return megabytes


def sheets(uploaded: UploadedFile) -> list[str]:
    """The sheets of an uploaded Excel workbook ([] for other files), cached by digest."""
    data = uploaded.getvalue()
    return cache.upload_sheets(hashlib.sha256(data).hexdigest(), data, uploaded.name)


def pick_sheet(uploaded: UploadedFile, key: str) -> str | None:
    """Show a sheet picker when the upload is a workbook of several sheets; the chosen sheet."""
    names = sheets(uploaded)
    if len(names) < 2:
        return None
    return st.selectbox(t("data.sheet"), names, index=0, key=key)


def map_key(prefix: str, sheet: str | None) -> str:
    """The mapping editor's key prefix: one per sheet, so each sheet gets its own proposal."""
    if sheet is None:
        return prefix
    return f"{prefix}_{hashlib.sha256(sheet.encode()).hexdigest()[:12]}"


def read(uploaded: UploadedFile, sheet: str | None = None) -> RawTable:
    """Read an uploaded file, one sheet of a workbook (cached by its bytes' digest)."""
    data = uploaded.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    return cache.read_upload(digest, data, uploaded.name, sheet)


def describe_raw(raw: RawTable) -> None:
    """Say what was detected (format, encoding, delimiter, size) and preview the first rows."""
    details = [raw.format]
    if raw.encoding:
        details.append(raw.encoding)
    if raw.delimiter:
        details.append(t("data.delimiter", delimiter=md_text(repr(raw.delimiter))))
    st.caption(
        t(
            "data.detected",
            file=md_text(raw.file),
            details=", ".join(details),
            rows=f"{len(raw.frame):,}",
            columns=len(raw.frame.columns),
        )
    )
    with st.expander(t("data.preview"), expanded=False):
        st.dataframe(raw.frame.head(20), hide_index=True, width="stretch")


def stitch(raw: RawTable, id_columns: list[str]) -> tuple[RawTable, StitchReport | None]:
    """Add one stitched customer id per person when identifier columns are chosen."""
    return load.stitch(raw, id_columns)


def proposed(raw: RawTable, kind: str, stitched: bool = False) -> dict[str, str]:
    """The proposed mapping for a file; the stitched id wins for customer_id."""
    return load.propose(raw, kind, stitched=stitched)


def source_key(
    uploaded: UploadedFile, id_columns: list[str] | None = None, sheet: str | None = None
) -> str:
    """Name an upload by its bytes, the sheet read and the identifier columns stitched into it."""
    digest = hashlib.sha256(uploaded.getvalue())
    digest.update(json.dumps([uploaded.name, id_columns or [], sheet]).encode())
    return digest.hexdigest()


def validate(
    raw: RawTable,
    mapping: dict[str, str],
    kind: str,
    settings: DatasetSettings,
    source: str,
) -> ValidationResult:
    """Check the mapping, then validate every row (cached by upload, mapping and settings)."""
    key = hashlib.sha256(
        json.dumps([source, mapping, kind, settings_to_json(settings)], sort_keys=True).encode()
    ).hexdigest()
    return cache.validate_upload(key, raw, mapping, kind, settings)


def build_dataset(
    name: str,
    source: bytes,
    events: ValidationResult,
    transcripts: ValidationResult | None,
    mapping: dict[str, dict[str, str]],
    settings: DatasetSettings,
) -> state.Dataset:
    """The dataset a user can use now or save: accepted rows, mapping, settings, summaries."""
    meta: dict[str, object] = {"events": events.summary()}
    if transcripts is not None:
        meta["transcripts"] = transcripts.summary()
    return frame.from_frames(
        name.strip() or "Uploaded data",
        load.fingerprint(source, mapping, settings_to_json(settings)),
        events.accepted,
        transcripts.accepted if transcripts is not None else None,
        settings,
        mapping,
        meta,
    )


def save(dataset: state.Dataset, overwrite: bool) -> None:
    """Save a dataset in the workspace and make the saved copy current."""
    state.set_dataset(frame.store_dataset(dataset, overwrite=overwrite))


def workspace_manager() -> None:
    """List, load, rename and delete the datasets saved in the workspace."""
    try:
        workspace = cache.workspace()
        infos = workspace.list_datasets()
    except WorkspaceError as err:
        st.error(md_text(err))
        return
    st.caption(t("data.workspace_at", path=md_text(workspace.path)))
    if not infos:
        st.info(t("data.workspace_empty"))
        return
    table = pd.DataFrame(
        {
            t("data.col_name"): [i.name for i in infos],
            t("data.col_customers"): [i.n_customers for i in infos],
            t("data.col_events"): [i.n_events for i in infos],
            t("data.col_transcripts"): [i.n_transcripts for i in infos],
            t("data.col_updated"): [i.updated for i in infos],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch", key="data_ws_table")
    names = [i.name for i in infos]
    chosen = st.selectbox(t("data.ws_pick"), names, key="data_ws_pick")
    load_col, rename_col, delete_col = st.columns(3)
    if load_col.button(t("data.ws_load"), key="data_ws_load", type="primary"):
        _act(
            lambda: state.set_dataset(frame.open_stored(chosen)),
            t("data.now_using", name=md_text(chosen)),
        )
    new_name = rename_col.text_input(t("data.ws_new_name"), key="data_ws_new_name")
    if rename_col.button(t("data.ws_rename"), key="data_ws_rename", disabled=not new_name):
        _act(
            lambda: _rename(workspace, chosen, new_name), t("data.renamed", name=md_text(new_name))
        )
    confirm = delete_col.checkbox(
        t("data.ws_confirm_delete", name=md_text(chosen)), key="data_ws_confirm"
    )
    if delete_col.button(t("data.ws_delete"), key="data_ws_delete", disabled=not confirm):
        _act(lambda: _delete(workspace, chosen), t("data.deleted", name=md_text(chosen)))


def _rename(workspace: Workspace, old: str, new: str) -> None:
    """Rename a saved dataset and follow it if it is the current one."""
    workspace.rename(old, new.strip())
    current = state.dataset()
    if current is not None and current.source == "workspace" and current.name == old:
        state.set_dataset(replace(current, name=new.strip()))


def _delete(workspace: Workspace, name: str) -> None:
    """Delete a saved dataset; the current dataset stays usable in this session."""
    workspace.delete(name)
    current = state.dataset()
    if current is not None and current.source == "workspace" and current.name == name:
        state.set_dataset(replace(current, source="session"))


def _act(action: Callable[[], None], done: str) -> None:
    """Run a workspace action; show its WorkspaceError, or rerun with a notice."""
    try:
        action()
    except WorkspaceError as err:
        st.error(md_text(err))
        return
    state.notice(done)
    st.rerun()
