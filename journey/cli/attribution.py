"""`attribution EVENTS [--models ...] --out F`: conversions and revenue credited to channels."""

from __future__ import annotations

import argparse
import sys

from journey import schema
from journey.attribution import models as attribution
from journey.attribution.engine import engine_attribute
from journey.cli.common import add_input_options, comma_list, write_csv
from journey.cli.engine import add_engine_options, prepared_events, rounded
from journey.errors import SettingsError
from journey.schema import DatasetSettings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add attribution's arguments."""
    parser.add_argument("events", help="events file")
    parser.add_argument(
        "--models",
        default=",".join(attribution.MODELS),
        help=f"comma-separated models, any of {','.join(attribution.MODELS)} (default: all)",
    )
    parser.add_argument(
        "--window-days",
        type=float,
        default=attribution.DEFAULT_SETTINGS.window_days,
        help="lookback before each conversion in days; 0 = unlimited (default 30)",
    )
    parser.add_argument("--by", choices=list(schema.ATTRIBUTION_LEVELS), default=schema.CHANNEL)
    parser.add_argument(
        "--half-life-days",
        type=float,
        default=attribution.DEFAULT_SETTINGS.half_life_days,
        help="time decay half-life in days (default 7)",
    )
    parser.add_argument(
        "--position-weights",
        default="0.4,0.2,0.4",
        help="position-based first,middle,last weights adding up to 1 (default 0.4,0.2,0.4)",
    )
    parser.add_argument("--markov-order", type=int, choices=[1, 2, 3], default=1)
    parser.add_argument("--exclude-channels", default="", help="comma-separated channels")
    parser.add_argument("--exclude-event-types", default="", help="comma-separated event types")
    parser.add_argument("--out", required=True, help="CSV: channel,model,conversions,revenue,share")
    add_engine_options(parser)
    add_input_options(parser)


def settings_from(args: argparse.Namespace) -> attribution.AttributionSettings:
    """The attribution settings the options describe."""
    try:
        weights = tuple(float(w) for w in comma_list(args.position_weights))
    except ValueError as err:
        raise SettingsError(f"--position-weights {args.position_weights!r}: {err}") from err
    return attribution.AttributionSettings(
        models=tuple(comma_list(args.models)),
        level=args.by,
        window_days=args.window_days,
        exclude_channels=tuple(comma_list(args.exclude_channels)),
        exclude_event_types=tuple(comma_list(args.exclude_event_types)),
        half_life_days=args.half_life_days,
        position_weights=weights,
        markov_order=args.markov_order,
    )


def run(args: argparse.Namespace) -> int:
    """Attribute conversions with every model asked for (paths counted by the engine)."""
    settings = settings_from(args)
    attribution.check_models(settings.models)  # before any data is read
    read = (schema.REVENUE, schema.EVENT_TYPE, schema.CAMPAIGN)  # path_events' columns
    # the touches read the prepared events once (a view, computed as it is read) and never
    # their phases
    prepared = DatasetSettings(timezone=args.tz)
    with prepared_events(args, prepared, read, False, False) as (runner, events):
        result = engine_attribute(runner, events, settings)
    write_csv(rounded(result), args.out)
    method = result.attrs.get("shapley_method")
    if method:
        print(f"shapley: {method}", file=sys.stderr)
    return 0
