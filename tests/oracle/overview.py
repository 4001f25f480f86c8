"""Headline figures of a dataset in pandas: KPIs and per-channel volumes.

The oracle of `journey.query.engine.overview` (the Overview page).
"""

from __future__ import annotations

import pandas as pd

from journey.schema import CHANNEL, CONVERSION, CUSTOMER_ID, REVENUE, TIMESTAMP


def kpis(events: pd.DataFrame) -> dict[str, object]:
    """Customers, events, conversions, conversion rate (converting customers), revenue, span."""
    customers = int(events[CUSTOMER_ID].nunique())
    converters = int(events.loc[events[CONVERSION], CUSTOMER_ID].nunique())
    stamps = events[TIMESTAMP]
    return {
        "customers": customers,
        "events": len(events),
        "conversions": int(events[CONVERSION].sum()),
        "conversion_rate": converters / customers if customers else 0.0,
        "revenue": float(events[REVENUE].sum()),
        "channels": int(events[CHANNEL].nunique()),
        "first": stamps.min().date().isoformat() if len(events) else "",
        "last": stamps.max().date().isoformat() if len(events) else "",
    }


def channel_overview(events: pd.DataFrame) -> pd.DataFrame:
    """Per channel: events, customers, conversions, revenue; by events descending, channel."""
    out = events.groupby(CHANNEL, as_index=False, observed=True).agg(
        events=(CUSTOMER_ID, "size"),
        customers=(CUSTOMER_ID, "nunique"),
        conversions=(CONVERSION, "sum"),
        revenue=(REVENUE, "sum"),
    )
    out["conversions"] = out["conversions"].astype("int64")
    return out.sort_values(["events", CHANNEL], ascending=[False, True], ignore_index=True)
