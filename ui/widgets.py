"""Shared renderers: the sidebar frame, scope caption, rejects table, downloads, network iframe."""

from __future__ import annotations

import logging
from datetime import date
from typing import Final

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from journey.io import export
from journey.io.markup import md_text
from journey.present import images
from journey.query import filters as flt
from journey.schema import (
    CHANNEL,
    TEAM,
    ConversionRule,
    ValidationResult,
    specs_for,
)
from ui import cache, state
from ui.i18n import LANGUAGES, t
from ui.state import Key

# Above this many rows a CSV is written when its button is clicked, not on every rerun.
DEFERRED_CSV_ROWS: Final = 50_000


def download_csv(frame: pd.DataFrame, file_name: str, key: str, label: str | None = None) -> None:
    """A download button for a frame as CSV, spreadsheet formulas neutralised.

    A big frame's CSV is built only on click (deferred data), so a page showing, say, one
    next best action per customer does not write hundreds of thousands of rows each rerun.
    """
    deferred = len(frame) > DEFERRED_CSV_ROWS
    st.download_button(
        label or t("widgets.download_csv"),
        data=(lambda: export.to_csv_bytes(frame)) if deferred else export.to_csv_bytes(frame),
        file_name=file_name,
        mime="text/csv",
        key=key,
        icon=":material/download:",
        on_click="ignore" if deferred else "rerun",
    )


def chart_config(name: str) -> dict[str, object]:
    """st.plotly_chart's config: the toolbar's camera saves a 2x PNG named after the chart.

    plotly.js offers one format per toImage button and st.plotly_chart's JSON config cannot
    carry a click handler for a second, so `chart` adds an SVG download under the chart.
    """
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": name, "scale": 2},
    }


_LOG = logging.getLogger(__name__)


def chart(
    figure: go.Figure,
    name: str,
    *,
    key: str,
    container: object = None,
    config: dict[str, object] | None = None,
) -> None:
    """A plotly chart (toolbar camera: `name`.png) with an "SVG" download under it.

    `container` is where to draw (a column, a tab; default the page). The SVG is rendered
    only when the button is clicked (deferred data), with kaleido on the server's Chromium
    in bounded time; without a browser the button is off and its help says why.
    """
    target = st if container is None else container
    target.plotly_chart(figure, key=key, config=config or chart_config(name))  # type: ignore[attr-defined]
    svg_download(figure, name, key=f"{key}_svg", container=target)


def svg_download(figure: go.Figure, name: str, *, key: str, container: object = None) -> None:
    """A small button downloading `figure` as `name`.svg, rendered when clicked."""
    target = st if container is None else container
    try:
        images.find_browser()
        blocked = None
    except images.ImagesUnavailable as err:
        blocked = str(err)
    target.download_button(  # type: ignore[attr-defined]
        t("share.svg"),
        data=lambda: _svg_bytes(figure, name),
        file_name=f"{name}.svg",
        mime="image/svg+xml",
        key=key,
        icon=":material/download:",
        type="tertiary",
        on_click="ignore",
        disabled=blocked is not None,
        help=t("share.svg_unavailable", reason=blocked) if blocked else t("share.svg_help"),
    )


def _svg_bytes(figure: go.Figure, name: str) -> bytes:
    """The deferred data of an SVG download: the image, or a notice image saying why not.

    Streamlit runs this on click, where a raised error would only reach the browser as a
    bare "failed to generate file"; a notice image tells the user what went wrong.
    """
    try:
        return images.render_svg(figure)
    except images.ImagesUnavailable as err:
        _LOG.warning("SVG of chart %s: %s", name, err)
        return images.unavailable_svg(str(err))


def download_html(html: str, file_name: str, key: str, label: str | None = None) -> None:
    """A download button for a standalone HTML document."""
    st.download_button(
        label or t("widgets.download_html"),
        data=html.encode("utf-8"),
        file_name=file_name,
        mime="text/html",
        key=key,
        icon=":material/download:",
    )


def show_network(html: str, height: int = 650) -> None:
    """Render a standalone network HTML document (built by journey.viz.network) in an iframe.

    st.iframe sandboxes its frame with allow-scripts and allow-same-origin, so the page
    would run with the app's origin; `sandboxed_page` puts it one frame deeper, sandboxed
    to scripts only (an opaque origin that cannot reach the app: a second wall behind the
    escaped labels). A data: URL would do too, but Chromium drops those above 2 MB.
    """
    from journey.viz import network  # pyvis loads with the first network shown

    st.iframe(network.sandboxed_page(html), height=height)


def scope_caption(scope: state.Scope) -> None:
    """Say how many customers and events the filters leave, and which filters are on."""
    text = t(
        "widgets.scope",
        name=md_text(scope.dataset.name),
        customers=f"{scope.n_customers:,}",
        events=f"{scope.n_events:,}",
        all_customers=f"{scope.all_customers:,}",
        all_events=f"{scope.all_n_events:,}",
    )
    words = (t("widgets.filter_to"), t("widgets.filter_channels"), t("widgets.filter_teams"))
    active = flt.describe(scope.filters, words)
    if active:
        text += " · " + t("widgets.filters_on", filters=md_text("; ".join(active)))
    st.caption(text)


def validation_report(result: ValidationResult, key: str) -> None:
    """Rows read / accepted / rejected / duplicates, and the rejects table with a download."""
    cols = st.columns(4)
    cols[0].metric(t("widgets.rows_read"), f"{result.rows_read:,}")
    cols[1].metric(t("widgets.rows_accepted"), f"{result.rows_accepted:,}")
    cols[2].metric(t("widgets.rows_rejected"), f"{result.rows_rejected:,}")
    cols[3].metric(t("widgets.duplicates"), f"{result.duplicates:,}")
    if result.rows_read == 0:
        st.warning(t("widgets.no_rows", file=md_text(result.file)))
    if result.duplicates:
        st.caption(t("widgets.duplicates_kept", n=result.duplicates))
    if len(result.rejects):
        st.dataframe(result.rejects, hide_index=True, width="stretch", key=f"{key}_rejects")
        download_csv(result.rejects, export.rejects_file_name(result.file), key=f"{key}_dl")
    elif result.rows_read:
        st.success(t("widgets.all_accepted"))


def conversion_notice(result: ValidationResult) -> None:
    """Say when positive revenue marks conversions, or when nothing in the file does."""
    if result.conversion_rule is ConversionRule.REVENUE:
        st.info(t("data.conversions_from_revenue"))
    elif result.conversion_rule is ConversionRule.NONE:
        st.warning(t("data.no_conversions"))


def language_picker() -> None:
    """The UI language selector (English, Indonesian, Polish)."""
    st.sidebar.selectbox(
        "Language · Bahasa · Język",
        list(LANGUAGES),
        format_func=LANGUAGES.__getitem__,
        key=Key.LANGUAGE,
    )


NO_ATTRIBUTE = "—"  # the attribute picker's "no attribute filter" choice


def sidebar_filters(dataset: state.Dataset, events: str) -> flt.Filters:
    """Draw the global filters (values of the prepared events' view `events`); their values."""
    first, last = cache.relation_dates(events) or (date.today(), date.today())
    if state.filters_drawn_for() != dataset.fingerprint:
        state.reset_filters(dataset.fingerprint, (first, last), NO_ATTRIBUTE)
    elif not _within(state.date_range(), first, last):
        state.set_date_range((first, last))  # the data changed under it (e.g. the timezone)
    sidebar = st.sidebar
    sidebar.subheader(t("frame.filters"))
    # the value comes from the session state (set above), so the browser shows it
    picked = sidebar.date_input(
        t("frame.date_range"),
        min_value=first,
        max_value=last,
        key=Key.DATE_RANGE,
        format="YYYY-MM-DD",
    )
    start, end = _date_bounds(picked, first, last)
    channels = sidebar.multiselect(
        t("frame.channels"),
        cache.column_values(events, CHANNEL),
        key=Key.CHANNELS,
        placeholder=t("frame.all"),
    )
    teams: list[str] = []
    team_values = cache.column_values(events, TEAM)
    if team_values:
        teams = sidebar.multiselect(
            t("frame.teams"), team_values, key=Key.TEAMS, placeholder=t("frame.all")
        )
    attributes: dict[str, tuple[str, ...]] = {}
    candidates = [c for c in cache.attribute_columns(events) if c not in {CHANNEL, TEAM}]
    if candidates:
        column = sidebar.selectbox(
            t("frame.attribute"), [NO_ATTRIBUTE, *candidates], key=Key.ATTRIBUTE
        )
        if column != NO_ATTRIBUTE:
            values = sidebar.multiselect(
                t("frame.attribute_values", column=md_text(column)),
                cache.column_values(events, column),
                key=Key.ATTRIBUTE_VALUES,
                placeholder=t("frame.all"),
            )
            attributes[column] = tuple(values)
    return flt.Filters(
        start=start if start != first else None,
        end=end if end != last else None,
        channels=tuple(channels),
        teams=tuple(teams),
        attributes=attributes,
    )


def _within(dates: tuple[date, ...], first: date, last: date) -> bool:
    """Whether a held date range is not empty and lies inside the data's dates."""
    return bool(dates) and all(first <= day <= last for day in dates)


def _date_bounds(picked: object, first: date, last: date) -> tuple[date, date]:
    """Read a date_input range value (a half-picked range keeps the open end)."""
    if isinstance(picked, tuple | list):
        start = picked[0] if len(picked) > 0 else first
        end = picked[1] if len(picked) > 1 else last
        return start, end
    if isinstance(picked, date):
        return picked, picked
    return first, last


NOT_MAPPED = "—"


def mapping_editor(
    columns: list[str], proposed: dict[str, str], kind: str, key_prefix: str
) -> dict[str, str]:
    """One selectbox per contract column, pre-set to the proposed source column."""
    specs = specs_for(kind)
    mapping: dict[str, str] = {}
    grid = st.columns(4)
    for index, spec in enumerate(specs):
        options = [NOT_MAPPED, *columns]
        default = proposed.get(spec.name)
        label = f"{spec.name}{' *' if spec.required else ''}"
        chosen = grid[index % 4].selectbox(
            label,
            options,
            index=options.index(default) if default in options else 0,
            key=f"{key_prefix}_{spec.name}",
        )
        if chosen != NOT_MAPPED:
            mapping[spec.name] = chosen
    return mapping


def team_picker(scope: state.Scope, slots: list, prefix: str) -> tuple[str, str]:
    """A team selector and its fold/hide choice in two column slots; '' means all teams."""
    teams = cache.column_values(scope.events, TEAM)
    team = slots[0].selectbox(
        t("maps.team"),
        ["", *teams],
        format_func=lambda v: v or t("maps.all_teams"),
        key=f"{prefix}_team",
    )
    mode = slots[1].radio(
        t("maps.team_mode"),
        ["fold", "hide"],
        format_func=lambda v: t(f"maps.team_mode.{v}"),
        horizontal=True,
        disabled=not team,
        key=f"{prefix}_team_mode",
    )
    return team, mode


def sentiment_toggle(scope: state.Scope, prefix: str) -> bool:
    """The 'colour nodes by customer sentiment' toggle (off when there are no transcripts)."""
    chosen = st.toggle(
        t("maps.sentiment.toggle"),
        False,
        help=t("maps.sentiment.toggle_help"),
        disabled=not scope.has_transcripts,
        key=f"{prefix}_sentiment",
    )
    if not scope.has_transcripts:
        st.caption(t("maps.sentiment.no_transcripts"))
    return chosen


def scope_node_sentiment(scope: state.Scope, level: str) -> pd.DataFrame:
    """Mean customer sentiment per node (node, mean_score, n), scored once per dataset.

    On the engine over the dataset's stored scores, as the Sentiment page's default scorer:
    no pandas copy of the transcripts.
    """
    scores = cache.sentiment_scores_file(
        scope.dataset, "default", None, t("maps.sentiment.scoring")
    )
    return cache.node_sentiment(cache.sentiment_relation(scope, scores).rows, scope.events, level)


def node_sentiment_table(node_scores: pd.DataFrame, prefix: str) -> None:
    """The map pages' expander with each node's mean sentiment and transcript count."""
    with st.expander(t("maps.sentiment.table"), expanded=node_scores.empty):
        if node_scores.empty:
            st.info(t("maps.sentiment.none"))
        st.dataframe(
            node_scores,
            hide_index=True,
            column_config={"mean_score": st.column_config.NumberColumn(format="%+.2f")},
            key=f"{prefix}_sentiment_table",
        )
