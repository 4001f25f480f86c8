"""Streaming ingest: validate a big CSV through DuckDB's reader, without pandas copies of it.

The fast path reads a UTF-8 delimited text file (with or without a BOM) with DuckDB's
`read_csv` (every column as text, the delimiter sniffed as `journey.io.read` does), maps its
header with the same proposal as the pandas path, and applies the rules of
`journey.io.validate` with the same reject texts:

- blank checks, conversion words, phase names and trimming run in SQL, in one scan that also
  hashes every row (for the exact duplicate count);
- timestamps and revenue are parsed by `journey.io.parse` itself on those two columns, as
  Arrow-backed text (the same vectorised code, so detected formats, day-first, time zones and
  decimal commas give exactly the pandas path's values);
- the accepted rows stay a DuckDB view over the file (canonical columns + `row`), which
  `StreamResult.write_parquet` and `StreamResult.save` stream out.

Anything the fast path cannot do exactly falls back to the pandas path (`load.load_file`)
and says why in `StreamResult.fallback`: other encodings, compressed files, Excel, JSON,
Parquet, identity stitching, transcripts, rows DuckDB cannot split as pyarrow would (ragged
rows, a space beside a quote, mixed line ends, invalid UTF-8).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import mmap
import re
import tempfile
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from journey.errors import InputError
from journey.io import tables
from journey.io.archive import compression_of
from journey.io.decode import SAMPLE_BYTES
from journey.io.limits import check_columns, check_rows, check_size, max_upload_bytes
from journey.io.load import NO_DATA_ROWS, load_file, propose
from journey.io.mapping import check_mapping, snake_case
from journey.io.native import clean_names
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
from journey.io.read import SINGLE_COLUMN, _detect_format, _sniff_delimiter
from journey.io.store import DatasetInfo, Workspace
from journey.io.validate import _Rejects
from journey.schema import (
    CHANNEL,
    CONVERSION,
    CUSTOMER_ID,
    EVENT_COLUMNS,
    EVENT_TYPE,
    PHASE,
    REVENUE,
    ROW,
    TIMESTAMP,
    TOUCHPOINT,
    ConversionRule,
    DatasetSettings,
    Phase,
    ProgressFn,
    RawTable,
    ValidationResult,
    empty_rejects,
)

DUCKDB: Final = "duckdb"
PANDAS: Final = "pandas"
# The characters Python's str.isspace() accepts: what str.strip(), pyarrow's
# utf8_trim_whitespace and Python's regex \s treat as white space (the same 29 characters).
_WHITESPACE: Final = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_WS_SQL: Final = "'" + _WHITESPACE + "'"  # a literal: DuckDB folds no chr() chain per row
# pandas' r"[\s_]+" on text (Python's Unicode \s) as an RE2 class for DuckDB.
_SPACE_RUN_RE2: Final = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in _WHITESPACE) + "_]+"
_CONTROL: Final = re.compile(rb"[\x00-\x08\x0e-\x1f\x7f]")
_UNICODE_BOMS: Final = (
    codecs.BOM_UTF32_LE,
    codecs.BOM_UTF32_BE,
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
)
_CHUNK: Final = 16 * 1024 * 1024
_PHASES: Final = tuple(p.value for p in Phase)


class _Fallback(Exception):  # a signal, not an error: the pandas path runs instead
    """The fast path cannot read this input exactly; the message says why."""


# -- SQL text helpers (journey.io cannot import journey.query.engine.sql) ---------------------


def _ident(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def _lit(text: str) -> str:
    if "\x00" in text:
        raise _Fallback("a value holds a NUL character")
    return "'" + text.replace("'", "''") + "'"


def _lit_list(values: Sequence[str]) -> str:
    return "(" + ", ".join(_lit(v) for v in values) + ")" if values else "(NULL)"


def _trim(text: str) -> str:
    """`text` without surrounding white space; the costly trim runs only where it is needed."""
    ends = f"strpos({_WS_SQL}, left({text}, 1)) > 0 OR strpos({_WS_SQL}, right({text}, 1)) > 0"
    return f"(CASE WHEN {ends} THEN trim({text}, {_WS_SQL}) ELSE {text} END)"


def _blank(text: str) -> str:
    """Whether `text` is empty or white space only (cheap: most values start otherwise)."""
    # CASE, not OR/AND: DuckDB evaluates the costly trim only for the rows that reach it.
    spaced = f"strpos({_WS_SQL}, left({text}, 1)) > 0"
    return f"(CASE WHEN {spaced} THEN trim({text}, {_WS_SQL}) = '' ELSE {text} = '' END)"


# -- the result ---------------------------------------------------------------------------


@dataclass
class StreamResult:
    """A validated file: accepted rows and rejects as relations in a DuckDB connection.

    `accepted` names a view (fast path: over the file itself) with the accepted rows in file
    order: every events column of the contract, other attributes as snake_case text, then
    `row`; timestamps are TIMESTAMPTZ in UTC. `rejects` names a table (row, column, reason)
    sorted by row. `fallback` is None when DuckDB read the file, else why pandas did.
    """

    con: duckdb.DuckDBPyConnection
    accepted: str
    rejects: str
    columns: tuple[str, ...]
    rows_read: int
    rows_rejected: int
    duplicates: int
    conversion_rule: ConversionRule | None
    mapping: dict[str, str]
    file: str
    kind: str = "events"
    fallback: str | None = None
    _keep: list[object] = field(default_factory=list, repr=False)  # Arrow tables the views read

    @property
    def engine(self) -> str:
        """Which path validated the file: 'duckdb' or 'pandas'."""
        return PANDAS if self.fallback else DUCKDB

    @property
    def rows_accepted(self) -> int:
        """Number of accepted rows."""
        return self.rows_read - self.rows_rejected

    def summary(self) -> str:
        """One line: rows read / accepted / rejected / duplicates (as ValidationResult's)."""
        return (
            f"{self.file or 'input'}: {self.rows_read} rows read, {self.rows_accepted} accepted, "
            f"{self.rows_rejected} rejected, {self.duplicates} exact duplicates"
        )

    def rejects_frame(self, limit: int | None = None) -> pd.DataFrame:
        """The rejects (row, column, reason) by row, the first `limit` of them if given."""
        tail = "" if limit is None else f" LIMIT {int(limit)}"
        frame = self.con.sql(f"SELECT * FROM {_ident(self.rejects)}{tail}").to_df()
        if frame.empty:
            return empty_rejects()
        return frame.astype({ROW: "int64", "column": STRING, "reason": STRING})

    def accepted_frame(self) -> pd.DataFrame:
        """The accepted rows in pandas with the contract dtypes (for small files only)."""
        arrow = self.con.sql(f"SELECT * FROM {_ident(self.accepted)}").to_arrow_table()
        return _contract_frame(arrow, self.columns)

    def validation_result(self) -> ValidationResult:
        """The same ValidationResult the pandas path gives (accepted rows in pandas)."""
        return ValidationResult(
            self.accepted_frame(),
            self.rejects_frame(),
            self.rows_read,
            self.duplicates,
            self.file,
            self.conversion_rule,
        )

    def write_parquet(self, path: str | Path) -> Path:
        """Stream the accepted rows to a Parquet file (written beside it, then renamed)."""
        target = Path(path).expanduser()
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.{uuid.uuid4().hex}.partial")
        try:
            self.con.execute(
                f"COPY (SELECT * FROM {_ident(self.accepted)}) TO {_lit(str(partial))} "
                "(FORMAT parquet, COMPRESSION zstd)"
            )
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
        return target

    def manifest(self) -> str:
        """The workspace's JSON manifest of the accepted columns (as `Workspace.save` writes)."""
        empty = _contract_frame(self._arrow_schema().empty_table(), self.columns)
        return tables.encode_frame(empty, self.file, self.kind)[1]

    def batches(self) -> pa.RecordBatchReader:
        """The accepted rows as a stream of Arrow record batches (timestamps labelled UTC)."""
        return self.con.sql(f"SELECT * FROM {_ident(self.accepted)}").to_arrow_reader(1_000_000)

    def save(
        self,
        workspace: Workspace,
        name: str,
        settings: DatasetSettings,
        key: str,
        *,
        meta: Mapping[str, object] | None = None,
        overwrite: bool = False,
        transcripts: pd.DataFrame | None = None,
    ) -> DatasetInfo:
        """Store the accepted rows in the workspace as dataset `name`, streamed from DuckDB."""
        manifest = self.manifest()  # before the batches: they hold the connection's result
        return workspace.save_stream(
            name,
            tables.FrameStream(self.batches(), manifest),
            transcripts,
            settings,
            {"events": {v: k for k, v in self.mapping.items()}},
            key,
            meta=meta,
            overwrite=overwrite,
        )

    def close(self) -> None:
        """Close the DuckDB connection (the relations go with it)."""
        self.con.close()

    def __enter__(self) -> StreamResult:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _arrow_schema(self) -> pa.Schema:
        return (
            self.con.sql(f"SELECT * FROM {_ident(self.accepted)} LIMIT 0").to_arrow_table().schema
        )


def _contract_frame(arrow: pa.Table, columns: Sequence[str]) -> pd.DataFrame:
    """Arrow rows of an accepted relation as the pandas path's accepted frame (same dtypes)."""
    out: dict[str, pd.Series] = {}
    for name in columns:
        values = arrow.column(name)
        if name == TIMESTAMP:
            series = values.to_pandas()
            out[name] = (
                pd.Series(series, dtype=TIMESTAMP_DTYPE)
                if len(series)
                else series.astype(TIMESTAMP_DTYPE)
            )
        elif name == CONVERSION:
            out[name] = pd.Series(values.to_numpy(zero_copy_only=False), dtype=bool)
        elif name == REVENUE:
            out[name] = pd.Series(values.to_numpy(zero_copy_only=False), dtype="float64")
        elif name == ROW:
            out[name] = pd.Series(values.to_numpy(zero_copy_only=False), dtype="int64")
        else:
            text = values.cast(pa.large_string())
            out[name] = pd.Series(pd.arrays.ArrowStringArray(text), dtype=STRING)
    return pd.DataFrame(out, index=pd.RangeIndex(arrow.num_rows))


# -- entry point --------------------------------------------------------------------------


def validate_file(
    path: str | Path,
    kind: str = "events",
    overrides: Mapping[str, str] | None = None,
    settings: DatasetSettings | None = None,
    progress: ProgressFn | None = None,
    *,
    id_columns: Sequence[str] = (),
    sheet: str | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> StreamResult:
    """Read and validate a file: through DuckDB when it can be exact, else the pandas path.

    Raises:
        InputError: The file cannot be read, has no data rows, or its mapping cannot work
            (the same errors, with the same texts, as `journey.io.load.load_file`).
    """
    settings = settings or DatasetSettings()
    path = Path(path)
    own = con is None
    con = con or _connect()
    try:
        try:
            _fast_path_possible(kind, id_columns, sheet)
            return _validate_fast(con, path, overrides, settings, progress)
        except _Fallback as reason:
            return _validate_pandas(
                con, path, kind, overrides, settings, progress, id_columns, sheet, str(reason)
            )
    except BaseException:
        if own:
            con.close()
        raise


def file_key(path: str | Path, mapping: Mapping[str, str], settings: object) -> str:
    """`load.fingerprint` of a file's bytes, read in chunks (a big file is never held whole)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    if hasattr(settings, "__dataclass_fields__") and not isinstance(settings, type):
        import dataclasses

        settings = dataclasses.asdict(settings)  # type: ignore[call-overload]
    digest.update(json.dumps([dict(mapping), settings], sort_keys=True, default=str).encode())
    return digest.hexdigest()


def _connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(config={"autoload_known_extensions": False})
    # Instants leave DuckDB labelled UTC whatever the machine's zone; big files spill to disk.
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET enable_progress_bar = false")
    con.execute(f"SET temp_directory = {_lit(tempfile.gettempdir() + '/journey-duckdb')}")
    return con


def _fast_path_possible(kind: str, id_columns: Sequence[str], sheet: str | None) -> None:
    if kind != "events":
        raise _Fallback(f"{kind} are validated by the pandas path")
    if id_columns:
        raise _Fallback("identity stitching runs on the pandas path")
    if sheet is not None:
        raise _Fallback("Excel sheets are read by the pandas path")


def _validate_pandas(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    kind: str,
    overrides: Mapping[str, str] | None,
    settings: DatasetSettings,
    progress: ProgressFn | None,
    id_columns: Sequence[str],
    sheet: str | None,
    reason: str,
) -> StreamResult:
    """Validate with `load.load_file` and expose its frames as relations of `con`."""
    result, mapping = load_file(path, kind, overrides, settings, progress, id_columns, sheet)
    suffix = uuid.uuid4().hex
    accepted, rejects = f"accepted_{suffix}", f"rejects_{suffix}"
    accepted_arrow = pa.Table.from_pandas(result.accepted, preserve_index=False)
    rejects_arrow = pa.Table.from_pandas(result.rejects, preserve_index=False)
    con.register(accepted, accepted_arrow)
    con.register(f"{rejects}_frame", rejects_arrow)
    con.execute(
        f"CREATE TEMP TABLE {_ident(rejects)} AS SELECT * FROM {_ident(rejects + '_frame')}"
    )
    con.unregister(f"{rejects}_frame")
    return StreamResult(
        con,
        accepted,
        rejects,
        tuple(result.accepted.columns),
        result.rows_read,
        result.rows_rejected,
        result.duplicates,
        result.conversion_rule,
        mapping,
        result.file,
        kind,
        reason,
        [accepted_arrow],
    )


# -- the DuckDB path for delimited text ------------------------------------------------------


@dataclass(frozen=True)
class _Source:
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
            return f"coalesce(CAST({_ident(name)} AS VARCHAR), '')"
        return f"coalesce({_ident(name)}, '')"

    def value(self, name: str) -> str:
        """A column's value as compared for duplicates (missing text is '')."""
        return _ident(name) if name in self.native else self.raw(name)


def _csv_scan(path: Path, delimiter: str, names: Sequence[str]) -> str:
    """The read_csv call: every field as text, the header read as the first row."""
    columns = "{" + ", ".join(f"{_lit(n)}: 'VARCHAR'" for n in names) + "}"
    return (
        f"read_csv({_lit(str(path))}, header = false, auto_detect = false, "
        f"delim = {_lit(delimiter)}, quote = '\"', escape = '\"', "
        f"columns = {columns}, max_line_size = 1073741824, strict_mode = true)"
    )


def _open(con: duckdb.DuckDBPyConnection, path: Path) -> tuple[_Source, list[str]]:
    """Check that the fast path reads `path` exactly; its source and the header's names.

    Raises:
        _Fallback: Why the pandas path must read it.
        InputError: The errors the pandas path gives before reading (size, format).
    """
    display = path.name
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(SAMPLE_BYTES)
    except OSError as err:
        raise _Fallback(f"cannot open the file ({err.strerror or err})") from None
    check_size(display, size, max_upload_bytes())
    if any(char in str(path) for char in "*?[{"):
        raise _Fallback("DuckDB would read the file name as a pattern")
    if head.startswith(b"PK") or compression_of(head) is not None:
        raise _Fallback("compressed files and archives are unpacked by the pandas path")
    if not head.strip():
        raise _Fallback("the file is empty")
    kind = _detect_format(head, display, path.suffix.lower())  # the pandas path's errors
    if kind == "parquet":
        return _open_parquet(path, display)
    if kind != "csv":
        raise _Fallback(f"{kind} files are read by the pandas path")
    return _open_csv(con, path, display, head)


def _open_csv(
    con: duckdb.DuckDBPyConnection, path: Path, display: str, head: bytes
) -> tuple[_Source, list[str]]:
    """A UTF-8 delimited text file DuckDB splits exactly as `journey.io.read` does."""
    if head.startswith(_UNICODE_BOMS):
        raise _Fallback("UTF-16/UTF-32 text is decoded by the pandas path")
    head = head.removeprefix(codecs.BOM_UTF8)
    if _CONTROL.search(head):
        raise _Fallback("control characters (binary data or UTF-16 text?)")
    try:
        sample = codecs.getincrementaldecoder("utf-8")("strict").decode(head, final=False)
    except UnicodeDecodeError:
        raise _Fallback("not UTF-8 text: the pandas path detects the encoding") from None
    delimiter = _sniff_delimiter(sample, path.suffix.lower())
    if delimiter == SINGLE_COLUMN:
        raise _Fallback("a single-column text file")
    check_columns(display, _header_width(head, delimiter))
    try:
        first = next(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter), [])
    except csv.Error:
        raise _Fallback("the header cannot be split into fields") from None
    if len(first) < 2:
        raise _Fallback("the header has fewer than two fields")
    if _space_beside_quote(path, delimiter):
        raise _Fallback("a space beside a quote (DuckDB and pyarrow split such fields apart)")
    names = tuple(f"c{i}" for i in range(len(first)))
    source = _Source(path, display, _csv_scan(path, delimiter, names), names, skip=1)
    header = _run(con, f"SELECT * FROM {source.scan()} LIMIT 1")
    if not header.num_rows:
        raise _Fallback("the file is empty")
    return source, clean_names(["" if v is None else v for v in header.to_pylist()[0].values()])


def _run(con: duckdb.DuckDBPyConnection, sql: str) -> pa.Table:
    """Run a query over the file; a DuckDB error (ragged rows, bad UTF-8 ...) falls back."""
    try:
        return con.sql(sql).to_arrow_table()
    except duckdb.Error as err:
        msg = f"DuckDB cannot split the file as pyarrow does: {_first_line(err)}"
        raise _Fallback(msg) from None


def _header_width(head: bytes, delimiter: str) -> int:
    from journey.io.read import _header_width as width  # the pandas path's own count

    return width(head, delimiter)


def _open_parquet(path: Path, display: str) -> tuple[_Source, list[str]]:
    """A Parquet file of text, integer, boolean, number and time columns, read by DuckDB."""
    try:
        parquet = pq.ParquetFile(path)
        meta, schema = parquet.metadata, parquet.schema_arrow
    except (pa.ArrowException, OSError, ValueError, EOFError, IndexError):
        raise _Fallback("the Parquet file cannot be opened (the pandas path says why)") from None
    check_columns(display, len(schema))
    check_rows(display, meta.num_rows)
    unpacked = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    check_size(display, unpacked, max_upload_bytes(), "its data unpacks to")
    if any(isinstance(c, str) for c in (schema.pandas_metadata or {}).get("index_columns", [])):
        raise _Fallback("a saved pandas index becomes columns on the pandas path")
    names = list(schema.names)
    if clean_names(names) != names or len({n.casefold() for n in names}) != len(names):
        raise _Fallback("blank or repeated column names are renamed by the pandas path")
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
            raise _Fallback(f"column {field_.name!r} holds {kind} values")
    if meta.num_rows == 0:
        raise InputError(display, None, None, NO_DATA_ROWS)
    rounded = frozenset(
        name
        for index, name in enumerate(names)
        if pa.types.is_integer(schema.field(index).type) and not _int_text_exact(meta, index)
    )
    scan = f"read_parquet({_lit(str(path))})"
    return _Source(path, display, scan, tuple(names), 0, native, rounded), names


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


def _check_text_columns(
    source: _Source, mapping: Mapping[str, str], column: Mapping[str, str]
) -> None:
    """Fall back when a non-text column would become text (pandas' number formatting)."""
    parsed = {mapping[c] for c in (TIMESTAMP, REVENUE, CONVERSION) if c in mapping}
    for name, duck in column.items():
        kind = source.native.get(duck)
        if kind is None:
            continue
        if name in parsed:
            if pa.types.is_dictionary(kind):
                raise _Fallback(f"column {name!r} holds categories (pandas reads them apart)")
            continue
        if duck in source.rounded:
            raise _Fallback(f"column {name!r} holds integers pandas rounds (nulls, > 2**53)")
        if not (
            pa.types.is_integer(kind) or pa.types.is_boolean(kind) or pa.types.is_dictionary(kind)
        ):
            raise _Fallback(f"column {name!r} holds {kind} values, formatted by pandas")


def _native_values(
    source: _Source, mapping: Mapping[str, str], column: Mapping[str, str]
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


def _validate_fast(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    overrides: Mapping[str, str] | None,
    settings: DatasetSettings,
    progress: ProgressFn | None,
) -> StreamResult:
    _progress(progress, 0.0, "reading")
    source, names = _open(con, path)
    raw = RawTable(pd.DataFrame(columns=names), source.display, "csv", "utf-8", None)
    mapping = propose(raw, "events", overrides)
    check_mapping(mapping, names, "events", source.display)
    column = dict(zip(names, source.names, strict=True))  # source name -> DuckDB's name
    _check_text_columns(source, mapping, column)
    _progress(progress, 0.1, "checking rows")
    scanned = _run(con, _checks_sql(source, mapping, column, settings))
    n_rows = scanned.num_rows - source.skip
    if n_rows == 0:
        raise InputError(source.display, None, None, NO_DATA_ROWS)
    check_rows(source.display, n_rows)
    natives = _native_values(source, mapping, column)
    checked = _apply_rules(scanned.slice(source.skip), mapping, settings, natives, progress)
    _progress(progress, 0.8, "counting duplicates")
    duplicates = _duplicates(con, source, scanned.column("h").to_numpy()[source.skip :])
    del scanned, natives
    suffix = uuid.uuid4().hex
    parsed_name, accepted, rejects = f"parsed_{suffix}", f"accepted_{suffix}", f"rejects_{suffix}"
    parsed = _with_skipped_rows(checked.parsed, source.skip)
    con.register(parsed_name, parsed)
    columns, select = _accepted_select(source, mapping, column, names)
    con.execute(
        f"CREATE TEMP VIEW {_ident(accepted)} AS SELECT {select} FROM {source.scan()} "
        f"POSITIONAL JOIN {_ident(parsed_name)} p WHERE p.keep"
    )
    rejects_arrow = pa.Table.from_pandas(checked.rejects, preserve_index=False)
    con.register(f"{rejects}_frame", rejects_arrow)
    con.execute(
        f"CREATE TEMP TABLE {_ident(rejects)} AS SELECT * FROM {_ident(rejects + '_frame')}"
    )
    con.unregister(f"{rejects}_frame")
    _progress(progress, 1.0, "done")
    return StreamResult(
        con,
        accepted,
        rejects,
        columns,
        n_rows,
        checked.n_rejected,
        duplicates,
        checked.rule,
        mapping,
        source.display,
        "events",
        None,
        [parsed],
    )


def _first_line(err: Exception) -> str:
    return str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__


def _progress(progress: ProgressFn | None, fraction: float, message: str) -> None:
    if progress is not None:
        progress(fraction, message)


def _fold_phase(text: str) -> str:
    """validate._phases' folding in SQL: lower case, spaces and underscores as one '-'."""
    folded = f"regexp_replace(lower({text}), {_lit(_SPACE_RUN_RE2)}, '-', 'g')"
    return f"(CASE WHEN {folded} = 'postpurchase' THEN 'post-purchase' ELSE {folded} END)"


def _checks_sql(
    source: _Source,
    mapping: Mapping[str, str],
    column: Mapping[str, str],
    settings: DatasetSettings,
) -> str:
    """One scan: the text of the parsed columns, the SQL rules' flags, a hash of each row.

    Native (non-text) timestamp, revenue and conversion columns are left out: their values
    are read by pyarrow and parsed as the pandas path parses them (`_native_values`).
    """

    def text(canonical: str) -> str:
        return _trim(raw(canonical))

    def raw(canonical: str) -> str:
        return source.raw(column[mapping[canonical]])

    def native(canonical: str) -> bool:
        return canonical in mapping and column[mapping[canonical]] in source.native

    parts = [
        f"{_blank(raw(CUSTOMER_ID))} AS no_customer",
        f"{_blank(raw(CHANNEL))} AS no_channel",
    ]
    if not native(TIMESTAMP):
        parts.append(f"{raw(TIMESTAMP)} AS ts")  # trimmed by pyarrow, as stripped_text does
    if REVENUE in mapping and not native(REVENUE):
        parts.append(f"{raw(REVENUE)} AS rev")
    if native(CONVERSION):
        pass
    elif CONVERSION in mapping:
        lowered = f"lower({text(CONVERSION)})"
        parts.append(
            f"(CASE WHEN {lowered} IN {_lit_list(sorted(TRUE_WORDS))} THEN 1 "
            f"WHEN {lowered} IN {_lit_list(sorted(FALSE_WORDS))} THEN 0 END)::TINYINT AS conv"
        )
        words = sorted(TRUE_WORDS | FALSE_WORDS)
        shown = f"(CASE WHEN {lowered} NOT IN {_lit_list(words)} THEN {text(CONVERSION)} END)"
        parts.append(f"{shown} AS conv_shown")
    elif EVENT_TYPE in mapping:
        wanted = [e.strip().lower() for e in settings.conversion_events]
        event = text(EVENT_TYPE)
        parts.append(
            f"coalesce({event} <> '' AND lower({event}) IN {_lit_list(wanted)}, false) AS conv"
        )
    if PHASE in mapping:
        phase = text(PHASE)
        known = _lit_list(_PHASES)
        parts.append(
            f"(CASE WHEN {phase} = '' OR {phase} IN {known} THEN NULL "
            f"WHEN {_fold_phase(phase)} NOT IN {known} THEN {phase} END) AS phase_bad"
        )
    # Identical rows share customer and time: their hash finds the candidates cheaply.
    customer, stamp = column[mapping[CUSTOMER_ID]], column[mapping[TIMESTAMP]]
    parts.append(f"hash({source.value(customer)}, {source.value(stamp)}) AS h")
    return f"SELECT {', '.join(parts)} FROM {source.scan()}"


@dataclass(frozen=True)
class _Checked:
    """The rules' outcome: Arrow columns the accepted view joins, rejects, the rule."""

    parsed: pa.Table  # header row first: row, keep, timestamp, conversion, revenue
    rejects: pd.DataFrame
    n_rejected: int
    rule: ConversionRule


def _text_series(values: pa.ChunkedArray, *, strip: bool = False) -> pd.Series:
    """Arrow text as the pandas path's str Series (stripped as `stripped_text` strips)."""
    text = values.cast(pa.large_string())
    if strip:
        text = pc.utf8_trim_whitespace(text)
    return pd.Series(pd.arrays.ArrowStringArray(text), dtype=STRING).astype(STR_DTYPE)


def _apply_rules(
    scanned: pa.Table,
    mapping: Mapping[str, str],
    settings: DatasetSettings,
    natives: Mapping[str, pd.Series],
    progress: ProgressFn | None,
) -> _Checked:
    """validate_events' rules, in its order, on the scanned columns (data rows only)."""
    n_rows = scanned.num_rows
    rejects = _Rejects(n_rows, empty_rejects())

    def flag(name: str) -> np.ndarray:
        return scanned.column(name).to_numpy(zero_copy_only=False).astype(bool)

    rejects.add(flag("no_customer"), mapping[CUSTOMER_ID], "missing customer id")
    _progress(progress, 0.3, "timestamps")
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
    rejects.add(blank, mapping[TIMESTAMP], "missing timestamp")
    if failed.any():
        suffix = ""
        if not (~failed & ~blank).any():
            suffix = f" (no value in this column is a date; tried {DATE_FORMATS_TRIED})"
        rejects.add(failed, mapping[TIMESTAMP], "not a date: ", shown, suffix=suffix)
    del shown
    rejects.add(flag("no_channel"), mapping[CHANNEL], "empty channel")
    _progress(progress, 0.6, "conversions and revenue")
    conversion, rule = _conversions(scanned, mapping, natives, rejects)
    revenue = np.zeros(n_rows, dtype="float64")
    if REVENUE in mapping:
        revenue = _revenue(scanned, mapping[REVENUE], natives.get(REVENUE), rejects)
        if rule is ConversionRule.NONE:
            conversion, rule = revenue > 0, ConversionRule.REVENUE
    if PHASE in mapping:
        phase = _text_series(scanned.column("phase_bad"))
        names = ", ".join(_PHASES)
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
    return _Checked(parsed, rejects.frame(), int(rejects.bad.sum()), rule)


def _with_skipped_rows(parsed: pa.Table, skip: int) -> pa.Table:
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


def _duplicates(con: duckdb.DuckDBPyConnection, source: _Source, hashes: np.ndarray) -> int:
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
        rows = con.sql(
            f"SELECT count(*) - count(DISTINCT ({fields})) FROM {source.scan()} "
            f"POSITIONAL JOIN {_ident(name)} WHERE candidate"
        ).fetchall()
    finally:
        con.unregister(name)
    return int(rows[0][0])


def _accepted_select(
    source_file: _Source,
    mapping: Mapping[str, str],
    column: Mapping[str, str],
    names: Sequence[str],
) -> tuple[tuple[str, ...], str]:
    """The accepted view's columns, in validate_events' order, and their SQL."""

    def text(source: str) -> str:
        return _trim(source_file.raw(column[source]))

    def optional(source: str) -> str:
        return f"nullif({text(source)}, '')"

    channel = text(mapping[CHANNEL])
    exprs: dict[str, str] = {
        CUSTOMER_ID: text(mapping[CUSTOMER_ID]),
        TIMESTAMP: f"p.{_ident(TIMESTAMP)}",
        CHANNEL: channel,
        TOUCHPOINT: channel,
        EVENT_TYPE: optional(mapping[EVENT_TYPE]) if EVENT_TYPE in mapping else "NULL::VARCHAR",
        CONVERSION: f"p.{_ident(CONVERSION)}",
        REVENUE: f"p.{_ident(REVENUE)}",
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
            phase, known = text(mapping[PHASE]), _lit_list(_PHASES)
            folded = _fold_phase(phase)  # only for values not already a phase's name
            exprs[name] = (
                f"(CASE WHEN {phase} IN {known} THEN {phase} "
                f"WHEN {folded} IN {known} THEN {folded} END)"
            )
        else:
            exprs[name] = optional(mapping[name])
    for name, source in _extras(mapping, names):
        exprs[name] = optional(source)
    exprs[ROW] = f"p.{_ident(ROW)}"
    select = ", ".join(f"{sql} AS {_ident(name)}" for name, sql in exprs.items())
    return tuple(exprs), select


def _extras(mapping: Mapping[str, str], names: Sequence[str]) -> list[tuple[str, str]]:
    """validate._extras' naming: (attribute name, source column) of the other columns."""
    used = set(EVENT_COLUMNS) | {ROW}
    out: list[tuple[str, str]] = []

    def claim(name: str) -> str:
        candidate, k = name, 2
        while candidate in used:
            candidate, k = f"{name}_{k}", k + 1
        used.add(candidate)
        return candidate

    for target, source in mapping.items():
        if target not in EVENT_COLUMNS:
            out.append((claim(snake_case(target)), source))
    mapped = set(mapping.values())
    out.extend((claim(snake_case(source)), source) for source in names if source not in mapped)
    return out


__all__ = ["DUCKDB", "PANDAS", "StreamResult", "file_key", "validate_file"]
