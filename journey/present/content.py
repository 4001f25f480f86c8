"""A report's content, computed once: key figures, charts, tables and sentences per section.

`build_report` runs the engine queries the app's pages run (`journey.query.engine`,
`journey.attribution.engine`, the engine's sentiment link) over one prepared-events
relation, so a report of any size makes no pandas copy of the events; only the scored
transcripts (far fewer) stay pandas. Each section is then built from its computed tables
by a `*_section` function (the tests build the same sections from the pandas reference
functions and compare). The next best actions come in already decided
(`NextBestActionInput`, from `journey.recommend`), so nothing here trains a model.
`journey.present.html` and `journey.present.deck` only render what it returns, so the HTML
report and the deck always say the same thing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pandas as pd
import plotly.graph_objects as go

from journey.attribution import engine as engine_attribution
from journey.attribution import models as attribution
from journey.errors import SettingsError
from journey.present import narrative, opening
from journey.query import scope
from journey.query.engine import funnels as engine_funnels
from journey.query.engine import results
from journey.query.engine import scored as engine_scored
from journey.query.engine import sentiment as engine_sentiment
from journey.query.engine.common import temp_name
from journey.query.engine.runner import Runner
from journey.recommend.rules import RULE_IDS
from journey.schema import CHANNEL, LABEL, TOUCHPOINT
from journey.sentiment import insights, score
from journey.sentiment import sample as sentiment_sample
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
TOP_PATHS = 5  # rows of the "Top journeys" table
DROPOFFS = 10  # bars of the "Biggest drop-off points" chart

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


@dataclass(frozen=True)
class SentimentInput:
    """The sentiment section's figures, computed before the report (see `sentiment_input`)."""

    figures: dict[str, float | int]  # `score.summary_figures`
    drivers: pd.DataFrame  # `insights.sentiment_drivers` of the customer texts (or a sample)
    by_touchpoint: pd.DataFrame  # `insights.sentiment_by` touchpoint of the linked rows


@dataclass(frozen=True)
class Kept:
    """Relations already built for the report's events, read instead of built again.

    `paths`: the events' path table at the report's level with repeats collapsed and the
    events' phase (`flows.path_table(..., keep_repeats=False, phase=True)`, e.g. a kept
    path file); `touches`: the attribution touches of the default settings' path spec
    (`attribution.sql.touches_sql`). Either may be None: it is built for the call then.
    """

    paths: str | None = None
    touches: str | None = None


def build_report(
    runner: Runner,
    events: str,
    transcripts: score.ScoredTranscripts | pd.DataFrame | SentimentInput | None = None,
    options: ReportOptions | None = None,
    next_best_action: NextBestActionInput | None = None,
    progress: ProgressFn | None = None,
    kept: Kept | None = None,
) -> ReportContent:
    """Compute a report on the engine from a prepared-events relation (`events` on `runner`).

    Every figure is the engine query the app's pages show (journey map, phases, network,
    funnels, attribution, sentiment); no pandas copy of the events is made. `transcripts`
    are the sentiment section's figures computed on the engine (`SentimentInput`), scored
    rows (`ScoredTranscripts`, as the Sentiment page reads them) or accepted transcripts,
    scored here with the default scorer; without them the sentiment section is left out, as
    is the next-best-action section without `next_best_action` (decided by
    `journey.recommend`). `kept` names relations of these events built already.
    """
    options = options or ReportOptions()
    kept = kept or Kept()
    kpis = opening.overview_kpis(runner, events)
    if not kpis["events"]:
        raise SettingsError("no events to report on: the filters leave none")
    sentiment = (
        _sentiment_input(runner, events, transcripts) if "sentiment" in options.sections else None
    )
    builders: dict[str, Callable[[], Section]] = {
        "journeys": lambda: _engine_journeys(runner, events, options, kept.paths),
        "phases": lambda: phases_section(
            opening.phase_flows(runner, events, options.level),
            opening.phase_summary(runner, events),
            options,
        ),
        "network": lambda: network_section(*_engine_network(runner, events, options, kept.paths)),
        "funnel": lambda: _engine_funnel(runner, events),
        "attribution": lambda: _engine_attribution(runner, events, options, kept.touches),
        "sentiment": lambda: _sentiment_of(sentiment),
        "next_best_action": lambda: next_best_action_section(next_best_action),
    }
    return assemble(options, kpis, builders, sentiment is not None, next_best_action, progress)


def assemble(
    options: ReportOptions,
    kpis: dict[str, object],
    builders: dict[str, Callable[[], Section]],
    has_transcripts: bool,
    next_best_action: NextBestActionInput | None,
    progress: ProgressFn | None = None,
) -> ReportContent:
    """The report of the chosen sections (each built by `builders[key]`) and the key figures.

    The sentiment section is left out without transcripts, the next-best-action one without
    decisions; `kpis` is `overview.kpis` of the events.
    """
    tell = progress or (lambda _f, _m: None)
    sections = []
    for i, key in enumerate(options.sections):
        tell(i / (len(options.sections) + 1), SECTION_TITLES[key])
        if key == "sentiment" and not has_transcripts:
            continue
        if key == "next_best_action" and next_best_action is None:
            continue
        sections.append(builders[key]())
    figures, summary = _key_figures(kpis, sections)
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


def _sentiment_input(
    runner: Runner,
    events: str,
    transcripts: score.ScoredTranscripts | pd.DataFrame | SentimentInput | None,
) -> SentimentInput | None:
    """The sentiment section's inputs from what was given (None: no transcript rows)."""
    if isinstance(transcripts, SentimentInput):
        return transcripts if transcripts.figures.get("rows") else None
    scored = _scored(transcripts)
    return None if scored is None else _engine_sentiment(runner, events, scored)


def _scored(
    transcripts: score.ScoredTranscripts | pd.DataFrame | None,
) -> score.ScoredTranscripts | None:
    """Scored transcripts as given, or accepted ones scored with the default scorer (None: none)."""
    if transcripts is None:
        return None
    if isinstance(transcripts, score.ScoredTranscripts):
        return transcripts if len(transcripts.rows) else None
    if transcripts.empty:
        return None
    return score.score_transcripts(transcripts.drop(columns=[LABEL], errors="ignore"))


def _engine_journeys(
    runner: Runner, events: str, options: ReportOptions, paths: str | None
) -> Section:
    """The journey map's step flows (folded, with dominant phases) and top five paths."""
    steps, _fold, phases, top = opening.journey_map(
        runner,
        events,
        paths,
        options.level,
        options.steps,
        False,
        options.top_k,
        n=TOP_PATHS,
    )
    return journeys_section(steps, scope.dominant_phases(phases), top, options)


def _engine_network(
    runner: Runner, events: str, options: ReportOptions, paths: str | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The network map's transitions and node statistics (repeats collapsed, no end nodes)."""
    return opening.network_map(runner, events, paths, options.level, False, False)


def funnel_data(runner: Runner, events: str) -> tuple[pd.DataFrame | None, pd.DataFrame]:
    """The proposed funnel by touchpoint (None: none proposed) and its biggest drop-offs.

    Kept for a dataset's whole view (`results.kept`).
    """

    def compute() -> tuple[pd.DataFrame | None, pd.DataFrame]:
        stages = engine_funnels.default_funnel(runner, events, TOUCHPOINT)
        dropoffs = engine_funnels.biggest_dropoffs(runner, events, TOUCHPOINT, False, n=DROPOFFS)
        result = engine_funnels.funnel(runner, events, stages, TOUCHPOINT) if stages else None
        return result, dropoffs

    return results.kept(events, "report_funnel", (TOUCHPOINT, DROPOFFS), compute)


def _engine_funnel(runner: Runner, events: str) -> Section:
    """The Funnels page's proposed funnel by touchpoint and its biggest drop-offs."""
    return funnel_section(*funnel_data(runner, events))


def attribution_data(
    runner: Runner, events: str, n_resamples: int, touches: str | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every model's shares at the default settings and their bootstrap intervals, kept."""
    settings = attribution.DEFAULT_SETTINGS

    def compute() -> tuple[pd.DataFrame, pd.DataFrame]:
        inputs = engine_attribution.engine_inputs(runner, events, settings, touches=touches)
        result = engine_attribution.attribute_inputs(inputs, settings)
        intervals = engine_attribution.engine_bootstrap_shares(
            runner, events, settings, n_resamples=n_resamples, touches=touches
        )
        return result, intervals

    return results.kept(events, "report_attribution", (settings, n_resamples), compute)


def _engine_attribution(
    runner: Runner, events: str, options: ReportOptions, touches: str | None
) -> Section:
    """Every model's shares at the default settings with bootstrap intervals, on the engine."""
    result, intervals = attribution_data(runner, events, options.n_resamples, touches)
    return attribution_section(result, intervals, options)


def _engine_sentiment(
    runner: Runner, events: str, scored: score.ScoredTranscripts
) -> SentimentInput:
    """Headline figures and drivers of the scored rows; sentiment by touchpoint on the engine."""
    rows = temp_name("report_sentiment_rows")
    runner.register_frame(rows, engine_sentiment.conform_rows(scored.rows))
    try:
        by_touchpoint = _by_touchpoint(runner, rows, events)
    finally:
        runner.drop(rows)
    # as the Sentiment page: word counts read a bounded sample of a big scope's texts
    drivers = insights.sentiment_drivers(sentiment_sample.text_sample(scored.rows))
    return SentimentInput(score.summary_figures(scored), drivers, by_touchpoint)


def sentiment_input(runner: Runner, rows: str, turns: str, events: str) -> SentimentInput:
    """The sentiment section's inputs from scored views (`engine_scored.scored_relation`).

    All on the engine, as the Sentiment page computes them: headline figures, drivers of at
    most `TEXT_SAMPLE_ROWS` customer texts (the page's seeded sample) and sentiment by the
    touchpoint each row links to in `events`. Kept for a dataset's whole view.
    """

    def compute() -> SentimentInput:
        figures = engine_sentiment.summary_figures(runner, rows, turns)
        texts = engine_scored.text_sample(runner, rows, sentiment_sample.TEXT_SAMPLE_ROWS)
        by_touchpoint = _by_touchpoint(runner, rows, events)
        return SentimentInput(figures, insights.sentiment_drivers(texts), by_touchpoint)

    args = (rows, turns, sentiment_sample.TEXT_SAMPLE_ROWS)
    return results.kept(events, "report_sentiment", args, compute)


def warm_report(
    runner: Runner, events: str, kept: Kept, scored: tuple[str, str] | None = None
) -> None:
    """Keep the report's data at its default options for a whole view (`load` calls it).

    `scored` names the scored rows and turns views of the default scores, when there are
    transcripts. The journey map, phases and network sections share the pages' kept results.
    """
    options = ReportOptions()
    opening.overview_kpis(runner, events)
    _engine_journeys(runner, events, options, kept.paths)
    opening.phase_flows(runner, events, options.level)
    _engine_network(runner, events, options, kept.paths)
    funnel_data(runner, events)
    attribution_data(runner, events, options.n_resamples, kept.touches)
    if scored is not None:
        sentiment_input(runner, scored[0], scored[1], events)


def _by_touchpoint(runner: Runner, rows: str, events: str) -> pd.DataFrame:
    """Customer sentiment by the touchpoint each scored row links to in `events`."""
    linked = temp_name("report_sentiment_linked")
    engine_sentiment.link_table(runner, linked, rows, events)
    try:
        return engine_sentiment.sentiment_by(runner, linked, TOUCHPOINT)
    finally:
        runner.drop(linked)


def _sentiment_of(sentiment: SentimentInput | None) -> Section:
    """The sentiment section of computed inputs."""
    if sentiment is None:
        raise SettingsError("the sentiment section needs transcripts")
    return sentiment_section(sentiment.figures, sentiment.drivers, sentiment.by_touchpoint)


def _key_figures(
    kpis: dict[str, object], sections: Sequence[Section]
) -> tuple[tuple[KeyFigure, ...], tuple[str, ...]]:
    """Customers, conversions, revenue, and the headline sentence of each section."""
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


# -- sections from computed tables (the engine's here, pandas' in the tests' oracle) ---------


def journeys_section(
    steps: pd.DataFrame, dominant: dict[str, str], top: pd.DataFrame, options: ReportOptions
) -> Section:
    """Step flows (`flows.step_flows` folded), node -> dominant phase, top paths (first 5)."""
    level = options.level
    top = top.head(TOP_PATHS)
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


def phases_section(
    by_phase: pd.DataFrame, summary: pd.DataFrame, options: ReportOptions
) -> Section:
    """Flows between phases (`flows.phase_flows`) and customers per phase (`phase_summary`)."""
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


def network_section(transitions: pd.DataFrame, stats: pd.DataFrame) -> Section:
    """The network page of the transitions and node statistics, and the strongest links."""
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


def funnel_section(result: pd.DataFrame | None, dropoffs: pd.DataFrame) -> Section:
    """The proposed funnel's result (None: no funnel proposed) and the biggest drop-offs."""
    charts_: list[Chart] = []
    tables: list[Table] = []
    funnel_sentence = None
    if result is not None:
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


def attribution_section(
    result: pd.DataFrame, intervals: pd.DataFrame, options: ReportOptions
) -> Section:
    """Each model's channel shares (`attribute`) with their bootstrap intervals."""
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


def sentiment_section(
    figures: dict[str, float | int], drivers: pd.DataFrame, by_touchpoint: pd.DataFrame
) -> Section:
    """Headline figures (`summary_figures`), drivers, and sentiment by linked touchpoint."""
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


def next_best_action_section(nba: NextBestActionInput | None) -> Section:
    """The decisions' mix by action, channel and rule, and the value x propensity matrix."""
    # imported here: the recommender loads scikit-learn, which the app's start does without
    from journey.recommend import pipeline as recommend

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
