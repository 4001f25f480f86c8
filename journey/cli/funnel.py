"""`funnel EVENTS --stages A,B,C --out F`: customers reaching each stage, in order."""

from __future__ import annotations

import argparse

from journey import schema
from journey.cli.common import add_input_options, write_csv
from journey.cli.engine import add_engine_options, prepared_events
from journey.errors import SettingsError
from journey.query.engine import funnels
from journey.schema import DatasetSettings

COLUMNS = ["stage", "customers", "conversion_rate", "step_conversion_rate"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add funnel's arguments."""
    parser.add_argument("events", help="events file")
    parser.add_argument("--stages", required=True, help="comma-separated stages, in order")
    parser.add_argument(
        "--by",
        choices=[schema.TOUCHPOINT, schema.CHANNEL, schema.EVENT_TYPE],
        default=schema.TOUCHPOINT,
    )
    parser.add_argument("--out", required=True, help="CSV file, one row per stage")
    add_engine_options(parser)
    add_input_options(parser)


def parse_stages(text: str) -> list[str]:
    """The --stages list; an empty stage name is a settings error."""
    stages = [stage.strip() for stage in text.split(",")]
    if not all(stages):
        raise SettingsError(f"--stages {text!r}: a stage name is empty")
    return stages


def run(args: argparse.Namespace) -> int:
    """Compute the funnel on the engine and write one row per stage."""
    stages = parse_stages(args.stages)
    settings = DatasetSettings(timezone=args.tz)
    with prepared_events(args, settings, (schema.EVENT_TYPE,)) as (runner, events):
        result = funnels.funnel(runner, events, stages, args.by)
    write_csv(result[COLUMNS], args.out)
    return 0
