"""Streaming ingest, rules: `journey.io.validate`'s events rules over a DuckDB scan.

One scan gives the raw text of the columns the rules read and a hash of each row's customer
and time (duplicate candidates). Trimming, blank checks, conversion words and phase names
run on that Arrow result with pyarrow's kernels (pandas' own string kernels); timestamps and
revenue are parsed by `journey.io.parse` itself; rejects are collected by validate's own
`_Rejects`, so every reject text and order is the pandas path's.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from journey.io.mapping import snake_case
from journey.io.parse import (
    DATE_FORMATS_TRIED,
    FALSE_WORDS,
    STR_DTYPE,
    STRING,
    TIMESTAMP_DTYPE,
    TRUE_WORDS,
    check_timezone,
    parse_bools,
    parse_number_text,
    parse_numbers,
    parse_timestamp_text,
    parse_timestamps,
    stripped_text,
    trim_whitespace,
)
from journey.io.stream_source import (
    PHASES,
    SPACE_RUN_RE2,
    Source,
    ident,
    lit_list,
    step,
    trim_sql,
)
from journey.io.validate import _Rejects
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
    empty_rejects,
)


def checks_sql(
    source: Source,
    mapping: Mapping[str, str],
    column: Mapping[str, str],
    kind: str = "events",
) -> str:
    """One scan: the raw text of the columns the rules read, and a hash of each row.

    Native (non-text) timestamp, revenue and conversion columns are left out: their values
    are read by pyarrow and parsed as the pandas path parses them (`native_values`). The
    rules themselves (trimming, blanks, words) run on the Arrow result (`apply_rules`):
    pyarrow's kernels do per value what DuckDB's trim with a character set does at several
    times the cost.
    """

    def raw(canonical: str) -> str:
        return source.raw(column[mapping[canonical]])

    def native(canonical: str) -> bool:
        return canonical in mapping and column[mapping[canonical]] in source.native

    parts = [f"{raw(CUSTOMER_ID)} AS customer"]
    if TIMESTAMP in mapping and not native(TIMESTAMP):
        parts.append(f"{raw(TIMESTAMP)} AS ts")  # trimmed by pyarrow, as stripped_text does
    customer = source.value(column[mapping[CUSTOMER_ID]])
    stamp = source.value(column[mapping[TIMESTAMP]]) if TIMESTAMP in mapping else "''"
    # Identical rows share customer and time: their hash finds the candidates cheaply.
    parts.append(f"hash({customer}, {stamp}) AS h")
    if kind != "events":
        return f"SELECT {', '.join(parts)} FROM {source.scan()}"  # noqa: S608
    parts.append(f"{raw(CHANNEL)} AS channel")
    if TOUCHPOINT in mapping:
        parts.append(f"{raw(TOUCHPOINT)} AS touchpoint")
    if REVENUE in mapping and not native(REVENUE):
        parts.append(f"{raw(REVENUE)} AS rev")
    if CONVERSION in mapping and not native(CONVERSION):
        parts.append(f"{raw(CONVERSION)} AS conv")
    elif CONVERSION not in mapping and EVENT_TYPE in mapping:
        parts.append(f"{raw(EVENT_TYPE)} AS event")
    if PHASE in mapping:
        parts.append(f"{raw(PHASE)} AS phase")
    return f"SELECT {', '.join(parts)} FROM {source.scan()}"  # noqa: S608


@dataclass(frozen=True)
class Checked:
    """The rules' outcome: Arrow columns the accepted view joins, rejects, the rule."""

    # row, keep, timestamp, conversion, revenue, then the text columns the rules work out in
    # full (trimmed customer and channel, the touchpoint or its channel, the phase by name)
    parsed: pa.Table
    rejects: pd.DataFrame
    n_rejected: int
    rule: ConversionRule | None  # None for transcripts


def _text_series(values: pa.ChunkedArray, *, strip: bool = False) -> pd.Series:
    """Arrow text as the pandas path's str Series (stripped as `stripped_text` strips)."""
    text = values.cast(pa.large_string())
    if strip:
        text = pc.utf8_trim_whitespace(text)
    return pd.Series(pd.arrays.ArrowStringArray(text), dtype=STRING).astype(STR_DTYPE)


def _blank(text: pa.ChunkedArray) -> np.ndarray:
    """Where trimmed `text` is empty (the scan gives '' for missing values)."""
    return pc.equal(text, "").to_numpy(zero_copy_only=False)


def _words(text: pa.ChunkedArray, words: Collection[str]) -> np.ndarray:
    """Where trimmed `text`, in lower case, is one of `words`."""
    lowered = pc.utf8_lower(text)
    return pc.is_in(lowered, value_set=pa.array(sorted(words), pa.string())).to_numpy(
        zero_copy_only=False
    )


def apply_rules(
    scanned: pa.Table,
    mapping: Mapping[str, str],
    settings: DatasetSettings,
    natives: Mapping[str, pd.Series],
    progress: ProgressFn | None,
    kind: str = "events",
) -> Checked:
    """validate_events' (or _transcripts') rules, in its order, on the scanned data rows."""
    n_rows = scanned.num_rows
    rejects = _Rejects(n_rows, empty_rejects())

    def trimmed(name: str) -> pa.ChunkedArray:
        return trim_whitespace(scanned.column(name))

    customer = trimmed("customer")
    rejects.add(_blank(customer), mapping[CUSTOMER_ID], "missing customer id")
    checked: dict[str, pa.ChunkedArray] = {CUSTOMER_ID: customer}
    step(progress, 0.3, "timestamps")
    events = kind == "events"
    if TIMESTAMP in mapping:
        stamps = _timestamps(scanned, mapping[TIMESTAMP], settings, natives, rejects, events)
    else:
        stamps = pd.Series(pd.NaT, index=pd.RangeIndex(n_rows), dtype=TIMESTAMP_DTYPE)
    conversion, rule = np.zeros(n_rows, dtype=bool), None
    revenue = np.zeros(n_rows, dtype="float64")
    if events:
        channel = trimmed("channel")
        rejects.add(_blank(channel), mapping[CHANNEL], "empty channel")
        checked[CHANNEL] = checked[TOUCHPOINT] = channel
        if TOUCHPOINT in mapping:
            touchpoint = trimmed("touchpoint")
            checked[TOUCHPOINT] = pc.if_else(pc.equal(touchpoint, ""), channel, touchpoint)
        step(progress, 0.6, "conversions and revenue")
        conversion, rule = _conversions(scanned, mapping, settings, natives, rejects)
        if REVENUE in mapping:
            revenue = _revenue(scanned, mapping[REVENUE], natives.get(REVENUE), rejects)
            if rule is ConversionRule.NONE:
                conversion, rule = revenue > 0, ConversionRule.REVENUE
        if PHASE in mapping:
            checked[PHASE] = _phases(trimmed("phase"), mapping[PHASE], rejects)
    columns: dict[str, pa.Array | pa.ChunkedArray] = {
        ROW: pa.array(np.arange(1, n_rows + 1, dtype="int64")),
        "keep": pa.array(~rejects.bad),
        TIMESTAMP: pa.array(stamps.array),
        CONVERSION: pa.array(conversion),
        REVENUE: pa.array(revenue),
    }
    columns.update({name: values.cast(pa.string()) for name, values in checked.items()})
    return Checked(pa.table(columns), rejects.frame(), int(rejects.bad.sum()), rule)


def _phases(phase: pa.ChunkedArray, source: str, rejects: _Rejects) -> pa.ChunkedArray:
    """validate._phases: a phase by its folded name; reject other non-blank values."""
    folded = pc.replace_substring_regex(pc.utf8_lower(phase), SPACE_RUN_RE2, "-")
    folded = pc.if_else(pc.equal(folded, "postpurchase"), Phase.POST_PURCHASE.value, folded)
    known = pc.is_in(folded, value_set=pa.array(PHASES, pa.string()))
    bad = ~known.to_numpy(zero_copy_only=False) & ~_blank(phase)
    if bad.any():
        names = ", ".join(PHASES)
        shown = _text_series(phase)
        rejects.add(bad, source, "unknown phase: ", shown, suffix=f" (use {names})")
    return pc.if_else(known, folded, pa.scalar(None, pa.string()))


def _timestamps(
    scanned: pa.Table,
    source: str,
    settings: DatasetSettings,
    natives: Mapping[str, pd.Series],
    rejects: _Rejects,
    required: bool,
) -> pd.Series:
    """validate._timestamps: parse; reject blanks (when required) and what is not a date."""
    if TIMESTAMP in natives:
        values = natives[TIMESTAMP]
        stamps = parse_timestamps(values, settings.timezone, settings.day_first)
        blank = values.isna().to_numpy(dtype=bool)
        shown = stripped_text(values)
    else:
        shown = _text_series(scanned.column("ts"), strip=True)
        check_timezone(settings.timezone)
        stamps = parse_timestamp_text(shown, settings.timezone, settings.day_first)
        blank = (shown == "").to_numpy(dtype=bool)
    failed = stamps.isna().to_numpy(dtype=bool) & ~blank
    if required:
        rejects.add(blank, source, "missing timestamp")
    if failed.any():
        suffix = ""
        if not (~failed & ~blank).any():
            suffix = f" (no value in this column is a date; tried {DATE_FORMATS_TRIED})"
        rejects.add(failed, source, "not a date: ", shown, suffix=suffix)
    return stamps


def with_skipped_rows(parsed: pa.Table, skip: int) -> pa.Table:
    """Prepend `skip` rows that are never kept (the CSV header), for the positional join."""
    if not skip:
        return parsed
    head = pa.table(
        {
            field.name: pa.array(np.zeros(skip, dtype=bool))
            if field.name == "keep"
            else pa.nulls(skip, field.type)
            for field in parsed.schema
        }
    )
    return pa.concat_tables([head, parsed])


def _conversions(
    scanned: pa.Table,
    mapping: Mapping[str, str],
    settings: DatasetSettings,
    natives: Mapping[str, pd.Series],
    rejects: _Rejects,
) -> tuple[np.ndarray, ConversionRule]:
    """The conversion flags and the rule that set them (validate._conversion's rules)."""
    n_rows = scanned.num_rows
    if CONVERSION in natives:
        values = natives[CONVERSION]
        parsed = parse_bools(values)
        unknown = parsed.isna().to_numpy(dtype=bool)
        if unknown.any():
            rejects.add(unknown, mapping[CONVERSION], "not true/false: ", stripped_text(values))
        return parsed.fillna(False).astype(bool).to_numpy(), ConversionRule.COLUMN
    if CONVERSION in mapping:
        text = trim_whitespace(scanned.column("conv"))
        flags = _words(text, TRUE_WORDS)
        unknown = ~flags & ~_words(text, FALSE_WORDS)  # '' is a false word
        if unknown.any():
            rejects.add(unknown, mapping[CONVERSION], "not true/false: ", _text_series(text))
        return flags, ConversionRule.COLUMN
    if EVENT_TYPE not in mapping:
        return np.zeros(n_rows, dtype=bool), ConversionRule.NONE
    wanted = {e.strip().lower() for e in settings.conversion_events} - {""}
    flags = _words(trim_whitespace(scanned.column("event")), wanted)
    return flags, ConversionRule.EVENT_TYPE if flags.any() else ConversionRule.NONE


def _revenue(
    scanned: pa.Table, source: str, native: pd.Series | None, rejects: _Rejects
) -> np.ndarray:
    """validate._revenue: parse, reject non-numbers and negatives, blank is 0."""
    if native is not None:
        numbers = parse_numbers(native)
        blank = native.isna().to_numpy(dtype=bool)
        text = stripped_text(native)
    else:
        text = _text_series(scanned.column("rev"), strip=True)
        numbers = parse_number_text(text)
        blank = (text == "").to_numpy(dtype=bool)
    floats = numbers.to_numpy(dtype="float64", na_value=np.nan)
    not_number = ~blank & ~np.isfinite(floats)
    negative = np.isfinite(floats) & (floats < 0)
    if not_number.any() or negative.any():
        rejects.add(not_number, source, "not a number: ", text)
        rejects.add(negative, source, "negative revenue: ", text, quoted=False)
    return numbers.where(~blank, 0.0).fillna(0.0).astype("float64").to_numpy()


def duplicates(con: duckdb.DuckDBPyConnection, source: Source, hashes: np.ndarray) -> int:
    """Count rows identical to an earlier row, exactly.

    Hashes of (customer, time) find the candidates; the text of every field of those rows
    decides (one more scan, only when some hash repeats).
    """
    if len(hashes) < 2:
        return 0
    repeated = pd.Series(hashes).duplicated(keep=False).to_numpy()  # hashing, no sort
    if not repeated.any():
        return 0
    candidate = np.concatenate([np.zeros(source.skip, dtype=bool), repeated])
    name = f"candidates_{uuid.uuid4().hex}"
    con.register(name, pa.table({"candidate": candidate}))
    try:
        fields = ", ".join(source.value(c) for c in source.names)
        query = (
            f"SELECT count(*) - count(DISTINCT ({fields})) FROM {source.scan()} "  # noqa: S608
            f"POSITIONAL JOIN {ident(name)} WHERE candidate"
        )
        rows = con.sql(query).fetchall()
    finally:
        con.unregister(name)
    return int(rows[0][0])


_NULL_TEXT: Final = "NULL::VARCHAR"


@dataclass(frozen=True)
class AcceptedColumns:
    """The accepted view's columns in validation order: SQL over the file and checked rows `p`."""

    exprs: dict[str, str]  # column -> its SQL
    checked: frozenset[str]  # the columns that read only `p` (or are constant), not the file

    @property
    def columns(self) -> tuple[str, ...]:
        """The accepted columns, in order."""
        return tuple(self.exprs)

    def select(self) -> str:
        """The select list of every accepted column."""
        return ", ".join(f"{sql} AS {ident(name)}" for name, sql in self.exprs.items())


def _from_checks(name: str) -> str:
    return f"p.{ident(name)}"


def accepted_select(
    source_file: Source,
    mapping: Mapping[str, str],
    column: Mapping[str, str],
    names: Sequence[str],
    kind: str = "events",
) -> AcceptedColumns:
    """The accepted view's columns, in validate_events' (_transcripts') order, and their SQL.

    The columns the rules work out in full (customer, channel, touchpoint, phase) come from
    the checked rows (`apply_rules`).
    """

    def text(source: str) -> str:
        return trim_sql(source_file.raw(column[source]))

    def optional(source: str) -> str:
        return f"nullif({text(source)}, '')"

    if kind != "events":
        return _transcripts_select(mapping, names, text, optional)
    exprs: dict[str, str] = {
        CUSTOMER_ID: _from_checks(CUSTOMER_ID),
        TIMESTAMP: _from_checks(TIMESTAMP),
        CHANNEL: _from_checks(CHANNEL),
        TOUCHPOINT: _from_checks(TOUCHPOINT),
        EVENT_TYPE: optional(mapping[EVENT_TYPE]) if EVENT_TYPE in mapping else _NULL_TEXT,
        CONVERSION: _from_checks(CONVERSION),
        REVENUE: _from_checks(REVENUE),
    }
    for name in EVENT_COLUMNS:
        if name in exprs:
            continue
        if name not in mapping:
            exprs[name] = _NULL_TEXT
        elif name == PHASE:
            exprs[name] = _from_checks(PHASE)
        else:
            exprs[name] = optional(mapping[name])
    return _finish_select(exprs, mapping, names, EVENT_COLUMNS, optional)


def _transcripts_select(
    mapping: Mapping[str, str],
    names: Sequence[str],
    text: Callable[[str], str],
    optional: Callable[[str], str],
) -> AcceptedColumns:
    """validate_transcripts' columns: text kept ('' stays ''), labels in lower case."""
    exprs: dict[str, str] = {}
    for name in TRANSCRIPT_COLUMNS:
        if name in (TIMESTAMP, CUSTOMER_ID):
            exprs[name] = _from_checks(name)
        elif name not in mapping:
            exprs[name] = _NULL_TEXT
        elif name == TEXT:
            exprs[name] = text(mapping[name])
        elif name == LABEL:
            label = text(mapping[name])
            lowered = f"lower({label})"
            labels = lit_list(sorted(SENTIMENT_LABELS))
            cased = f"CASE WHEN {lowered} IN {labels} THEN {lowered} ELSE {label} END"
            exprs[name] = f"nullif({cased}, '')"
        else:
            exprs[name] = optional(mapping[name])
    return _finish_select(exprs, mapping, names, TRANSCRIPT_COLUMNS, optional)


def _finish_select(
    exprs: dict[str, str],
    mapping: Mapping[str, str],
    names: Sequence[str],
    canonical: Sequence[str],
    optional: Callable[[str], str],
) -> AcceptedColumns:
    """Add the other columns as attributes and `row`; the accepted columns."""
    for name, source in _extras(mapping, names, canonical):
        exprs[name] = optional(source)
    exprs[ROW] = _from_checks(ROW)
    checked = frozenset(
        name for name, sql in exprs.items() if sql == _NULL_TEXT or sql == _from_checks(name)
    )
    return AcceptedColumns(exprs, checked)


def _extras(
    mapping: Mapping[str, str], names: Sequence[str], canonical: Sequence[str]
) -> list[tuple[str, str]]:
    """validate._extras' naming: (attribute name, source column) of the other columns."""
    used = set(canonical) | {ROW}
    out: list[tuple[str, str]] = []

    def claim(name: str) -> str:
        candidate, k = name, 2
        while candidate in used:
            candidate, k = f"{name}_{k}", k + 1
        used.add(candidate)
        return candidate

    for target, source in mapping.items():
        if target not in canonical:
            out.append((claim(snake_case(target)), source))
    mapped = set(mapping.values())
    out.extend((claim(snake_case(source)), source) for source in names if source not in mapped)
    return out
