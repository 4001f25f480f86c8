"""A dataset's Parquet files beside the workspace, and the DuckDB that reads them.

A dataset is opened as files, not frames: its accepted events (and transcripts) exported once
per data, and its prepared events (grouping rules, team table, phases: `prepare`) written
once per data and settings, all in `<workspace folder>/cache/`, written atomically (a
partial file renamed into place) and reused by every process. The app (ui/handle.py) queries
views over them; `python -m journey load` calls `warm` so the app's first open is fast.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import uuid
from pathlib import Path
from typing import Final

import duckdb
import pandas as pd

from journey.errors import SettingsError, WorkspaceError
from journey.io import store
from journey.io.serialise import settings_to_json
from journey.query.engine import attribution, flows, ordered, prepare
from journey.query.engine.runner import MEMORY_ENV, DuckDBRunner
from journey.query.engine.sql import ident, lit
from journey.schema import CUSTOMER_ID, LEVELS, ROW, TIMESTAMP, DatasetSettings, ProgressFn

CACHE_FOLDER: Final = "cache"
APP_MEMORY_LIMIT: Final = "2GB"  # the app's DuckDB, unless JOURNEY_MEMORY_LIMIT says otherwise


def cache_dir() -> Path:
    """The folder holding the datasets' Parquet files: `cache/` beside the workspace file.

    When that folder cannot be made or written (the app then works without a workspace too),
    a folder in the system's temporary directory serves instead.
    """
    folder = store.default_workspace_path().expanduser().parent / CACHE_FOLDER
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        folder = Path(tempfile.gettempdir()) / "journey-atlas-cache"
        folder.mkdir(parents=True, exist_ok=True)
    if not os.access(folder, os.W_OK):
        folder = Path(tempfile.gettempdir()) / "journey-atlas-cache"
        folder.mkdir(parents=True, exist_ok=True)
    return folder


def digest(text: str) -> str:
    """A short stable digest naming a file or view (hex, 24 characters)."""
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def raw_events_path(fingerprint: str) -> Path:
    """Where the accepted events of the data named `fingerprint` are kept as Parquet."""
    return cache_dir() / f"events-{digest(fingerprint)}.parquet"


def raw_transcripts_path(fingerprint: str) -> Path:
    """Where the transcripts of the data named `fingerprint` are kept as Parquet."""
    return cache_dir() / f"transcripts-{digest(fingerprint)}.parquet"


def scores_path(fingerprint: str, scorer: str, model_key: str) -> Path:
    """Where the stored sentiment scores of data `fingerprint` by `scorer` are kept as Parquet."""
    return cache_dir() / f"scores-{digest(f'{fingerprint}:{scorer}:{model_key}')}.parquet"


def prepared_path(dataset_key: str) -> Path:
    """Where the prepared events of dataset `key` (data + settings) are kept as Parquet."""
    return cache_dir() / f"prepared-{digest(dataset_key)}.parquet"


def open_engine() -> DuckDBRunner:
    """A new in-memory DuckDB (the app keeps one per process) reading instants in UTC.

    Its memory is capped (JOURNEY_MEMORY_LIMIT, else APP_MEMORY_LIMIT; DuckDB spills to disk
    beyond it), so one big query cannot take the server's memory from every session.
    """
    runner = DuckDBRunner()
    runner.con.execute("SET TimeZone = 'UTC'")
    if not os.environ.get(MEMORY_ENV, "").strip():
        runner.con.execute(f"SET memory_limit = {lit(APP_MEMORY_LIMIT)}")
    return runner


def partial_path(path: Path) -> Path:
    """A fresh name beside `path` to write to before renaming onto it."""
    return path.with_name(f".{path.name}.{uuid.uuid4().hex}.partial")


def copy_to_parquet(runner: DuckDBRunner, select: str, path: Path) -> Path:
    """Write a query's rows to Parquet atomically (written beside `path`, then renamed)."""
    partial = partial_path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        runner.con.execute(
            f"COPY ({select}) TO {lit(str(partial))} (FORMAT parquet, COMPRESSION zstd)"
        )
        partial.replace(path)
    except (duckdb.IOException, OSError) as err:
        partial.unlink(missing_ok=True)
        raise WorkspaceError(f"cannot write the app's data cache {path}: {err}") from err
    return path


def frame_to_parquet(runner: DuckDBRunner, frame: pd.DataFrame, path: Path) -> Path:
    """Write a pandas frame (an upload's accepted rows) to Parquet atomically."""
    name = f"incoming_{uuid.uuid4().hex}"
    cursor = runner.cursor()
    cursor.con.register(name, frame)
    try:
        return copy_to_parquet(cursor, f"SELECT * FROM {ident(name)}", path)
    finally:
        cursor.con.unregister(name)


def export_stored(workspace: store.Workspace, name: str, fingerprint: str) -> tuple[Path, bool]:
    """Export a stored dataset's events (and transcripts) to the cache, once per data.

    Returns the events file and whether a transcripts file exists.
    """
    events = raw_events_path(fingerprint)
    transcripts = raw_transcripts_path(fingerprint)
    if not events.exists():
        workspace.export_events(name, events)
    has_transcripts = transcripts.exists()
    if not has_transcripts:
        has_transcripts = workspace.export_transcripts(name, transcripts) is not None
    return events, has_transcripts


def export_scores(
    workspace: store.Workspace, name: str, fingerprint: str, scorer: str, model_key: str
) -> Path | None:
    """Export a stored dataset's scores (of `scorer`, `model_key`) to the cache, once per data.

    None when the workspace holds no current scores for them (score the dataset first).
    """
    path = scores_path(fingerprint, scorer, model_key)
    if path.exists():
        return path
    return workspace.export_scores(name, scorer, path, model_key)


def columns_of(runner: DuckDBRunner, path: Path) -> tuple[str, ...]:
    """The column names of a Parquet file."""
    found = runner.frame(f"DESCRIBE SELECT * FROM read_parquet({lit(str(path))})")
    return tuple(str(c) for c in found["column_name"])


def prepare_file(runner: DuckDBRunner, raw: Path, settings: DatasetSettings, out: Path) -> Path:
    """Write the prepared events of the accepted events in `raw` to `out` (relation contract).

    The engine prepares them in SQL (`engine.prepare`) and DuckDB streams them to the file:
    no pandas copy of the events is made.
    """
    if out.exists():
        return out
    cursor = runner.cursor()
    source = parquet_view(runner, raw)
    name = f"prepare_{uuid.uuid4().hex}"
    prepare.prepare(cursor, source, settings, name, materialise=False)
    # in path order: a customer's events sit together, so a point query reads few row groups
    order = ", ".join(ident(c) for c in (CUSTOMER_ID, TIMESTAMP, ROW))
    try:
        return copy_to_parquet(cursor, f"SELECT * FROM {ident(name)} ORDER BY {order}", out)
    finally:
        cursor.drop(name)


DEFAULT_SCORER: Final = "default"  # journey.sentiment.stored.DEFAULT (tests hold them equal)
PATH_FORMAT: Final = 2  # bump when the path or touches tables' columns or meaning change


def path_file_path(view: str, level: str, keep_repeats: bool) -> Path:
    """Where the path table (with phase) of the shared view `view` is kept as Parquet."""
    key = repr((PATH_FORMAT, view, level, keep_repeats))
    return cache_dir() / f"paths-{digest(key)}.parquet"


def path_file(runner: DuckDBRunner, view: str, level: str, keep_repeats: bool) -> Path:
    """Write a view's path table (`flows.path_select`, with the phase) once; return the file.

    The map pages read it instead of sorting every event again: a view's name says which data,
    settings and filters it holds, so the file serves every session, setting change (steps,
    top-K, end nodes) and restart until the data or settings change.
    """
    out = path_file_path(view, level, keep_repeats)
    if out.exists():
        return out
    select = flows.path_select(runner, view, level, keep_repeats, phase=True)
    return copy_to_parquet(runner, select, out)


def touches_file_path(view: str, spec: attribution.PathSpec) -> Path:
    """Where the attribution touches of the shared view `view` for `spec` are kept as Parquet."""
    return cache_dir() / f"touches-{digest(repr((PATH_FORMAT, view, spec)))}.parquet"


def touches_file(runner: DuckDBRunner, view: str, spec: attribution.PathSpec) -> Path:
    """Write a view's attribution touches (`attribution.touches_sql`) once; return the file.

    The Attribution page reads it for every model, half-life, weight and Markov order, and
    for the bootstrap, instead of cutting and ordering every event again.
    """
    out = touches_file_path(view, spec)
    if out.exists():
        return out
    return copy_to_parquet(runner, attribution.touches_sql(view, spec), out)


def contacts_path(fingerprint: str) -> Path:
    """Where the scored conversations of the data named `fingerprint` are kept as contacts.

    One row per conversation (`journey.recommend.features.contacts_frame`): what the next
    best action's sentiment features read.
    """
    return cache_dir() / f"contacts-{digest(fingerprint)}.parquet"


def nba_folder(run_key: str) -> Path:
    """Where the Next best action page's results of one run are kept (`recommend.kept`)."""
    return cache_dir() / f"nba-{run_key}"


def ensure_view(runner: DuckDBRunner, name: str, select: str) -> str:
    """Create the shared view `name` over `select` unless it exists; return the name."""
    runner.cursor().con.execute(f"CREATE VIEW IF NOT EXISTS {ident(name)} AS {select}")
    return name


FILE_VIEW_PREFIX: Final = "file_"


def is_file_view(view: str) -> bool:
    """Whether `view` is a whole file's shared view (a dataset's prepared events), not a scope.

    Path and touches files are kept for these only: one per dataset, settings and level, so
    the cache folder does not grow with every filter a user tries.
    """
    return view.startswith(FILE_VIEW_PREFIX)


def parquet_view(runner: DuckDBRunner, path: Path) -> str:
    """The shared view over one Parquet file (named by its path)."""
    name = f"{FILE_VIEW_PREFIX}{digest(str(path))}"
    return ensure_view(runner, name, f"SELECT * FROM read_parquet({lit(str(path))})")


def prepared_view(runner: DuckDBRunner, path: Path) -> str:
    """The shared view over a prepared events file, noted for its path index (`ordered`)."""
    view = parquet_view(runner, path)
    ordered.note_file(view, path)
    return view


def dataset_key(fingerprint: str, settings: DatasetSettings) -> str:
    """The key naming a dataset's data and the settings that change its prepared events."""
    digest16 = hashlib.sha256(settings_to_json(settings).encode()).hexdigest()[:16]
    return f"{fingerprint}:{digest16}"


def warm(
    workspace: store.Workspace,
    name: str,
    runner: DuckDBRunner | None = None,
    progress: ProgressFn | None = None,
) -> Path:
    """Export a stored dataset's rows and prepare its events once, as the app opens them.

    Also writes the default map level's path table (`path_file`), the default attribution
    touches (`touches_file`) and every page's opening results (`opening.warm_pages`), and
    exports the default scorer's stored scores (`export_scores`). Returns the prepared
    events' file. Call it after saving a dataset (the CLI's `load`), so the app's first
    open of it reads ready files instead of preparing 10 million events.
    """
    from journey.present import opening  # it reads this module's files (a higher layer)

    tell = progress or (lambda _fraction, _message: None)
    tell(0.0, "prepared events")
    stored = workspace.load(name, frames=False)
    events, _ = export_stored(workspace, name, stored.info.key)
    out = prepared_path(dataset_key(stored.info.key, stored.settings))
    engine = runner or open_engine()
    prepared = prepare_file(engine, events, stored.settings, out)
    # the first render of the map pages (default level, repeats collapsed) and of the
    # Attribution page (default level, window, no exclusions) reads ready tables
    view = prepared_view(engine, prepared)
    tell(0.15, "path index")  # what a filtered scope's path table is built from
    ordered.build_index(engine, prepared)
    tell(0.2, "path table")
    paths = path_file(engine, view, LEVELS[0], keep_repeats=False)
    tell(0.3, "attribution touches")
    touches = touches_file(engine, view, attribution.PathSpec())
    # every page's opening results (`opening`): the first visit of each page reads them
    opening.warm_pages(engine, view, lambda f, m: tell(0.35 + 0.15 * f, f"pages: {m}"))
    # and the Sentiment page's default scores, when `load` scored the transcripts
    tell(0.5, "sentiment scores")
    scores = export_scores(workspace, name, stored.info.key, DEFAULT_SCORER, "")
    transcripts = raw_transcripts_path(stored.info.key)
    scored = None
    if scores is not None and transcripts.exists():  # the Sentiment page's opening results
        scored = opening.warm_sentiment(engine, view, str(transcripts), str(scores))
    tell(0.55, "report")  # the report's data at its default options
    from journey.present import content

    kept = content.Kept(parquet_view(engine, paths), parquet_view(engine, touches))
    content.warm_report(engine, view, kept, scored)
    # the Next best action page at its opening settings: contacts, decisions and quality
    contacts = None
    if scores is not None:
        contacts = parquet_view(engine, write_contacts(engine, workspace, name, stored.info.key))
    tell(0.65, "next best action")
    warm_next_best_action(engine, view, stored.settings, contacts)
    tell(1.0, "done")
    return prepared


def write_contacts(
    runner: DuckDBRunner, workspace: store.Workspace, name: str, fingerprint: str
) -> Path:
    """Write a stored dataset's scored conversations as contacts (`contacts_path`) once."""
    from journey.recommend.features import contacts_frame
    from journey.sentiment import stored as stored_scores

    out = contacts_path(fingerprint)
    if out.exists():
        return out
    records = workspace.scores(name, DEFAULT_SCORER, "")
    if records is None:
        raise WorkspaceError(
            f"dataset {name!r} has no current default scores to read contacts from"
        )
    transcripts = runner.cursor().frame(
        f"SELECT * FROM read_parquet({lit(str(raw_transcripts_path(fingerprint)))})"
    )
    scored = stored_scores.scored_from_store(transcripts, records)
    return frame_to_parquet(runner, contacts_frame(scored.conversations), out)


def warm_next_best_action(
    runner: DuckDBRunner, view: str, settings: DatasetSettings, contacts: str | None
) -> Path | None:
    """Keep the Next best action page's results at its opening settings for `view`.

    None when there is nothing to decide: no events, or too little history to learn from
    (the page then says why).
    """
    from journey.recommend import kept

    try:
        opening = kept.opening_settings(runner, view, settings)
        if opening is None:
            return None
        rec, cutoff = opening
        folder = nba_folder(kept.run_key(view, contacts, rec, cutoff))
        kept.kept_run(runner, view, rec, cutoff, contacts, folder)
    except SettingsError:  # e.g. too little history: the page says why itself; none kept
        return None
    return folder
