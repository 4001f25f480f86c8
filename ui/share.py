"""Shareable links and presentation mode: the URL's query string <-> the session's view.

The page is the URL path (st.navigation); the view's state is in the query string. On a
session's first run (or when the URL holds a query string the app did not write, as when
opening a link) `restore_frame` and `restore_view` read the URL (through the pure
`journey.present.links`) into the language, dataset, filters and page settings; every run
then `publish`es the current view back into the URL. Values the data does not know fall back,
with one notice naming them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Final

import plotly.graph_objects as go
import streamlit as st

from journey.errors import WorkspaceError
from journey.io.markup import md_text
from journey.present import links
from journey.present.content import ReportContent
from journey.present.links import Known, LinkState, Setting
from journey.query import filters as flt
from journey.schema import CHANNEL, LEVELS, TEAM, Phase
from journey.viz.network import LAYOUTS
from journey.viz.sankey import LABEL_ROOM
from ui import cache, frame, state, widgets
from ui.i18n import LANGUAGES, t

REPORT: Final = "report"


@dataclass(frozen=True)
class PageSetting:
    """A page widget whose value goes into the URL: the URL setting and the widget's key."""

    setting: Setting
    key: str

    def to_text(self, value: object) -> str:
        """The widget's value as URL text."""
        if self.setting.kind == "bool":
            return "1" if value else "0"
        return str(int(value)) if self.setting.kind == "int" else str(value)  # type: ignore[call-overload]

    def from_text(self, text: str) -> object:
        """URL text (already checked) as the widget's value."""
        convert: Callable[[str], object] = {"bool": lambda v: v == "1", "int": int}.get(
            self.setting.kind, str
        )
        return convert(text)


def _choice(param: str, choices: tuple[str, ...], key: str) -> PageSetting:
    return PageSetting(Setting(param, "choice", choices), key)


def _int(param: str, low: int, high: int, key: str) -> PageSetting:
    return PageSetting(Setting(param, "int", low=low, high=high), key)


def _bool(param: str, key: str) -> PageSetting:
    return PageSetting(Setting(param, "bool"), key)


# Each page's main settings (URL path -> settings); bounds as the widgets' own.
PAGE_SETTINGS: dict[str, tuple[PageSetting, ...]] = {
    "journey-map": (
        _choice("level", LEVELS, "journey_map_level"),
        _int("steps", 2, 10, "journey_map_steps"),
        _int("top", 0, 200, "journey_map_top_k"),
        _choice("phase", tuple(p.value for p in Phase), "journey_map_phase"),
        _bool("collapse", "journey_map_collapse"),
    ),
    "network": (
        _choice("level", LEVELS, "network_level"),
        _int("min_weight", 1, 1_000_000, "network_min_weight"),
        _int("nodes", 5, 300, "network_max_nodes"),
        _choice("layout", LAYOUTS, "network_layout"),
        _bool("collapse", "network_collapse"),
    ),
}


def _notify(problems: list[str]) -> None:
    """Queue one notice naming every link value that fell back."""
    if problems:
        state.notice(t("share.fallback", problems=md_text("; ".join(problems))))


def restore_frame() -> None:
    """When the URL holds a link: take the language and dataset from it (before the frame)."""
    params = st.query_params.to_dict()
    if not params or params == state.published_link():
        return  # nothing to read, or what this session wrote itself
    state.set_published_link(params)
    link, problems = links.decode(params)
    try:
        datasets = tuple(info.name for info in cache.workspace().list_datasets())
    except WorkspaceError:
        datasets = ()
    datasets = (*datasets, frame.SAMPLE_NAME)
    head = replace(link, channels=(), teams=(), start=None, end=None, settings={})
    checked, more = links.check(head, Known(datasets, (), (), date.min, date.max, tuple(LANGUAGES)))
    if checked.lang is not None:
        state.set_language(checked.lang)
    if checked.dataset is not None and checked.dataset != frame.SAMPLE_NAME:
        try:
            state.set_dataset(frame.open_stored(checked.dataset))
        except WorkspaceError as err:
            more.append(str(err))
    if checked.present:
        state.set_presenting(True)
    if checked.section is not None:
        state.set_present_section(checked.section)
    state.set_pending_link((replace(link, dataset=None, lang=None), problems + more))


def restore_view(dataset: state.Dataset, page: str) -> None:
    """After `restore_frame` read a link: set the filters and page settings it holds."""
    pending = state.pending_link()
    if not isinstance(pending, tuple):
        return
    state.set_pending_link(None)
    link, earlier = pending
    events = cache.prepared_view(dataset.key, dataset.events_path, dataset.settings)
    first, last = cache.relation_dates(events) or (date.today(), date.today())
    settings = PAGE_SETTINGS.get(page, ())
    known = Known(
        datasets=(),
        channels=tuple(cache.column_values(events, CHANNEL)),
        teams=tuple(cache.column_values(events, TEAM)),
        first=first,
        last=last,
        languages=tuple(LANGUAGES),
        settings=tuple(s.setting for s in settings),
    )
    checked, problems = links.check(link, known)
    state.reset_filters(dataset.fingerprint, (first, last), widgets.NO_ATTRIBUTE)
    state.set_date_range((checked.start or first, checked.end or last))
    state.set_filter_values(checked.channels, checked.teams)
    for item in settings:
        if item.setting.param in checked.settings:
            state.set_widget_value(item.key, item.from_text(checked.settings[item.setting.param]))
    _notify(earlier + problems)


def current_link(scope: state.Scope | None, page: str) -> LinkState:
    """The view this run shows, as a link state."""
    filters = scope.filters if scope is not None else flt.Filters()
    settings = {}
    for item in PAGE_SETTINGS.get(page, ()):
        value = state.widget_value(item.key)
        if value is not None and value != "":
            settings[item.setting.param] = item.to_text(value)
    presenting = page == REPORT and state.presenting()
    language = state.language()
    return LinkState(
        dataset=scope.dataset.name if scope is not None else None,
        start=filters.start,
        end=filters.end,
        channels=filters.channels,
        teams=filters.teams,
        lang=language if language != "en" else None,
        present=presenting,
        section=state.present_section() if presenting else None,
        settings=settings,
    )


def publish(scope: state.Scope | None, page: str) -> None:
    """Write the current view into the URL's query string (only when it changed)."""
    params = links.encode(current_link(scope, page))
    if params != st.query_params.to_dict():
        st.query_params.from_dict(params)
    state.set_published_link(params)


# Presentation mode's look: our own constant CSS (no user text). The sidebar and its toggle go,
# the page takes the full width, text, figures and metrics grow for a projector.
PRESENT_CSS: Final = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapseButton"] {
  display: none !important;
}
[data-testid="stMainBlockContainer"] { max-width: 100% !important; padding: 1.5rem 3rem; }
[data-testid="stMainBlockContainer"] p, [data-testid="stMainBlockContainer"] li {
  font-size: 1.45rem !important; line-height: 1.5;
}
[data-testid="stMainBlockContainer"] h1 { font-size: 3rem !important; }
[data-testid="stMainBlockContainer"] h2, [data-testid="stMainBlockContainer"] h3 {
  font-size: 2.3rem !important;
}
[data-testid="stMetricValue"] { font-size: 3rem !important; }
[data-testid="stMetricLabel"] p { font-size: 1.3rem !important; }
</style>"""
PROJECTOR_FONT: Final = 18  # figure text size in presentation mode (pixels)
PROJECTOR_HEIGHT: Final = 620


def present_style(page: str) -> None:
    """Inject presentation mode's CSS when the Report is being presented."""
    if page == REPORT and state.presenting():
        st.html(PRESENT_CSS)


def projector_figure(figure: go.Figure) -> go.Figure:
    """A copy of a figure with text and height for a projector."""
    bigger = go.Figure(figure)
    bigger.update_layout(font_size=PROJECTOR_FONT, height=PROJECTOR_HEIGHT)
    bigger.update_traces(textfont_size=LABEL_ROOM - 1, selector={"type": "sankey"})
    return bigger


def _step(number: int) -> None:
    """on_click of Previous / Next: show section `number`."""
    state.set_present_section(number)


def stepper(count: int) -> int:
    """Previous / "k / n" / Next; return the 1-based section to show (kept within 1..count)."""
    current = min(max(state.present_section(), 1), count)
    state.set_present_section(current)
    cols = st.columns([1, 1, 1], vertical_alignment="center")
    cols[0].button(
        t("share.previous"),
        key="present_previous",
        icon="⬅️",
        disabled=current <= 1,
        on_click=_step,
        args=(current - 1,),
    )
    cols[1].markdown(f"**{current} / {count}**")
    cols[2].button(
        t("share.next"),
        key="present_next",
        icon="➡️",
        disabled=current >= count,
        on_click=_step,
        args=(current + 1,),
    )
    return current


def present_report(report: ReportContent) -> None:
    """Show the report one section at a time: the overview first, then each section."""
    number = stepper(len(report.sections) + 1)
    if number == 1:
        st.title(md_text(report.title))
        st.caption(
            t("report.generated", dataset=md_text(report.dataset), generated=report.generated)
        )
        metrics = st.columns(4)
        for i, figure in enumerate(report.key_figures[:4]):
            metrics[i].metric(figure.label, figure.value)
        for figure in report.key_figures[4:]:  # names of channels and touchpoints: data
            st.markdown(f"**{figure.label}**: {md_text(figure.value)}")
        for sentence in report.summary:
            st.markdown(f"- {md_text(sentence)}")
        return
    section = report.sections[number - 2]
    st.header(section.title)
    for sentence in section.sentences:
        st.markdown(md_text(sentence))
    for chart in section.charts:
        st.plotly_chart(
            projector_figure(chart.figure),
            key=f"present_chart_{chart.name}",
            config=widgets.chart_config(chart.name),
        )
        st.caption(chart.caption)
    if section.network_html:
        widgets.show_network(section.network_html, height=PROJECTOR_HEIGHT)
