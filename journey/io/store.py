"""Workspace persistence: datasets, their settings and models in one embedded DuckDB file.

Layout of the file (every name is ours; user text never becomes an identifier):

- journey_info: key/value pairs; `format` is the workspace format version.
- journey_datasets: the catalogue, one row per dataset: name, key, timestamps, counts, JSON of
  settings, mapping, meta and column manifests, and the names of its frame tables.
- journey_models: model payloads (bytes) per dataset id and model name.
- journey_scores, ja_scores_<hex>: stored sentiment scores per dataset and scorer
  (journey.io.scores).
- ja_events_<hex>, ja_transcripts_<hex>: one table per stored frame, named by a random uuid.

Every change runs in one DuckDB transaction, so a crash (or an exception) while saving leaves
the previous state: the old dataset intact and no half-written tables. A connection is opened
per operation and closed at its end, so several Streamlit sessions and processes share a file;
an operation waits up to `lock_timeout` seconds while another process holds the file.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
import unicodedata
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

import duckdb
import pandas as pd

from journey.errors import WorkspaceError
from journey.io import scores as stored_scores
from journey.io import serialise, tables
from journey.schema import CUSTOMER_ID, DatasetSettings

ENV_VAR: Final = "JOURNEY_WORKSPACE"
DEFAULT_DIR: Final = ".journey-atlas"
DEFAULT_FILE: Final = "workspace.duckdb"
FORMAT_VERSION: Final = 1
MAX_NAME_LENGTH: Final = 200
_LINE_OR_CONTROL: Final = ("Cc", "Zl", "Zp")  # tabs, newlines, NUL ... break lists and logs

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
# DuckDB shares one database instance per file among a process's connections and drops it when
# the last one closes: a connect racing another connect or that close fails with "Unique file
# handle conflict". Opening and closing (quick) take turns; the operations between run at once.
_OPEN_CLOSE = threading.Lock()


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
            for statement in (*_SCHEMA_SQL, *stored_scores.SCHEMA_SQL):
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
        encoded = _encode_dataset(name, events, transcripts, settings, mapping, meta or {})
        now = _now()
        with self._transaction(write=True) as con:
            old = _find(con, name)
            if old is not None and not overwrite:
                msg = f"a dataset named '{name}' already exists in {self.path}; choose another name"
                raise WorkspaceError(msg)
            values = [key, now, *encoded.counts, *_write_frames(con, encoded), *encoded.json]
            return _put_entry(con, name, old, values)

    def save_stream(
        self,
        name: str,
        events: tables.FrameStream,
        transcripts: pd.DataFrame | None,
        settings: DatasetSettings,
        mapping: Mapping[str, Mapping[str, str]],
        key: str,
        meta: Mapping[str, object] | None = None,
        overwrite: bool = False,
    ) -> DatasetInfo:
        """Store a dataset like `save`, its events streamed from Arrow record batches.

        The batches (e.g. `journey.io.stream.StreamResult.batches()`, read from DuckDB) go
        into the workspace table without a pandas copy; `events.columns_json` is the manifest
        `load` decodes them with. Counts are computed by SQL on the stored table.
        """
        name = _clean_name(name)
        if not isinstance(key, str):
            raise TypeError(f"key must be text, not {type(key).__name__}")
        empty = pd.DataFrame({CUSTOMER_ID: pd.Series([], dtype="str")})
        encoded = _encode_dataset(name, empty, transcripts, settings, mapping, meta or {})
        now = _now()
        with self._transaction(write=True) as con:
            old = _find(con, name)
            if old is not None and not overwrite:
                msg = f"a dataset named '{name}' already exists in {self.path}; choose another name"
                raise WorkspaceError(msg)
            events_table = tables.new_table_name("events")
            n_events, n_customers = tables.write_stream(con, events_table, events, CUSTOMER_ID)
            _, _, transcripts_table, transcripts_columns = _write_frames(con, encoded, events=False)
            counts = [n_events, encoded.counts[1], n_customers]
            frames = [events_table, events.columns_json, transcripts_table, transcripts_columns]
            return _put_entry(con, name, old, [key, now, *counts, *frames, *encoded.json])

    def load(self, name: str, *, frames: bool = True) -> StoredDataset:
        """Load a stored dataset: frames with their saved dtypes, settings, mapping, meta.

        With `frames=False` the events and transcripts are not read (events is an empty
        frame, transcripts None): for a caller that reads them from `export_events`' files.
        """
        name = _clean_name(name)
        with self._transaction() as con:
            entry = self._require(con, name)
            events = (
                tables.read_frame(con, entry.events_table, entry.events_columns)
                if frames
                else pd.DataFrame()
            )
            transcripts = (
                tables.read_frame(con, entry.transcripts_table, entry.transcripts_columns)
                if frames
                and entry.transcripts_table is not None
                and entry.transcripts_columns is not None
                else None
            )
        return StoredDataset(
            info=entry.info,
            events=events,
            transcripts=transcripts,
            settings=serialise.settings_from_json(entry.settings),
            mapping=serialise.mapping_from_json(entry.mapping, name),
            meta=serialise.json_object(entry.meta, f"meta of dataset '{name}'"),
        )

    def export_events(self, name: str, path: str | Path) -> Path:
        """Write a stored dataset's events (saved column names, `row` included) to Parquet.

        DuckDB streams the table to the file, so no pandas copy of the events is made; the
        file holds what `load(name).events` holds (timestamps as UTC instants, categories as
        text). The file is written beside `path` and renamed onto it, so a reader never sees
        half a file.
        """
        return self._export(name, "events", path)

    def export_transcripts(self, name: str, path: str | Path) -> Path | None:
        """Write a stored dataset's transcripts to Parquet; None when it has none."""
        return self._export(name, "transcripts", path)

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
            stored_scores.drop(con, entry.id)
            _drop_tables(con, entry)

    def save_settings(self, name: str, settings: DatasetSettings) -> None:
        """Replace a dataset's settings (phase overrides, team map, grouping rules ...)."""
        name = _clean_name(name)
        settings_json = serialise.settings_to_json(settings)
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

    # -- sentiment scores (journey.io.scores) --------------------------------------------
    def save_scores(self, name: str, scorer: str, frame: pd.DataFrame, model_key: str = "") -> None:
        """Store (or replace) a dataset's scored transcripts for `scorer` under `model_key`."""
        name, scorer = _clean_name(name), _clean_name(scorer, what="scorer name")
        encoded = stored_scores.encode(frame, name)
        with self._transaction(write=True) as con:
            entry = self._require(con, name)
            stored_scores.write(con, entry.id, entry.key, scorer, model_key, encoded, _now())

    def scores(self, name: str, scorer: str, model_key: str = "") -> pd.DataFrame | None:
        """A dataset's stored scores for `scorer`; None when missing or stale (other data/model)."""
        name, scorer = _clean_name(name), _clean_name(scorer, what="scorer name")
        with self._transaction() as con:
            entry = self._require(con, name)
            return stored_scores.read(con, entry.id, entry.key, scorer, model_key)

    def scores_of_rows(
        self, name: str, scorer: str, positions: Sequence[int], model_key: str = ""
    ) -> pd.DataFrame | None:
        """The stored scores' records of some transcript rows (0-based file positions)."""
        name, scorer = _clean_name(name), _clean_name(scorer, what="scorer name")
        with self._transaction() as con:
            entry = self._require(con, name)
            return stored_scores.read_positions(
                con, entry.id, entry.key, scorer, model_key, positions
            )

    def export_scores(
        self, name: str, scorer: str, path: str | Path, model_key: str = ""
    ) -> Path | None:
        """Write a dataset's current stored scores to Parquet (streamed); None when missing."""
        scorer = _clean_name(scorer, what="scorer name")
        return self._export(name, "scores", path, (scorer, model_key))

    def _export(
        self, name: str, kind: str, path: str | Path, scores: tuple[str, str] | None = None
    ) -> Path | None:
        name = _clean_name(name)
        target = Path(path).expanduser()
        partial = target.with_name(f".{target.name}.{uuid.uuid4().hex}.partial")
        with self._transaction() as con:
            entry = self._require(con, name)
            if scores is not None:
                found = stored_scores.table(con, entry.id, entry.key, *scores)
                table, manifest = found if found is not None else (None, None)
            else:
                table, manifest = (
                    (entry.events_table, entry.events_columns)
                    if kind == "events"
                    else (entry.transcripts_table, entry.transcripts_columns)
                )
            if table is None or manifest is None:
                return None
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                tables.write_parquet(con, table, manifest, partial)
                partial.replace(target)
            except (duckdb.IOException, OSError) as err:
                partial.unlink(missing_ok=True)
                msg = f"cannot write the {kind} of dataset '{name}' to {target}: {err}"
                raise WorkspaceError(msg) from err
        return target

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
                with _OPEN_CLOSE:
                    con.close()

    def _connect(self) -> duckdb.DuckDBPyConnection:
        """Open the file, waiting up to `lock_timeout` s while another process holds it."""
        deadline = time.monotonic() + self.lock_timeout
        delay = 0.02
        while True:
            try:
                with _OPEN_CLOSE:
                    con = duckdb.connect(str(self.path), config=dict(DUCKDB_CONFIG))
                # a session setting (not allowed in the config): our own progress shows (the
                # CLI's bar on stderr, the app's st.progress), never DuckDB's on stderr
                con.execute("SET enable_progress_bar = false")
                return con
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


# -- saving ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Encoded:
    """A dataset ready to store: frames as DuckDB will hold them, manifests, JSON, counts."""

    events: pd.DataFrame
    events_columns: str
    transcripts: pd.DataFrame | None
    transcripts_columns: str | None
    json: tuple[str, str, str]  # settings, mapping, meta
    counts: tuple[int, int, int]  # events, transcripts, customers


def _encode_dataset(
    name: str,
    events: pd.DataFrame,
    transcripts: pd.DataFrame | None,
    settings: DatasetSettings,
    mapping: Mapping[str, Mapping[str, str]],
    meta: Mapping[str, object],
) -> _Encoded:
    """Encode everything `Workspace.save` stores; raise on unstorable input."""
    events_db, events_columns = tables.encode_frame(events, name, "events")
    transcripts_db, transcripts_columns = (
        tables.encode_frame(transcripts, name, "transcripts")
        if transcripts is not None
        else (None, None)
    )
    json_texts = (
        serialise.settings_to_json(settings),
        serialise.mapping_to_json(mapping, name),
        serialise.meta_to_json(meta, name),
    )
    counts = (
        len(events),
        0 if transcripts is None else len(transcripts),
        int(events[CUSTOMER_ID].nunique()) if CUSTOMER_ID in events.columns else 0,
    )
    return _Encoded(
        events_db, events_columns, transcripts_db, transcripts_columns, json_texts, counts
    )


def _put_entry(
    con: duckdb.DuckDBPyConnection, name: str, old: _Entry | None, values: list[object]
) -> DatasetInfo:
    """Insert the catalogue entry of a new dataset, or point an existing one at new tables."""
    if old is None:
        con.execute(
            "INSERT INTO journey_datasets (id, name, created, key, updated, n_events, "
            "n_transcripts, n_customers, events_table, events_columns, "
            "transcripts_table, transcripts_columns, settings, mapping, meta) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [uuid.uuid4().hex, name, values[1], *values],
        )
    else:
        _replace_entry(con, old, values, str(values[0]))
    row = con.execute(_SELECT_INFO + " WHERE name = ?", [name]).fetchall()
    return _info_from_row(row[0])


def _write_frames(
    con: duckdb.DuckDBPyConnection, encoded: _Encoded, *, events: bool = True
) -> tuple[str, str, str | None, str | None]:
    """Write the frames to new tables; return (events table, manifest, transcripts ...)."""
    events_table = tables.new_table_name("events")
    if events:
        tables.write_frame(con, events_table, encoded.events)
    transcripts_table = None
    if encoded.transcripts is not None:
        transcripts_table = tables.new_table_name("transcripts")
        tables.write_frame(con, transcripts_table, encoded.transcripts)
    return events_table, encoded.events_columns, transcripts_table, encoded.transcripts_columns


def _replace_entry(
    con: duckdb.DuckDBPyConnection, old: _Entry, values: list[object], key: str
) -> None:
    """Point an existing entry at new tables, drop the old ones and models of other data."""
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
        stored_scores.drop(con, old.id)


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


def _drop_tables(con: duckdb.DuckDBPyConnection, entry: _Entry) -> None:
    for table in (entry.events_table, entry.transcripts_table):
        if table is not None:
            con.execute(f"DROP TABLE IF EXISTS {tables.quoted_table(table)}")
