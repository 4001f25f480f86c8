"""Row rules: turn a mapped RawTable into accepted rows (contract dtypes) and rejects.

Every data row ends up either accepted or rejected with one reject per (row, column, reason),
so rows read = rows accepted + distinct rejected rows, always. Values are parsed by
`journey.io.parse`; this module decides what is accepted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from journey.io.mapping import check_mapping, snake_case
from journey.io.parse import (
    DATE_FORMATS_TRIED,
    STR_DTYPE,
    STRING,
    TIMESTAMP_DTYPE,
    as_text,
    check_timezone,
    is_text,
    parse_bools,
    parse_number_text,
    parse_numbers,
    parse_timestamp_text,
    parse_timestamps,
    stripped_text,
)
from journey.schema import (
    CHANNEL,
    CONVERSION,
    CUSTOMER_ID,
    EVENT_COLUMNS,
    EVENT_TYPE,
    LABEL,
    PHASE,
    REVENUE,
    ROW,
    SENTIMENT_LABELS,
    TEXT,
    TIMESTAMP,
    TOUCHPOINT,
    TRANSCRIPT_COLUMNS,
    ConversionRule,
    DatasetSettings,
    Phase,
    ProgressFn,
    RawTable,
    ValidationResult,
    empty_rejects,
)

_QUOTE_LIMIT: Final = 60


def _quote(values: pd.Series) -> pd.Series:
    """Quote values for reasons, cut to a readable length."""
    text = values.astype(STR_DTYPE)
    long = text.str.len() > _QUOTE_LIMIT
    text = text.mask(long, text.str.slice(0, _QUOTE_LIMIT) + "…")
    return "'" + text + "'"


# -- rejects -----------------------------------------------------------------------------


class _Rejects:
    """Collects rejects; rows rejected while reading get no further checks."""

    def __init__(self, n_rows: int, read_rejects: pd.DataFrame) -> None:
        self.parts = [read_rejects] if len(read_rejects) else []
        self.bad = np.zeros(n_rows, dtype=bool)
        self.bad[read_rejects[ROW].to_numpy(dtype="int64") - 1] = True
        self.skip = self.bad.copy()

    def add(
        self,
        mask: np.ndarray,
        column: str,
        reason: str,
        shown: pd.Series | None = None,
        *,
        quoted: bool = True,
        suffix: str = "",
    ) -> None:
        """Reject the rows in `mask` for `column`: reason + the row's value in `shown` + suffix.

        Values are formatted only for the rejected rows, so few rejects in a big file cost
        little.
        """
        mask = mask & ~self.skip
        if not mask.any():
            return
        rows = np.flatnonzero(mask)
        if shown is None:
            reasons = pd.Series([reason] * len(rows), dtype=STRING)
        else:
            values = shown.iloc[rows].reset_index(drop=True)
            text = _quote(values) if quoted else values.astype(STR_DTYPE)
            reasons = (reason + text + suffix).astype(STRING)
        self.parts.append(
            pd.DataFrame(
                {
                    ROW: pd.Series(rows + 1, dtype="int64"),
                    "column": pd.Series([column] * len(rows), dtype=STRING),
                    "reason": reasons.reset_index(drop=True),
                }
            )
        )
        self.bad |= mask

    def frame(self) -> pd.DataFrame:
        """All rejects by row (stable: within a row, in the order the checks ran)."""
        if not self.parts:
            return empty_rejects()
        rejects = pd.concat([empty_rejects(), *self.parts], ignore_index=True)
        return rejects.sort_values(ROW, kind="stable", ignore_index=True).astype(
            {ROW: "int64", "column": STRING, "reason": STRING}
        )


# -- column rules ------------------------------------------------------------------------


def _stripped(frame: pd.DataFrame, column: str) -> pd.Series:
    return stripped_text(frame[column])


def _missing(n_rows: int) -> pd.Series:
    """An all-missing column of the contract's string dtype."""
    nulls = pa.chunked_array([pa.nulls(n_rows, pa.large_string())])
    return pd.Series(pd.arrays.ArrowStringArray(nulls), dtype=STRING)


def _instants(stamps: pd.Series) -> np.ndarray:
    """Microseconds since the epoch (NaT as the smallest int64) of UTC timestamps."""
    return stamps.dt.tz_localize(None).to_numpy(dtype="datetime64[us]").view("int64")


def _optional(text: pd.Series) -> pd.Series:
    """Text as the contract's string dtype, '' becoming missing."""
    array = pa.array(text.array)
    blanks = pc.equal(array, "")
    if pc.any(blanks).as_py():
        array = pc.if_else(blanks, pa.scalar(None, array.type), array)
    return pd.Series(pd.arrays.ArrowStringArray(array), index=text.index, dtype=STRING)


def _timestamps(
    frame: pd.DataFrame,
    source: str,
    settings: DatasetSettings,
    rejects: _Rejects,
    *,
    required: bool,
) -> pd.Series:
    values = frame[source]
    if is_text(values):
        text = stripped_text(values)  # once: parse and blank check share it
        check_timezone(settings.timezone)
        parsed = parse_timestamp_text(text, settings.timezone, settings.day_first)
        blank = (text == "").to_numpy(dtype=bool)
    else:
        parsed = parse_timestamps(values, settings.timezone, settings.day_first)
        blank = values.isna().to_numpy(dtype=bool)
    failed = parsed.isna().to_numpy(dtype=bool) & ~blank
    if required:
        rejects.add(blank, source, "missing timestamp")
    if failed.any():
        suffix = ""
        if not (~failed & ~blank).any():
            suffix = f" (no value in this column is a date; tried {DATE_FORMATS_TRIED})"
        rejects.add(failed, source, "not a date: ", stripped_text(values), suffix=suffix)
    return parsed


def _extras(
    frame: pd.DataFrame, mapping: Mapping[str, str], canonical: Sequence[str]
) -> dict[str, pd.Series]:
    """Mapped non-contract columns and unmapped source columns, as snake_case string columns."""
    used = set(canonical) | {ROW}
    out: dict[str, pd.Series] = {}

    def claim(name: str) -> str:
        candidate, k = name, 2
        while candidate in used:
            candidate, k = f"{name}_{k}", k + 1
        used.add(candidate)
        return candidate

    for target, source in mapping.items():
        if target not in canonical:
            out[claim(snake_case(target))] = _optional(_stripped(frame, source))
    mapped = set(mapping.values())
    for source in frame.columns:
        if source not in mapped:
            out[claim(snake_case(source))] = _optional(_stripped(frame, source))
    return out


def _codes(values: pd.Series) -> np.ndarray:
    if values.dtype == object:
        values = as_text(values)
    codes, _ = pd.factorize(values, use_na_sentinel=False)
    return codes.astype("int64")


def _shared(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Group ids of `key` (0..groups-1), and whether each row's group has other rows.

    Sorting beats hashing here: a hash table of 1e7 mostly distinct keys misses the cache
    on nearly every row.
    """
    order = np.argsort(key)
    ordered = key[order]
    starts = np.ones(len(key), dtype=bool)
    starts[1:] = ordered[1:] != ordered[:-1]
    groups = np.cumsum(starts) - 1
    codes = np.empty(len(key), dtype=np.int64)
    codes[order] = groups
    return codes, np.bincount(groups)[codes] > 1


def _duplicates(frame: pd.DataFrame, first: np.ndarray | None = None) -> int:
    """Count data rows identical to an earlier row, exactly (no hashing of whole rows).

    Rows are narrowed column by column to those whose values so far are shared by another
    row, so each later column is grouped on fewer rows; `first` (int64 keys that are a
    function of one source column, e.g. parsed timestamps) is a cheap first filter.
    """
    if frame.empty or len(frame.columns) == 0:
        return 0
    columns = [frame[c] for c in frame.columns]
    key, shared = _shared(first if first is not None else _codes(columns.pop(0)))
    keep, key = np.flatnonzero(shared), key[shared]
    for values in columns:
        if not len(keep):
            return 0
        codes = _codes(values.iloc[keep])
        key, shared = _shared(key * (int(codes.max()) + 1) + codes)
        keep, key = keep[shared], key[shared]
    return len(keep) - len(np.unique(key)) if len(keep) else 0


def _progress(progress: ProgressFn | None, fraction: float, message: str) -> None:
    if progress is not None:
        progress(fraction, message)


def _finish(
    raw: RawTable,
    columns: dict[str, pd.Series],
    rejects: _Rejects,
    progress: ProgressFn | None,
    conversion_rule: ConversionRule | None = None,
) -> ValidationResult:
    n_rows = len(raw.frame)
    columns[ROW] = pd.Series(np.arange(1, n_rows + 1, dtype="int64"))
    accepted = pd.DataFrame(
        {name: values.reset_index(drop=True) for name, values in columns.items()},
        index=pd.RangeIndex(n_rows),
    )
    if rejects.bad.any():
        accepted = accepted[~rejects.bad].reset_index(drop=True)
    _progress(progress, 0.9, "counting duplicates")
    duplicates = _duplicates(raw.frame, _instants(columns[TIMESTAMP]))
    _progress(progress, 1.0, "done")
    return ValidationResult(
        accepted, rejects.frame(), n_rows, duplicates, raw.file, conversion_rule
    )


def validate_events(
    raw: RawTable,
    mapping: Mapping[str, str],
    settings: DatasetSettings,
    progress: ProgressFn | None = None,
) -> ValidationResult:
    """Apply the events rules to a mapped RawTable.

    Args:
        raw: The file as read.
        mapping: canonical -> source column (see `mapping.propose_mapping`).
        settings: Time zone, day-first and conversion events of the dataset.
        progress: Called with a fraction in 0..1 and a short message.

    Returns:
        Accepted rows in file order with the contract columns and dtypes of `journey.schema`
        (every events column, then other attributes as snake_case strings, then `row`), and
        rejects sorted by row. `conversion_rule` says what marked conversions: the
        conversion column, else event types in `settings.conversion_events`, else (when no
        event has such a type) revenue > 0.
    """
    frame = raw.frame
    check_mapping(mapping, list(frame.columns), "events", raw.file)
    rejects = _Rejects(len(frame), raw.rejects)
    missing = _missing(len(frame))  # one all-missing array shared by unmapped columns
    _progress(progress, 0.05, "customer ids")
    customer = _stripped(frame, mapping[CUSTOMER_ID])
    rejects.add((customer == "").to_numpy(dtype=bool), mapping[CUSTOMER_ID], "missing customer id")
    _progress(progress, 0.15, "timestamps")
    timestamps = _timestamps(frame, mapping[TIMESTAMP], settings, rejects, required=True)
    _progress(progress, 0.5, "channels")
    channel = _stripped(frame, mapping[CHANNEL])
    rejects.add((channel == "").to_numpy(dtype=bool), mapping[CHANNEL], "empty channel")
    if TOUCHPOINT in mapping:
        touchpoint = _stripped(frame, mapping[TOUCHPOINT])
        touchpoint = touchpoint.mask((touchpoint == "").to_numpy(dtype=bool), channel)
    else:
        touchpoint = channel
    event_type = (
        _optional(_stripped(frame, mapping[EVENT_TYPE])) if EVENT_TYPE in mapping else missing
    )
    _progress(progress, 0.6, "conversions and revenue")
    # conversion before revenue: a row's rejects keep the order the checks ran in
    conversion, rule = _conversion(frame, mapping, settings, event_type, rejects)
    if REVENUE in mapping:
        revenue = _revenue(frame, mapping[REVENUE], rejects)
        if rule is ConversionRule.NONE:
            # Nothing else marks a sale, so a row that earned money is one (else revenue
            # would show with zero conversions and attribution would have nothing to credit).
            conversion = pd.Series(revenue.to_numpy() > 0, index=frame.index)
            rule = ConversionRule.REVENUE
    else:
        revenue = pd.Series(0.0, index=frame.index, dtype="float64")
    columns: dict[str, pd.Series] = {
        CUSTOMER_ID: customer.astype(STRING),
        TIMESTAMP: timestamps,
        CHANNEL: channel.astype(STRING),
        TOUCHPOINT: touchpoint.astype(STRING),
        EVENT_TYPE: event_type,
        CONVERSION: conversion,
        REVENUE: revenue,
    }
    columns.update(_other_event_columns(frame, mapping, rejects, missing, set(columns)))
    _progress(progress, 0.8, "attributes")
    columns.update(_extras(frame, mapping, EVENT_COLUMNS))
    return _finish(raw, columns, rejects, progress, rule)


def _conversion(
    frame: pd.DataFrame,
    mapping: Mapping[str, str],
    settings: DatasetSettings,
    event_type: pd.Series,
    rejects: _Rejects,
) -> tuple[pd.Series, ConversionRule]:
    """The conversion flag: a mapped column of booleans, else event types named in settings.

    The rule is NONE when there is no conversion column and no event has a conversion type.
    """
    if CONVERSION in mapping:
        flags = parse_bools(frame[mapping[CONVERSION]])
        unknown = flags.isna().to_numpy(dtype=bool)
        if unknown.any():
            shown = _stripped(frame, mapping[CONVERSION])
            rejects.add(unknown, mapping[CONVERSION], "not true/false: ", shown)
        return flags.fillna(False).astype(bool), ConversionRule.COLUMN
    wanted = [e.strip().lower() for e in settings.conversion_events]
    lowered = pc.utf8_lower(pa.array(event_type.array))
    hits = pc.fill_null(pc.is_in(lowered, value_set=pa.array(wanted, lowered.type)), False)
    flags = pd.Series(np.asarray(hits, dtype=bool), index=frame.index)
    return flags, ConversionRule.EVENT_TYPE if flags.any() else ConversionRule.NONE


def _other_event_columns(
    frame: pd.DataFrame,
    mapping: Mapping[str, str],
    rejects: _Rejects,
    missing: pd.Series,
    done: set[str],
) -> dict[str, pd.Series]:
    """The remaining contract columns in contract order: phase checked, the rest as text."""
    columns: dict[str, pd.Series] = {}
    for name in EVENT_COLUMNS:
        if name in done:
            continue
        if name not in mapping:
            columns[name] = missing
        elif name == PHASE:
            columns[name] = _phases(frame, mapping[PHASE], rejects)
        else:
            columns[name] = _optional(_stripped(frame, mapping[name]))
    return columns


def _revenue(frame: pd.DataFrame, source: str, rejects: _Rejects) -> pd.Series:
    values = frame[source]
    if is_text(values):
        text = stripped_text(values)
        numbers = parse_number_text(text)
        blank = (text == "").to_numpy(dtype=bool)
    else:
        numbers = parse_numbers(values)
        blank = values.isna().to_numpy(dtype=bool)
    floats = numbers.to_numpy(dtype="float64", na_value=np.nan)
    not_number = ~blank & ~np.isfinite(floats)
    negative = np.isfinite(floats) & (floats < 0)
    if not_number.any() or negative.any():
        text = stripped_text(values)
        rejects.add(not_number, source, "not a number: ", text)
        rejects.add(negative, source, "negative revenue: ", text, quoted=False)
    return numbers.where(~blank, 0.0).fillna(0.0).astype("float64")


def _phases(frame: pd.DataFrame, source: str, rejects: _Rejects) -> pd.Series:
    text = _stripped(frame, source)
    folded = text.str.lower().str.replace(r"[\s_]+", "-", regex=True)
    folded = folded.replace({"postpurchase": Phase.POST_PURCHASE.value})
    known = folded.isin([p.value for p in Phase]).to_numpy(dtype=bool)
    blank = (text == "").to_numpy(dtype=bool)
    names = ", ".join(p.value for p in Phase)
    rejects.add(~known & ~blank, source, "unknown phase: ", text, suffix=f" (use {names})")
    return _optional(folded.where(known, ""))


def validate_transcripts(
    raw: RawTable,
    mapping: Mapping[str, str],
    settings: DatasetSettings,
    progress: ProgressFn | None = None,
) -> ValidationResult:
    """Apply the transcripts rules: customer_id required, empty text kept, bad dates rejected.

    Returns:
        Accepted rows in file order with every transcripts column of `journey.schema`
        (timestamp may be NaT, text may be ''), other attributes, then `row`; rejects by row.
    """
    frame = raw.frame
    check_mapping(mapping, list(frame.columns), "transcripts", raw.file)
    rejects = _Rejects(len(frame), raw.rejects)
    missing = _missing(len(frame))  # one all-missing array shared by unmapped columns
    _progress(progress, 0.05, "customer ids")
    customer = _stripped(frame, mapping[CUSTOMER_ID])
    rejects.add((customer == "").to_numpy(dtype=bool), mapping[CUSTOMER_ID], "missing customer id")
    if TIMESTAMP in mapping:
        _progress(progress, 0.2, "timestamps")
        timestamps = _timestamps(frame, mapping[TIMESTAMP], settings, rejects, required=False)
    else:
        timestamps = pd.Series(pd.NaT, index=frame.index, dtype=TIMESTAMP_DTYPE)
    _progress(progress, 0.6, "texts")
    columns: dict[str, pd.Series] = {
        CUSTOMER_ID: customer.astype(STRING),
        TIMESTAMP: timestamps,
        TEXT: _stripped(frame, mapping[TEXT]).astype(STRING),
    }
    for name in TRANSCRIPT_COLUMNS:
        if name in columns:
            continue
        if name not in mapping:
            columns[name] = missing
            continue
        values = _stripped(frame, mapping[name])
        if name == LABEL:
            lower = values.str.lower()
            values = values.mask(lower.isin(SENTIMENT_LABELS).to_numpy(dtype=bool), lower)
        columns[name] = _optional(values)
    columns = {name: columns[name] for name in TRANSCRIPT_COLUMNS}
    columns.update(_extras(frame, mapping, TRANSCRIPT_COLUMNS))
    return _finish(raw, columns, rejects, progress)


__all__ = ["validate_events", "validate_transcripts"]
