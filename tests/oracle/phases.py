"""Phase assignment in pandas: the oracle of `journey.query.engine.prepare`'s phases.

Awareness, onboarding, engagement, post-purchase, per customer.

Default rules, per customer in path order (timestamp, ties by `row`; see `paths.order_events`):

- every event before the customer's first conversion is **awareness** (a customer who never
  converts is in awareness throughout, support touches included);
- the first conversion itself is **onboarding**;
- after it (later in path order, which includes later rows at the very same timestamp),
  a support-type touch (`is_support`) is **post-purchase**, inside or outside the window;
- any other event with `timestamp <= first conversion time + onboarding_days` (inclusive) is
  **onboarding**, later conversions included;
- everything else is **engagement**.

`settings.phase_overrides` (touchpoint -> phase, exact touchpoint match) replaces the rule's
phase; a non-empty `phase` value in the data replaces both. The output remembers which phases
came from the data in the boolean column `phase_explicit`, so running `assign_phases` again
(with the same or changed settings) recomputes only the rule-based phases:
`assign_phases(assign_phases(x, s), s)` equals `assign_phases(x, s)`.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from journey.errors import InputError, SettingsError
from journey.query.phases import normalise_phase
from journey.schema import (
    CHANNEL,
    CUSTOMER_ID,
    PHASE,
    PHASE_DTYPE,
    PHASE_EXPLICIT,
    ROW,
    SUPPORT_KEYWORDS,
    TIMESTAMP,
    TOUCHPOINT,
    DatasetSettings,
    Phase,
)
from tests.oracle import paths

_PHASES = np.array([p.value for p in Phase], dtype=object)
_AWARENESS, _ONBOARDING, _ENGAGEMENT, _POST_PURCHASE = range(4)
_PHASE_CODE = {name: code for code, name in enumerate(_PHASES)}
_SUPPORT_PATTERN = "|".join(re.escape(keyword) for keyword in SUPPORT_KEYWORDS)


def _contains_support(values: pd.Series) -> np.ndarray:
    """Match support keywords on the distinct values only, then spread back (fast on 1e7 rows)."""
    codes, uniques = pd.factorize(values)
    hits = pd.Series(uniques, dtype="str").str.lower().str.contains(_SUPPORT_PATTERN, regex=True)
    found = np.append(hits.to_numpy(dtype=bool, na_value=False), False)  # code -1 (missing)
    return found[codes]


def is_support(events: pd.DataFrame) -> pd.Series:
    """Flag events whose channel or touchpoint contains a `SUPPORT_KEYWORDS` entry (any case)."""
    flag = _contains_support(events[CHANNEL])
    if TOUCHPOINT in events.columns:
        flag = flag | _contains_support(events[TOUCHPOINT])
    return pd.Series(flag, index=events.index, name="support")


def _explicit_mask(events: pd.DataFrame) -> np.ndarray:
    if PHASE not in events.columns:
        return np.zeros(len(events), dtype=bool)
    if PHASE_EXPLICIT in events.columns:
        return events[PHASE_EXPLICIT].fillna(False).to_numpy(dtype=bool)
    text = events[PHASE].astype("str").str.strip()
    return (events[PHASE].notna() & (text != "")).to_numpy(dtype=bool)


def _explicit_codes(events: pd.DataFrame, explicit: np.ndarray) -> np.ndarray:
    """Phase codes of the explicit values; an unknown phase is an InputError naming the row."""
    codes, uniques = pd.factorize(events[PHASE].where(explicit))
    lookup = np.full(len(uniques) + 1, -1, dtype=np.int64)
    for i, value in enumerate(uniques):  # a loop over distinct phase spellings, not events
        name = normalise_phase(value)
        if name is None:
            first = int(np.flatnonzero(codes == i)[0])
            row = int(events[ROW].iloc[first]) if ROW in events.columns else first + 1
            allowed = ", ".join(_PHASES)
            raise InputError("events", row, PHASE, f"unknown phase {value!r}; use one of {allowed}")
        lookup[i] = _PHASE_CODE[name]
    return lookup[codes]


def _override_codes(events: pd.DataFrame, overrides: dict[str, str]) -> np.ndarray:
    """Phase code per event from the touchpoint -> phase table, -1 where no override applies."""
    if not overrides or TOUCHPOINT not in events.columns:
        return np.full(len(events), -1, dtype=np.int64)
    table: dict[str, int] = {}
    for touchpoint, phase in overrides.items():
        name = normalise_phase(phase)
        if name is None:
            allowed = ", ".join(_PHASES)
            msg = (
                f"phase override for {touchpoint!r}: unknown phase {phase!r}; use one of {allowed}"
            )
            raise SettingsError(msg)
        table[str(touchpoint)] = _PHASE_CODE[name]
    mapped = events[TOUCHPOINT].map(table)
    return mapped.fillna(-1).to_numpy(dtype=np.int64)


def _rule_codes(events: pd.DataFrame, onboarding_days: int) -> np.ndarray:
    """Phase codes by the default rules, aligned with the input rows."""
    order = paths.path_order(events)
    n = len(order.index)
    cust = order.customer
    conversion = paths.flag_conversions(events, order)
    ts = order.timestamps(events)
    support = is_support(events).to_numpy()[order.index]
    position = np.arange(n)
    # first conversion (in path order) per customer, as an index into the ordered arrays
    conv_at = np.flatnonzero(conversion)
    first_conv = np.full(order.n_customers, n, dtype=np.int64)
    first_of_cust = np.unique(cust[conv_at], return_index=True)
    first_conv[first_of_cust[0]] = conv_at[first_of_cust[1]]
    first = first_conv[cust]
    has_conv = first < n
    conv_time = ts[np.minimum(first, max(n - 1, 0))]
    within = ts <= conv_time + np.timedelta64(int(onboarding_days), "D")
    codes = np.select(
        [~has_conv | (position < first), position == first, support, within],
        [_AWARENESS, _ONBOARDING, _POST_PURCHASE, _ONBOARDING],
        default=_ENGAGEMENT,
    )
    aligned = np.empty(n, dtype=np.int64)
    aligned[order.index] = codes
    return aligned


def assign_phases(events: pd.DataFrame, settings: DatasetSettings) -> pd.DataFrame:
    """Return events (same rows, same order) with `phase` filled and `phase_explicit` added.

    Args:
        events: Accepted events: customer_id, timestamp, channel, touchpoint, conversion, row,
            and optionally phase (explicit values win) and phase_explicit (from an earlier call).
        settings: onboarding_days (>= 0) and phase_overrides (touchpoint -> phase).

    Returns:
        The events with `phase` (str, one of the Phase values, never missing) and
        `phase_explicit` (bool: the phase came from the data).
    """
    if settings.onboarding_days < 0:
        msg = f"onboarding window must be 0 days or more, got {settings.onboarding_days}"
        raise SettingsError(msg)
    codes = _rule_codes(events, settings.onboarding_days)
    override = _override_codes(events, dict(settings.phase_overrides))
    codes = np.where(override >= 0, override, codes)
    explicit = _explicit_mask(events)
    if explicit.any():
        codes = np.where(explicit, _explicit_codes(events, explicit), codes)
    phase = pd.Series(_PHASES[codes], index=events.index, dtype="str")
    return events.assign(**{PHASE: phase, PHASE_EXPLICIT: explicit})


def _require_phases(events: pd.DataFrame) -> None:
    if PHASE not in events.columns or events[PHASE].isna().any():
        raise SettingsError("events have no phase for every row: run assign_phases first")


def phase_summary(events: pd.DataFrame) -> pd.DataFrame:
    """Summarise each phase (all four, in Phase order) over events with `phase` filled.

    Returns:
        Columns phase, customers (distinct customers with an event in the phase), events,
        channels (distinct channels), channel_list (sorted, ", "-joined), median_days (median
        over those customers of last - first event time in the phase, in days; NaN when
        nobody reached it), share_of_customers (customers / all customers, 0..1).
    """
    _require_phases(events)
    n_customers = events[CUSTOMER_ID].nunique()
    frame = pd.DataFrame(
        {
            PHASE: events[PHASE].astype(PHASE_DTYPE),
            CUSTOMER_ID: events[CUSTOMER_ID],
            CHANNEL: events[CHANNEL],
            TIMESTAMP: events[TIMESTAMP],
        }
    )
    per_customer = frame.groupby([PHASE, CUSTOMER_ID], observed=True)[TIMESTAMP].agg(["min", "max"])
    days = (per_customer["max"] - per_customer["min"]) / pd.Timedelta(days=1)
    by_phase = frame.groupby(PHASE, observed=False)
    channel_list = by_phase[CHANNEL].agg(lambda s: ", ".join(sorted(s.dropna().unique())))
    summary = pd.DataFrame(
        {
            "customers": by_phase[CUSTOMER_ID].nunique(),
            "events": by_phase.size(),
            "channels": by_phase[CHANNEL].nunique(),
            "channel_list": channel_list,
            "median_days": days.groupby(level=PHASE, observed=False).median(),
        }
    ).reindex(pd.CategoricalIndex(list(PHASE_DTYPE.categories), dtype=PHASE_DTYPE, name=PHASE))
    summary = summary.reset_index()
    out = pd.DataFrame(
        {
            PHASE: summary[PHASE].astype("str"),
            "customers": summary["customers"].fillna(0).astype("int64"),
            "events": summary["events"].fillna(0).astype("int64"),
            "channels": summary["channels"].fillna(0).astype("int64"),
            "channel_list": summary["channel_list"].fillna("").astype("str"),
            "median_days": summary["median_days"].astype("float64"),
        }
    )
    share = out["customers"] / n_customers if n_customers else out["customers"] * 0.0
    return out.assign(share_of_customers=share.astype("float64"))
