"""The pages' computations, kept for a dataset's whole view, and the settings each page opens with.

Each function here is what one page asks the engine for, wrapped in `results.kept`: on a
dataset's whole view it is computed once and read back by every later session, restart and
report; on a filtered scope it is computed each time. The `*_opening` functions give the
arguments a page opens with (the same defaults its widgets show), and `warm_pages` computes
them all once: `python -m journey load` calls it (through `files.warm`), so a stored
dataset's pages open on ready results even at 10 million events.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from typing import Final

import pandas as pd

from journey.attribution import engine as engine_attribution
from journey.attribution import models as attribution
from journey.attribution.heuristic import DEFAULT_HALF_LIFE_DAYS
from journey.attribution.markov import MARKOV_ORDERS, MarkovResult
from journey.attribution.models import MODELS, AttributionSettings
from journey.query.engine import compare as engine_compare
from journey.query.engine import files, results
from journey.query.engine import flows as engine_flows
from journey.query.engine import funnels as engine_funnels
from journey.query.engine import maps as engine_maps
from journey.query.engine import metrics as engine_metrics
from journey.query.engine import overview as engine_overview
from journey.query.engine import scored as engine_scored
from journey.query.engine import sentiment as engine_sentiment
from journey.query.engine.features import time_span
from journey.query.engine.filters import columns_of, values_of
from journey.query.engine.runner import DuckDBRunner, Runner
from journey.query.engine.scored import ScoredRelation
from journey.query.flows import FoldResult
from journey.query.metrics import default_qualifying
from journey.query.scope import CohortComparison, Cohorts
from journey.query.segments import DEFAULT_WINDOW_DAYS
from journey.schema import (
    ATTRIBUTION_LEVELS,
    CHANNEL,
    EVENT_TYPE,
    LEVELS,
    PHASE,
    TOUCHPOINT,
    ProgressFn,
)
from journey.sentiment import sample as sentiment_sample

METRICS_GRANULARITY: Final = "week"  # the Channel metrics page's opening period
FUNNEL_DROPOFF_LEVELS: Final = (TOUCHPOINT,)  # the Funnels page's drop-offs shown first
FUNNEL_DROPOFFS_SHOWN: Final = 15
MAP_STEPS: Final = 5  # the Journey map's opening steps and top-K
MAP_TOP_K: Final = 8
NETWORK_END_NODES: Final = False  # the Network map opens without the end nodes
TOP_PATHS: Final = 20
POSITION_FIRST_PCT: Final = 40  # the Attribution page's opening position-based weights (%)
POSITION_LAST_PCT: Final = 40
# the word work's sample: its size and seed are part of a kept sentiment result's key
SENTIMENT_SAMPLE: Final = (sentiment_sample.TEXT_SAMPLE_ROWS,)

InputsFn = Callable[[], engine_attribution.EngineInputs]  # the attribution pass, when needed

# -- overview -------------------------------------------------------------------------------


def overview_kpis(runner: Runner, view: str) -> dict[str, object]:
    """The Overview's key figures of a view (`overview.kpis`), kept for a whole view."""
    return results.kept(view, "overview_kpis", (), lambda: engine_overview.kpis(runner, view))


def channel_overview(runner: Runner, view: str) -> pd.DataFrame:
    """The Overview's channel table of a view (`overview.channel_overview`), kept."""
    return results.kept(
        view, "channel_overview", (), lambda: engine_overview.channel_overview(runner, view)
    )


def phase_summary(runner: Runner, view: str) -> pd.DataFrame:
    """The Overview's phase table of a view (`overview.phase_summary`), kept."""
    return results.kept(
        view, "phase_summary", (), lambda: engine_overview.phase_summary(runner, view)
    )


# -- maps -----------------------------------------------------------------------------------


def journey_map(
    runner: Runner,
    view: str,
    path: str | None,
    level: str,
    steps: int,
    keep_repeats: bool,
    top_k: int,
    n: int = TOP_PATHS,
) -> tuple[pd.DataFrame, FoldResult, pd.DataFrame, pd.DataFrame]:
    """Step flows, their fold, dominant phases and top `n` paths of a view (kept: whole views).

    `path` is the view's kept path table (`files.path_file`) when there is one.
    """

    def compute() -> tuple[pd.DataFrame, FoldResult, pd.DataFrame, pd.DataFrame]:
        if path is not None:
            found = engine_maps.journey_map_on_path(runner, path, steps, top_k, n=n)
        else:
            found = engine_maps.journey_map(runner, view, level, steps, keep_repeats, top_k, n=n)
        return found.steps, found.fold, found.phases, found.top_paths

    args = (level, steps, keep_repeats, top_k, n)
    return results.kept(view, "journey_map", args, compute)


def phase_flows(runner: Runner, view: str, level: str) -> pd.DataFrame:
    """Customers' flows between phases at `level` (`flows.phase_flows`), kept for a whole view."""
    return results.kept(
        view, "phase_flows", (level,), lambda: engine_flows.phase_flows(runner, view, level)
    )


def network_map(
    runner: Runner,
    view: str,
    path: str | None,
    level: str,
    keep_repeats: bool,
    end_nodes: bool,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Transitions and node stats of a view (the network map's inputs), kept for a whole view."""

    def compute() -> tuple[pd.DataFrame, pd.DataFrame]:
        if path is not None:
            return engine_maps.network_map_on_path(runner, path, end_nodes)
        return engine_maps.network_map(runner, view, level, keep_repeats, end_nodes)

    return results.kept(view, "network_map", (level, keep_repeats, end_nodes), compute)


def compare_cohorts(
    runner: Runner, view: str, cohorts: Cohorts, level: str, keep_repeats: bool, steps: int
) -> CohortComparison:
    """Both cohorts' figures and their comparison (`compare.compare_cohorts`), kept."""
    return results.kept(
        view,
        "compare_cohorts",
        (cohorts, level, keep_repeats, steps),
        lambda: engine_compare.compare_cohorts(runner, view, cohorts, level, keep_repeats, steps),
    )


# -- funnels --------------------------------------------------------------------------------


def funnel_page(runner: Runner, view: str, by: str) -> engine_funnels.FunnelPage:
    """The Funnels page's first render by `by` (`funnels.funnel_page`), kept for a whole view."""
    args = (by, FUNNEL_DROPOFF_LEVELS, FUNNEL_DROPOFFS_SHOWN)
    return results.kept(
        view,
        "funnel_page",
        args,
        lambda: engine_funnels.funnel_page(
            runner, view, by, FUNNEL_DROPOFF_LEVELS, n=FUNNEL_DROPOFFS_SHOWN
        ),
    )


def funnel_levels(columns: Sequence[str]) -> list[str]:
    """The levels the Funnels page offers (touchpoint, channel, event type: those present)."""
    return [c for c in (TOUCHPOINT, CHANNEL, EVENT_TYPE) if c in columns]


def funnel_by_opening(columns: Sequence[str]) -> str | None:
    """The level the Funnels page opens on: the first it offers."""
    return next(iter(funnel_levels(columns)), None)


# -- attribution ----------------------------------------------------------------------------


def attribution_levels(columns: Sequence[str]) -> list[str]:
    """The levels the Attribution and Channel metrics pages offer (those present)."""
    return [lv for lv in ATTRIBUTION_LEVELS if lv in columns]


def qualifying_sources(columns: Sequence[str]) -> list[str]:
    """The columns the Channel metrics page picks qualifying events from (those present)."""
    return [c for c in (EVENT_TYPE, TOUCHPOINT) if c in columns]


def attribution_opening(columns: Sequence[str]) -> AttributionSettings | None:
    """The Attribution page's opening settings (every model, its widgets' defaults)."""
    level = next(iter(attribution_levels(columns)), None)
    if level is None:
        return None
    return AttributionSettings(
        models=tuple(MODELS),
        level=level,
        window_days=float(DEFAULT_WINDOW_DAYS),
        exclude_channels=(),
        exclude_event_types=(),
        half_life_days=float(DEFAULT_HALF_LIFE_DAYS),
        position_weights=(
            POSITION_FIRST_PCT / 100,
            (100 - POSITION_FIRST_PCT - POSITION_LAST_PCT) / 100,
            POSITION_LAST_PCT / 100,
        ),
        markov_order=int(MARKOV_ORDERS[0]),
    )


def markov_chain_settings(settings: AttributionSettings) -> AttributionSettings:
    """Only what a Markov chain depends on: other models' settings must not refit it."""
    return dataclasses.replace(
        attribution.DEFAULT_SETTINGS,
        models=("markov",),
        level=settings.level,
        window_days=settings.window_days,
        exclude_channels=settings.exclude_channels,
        exclude_event_types=settings.exclude_event_types,
        markov_order=settings.markov_order,
    )


def inputs_settings(settings: AttributionSettings) -> AttributionSettings:
    """The settings the touches pass depends on (the Markov order only when Markov is chosen)."""
    if "markov" in settings.models:
        return settings
    return dataclasses.replace(settings, markov_order=attribution.DEFAULT_SETTINGS.markov_order)


def lazy_inputs(
    runner: Runner, view: str, settings: AttributionSettings, touches: str | None
) -> InputsFn:
    """The engine's one pass over a view's touches (`engine_inputs`), run on first call only."""
    found: list[engine_attribution.EngineInputs] = []

    def inputs() -> engine_attribution.EngineInputs:
        if not found:
            found.append(engine_attribution.engine_inputs(runner, view, settings, touches=touches))
        return found[0]

    return inputs


def attribution_result(
    view: str, settings: AttributionSettings, inputs: InputsFn
) -> tuple[pd.DataFrame, str]:
    """Every model's credit of a view and how Shapley was computed, kept for a whole view.

    `inputs` gives the engine's one pass over the touches (called only when not kept).
    """

    def compute() -> tuple[pd.DataFrame, str]:
        result = engine_attribution.attribute_inputs(inputs(), settings)
        return result, str(result.attrs.get("shapley_method", ""))

    return results.kept(view, "attribution_result", (settings,), compute)


def attribution_markov(
    runner: Runner,
    view: str,
    settings: AttributionSettings,
    inputs: InputsFn | None,
) -> MarkovResult:
    """The Markov chain of a view for `settings`, kept for a whole view.

    With `inputs` (Markov among the models), the chain is the one those inputs fitted.
    """
    chain = markov_chain_settings(settings)

    def compute() -> MarkovResult:
        if inputs is not None:
            found = inputs().markov
            if found is not None:
                return found
        return engine_attribution.engine_fit_markov(runner, view, chain)

    return results.kept(view, "attribution_markov", (chain,), compute)


# -- channel metrics ------------------------------------------------------------------------


def date_span(runner: Runner, view: str) -> tuple[dt.date, dt.date] | None:
    """The first and last day of a view's events, None when it has none."""
    first, last = time_span(runner, view)
    if first is None or last is None:
        return None
    return first.date(), last.date()


@dataclasses.dataclass(frozen=True)
class MetricsArgs:
    """What the Channel metrics page computes with: range, period, level, qualifying events."""

    start: dt.date
    end: dt.date
    granularity: str
    level: str
    qualifying: tuple[str, ...]
    qualifying_column: str
    window_days: float


def metrics_opening(runner: Runner, view: str) -> MetricsArgs | None:
    """The Channel metrics page's opening settings (None: no events or no level to show)."""
    span = date_span(runner, view)
    columns = columns_of(runner, view)
    level = next(iter(attribution_levels(columns)), None)
    if span is None or level is None:
        return None
    qualifying_column = next(iter(qualifying_sources(columns)), EVENT_TYPE)
    options = values_of(runner, view, qualifying_column) if qualifying_column in columns else []
    return MetricsArgs(
        start=span[0],
        end=span[1],
        granularity=METRICS_GRANULARITY,
        level=level,
        qualifying=tuple(default_qualifying(options)),
        qualifying_column=qualifying_column,
        window_days=float(DEFAULT_WINDOW_DAYS),
    )


def channel_metrics(runner: Runner, view: str, args: MetricsArgs) -> pd.DataFrame:
    """Channel metrics by period of a view (`metrics.channel_metrics`), kept for a whole view."""
    return results.kept(
        view,
        "channel_metrics",
        dataclasses.astuple(args),
        lambda: engine_metrics.channel_metrics(runner, view, *dataclasses.astuple(args)),
    )


def contact_list(
    runner: Runner, view: str, start: dt.date, end: dt.date, level: str, whole_span: bool
) -> pd.DataFrame:
    """The contact list of a view (`metrics.contact_list`), kept for a whole view's whole span.

    One row per customer: only the opening range (`whole_span`: the view's first to last
    day) is kept, so trying date ranges does not fill the cache folder with customer lists.
    """

    def compute() -> pd.DataFrame:
        return engine_metrics.contact_list(runner, view, start, end, level)

    if not whole_span:
        return compute()
    return results.kept(view, "contact_list", (start, end, level), compute)


# -- sentiment ------------------------------------------------------------------------------


def scored_name(transcripts: str, scores: str, condition: str) -> str:
    """The name of the scored views over a transcripts and a scores file under `condition`."""
    return f"scored_{files.digest(repr((transcripts, scores, condition)))}"


def whole_scored(runner: DuckDBRunner, transcripts: str, scores: str) -> ScoredRelation:
    """Every scored transcript row of a dataset (no filters) as the Sentiment page's views."""
    condition = engine_scored.scope_condition(None, None, None)
    name = scored_name(transcripts, scores, condition)
    return engine_scored.scored_relation(runner, name, transcripts, scores, condition)


def sentiment_figures(runner: Runner, view: str, rows: str, turns: str) -> dict[str, float | int]:
    """Headline figures of scored views (`sentiment.summary_figures`), kept for a whole view.

    `view` is the scope's events: whole (a file view) when the scored views hold every row.
    """
    return results.kept(
        view,
        "sentiment_figures",
        (rows, turns),
        lambda: engine_sentiment.summary_figures(runner, rows, turns),
    )


def sentiment_unscored(runner: Runner, view: str, rows: str) -> pd.DataFrame:
    """Unscored rows by reason of a scored-rows view, kept for a whole view."""
    return results.kept(
        view, "sentiment_unscored", (rows,), lambda: engine_scored.unscored_reasons(runner, rows)
    )


def sentiment_words(runner: Runner, view: str, rows: str) -> dict[str, object]:
    """Drivers, topics and the most negative rows of a scored-rows view, kept for a whole view.

    The word work reads at most `sentiment_sample.TEXT_SAMPLE_ROWS` customer texts, a seeded
    sample drawn in SQL ("texts": read, of how many), and the 8 most negative rows.
    """

    def compute() -> dict[str, object]:
        from journey.sentiment import insights

        texts = engine_scored.text_sample(runner, rows, sentiment_sample.TEXT_SAMPLE_ROWS)
        drivers = insights.sentiment_drivers(texts)
        topics, _assignment = insights.topic_groups(texts)
        worst = engine_scored.most_negative_rows(runner, rows, 8)
        negative = insights.most_negative(worst, n=8, drivers=drivers, terms_from=texts)
        # most_negative numbers the rows it was given: give each its row in the transcripts
        negative["position"] = worst["position"].to_numpy()[negative["position"].to_numpy()]
        return {
            "drivers": drivers,
            "drivers_by_channel": insights.sentiment_drivers(texts, by=CHANNEL, top_n=5),
            "negative": negative,
            "texts": (len(texts), engine_scored.count_texts(runner, rows)),
            "topics": topics,
        }

    return results.kept(view, "sentiment_words", (rows, SENTIMENT_SAMPLE), compute)


def sentiment_trends(runner: Runner, view: str, rows: str) -> dict[str, object]:
    """Weekly sentiment and its link to later purchases, kept for a whole view."""
    return results.kept(
        view,
        "sentiment_trends",
        (rows,),
        lambda: {
            "weekly": engine_sentiment.weekly_sentiment(runner, rows),
            "outcome": engine_sentiment.outcome_link(runner, view, rows),
        },
    )


def sentiment_levels(runner: Runner, view: str, rows: str, level: str) -> dict[str, object]:
    """Sentiment by the journey's `level` and drivers by phase, kept for a whole view."""

    def compute() -> dict[str, object]:
        from journey.sentiment import insights

        linked = f"sentiment_linked_{uuid.uuid4().hex[:12]}"
        engine_sentiment.link_table(runner, linked, rows, view)
        try:
            by_level = engine_sentiment.sentiment_by(runner, linked, level)
            # the word work's seeded sample, each text with its linked event's phase
            texts = engine_scored.text_sample(
                runner, rows, sentiment_sample.TEXT_SAMPLE_ROWS, linked=linked
            )
        finally:
            runner.drop(linked)
        return {
            "by_level": by_level,
            "drivers_by_phase": insights.sentiment_drivers(texts, by=PHASE, top_n=5),
        }

    return results.kept(view, "sentiment_levels", (rows, level, SENTIMENT_SAMPLE), compute)


def warm_sentiment(
    runner: DuckDBRunner, view: str, transcripts: str, scores: str
) -> tuple[str, str]:
    """Keep the Sentiment page's opening results (default scores, first level) for a whole view.

    Returns the names of the scored rows and turns views.
    """
    scored = whole_scored(runner, transcripts, scores)
    sentiment_figures(runner, view, scored.rows, scored.turns)
    sentiment_unscored(runner, view, scored.rows)
    sentiment_words(runner, view, scored.rows)
    sentiment_trends(runner, view, scored.rows)
    sentiment_levels(runner, view, scored.rows, LEVELS[0])
    return scored.rows, scored.turns


# -- all pages at once ----------------------------------------------------------------------


def warm_pages(runner: DuckDBRunner, view: str, progress: ProgressFn | None = None) -> list[str]:
    """Compute and keep every page's opening results for a whole view; the names computed.

    The map pages read the view's kept path table (`files.path_file`), as the app does.
    """
    tell = progress or (lambda _fraction, _message: None)
    columns = columns_of(runner, view)
    done: list[str] = []
    steps = 6

    def step(i: int, what: str) -> None:
        tell(i / steps, what)
        done.append(what)

    step(0, "overview")
    overview_kpis(runner, view)
    channel_overview(runner, view)
    phase_summary(runner, view)
    step(1, "journey map")
    level = LEVELS[0]
    path = files.parquet_view(runner, files.path_file(runner, view, level, keep_repeats=False))
    journey_map(runner, view, path, level, MAP_STEPS, False, MAP_TOP_K)
    phase_flows(runner, view, CHANNEL if level == PHASE else level)
    step(2, "network and compare")
    network_map(runner, view, path, level, False, NETWORK_END_NODES)
    compare_cohorts(runner, view, Cohorts.conversion(), level, False, MAP_STEPS)
    step(3, "funnels")
    by = funnel_by_opening(columns)
    if by is not None:
        funnel_page(runner, view, by)
    step(4, "attribution")
    settings = attribution_opening(columns)
    if settings is not None:
        chosen = inputs_settings(settings)
        spec = engine_attribution.path_spec(chosen)
        touches = files.parquet_view(runner, files.touches_file(runner, view, spec))
        inputs = lazy_inputs(runner, view, chosen, touches)
        attribution_result(view, settings, inputs)
        attribution_markov(runner, view, settings, inputs)
    step(5, "channel metrics")
    opening = metrics_opening(runner, view)
    if opening is not None:
        channel_metrics(runner, view, opening)
        contact_list(runner, view, opening.start, opening.end, opening.level, True)
    tell(1.0, "pages")
    return done
