"""The Data page's steps: read an upload, stitch identities, map, validate, use or save."""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Callable
from dataclasses import replace
from zoneinfo import available_timezones

import pandas as pd
import streamlit as st
from streamlit import config as st_config
from streamlit.runtime.uploaded_file_manager import UploadedFile

from journey.errors import SettingsError, WorkspaceError
from journey.io import export, limits, load, stream
from journey.io.identity import StitchReport
from journey.io.markup import md_text
from journey.io.serialise import settings_to_json
from journey.io.store import Workspace
from journey.schema import DEFAULT_CONVERSION_EVENTS, DatasetSettings, RawTable, ValidationResult
from ui import cache, frame, state, widgets
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


# -- big files: validated by DuckDB from a file on disk (journey.io.stream) ---------------------

STREAM_ENV = "JOURNEY_STREAM_MB"  # uploads over this size take the streaming path
DEFAULT_STREAM_MB = 100.0
HEAD_BYTES = 256 * 1024  # enough rows of a big file to show its columns and propose a mapping
SHOWN_REJECTS = 1000


def stream_threshold_mb() -> float:
    """The size (MB) from which an events upload is validated through DuckDB, not pandas."""
    raw = os.environ.get(STREAM_ENV, "").strip()
    try:
        value = float(raw) if raw else DEFAULT_STREAM_MB
    except ValueError:
        raise SettingsError(f"{STREAM_ENV}={raw!r}: expected a number of megabytes") from None
    if not value > 0:
        raise SettingsError(f"{STREAM_ENV}={raw!r}: expected a positive number of megabytes")
    return value


def streams(uploaded: UploadedFile) -> bool:
    """Whether an events upload is big enough for the streaming path (never a workbook)."""
    if sheets(uploaded):
        return False
    return uploaded.size > stream_threshold_mb() * 1024 * 1024


def big_upload(uploaded: UploadedFile, settings: DatasetSettings) -> None:
    """The Data page's steps for a big events file: map, validate in DuckDB, use or save."""
    data = uploaded.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    head_bytes = _head(data)  # the first rows: columns, a preview and the proposed mapping
    head = cache.read_upload(hashlib.sha256(head_bytes).hexdigest(), head_bytes, uploaded.name)
    st.info(t("data.big_file", mb=f"{uploaded.size / 1024 / 1024:,.0f}"))
    with st.expander(t("data.preview"), expanded=False):
        st.dataframe(head.frame.head(20), hide_index=True, width="stretch")
    st.subheader(t("data.mapping_events"))
    events_map = widgets.mapping_editor(
        list(head.frame.columns), proposed(head, "events"), "events", "data_big_map"
    )
    path = cache.spooled_upload(digest, data, uploaded.name)
    with st.spinner(t("data.big_validating")):
        result = cache.stream_validated(
            path, digest, events_map, settings, settings_to_json(settings)
        )
    st.caption(t("data.big_engine") if result.fallback is None else md_text(result.fallback))
    st.subheader(t("data.report_events"))
    _stream_report(result)
    if result.rows_accepted == 0:
        st.error(t("data.nothing_accepted", file=md_text(result.file)))
        return
    st.subheader(t("data.use"))
    name = st.text_input(t("data.name"), uploaded.name.rsplit(".", 1)[0], key="data_big_name")
    name = name.strip() or "Uploaded data"
    use_col, save_col, overwrite_col = st.columns(3)
    overwrite = overwrite_col.checkbox(t("data.overwrite"), key="data_big_overwrite")
    if use_col.button(t("data.use_button"), key="data_big_use", type="primary"):
        state.set_dataset(frame.from_stream(name, result, settings, digest))
        state.notice(t("data.now_using", name=md_text(name)))
        st.rerun()
    if save_col.button(t("data.save_button"), key="data_big_save"):
        try:
            state.set_dataset(frame.store_stream(name, result, settings, digest, overwrite))
        except WorkspaceError as err:
            st.error(md_text(err))
            return
        state.notice(t("data.saved", name=md_text(name)))
        st.rerun()


def _head(data: bytes) -> bytes:
    """The first complete lines of a big file's bytes."""
    head = data[:HEAD_BYTES]
    if len(data) > HEAD_BYTES and b"\n" in head:
        head = head[: head.rindex(b"\n") + 1]
    return head


def _stream_report(result: stream.StreamResult) -> None:
    """Rows read / accepted / rejected / duplicates, and the first rejects with a download."""
    cols = st.columns(4)
    cols[0].metric(t("widgets.rows_read"), f"{result.rows_read:,}")
    cols[1].metric(t("widgets.rows_accepted"), f"{result.rows_accepted:,}")
    cols[2].metric(t("widgets.rows_rejected"), f"{result.rows_rejected:,}")
    cols[3].metric(t("widgets.duplicates"), f"{result.duplicates:,}")
    if not result.rows_rejected:
        st.success(t("widgets.all_accepted"))
        return
    rejects = result.rejects_frame(limit=SHOWN_REJECTS)
    if result.rows_rejected > SHOWN_REJECTS:
        st.caption(t("data.big_rejects_shown", n=f"{SHOWN_REJECTS:,}"))
    st.dataframe(rejects, hide_index=True, width="stretch", key="data_big_rejects")
    widgets.download_csv(
        result.rejects_frame(), export.rejects_file_name(result.file), key="data_big_rejects_dl"
    )
