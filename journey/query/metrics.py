"""Channel metrics' settings and the contact list's filter: what the Metrics page shares.

The metrics themselves are computed on the engine (`journey.query.engine.metrics`); their
pandas reference is `tests/oracle/metrics.py`.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from journey.schema import CUSTOMER_ID

GRANULARITIES = ("day", "week", "month", "all")
QUALIFYING_HINTS = ("add_to_cart", "lead", "signup", "sign_up", "form_submit", "trial", "demo")
METRIC_COLUMNS = (
    "period",
    "channel",
    "sessions",
    "contacts",
    "qualified",
    "sales_first",
    "revenue_first",
    "sales_last",
    "revenue_last",
)


def filter_contacts(
    contacts: pd.DataFrame,
    query: str = "",
    last_channels: Sequence[str] = (),
    min_contacts: int = 0,
) -> pd.DataFrame:
    """Keep `contact_list` rows by customer-id substring (any case), last channel, min contacts."""
    keep = contacts["contacts"] >= min_contacts
    if query.strip():
        ids = contacts[CUSTOMER_ID].astype("str")
        keep &= ids.str.contains(query.strip(), case=False, regex=False).fillna(False)
    if len(last_channels):
        keep &= contacts["last_channel"].isin(list(last_channels))
    return contacts[keep].reset_index(drop=True)


def default_qualifying(values: Sequence[str]) -> list[str]:
    """Pick likely qualifying events (add to cart, lead, sign-up ...) among `values`, in order."""
    return [v for v in values if str(v).strip().lower().replace(" ", "_") in QUALIFYING_HINTS]
