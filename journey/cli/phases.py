"""`phases EVENTS --out F`: the accepted events with a `phase` column.

The events are validated through DuckDB's reader (every column kept) and their phases
assigned by the engine's window functions (`journey.query.engine.prepare`); the accepted
rows come back in file order with the validated columns, `phase` in its place.
"""

from __future__ import annotations

import argparse

from journey.cli.common import (
    add_input_options,
    add_onboarding_option,
    phase_settings,
    write_csv,
)
from journey.cli.engine import accepted_rows, validated_events


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add phases' arguments."""
    parser.add_argument("events", help="events file")
    parser.add_argument("--out", required=True, help="CSV file: the accepted events + phase")
    add_onboarding_option(parser)
    add_input_options(parser)


def run(args: argparse.Namespace) -> int:
    """Assign phases to the accepted events on the engine and write them."""
    with validated_events(args, phase_settings(args)) as (runner, events, columns):
        phased = accepted_rows(runner, events, columns)
    write_csv(phased, args.out)
    return 0
