"""`phases EVENTS --out F`: the accepted events with a `phase` column."""

from __future__ import annotations

import argparse

from journey import schema
from journey.cli.common import (
    add_input_options,
    add_onboarding_option,
    load_events,
    phase_settings,
    write_csv,
)
from journey.query import phases


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add phases' arguments."""
    parser.add_argument("events", help="events file")
    parser.add_argument("--out", required=True, help="CSV file: the accepted events + phase")
    add_onboarding_option(parser)
    add_input_options(parser)


def run(args: argparse.Namespace) -> int:
    """Assign phases to the accepted events and write them."""
    events = phases.assign_phases(load_events(args), phase_settings(args))
    write_csv(events.drop(columns=schema.PHASE_EXPLICIT), args.out)
    return 0
