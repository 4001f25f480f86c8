"""Streaming ingest, rules: `journey.io.validate`'s events rules over a DuckDB scan.

Blank checks, conversion words and phase names run in SQL in one scan that also hashes each
row's customer and time (duplicate candidates); timestamps and revenue are parsed by
`journey.io.parse` itself, and rejects are collected by validate's own `_Rejects`, so every
reject text and order is the pandas path's.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

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
)
from journey.io.stream_source import (
    PHASES,
    SPACE_RUN_RE2,
    Source,
    blank_sql,
    ident,
    lit,
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
    ProgressFn,
    empty_rejects,
)


def _fold_phase(text: str) -> str:
    """validate._phases' folding in SQL: lower case, spaces and underscores as one '-'."""
    folded = f"regexp_replace(lower({text}), {lit(SPACE_RUN_RE2)}, '-', 'g')"
    return f"(CASE WHEN {folded} = 'postpurchase' THEN 'post-purchase' ELSE {folded} END)"


def checks_sql(
    source: Source,
    mapping: Mapping[str, str],
    column: Mapping[str, str],
    settings: DatasetSettings,
    kind: str = "events",
) -> str:
    """One scan: the text of the parsed columns, the SQL rules' flags, a hash of each row.

    Native (non-text) timestamp, revenue and conversion columns are left out: their values
    are read by pyarrow and parsed as the pandas path parses them (`native_values`).
    """

    def text(canonical: str) -> str:
        return trim_sql(raw(canonical))

    def raw(canonical: str) -> str:
        return source.raw(column[mapping[canonical]])

    def native(canonical: str) -> bool:
        return canonical in mapping and column[mapping[canonical]] in source.native

    parts = [f"{blank_sql(raw(CUSTOMER_ID))} AS no_customer"]
    if TIMESTAMP in mapping and not native(TIMESTAMP):
        parts.append(f"{raw(TIMESTAMP)} AS ts")  # trimmed by pyarrow, as stripped_text does
    customer = source.value(column[mapping[CUSTOMER_ID]])
    stamp = source.value(column[mapping[TIMESTAMP]]) if TIMESTAMP in mapping else "''"
    # Identical rows share customer and time: their hash finds the candidates cheaply.
    parts.append(f"hash({customer}, {stamp}) AS h")
    if kind != "events":
        return f"SELECT {', '.join(parts)} FROM {source.scan()}"  # noqa: S608
    parts.append(f"{blank_sql(raw(CHANNEL))} AS no_channel")
    if REVENUE in mapping and not native(REVENUE):
        parts.append(f"{raw(REVENUE)} AS rev")
    if native(CONVERSION):
        pass
    elif CONVERSION in mapping:
        lowered = f"lower({text(CONVERSION)})"
        parts.append(
            f"(CASE WHEN {lowered} IN {lit_list(sorted(TRUE_WORDS))} THEN 1 "
            f"WHEN {lowered} IN {lit_list(sorted(FALSE_WORDS))} THEN 0 END)::TINYINT AS conv"
        )
        words = sorted(TRUE_WORDS | FALSE_WORDS)
        shown = f"(CASE WHEN {lowered} NOT IN {lit_list(words)} THEN {text(CONVERSION)} END)"
        parts.append(f"{shown} AS conv_shown")
    elif EVENT_TYPE in mapping:
        wanted = [e.strip().lower() for e in settings.conversion_events]
        event = text(EVENT_TYPE)
        parts.append(
            f"coalesce({event} <> '' AND lower({event}) IN {lit_list(wanted)}, false) AS conv"
        )
    if PHASE in mapping:
        phase = text(PHASE)
        known = lit_list(PHASES)
        parts.append(
            f"(CASE WHEN {phase} = '' OR {phase} IN {known} THEN NULL "
            f"WHEN {_fold_phase(phase)} NOT IN {known} THEN {phase} END) AS phase_bad"
        )
    return f"SELECT {', '.join(parts)} FROM {source.scan()}"  # noqa: S608


@dataclass(frozen=True)
class Checked:
    """The rules' outcome: Arrow columns the accepted view joins, rejects, the rule."""

    parsed: pa.Table  # header row first: row, keep, timestamp, conversion, revenue
    rejects: pd.DataFrame
    n_rejected: int
    rule: ConversionRule | None  # None for transcripts


def _text_series(values: pa.ChunkedArray, *, strip: bool = False) -> pd.Series:
    """Arrow text as the pandas path's str Series (stripped as `stripped_text` strips)."""
    text = values.cast(pa.large_string())
    if strip:
        text = pc.utf8_trim_whitespace(text)
    return pd.Series(pd.arrays.ArrowStringArray(text), dtype=STRING).astype(STR_DTYPE)


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

    def flag(name: str) -> np.ndarray:
        return scanned.column(name).to_numpy(zero_copy_only=False).astype(bool)

    rejects.add(flag("no_customer"), mapping[CUSTOMER_ID], "missing customer id")
    step(progress, 0.3, "timestamps")
    events = kind == "events"
    if TIMESTAMP in mapping:
        stamps = _timestamps(scanned, mapping[TIMESTAMP], settings, natives, rejects, events)
    else:
        stamps = pd.Series(pd.NaT, index=pd.RangeIndex(n_rows), dtype=TIMESTAMP_DTYPE)
    conversion, rule = np.zeros(n_rows, dtype=bool), None
    revenue = np.zeros(n_rows, dtype="float64")
    if events:
        rejects.add(flag("no_channel"), mapping[CHANNEL], "empty channel")
        step(progress, 0.6, "conversions and revenue")
        conversion, rule = _conversions(scanned, mapping, natives, rejects)
        if REVENUE in mapping:
            revenue = _revenue(scanned, mapping[REVENUE], natives.get(REVENUE), rejects)
            if rule is ConversionRule.NONE:
                conversion, rule = revenue > 0, ConversionRule.REVENUE
        if PHASE in mapping:
            phase = _text_series(scanned.column("phase_bad"))
            names = ", ".join(PHASES)
            bad = phase.notna().to_numpy(dtype=bool)
            rejects.add(bad, mapping[PHASE], "unknown phase: ", phase, suffix=f" (use {names})")
    parsed = pa.table(
        {
            ROW: pa.array(np.arange(1, n_rows + 1, dtype="int64")),
            "keep": pa.array(~rejects.bad),
            TIMESTAMP: pa.array(stamps.array),
            CONVERSION: pa.array(conversion),
            REVENUE: pa.array(revenue),
        }
    )
    return Checked(parsed, rejects.frame(), int(rejects.bad.sum()), rule)


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
            ROW: pa.array(np.zeros(skip, dtype="int64")),
            "keep": pa.array(np.zeros(skip, dtype=bool)),
            TIMESTAMP: pa.nulls(skip, parsed.schema.field(TIMESTAMP).type),
            CONVERSION: pa.array(np.zeros(skip, dtype=bool)),
            REVENUE: pa.array(np.zeros(skip, dtype="float64")),
        }
    )
    return pa.concat_tables([head, parsed])


def _conversions(
    scanned: pa.Table,
    mapping: Mapping[str, str],
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
        flags = scanned.column("conv").to_pandas()
        unknown = flags.isna().to_numpy(dtype=bool)
        if unknown.any():
            shown = _text_series(scanned.column("conv_shown"))
            rejects.add(unknown, mapping[CONVERSION], "not true/false: ", shown)
        return (flags.fillna(0).to_numpy() == 1), ConversionRule.COLUMN
    if EVENT_TYPE not in mapping:
        return np.zeros(n_rows, dtype=bool), ConversionRule.NONE
    flags = scanned.column("conv").to_numpy(zero_copy_only=False).astype(bool)
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


def accepted_select(
    source_file: Source,
    mapping: Mapping[str, str],
    column: Mapping[str, str],
    names: Sequence[str],
    kind: str = "events",
) -> tuple[tuple[str, ...], str]:
    """The accepted view's columns, in validate_events' (_transcripts') order, and their SQL."""

    def text(source: str) -> str:
        return trim_sql(source_file.raw(column[source]))

    def optional(source: str) -> str:
        return f"nullif({text(source)}, '')"

    if kind != "events":
        return _transcripts_select(mapping, names, text, optional)
    channel = text(mapping[CHANNEL])
    exprs: dict[str, str] = {
        CUSTOMER_ID: text(mapping[CUSTOMER_ID]),
        TIMESTAMP: f"p.{ident(TIMESTAMP)}",
        CHANNEL: channel,
        TOUCHPOINT: channel,
        EVENT_TYPE: optional(mapping[EVENT_TYPE]) if EVENT_TYPE in mapping else "NULL::VARCHAR",
        CONVERSION: f"p.{ident(CONVERSION)}",
        REVENUE: f"p.{ident(REVENUE)}",
    }
    if TOUCHPOINT in mapping:
        touchpoint = text(mapping[TOUCHPOINT])
        exprs[TOUCHPOINT] = f"(CASE WHEN {touchpoint} = '' THEN {channel} ELSE {touchpoint} END)"
    for name in EVENT_COLUMNS:
        if name in exprs:
            continue
        if name not in mapping:
            exprs[name] = "NULL::VARCHAR"
        elif name == PHASE:
            phase, known = text(mapping[PHASE]), lit_list(PHASES)
            folded = _fold_phase(phase)  # only for values not already a phase's name
            exprs[name] = (
                f"(CASE WHEN {phase} IN {known} THEN {phase} "
                f"WHEN {folded} IN {known} THEN {folded} END)"
            )
        else:
            exprs[name] = optional(mapping[name])
    return _finish_select(exprs, mapping, names, EVENT_COLUMNS, optional)


def _transcripts_select(
    mapping: Mapping[str, str],
    names: Sequence[str],
    text: Callable[[str], str],
    optional: Callable[[str], str],
) -> tuple[tuple[str, ...], str]:
    """validate_transcripts' columns: text kept ('' stays ''), labels in lower case."""
    exprs: dict[str, str] = {}
    for name in TRANSCRIPT_COLUMNS:
        if name == TIMESTAMP:
            exprs[name] = f"p.{ident(TIMESTAMP)}"
        elif name not in mapping:
            exprs[name] = "NULL::VARCHAR"
        elif name in (CUSTOMER_ID, TEXT):
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
) -> tuple[tuple[str, ...], str]:
    """Add the other columns as attributes and `row`; the names and the select list."""
    for name, source in _extras(mapping, names, canonical):
        exprs[name] = optional(source)
    exprs[ROW] = f"p.{ident(ROW)}"
    select = ", ".join(f"{sql} AS {ident(name)}" for name, sql in exprs.items())
    return tuple(exprs), select


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
