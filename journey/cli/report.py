"""`report EVENTS [--transcripts T] --out report.html|deck.pptx`: a report to present.

The events are validated and prepared in DuckDB (`journey.cli.engine.prepared_events`, a
Parquet file or folder read by DuckDB itself) and every section is computed there; only the
transcripts (scored once, for the sentiment section and the next best action's contacts)
are read into pandas.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from journey import schema
from journey.cli import recommend
from journey.cli.common import (
    StderrProgress,
    add_input_options,
    add_onboarding_option,
    comma_list,
    load_input,
    phase_settings,
)
from journey.cli.engine import prepared_events
from journey.errors import SettingsError
from journey.present import content, deck, html, images
from journey.query.engine.runner import Runner
from journey.query.engine.sql import DUCKDB
from journey.recommend import pipeline
from journey.schema import DatasetSettings
from journey.sentiment import score

REPORT_FORMATS = (".html", ".pptx")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add report's arguments."""
    parser.add_argument(
        "events",
        help="events file (a Parquet file or folder is read by DuckDB itself); every section "
        "is computed in DuckDB, in process",
    )
    parser.add_argument("--transcripts", help="transcripts file: adds the sentiment section")
    parser.add_argument(
        "--out", required=True, help="report.html (self-contained) or deck.pptx, by extension"
    )
    parser.add_argument(
        "--sections",
        help=f"comma-separated sections, any of {','.join(content.SECTIONS)} (default: all; "
        "next_best_action trains a model, and is left out with a warning when the data are "
        "too short for it unless named here)",
    )
    parser.add_argument("--title", default=content.ReportOptions().title, help="report title")
    parser.add_argument(
        "--image-timeout",
        type=float,
        default=images.DEFAULT_TIMEOUT,
        help="seconds allowed for rendering the deck's chart images (default 120)",
    )
    add_onboarding_option(parser)
    add_input_options(parser)
    parser.set_defaults(engine=DUCKDB)  # prepared_events' engine: always DuckDB, in process


def _deck_bytes(report: content.ReportContent, timeout: float) -> bytes:
    """The deck, with chart images if the browser renders them in time, else a warning."""
    try:
        pngs = images.render_pngs(
            report.charts(), timeout=timeout, progress=StderrProgress("chart images")
        )
    except images.ImagesUnavailable as err:
        print(f"warning: {err}; the deck shows tables or a note instead", file=sys.stderr)
        return deck.build_deck(report, {}, str(err))
    return deck.build_deck(report, pngs)


def _next_best_action(
    runner: Runner,
    events: str,
    settings: DatasetSettings,
    scored: score.ScoredTranscripts | None,
    asked: bool,
) -> content.NextBestActionInput | None:
    """Decisions with the default recommender (as `recommend`); None, warned, if not asked."""
    progress = StderrProgress("next best action")
    progress(0.0, "training the model")
    conversations = None if scored is None else scored.conversations
    try:
        nba = recommend.next_best_actions_on(runner, events, settings, conversations)
    except SettingsError as err:
        if asked:
            raise SettingsError(f"next_best_action section: {err}") from err
        print(f"warning: next best action left out: {err}", file=sys.stderr)
        return None
    matrix = pipeline.value_propensity(nba.features, nba.probability)
    progress(1.0, "done")
    print(
        f"next best action: {len(nba.decisions):,} customers decided as of {nba.cutoff.date()}",
        file=sys.stderr,
    )
    return content.NextBestActionInput(nba.decisions, matrix, nba.cutoff.date())


def _scored(args: argparse.Namespace, needed: bool) -> score.ScoredTranscripts | None:
    """The --transcripts file's accepted rows scored with the default scorer if `needed`.

    None without the file (or rows); a file is read and validated even when not needed.
    """
    if not args.transcripts:
        return None
    transcripts: pd.DataFrame = load_input(args.transcripts, "transcripts", args)[0].accepted
    if transcripts.empty or not needed:
        return None
    progress = StderrProgress("sentiment")
    return score.score_transcripts(
        transcripts.drop(columns=[schema.LABEL], errors="ignore"), progress=progress
    )


def run(args: argparse.Namespace) -> int:
    """Build the report on the engine from the files and write it as HTML or PPTX."""
    target = Path(args.out)
    if target.suffix.lower() not in REPORT_FORMATS:
        raise SettingsError(f"--out {args.out}: the file name must end in .html or .pptx")
    if target.is_dir():
        raise SettingsError(f"--out {args.out}: is a folder, not a file name")
    asked = args.sections is not None
    options = content.ReportOptions(
        dataset=Path(args.events).name,
        sections=tuple(comma_list(args.sections)) if asked else content.SECTIONS,
        title=args.title,
    )
    settings = phase_settings(args)
    with prepared_events(args, settings, schema.EVENT_COLUMNS) as (runner, events):
        needed = {"sentiment", "next_best_action"} & set(options.sections)
        scored = _scored(args, bool(needed))
        nba = None
        if "next_best_action" in options.sections:
            nba = _next_best_action(runner, events, settings, scored, asked)
        report = content.build_report(
            runner, events, scored, options, nba, StderrProgress("report")
        )
    if target.suffix.lower() == ".pptx":
        data = _deck_bytes(report, args.image_timeout)
    else:
        data = html.render_html(report).encode("utf-8")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    print(f"wrote {target} ({len(data):,} bytes)", file=sys.stderr)
    return 0
