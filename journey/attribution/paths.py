"""Conversion paths as integer codes (`PathSet`): what every attribution model consumes.

Paths are cut by `journey.query.segments` (DESIGN.md, "Semantics every engine shares").
On top of that cut:

- Excluded channels / event types are removed from paths, but a conversion is never lost: a
  path whose converting event is excluded ends at its last remaining touch, and a conversion
  with no remaining touch at all keeps a single `(none)` touch (`NO_TOUCH`), so every model's
  conversions and revenue still add up to the totals. A non-converting path left empty is
  dropped (it carries no conversion and no touch).
- A missing value at the chosen level (e.g. an event without a campaign) reads `(not set)`.

Paths are shown as level values joined by " > " (`PATH_SEPARATOR`). The models never parse
that string: they work on integer codes in a `PathSet`, so a name containing " > " is
ambiguous only on screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from journey.errors import SettingsError
from journey.query.segments import (
    DEFAULT_WINDOW_DAYS,
    NOT_SET,
    US_PER_DAY,
    Segments,
    check_level,
    cut_at_conversions,
    require_columns,
)
from journey.schema import (
    CHANNEL,
    CONVERSION,
    CUSTOMER_ID,
    EVENT_TYPE,
    PATH_SEPARATOR,
    REVENUE,
    TIMESTAMP,
)

NO_TOUCH = "(none)"  # a conversion whose every touch was excluded
DIRECT = "direct"  # channel skipped by last_non_direct, compared case-insensitively


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


class _Touches(NamedTuple):
    """Kept touches grouped by raw path, with raw label codes (before relabelling)."""

    path: np.ndarray  # raw path per touch
    raw: np.ndarray  # level code per touch; n_uniques = NOT_SET, n_uniques + 1 = NO_TOUCH
    direct: np.ndarray  # bool per touch
    age: np.ndarray  # days before the path's conversion (0 on non-converting paths)


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
    require_columns(events, CUSTOMER_ID, TIMESTAMP, CHANNEL, CONVERSION)
    check_level(events, level)
    cut = cut_at_conversions(events, window_days)
    channel_codes, channel_uniques = pd.factorize(events[CHANNEL])
    level_codes, level_uniques = (
        (channel_codes, channel_uniques) if level == CHANNEL else pd.factorize(events[level])
    )
    channel_codes = channel_codes[cut.order]
    channel_lower = pd.Index(channel_uniques).astype(str).str.lower()
    is_direct = np.asarray(channel_lower == DIRECT, dtype=bool)[channel_codes]
    excluded = _excluded(
        events, cut.order, channel_codes, channel_uniques, exclude_channels, exclude_event_types
    )
    touches, valid = _kept_touches(
        cut, cut.in_window & ~excluded, level_codes[cut.order], len(level_uniques), is_direct
    )
    labels, codes = _relabel(level_uniques, touches.raw)
    new_path = np.cumsum(valid) - 1
    lengths = np.bincount(new_path[touches.path], minlength=int(valid.sum()))
    conversions = cut.converted[valid].astype(np.float64)
    conversion_time = np.where(cut.converted, cut.conversion_time, np.iinfo(np.int64).min)
    return PathSet(
        labels=labels,
        offsets=np.r_[0, np.cumsum(lengths)].astype(np.int64),
        codes=codes,
        direct=touches.direct,
        conversions=conversions,
        nulls=1.0 - conversions,
        revenue=cut.revenue[valid],
        age_days=touches.age.astype(np.float64),
        customer=cut.customer[cut.ends][valid].astype(np.int64),
        customer_ids=cut.customer_ids,
        conversion_time=conversion_time[valid].view("datetime64[us]"),
    )


def _excluded(
    events: pd.DataFrame,
    order: np.ndarray,
    channel_codes: np.ndarray,
    channel_uniques: pd.Index,
    exclude_channels: Sequence[str],
    exclude_event_types: Sequence[str],
) -> np.ndarray:
    """Mask of ordered events whose channel or event type is excluded."""
    excluded = np.zeros(len(order), dtype=bool)
    if len(exclude_channels):
        dropped = np.flatnonzero(channel_uniques.isin(list(exclude_channels)))
        excluded |= np.isin(channel_codes, dropped)
    if len(exclude_event_types) and EVENT_TYPE in events.columns:
        excluded |= events[EVENT_TYPE].isin(list(exclude_event_types)).to_numpy(dtype=bool)[order]
    return excluded


def _kept_touches(
    cut: Segments, keep: np.ndarray, level_codes: np.ndarray, n_uniques: int, direct: np.ndarray
) -> tuple[_Touches, np.ndarray]:
    """Kept touches by raw path, a NO_TOUCH for each conversion left without any; valid paths."""
    kept = np.flatnonzero(keep)
    kept_path = cut.path[kept]
    n_kept = np.bincount(kept_path, minlength=cut.n_paths)
    no_touch = np.flatnonzero(cut.converted & (n_kept == 0))
    valid = cut.converted | (n_kept > 0)
    raw = np.where(level_codes[kept] < 0, n_uniques, level_codes[kept])
    conversion_time = cut.conversion_time
    age = np.where(cut.converted[kept_path], conversion_time[kept_path] - cut.time[kept], 0)
    touch_path = np.r_[kept_path, no_touch]
    regroup = np.argsort(touch_path, kind="stable")
    touches = _Touches(
        path=touch_path[regroup],
        raw=np.r_[raw, np.full(len(no_touch), n_uniques + 1)].astype(np.int64)[regroup],
        direct=np.r_[direct[kept], np.zeros(len(no_touch), dtype=bool)][regroup],
        age=np.r_[age / US_PER_DAY, np.zeros(len(no_touch))][regroup],
    )
    return touches, valid


def _relabel(level_uniques: pd.Index, raw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the labels in use, sorted, and each touch's code into them."""
    all_labels = np.r_[np.asarray(level_uniques, dtype=object), [NOT_SET, NO_TOUCH]]
    used = np.unique(raw)
    used_labels = all_labels[used].astype(str)
    rank = np.argsort(used_labels, kind="stable")
    remap = np.full(len(all_labels), -1, dtype=np.int64)
    remap[used[rank]] = np.arange(len(used))
    return used_labels[rank].astype(object), remap[raw]


def unique_path_ids(ps: PathSet) -> np.ndarray:
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


def _first_of_each(ids: np.ndarray, n_paths: int) -> np.ndarray:
    """Index of the first path carrying each id."""
    first = np.full(int(ids.max()) + 1, n_paths, dtype=np.int64)
    np.minimum.at(first, ids, np.arange(n_paths))
    return first


def aggregate_paths(ps: PathSet) -> PathSet:
    """Merge identical paths, summing their conversions, nulls and revenue (ages are dropped)."""
    if ps.n_paths == 0:
        return PathSet(
            ps.labels, ps.offsets, ps.codes, ps.direct, ps.conversions, ps.nulls, ps.revenue
        )
    ids = unique_path_ids(ps)
    first = _first_of_each(ids, ps.n_paths)
    n_unique = len(first)
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
    ids = unique_path_ids(ps)
    customers = ps.customer_ids if ps.customer_ids is not None else np.empty(0, dtype=object)
    customer = ps.customer if ps.customer is not None else np.zeros(0, dtype=np.int64)
    conversion_time = (
        ps.conversion_time if ps.conversion_time is not None else np.zeros(0, "datetime64[us]")
    )
    # paths are grouped by customer in order of first appearance: sort by customer id
    order = np.argsort(customer_rank(customers)[customer], kind="stable")
    return pd.DataFrame(
        {
            CUSTOMER_ID: pd.array(customers[customer][order], dtype="str"),
            "path": pd.array(_unique_strings(ps, ids)[ids][order] if ps.n_paths else [], "str"),
            "n_touches": ps.lengths.astype(np.int64)[order],
            "converted": ps.conversions[order] > 0,
            REVENUE: ps.revenue[order],
            "conversion_time": pd.to_datetime(conversion_time[order]).tz_localize("UTC"),
        }
    )


def _unique_strings(ps: PathSet, ids: np.ndarray) -> np.ndarray:
    """Each distinct path (by id) as level values joined by `PATH_SEPARATOR`."""
    if ps.n_paths == 0:
        return np.empty(0, dtype=object)
    first = _first_of_each(ids, ps.n_paths)
    names = ps.labels.astype(object)
    return np.array(
        [
            PATH_SEPARATOR.join(names[ps.codes[s : s + m]])
            for s, m in zip(ps.offsets[first], ps.lengths[first], strict=True)
        ],
        dtype=object,
    )


def customer_rank(customer_ids: np.ndarray) -> np.ndarray:
    """Rank of each customer code in customer-id order."""
    rank = np.empty(len(customer_ids), dtype=np.int64)
    rank[np.argsort(customer_ids.astype(str), kind="stable")] = np.arange(len(customer_ids))
    return rank


def count_paths(paths: pd.DataFrame) -> pd.DataFrame:
    """Count identical paths of `conversion_paths`: path, n_conversions, n_null, revenue.

    Sorted by n_conversions descending, then n_null descending, then path.
    """
    require_columns(paths, "path", "converted", REVENUE)
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


def credit_frame(labels: np.ndarray, conversions: np.ndarray, revenue: np.ndarray) -> pd.DataFrame:
    """One model's credit per label: channel, conversions, revenue."""
    return pd.DataFrame(
        {
            "channel": pd.array(labels.astype(str), dtype="str"),
            "conversions": conversions.astype(np.float64),
            "revenue": revenue.astype(np.float64),
        }
    )
