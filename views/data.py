import streamlit as st

from journey.io.markup import md_text
from journey.schema import DEFAULT_CONVERSION_EVENTS
from ui import dataflow, state, widgets
from ui.errors import guard
from ui.i18n import t

st.title(t("data.title"))
st.caption(t("data.intro"))
upload_tab, workspace_tab = st.tabs([t("data.tab_upload"), t("data.tab_workspace")])

with workspace_tab:
    dataflow.workspace_manager()

with upload_tab:
    st.subheader(t("data.settings"))
    left, middle, right = st.columns(3)
    timezone = left.selectbox(
        t("data.timezone"),
        dataflow.TIMEZONES,
        index=0,
        key="data_timezone",
        help=t("data.timezone_help"),
    )
    day_first = middle.radio(
        t("data.day_first"),
        ["auto", "day", "month"],
        key="data_day_first",
        horizontal=True,
        format_func=lambda v: t(f"data.day_first_{v}"),
    )
    conversions = right.text_input(
        t("data.conversion_events"),
        ", ".join(DEFAULT_CONVERSION_EVENTS),
        key="data_conversion_events",
        help=t("data.conversion_events_help"),
    )
    settings = dataflow.settings_from_inputs(timezone, day_first, conversions)

    with guard():  # before the uploaders: Streamlit's own size cap follows the app's limit
        limit_mb = dataflow.upload_limit_mb()
    events_file = st.file_uploader(
        t("data.events_file"), type=dataflow.FILE_TYPES, key="data_events_file"
    )
    transcripts_file = st.file_uploader(
        t("data.transcripts_file"), type=dataflow.FILE_TYPES, key="data_transcripts_file"
    )
    st.caption(t("data.size_limit", mb=limit_mb))
    if events_file is None:
        st.info(t("data.upload_hint"))
        st.stop()
    with guard():
        if dataflow.streams(events_file):  # a big file: DuckDB validates it from disk
            dataflow.big_upload(events_file, settings)
            st.stop()

    with guard():
        events_sheet = dataflow.pick_sheet(events_file, "data_events_sheet")
        events_raw = dataflow.read(events_file, events_sheet)
    dataflow.describe_raw(events_raw)
    id_columns = st.multiselect(
        t("data.identity"),
        list(events_raw.frame.columns),
        key="data_identity",
        help=t("data.identity_help"),
    )
    with guard():
        events_raw, report = dataflow.stitch(events_raw, id_columns)
    if report is not None:
        st.success(
            t(
                "data.identity_report",
                ids=report.n_identifiers,
                customers=report.n_customers,
                merged=report.n_merged_customers,
            )
        )
        st.dataframe(report.by_column, hide_index=True, key="data_identity_table")

    st.subheader(t("data.mapping_events"))
    events_map = widgets.mapping_editor(
        list(events_raw.frame.columns),
        dataflow.proposed(events_raw, "events", stitched=report is not None),
        "events",
        dataflow.map_key("data_map_events", events_sheet),
    )
    with guard():
        events_result = dataflow.validate(
            events_raw,
            events_map,
            "events",
            settings,
            dataflow.source_key(events_file, id_columns, events_sheet),
        )
    widgets.conversion_notice(events_result)
    st.subheader(t("data.report_events"))
    widgets.validation_report(events_result, key="data_events_report")

    transcripts_result, transcripts_map, transcripts_bytes = None, {}, b""
    if transcripts_file is not None:
        with guard():
            transcripts_sheet = dataflow.pick_sheet(transcripts_file, "data_transcripts_sheet")
            transcripts_raw = dataflow.read(transcripts_file, transcripts_sheet)
        dataflow.describe_raw(transcripts_raw)
        st.subheader(t("data.mapping_transcripts"))
        transcripts_map = widgets.mapping_editor(
            list(transcripts_raw.frame.columns),
            dataflow.proposed(transcripts_raw, "transcripts"),
            "transcripts",
            dataflow.map_key("data_map_transcripts", transcripts_sheet),
        )
        with guard():
            transcripts_result = dataflow.validate(
                transcripts_raw,
                transcripts_map,
                "transcripts",
                settings,
                dataflow.source_key(transcripts_file, sheet=transcripts_sheet),
            )
        st.subheader(t("data.report_transcripts"))
        widgets.validation_report(transcripts_result, key="data_transcripts_report")
        transcripts_bytes = transcripts_file.getvalue()

    if events_result.rows_accepted == 0:
        st.error(t("data.nothing_accepted", file=md_text(events_result.file)))
        st.stop()
    st.subheader(t("data.use"))
    name = st.text_input(t("data.name"), events_file.name.rsplit(".", 1)[0], key="data_name")
    candidate = dataflow.build_dataset(
        name,
        events_file.getvalue() + transcripts_bytes,
        events_result,
        transcripts_result,
        {"events": events_map, "transcripts": transcripts_map},
        settings,
    )
    use_col, save_col, overwrite_col = st.columns(3)
    if use_col.button(t("data.use_button"), key="data_use", type="primary"):
        state.set_dataset(candidate)
        state.notice(t("data.now_using", name=md_text(candidate.name)))
        st.rerun()
    overwrite = overwrite_col.checkbox(t("data.overwrite"), key="data_overwrite")
    if save_col.button(t("data.save_button"), key="data_save"):
        with guard():
            dataflow.save(candidate, overwrite=overwrite)
        state.notice(t("data.saved", name=md_text(candidate.name)))
        st.rerun()
