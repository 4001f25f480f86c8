"""A report's content, computed once: key figures, charts, tables and sentences per section.

`build_report` runs the query, attribution and sentiment functions over the (prepared,
filtered) events and transcripts; the next best actions come in already decided
(`NextBestActionInput`, from `journey.recommend`), so nothing here trains a model or needs an
engine. `journey.present.html` and `journey.present.deck` only render what it returns, so the
HTML report and the deck always say the same thing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pandas as pd
import plotly.graph_objects as go

from journey.attribution import models as attribution
from journey.attribution import uncertainty
from journey.errors import SettingsError
from journey.present import narrative
from journey.query import flows, funnels, overview, phases, scope
from journey.recommend import pipeline as recommend
from journey.recommend.rules import RULE_IDS
from journey.schema import CHANNEL, LABEL, TOUCHPOINT
from journey.sentiment import insights, score
from journey.viz import attribution_charts, charts, network, palette, sankey
from journey.viz.figure import apply_layout, category_ticks, plotly_text

SECTIONS: tuple[str, ...] = (
    "journeys",
    "phases",
    "network",
    "funnel",
    "attribution",
    "sentiment",
    "next_best_action",
)
SECTION_TITLES = {
    "journeys": "Journeys step by step",
    "phases": "Journeys across the four phases",
    "network": "Network map",
    "funnel": "Funnel and drop-off",
    "attribution": "Attribution: which channels earn the conversions",
    "sentiment": "What customers feel",
    "next_best_action": "Next best action: who to contact next, and how",
}
NBA_TOP_ACTIONS = 3  # actions named in the "Next best action mix" key figure

ProgressFn = Callable[[float, str], None]


@dataclass(frozen=True)
class ReportOptions:
    """What goes into a report: its title page and the sections, in order."""

    dataset: str = "dataset"
    filters: tuple[str, ...] = ()
    sections: tuple[str, ...] = SECTIONS
    level: str = CHANNEL
    steps: int = 5
    top_k: int = 8
    n_resamples: int = 100
    title: str = "Customer journey report"

    def __post_init__(self) -> None:
        unknown = [s for s in self.sections if s not in SECTIONS]
        if unknown:
            raise SettingsError(f"unknown report sections {unknown}; known: {list(SECTIONS)}")
        if self.steps < 2:
            raise SettingsError(f"a report's step map needs at least 2 steps, got {self.steps}")


@dataclass(frozen=True)
class KeyFigure:
    """One headline number, already formatted, with what it counts."""

    label: str
    value: str


@dataclass(frozen=True)
class Chart:
    """A figure with its file-name stem (`name`), title and caption."""

    name: str
    title: str
    figure: go.Figure
    caption: str = ""


@dataclass(frozen=True)
class Table:
    """A small table of display strings with a title."""

    title: str
    frame: pd.DataFrame


@dataclass(frozen=True)
class Section:
    """One section of the report: sentences, charts, tables and maybe the network page."""

    key: str
    title: str
    sentences: tuple[str, ...] = ()
    charts: tuple[Chart, ...] = ()
    tables: tuple[Table, ...] = ()
    network_html: str = ""
    key_figures: tuple[KeyFigure, ...] = ()  # lifted to the report's key figures
    key_tables: tuple[Table, ...] = ()  # lifted to the key figures page


@dataclass(frozen=True)
class ReportContent:
    """Everything a report or deck shows, in order."""

    title: str
    dataset: str
    filters: tuple[str, ...]
    generated: str
    key_figures: tuple[KeyFigure, ...]
    summary: tuple[str, ...]
    key_tables: tuple[Table, ...] = ()
    sections: tuple[Section, ...] = field(default_factory=tuple)

    def charts(self) -> dict[str, go.Figure]:
        """Every chart's figure by name, in report order."""
        return {c.name: c.figure for s in self.sections for c in s.charts}


@dataclass(frozen=True)
class NextBestActionInput:
    """The next best actions a report shows: decisions, value x propensity, the cut-off.

    `decisions` is `journey.recommend.pipeline.recommend(...).decisions` (columns action,
    channel, rule and rule_index at least) and `matrix` its `value_propensity` frame.
    """

    decisions: pd.DataFrame
    matrix: pd.DataFrame
    cutoff: date


def build_report(
    events: pd.DataFrame,
    transcripts: pd.DataFrame | None = None,
    options: ReportOptions | None = None,
    progress: ProgressFn | None = None,
    next_best_action: NextBestActionInput | None = None,
) -> ReportContent:
    """Compute a report from prepared events (phase filled, `scope.prepare_events`).

    The sentiment section needs `transcripts` and the next-best-action section needs
    `next_best_action` (computed by `journey.recommend`); either is left out without them.
    """
    options = options or ReportOptions()
    if events.empty:
        raise SettingsError("no events to report on: the filters leave none")
    tell = progress or (lambda _f, _m: None)
    builders: dict[str, Callable[[], Section]] = {
        "journeys": lambda: _journeys(events, options),
        "phases": lambda: _phases(events, options),
        "network": lambda: _network(events, options),
        "funnel": lambda: _funnel(events),
        "attribution": lambda: _attribution(events, options),
        "sentiment": lambda: _sentiment(events, transcripts),
        "next_best_action": lambda: _next_best_action(next_best_action),
    }
    sections = []
    for i, key in enumerate(options.sections):
        tell(i / (len(options.sections) + 1), SECTION_TITLES[key])
        if key == "sentiment" and (transcripts is None or transcripts.empty):
            continue
        if key == "next_best_action" and next_best_action is None:
            continue
        sections.append(builders[key]())
    figures, summary = _key_figures(events, sections)
    tell(1.0, "done")
    return ReportContent(
        title=options.title,
        dataset=options.dataset,
        filters=options.filters,
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        key_figures=figures,
        summary=summary,
        key_tables=tuple(table for s in sections for table in s.key_tables),
        sections=tuple(sections),
    )


def _key_figures(
    events: pd.DataFrame, sections: Sequence[Section]
) -> tuple[tuple[KeyFigure, ...], tuple[str, ...]]:
    """Customers, conversions, revenue, and the headline sentence of each section."""
    kpis = overview.kpis(events)
    figures = (
        KeyFigure("Customers", narrative.count(kpis["customers"])),
        KeyFigure("Conversions", narrative.count(kpis["conversions"])),
        KeyFigure("Customers converting", narrative.percent(kpis["conversion_rate"])),
        KeyFigure("Revenue", f"{float(kpis['revenue']):,.0f}"),
        *(figure for s in sections for figure in s.key_figures),
    )
    summary = [narrative.kpi_sentence(kpis)]
    summary += [s.sentences[0] for s in sections if s.sentences]
    return figures, tuple(summary)


def _shown(frame: pd.DataFrame, formats: dict[str, str]) -> pd.DataFrame:
    """A copy of `frame` with the listed columns formatted ('pct', 'int', 'num') as strings."""
    out = frame.copy()
    for column, kind in formats.items():
        values = out[column]
        if kind == "pct":
            out[column] = [narrative.percent(v) for v in values]
        elif kind == "int":
            out[column] = [narrative.count(v) for v in values]
        else:
            out[column] = [f"{v:,.2f}" for v in values]
    return out.astype(str)


def _sentences(*candidates: str | None) -> tuple[str, ...]:
    return tuple(c for c in candidates if c)


def _journeys(events: pd.DataFrame, options: ReportOptions) -> Section:
    level = options.level
    steps, _fold, dominant = scope.focused_step_flows(
        events, level, options.steps, False, options.top_k, None, None, "fold"
    )
    top = flows.top_paths(events, level, False, n=5)
    figure = sankey.build_sankey(steps, level=level, node_phase=dominant, height=560)
    shown = _shown(
        top[["path", "customers", "share", "conversion_rate"]],
        {"customers": "int", "share": "pct", "conversion_rate": "pct"},
    )
    top_figures = ()
    if len(top):
        top_figures = (KeyFigure("Most common journey", str(top["path"].iloc[0])),)
    return Section(
        key="journeys",
        title=SECTION_TITLES["journeys"],
        sentences=_sentences(narrative.top_path_sentence(top), narrative.step_flow_sentence(steps)),
        charts=(
            Chart(
                "step_sankey",
                f"Step flows by {level}, first {options.steps} steps",
                figure,
                "Each column is a position in the journey; every column adds up to all customers.",
            ),
        ),
        tables=(Table("Top journeys", shown),),
        key_figures=top_figures,
        key_tables=(Table("Top journeys", shown),),
    )


def _phases(events: pd.DataFrame, options: ReportOptions) -> Section:
    by_phase = flows.phase_flows(events, options.level)
    summary = phases.phase_summary(events)
    charts_ = ()
    if len(by_phase):
        charts_ = (
            Chart(
                "phase_sankey",
                f"Flows between phases by {options.level}",
                sankey.build_phase_sankey(by_phase, height=560),
                "Awareness, onboarding, engagement and post-purchase, left to right.",
            ),
        )
    shown = _shown(
        summary[["phase", "customers", "events", "share_of_customers"]],
        {"customers": "int", "events": "int", "share_of_customers": "pct"},
    )
    return Section(
        key="phases",
        title=SECTION_TITLES["phases"],
        sentences=_sentences(narrative.phase_sentence(summary)),
        charts=charts_,
        tables=(Table("Customers per phase", shown),),
    )


def _network(events: pd.DataFrame, options: ReportOptions) -> Section:
    transitions, stats = scope.focused_network(events, options.level, False, False, None, "fold")
    page = network.network_page(
        transitions, stats, min_weight=1, max_nodes=40, title="Journey network", height="600px"
    )
    shown = _shown(
        transitions.head(10)[["source", "target", "count", "customers"]],
        {"count": "int", "customers": "int"},
    )
    return Section(
        key="network",
        title=SECTION_TITLES["network"],
        sentences=_sentences(
            narrative.network_sentence(transitions),
            narrative.network_shown_sentence(page.n_nodes, page.n_edges, page.n_hidden_nodes),
        ),
        tables=(Table("Strongest links", shown),),
        network_html=page.html if page.n_edges else "",
    )


def _funnel(events: pd.DataFrame) -> Section:
    stages = funnels.default_funnel(events, TOUCHPOINT)
    dropoffs = funnels.biggest_dropoffs(events, TOUCHPOINT, False, n=10)
    charts_: list[Chart] = []
    tables: list[Table] = []
    funnel_sentence = None
    if stages:
        result = funnels.funnel(events, stages, TOUCHPOINT)
        funnel_sentence = narrative.funnel_sentence(result)
        charts_.append(
            Chart("funnel", "Funnel", charts.build_funnel(result), "Customers reaching each stage.")
        )
        columns = ["stage", "customers", "conversion_rate", "step_conversion_rate"]
        formats = {"customers": "int", "conversion_rate": "pct", "step_conversion_rate": "pct"}
        tables.append(Table("Funnel", _shown(result[columns], formats)))
    charts_.append(
        Chart(
            "dropoffs",
            "Biggest drop-off points",
            charts.build_dropoff_bars(dropoffs),
            "Customers whose journey ended at a touchpoint without a conversion.",
        )
    )
    key_figures = ()
    if len(dropoffs) and int(dropoffs["ended_here"].iloc[0]):
        top = dropoffs.iloc[0]
        value = f"{top['node']} ({narrative.percent(top['dropoff_rate'])})"
        key_figures = (KeyFigure("Biggest drop-off", value),)
    return Section(
        key="funnel",
        title=SECTION_TITLES["funnel"],
        sentences=_sentences(narrative.dropoff_sentence(dropoffs), funnel_sentence),
        charts=tuple(charts_),
        tables=tuple(tables),
        key_figures=key_figures,
    )


def _attribution(events: pd.DataFrame, options: ReportOptions) -> Section:
    settings = attribution.DEFAULT_SETTINGS
    result = attribution.attribute(events, settings)
    intervals = uncertainty.bootstrap_shares(events, settings, n_resamples=options.n_resamples)
    extremes = narrative.best_and_worst(result)
    figure = attribution_charts.build_attribution_bars(
        result, intervals, model_labels=attribution.MODEL_NAMES, height=520
    )
    shown = _shown(
        extremes.assign(model=[attribution.MODEL_NAMES[m] for m in extremes["model"]]),
        {"best_share": "pct", "worst_share": "pct"},
    )
    return Section(
        key="attribution",
        title=SECTION_TITLES["attribution"],
        sentences=_sentences(
            narrative.first_touch_sentence(result),
            narrative.attribution_sentence(extremes),
            *(narrative.model_sentence(row) for _, row in extremes.iterrows()),
        ),
        charts=(
            Chart(
                "attribution",
                "Share of conversions by channel under each model",
                figure,
                f"Bars: each model's share; whiskers: 95% bootstrap intervals "
                f"({options.n_resamples} resamples of customers).",
            ),
        ),
        tables=(Table("Best and worst channel per model", shown),),
        key_tables=(Table("Best and worst channel per model", shown),),
    )


def _sentiment(events: pd.DataFrame, transcripts: pd.DataFrame | None) -> Section:
    if transcripts is None:
        raise SettingsError("the sentiment section needs transcripts")
    scored = score.score_transcripts(transcripts.drop(columns=[LABEL], errors="ignore"))
    figures = score.summary_figures(scored)
    drivers = insights.sentiment_drivers(scored.rows)
    by_touchpoint = insights.sentiment_by(insights.link_to_events(scored.rows, events), TOUCHPOINT)
    spots = narrative.hot_spots(by_touchpoint, TOUCHPOINT)
    charts_ = ()
    if len(by_touchpoint):
        charts_ = (
            Chart(
                "sentiment",
                "Customer sentiment by touchpoint",
                charts.build_sentiment_bars(by_touchpoint, TOUCHPOINT),
                "Mean customer sentiment from -1 (negative) to +1 (positive).",
            ),
        )
    shown_drivers = _shown(
        drivers[["term", "direction", "n_negative", "n_positive"]].head(12),
        {"n_negative": "int", "n_positive": "int"},
    )
    key_figures = ()
    if len(spots):
        top = spots.iloc[0]
        value = f"{top[TOUCHPOINT]} ({narrative.percent(top['share_negative'])} negative)"
        key_figures = (KeyFigure("Sentiment hot spot", value),)
    return Section(
        key="sentiment",
        title=SECTION_TITLES["sentiment"],
        sentences=_sentences(
            narrative.sentiment_sentence(figures),
            narrative.hot_spot_sentence(spots, TOUCHPOINT),
            narrative.driver_sentence(drivers),
        ),
        charts=charts_,
        tables=(Table("Sentiment drivers", shown_drivers),),
        key_figures=key_figures,
    )


def _mix_label(action: object, channel: object) -> str:
    """A bar's name in the mix chart: the action id, with its channel when it has one."""
    return f"{action} · {channel}" if channel else str(action)


def nba_mix_chart(mix: pd.DataFrame, height: int | None = None) -> go.Figure:
    """Customers per next best action, one horizontal bar per action and channel, by rule.

    Args:
        mix: `recommend.decision_mix` frame (rule, action, channel, customers).
        height: Figure height in pixels (default: grows with the number of bars).
    """
    labels = [_mix_label(a, c) for a, c in zip(mix["action"], mix["channel"], strict=True)]
    frame = mix.assign(label=labels)
    order = frame.groupby("label", sort=False)["customers"].sum()
    order = order.sort_values(ascending=False, kind="stable").index.tolist()
    figure = go.Figure()
    for rule in dict.fromkeys(frame["rule"]):
        part = frame[frame["rule"] == rule]
        color = palette.cycle_color(RULE_IDS.index(rule) if rule in RULE_IDS else len(RULE_IDS))
        figure.add_trace(
            go.Bar(
                x=part["customers"].tolist(),
                y=[plotly_text(v) for v in part["label"]],
                name=plotly_text(rule),
                orientation="h",
                marker={"color": color},
                hovertemplate="%{y}<br>%{x:,} customers (rule %{fullData.name})<extra></extra>",
            )
        )
    figure = apply_layout(figure, None, height or max(320, 26 * len(order) + 120))
    figure.update_layout(
        barmode="stack", legend={"title": {"text": "rule"}, "traceorder": "normal"}
    )
    figure.update_yaxes(
        autorange="reversed",
        categoryorder="array",
        categoryarray=[plotly_text(v) for v in order],
        **category_ticks(order),
    )
    figure.update_xaxes(rangemode="tozero", separatethousands=True, title={"text": "customers"})
    return figure


def _next_best_action(nba: NextBestActionInput | None) -> Section:
    if nba is None:
        raise SettingsError("the next best action section needs the decisions")
    mix = recommend.decision_mix(nba.decisions)
    total = int(mix["customers"].sum())
    if total == 0:
        raise SettingsError("the next best action section needs at least one decision")
    largest_first = mix.sort_values("customers", ascending=False, kind="stable")
    shown_mix = _shown(
        largest_first.assign(share=largest_first["customers"] / total),
        {"customers": "int", "share": "pct"},
    )
    matrix = nba.matrix[["value", "propensity", "customers", "journey"]]
    matrix_total = max(int(matrix["customers"].sum()), 1)
    shown_matrix = _shown(
        matrix.assign(share=matrix["customers"] / matrix_total)[
            ["value", "propensity", "customers", "share", "journey"]
        ],
        {"customers": "int", "share": "pct"},
    )
    touched = int(mix.loc[mix["action"] != narrative.NO_ACTION, "customers"].sum())
    key_figures = [
        KeyFigure(
            "Customers with a next touch",
            f"{narrative.count(touched)} ({narrative.percent(touched / total)})",
        )
    ]
    top = narrative.top_actions(mix, NBA_TOP_ACTIONS)
    if top:
        key_figures.append(KeyFigure("Next best action mix", top))
    day = f"{pd.Timestamp(nba.cutoff):%Y-%m-%d}"
    return Section(
        key="next_best_action",
        title=SECTION_TITLES["next_best_action"],
        sentences=_sentences(
            narrative.nba_mix_sentence(mix, nba.cutoff),
            narrative.nba_rules_sentence(mix),
            narrative.nba_wait_sentence(mix),
            narrative.value_propensity_sentence(nba.matrix),
        ),
        charts=(
            Chart(
                "next_best_action_mix",
                f"Next best action per customer at the cut-off {day}",
                nba_mix_chart(mix),
                "Customers per action and channel, coloured by the rule that chose it; the "
                "model ranks actions by expected lift (model), an association learnt from "
                "history, not a measured causal effect.",
            ),
        ),
        tables=(
            Table("Next best action mix", shown_mix),
            Table("Value x propensity", shown_matrix),
        ),
        key_figures=tuple(key_figures),
    )
