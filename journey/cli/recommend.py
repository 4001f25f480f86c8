"""`recommend EVENTS [--transcripts T] [--cutoff DATE] --out F`: one next best action a customer.

Writes exactly customer_id,action,channel,rule,reason,score: one row per customer with a touch
before the cut-off; `rule` is one of the rule ids, `score` the expected lift (model) for model
and frequency-cap rows, else the model's P(conversion). scikit-learn loads only here.
"""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from journey import schema
from journey.cli.common import (
    add_input_options,
    add_onboarding_option,
    load_input,
    phase_settings,
    write_csv,
)
from journey.cli.engine import distinct_values, prepared_events
from journey.errors import SettingsError
from journey.query.engine.common import temp_name
from journey.query.engine.runner import Runner
from journey.query.engine.sql import DUCKDB
from journey.recommend import pipeline
from journey.recommend.features import contacts_frame
from journey.recommend.model import KINDS
from journey.recommend.rules import DECISION_COLUMNS
from journey.schema import DatasetSettings
from journey.sentiment.score import score_transcripts

CONTACTS = "contacts"
CAP = pipeline.TrainSettings().max_rows


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add recommend's arguments."""
    parser.add_argument("events", help="events file")
    parser.add_argument(
        "--transcripts", metavar="T", help="transcripts: last contact negative → service first"
    )
    parser.add_argument(
        "--cutoff",
        metavar="DATE",
        help="decide as of this date (UTC midnight; default: the day after the last event)",
    )
    parser.add_argument(
        "--horizon-days", type=int, default=30, help="conversion horizon to predict (default 30)"
    )
    parser.add_argument(
        "--model",
        choices=KINDS,
        default=KINDS[0],
        help=f"propensity model; past {CAP:,} training snapshots it learns from a seeded sample"
        f" of customers (buyers and non-buyers sampled apart) holding about {CAP:,}",
    )
    parser.add_argument(
        "--out", required=True, help="CSV: customer_id,action,channel,rule,reason,score"
    )
    add_onboarding_option(parser)
    add_input_options(parser)
    parser.set_defaults(engine=DUCKDB)  # prepared_events' engine: always DuckDB, in process


def _cutoff(text: str | None) -> pd.Timestamp | None:
    """The --cutoff date as a naive UTC timestamp (None: the default)."""
    if text is None:
        return None
    try:
        stamp = pd.Timestamp(text)
    except ValueError as err:
        raise SettingsError(f"--cutoff {text!r}: not a date (use YYYY-MM-DD)") from err
    if pd.isna(stamp):
        raise SettingsError(f"--cutoff {text!r}: not a date (use YYYY-MM-DD)")
    return stamp.tz_convert("UTC").tz_localize(None) if stamp.tzinfo else stamp


def next_best_actions_on(
    runner: Runner,
    events: str,
    settings: DatasetSettings,
    conversations: pd.DataFrame | None = None,
    cutoff: pd.Timestamp | None = None,
    horizon_days: int = 30,
    kind: str = KINDS[0],
) -> pipeline.NextBestActions:
    """Decide for a prepared-events relation with the dataset's default recommender.

    Trains at earlier cut-offs and decides at `cutoff` (default: the day after the last
    event); scored conversations, when given, feed the last contact's sentiment.
    """
    contacts = None
    if conversations is not None and schema.CUSTOMER_ID in conversations and len(conversations):
        contacts = temp_name(CONTACTS)
        runner.register_frame(contacts, contacts_frame(conversations))
    base = pipeline.recommender_for(
        settings,
        distinct_values(runner, events, schema.TOUCHPOINT),
        distinct_values(runner, events, schema.EVENT_TYPE),
        horizon_days=horizon_days,
    )
    rec = pipeline.Recommender(
        features=base.features,
        rules=base.rules,
        train=pipeline.TrainSettings(kind=kind),
        actions=base.actions,
    )
    return pipeline.recommend(runner, events, cutoff, rec, contacts)


def run(args: argparse.Namespace) -> int:
    """Train at earlier cut-offs, decide at the cut-off, write one row per customer."""
    cutoff = _cutoff(args.cutoff)
    settings = phase_settings(args)
    with prepared_events(args, settings, schema.EVENT_COLUMNS) as (runner, events):
        conversations = None
        if args.transcripts:
            transcripts = load_input(args.transcripts, "transcripts", args)[0].accepted
            conversations = score_transcripts(transcripts).conversations
        nba = next_best_actions_on(
            runner, events, settings, conversations, cutoff, args.horizon_days, args.model
        )
    write_csv(nba.decisions[list(DECISION_COLUMNS)], args.out)
    print(f"{len(nba.decisions):,} customers decided as of {nba.cutoff.date()}", file=sys.stderr)
    return 0
