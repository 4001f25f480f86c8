import streamlit as st

from journey.io.markup import md_text
from journey.present import content
from journey.query import filters
from ui import cache, frame, share, state, widgets
from ui.errors import guard
from ui.i18n import t

presenting = st.toggle(t("share.present"), key=state.Key.PRESENT, help=t("share.present_help"))
if not presenting:
    st.title(t("report.title"))
    st.caption(t("report.intro"))
scope = frame.require_scope()

transcripts = scope.dataset.transcripts_path
has_transcripts = transcripts is not None and cache.transcript_rows(transcripts) > 0
choices = [s for s in content.SECTIONS if has_transcripts or s != "sentiment"]
# the next best action trains a model: on many events it takes minutes, so it is opt-in there
# unless its results at the page's opening settings are kept (`load` keeps them)
nba_by_default = scope.n_events <= cache.NBA_REPORT_MAX_EVENTS or cache.nba_kept_ready(scope)
defaults = [s for s in choices if nba_by_default or s != "next_best_action"]
sections, title = defaults, t("report.default_title")  # presentation mode: the default report
if not presenting:
    cols = st.columns([3, 2])
    sections = cols[0].multiselect(
        t("report.sections"),
        choices,
        default=defaults,
        format_func=lambda s: t(f"report.section.{s}"),
        key="report_sections",
    )
    title = cols[1].text_input(
        t("report.report_title"), t("report.default_title"), max_chars=120, key="report_title"
    )
if not has_transcripts and not presenting:
    st.caption(t("report.no_transcripts"))
if not nba_by_default and not presenting:
    st.caption(t("report.nba_slow", events=f"{scope.n_events:,}"))
if not sections:
    st.info(t("report.pick_sections"))
    st.stop()

chosen = tuple(s for s in content.SECTIONS if s in sections)  # report order, not click order
with guard():
    options = content.ReportOptions(
        dataset=scope.dataset.name,
        filters=tuple(filters.describe(scope.filters)),
        sections=chosen,
        title=title.strip() or t("report.default_title"),
    )
key = f"{scope.key}:{state.hash_text(repr(options))}"
next_best_action = None  # the Next best action page's decisions at its defaults, same caches
if "next_best_action" in chosen:
    with guard(stop=False), st.spinner(t("report.nba_working")):
        next_best_action = cache.nba_report_input(scope)
sentiment = None  # the Sentiment page's default scores of the scope's transcripts
if "sentiment" in chosen:
    with guard():
        sentiment = cache.report_sentiment(scope)
with guard(), st.spinner(t("report.working")):  # on the engine, over the scope's view
    kept = cache.report_kept(scope.events, options.level)
    report = cache.report_content(key, scope.events, sentiment, options, next_best_action, kept)
    document = cache.report_html(key, report)

if presenting:
    share.present_report(report)
else:  # the preview, with the downloads
    downloads = st.columns(2)
    downloads[0].download_button(
        t("report.download_html"),
        data=document,
        file_name="journey_report.html",
        mime="text/html",
        icon=":material/download:",
        key="report_download_html",
    )
    if downloads[1].button(
        t("report.build_deck"), help=t("report.build_deck_help"), key="report_build_deck"
    ):
        state.set_report_deck_key(key)
    if state.report_deck_key() == key:
        with st.spinner(t("report.rendering")):
            deck_bytes, missing = cache.report_deck(key, report)
        if missing:
            st.warning(t("report.images_unavailable", reason=md_text(missing)))
        downloads[1].download_button(
            t("report.download_deck"),
            data=deck_bytes,
            file_name="journey_deck.pptx",
            mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
            icon=":material/download:",
            key="report_download_deck",
        )

    st.header(md_text(report.title))
    st.caption(t("report.generated", dataset=md_text(report.dataset), generated=report.generated))
    st.caption(
        f"{t('report.filters')}: {md_text('; '.join(report.filters))}"
        if report.filters
        else t("report.no_filters")
    )
    st.subheader(t("report.key_figures"))
    metrics = st.columns(4)
    for i, figure in enumerate(report.key_figures[:4]):  # the four numbers: customers ... revenue
        metrics[i].metric(figure.label, figure.value)
    for figure in report.key_figures[4:]:  # these name channels and touchpoints: data, not markup
        st.markdown(f"**{figure.label}**: {md_text(figure.value)}")
    for sentence in report.summary:
        st.markdown(f"- {md_text(sentence)}")

    for section in report.sections:
        st.subheader(section.title)
        for sentence in section.sentences:
            st.markdown(md_text(sentence))
        for chart in section.charts:
            widgets.chart(chart.figure, chart.name, key=f"report_chart_{chart.name}")
            st.caption(chart.caption)
        if section.network_html:
            with st.expander(t("report.network")):
                widgets.show_network(section.network_html, height=640)
        for table in section.tables:
            st.caption(table.title)
            st.dataframe(
                table.frame, hide_index=True, key=f"report_table_{section.key}_{table.title}"
            )
