"""The report built from a pandas frame of all events: the oracle of `content.build_report`.

Each section's tables come from the pandas reference functions (`journey.query`,
`journey.attribution.models` / `uncertainty`, `journey.sentiment.insights`) and go through
the same `content.*_section` builders as the engine's, so comparing the two reports
compares the engine's figures with the references'.
"""

from __future__ import annotations

import pandas as pd

from journey.attribution import models as attribution
from journey.attribution import uncertainty
from journey.errors import SettingsError
from journey.present import content
from journey.schema import LABEL, TOUCHPOINT
from journey.sentiment import insights, score
from tests.oracle import flows, funnels, overview, phases, scope


def build_report(
    events: pd.DataFrame,
    transcripts: pd.DataFrame | None = None,
    options: content.ReportOptions | None = None,
    next_best_action: content.NextBestActionInput | None = None,
) -> content.ReportContent:
    """The report of prepared events in pandas (`scope.prepare_events`), every figure exact."""
    options = options or content.ReportOptions()
    if events.empty:
        raise SettingsError("no events to report on: the filters leave none")
    scored = None
    if transcripts is not None and not transcripts.empty:
        scored = score.score_transcripts(transcripts.drop(columns=[LABEL], errors="ignore"))
    builders = {
        "journeys": lambda: _journeys(events, options),
        "phases": lambda: content.phases_section(
            flows.phase_flows(events, options.level), phases.phase_summary(events), options
        ),
        "network": lambda: content.network_section(
            *scope.focused_network(events, options.level, False, False, None, "fold")
        ),
        "funnel": lambda: _funnel(events),
        "attribution": lambda: _attribution(events, options),
        "sentiment": lambda: _sentiment(events, scored),
        "next_best_action": lambda: content.next_best_action_section(next_best_action),
    }
    return content.assemble(
        options, overview.kpis(events), builders, scored is not None, next_best_action
    )


def _journeys(events: pd.DataFrame, options: content.ReportOptions) -> content.Section:
    steps, _fold, dominant = scope.focused_step_flows(
        events, options.level, options.steps, False, options.top_k, None, None, "fold"
    )
    top = flows.top_paths(events, options.level, False, n=content.TOP_PATHS)
    return content.journeys_section(steps, dominant, top, options)


def _funnel(events: pd.DataFrame) -> content.Section:
    stages = funnels.default_funnel(events, TOUCHPOINT)
    dropoffs = funnels.biggest_dropoffs(events, TOUCHPOINT, False, n=content.DROPOFFS)
    result = funnels.funnel(events, stages, TOUCHPOINT) if stages else None
    return content.funnel_section(result, dropoffs)


def _attribution(events: pd.DataFrame, options: content.ReportOptions) -> content.Section:
    settings = attribution.DEFAULT_SETTINGS
    result = attribution.attribute(events, settings)
    intervals = uncertainty.bootstrap_shares(events, settings, n_resamples=options.n_resamples)
    return content.attribution_section(result, intervals, options)


def _sentiment(events: pd.DataFrame, scored: score.ScoredTranscripts | None) -> content.Section:
    if scored is None:
        raise SettingsError("the sentiment section needs transcripts")
    by_touchpoint = insights.sentiment_by(insights.link_to_events(scored.rows, events), TOUCHPOINT)
    drivers = insights.sentiment_drivers(scored.rows)
    return content.sentiment_section(score.summary_figures(scored), drivers, by_touchpoint)
