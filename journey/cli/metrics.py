"""`metrics EVENTS [--by day|week|month] --out F`: channel metrics per period.

One row per (period, channel): sessions, contacts, qualified customers, first- and last-touch
sales and revenue (`journey.query.engine.metrics.channel_metrics`), with `period` written as the
ISO date the day, Monday-week or month starts on (UTC).
"""

from __future__ import annotations

import argparse

import pandas as pd

from journey import schema
from journey.cli.common import add_input_options, comma_list, write_csv
from journey.cli.engine import add_engine_options, distinct_values, prepared_events, rounded
from journey.query.engine import metrics as engine_metrics
from journey.query.engine.segments import DEFAULT_WINDOW_DAYS
from journey.query.metrics import default_qualifying
from journey.schema import DatasetSettings

PERIODS = ("day", "week", "month")
QUALIFY_COLUMNS = (schema.EVENT_TYPE, schema.TOUCHPOINT)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add metrics' arguments."""
    parser.add_argument("events", help="events file")
    parser.add_argument("--by", choices=PERIODS, default="week", help="period (default week)")
    parser.add_argument(
        "--level",
        choices=list(schema.ATTRIBUTION_LEVELS),
        default=schema.CHANNEL,
        help="what the `channel` column holds (default channel)",
    )
    parser.add_argument(
        "--window-days",
        type=float,
        default=float(DEFAULT_WINDOW_DAYS),
        help="lookback of the first-touch paths in days; 0 = unlimited (default 30)",
    )
    parser.add_argument(
        "--qualify-by",
        choices=QUALIFY_COLUMNS,
        default=schema.EVENT_TYPE,
        help="the column whose values mark qualified customers (default event_type)",
    )
    parser.add_argument(
        "--qualifying",
        help="comma-separated values that qualify a customer (default: add_to_cart, lead, "
        "signup, form_submit, trial, demo ... where the data has them)",
    )
    parser.add_argument("--out", required=True, help="CSV file, one row per period and channel")
    add_engine_options(parser)
    add_input_options(parser)


def as_dates(table: pd.DataFrame) -> pd.DataFrame:
    """The table with `period` as ISO dates (every period starts at UTC midnight)."""
    return table.assign(period=table["period"].dt.strftime("%Y-%m-%d"))


def run(args: argparse.Namespace) -> int:
    """Compute the channel metrics per period on the engine and write them."""
    read = (schema.REVENUE, schema.EVENT_TYPE, schema.CAMPAIGN, schema.SESSION_ID)
    with prepared_events(args, DatasetSettings(timezone=args.tz), read) as (runner, events):
        if args.qualifying is not None:
            qualifying = comma_list(args.qualifying)
        else:  # the likely qualifying values (add to cart, sign-up ...) the data has
            qualifying = default_qualifying(distinct_values(runner, events, args.qualify_by))
        table = engine_metrics.channel_metrics(
            runner,
            events,
            granularity=args.by,
            level=args.level,
            qualifying=qualifying,
            qualifying_column=args.qualify_by,
            window_days=args.window_days,
        )
    write_csv(rounded(as_dates(table)), args.out)
    return 0
