"""Channel attribution: heuristic, Markov and Shapley models, uncertainty, channel metrics.

Conversion paths follow DESIGN.md ("Semantics every engine shares"), to the letter:

- Events are ordered per customer by timestamp, ties by `row` (the file order).
- Each conversion event closes one path: the customer's touches after their previous
  conversion event with conversion_time - D days <= t <= conversion_time (D = `window_days`,
  0 = unlimited). The converting event is the path's last touch.
- A customer who never converts gives one non-converting path of all their touches; touches
  after a customer's last conversion give one more non-converting path (no window applies to
  non-converting paths).
- Excluded channels / event types are removed from paths, but a conversion is never lost: a
  path whose converting event is excluded ends at its last remaining touch, and a conversion
  with no remaining touch at all keeps a single `(none)` touch (`NO_TOUCH`), so every model's
  conversions and revenue still add up to the totals. A non-converting path left empty is
  dropped (it carries no conversion and no touch).
- A path's revenue is the revenue of its converting event (0 for non-converting paths).
- A missing value at the chosen level (e.g. an event without a campaign) reads `(not set)`.

Paths are shown as level values joined by " > " (`PATH_SEPARATOR`). The models never parse
that string: they work on integer codes in a `PathSet`, so a name containing " > " is
ambiguous only on screen.

Models (credit is per conversion; revenue follows the same per-touch weights for heuristics):
first, last, last_non_direct (last touch whose channel is not "Direct", case-insensitive;
the last touch when every touch is direct), linear (1/length per touch, repeats included),
time_decay (weight 2^(-age_days / half_life), age = conversion_time - touch time, normalised
per path), position (U-shaped first/middle/last weights, default 40/20/40; one touch takes
100 %; two touches split first:last, i.e. 50/50 by default), markov (removal effects on the
absorbing chain, solved exactly), shapley (see `shapley_model`).

Everything is vectorised over numpy arrays: loops run over models, channels, path positions
or bootstrap chunks, never over customers or events.
"""

from __future__ import annotations

import datetime as dt
import importlib
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from journey.errors import SettingsError
from journey.schema import (
    ATTRIBUTION_LEVELS,
    CHANNEL,
    CONVERSION,
    CUSTOMER_ID,
    EVENT_TYPE,
    PATH_SEPARATOR,
    REVENUE,
    ROW,
    SESSION_ID,
    TIMESTAMP,
    TOUCHPOINT,
    ProgressFn,
)

if TYPE_CHECKING:
    import scipy.sparse

MODELS = (
    "first",
    "last",
    "last_non_direct",
    "linear",
    "time_decay",
    "position",
    "markov",
    "shapley",
)
HEURISTIC_MODELS = MODELS[:6]
MODEL_NAMES = {
    "first": "first touch",
    "last": "last touch",
    "last_non_direct": "last non-direct touch",
    "linear": "linear",
    "time_decay": "time decay",
    "position": "position-based",
    "markov": "Markov chain",
    "shapley": "Shapley value",
}
RESULT_COLUMNS = ("channel", "model", "conversions", "revenue", "share")
NO_TOUCH = "(none)"  # a conversion whose every touch was excluded
NOT_SET = "(not set)"  # a missing value at the chosen level
DIRECT = "direct"  # channel skipped by last_non_direct, compared case-insensitively
START_STATE = "(start)"
CONVERSION_STATE = "(conversion)"
NULL_STATE = "(null)"
DEFAULT_WINDOW_DAYS = 30
DEFAULT_HALF_LIFE_DAYS = 7.0
DEFAULT_POSITION_WEIGHTS = (0.4, 0.2, 0.4)
LOOKBACK_WINDOWS = (7, 14, 30, 60, 90)
EXACT_SHAPLEY_MAX_CHANNELS = 15
SHAPLEY_PER_COALITION = "exact: per-coalition formula"
SHAPLEY_CLOSED_FORM = "exact: closed form (simplified Shapley value)"
GRANULARITIES = ("day", "week", "month", "all")
MARKOV_ORDERS = (1, 2, 3)
_US_PER_DAY = 86_400_000_000
_DENSE_LIMIT = 1500  # chains with more states are solved with a sparse LU
_BOOTSTRAP_CELLS = 4_000_000  # resample counts held in memory at once (rows x customers)


def _scipy_sparse() -> ModuleType:
    """Import scipy.sparse (and its linalg) on first use.

    Channel-level chains are solved densely with numpy; only big chains and the bootstrap need
    scipy, and importing it costs every CLI run about half a second.
    """
    importlib.import_module("scipy.sparse.linalg")
    return importlib.import_module("scipy.sparse")


# -- path sets -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PathSet:
    """Paths as integer codes in ragged form: what every model consumes.

    Touches of path p are `codes[offsets[p]:offsets[p + 1]]`, in time order. Each path carries
    weights: `conversions` and `nulls` (1/0 for a path built from events; counts for a
    de-duplicated or hand-written set) and `revenue`. `age_days` (per touch) and `customer`
    (per path) exist only for per-path sets built from events.
    """

    labels: np.ndarray  # level value by code, sorted
    offsets: np.ndarray  # int64, n_paths + 1
    codes: np.ndarray  # int64 per touch
    direct: np.ndarray  # bool per touch: the touch's channel is "Direct"
    conversions: np.ndarray  # float64 per path
    nulls: np.ndarray  # float64 per path
    revenue: np.ndarray  # float64 per path
    age_days: np.ndarray | None = None  # float64 per touch (0 on non-converting paths)
    customer: np.ndarray | None = None  # int64 per path: code into `customer_ids`
    customer_ids: np.ndarray | None = None  # customer id by code (every customer of the input)
    conversion_time: np.ndarray | None = None  # datetime64[us] per path, NaT if not converting

    @property
    def n_paths(self) -> int:
        """Number of paths."""
        return len(self.offsets) - 1

    @property
    def lengths(self) -> np.ndarray:
        """Number of touches per path."""
        return np.diff(self.offsets)

    @property
    def path_of_touch(self) -> np.ndarray:
        """Path index of every touch."""
        return np.repeat(np.arange(self.n_paths), self.lengths)

    @property
    def position(self) -> np.ndarray:
        """0-based position of every touch within its path."""
        return np.arange(len(self.codes)) - np.repeat(self.offsets[:-1], self.lengths)

    @property
    def total_conversions(self) -> float:
        """Sum of conversions over all paths."""
        return float(self.conversions.sum())

    @property
    def total_revenue(self) -> float:
        """Sum of revenue over all paths."""
        return float(self.revenue.sum())

    def strings(self) -> np.ndarray:
        """Return every path as level values joined by `PATH_SEPARATOR`."""
        if self.n_paths == 0:
            return np.array([], dtype=object)
        names = self.labels[self.codes].astype(object)
        parts = np.split(names, self.offsets[1:-1])
        return np.array([PATH_SEPARATOR.join(p) for p in parts], dtype=object)

    @classmethod
    def from_counts(
        cls,
        counts: pd.DataFrame,
        direct_channels: Sequence[str] = ("Direct",),
        sep: str = PATH_SEPARATOR,
    ) -> PathSet:
        """Build a set from hand-written paths: columns path, n_conversions, n_null, revenue.

        `path` holds names joined by `sep` (surrounding spaces are stripped), like the input of
        ChannelAttribution; missing n_null or revenue read 0. Used for tests and notebooks.
        """
        if "path" not in counts.columns or "n_conversions" not in counts.columns:
            raise SettingsError("path counts need the columns 'path' and 'n_conversions'")
        split = [[part.strip() for part in str(p).split(sep.strip())] for p in counts["path"]]
        lengths = np.array([len(s) for s in split], dtype=np.int64)
        flat = np.array([name for s in split for name in s], dtype=object)
        codes, labels = pd.factorize(flat, sort=True)
        direct_set = {d.lower() for d in direct_channels}
        label_arr = np.asarray(labels, dtype=object)
        is_direct = np.array([str(x).lower() in direct_set for x in label_arr], dtype=bool)
        zeros = np.zeros(len(counts))

        def column(name: str) -> np.ndarray:
            if name in counts.columns:
                return counts[name].to_numpy(dtype=np.float64)
            return zeros

        return cls(
            labels=label_arr,
            offsets=np.r_[0, np.cumsum(lengths)].astype(np.int64),
            codes=codes.astype(np.int64),
            direct=is_direct[codes] if len(codes) else np.zeros(0, dtype=bool),
            conversions=column("n_conversions"),
            nulls=column("n_null"),
            revenue=column("revenue"),
        )


def _require(events: pd.DataFrame, *columns: str) -> None:
    missing = [c for c in columns if c not in events.columns]
    if missing:
        raise SettingsError(f"events have no column {', '.join(repr(c) for c in missing)}")


def _micros(values: pd.Series) -> np.ndarray:
    """Return timestamps as int64 microseconds since the epoch (UTC wall time)."""
    if not (
        isinstance(values.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(values)
    ):
        raise SettingsError(f"column '{TIMESTAMP}' must hold parsed timestamps, not text")
    return np.asarray(values.array.as_unit("us").asi8, dtype=np.int64)


def _bool_values(values: pd.Series) -> np.ndarray:
    """Read a conversion column: bool as is; text true/1/yes (any case) is true; empty false."""
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.fillna(False).to_numpy(dtype=bool)
    if pd.api.types.is_numeric_dtype(values.dtype):
        return values.fillna(0).to_numpy() != 0
    text = values.astype("string").str.strip().str.lower()
    return text.isin(["true", "1", "yes", "y", "t"]).fillna(False).to_numpy(dtype=bool)


def _check_window(window_days: float) -> None:
    if not np.isfinite(window_days) or window_days < 0:
        raise SettingsError(
            f"window_days must be 0 (unlimited) or a positive number of days, got {window_days}"
        )


def _check_level(events: pd.DataFrame, level: str) -> None:
    if level not in ATTRIBUTION_LEVELS:
        options = ", ".join(ATTRIBUTION_LEVELS)
        raise SettingsError(f"attribution level must be one of {options}, got {level!r}")
    _require(events, level)


def _path_order(cust: np.ndarray, ts: np.ndarray, row: np.ndarray, n_customers: int) -> np.ndarray:
    """Stable order on (customer, timestamp, row): ties keep the file order.

    One stable integer sort on customer * span + time (or the time's rank when that key would
    overflow) after putting the events in row order: several times faster than a lexsort.
    """
    if len(cust) == 0:
        return np.zeros(0, dtype=np.int64)
    by_row = None
    if len(row) > 1 and not bool((np.diff(row) > 0).all()):
        by_row = np.argsort(row, kind="stable")
        cust, ts = cust[by_row], ts[by_row]
    low = int(ts.min())
    span = int(ts.max()) - low + 1
    if n_customers * span < 2**62:
        key = cust.astype(np.int64) * span + (ts - low)
    else:
        ranks = np.unique(ts, return_inverse=True)[1].reshape(-1)
        key = cust.astype(np.int64) * (int(ranks.max()) + 1) + ranks
    order = np.argsort(key, kind="stable")
    return by_row[order] if by_row is not None else order


def build_path_set(
    events: pd.DataFrame,
    level: str = CHANNEL,
    window_days: float = DEFAULT_WINDOW_DAYS,
    exclude_channels: Sequence[str] = (),
    exclude_event_types: Sequence[str] = (),
) -> PathSet:
    """Cut accepted events into conversion and non-converting paths (one per path, per-path set).

    Needs customer_id, timestamp, channel, conversion and `level`; uses revenue, event_type and
    row when present. See the module docstring for the exact rules.
    """
    _require(events, CUSTOMER_ID, TIMESTAMP, CHANNEL, CONVERSION)
    _check_level(events, level)
    _check_window(window_days)
    n = len(events)
    cust_codes, cust_ids = pd.factorize(events[CUSTOMER_ID])
    ts = _micros(events[TIMESTAMP])
    row = events[ROW].to_numpy(dtype=np.int64) if ROW in events.columns else np.arange(n)
    order = _path_order(cust_codes, ts, row, len(cust_ids))
    cust = cust_codes[order]
    ts = ts[order]
    conv = _bool_values(events[CONVERSION])[order]
    revenue = (
        events[REVENUE].fillna(0.0).to_numpy(dtype=np.float64)[order]
        if REVENUE in events.columns
        else np.zeros(n)
    )
    channel_codes, channel_uniques = pd.factorize(events[CHANNEL])
    level_codes, level_uniques = (
        (channel_codes, channel_uniques) if level == CHANNEL else pd.factorize(events[level])
    )
    level_codes = level_codes[order]
    channel_codes = channel_codes[order]
    channel_lower = pd.Index(channel_uniques).astype(str).str.lower()
    excluded = np.zeros(n, dtype=bool)
    if len(exclude_channels):
        excluded |= np.isin(channel_codes, np.flatnonzero(channel_uniques.isin(exclude_channels)))
    if len(exclude_event_types) and EVENT_TYPE in events.columns:
        excluded |= events[EVENT_TYPE].isin(exclude_event_types).to_numpy(dtype=bool)[order]

    # a path starts at a customer's first event and right after each conversion event
    start = np.ones(n, dtype=bool)
    start[1:] = (cust[1:] != cust[:-1]) | conv[:-1]
    path_of_event = np.cumsum(start) - 1
    n_raw = int(path_of_event[-1]) + 1 if n else 0
    ends = np.r_[np.flatnonzero(start)[1:], n] - 1 if n else np.zeros(0, dtype=np.int64)
    converted = conv[ends]
    conv_time = ts[ends]
    keep = ~excluded
    if window_days > 0:
        limit = conv_time[path_of_event] - round(window_days * _US_PER_DAY)
        keep &= (ts >= limit) | ~converted[path_of_event]
    kept = np.flatnonzero(keep)
    n_kept = np.bincount(path_of_event[kept], minlength=n_raw)
    no_touch = np.flatnonzero(converted & (n_kept == 0))
    valid = converted | (n_kept > 0)

    # label codes: the level's uniques, then NOT_SET (missing values), then NO_TOUCH
    n_uniques = len(level_uniques)
    raw_codes = np.where(level_codes[kept] < 0, n_uniques, level_codes[kept])
    touch_raw = np.r_[raw_codes, np.full(len(no_touch), n_uniques + 1)].astype(np.int64)
    touch_path = np.r_[path_of_event[kept], no_touch]
    channel_direct = np.r_[
        np.asarray(channel_lower == DIRECT, dtype=bool)[channel_codes[kept]],
        np.zeros(len(no_touch), dtype=bool),
    ]
    age = np.r_[
        np.where(converted[path_of_event[kept]], conv_time[path_of_event[kept]] - ts[kept], 0)
        / _US_PER_DAY,
        np.zeros(len(no_touch)),
    ]
    regroup = np.argsort(touch_path, kind="stable")
    touch_path, touch_raw = touch_path[regroup], touch_raw[regroup]
    channel_direct, age = channel_direct[regroup], age[regroup]

    all_labels = np.r_[np.asarray(level_uniques, dtype=object), [NOT_SET, NO_TOUCH]]
    used = np.unique(touch_raw)
    used_labels = all_labels[used].astype(str)
    rank = np.argsort(used_labels, kind="stable")
    remap = np.full(len(all_labels), -1, dtype=np.int64)
    remap[used[rank]] = np.arange(len(used))
    new_path = np.cumsum(valid) - 1
    lengths = np.bincount(new_path[touch_path], minlength=int(valid.sum()))
    conversions = converted[valid].astype(np.float64)
    return PathSet(
        labels=used_labels[rank].astype(object),
        offsets=np.r_[0, np.cumsum(lengths)].astype(np.int64),
        codes=remap[touch_raw],
        direct=channel_direct,
        conversions=conversions,
        nulls=1.0 - conversions,
        revenue=np.where(converted, revenue[ends], 0.0)[valid],
        age_days=age.astype(np.float64),
        customer=cust[ends][valid].astype(np.int64),
        customer_ids=np.asarray(cust_ids, dtype=object),
        conversion_time=np.where(converted, conv_time, np.iinfo(np.int64).min)[valid].view(
            "datetime64[us]"
        ),
    )


def _unique_path_ids(ps: PathSet) -> np.ndarray:
    """Give identical paths the same id (0..U-1), by factorising prefixes position by position."""
    key = np.zeros(ps.n_paths, dtype=np.int64)
    if ps.n_paths == 0:
        return key
    n_codes = max(len(ps.labels), 1)
    position = ps.position
    # small integer types get numpy's radix sort
    narrow = position.astype(np.uint16) if position.max() < 2**16 else position
    by_position = np.argsort(narrow, kind="stable")
    bounds = np.searchsorted(position[by_position], np.arange(int(position.max()) + 2))
    path_of_touch = ps.path_of_touch
    next_key = 1  # 0 is the empty prefix; each position's keys get a fresh range
    for i in range(len(bounds) - 1):
        touches = by_position[bounds[i] : bounds[i + 1]]
        paths = path_of_touch[touches]
        combo = key[paths] * n_codes + ps.codes[touches]
        ids, uniques = pd.factorize(combo)
        key[paths] = ids + next_key
        next_key += len(uniques)
    return pd.factorize(key)[0]


def aggregate_paths(ps: PathSet) -> PathSet:
    """Merge identical paths, summing their conversions, nulls and revenue (ages are dropped)."""
    if ps.n_paths == 0:
        return PathSet(
            ps.labels, ps.offsets, ps.codes, ps.direct, ps.conversions, ps.nulls, ps.revenue
        )
    ids = _unique_path_ids(ps)
    n_unique = int(ids.max()) + 1
    first = np.full(n_unique, ps.n_paths, dtype=np.int64)
    np.minimum.at(first, ids, np.arange(ps.n_paths))
    lengths = ps.lengths[first]
    touch_index = np.repeat(ps.offsets[first], lengths) + (
        np.arange(int(lengths.sum())) - np.repeat(np.r_[0, np.cumsum(lengths)[:-1]], lengths)
    )
    return PathSet(
        labels=ps.labels,
        offsets=np.r_[0, np.cumsum(lengths)].astype(np.int64),
        codes=ps.codes[touch_index],
        direct=ps.direct[touch_index],
        conversions=np.bincount(ids, ps.conversions, minlength=n_unique),
        nulls=np.bincount(ids, ps.nulls, minlength=n_unique),
        revenue=np.bincount(ids, ps.revenue, minlength=n_unique),
    )


def conversion_paths(
    events: pd.DataFrame,
    level: str = CHANNEL,
    window_days: float = DEFAULT_WINDOW_DAYS,
    exclude_channels: Sequence[str] = (),
    exclude_event_types: Sequence[str] = (),
) -> pd.DataFrame:
    """Return one row per path: customer_id, path, n_touches, converted, revenue, conversion_time.

    `path` joins the level values with " > "; conversion_time is NaT for non-converting paths.
    Sorted by customer_id, then time (each customer's paths in the order they happened).
    """
    ps = build_path_set(events, level, window_days, exclude_channels, exclude_event_types)
    ids = _unique_path_ids(ps)
    unique_strings = np.empty(0, dtype=object)
    if ps.n_paths:
        first = np.full(int(ids.max()) + 1, ps.n_paths, dtype=np.int64)
        np.minimum.at(first, ids, np.arange(ps.n_paths))
        lengths = ps.lengths[first]
        starts = ps.offsets[first]
        names = ps.labels.astype(object)
        unique_strings = np.array(
            [
                PATH_SEPARATOR.join(names[ps.codes[s : s + m]])
                for s, m in zip(starts, lengths, strict=True)
            ],
            dtype=object,
        )
    customers = ps.customer_ids if ps.customer_ids is not None else np.empty(0, dtype=object)
    customer = ps.customer if ps.customer is not None else np.zeros(0, dtype=np.int64)
    conversion_time = (
        ps.conversion_time if ps.conversion_time is not None else np.zeros(0, "datetime64[us]")
    )
    # paths are grouped by customer in order of first appearance: sort by customer id
    order = np.argsort(_customer_rank(customers)[customer], kind="stable")
    return pd.DataFrame(
        {
            CUSTOMER_ID: pd.array(customers[customer][order], dtype="str"),
            "path": pd.array(unique_strings[ids][order] if ps.n_paths else [], dtype="str"),
            "n_touches": ps.lengths.astype(np.int64)[order],
            "converted": ps.conversions[order] > 0,
            REVENUE: ps.revenue[order],
            "conversion_time": pd.to_datetime(conversion_time[order]).tz_localize("UTC"),
        }
    )


def _customer_rank(customer_ids: np.ndarray) -> np.ndarray:
    """Rank of each customer code in customer-id order."""
    rank = np.empty(len(customer_ids), dtype=np.int64)
    rank[np.argsort(customer_ids.astype(str), kind="stable")] = np.arange(len(customer_ids))
    return rank


def count_paths(paths: pd.DataFrame) -> pd.DataFrame:
    """Count identical paths of `conversion_paths`: path, n_conversions, n_null, revenue.

    Sorted by n_conversions descending, then n_null descending, then path.
    """
    _require(paths, "path", "converted", REVENUE)
    counted = paths.assign(
        n_conversions=paths["converted"].astype(np.int64),
        n_null=(~paths["converted"].astype(bool)).astype(np.int64),
    )
    out = counted.groupby("path", as_index=False, sort=False).agg(
        n_conversions=("n_conversions", "sum"), n_null=("n_null", "sum"), revenue=(REVENUE, "sum")
    )
    return out.sort_values(
        ["n_conversions", "n_null", "path"], ascending=[False, False, True], ignore_index=True
    )


# -- heuristic models ----------------------------------------------------------------------


def _check_position_weights(weights: Sequence[float]) -> tuple[float, float, float]:
    if len(weights) != 3 or any((not np.isfinite(w)) or w < 0 for w in weights):
        raise SettingsError(
            "position weights must be three non-negative numbers: first, middle, last"
        )
    first, middle, last = (float(w) for w in weights)
    if abs(first + middle + last - 1.0) > 1e-6 or first + last <= 0:
        raise SettingsError(
            "position weights must add up to 1 with first + last > 0, "
            f"got {first}, {middle}, {last}"
        )
    return first, middle, last


def touch_weights(
    ps: PathSet,
    model: str,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    position_weights: Sequence[float] = DEFAULT_POSITION_WEIGHTS,
) -> np.ndarray:
    """Return each touch's fraction of its path's conversion under a heuristic model (sums to 1)."""
    lengths = ps.lengths
    path = ps.path_of_touch
    pos = ps.position
    length = lengths[path]
    if model == "first":
        return (pos == 0).astype(np.float64)
    if model == "last":
        return (pos == length - 1).astype(np.float64)
    if model == "linear":
        return 1.0 / length
    if model == "last_non_direct":
        index = np.arange(len(ps.codes))
        candidate = np.where(ps.direct, -1, index)
        chosen = np.full(ps.n_paths, -1, dtype=np.int64)
        if len(index):
            chosen = np.maximum.reduceat(candidate, ps.offsets[:-1])
        chosen = np.where(chosen < 0, ps.offsets[1:] - 1, chosen)  # all direct: last touch
        return (index == chosen[path]).astype(np.float64)
    if model == "position":
        first, middle, last = _check_position_weights(position_weights)
        ends = first + last
        weight = np.where(pos == 0, first, np.where(pos == length - 1, last, 0.0))
        middle_each = middle / np.maximum(length - 2, 1)
        weight = np.where((pos > 0) & (pos < length - 1), middle_each, weight)
        weight = np.where(length == 2, np.where(pos == 0, first / ends, last / ends), weight)
        return np.where(length == 1, 1.0, weight)
    if model == "time_decay":
        if ps.age_days is None:
            raise SettingsError("time decay needs touch times: build the paths from events")
        if not np.isfinite(half_life_days) or half_life_days <= 0:
            raise SettingsError(
                f"half-life must be a positive number of days, got {half_life_days}"
            )
        # shift ages by the path's youngest touch before exponentiating: same ratios, no underflow
        youngest = np.full(ps.n_paths, np.inf)
        np.minimum.at(youngest, path, ps.age_days)
        raw = np.exp2(-(ps.age_days - youngest[path]) / half_life_days)
        return raw / np.bincount(path, raw, minlength=ps.n_paths)[path]
    raise SettingsError(
        f"unknown heuristic model {model!r}; use one of {', '.join(HEURISTIC_MODELS)}"
    )


def _credit_frame(labels: np.ndarray, conversions: np.ndarray, revenue: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "channel": pd.array(labels.astype(str), dtype="str"),
            "conversions": conversions.astype(np.float64),
            "revenue": revenue.astype(np.float64),
        }
    )


def heuristic_model(
    ps: PathSet,
    model: str,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    position_weights: Sequence[float] = DEFAULT_POSITION_WEIGHTS,
) -> pd.DataFrame:
    """Credit conversions and revenue by a heuristic model: channel, conversions, revenue.

    One row per label of the set, in label order.
    """
    return _credit_frame(ps.labels, *_heuristic(ps, model, half_life_days, position_weights))


def _heuristic(
    ps: PathSet, model: str, half_life_days: float, position_weights: Sequence[float]
) -> tuple[np.ndarray, np.ndarray]:
    weight = touch_weights(ps, model, half_life_days, position_weights)
    path = ps.path_of_touch
    k = len(ps.labels)
    conversions = np.bincount(ps.codes, weight * ps.conversions[path], minlength=k)
    revenue = np.bincount(ps.codes, weight * ps.revenue[path], minlength=k)
    return conversions, revenue


# -- Markov --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Chain:
    """An order-k chain's transitions: state 0 is (start), then S observed states."""

    n_states: int  # transient states including start
    digits: np.ndarray  # (order, n_states) channel code per lag, -1 where none (start: all -1)
    source: np.ndarray  # per record: source state
    target: np.ndarray  # per record: target state; n_states = conversion, n_states + 1 = null
    path: np.ndarray  # per record: path index
    kind: np.ndarray  # per record: 0 carries conversions + nulls, 1 conversions, 2 nulls
    last_code: np.ndarray  # per path: code of its last touch

    def weights(self, ps_conv: np.ndarray, ps_null: np.ndarray) -> np.ndarray:
        """Return each record's weight given per-path conversions and nulls."""
        conv, null = ps_conv[self.path], ps_null[self.path]
        return np.where(self.kind == 0, conv + null, np.where(self.kind == 1, conv, null))

    def pair_ids(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return (pair id per record, pair source, pair target) over distinct transitions."""
        key = self.source.astype(np.int64) * (self.n_states + 2) + self.target
        ids, uniques = pd.factorize(key, sort=True)
        return ids, uniques // (self.n_states + 2), uniques % (self.n_states + 2)


def _collapse(ps: PathSet) -> tuple[np.ndarray, np.ndarray]:
    """Drop consecutive repeats (A A B -> A B); return (codes, offsets)."""
    if len(ps.codes) == 0:
        return ps.codes, ps.offsets
    keep = np.ones(len(ps.codes), dtype=bool)
    keep[1:] = ps.codes[1:] != ps.codes[:-1]
    keep[ps.offsets[:-1][ps.lengths > 0]] = True  # a path's first touch always stays
    lengths = np.bincount(ps.path_of_touch[keep], minlength=ps.n_paths)
    return ps.codes[keep], np.r_[0, np.cumsum(lengths)].astype(np.int64)


def _build_chain(ps: PathSet, order: int) -> _Chain:
    if order not in MARKOV_ORDERS:
        raise SettingsError(f"Markov order must be 1, 2 or 3, got {order}")
    codes, offsets = _collapse(ps)
    lengths = np.diff(offsets)
    n_paths = len(lengths)
    base = len(ps.labels) + 1
    if base**order >= 2**62:
        raise SettingsError(
            f"too many distinct values ({base - 1}) for a Markov chain of order {order}"
        )
    pos = np.arange(len(codes)) - np.repeat(offsets[:-1], lengths)
    key = np.zeros(len(codes), dtype=np.int64)
    for lag in range(order):
        lagged = np.full(len(codes), -1, dtype=np.int64)
        has = pos >= lag
        lagged[has] = codes[np.flatnonzero(has) - lag]
        key += (lagged + 1) * base**lag
    state_ids, state_keys = pd.factorize(key, sort=True)
    state = state_ids.astype(np.int64) + 1  # 0 is (start)
    n_states = len(state_keys) + 1
    digits = np.full((order, n_states), -1, dtype=np.int64)
    for lag in range(order):
        digits[lag, 1:] = (np.asarray(state_keys) // base**lag) % base - 1
    path = np.repeat(np.arange(n_paths), lengths)
    inner = pos > 0
    first = offsets[:-1]
    last = offsets[1:] - 1
    source = np.r_[
        np.zeros(n_paths, dtype=np.int64),
        state[np.flatnonzero(inner) - 1],
        state[last],
        state[last],
    ]
    target = np.r_[
        state[first], state[inner], np.full(n_paths, n_states), np.full(n_paths, n_states + 1)
    ]
    return _Chain(
        n_states=n_states,
        digits=digits,
        source=source,
        target=target,
        path=np.r_[np.arange(n_paths), path[inner], np.arange(n_paths), np.arange(n_paths)],
        kind=np.r_[
            np.zeros(n_paths + int(inner.sum()), dtype=np.int8),
            np.ones(n_paths, np.int8),
            np.full(n_paths, 2, np.int8),
        ],
        last_code=codes[last] if n_paths else np.zeros(0, dtype=np.int64),
    )


def _absorption(
    n_states: int,
    pair_source: np.ndarray,
    pair_target: np.ndarray,
    counts: np.ndarray,
    rewards: np.ndarray,
    removed: list[np.ndarray],
) -> np.ndarray:
    """Solve the absorbing chain exactly for each removal set.

    `rewards` (n_states x R) is what a transition state -> conversion pays (1 for conversion
    probability, mean revenue for expected revenue). Returns (1 + len(removed)) x R values seen
    from (start): first with nothing removed, then with each removal set's states sent to null.
    """
    totals = np.bincount(pair_source, counts, minlength=n_states)
    inner = pair_target < n_states
    prob = counts / np.where(totals[pair_source] > 0, totals[pair_source], 1.0)
    to_conv = pair_target == n_states
    b = np.zeros((n_states, rewards.shape[1]))
    conv_prob = np.bincount(pair_source[to_conv], prob[to_conv], minlength=n_states)
    b = conv_prob[:, None] * rewards
    src, dst, p = pair_source[inner], pair_target[inner], prob[inner]
    out = np.zeros((1 + len(removed), rewards.shape[1]))
    keep_sets = [np.ones(n_states, dtype=bool)]
    for states in removed:
        keep = np.ones(n_states, dtype=bool)
        keep[states] = False
        keep_sets.append(keep)
    dense = n_states <= _DENSE_LIMIT
    if dense:
        matrix = np.eye(n_states)
        np.add.at(matrix, (src, dst), -p)
    else:
        sparse = _scipy_sparse()
        matrix = sparse.identity(n_states, format="csr") - sparse.csr_matrix(
            (p, (src, dst)), shape=(n_states, n_states)
        )
    for i, keep in enumerate(keep_sets):
        if not keep[0]:
            continue
        index = np.flatnonzero(keep)
        rhs = b[index]
        if dense:
            solution = np.linalg.solve(matrix[np.ix_(index, index)], rhs)
        else:
            sub = matrix[index][:, index].tocsc()
            solution = sparse.linalg.splu(sub).solve(rhs)
        out[i] = solution[0]
    return out


@dataclass(frozen=True)
class MarkovResult:
    """A fitted Markov attribution: credit, removal effects and the transition matrix."""

    attribution: pd.DataFrame  # channel, conversions, revenue (label order)
    removal_effects: pd.DataFrame  # channel, removal_effect, revenue_removal_effect
    transitions: pd.DataFrame  # source, target, count, probability
    conversion_probability: float  # P(conversion) from (start)
    expected_revenue: float  # expected revenue per path from (start)
    order: int


def _removal_sets(chain: _Chain, n_labels: int) -> list[np.ndarray]:
    return [np.flatnonzero((chain.digits == k).any(axis=0)) for k in range(n_labels)]


def _state_names(chain: _Chain, labels: np.ndarray) -> np.ndarray:
    names = np.empty(chain.n_states + 2, dtype=object)
    names[0] = START_STATE
    names[chain.n_states] = CONVERSION_STATE
    names[chain.n_states + 1] = NULL_STATE
    for s in range(1, chain.n_states):
        lags = [labels[c] for c in chain.digits[::-1, s] if c >= 0]  # oldest first
        names[s] = ",".join(str(x) for x in lags) if len(lags) > 1 else str(lags[0])
    return names


def _credit_by_effects(effects: np.ndarray, total: float) -> np.ndarray:
    effect_sum = effects.sum()
    if effect_sum <= 0 or total == 0:
        return np.zeros_like(effects)
    return total * effects / effect_sum


def markov_model(ps: PathSet, order: int = 1) -> MarkovResult:
    """Fit a Markov chain on the paths and credit conversions and revenue by removal effects.

    States are (start), tuples of the last `order` channels (consecutive repeats collapsed),
    (conversion) and (null); non-converting paths are included. RE_k = 1 - P(conversion with k
    removed) / P(conversion), removing k sending its traffic to null, solved exactly. Revenue:
    the transition c -> conversion pays the mean revenue of conversions whose last touch is c.
    """
    chain = _build_chain(ps, order)
    k = len(ps.labels)
    _ids, pair_source, pair_target = chain.pair_ids()
    counts = np.bincount(_ids, chain.weights(ps.conversions, ps.nulls), minlength=len(pair_source))
    conv_by_last = np.bincount(chain.last_code, ps.conversions, minlength=k)
    revenue_by_last = np.bincount(chain.last_code, ps.revenue, minlength=k)
    mean_revenue = np.divide(revenue_by_last, conv_by_last, out=np.zeros(k), where=conv_by_last > 0)
    # (start) has no last channel (-1): the appended 0 is its reward
    rewards = np.column_stack([np.ones(chain.n_states), np.r_[mean_revenue, 0.0][chain.digits[0]]])
    values = _absorption(
        chain.n_states, pair_source, pair_target, counts, rewards, _removal_sets(chain, k)
    )
    base = values[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        effects = np.where(base > 0, 1.0 - values[1:] / base, 0.0)
    effects = np.clip(effects, 0.0, 1.0)  # round-off only: removing a state never adds paths
    conversions = _credit_by_effects(effects[:, 0], ps.total_conversions)
    revenue = _credit_by_effects(effects[:, 1], ps.total_revenue)
    names = _state_names(chain, ps.labels)
    totals = np.bincount(pair_source, counts, minlength=chain.n_states)
    transitions = pd.DataFrame(
        {
            "source": pd.array(names[pair_source].astype(str), dtype="str"),
            "target": pd.array(names[pair_target].astype(str), dtype="str"),
            "count": counts,
            "probability": counts / np.where(totals[pair_source] > 0, totals[pair_source], 1.0),
        }
    )
    transitions = transitions[transitions["count"] > 0].reset_index(drop=True)
    removal = pd.DataFrame(
        {
            "channel": pd.array(ps.labels.astype(str), dtype="str"),
            "removal_effect": effects[:, 0],
            "revenue_removal_effect": effects[:, 1],
        }
    )
    return MarkovResult(
        attribution=_credit_frame(ps.labels, conversions, revenue),
        removal_effects=removal,
        transitions=transitions,
        conversion_probability=float(base[0]),
        expected_revenue=float(base[1]),
        order=order,
    )


# -- Shapley -------------------------------------------------------------------------------


def _distinct_pairs(ps: PathSet) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (path, code) of each path's distinct channels, and each path's set size."""
    k = max(len(ps.labels), 1)
    key = np.sort(ps.path_of_touch.astype(np.int64) * k + ps.codes)
    key = key[np.r_[True, key[1:] != key[:-1]]] if len(key) else key
    path, code = key // k, key % k
    return path, code, np.bincount(path, minlength=ps.n_paths)


def _shapley_closed_form(ps: PathSet) -> tuple[np.ndarray, np.ndarray]:
    path, code, size = _distinct_pairs(ps)
    k = len(ps.labels)
    share = 1.0 / size[path]
    conversions = np.bincount(code, share * ps.conversions[path], minlength=k)
    revenue = np.bincount(code, share * ps.revenue[path], minlength=k)
    return conversions, revenue


def _shapley_per_coalition(ps: PathSet, players: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Shapley values by phi_j = sum over S not holding j of |S|!(n-|S|-1)!/n! (v(S+j) - v(S))."""
    path, code, _size = _distinct_pairs(ps)
    k = len(ps.labels)
    n = len(players)
    player_of = np.full(k, -1, dtype=np.int64)
    player_of[players] = np.arange(n)
    player = player_of[code]
    mask = np.zeros(ps.n_paths, dtype=np.int64)
    np.bitwise_or.at(mask, path, np.where(player >= 0, np.left_shift(1, np.maximum(player, 0)), 0))
    carries = (ps.conversions > 0) | (ps.revenue > 0)
    size = 1 << n
    worth = np.zeros((size, 2))
    # r(T): conversions / revenue of paths whose channel set is exactly T
    worth[:, 0] = np.bincount(mask[carries], ps.conversions[carries], minlength=size)
    worth[:, 1] = np.bincount(mask[carries], ps.revenue[carries], minlength=size)
    coalitions = np.arange(size)
    for bit in range(n):  # v(S) = sum of r(T) over T subset of S (zeta transform)
        has = (coalitions >> bit) & 1 == 1
        worth[has] += worth[coalitions[has] ^ (1 << bit)]
    popcount = np.zeros(size, dtype=np.int64)
    for bit in range(n):
        popcount += (coalitions >> bit) & 1
    factor = np.array(
        [math.factorial(s) * math.factorial(n - s - 1) / math.factorial(n) for s in range(n)]
    )
    conversions = np.zeros(k)
    revenue = np.zeros(k)
    for j in range(n):
        without = coalitions[((coalitions >> j) & 1) == 0]
        gain = worth[without | (1 << j)] - worth[without]
        value = factor[popcount[without]] @ gain
        conversions[players[j]], revenue[players[j]] = value[0], value[1]
    return conversions, revenue


def shapley_model(
    ps: PathSet, max_exact_channels: int = EXACT_SHAPLEY_MAX_CHANNELS
) -> pd.DataFrame:
    """Credit conversions and revenue by the Shapley value over channel sets.

    Characteristic function (Zhao et al. 2018): v(S) = conversions of the paths whose set of
    channels is a subset of S (revenue-valued: their revenue). Non-converting paths add 0.
    With at most `max_exact_channels` channels on converting paths, each player's value is
    summed over every coalition; beyond that the closed form phi_j = sum over paths holding j
    of conversions / (number of distinct channels on the path) is used. Both are exact: that
    v is a sum of unanimity games, whose Shapley values split each path equally. The method
    used is in `attrs["shapley_method"]`.
    """
    conversions, revenue, method = _shapley(ps, max_exact_channels)
    frame = _credit_frame(ps.labels, conversions, revenue)
    frame.attrs["shapley_method"] = method
    return frame


def _shapley(ps: PathSet, max_exact_channels: int) -> tuple[np.ndarray, np.ndarray, str]:
    carries = (ps.conversions > 0) | (ps.revenue > 0)
    on_converting = np.zeros(len(ps.labels), dtype=bool)
    on_converting[ps.codes[carries[ps.path_of_touch]]] = True
    players = np.flatnonzero(on_converting)
    if len(players) <= max_exact_channels:
        return (*_shapley_per_coalition(ps, players), SHAPLEY_PER_COALITION)
    return (*_shapley_closed_form(ps), SHAPLEY_CLOSED_FORM)


# -- all models ----------------------------------------------------------------------------


def _check_models(models: Sequence[str]) -> list[str]:
    chosen = list(dict.fromkeys(models))
    unknown = [m for m in chosen if m not in MODELS]
    if unknown or not chosen:
        raise SettingsError(
            f"unknown attribution model {', '.join(map(repr, unknown)) or '(none)'}; "
            f"use any of {', '.join(MODELS)}"
        )
    return chosen


def _empty_result() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "channel": pd.Series(dtype="str"),
            "model": pd.Series(dtype="str"),
            "conversions": pd.Series(dtype="float64"),
            "revenue": pd.Series(dtype="float64"),
            "share": pd.Series(dtype="float64"),
        }
    )


def attribute_paths(
    ps: PathSet,
    models: Sequence[str] = MODELS,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    position_weights: Sequence[float] = DEFAULT_POSITION_WEIGHTS,
    markov_order: int = 1,
    channels: Sequence[str] = (),
) -> pd.DataFrame:
    """Run attribution models on a path set: channel, model, conversions, revenue, share.

    Every label of the set (and every name in `channels`) gets a row per model, 0 when
    uncredited. Sorted by model (in the given order), conversions descending, channel.
    `share` is conversions / the model's total conversions (0 when there are none).
    """
    chosen = _check_models(models)
    if "position" in chosen:
        _check_position_weights(position_weights)
    aggregated = aggregate_paths(ps) if any(m != "time_decay" for m in chosen) else ps
    labels = ps.labels.astype(str)
    extra = sorted(set(channels) - set(labels))
    names = np.r_[labels, np.array(extra, dtype=str)] if extra else labels
    if len(names) == 0:
        return _empty_result()
    padding = np.zeros(len(extra))
    total = ps.total_conversions
    conversions, revenue = [], []
    method = ""
    for model in chosen:
        if model == "markov":
            markov = markov_model(aggregated, markov_order).attribution
            conv, rev = markov["conversions"].to_numpy(), markov["revenue"].to_numpy()
        elif model == "shapley":
            conv, rev, method = _shapley(aggregated, EXACT_SHAPLEY_MAX_CHANNELS)
        else:
            source = ps if model == "time_decay" else aggregated
            conv, rev = _heuristic(source, model, half_life_days, position_weights)
        conversions.append(np.r_[conv, padding])
        revenue.append(np.r_[rev, padding])
    conv_all = np.concatenate(conversions)
    n = len(names)
    rank = np.repeat(np.arange(len(chosen)), n)
    channel_all = np.tile(names, len(chosen))
    # model order, then conversions descending, then channel name
    channel_rank = np.tile(np.argsort(np.argsort(names, kind="stable"), kind="stable"), len(chosen))
    # rounded: sums in another path order must not reorder channels that tie
    order = np.lexsort((channel_rank, -np.round(conv_all, 9), rank))
    out = pd.DataFrame(
        {
            "channel": pd.array(channel_all[order], dtype="str"),
            "model": pd.array(np.repeat(np.array(chosen, dtype=object), n)[order], dtype="str"),
            "conversions": conv_all[order],
            "revenue": np.concatenate(revenue)[order],
            "share": conv_all[order] / total if total > 0 else np.zeros(len(order)),
        }
    )
    if method:
        out.attrs["shapley_method"] = method
    return out


def attribute(
    events: pd.DataFrame,
    models: Sequence[str] = MODELS,
    level: str = CHANNEL,
    window_days: float = DEFAULT_WINDOW_DAYS,
    *,
    exclude_channels: Sequence[str] = (),
    exclude_event_types: Sequence[str] = (),
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    position_weights: Sequence[float] = DEFAULT_POSITION_WEIGHTS,
    markov_order: int = 1,
    channels: Sequence[str] = (),
) -> pd.DataFrame:
    """Attribute conversions and revenue from events: channel, model, conversions, revenue, share.

    The first column is called `channel` whatever the level. See `attribute_paths` for rows
    and order; `attrs["shapley_method"]` says how Shapley was computed.
    """
    _check_models(models)
    ps = build_path_set(events, level, window_days, exclude_channels, exclude_event_types)
    return attribute_paths(ps, models, half_life_days, position_weights, markov_order, channels)


# -- uncertainty and robustness ------------------------------------------------------------


def _customer_credit(
    ps: PathSet,
    customer: np.ndarray,
    model: str,
    half_life_days: float,
    position_weights: Sequence[float],
) -> scipy.sparse.csr_matrix:
    """Per-customer credited conversions (customers x labels) under a linear-in-paths model."""
    n_customers = len(ps.customer_ids) if ps.customer_ids is not None else 0
    if model == "shapley":
        path, code, size = _distinct_pairs(ps)
        weight = ps.conversions[path] / size[path]
    else:
        path = ps.path_of_touch
        code = ps.codes
        weight = touch_weights(ps, model, half_life_days, position_weights) * ps.conversions[path]
    return _scipy_sparse().csr_matrix(
        (weight, (customer[path], code)), shape=(n_customers, len(ps.labels))
    )


def _resample_counts(
    rng: np.random.Generator, n_customers: int, n_resamples: int
) -> Iterator[np.ndarray]:
    """Draw customers with replacement, a chunk of resamples at a time (bounded memory).

    Yields (resamples x customers) arrays: how often each customer was drawn.
    """
    chunk = max(1, min(n_resamples, _BOOTSTRAP_CELLS // max(n_customers, 1)))
    done = 0
    while done < n_resamples:
        b = min(chunk, n_resamples - done)
        draws = rng.integers(0, n_customers, size=(b, n_customers))
        draws += (np.arange(b) * n_customers)[:, None]
        counts = np.bincount(draws.ravel(), minlength=b * n_customers)
        yield counts.reshape(b, n_customers).astype(np.float64)
        done += b


def bootstrap_shares(
    events: pd.DataFrame,
    models: Sequence[str] = MODELS,
    level: str = CHANNEL,
    window_days: float = DEFAULT_WINDOW_DAYS,
    *,
    exclude_channels: Sequence[str] = (),
    exclude_event_types: Sequence[str] = (),
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    position_weights: Sequence[float] = DEFAULT_POSITION_WEIGHTS,
    markov_order: int = 1,
    n_resamples: int = 200,
    confidence: float = 0.95,
    random_state: int | None = 0,
    progress: ProgressFn | None = None,
) -> pd.DataFrame:
    """Bootstrap confidence intervals of each model's share: channel, model, share_low, share_high.

    Customers are resampled with replacement (`n_resamples` times); each resample re-weights
    every path by how often its customer was drawn, and the model's shares are recomputed
    (Markov: the chain is refitted and solved exactly). Bounds are percentiles at
    (1 - confidence) / 2 and (1 + confidence) / 2. Sorted like `attribute` (model, channel).
    """
    chosen = _check_models(models)
    if n_resamples < 2:
        raise SettingsError(f"bootstrap needs at least 2 resamples, got {n_resamples}")
    if not 0 < confidence < 1:
        raise SettingsError(f"confidence must be between 0 and 1, got {confidence}")
    ps = build_path_set(events, level, window_days, exclude_channels, exclude_event_types)
    k = len(ps.labels)
    n_customers = len(ps.customer_ids) if ps.customer_ids is not None else 0
    samples = {m: np.zeros((n_resamples, k)) for m in chosen}
    if n_customers and ps.n_paths:
        rng = np.random.default_rng(random_state)
        # customers in id order, so a seed gives the same draws whatever the input row order
        customer = _customer_rank(ps.customer_ids)[ps.customer]
        linear = {
            m: _customer_credit(ps, customer, m, half_life_days, position_weights).T.tocsr()
            for m in chosen
            if m != "markov"
        }
        chain_parts = None
        if "markov" in chosen:
            chain = _build_chain(ps, markov_order)
            ids, pair_source, pair_target = chain.pair_ids()
            weight = chain.weights(ps.conversions, ps.nulls)
            per_customer = (
                _scipy_sparse()
                .csr_matrix(
                    (weight, (customer[chain.path], ids)), shape=(n_customers, len(pair_source))
                )
                .T.tocsr()
            )
            chain_parts = (chain, pair_source, pair_target, per_customer, _removal_sets(chain, k))
        row = 0
        for counts in _resample_counts(rng, n_customers, n_resamples):
            b = counts.shape[0]
            for model, matrix in linear.items():
                samples[model][row : row + b] = (matrix @ counts.T).T
            if chain_parts is not None:
                chain, pair_source, pair_target, per_customer, removed = chain_parts
                pair_counts = (per_customer @ counts.T).T
                reward = np.ones((chain.n_states, 1))
                for i in range(b):
                    values = _absorption(
                        chain.n_states, pair_source, pair_target, pair_counts[i], reward, removed
                    )[:, 0]
                    effects = (
                        np.clip(1.0 - values[1:] / values[0], 0, 1)
                        if values[0] > 0
                        else np.zeros(k)
                    )
                    samples["markov"][row + i] = effects
            row += b
            if progress is not None:
                progress(row / n_resamples, f"bootstrap {row}/{n_resamples}")
    frames = []
    low_q, high_q = (1 - confidence) / 2, (1 + confidence) / 2
    for model in chosen:
        sums = samples[model].sum(axis=1, keepdims=True)
        shares = np.divide(samples[model], sums, out=np.zeros_like(samples[model]), where=sums > 0)
        frames.append(
            pd.DataFrame(
                {
                    "channel": pd.array(ps.labels.astype(str), dtype="str"),
                    "model": model,
                    "share_low": np.quantile(shares, low_q, axis=0) if k else np.zeros(0),
                    "share_high": np.quantile(shares, high_q, axis=0) if k else np.zeros(0),
                }
            )
        )
    if not frames or k == 0:
        return pd.DataFrame(
            {
                "channel": pd.Series(dtype="str"),
                "model": pd.Series(dtype="str"),
                "share_low": pd.Series(dtype="float64"),
                "share_high": pd.Series(dtype="float64"),
            }
        )
    out = pd.concat(frames, ignore_index=True)
    rank = out["model"].map({m: i for i, m in enumerate(chosen)})
    out = out.assign(_rank=rank).sort_values(["_rank", "channel"], kind="stable")
    return out.drop(columns="_rank").reset_index(drop=True)


def lookback_sensitivity(
    events: pd.DataFrame,
    models: Sequence[str] = MODELS,
    level: str = CHANNEL,
    windows: Sequence[float] = LOOKBACK_WINDOWS,
    **params: object,
) -> pd.DataFrame:
    """Each model's shares at several lookback windows.

    Columns window_days, channel, model, conversions, share. `params` are `attribute`'s
    keyword options. Sorted by window_days, then as `attribute`.
    """
    frames = []
    for window in windows:
        result = attribute(events, models, level, window, **params)  # type: ignore[arg-type]
        frames.append(
            result.assign(window_days=window)[
                ["window_days", "channel", "model", "conversions", "share"]
            ]
        )
    return pd.concat(frames, ignore_index=True)


_OPENERS = ("first",)
_CLOSERS = ("last", "last_non_direct")


def find_disagreements(result: pd.DataFrame, threshold: float = 0.05) -> pd.DataFrame:
    """Name channels whose share differs by more than `threshold` between models.

    Takes `attribute`'s output. Returns channel, high_model, high_share, low_model, low_share,
    difference, role and an English sentence. role: "opens" (first touch credits it more than
    a last-touch model), "closes" (a last-touch model credits it most, another model least),
    "assists" (a last-touch model credits it least, a multi-touch model most) or "". Sorted
    by difference descending, then channel.
    """
    _require(result, "channel", "model", "share")
    columns = [
        "channel",
        "high_model",
        "high_share",
        "low_model",
        "low_share",
        "difference",
        "role",
        "sentence",
    ]
    if result.empty:
        return pd.DataFrame(
            {
                c: pd.Series(dtype="float64" if "share" in c or c == "difference" else "str")
                for c in columns
            }
        )
    order = {m: i for i, m in enumerate(dict.fromkeys(result["model"]))}
    ranked = result.assign(_rank=result["model"].map(order))
    high = (
        ranked.sort_values(["channel", "share", "_rank"], ascending=[True, False, True])
        .groupby("channel", sort=True)
        .head(1)
    )
    low = (
        ranked.sort_values(["channel", "share", "_rank"], ascending=[True, True, True])
        .groupby("channel", sort=True)
        .head(1)
    )
    pairs = high[["channel", "model", "share"]].merge(
        low[["channel", "model", "share"]], on="channel", suffixes=("_high", "_low")
    )
    pairs = pairs.rename(
        columns={
            "model_high": "high_model",
            "share_high": "high_share",
            "model_low": "low_model",
            "share_low": "low_share",
        }
    )
    pairs = pairs.assign(difference=pairs["high_share"] - pairs["low_share"])
    pairs = pairs[pairs["difference"] > threshold]
    high_closer = pairs["high_model"].isin(_CLOSERS)
    low_closer = pairs["low_model"].isin(_CLOSERS)
    opens = pairs["high_model"].isin(_OPENERS) & low_closer
    closes = high_closer & ~low_closer
    assists = ~high_closer & low_closer & ~opens
    role = np.select([opens, closes, assists], ["opens", "closes", "assists"], "")
    pairs = pairs.assign(role=role)
    pairs = pairs.assign(
        sentence=[
            disagreement_sentence(
                r.channel, r.high_model, r.high_share, r.low_model, r.low_share, r.role
            )
            for r in pairs.itertuples(index=False)
        ]
    )
    return pairs.sort_values(["difference", "channel"], ascending=[False, True], ignore_index=True)[
        columns
    ]


def disagreement_sentence(
    channel: str, high_model: str, high_share: float, low_model: str, low_share: float, role: str
) -> str:
    """Say in plain English how two models disagree about a channel."""
    head = (
        f"{channel} earns {high_share:.0%} under {MODEL_NAMES[high_model]} "
        f"but {low_share:.0%} under {MODEL_NAMES[low_model]}"
    )
    if role == "opens":
        return f"{head}: it opens journeys, it doesn't close them."
    if role == "closes":
        return f"{head}: it closes journeys more than it opens them."
    if role == "assists":
        return f"{head}: it helps journeys along but rarely closes them."
    return f"{head}: the models weigh its part in the journey differently."


# -- channel metrics by date range ---------------------------------------------------------


def _period_start(micros: np.ndarray, granularity: str) -> np.ndarray:
    """Return the start (UTC midnight) of each timestamp's day, ISO week (Monday) or month."""
    days = np.floor_divide(micros, _US_PER_DAY).astype("datetime64[D]")
    if granularity == "day":
        return days
    if granularity == "week":
        weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
        return days - weekday.astype("timedelta64[D]")
    if granularity == "month":
        return days.astype("datetime64[M]").astype("datetime64[D]")
    raise SettingsError(
        f"granularity must be one of {', '.join(GRANULARITIES)}, got {granularity!r}"
    )


def _in_range(micros: np.ndarray, start: object, end: object) -> np.ndarray:
    """Mask of timestamps within [start, end]; an `end` given as a date covers that whole day."""
    mask = np.ones(len(micros), dtype=bool)
    if start is not None:
        mask &= micros >= _timestamp_micros(start)
    if end is not None:
        if isinstance(end, dt.date) and not isinstance(end, dt.datetime):
            mask &= micros < _timestamp_micros(end + dt.timedelta(days=1))
        else:
            mask &= micros <= _timestamp_micros(end)
    return mask


def _timestamp_micros(value: object) -> int:
    stamp = pd.Timestamp(value)  # type: ignore[arg-type]
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize("UTC")
    naive = stamp.tz_convert("UTC").tz_localize(None).to_datetime64()
    return int(naive.astype("datetime64[us]").astype(np.int64))


def channel_metrics(
    events: pd.DataFrame,
    start: object = None,
    end: object = None,
    granularity: str = "week",
    level: str = CHANNEL,
    qualifying: Sequence[str] = (),
    qualifying_column: str = EVENT_TYPE,
    window_days: float = DEFAULT_WINDOW_DAYS,
) -> pd.DataFrame:
    """Per period and channel: sessions, contacts, qualified, first/last-touch sales and revenue.

    Per (period, channel) where period is the start of the day / Monday-week / month (UTC) or
    the whole range (`granularity="all"`, period = range start): sessions = distinct session_id
    (rows without one count one each; every touch when there is no session_id column),
    contacts = distinct customers with a touch there, qualified = distinct customers with a
    touch there whose `qualifying_column` is in `qualifying`, sales_first / revenue_first and
    sales_last / revenue_last = conversions and revenue credited by first and last touch (paths
    as in `attribute`, over all events) for conversions in the range, dated by the conversion.
    `start` and `end` bound the timestamps, both inclusive (naive values read as UTC; an `end`
    given as a `datetime.date` covers that whole day). The first
    output column after `period` is `channel` whatever the level. Sorted by period, channel.
    """
    _require(events, CUSTOMER_ID, TIMESTAMP, CHANNEL)
    _check_level(events, level)
    if granularity not in GRANULARITIES:
        raise SettingsError(
            f"granularity must be one of {', '.join(GRANULARITIES)}, got {granularity!r}"
        )
    if qualifying and qualifying_column not in events.columns:
        raise SettingsError(
            f"events have no column '{qualifying_column}' to find qualifying events"
        )
    micros = _micros(events[TIMESTAMP])
    in_range = _in_range(micros, start, end)
    scoped = events.loc[in_range]
    if start is not None:
        anchor = _timestamp_micros(start)
    else:
        anchor = int(micros[in_range].min()) if in_range.any() else 0
    period = _periods(micros[in_range], granularity, anchor)
    channel = scoped[level].fillna(NOT_SET).astype("str")
    touches = pd.DataFrame(
        {
            "period": period,
            "channel": channel.to_numpy(),
            CUSTOMER_ID: scoped[CUSTOMER_ID].to_numpy(),
        }
    )
    if SESSION_ID in scoped.columns:
        session = scoped[SESSION_ID].astype("str")
        missing = scoped[SESSION_ID].isna().to_numpy()
        touches = touches.assign(
            session=np.where(missing, "", session.to_numpy(dtype=object)), no_session=missing
        )
    else:
        touches = touches.assign(session="", no_session=True)
    touches = touches.assign(
        qualified=scoped[qualifying_column].isin(list(qualifying)).to_numpy(dtype=bool)
        if qualifying
        else False
    )
    keys = ["period", "channel"]
    grouped = touches.groupby(keys, sort=True)
    with_session = touches[~touches["no_session"]].groupby(keys)["session"].nunique()
    without_session = touches.groupby(keys)["no_session"].sum()
    metrics = pd.DataFrame(
        {
            "sessions": with_session.reindex(without_session.index, fill_value=0) + without_session,
            "contacts": grouped[CUSTOMER_ID].nunique(),
            "qualified": touches[touches["qualified"]].groupby(keys)[CUSTOMER_ID].nunique(),
        }
    )
    credited = _first_last_credit(events, (start, end, anchor), granularity, level, window_days)
    out = metrics.join(credited, how="outer").fillna(0)
    int_columns = ["sessions", "contacts", "qualified", "sales_first", "sales_last"]
    out = out.astype({c: np.int64 for c in int_columns})
    out = out.reset_index()
    out["period"] = pd.to_datetime(out["period"]).dt.tz_localize("UTC")
    return out.sort_values(keys, ignore_index=True)[
        [
            "period",
            "channel",
            "sessions",
            "contacts",
            "qualified",
            "sales_first",
            "revenue_first",
            "sales_last",
            "revenue_last",
        ]
    ]


def _periods(micros: np.ndarray, granularity: str, anchor: int) -> np.ndarray:
    """Period start per timestamp; with granularity "all", the day of `anchor` for every one."""
    if granularity == "all":
        return np.full(len(micros), anchor // _US_PER_DAY).astype("datetime64[D]")
    return _period_start(micros, granularity)


def _first_last_credit(
    events: pd.DataFrame,
    bounds: tuple[object, object, int],
    granularity: str,
    level: str,
    window_days: float,
) -> pd.DataFrame:
    """Conversions and revenue by first and last touch per (period, channel) of the conversion."""
    _require(events, CONVERSION)
    start, end, anchor = bounds
    ps = build_path_set(events, level, window_days)
    converting = ps.conversions > 0
    when = (
        ps.conversion_time.view(np.int64)
        if ps.conversion_time is not None
        else np.zeros(0, np.int64)
    )
    chosen = converting & _in_range(when, start, end)
    period = _periods(when[chosen], granularity, anchor)
    first_code = ps.codes[ps.offsets[:-1][chosen]]
    last_code = ps.codes[ps.offsets[1:][chosen] - 1]
    revenue = ps.revenue[chosen]
    labels = ps.labels.astype(str)
    frames = []
    for name, codes in (("first", first_code), ("last", last_code)):
        part = pd.DataFrame(
            {
                "period": period,
                "channel": labels[codes],
                f"sales_{name}": 1,
                f"revenue_{name}": revenue,
            }
        )
        frames.append(part.groupby(["period", "channel"]).sum())
    return frames[0].join(frames[1], how="outer")


def contact_list(
    events: pd.DataFrame, start: object = None, end: object = None, level: str = CHANNEL
) -> pd.DataFrame:
    """Per customer: contacts (in total and per channel), first and last contact.

    Columns customer_id, contacts, first_contact, last_contact, last_channel, last_touchpoint,
    conversions, revenue, then `contacts_<value>` per level value (sorted). Only touches within
    [start, end]. Sorted by last_contact descending, then customer_id.
    """
    _require(events, CUSTOMER_ID, TIMESTAMP, CHANNEL)
    _check_level(events, level)
    micros = _micros(events[TIMESTAMP])
    mask = _in_range(micros, start, end)
    scoped = events.loc[mask]
    row = scoped[ROW].to_numpy(dtype=np.int64) if ROW in scoped.columns else np.arange(len(scoped))
    cust_codes, cust_ids = pd.factorize(scoped[CUSTOMER_ID], sort=True)
    order = np.lexsort((row, micros[mask], cust_codes))
    ordered = scoped.iloc[order]
    code = cust_codes[order]
    last = np.r_[code[1:] != code[:-1], True] if len(code) else np.zeros(0, dtype=bool)
    first = np.r_[True, code[1:] != code[:-1]] if len(code) else np.zeros(0, dtype=bool)
    conversions = (
        _bool_values(ordered[CONVERSION])
        if CONVERSION in ordered.columns
        else np.zeros(len(ordered), dtype=bool)
    )
    revenue = (
        ordered[REVENUE].fillna(0.0).to_numpy(dtype=np.float64)
        if REVENUE in ordered.columns
        else np.zeros(len(ordered))
    )
    n = len(cust_ids)
    times = ordered[TIMESTAMP]
    touchpoint = ordered[TOUCHPOINT] if TOUCHPOINT in ordered.columns else ordered[CHANNEL]
    base = pd.DataFrame(
        {
            CUSTOMER_ID: pd.array(np.asarray(cust_ids, dtype=object), dtype="str"),
            "contacts": np.bincount(code, minlength=n).astype(np.int64),
            "first_contact": times.array[first],
            "last_contact": times.array[last],
            "last_channel": pd.array(ordered[CHANNEL][last].to_numpy(dtype=object), dtype="str"),
            "last_touchpoint": pd.array(
                touchpoint[last].astype("str").to_numpy(dtype=object), dtype="str"
            ),
            "conversions": np.bincount(code, conversions, minlength=n).astype(np.int64),
            REVENUE: np.bincount(code, np.where(conversions, revenue, 0.0), minlength=n),
        }
    )
    value_codes, values = pd.factorize(ordered[level].fillna(NOT_SET).astype("str"), sort=True)
    wide = np.zeros((n, len(values)), dtype=np.int64)
    np.add.at(wide, (code, value_codes), 1)
    per_value = pd.DataFrame(wide, columns=[f"contacts_{v}" for v in values])
    out = pd.concat([base, per_value], axis=1)
    return out.sort_values(
        ["last_contact", CUSTOMER_ID], ascending=[False, True], ignore_index=True
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


QUALIFYING_HINTS = ("add_to_cart", "lead", "signup", "sign_up", "form_submit", "trial", "demo")


def default_qualifying(values: Sequence[str]) -> list[str]:
    """Pick likely qualifying events (add to cart, lead, sign-up ...) among `values`, in order."""
    return [v for v in values if str(v).strip().lower().replace(" ", "_") in QUALIFYING_HINTS]


def join_intervals(result: pd.DataFrame, intervals: pd.DataFrame | None) -> pd.DataFrame:
    """Add share_low and share_high (`bootstrap_shares`) to `attribute`'s rows, order kept."""
    if intervals is None or intervals.empty:
        return result.assign(share_low=np.nan, share_high=np.nan)
    bounds = intervals.set_index(["channel", "model"])[["share_low", "share_high"]]
    index = pd.MultiIndex.from_arrays([result["channel"], result["model"]])
    return result.assign(
        share_low=bounds["share_low"].reindex(index).to_numpy(),
        share_high=bounds["share_high"].reindex(index).to_numpy(),
    )
