"""Streaming ingest: validate a big CSV or Parquet file through DuckDB, no pandas copies of it.

`validate_file` reads a UTF-8 delimited text file (with or without a BOM) or a Parquet file
with DuckDB (`journey.io.stream_source`), maps its header with the same proposal as the
pandas path, and applies the events (or transcripts) rules of `journey.io.validate` with
the same reject texts (`journey.io.stream_rules`): blank checks, conversion words and phase
names in SQL; timestamps and revenue parsed by `journey.io.parse` itself, so detected
formats, day-first, time zones and decimal commas give exactly the pandas path's values.
The accepted rows stay
a DuckDB view over the file (canonical columns + `row`), which `StreamResult.write_parquet`
and `StreamResult.save` stream out; rejects are a small table.

Anything the fast path cannot do exactly falls back to the pandas path (`load.load_file`)
and says why in `StreamResult.fallback`: other encodings, compressed files, Excel, JSON,
identity stitching, rows DuckDB cannot split as pyarrow would (ragged rows, a
space beside a quote, a bare carriage return, invalid UTF-8), Parquet columns pandas would
format differently as text.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import duckdb
import pandas as pd
import pyarrow as pa

from journey.errors import InputError
from journey.io import tables
from journey.io.limits import check_rows
from journey.io.mapping import apply_overrides, check_mapping, propose_mapping
from journey.io.parse import (
    STRING,
    TIMESTAMP_DTYPE,
)
from journey.io.store import DatasetInfo, Workspace
from journey.io.stream_rules import (
    accepted_select,
    apply_rules,
    checks_sql,
    duplicates,
    with_skipped_rows,
)
from journey.io.stream_source import (
    NO_DATA_ROWS,
    Fallback,
    check_text_columns,
    ident,
    lit,
    native_values,
    open_source,
    run,
    step,
)
from journey.schema import (
    CONVERSION,
    REVENUE,
    ROW,
    TIMESTAMP,
    ConversionRule,
    DatasetSettings,
    ProgressFn,
    ValidationResult,
    empty_rejects,
)

DUCKDB: Final = "duckdb"
PANDAS: Final = "pandas"
_CHUNK: Final = 16 * 1024 * 1024  # bytes hashed at a time


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
    # the checked rows alone: (FROM clause, column -> SQL) of the columns they hold in full
    _checked: tuple[str, dict[str, str]] | None = field(default=None, repr=False)

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
        frame = self.con.sql(f"SELECT * FROM {ident(self.rejects)}{tail}").to_df()
        if frame.empty:
            return empty_rejects()
        return frame.astype({ROW: "int64", "column": STRING, "reason": STRING})

    def accepted_sql(self, columns: Sequence[str]) -> str:
        """A query of the accepted rows' `columns` in file order.

        When the checked rows hold all of them (customer, time, channel, touchpoint,
        conversion, revenue, phase, row: what the rules worked out), the file is not read
        again.
        """
        if self._checked is not None and set(columns) <= self._checked[1].keys():
            clause, exprs = self._checked
            select = ", ".join(f"{exprs[name]} AS {ident(name)}" for name in columns)
            return f"SELECT {select} {clause}"
        return f"SELECT {', '.join(ident(c) for c in columns)} FROM {ident(self.accepted)}"

    def accepted_frame(self) -> pd.DataFrame:
        """The accepted rows in pandas with the contract dtypes (for small files only)."""
        arrow = self.con.sql(f"SELECT * FROM {ident(self.accepted)}").to_arrow_table()
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
                f"COPY (SELECT * FROM {ident(self.accepted)}) TO {lit(str(partial))} "
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
        return self.con.sql(f"SELECT * FROM {ident(self.accepted)}").to_arrow_reader(1_000_000)

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
        transcripts_mapping: Mapping[str, str] | None = None,
    ) -> DatasetInfo:
        """Store the accepted rows in the workspace as dataset `name`, streamed from DuckDB.

        The mapping is stored as the app stores it: {"events": {canonical: source}, ...}.
        """
        mapping = {"events": dict(self.mapping)}
        if transcripts_mapping is not None:
            mapping["transcripts"] = dict(transcripts_mapping)
        manifest = self.manifest()  # before the batches: they hold the connection's result
        return workspace.save_stream(
            name,
            tables.FrameStream(self.batches(), manifest),
            transcripts,
            settings,
            mapping,
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
        return self.con.sql(f"SELECT * FROM {ident(self.accepted)} LIMIT 0").to_arrow_table().schema


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
            return _validate_fast(con, path, kind, overrides, settings, progress)
        except Fallback as reason:
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
    con.execute(f"SET temp_directory = {lit(tempfile.gettempdir() + '/journey-duckdb')}")
    return con


def _fast_path_possible(kind: str, id_columns: Sequence[str], sheet: str | None) -> None:
    if kind not in ("events", "transcripts"):
        raise ValueError(f"unknown input kind {kind!r}: use 'events' or 'transcripts'")
    if id_columns:
        raise Fallback("identity stitching runs on the pandas path")
    if sheet is not None:
        raise Fallback("Excel sheets are read by the pandas path")


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
    from journey.io.load import load_file  # identity stitching and all readers: only here

    result, mapping = load_file(path, kind, overrides, settings, progress, id_columns, sheet)
    suffix = uuid.uuid4().hex
    accepted, rejects = f"accepted_{suffix}", f"rejects_{suffix}"
    accepted_arrow = pa.Table.from_pandas(result.accepted, preserve_index=False)
    rejects_arrow = pa.Table.from_pandas(result.rejects, preserve_index=False)
    con.register(accepted, accepted_arrow)
    con.register(f"{rejects}_frame", rejects_arrow)
    con.execute(f"CREATE TEMP TABLE {ident(rejects)} AS SELECT * FROM {ident(rejects + '_frame')}")
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


def _validate_fast(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    kind: str,
    overrides: Mapping[str, str] | None,
    settings: DatasetSettings,
    progress: ProgressFn | None,
) -> StreamResult:
    step(progress, 0.0, "reading")
    source, names = open_source(con, path)
    mapping = apply_overrides(propose_mapping(names, kind), overrides)  # as load.propose
    check_mapping(mapping, names, kind, source.display)
    column = dict(zip(names, source.names, strict=True))  # source name -> DuckDB's name
    check_text_columns(source, mapping, column)
    step(progress, 0.1, "checking rows")
    scanned = run(con, checks_sql(source, mapping, column, kind))
    n_rows = scanned.num_rows - source.skip
    if n_rows == 0:
        raise InputError(source.display, None, None, NO_DATA_ROWS)
    check_rows(source.display, n_rows)
    natives = native_values(source, mapping, column)
    rows = scanned.slice(source.skip)
    checked = apply_rules(rows, mapping, settings, natives, progress, kind)
    step(progress, 0.8, "counting duplicates")
    n_duplicates = duplicates(con, source, scanned.column("h").to_numpy()[source.skip :])
    del scanned, natives
    suffix = uuid.uuid4().hex
    parsed_name, accepted, rejects = f"parsed_{suffix}", f"accepted_{suffix}", f"rejects_{suffix}"
    parsed = with_skipped_rows(checked.parsed, source.skip)
    con.register(parsed_name, parsed)
    selected = accepted_select(source, mapping, column, names, kind)
    con.execute(
        f"CREATE TEMP VIEW {ident(accepted)} AS SELECT {selected.select()} FROM {source.scan()} "
        f"POSITIONAL JOIN {ident(parsed_name)} p WHERE p.keep"
    )
    checked_only = (
        f"FROM {ident(parsed_name)} p WHERE p.keep",
        {name: selected.exprs[name] for name in selected.checked},
    )
    rejects_arrow = pa.Table.from_pandas(checked.rejects, preserve_index=False)
    con.register(f"{rejects}_frame", rejects_arrow)
    con.execute(f"CREATE TEMP TABLE {ident(rejects)} AS SELECT * FROM {ident(rejects + '_frame')}")
    con.unregister(f"{rejects}_frame")
    step(progress, 1.0, "done")
    return StreamResult(
        con,
        accepted,
        rejects,
        selected.columns,
        n_rows,
        checked.n_rejected,
        n_duplicates,
        checked.rule,
        mapping,
        source.display,
        kind,
        None,
        [parsed],
        checked_only,
    )


__all__ = ["DUCKDB", "PANDAS", "StreamResult", "file_key", "validate_file"]
