"""Workspace persistence: datasets, their settings and models in one embedded DuckDB file.

Layout of the file (every name is ours; user text never becomes an identifier):

- journey_info: key/value pairs; `format` is the workspace format version.
- journey_datasets: the catalogue, one row per dataset: name, key, timestamps, counts, JSON of
  settings, mapping, meta and column manifests, and the names of its frame tables.
- journey_models: model payloads (bytes) per dataset id and model name.
- ja_events_<hex>, ja_transcripts_<hex>: one table per stored frame, named by a random uuid.

Every change runs in one DuckDB transaction, so a crash (or an exception) while saving leaves
the previous state: the old dataset intact and no half-written tables. A connection is opened
per operation and closed at its end, so several Streamlit sessions and processes share a file;
an operation waits up to `lock_timeout` seconds while another process holds the file.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import re
import threading
import time
import types
import unicodedata
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final, Union, get_args, get_origin, get_type_hints

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from journey.errors import WorkspaceError
from journey.schema import CUSTOMER_ID, DatasetSettings

ENV_VAR: Final = "JOURNEY_WORKSPACE"
DEFAULT_DIR: Final = ".journey-atlas"
DEFAULT_FILE: Final = "workspace.duckdb"
FORMAT_VERSION: Final = 1
MAX_NAME_LENGTH: Final = 200
_LINE_OR_CONTROL: Final = ("Cc", "Zl", "Zp")  # tabs, newlines, NUL ... break lists and logs

_VIEW: Final = "journey_incoming_frame"  # connection-local view over the frame being saved
_TABLE_NAME: Final = re.compile(r"ja_(events|transcripts)_[0-9a-f]{32}")
# Open the workspace file with exactly this config anywhere in the process (DuckDB refuses a
# second connection to an open file with another config). Without it, DuckDB tries to download
# the sqlite extension when pointed at a SQLite file.
DUCKDB_CONFIG: Final = MappingProxyType(
    {"autoload_known_extensions": False, "autoinstall_known_extensions": False}
)
_DUCKDB_MAGIC: Final = b"DUCK"  # bytes 8..11 of every DuckDB database file
# Errors that come from the file or the machine (disk full, lock, conflicting writer), not from
# a bug in our SQL: these become WorkspaceError; everything else is a bug and propagates.
_ENVIRONMENT_ERRORS: Final = (
    duckdb.IOException,
    duckdb.TransactionException,
    duckdb.OutOfMemoryException,
    duckdb.PermissionException,
)

_SCHEMA_SQL: Final = (
    "CREATE TABLE IF NOT EXISTS journey_info (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)",
    """CREATE TABLE IF NOT EXISTS journey_datasets (
        id VARCHAR PRIMARY KEY,
        name VARCHAR NOT NULL UNIQUE,
        key VARCHAR NOT NULL,
        created TIMESTAMP NOT NULL,
        updated TIMESTAMP NOT NULL,
        n_events BIGINT NOT NULL,
        n_transcripts BIGINT NOT NULL,
        n_customers BIGINT NOT NULL,
        events_table VARCHAR NOT NULL,
        events_columns VARCHAR NOT NULL,
        transcripts_table VARCHAR,
        transcripts_columns VARCHAR,
        settings VARCHAR NOT NULL,
        mapping VARCHAR NOT NULL,
        meta VARCHAR NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS journey_models (
        dataset_id VARCHAR NOT NULL,
        model VARCHAR NOT NULL,
        payload BLOB NOT NULL,
        updated TIMESTAMP NOT NULL
    )""",
)

# One writer at a time per file inside this process (Streamlit sessions are threads); other
# processes are kept out by DuckDB's own file lock.
_WRITE_LOCKS: dict[str, threading.Lock] = {}
_WRITE_LOCKS_GUARD = threading.Lock()


def default_workspace_path() -> Path:
    """Return $JOURNEY_WORKSPACE if set and not empty, else ~/.journey-atlas/workspace.duckdb."""
    configured = os.environ.get(ENV_VAR, "").strip()
    if configured:
        return Path(configured).expanduser()
    return Path.home() / DEFAULT_DIR / DEFAULT_FILE


@dataclass(frozen=True)
class DatasetInfo:
    """Catalogue entry of a stored dataset; timestamps are UTC."""

    name: str
    key: str
    created: pd.Timestamp
    updated: pd.Timestamp
    n_events: int
    n_transcripts: int
    n_customers: int


@dataclass(frozen=True)
class StoredDataset:
    """A dataset as loaded from the workspace: frames, settings, column mapping and meta."""

    info: DatasetInfo
    events: pd.DataFrame
    transcripts: pd.DataFrame | None
    settings: DatasetSettings
    mapping: dict[str, dict[str, str]]  # {"events": {source: canonical}, "transcripts": {...}}
    meta: dict[str, object]  # validation summary etc., as JSON gives it back (lists, not tuples)


class Workspace:
    """An embedded DuckDB workspace file holding datasets, their settings and models."""

    def __init__(self, path: Path | None = None, *, lock_timeout: float = 10.0) -> None:
        self.path = Path(path).expanduser() if path is not None else default_workspace_path()
        self.lock_timeout = lock_timeout
        if self.path.is_dir():
            raise WorkspaceError(f"workspace {self.path} is a folder, not a workspace file")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            msg = f"cannot create the folder of workspace {self.path}: {err.strerror or err}"
            raise WorkspaceError(msg) from err
        _check_magic(self.path)
        with self._transaction(write=True) as con:
            for statement in _SCHEMA_SQL:
                con.execute(statement)
            rows = con.execute("SELECT value FROM journey_info WHERE key = 'format'").fetchall()
            if not rows:
                con.execute("INSERT INTO journey_info VALUES ('format', ?)", [str(FORMAT_VERSION)])
            elif not rows[0][0].isdigit() or int(rows[0][0]) > FORMAT_VERSION:
                msg = (
                    f"workspace {self.path} has format {rows[0][0]}, newer than this version of "
                    f"Journey Atlas reads ({FORMAT_VERSION}); upgrade Journey Atlas"
                )
                raise WorkspaceError(msg)

    def __repr__(self) -> str:
        return f"Workspace({str(self.path)!r})"

    # -- datasets ----------------------------------------------------------------------
    def list_datasets(self) -> list[DatasetInfo]:
        """Return every dataset's catalogue entry, by name (case-insensitive, then exact)."""
        with self._transaction() as con:
            rows = con.execute(_SELECT_INFO).fetchall()
        infos = [_info_from_row(row) for row in rows]
        return sorted(infos, key=lambda info: (info.name.casefold(), info.name))

    def exists(self, name: str) -> bool:
        """Tell whether a dataset of this name is stored."""
        name = _clean_name(name)
        with self._transaction() as con:
            return _find(con, name) is not None

    def save(
        self,
        name: str,
        events: pd.DataFrame,
        transcripts: pd.DataFrame | None,
        settings: DatasetSettings,
        mapping: Mapping[str, Mapping[str, str]],
        key: str,
        meta: Mapping[str, object] | None = None,
        overwrite: bool = False,
    ) -> DatasetInfo:
        """Store a dataset atomically; with `overwrite`, replace one of the same name.

        The frames' index is not stored (loading gives a RangeIndex); columns, their order,
        dtypes and missing values are. Overwriting keeps `created`, and keeps the dataset's
        models only when `key` is unchanged (models trained on other data would be stale).
        """
        name = _clean_name(name)
        if not isinstance(key, str):
            raise TypeError(f"key must be text, not {type(key).__name__}")
        # Everything that can fail on the inputs fails here, before the file is touched.
        events_db, events_columns = _encode_frame(events, name, "events")
        transcripts_db, transcripts_columns = (
            _encode_frame(transcripts, name, "transcripts")
            if transcripts is not None
            else (None, None)
        )
        settings_json = settings_to_json(settings)
        mapping_json = _mapping_to_json(mapping, name)
        meta_json = _meta_to_json(meta or {}, name)
        counts = (
            len(events),
            0 if transcripts is None else len(transcripts),
            int(events[CUSTOMER_ID].nunique()) if CUSTOMER_ID in events.columns else 0,
        )
        now = _now()
        with self._transaction(write=True) as con:
            old = _find(con, name)
            if old is not None and not overwrite:
                msg = f"a dataset named '{name}' already exists in {self.path}; choose another name"
                raise WorkspaceError(msg)
            events_table = _new_table_name("events")
            _write_table(con, events_table, events_db)
            transcripts_table = None
            if transcripts_db is not None:
                transcripts_table = _new_table_name("transcripts")
                _write_table(con, transcripts_table, transcripts_db)
            values = [
                key,
                now,
                *counts,
                events_table,
                events_columns,
                transcripts_table,
                transcripts_columns,
                settings_json,
                mapping_json,
                meta_json,
            ]
            if old is None:
                con.execute(
                    "INSERT INTO journey_datasets (id, name, created, key, updated, n_events, "
                    "n_transcripts, n_customers, events_table, events_columns, "
                    "transcripts_table, transcripts_columns, settings, mapping, meta) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [uuid.uuid4().hex, name, now, *values],
                )
            else:
                con.execute(
                    "UPDATE journey_datasets SET key = ?, updated = ?, n_events = ?, "
                    "n_transcripts = ?, n_customers = ?, events_table = ?, events_columns = ?, "
                    "transcripts_table = ?, transcripts_columns = ?, settings = ?, mapping = ?, "
                    "meta = ? WHERE id = ?",
                    [*values, old.id],
                )
                _drop_tables(con, old)
                if old.key != key:
                    con.execute("DELETE FROM journey_models WHERE dataset_id = ?", [old.id])
            row = con.execute(_SELECT_INFO + " WHERE name = ?", [name]).fetchall()
        return _info_from_row(row[0])

    def load(self, name: str) -> StoredDataset:
        """Load a stored dataset: frames with their saved dtypes, settings, mapping, meta."""
        name = _clean_name(name)
        with self._transaction() as con:
            entry = self._require(con, name)
            events = _read_table(con, entry.events_table, entry.events_columns)
            transcripts = (
                _read_table(con, entry.transcripts_table, entry.transcripts_columns)
                if entry.transcripts_table is not None and entry.transcripts_columns is not None
                else None
            )
        return StoredDataset(
            info=entry.info,
            events=events,
            transcripts=transcripts,
            settings=settings_from_json(entry.settings),
            mapping=_mapping_from_json(entry.mapping, name),
            meta=_json_object(entry.meta, f"meta of dataset '{name}'"),
        )

    def rename(self, old: str, new: str) -> None:
        """Rename a dataset; its frames, settings and models follow it."""
        old, new = _clean_name(old), _clean_name(new)
        with self._transaction(write=True) as con:
            entry = self._require(con, old)
            if new == old:
                return
            if _find(con, new) is not None:
                msg = f"cannot rename '{old}' to '{new}': a dataset named '{new}' already exists"
                raise WorkspaceError(msg)
            con.execute(
                "UPDATE journey_datasets SET name = ?, updated = ? WHERE id = ?",
                [new, _now(), entry.id],
            )

    def delete(self, name: str) -> None:
        """Delete a dataset with its frames and models."""
        name = _clean_name(name)
        with self._transaction(write=True) as con:
            entry = self._require(con, name)
            con.execute("DELETE FROM journey_datasets WHERE id = ?", [entry.id])
            con.execute("DELETE FROM journey_models WHERE dataset_id = ?", [entry.id])
            _drop_tables(con, entry)

    def save_settings(self, name: str, settings: DatasetSettings) -> None:
        """Replace a dataset's settings (phase overrides, team map, grouping rules ...)."""
        name = _clean_name(name)
        settings_json = settings_to_json(settings)
        with self._transaction(write=True) as con:
            entry = self._require(con, name)
            con.execute(
                "UPDATE journey_datasets SET settings = ?, updated = ? WHERE id = ?",
                [settings_json, _now(), entry.id],
            )

    # -- models ------------------------------------------------------------------------
    def save_model(self, name: str, model_name: str, payload: bytes) -> None:
        """Store (or replace) a model's bytes under a dataset."""
        name, model_name = _clean_name(name), _clean_name(model_name, what="model name")
        if not isinstance(payload, bytes | bytearray | memoryview):
            msg = f"model payload must be bytes, not {type(payload).__name__}"
            raise TypeError(msg)
        with self._transaction(write=True) as con:
            entry = self._require(con, name)
            con.execute(
                "DELETE FROM journey_models WHERE dataset_id = ? AND model = ?",
                [entry.id, model_name],
            )
            con.execute(
                "INSERT INTO journey_models VALUES (?, ?, ?, ?)",
                [entry.id, model_name, bytes(payload), _now()],
            )

    def load_model(self, name: str, model_name: str) -> bytes | None:
        """Return a model's bytes, or None when the dataset has no model of that name."""
        name, model_name = _clean_name(name), _clean_name(model_name, what="model name")
        with self._transaction() as con:
            entry = self._require(con, name)
            rows = con.execute(
                "SELECT payload FROM journey_models WHERE dataset_id = ? AND model = ?",
                [entry.id, model_name],
            ).fetchall()
        return bytes(rows[0][0]) if rows else None

    def list_models(self, name: str) -> list[str]:
        """Return the names of a dataset's models, sorted."""
        name = _clean_name(name)
        with self._transaction() as con:
            entry = self._require(con, name)
            rows = con.execute(
                "SELECT model FROM journey_models WHERE dataset_id = ?", [entry.id]
            ).fetchall()
        return sorted(row[0] for row in rows)

    # -- plumbing ----------------------------------------------------------------------
    def _require(self, con: duckdb.DuckDBPyConnection, name: str) -> _Entry:
        entry = _find(con, name)
        if entry is None:
            msg = f"no dataset named '{name}' in workspace {self.path}"
            raise WorkspaceError(msg)
        return entry

    @contextlib.contextmanager
    def _transaction(self, write: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """Open a connection, run the block in one transaction, commit, close."""
        lock = _write_lock(self.path) if write else contextlib.nullcontext()
        with lock:
            con = self._connect()
            try:
                con.execute("BEGIN TRANSACTION")
                try:
                    yield con
                except BaseException:
                    # BaseException: a KeyboardInterrupt mid-save must roll back too.
                    con.execute("ROLLBACK")
                    raise
                con.execute("COMMIT")
            except _ENVIRONMENT_ERRORS as err:
                msg = f"workspace {self.path}: the operation failed and was undone: {err}"
                raise WorkspaceError(msg) from err
            finally:
                con.close()

    def _connect(self) -> duckdb.DuckDBPyConnection:
        """Open the file, waiting up to `lock_timeout` s while another process holds it."""
        deadline = time.monotonic() + self.lock_timeout
        delay = 0.02
        while True:
            try:
                return duckdb.connect(str(self.path), config=dict(DUCKDB_CONFIG))
            except duckdb.IOException as err:
                if "lock" not in str(err).lower():
                    raise _unreadable(self.path, err) from err
                if time.monotonic() >= deadline:
                    msg = (
                        f"workspace {self.path} is in use by another program (waited "
                        f"{self.lock_timeout:g} s); close it or set {ENV_VAR} to another file. "
                        f"DuckDB says: {err}"
                    )
                    raise WorkspaceError(msg) from err
                time.sleep(delay)
                delay = min(delay * 2, 0.25)
            except duckdb.Error as err:
                raise _unreadable(self.path, err) from err


# -- catalogue rows -------------------------------------------------------------------------
_SELECT_INFO: Final = (
    "SELECT name, key, created, updated, n_events, n_transcripts, n_customers FROM journey_datasets"
)
_SELECT_ENTRY_BY_NAME: Final = (
    "SELECT name, key, created, updated, n_events, n_transcripts, n_customers, id, "
    "events_table, events_columns, transcripts_table, transcripts_columns, settings, mapping, "
    "meta FROM journey_datasets WHERE name = ?"
)


@dataclass(frozen=True)
class _Entry:
    """A full catalogue row."""

    info: DatasetInfo
    id: str
    events_table: str
    events_columns: str
    transcripts_table: str | None
    transcripts_columns: str | None
    settings: str
    mapping: str
    meta: str

    @property
    def key(self) -> str:
        """The dataset's key (fingerprint) as stored."""
        return self.info.key


def _info_from_row(row: tuple[Any, ...]) -> DatasetInfo:
    name, key, created, updated, n_events, n_transcripts, n_customers = row[:7]
    return DatasetInfo(
        name=name,
        key=key,
        created=pd.Timestamp(created).tz_localize("UTC"),
        updated=pd.Timestamp(updated).tz_localize("UTC"),
        n_events=int(n_events),
        n_transcripts=int(n_transcripts),
        n_customers=int(n_customers),
    )


def _find(con: duckdb.DuckDBPyConnection, name: str) -> _Entry | None:
    rows = con.execute(
        _SELECT_ENTRY_BY_NAME,
        [name],
    ).fetchall()
    if not rows:
        return None
    row = rows[0]
    return _Entry(_info_from_row(row), *row[7:])


def _now() -> datetime:
    """Return the current UTC time as a naive datetime (the catalogue stores UTC)."""
    return pd.Timestamp.now(tz="UTC").tz_localize(None).as_unit("us").to_pydatetime()


def _clean_name(name: str, what: str = "dataset name") -> str:
    """Strip a user-given name and check it is usable; raise WorkspaceError if not."""
    if not isinstance(name, str):
        raise WorkspaceError(f"a {what} must be text, not {type(name).__name__}")
    cleaned = name.strip()
    if not cleaned:
        raise WorkspaceError(f"a {what} cannot be empty or blank")
    if len(cleaned) > MAX_NAME_LENGTH:
        msg = f"{what} '{cleaned[:40]}...' is too long ({len(cleaned)} > {MAX_NAME_LENGTH})"
        raise WorkspaceError(msg)
    if any(unicodedata.category(char) in _LINE_OR_CONTROL for char in cleaned):
        raise WorkspaceError(f"{what} {cleaned!r} contains control characters (tab, newline...)")
    return cleaned


# -- the file -------------------------------------------------------------------------------
def _write_lock(path: Path) -> threading.Lock:
    key = str(path.resolve())
    with _WRITE_LOCKS_GUARD:
        return _WRITE_LOCKS.setdefault(key, threading.Lock())


def _check_magic(path: Path) -> None:
    """Refuse a file that exists but is not a DuckDB database (before DuckDB opens it)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(12)
    except FileNotFoundError:
        return
    except OSError as err:
        raise WorkspaceError(f"cannot read workspace {path}: {err.strerror or err}") from err
    if head[8:12] != _DUCKDB_MAGIC:
        msg = (
            f"{path} is not a Journey Atlas workspace (not a DuckDB database file); "
            f"point {ENV_VAR} at another file"
        )
        raise WorkspaceError(msg)


def _unreadable(path: Path, err: duckdb.Error) -> WorkspaceError:
    return WorkspaceError(f"cannot open workspace {path}: {err}")


# -- frames <-> tables -----------------------------------------------------------------------
def _new_table_name(kind: str) -> str:
    return f"ja_{kind}_{uuid.uuid4().hex}"


def _quoted_table(table: str) -> str:
    """Quote a table name we generated; anything else is refused."""
    if not _TABLE_NAME.fullmatch(table):
        msg = f"workspace catalogue names an unexpected table {table!r}; the file is damaged"
        raise WorkspaceError(msg)
    return f'"{table}"'


def _write_table(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    """Create `table` holding `frame` (within the caller's transaction)."""
    # An Arrow view of the frame (zero-copy for pandas' Arrow-backed text) scans about twice as
    # fast as the pandas scan; pandas' NaN in float columns becomes NULL, as in that scan.
    con.register(_VIEW, pa.Table.from_pandas(frame, preserve_index=False))
    try:
        # Safe: the table name is generated by _new_table_name and checked by _quoted_table.
        con.execute(f"CREATE TABLE {_quoted_table(table)} AS SELECT * FROM {_VIEW}")  # noqa: S608
    finally:
        con.unregister(_VIEW)


def _read_table(con: duckdb.DuckDBPyConnection, table: str, columns_json: str) -> pd.DataFrame:
    """Read a stored frame back with the column names and dtypes it was saved with."""
    specs = json.loads(columns_json)
    # Safe: the table name comes from our catalogue and must match _TABLE_NAME.
    arrow = con.sql(f"SELECT * FROM {_quoted_table(table)}").to_arrow_table()  # noqa: S608
    if arrow.num_columns != len(specs):
        msg = f"table {table} has {arrow.num_columns} columns, its manifest {len(specs)}"
        raise WorkspaceError(msg)
    # Nullable integer/bool dtypes first: a detour through float64 would round big integers.
    frame = arrow.to_pandas(types_mapper=_nullable_dtype)
    for i, spec in enumerate(specs):
        column = frame.iloc[:, i]
        decoded = _decode_column(column, spec)
        if decoded is not column:
            frame.isetitem(i, decoded)
    frame.columns = [spec["name"] for spec in specs]
    return frame


def _nullable_dtype(arrow_type: pa.DataType) -> Any:
    if pa.types.is_boolean(arrow_type):
        return pd.BooleanDtype()
    if pa.types.is_integer(arrow_type):
        return pd.api.types.pandas_dtype(
            str(arrow_type).replace("int", "Int").replace("uInt", "UInt")
        )
    return None


def _encode_frame(frame: pd.DataFrame, name: str, what: str) -> tuple[pd.DataFrame, str]:
    """Return the frame DuckDB will store and the JSON manifest of its columns."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{what} must be a pandas DataFrame, not {type(frame).__name__}")
    where = f"dataset '{name}', {what}"
    if frame.shape[1] == 0:
        raise WorkspaceError(f"{where}: the frame has no columns")
    names = list(frame.columns)
    bad = [c for c in names if not isinstance(c, str)]
    if bad:
        raise WorkspaceError(f"{where}: column names must be text, got {bad[0]!r}")
    if len(set(names)) != len(names):
        dupes = sorted({c for c in names if names.count(c) > 1})
        raise WorkspaceError(f"{where}: duplicate column names {dupes}")
    columns = {}
    specs = []
    for i, column in enumerate(names):
        stored, spec = _encode_column(frame.iloc[:, i], f"{where}, column '{column}'")
        columns[i] = stored
        specs.append({"name": column, **spec})
    # DuckDB renames columns that differ only in case ("A" beside "a" becomes "A_1"); the
    # manifest keeps the real names and order, and loading restores them by position.
    stored_frame = pd.DataFrame(columns).set_axis(names, axis=1)
    return stored_frame, json.dumps(specs, ensure_ascii=False)


def _dtype_spec(dtype: Any, where: str) -> dict[str, Any]:
    """Describe a dtype in JSON so that `_spec_dtype` rebuilds exactly the same dtype."""
    if isinstance(dtype, pd.StringDtype):
        na = "nan" if dtype.na_value is np.nan else "NA"
        return {"kind": "string", "storage": dtype.storage, "na": na}
    if isinstance(dtype, pd.CategoricalDtype):
        categories = dtype.categories
        if pd.api.types.infer_dtype(categories, skipna=True) not in ("string", "empty"):
            raise WorkspaceError(f"{where}: only categories of text can be stored")
        return {
            "kind": "category",
            "categories": [str(c) for c in categories],
            "categories_dtype": _dtype_spec(categories.dtype, where),
            "ordered": bool(dtype.ordered),
        }
    if dtype == np.dtype(object):
        return {"kind": "object"}
    supported = (
        pd.api.types.is_bool_dtype(dtype)
        or pd.api.types.is_integer_dtype(dtype)
        or pd.api.types.is_float_dtype(dtype)
        or pd.api.types.is_datetime64_any_dtype(dtype)
    ) and not isinstance(dtype, pd.ArrowDtype | pd.SparseDtype)
    if not supported:
        raise WorkspaceError(f"{where}: dtype {dtype} cannot be stored in the workspace")
    return {"kind": "plain", "dtype": str(dtype)}


def _spec_dtype(spec: Mapping[str, Any]) -> Any:
    kind = spec["kind"]
    if kind == "string":
        return pd.StringDtype(spec["storage"], na_value=np.nan if spec["na"] == "nan" else pd.NA)
    if kind == "category":
        categories = pd.Index(spec["categories"], dtype=_spec_dtype(spec["categories_dtype"]))
        return pd.CategoricalDtype(categories, ordered=spec["ordered"])
    if kind == "object":
        return np.dtype(object)
    return pd.api.types.pandas_dtype(spec["dtype"])


def _encode_column(series: pd.Series, where: str) -> tuple[pd.Series, dict[str, Any]]:
    spec = _dtype_spec(series.dtype, where)
    if spec["kind"] == "category":
        return series.astype(series.cat.categories.dtype), spec
    if spec["kind"] == "object":
        if pd.api.types.infer_dtype(series, skipna=True) not in ("string", "empty"):
            raise WorkspaceError(f"{where}: holds a mix of text and other values; cannot store")
        return series.astype(pd.StringDtype("python", na_value=np.nan)), spec
    return series, spec


def _decode_column(series: pd.Series, spec: Mapping[str, Any]) -> pd.Series:
    dtype = _spec_dtype(spec)
    if spec["kind"] != "object" and series.dtype == dtype:
        return series
    if spec["kind"] == "object":
        return series.astype(object).where(series.notna(), None)
    if spec["kind"] == "string":
        # DuckDB hands text back as str; convert the missing marker with the dtype.
        return series.astype(object).where(series.notna(), dtype.na_value).astype(dtype)
    return series.astype(dtype)


def _drop_tables(con: duckdb.DuckDBPyConnection, entry: _Entry) -> None:
    for table in (entry.events_table, entry.transcripts_table):
        if table is not None:
            con.execute(f"DROP TABLE IF EXISTS {_quoted_table(table)}")


# -- JSON: settings, mapping, meta -----------------------------------------------------------
def settings_to_json(settings: DatasetSettings) -> str:
    """Serialise DatasetSettings to JSON (tuples become lists, rules become objects)."""
    if not isinstance(settings, DatasetSettings):
        raise TypeError(f"settings must be DatasetSettings, not {type(settings).__name__}")
    return json.dumps(dataclasses.asdict(settings), ensure_ascii=False, sort_keys=True)


def settings_from_json(text: str) -> DatasetSettings:
    """Rebuild DatasetSettings from `settings_to_json` output; unknown keys are ignored."""
    data = _json_object(text, "dataset settings")
    return _from_json_value(DatasetSettings, data, "settings")


def _from_json_value(tp: Any, value: Any, where: str) -> Any:
    """Convert a JSON value to type `tp` (dataclass, tuple[X, ...], dict, union, scalar)."""
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise WorkspaceError(f"{where}: expected an object, got {value!r}")
        hints = get_type_hints(tp)
        known = {f.name for f in dataclasses.fields(tp)}
        kwargs = {
            k: _from_json_value(hints[k], v, f"{where}.{k}") for k, v in value.items() if k in known
        }
        return tp(**kwargs)
    origin, args = get_origin(tp), get_args(tp)
    if origin is Union or origin is types.UnionType:
        if value is None and type(None) in args:
            return None
        options = [a for a in args if a is not type(None)]
        return _from_json_value(options[0], value, where)
    if origin is tuple:
        if not isinstance(value, list):
            raise WorkspaceError(f"{where}: expected a list, got {value!r}")
        return tuple(
            _from_json_value(args[0], item, f"{where}[{i}]") for i, item in enumerate(value)
        )
    if origin is dict:
        if not isinstance(value, dict):
            raise WorkspaceError(f"{where}: expected an object, got {value!r}")
        return {k: _from_json_value(args[1], v, f"{where}.{k}") for k, v in value.items()}
    if tp is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    # bool is an int in Python: check it explicitly so that 1 is not read as True.
    if isinstance(tp, type) and (
        not isinstance(value, tp) or (tp is int and isinstance(value, bool))
    ):
        raise WorkspaceError(f"{where}: expected {tp.__name__}, got {value!r}")
    return value


def _json_object(text: str, what: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, TypeError) as err:
        raise WorkspaceError(f"{what}: not valid JSON ({err})") from err
    if not isinstance(data, dict):
        raise WorkspaceError(f"{what}: expected a JSON object")
    return data


def _mapping_to_json(mapping: Mapping[str, Mapping[str, str]], name: str) -> str:
    plain: dict[str, dict[str, str]] = {}
    for kind, columns in mapping.items():
        if not isinstance(kind, str) or not isinstance(columns, Mapping):
            msg = f"dataset '{name}': the mapping must be {{kind: {{source: canonical}}}}"
            raise WorkspaceError(msg)
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in columns.items()):
            raise WorkspaceError(f"dataset '{name}': the {kind} mapping must map text to text")
        plain[kind] = dict(columns)
    return json.dumps(plain, ensure_ascii=False)


def _mapping_from_json(text: str, name: str) -> dict[str, dict[str, str]]:
    data = _json_object(text, f"column mapping of dataset '{name}'")
    return {kind: dict(columns) for kind, columns in data.items()}


def _meta_to_json(meta: Mapping[str, object], name: str) -> str:
    def default(value: object) -> object:
        if isinstance(value, np.generic):
            return value.item()
        if isinstance(value, datetime | date):  # pd.Timestamp is a datetime
            return value.isoformat()
        if isinstance(value, set | frozenset):
            return sorted(value, key=str)
        if isinstance(value, Path):
            return str(value)
        msg = f"dataset '{name}': meta value of type {type(value).__name__} cannot be stored"
        raise WorkspaceError(msg)

    if not all(isinstance(k, str) for k in meta):
        raise WorkspaceError(f"dataset '{name}': meta keys must be text")
    return json.dumps(dict(meta), ensure_ascii=False, default=default)
