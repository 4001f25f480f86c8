"""One customer in pandas: their timeline and single-view profile.

The oracle of `journey.query.engine.timeline`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from journey.errors import SettingsError
from journey.schema import CHANNEL, CONVERSION, CUSTOMER_ID, PHASE, REVENUE, TIMESTAMP, TOUCHPOINT
from tests.oracle.paths import order_events, require_columns


def _customer_events(events: pd.DataFrame, customer_id: str) -> pd.DataFrame:
    require_columns(events, CUSTOMER_ID)
    mine = events[events[CUSTOMER_ID] == customer_id]
    if mine.empty:
        ids = events[CUSTOMER_ID].astype("str")
        hits = ids[ids.str.contains(str(customer_id), case=False, regex=False)].unique()
        close = sorted(hits)[:3]
        hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise SettingsError(f"no customer {customer_id!r} in the events.{hint}")
    return order_events(mine)


def customer_timeline(events: pd.DataFrame, customer_id: str) -> pd.DataFrame:
    """Every event of one customer in path order, with a 1-based `position` column first."""
    mine = _customer_events(events, customer_id)
    return mine.assign(position=np.arange(1, len(mine) + 1, dtype=np.int64))[
        ["position", *mine.columns]
    ]


def _last_contacts(mine: pd.DataFrame) -> pd.DataFrame:
    """Each channel's latest event of one customer's ordered events, latest first."""
    last = mine.drop_duplicates(CHANNEL, keep="last")
    touchpoint = last[TOUCHPOINT] if TOUCHPOINT in last.columns else last[CHANNEL]
    contacts = pd.DataFrame(
        {
            CHANNEL: last[CHANNEL].astype("str").to_numpy(),
            "last_contact": last[TIMESTAMP].to_numpy(),
            TOUCHPOINT: touchpoint.astype("str").to_numpy(),
            "_row": np.arange(len(last)),
        }
    ).sort_values(["last_contact", "_row", CHANNEL], ascending=[False, False, True])
    return contacts.drop(columns="_row").reset_index(drop=True)


def customer_profile(events: pd.DataFrame, customer_id: str) -> dict[str, object]:
    """The single view of one customer.

    Returns:
        A dict with customer_id, first_seen, last_seen (timestamps), n_events, conversions
        (conversion events), lifetime_revenue (sum of revenue), channels (distinct channels
        used), current_phase (phase of the last event, None without phases) and last_contact
        (a frame channel, last_contact, touchpoint: each channel's latest event, latest first).
    """
    mine = _customer_events(events, customer_id)
    phase = mine[PHASE].iloc[-1] if PHASE in mine.columns else None
    return {
        CUSTOMER_ID: str(customer_id),
        "first_seen": mine[TIMESTAMP].iloc[0],
        "last_seen": mine[TIMESTAMP].iloc[-1],
        "n_events": len(mine),
        "conversions": int(mine[CONVERSION].sum()) if CONVERSION in mine.columns else 0,
        "lifetime_revenue": float(mine[REVENUE].sum()) if REVENUE in mine.columns else 0.0,
        "channels": int(mine[CHANNEL].nunique()),
        "current_phase": None if phase is None or pd.isna(phase) else str(phase),
        "last_contact": _last_contacts(mine),
    }
