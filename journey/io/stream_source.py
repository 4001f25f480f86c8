"""Streaming ingest, reading: which files DuckDB reads exactly as the pandas path does.

A UTF-8 delimited text file is read with `read_csv` (every field as text, the header as the
first row, the delimiter sniffed as `journey.io.read` does); a Parquet file of text, integer,
boolean, number and time columns with `read_parquet`. Anything else raises `Fallback` with
the reason, and the pandas path reads it.
"""

from __future__ import annotations

import codecs
import csv
import io
import mmap
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from journey.errors import InputError
from journey.io.archive import compression_of
from journey.io.decode import SAMPLE_BYTES
from journey.io.limits import check_columns, check_rows, check_size, max_upload_bytes
from journey.io.native import clean_names
from journey.io.read import SINGLE_COLUMN, _detect_format, _sniff_delimiter
from journey.schema import (
    CONVERSION,
    REVENUE,
    TIMESTAMP,
    Phase,
    ProgressFn,
)

# The characters Python's str.isspace() accepts: what str.strip(), pyarrow's
# utf8_trim_whitespace and Python's regex \s treat as white space (the same 29 characters).
_WHITESPACE: Final = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_WS_SQL: Final = "'" + _WHITESPACE + "'"  # a literal: DuckDB folds no chr() chain per row
# pandas' r"[\s_]+" on text (Python's Unicode \s) as an RE2 class for DuckDB.
SPACE_RUN_RE2: Final = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in _WHITESPACE) + "_]+"
_CONTROL: Final = re.compile(rb"[\x00-\x08\x0e-\x1f\x7f]")
# DuckDB reads a file in buffers of 16 lines of this size, one buffer per thread: a larger
# limit (it was 1 GiB) leaves a file in one buffer, read by one thread (1e6 events: 0.5 s
# against 0.33 s a scan). A longer row is a DuckDB error: the pandas path reads the file.
MAX_LINE_BYTES: Final = 8 * 1024 * 1024
_UNICODE_BOMS: Final = (
    codecs.BOM_UTF32_LE,
    codecs.BOM_UTF32_BE,
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
)
PHASES: Final = tuple(p.value for p in Phase)


NO_DATA_ROWS: Final = "no data rows (the file has column names but no data)"  # as load's


class Fallback(Exception):  # a signal, not an error: the pandas path runs instead
    """The fast path cannot read this input exactly; the message says why."""


# -- SQL text helpers (journey.io cannot import journey.query.engine.sql) ---------------------


def ident(name: str) -> str:
    """Quote a column or relation name for DuckDB."""
    return '"' + str(name).replace('"', '""') + '"'


def lit(text: str) -> str:
    """Render text as a DuckDB string literal."""
    if "\x00" in text:
        raise Fallback("a value holds a NUL character")
    return "'" + text.replace("'", "''") + "'"


def lit_list(values: Sequence[str]) -> str:
    """Render texts as a list for IN (an empty list matches nothing)."""
    return "(" + ", ".join(lit(v) for v in values) + ")" if values else "(NULL)"


def trim_sql(text: str) -> str:
    """`text` without surrounding white space; the costly trim runs only where it is needed."""
    # trim with this set costs ~1 s of CPU per million values; an empty value (strpos finds
    # '' at 1) must not reach it: optional columns are mostly empty
    ends = f"strpos({_WS_SQL}, left({text}, 1)) > 0 OR strpos({_WS_SQL}, right({text}, 1)) > 0"
    return (
        f"(CASE WHEN {text} = '' THEN '' WHEN {ends} THEN trim({text}, {_WS_SQL}) ELSE {text} END)"
    )


# -- the DuckDB path for delimited text ------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """A file DuckDB reads exactly as the pandas path does, and how to read it."""

    path: Path
    display: str
    scan_sql: str  # the table function call
    names: tuple[str, ...]  # DuckDB's column names, in file order
    skip: int = 0  # rows before the data (1: a CSV's header row)
    native: Mapping[str, pa.DataType] = field(default_factory=dict)  # non-text columns
    rounded: frozenset[str] = frozenset()  # integers pandas reads as floats, rounded

    def scan(self) -> str:
        """The table function reading the file."""
        return self.scan_sql

    def raw(self, name: str) -> str:
        """A column as the pandas path's text of it ('' where missing), before trimming."""
        if name in self.native:
            return f"coalesce(CAST({ident(name)} AS VARCHAR), '')"
        return f"coalesce({ident(name)}, '')"

    def value(self, name: str) -> str:
        """A column's value as compared for duplicates (missing text is '')."""
        return ident(name) if name in self.native else self.raw(name)


def _csv_scan(path: Path, delimiter: str, names: Sequence[str]) -> str:
    """The read_csv call: every field as text, the header read as the first row."""
    columns = "{" + ", ".join(f"{lit(n)}: 'VARCHAR'" for n in names) + "}"
    return (
        f"read_csv({lit(str(path))}, header = false, auto_detect = false, "
        f"delim = {lit(delimiter)}, quote = '\"', escape = '\"', "
        f"columns = {columns}, max_line_size = {MAX_LINE_BYTES}, strict_mode = true)"
    )


def open_source(con: duckdb.DuckDBPyConnection, path: Path) -> tuple[Source, list[str]]:
    """Check that the fast path reads `path` exactly; its source and the header's names.

    Raises:
        Fallback: Why the pandas path must read it.
        InputError: The errors the pandas path gives before reading (size, format).
    """
    display = path.name
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(SAMPLE_BYTES)
    except OSError as err:
        raise Fallback(f"cannot open the file ({err.strerror or err})") from None
    check_size(display, size, max_upload_bytes())
    if any(char in str(path) for char in "*?[{"):
        raise Fallback("DuckDB would read the file name as a pattern")
    if head.startswith(b"PK") or compression_of(head) is not None:
        raise Fallback("compressed files and archives are unpacked by the pandas path")
    if not head.strip():
        raise Fallback("the file is empty")
    kind = _detect_format(head, display, path.suffix.lower())  # the pandas path's errors
    if kind == "parquet":
        return _open_parquet(path, display)
    if kind != "csv":
        raise Fallback(f"{kind} files are read by the pandas path")
    return _open_csv(con, path, display, head)


def _open_csv(
    con: duckdb.DuckDBPyConnection, path: Path, display: str, head: bytes
) -> tuple[Source, list[str]]:
    """A UTF-8 delimited text file DuckDB splits exactly as `journey.io.read` does."""
    if head.startswith(_UNICODE_BOMS):
        raise Fallback("UTF-16/UTF-32 text is decoded by the pandas path")
    head = head.removeprefix(codecs.BOM_UTF8)
    if _CONTROL.search(head):
        raise Fallback("control characters (binary data or UTF-16 text?)")
    try:
        sample = codecs.getincrementaldecoder("utf-8")("strict").decode(head, final=False)
    except UnicodeDecodeError:
        raise Fallback("not UTF-8 text: the pandas path detects the encoding") from None
    delimiter = _sniff_delimiter(sample, path.suffix.lower())
    if delimiter == SINGLE_COLUMN:
        raise Fallback("a single-column text file")
    check_columns(display, _header_width(head, delimiter))
    try:
        first = next(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter), [])
    except csv.Error:
        raise Fallback("the header cannot be split into fields") from None
    if len(first) < 2:
        raise Fallback("the header has fewer than two fields")
    if _space_beside_quote(path, delimiter):
        raise Fallback("a space beside a quote (DuckDB and pyarrow split such fields apart)")
    names = tuple(f"c{i}" for i in range(len(first)))
    source = Source(path, display, _csv_scan(path, delimiter, names), names, skip=1)
    header = run(con, f"SELECT * FROM {source.scan()} LIMIT 1")  # noqa: S608
    if not header.num_rows:
        raise Fallback("the file is empty")
    return source, clean_names(["" if v is None else v for v in header.to_pylist()[0].values()])


def run(con: duckdb.DuckDBPyConnection, sql: str) -> pa.Table:
    """Run a query over the file; a DuckDB error (ragged rows, bad UTF-8 ...) falls back."""
    try:
        return con.sql(sql).to_arrow_table()
    except duckdb.Error as err:
        msg = f"DuckDB cannot split the file as pyarrow does: {first_line(err)}"
        raise Fallback(msg) from None


def _header_width(head: bytes, delimiter: str) -> int:
    from journey.io.read import _header_width as width  # the pandas path's own count

    return width(head, delimiter)


def _open_parquet(path: Path, display: str) -> tuple[Source, list[str]]:
    """A Parquet file of text, integer, boolean, number and time columns, read by DuckDB."""
    try:
        parquet = pq.ParquetFile(path)
        meta, schema = parquet.metadata, parquet.schema_arrow
    except (pa.ArrowException, OSError, ValueError, EOFError, IndexError):
        raise Fallback("the Parquet file cannot be opened (the pandas path says why)") from None
    check_columns(display, len(schema))
    check_rows(display, meta.num_rows)
    unpacked = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    check_size(display, unpacked, max_upload_bytes(), "its data unpacks to")
    if any(isinstance(c, str) for c in (schema.pandas_metadata or {}).get("index_columns", [])):
        raise Fallback("a saved pandas index becomes columns on the pandas path")
    names = list(schema.names)
    if clean_names(names) != names or len({n.casefold() for n in names}) != len(names):
        raise Fallback("blank or repeated column names are renamed by the pandas path")
    native: dict[str, pa.DataType] = {}
    for field_ in schema:
        kind = field_.type
        if pa.types.is_string(kind) or pa.types.is_large_string(kind):
            continue
        if pa.types.is_dictionary(kind) and pa.types.is_string(kind.value_type):
            native[field_.name] = kind  # text, but pandas keeps it a category
        elif (
            pa.types.is_integer(kind)
            or pa.types.is_boolean(kind)
            or pa.types.is_floating(kind)
            or pa.types.is_timestamp(kind)
        ):
            native[field_.name] = kind
        else:
            raise Fallback(f"column {field_.name!r} holds {kind} values")
    if meta.num_rows == 0:
        raise InputError(display, None, None, NO_DATA_ROWS)
    rounded = frozenset(
        name
        for index, name in enumerate(names)
        if pa.types.is_integer(schema.field(index).type) and not _int_text_exact(meta, index)
    )
    scan = f"read_parquet({lit(str(path))})"
    return Source(path, display, scan, tuple(names), 0, native, rounded), names


def _int_text_exact(meta: pq.FileMetaData, index: int) -> bool:
    """Whether pandas shows an integer column's values as DuckDB does.

    True when the footer's statistics show no nulls, or all values within +-2**53: pandas
    holds integers with nulls as floats.
    """
    for group in range(meta.num_row_groups):
        stats = meta.row_group(group).column(index).statistics
        if stats is None or not stats.has_null_count:
            return False
        if stats.null_count and (
            not stats.has_min_max or max(abs(stats.min), abs(stats.max)) >= 2**53
        ):
            return False
    return True


def check_text_columns(
    source: Source, mapping: Mapping[str, str], column: Mapping[str, str]
) -> None:
    """Fall back when a non-text column would become text (pandas' number formatting)."""
    parsed = {mapping[c] for c in (TIMESTAMP, REVENUE, CONVERSION) if c in mapping}
    for name, duck in column.items():
        kind = source.native.get(duck)
        if kind is None:
            continue
        if name in parsed:
            if pa.types.is_dictionary(kind):
                raise Fallback(f"column {name!r} holds categories (pandas reads them apart)")
            continue
        if duck in source.rounded:
            raise Fallback(f"column {name!r} holds integers pandas rounds (nulls, > 2**53)")
        if not (
            pa.types.is_integer(kind) or pa.types.is_boolean(kind) or pa.types.is_dictionary(kind)
        ):
            raise Fallback(f"column {name!r} holds {kind} values, formatted by pandas")


def native_values(
    source: Source, mapping: Mapping[str, str], column: Mapping[str, str]
) -> dict[str, pd.Series]:
    """The non-text timestamp, revenue and conversion columns as the pandas path reads them."""
    wanted = {
        canonical: column[mapping[canonical]]
        for canonical in (TIMESTAMP, REVENUE, CONVERSION)
        if canonical in mapping and column[mapping[canonical]] in source.native
    }
    if not wanted:
        return {}
    table = pq.read_table(source.path, columns=list(wanted.values()))
    return {c: table.column(duck).to_pandas() for c, duck in wanted.items()}


def _space_beside_quote(path: Path, delimiter: str) -> bool:
    """Tell whether a field starts with spaces then a quote, or a quote is followed by spaces.

    pyarrow keeps ` "q"` as typed, DuckDB reads it as `q`: such files take the pandas path.
    The file is mapped, not read: a file without quotes costs one memchr over it.
    """
    if path.stat().st_size == 0:
        return False
    d = re.escape(delimiter.encode())
    pattern = re.compile(rb"(?:^|" + d + rb") +\"|\" +(?:" + d + rb"|\r?$)", re.MULTILINE)
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return data.find(b'"') >= 0 and pattern.search(data) is not None


def first_line(err: Exception) -> str:
    """The first line of an error's message (DuckDB's go on with hints)."""
    return str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__


def step(progress: ProgressFn | None, fraction: float, message: str) -> None:
    """Report progress when someone listens."""
    if progress is not None:
        progress(fraction, message)
