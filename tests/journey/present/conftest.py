"""A small dataset for report tests: twelve customers, one channel named like markup."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from journey.io import load
from journey.present import content
from journey.query.engine.relation import register_prepared_frame
from journey.query.engine.runner import DuckDBRunner
from journey.recommend.rules import RULE_IDS
from journey.schema import DatasetSettings
from tests.oracle import scope

EVENTS = "events"  # the prepared events' relation on the engine

EVIL = "<img src=x onerror=alert(1)>Evil & Co"  # a channel name that is markup if unescaped
EVIL_ACTION = "<svg onload=alert(2)>Promo & co"  # an action id from the editable list
CUTOFF = "2025-03-13"
DATASET = "<script>alert('name')</script>.csv"

AD = ("Paid Search", "Ad", "click", "")
NEWS = ("Email", "Newsletter", "open", "")
PROMO = (EVIL, "Promo", "click", "")
PAGE = ("Web", "Product page", "view", "")
CART = ("Web", "Add to cart", "add_to_cart", "")


def _order(revenue: str) -> tuple[str, str, str, str]:
    return ("Web", "Order placed", "purchase", revenue)


_PATHS = {
    # customer: [(channel, touchpoint, event_type, revenue)] in time order
    "c01": [AD, PAGE, CART, _order("120")],
    "c02": [AD, PAGE, CART],
    "c03": [NEWS, PAGE, CART, _order("80")],
    "c04": [NEWS, PAGE],
    "c05": [PROMO, PAGE, CART],
    "c06": [PROMO, PAGE, CART, _order("60")],
    "c07": [AD, NEWS],
    "c08": [AD, PAGE, CART, _order("200")],
    "c09": [NEWS, AD],
    "c10": [PROMO, PAGE],
    "c11": [PAGE, CART],
    "c12": [AD, PAGE, CART, _order("40")],
}
_TEXTS = {
    "c01": ("Chat", "great service, thanks a lot"),
    "c02": ("Call Center", "terrible wait, useless and slow"),
    "c03": ("Chat", "great help, thanks"),
    "c04": ("Call Center", "slow and useless support, terrible"),
    "c05": ("Chat", "thanks, great answer"),
    "c06": ("Call Center", "useless, terrible experience, slow"),
    "c07": ("Chat", "great, thanks again"),
    "c08": ("Call Center", "slow refund, terrible"),
}


def events_csv() -> str:
    """The events as CSV text: one event per hour per customer, from 2025-03-01."""
    rows = []
    for n, (customer, steps) in enumerate(_PATHS.items()):
        for i, (channel, touchpoint, event_type, revenue) in enumerate(steps):
            stamp = pd.Timestamp("2025-03-01T08:00Z") + pd.Timedelta(days=n, hours=i)
            rows.append([customer, stamp.isoformat(), channel, touchpoint, event_type, revenue])
    frame = pd.DataFrame(
        rows, columns=["customer_id", "timestamp", "channel", "touchpoint", "event_type", "revenue"]
    )
    return frame.to_csv(index=False)


def transcripts_csv() -> str:
    """Eight one-line transcripts, four clearly positive and four clearly negative."""
    rows = [
        [customer, f"2025-03-{n + 1:02d}T12:00:00Z", channel, text]
        for n, (customer, (channel, text)) in enumerate(_TEXTS.items())
    ]
    frame = pd.DataFrame(rows, columns=["customer_id", "timestamp", "channel", "text"])
    return frame.to_csv(index=False)


# (action, channel, rule) per customer, as `journey.recommend` decides them
_DECISIONS = {
    "c01": ("email", "Email", "model"),
    "c02": ("email", "Email", "model"),
    "c03": ("email", "Email", "model"),
    "c04": ("email", "Email", "model"),
    "c05": ("email", "Email", "model"),
    "c06": (EVIL_ACTION, "Push", "model"),
    "c07": (EVIL_ACTION, "Push", "model"),
    "c08": ("cart_reminder", "Email", "abandoned_cart"),
    "c09": ("service_follow_up", "Call Center", "service_first"),
    "c10": ("none", "", "model"),
    "c11": ("none", "", "model"),
    "c12": ("none", "", "do_not_contact"),
}


def nba_input() -> content.NextBestActionInput:
    """Hand-made decisions for the twelve customers and a value x propensity matrix.

    9 of 12 get a touch (75%); email on Email is the most common (model, 5 customers); rules
    decide 3 (do_not_contact, service_first, abandoned_cart, 1 each); 3 get none; 2 of 12
    are high value and high propensity.
    """
    rows = [
        [customer, action, channel, rule, "why", 0.1, RULE_IDS.index(rule), -1]
        for customer, (action, channel, rule) in _DECISIONS.items()
    ]
    decisions = pd.DataFrame(
        rows,
        columns=[
            "customer_id",
            "action",
            "channel",
            "rule",
            "reason",
            "score",
            "rule_index",
            "action_index",
        ],
    )
    matrix = pd.DataFrame(
        {
            "value": ["high value", "high value", "low value", "low value"],
            "propensity": ["high propensity", "low propensity"] * 2,
            "customers": [2, 3, 1, 6],
            "journey": ["VIP journey: personal offer", "retain", "convert", "nurture"],
        }
    )
    return content.NextBestActionInput(decisions, matrix, pd.Timestamp(CUTOFF).date())


@pytest.fixture(scope="session")
def small_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The small events and transcripts written to CSV files."""
    folder = tmp_path_factory.mktemp("report")
    events, transcripts = folder / "events.csv", folder / "transcripts.csv"
    events.write_text(events_csv(), encoding="utf-8")
    transcripts.write_text(transcripts_csv(), encoding="utf-8")
    return events, transcripts


def small_frames(files: tuple[Path, Path]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The small dataset's prepared events and accepted transcripts, in pandas."""
    events, _ = load.load_file(files[0], kind="events")
    transcripts, _ = load.load_file(files[1], kind="transcripts")
    return scope.prepare_events(events.accepted, DatasetSettings()), transcripts.accepted


def engine_of(events: pd.DataFrame) -> DuckDBRunner:
    """A DuckDB runner holding prepared `events` as the relation `EVENTS`."""
    runner = DuckDBRunner()
    register_prepared_frame(runner, EVENTS, events)
    return runner


@pytest.fixture(scope="session")
def small_engine(small_files: tuple[Path, Path]) -> Iterator[DuckDBRunner]:
    """The small dataset's prepared events on a DuckDB runner (relation `EVENTS`)."""
    runner = engine_of(small_frames(small_files)[0])
    yield runner
    runner.con.close()


def small_options() -> content.ReportOptions:
    """Every section, a dataset name and a filter named like markup, 20 resamples."""
    return content.ReportOptions(dataset=DATASET, filters=(f"channel: {EVIL}",), n_resamples=20)


@pytest.fixture(scope="session")
def small_report(
    small_files: tuple[Path, Path], small_engine: DuckDBRunner
) -> content.ReportContent:
    """The report of the small dataset, every section, dataset and an action named like markup."""
    transcripts = small_frames(small_files)[1]
    return content.build_report(
        small_engine, EVENTS, transcripts, small_options(), next_best_action=nba_input()
    )
