"""A small dataset for report tests: twelve customers, one channel named like markup."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from journey.io import load
from journey.present import content
from journey.query import scope
from journey.schema import DatasetSettings

EVIL = "<img src=x onerror=alert(1)>Evil & Co"  # a channel name that is markup if unescaped
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


@pytest.fixture(scope="session")
def small_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The small events and transcripts written to CSV files."""
    folder = tmp_path_factory.mktemp("report")
    events, transcripts = folder / "events.csv", folder / "transcripts.csv"
    events.write_text(events_csv(), encoding="utf-8")
    transcripts.write_text(transcripts_csv(), encoding="utf-8")
    return events, transcripts


@pytest.fixture(scope="session")
def small_report(small_files: tuple[Path, Path]) -> content.ReportContent:
    """The report of the small dataset, every section, dataset named like markup."""
    events_path, transcripts_path = small_files
    events, _ = load.load_file(events_path, kind="events")
    transcripts, _ = load.load_file(transcripts_path, kind="transcripts")
    prepared = scope.prepare_events(events.accepted, DatasetSettings())
    options = content.ReportOptions(dataset=DATASET, filters=(f"channel: {EVIL}",), n_resamples=20)
    return content.build_report(prepared, transcripts.accepted, options)
