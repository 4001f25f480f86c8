"""Shareable links and presentation mode: the URL's query string <-> the session's view.

The page is the URL path (st.navigation); the view's state is in the query string. On a
session's first run (or when the URL holds a query string the app did not write, as when
opening a link) `restore_frame` and `restore_view` read the URL (through the pure
`journey.present.links`) into the language, dataset, filters and page settings; every run
then `publish`es the current view back into the URL. Values the data does not know fall back,
with one notice naming them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Final

import plotly.graph_objects as go
import streamlit as st

from journey.attribution.models import MODELS
from journey.errors import WorkspaceError
from journey.io.markup import md_text
from journey.present import links
from journey.present.links import Known, LinkState, Setting
from journey.query import filters as flt
from journey.query.metrics import GRANULARITIES, METRIC_COLUMNS
from journey.recommend.kinds import KINDS
from journey.schema import (
    ATTRIBUTION_LEVELS,
    CHANNEL,
    EVENT_TYPE,
    LEVELS,
    TEAM,
    TOUCHPOINT,
    Phase,
)
from journey.viz.network import LAYOUTS
from journey.viz.sankey import LABEL_ROOM
from ui import cache, frame, state, widgets
from ui.i18n import LANGUAGES, t

if TYPE_CHECKING:  # the report's stack (scikit-learn, pyvis) loads with the Report page
    from journey.present.content import ReportContent

REPORT: Final = "report"


@dataclass(frozen=True)
class Source:
    """What a link's data-dependent choices are read from: the prepared events and dataset."""

    events: str  # the view of the dataset's prepared (unfiltered) events
    dataset: state.Dataset


# A setting's choices from the data, given the values (URL text) of the page's earlier settings.
OptionsFn = Callable[[Source, Mapping[str, str]], tuple[str, ...]]


@dataclass(frozen=True)
class PageSetting:
    """A page widget whose value goes into the URL: the URL setting and the widget's key.

    `key` may name an earlier setting of the page in braces ("funnels_stages_{by}"): a widget
    keyed by another's value. `options` reads the choices of a setting whose choices come
    from the data; `bounded` holds a date setting to the data's first and last day.
    """

    setting: Setting
    key: str
    options: OptionsFn | None = None
    bounded: bool = False

    def key_for(self, texts: Mapping[str, str]) -> str | None:
        """The widget's key given the earlier settings' values (None when one is missing)."""
        try:
            return self.key.format_map(texts)
        except KeyError:
            return None

    def to_text(self, value: object) -> str | None:
        """The widget's value as URL text (None when it holds no complete value)."""
        kind = self.setting.kind
        if kind == "bool":
            return "1" if value else "0"
        if kind == "int":
            return str(int(value))  # type: ignore[call-overload]
        if kind == "list":  # an empty pick is left out: the widget's default on the way back
            return links.join_list([str(v) for v in value]) or None  # type: ignore[attr-defined]
        if kind == "date":
            return value.isoformat() if isinstance(value, date) else None
        if kind == "dates":
            ok = isinstance(value, tuple | list) and len(value) == 2
            return links.join_dates(value[0], value[1]) if ok else None  # type: ignore[index]
        return str(value)

    def from_text(self, text: str) -> object:
        """URL text (already checked) as the widget's value."""
        kind = self.setting.kind
        if kind == "bool":
            return text == "1"
        if kind == "int":
            return int(text)
        if kind == "list":
            return list(links.split_list(text))
        if kind == "date":
            return date.fromisoformat(text)
        if kind == "dates":
            return links.split_dates(text)
        return text


def _choice(param: str, choices: tuple[str, ...], key: str) -> PageSetting:
    return PageSetting(Setting(param, "choice", choices), key)


def _int(param: str, low: int, high: int, key: str) -> PageSetting:
    return PageSetting(Setting(param, "int", low=low, high=high), key)


def _bool(param: str, key: str) -> PageSetting:
    return PageSetting(Setting(param, "bool"), key)


def _list(
    param: str, key: str, choices: tuple[str, ...] = (), options: OptionsFn | None = None
) -> PageSetting:
    return PageSetting(Setting(param, "list", choices), key, options)


def _from_data(param: str, key: str, options: OptionsFn) -> PageSetting:
    return PageSetting(Setting(param, "choice"), key, options)


def _date(param: str, key: str, kind: str = "date", *, bounded: bool = False) -> PageSetting:
    return PageSetting(Setting(param, kind), key, bounded=bounded)


def _present(*columns: str) -> OptionsFn:
    """Choices: those of `columns` the dataset's prepared events hold, in that order."""
    return lambda source, _: tuple(c for c in columns if c in source.dataset.prepared_columns)


def _values_of(column: str | None = None, *, of_setting: str = "") -> OptionsFn:
    """Choices: the values of `column`, or of the column an earlier setting names."""

    def read(source: Source, texts: Mapping[str, str]) -> tuple[str, ...]:
        name = column or texts.get(of_setting, "")
        return tuple(cache.column_values(source.events, name)) if name else ()

    return read


def _attributes(source: Source, _: Mapping[str, str]) -> tuple[str, ...]:
    """Choices: the columns the Compare page offers for segments."""
    return tuple(cache.attribute_columns(source.events))


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
    "compare": (
        _choice("mode", ("conversion", "segment", "period"), "compare_mode"),
        _choice("level", LEVELS, "compare_level"),
        _choice("show", ("flows", "network"), "compare_show"),
        _bool("collapse", "compare_collapse"),
        _from_data("attribute", "compare_attribute", _attributes),
        _from_data("a", "compare_value_a", _values_of(of_setting="attribute")),
        _from_data("b", "compare_value_b", _values_of(of_setting="attribute")),
        _date("period_a", "compare_period_a", "dates", bounded=True),
        _date("period_b", "compare_period_b", "dates", bounded=True),
    ),
    "funnels": (
        _from_data("by", "funnels_by", _present(TOUCHPOINT, CHANNEL, EVENT_TYPE)),
        _list("stages", "funnels_stages_{by}", options=_values_of(of_setting="by")),
    ),
    "customer": (PageSetting(Setting("customer", "text"), "customer_search"),),
    "attribution": (
        _list("models", "attribution_models", MODELS),
        _choice("level", ATTRIBUTION_LEVELS, "attribution_level"),
        _int("window", 0, 3650, "attribution_window"),
        _list("exclude", "attribution_exclude_channels", options=_values_of(CHANNEL)),
        _choice("show", ("share", "conversions", "revenue"), "attribution_value"),
    ),
    "metrics": (
        _date("range", "metrics_range", "dates", bounded=True),
        _choice("grain", GRANULARITIES, "metrics_granularity"),
        _choice("level", ATTRIBUTION_LEVELS, "metrics_level"),
        _int("window", 0, 3650, "metrics_window"),
        _from_data("qualify_by", "metrics_qualify_by", _present(EVENT_TYPE, TOUCHPOINT)),
        _list(
            "qualifying",
            "metrics_qualifying_{qualify_by}",
            options=_values_of(of_setting="qualify_by"),
        ),
        _choice("metric", METRIC_COLUMNS[2:], "metrics_value"),
    ),
    "sentiment": (
        _choice("scorer", ("default", "lexicon", "trained"), "sentiment_scorer"),
        _choice("level", (*LEVELS, TEAM), "sentiment_level"),
    ),
    "next-best-action": (
        _date("cutoff", "nba_cutoff"),
        _int("horizon", 7, 180, "nba_horizon"),
        _choice("model", KINDS, "nba_kind"),
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
    head = replace(
        link,
        channels=(),
        teams=(),
        start=None,
        end=None,
        settings={},
        attribute=None,
        attribute_values=(),
    )
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
    resolved, texts = _resolve(settings, link.settings, Source(events, dataset), (first, last))
    attributes = tuple(c for c in cache.attribute_columns(events) if c not in {CHANNEL, TEAM})
    known = Known(
        datasets=(),
        channels=tuple(cache.column_values(events, CHANNEL)),
        teams=tuple(cache.column_values(events, TEAM)),
        first=first,
        last=last,
        languages=tuple(LANGUAGES),
        settings=resolved,
        attributes=attributes,
        attribute_values=(
            tuple(cache.column_values(events, link.attribute))
            if link.attribute in attributes
            else ()
        ),
    )
    checked, problems = links.check(link, known)
    state.reset_filters(dataset.fingerprint, (first, last), widgets.NO_ATTRIBUTE)
    state.set_date_range((checked.start or first, checked.end or last))
    state.set_filter_values(checked.channels, checked.teams)
    if checked.attribute is not None:
        state.set_widget_value(state.Key.ATTRIBUTE, checked.attribute)
        state.set_widget_value(state.Key.ATTRIBUTE_VALUES, list(checked.attribute_values))
    for item in settings:
        text = checked.settings.get(item.setting.param)
        key = item.key_for(texts)
        if text is not None and key is not None:
            state.set_widget_value(key, item.from_text(text))
    _notify(earlier + problems)


def _resolve(
    settings: tuple[PageSetting, ...],
    linked: Mapping[str, str],
    source: Source,
    dates: tuple[date, date],
) -> tuple[tuple[Setting, ...], dict[str, str]]:
    """The page's settings with choices and bounds from the data, and what each will hold.

    What a setting will hold (the link's value when it fits, else a choice widget's first
    option) gives the keys and choices of the settings after it.
    """
    resolved: list[Setting] = []
    texts: dict[str, str] = {}
    for item in settings:
        setting = item.setting
        if item.options is not None:
            setting = replace(setting, choices=item.options(source, texts))
        if item.bounded:
            setting = replace(setting, first=dates[0], last=dates[1])
        resolved.append(setting)
        raw = linked.get(setting.param)
        kept = links.check_value(setting, raw)[0] if raw is not None else None
        if kept is None and setting.kind == "choice" and setting.choices:
            kept = setting.choices[0]
        if kept is not None:
            texts[setting.param] = kept
    return tuple(resolved), texts


def current_link(scope: state.Scope | None, page: str) -> LinkState:
    """The view this run shows, as a link state."""
    filters = scope.filters if scope is not None else flt.Filters()
    settings: dict[str, str] = {}
    for item in PAGE_SETTINGS.get(page, ()):
        key = item.key_for(settings)
        value = state.widget_value(key) if key is not None else None
        text = item.to_text(value) if value is not None and value != "" else None
        if text is not None:
            settings[item.setting.param] = text
    attribute, values = next(iter(filters.attributes.items()), (None, ()))
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
        attribute=attribute,
        attribute_values=tuple(values),
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
        icon=":material/arrow_back:",
        disabled=current <= 1,
        on_click=_step,
        args=(current - 1,),
    )
    cols[1].markdown(f"**{current} / {count}**")
    cols[2].button(
        t("share.next"),
        key="present_next",
        icon=":material/arrow_forward:",
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
        widgets.chart(projector_figure(chart.figure), chart.name, key=f"present_chart_{chart.name}")
        st.caption(chart.caption)
    if section.network_html:
        widgets.show_network(section.network_html, height=PROJECTOR_HEIGHT)
