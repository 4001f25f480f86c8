"""Where a dataset's events live: Parquet files in a cache folder, queried by one DuckDB.

A dataset is a handle, not a frame. Its accepted events are written once to Parquet (an
export from the workspace, or the accepted rows of an upload), and its prepared events
(grouping rules, team table, phases) to a second file named by the dataset key (data and
settings). Both files live in `<workspace folder>/cache/`, are written atomically (a partial
file renamed into place) and are reused by every session and after a server restart. Pages
query views over them in the process's one in-memory DuckDB database; only small results
come back as pandas frames.

No streamlit here: ui/cache.py holds the process-wide engine and caches these calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from difflib import get_close_matches
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from journey.attribution.engine import engine_attribute
from journey.attribution.models import AttributionSettings
from journey.attribution.uncertainty import LOOKBACK_WINDOWS
from journey.errors import SettingsError, WorkspaceError
from journey.query.engine import filters as engine_filters
from journey.query.engine import ordered
from journey.query.engine.features import time_span
from journey.query.engine.files import (
    APP_MEMORY_LIMIT,
    CACHE_FOLDER,
    cache_dir,
    columns_of,
    contacts_path,
    copy_to_parquet,
    dataset_key,
    digest,
    ensure_view,
    export_scores,
    export_stored,
    frame_to_parquet,
    is_file_view,
    nba_folder,
    open_engine,
    parquet_view,
    partial_path,
    path_file,
    prepare_file,
    prepared_path,
    prepared_view,
    raw_events_path,
    raw_transcripts_path,
    scores_path,
    touches_file,
    warm,
)
from journey.query.engine.runner import DuckDBRunner
from journey.query.engine.sql import ident, lit
from journey.query.filters import Filters
from journey.query.nodes import data_labels
from journey.query.teams import TEAM_MODES
from journey.schema import (
    CHANNEL,
    CUSTOMER_ID,
    OTHER_TEAMS,
    PHASE,
    PHASE_EXPLICIT,
    ROW,
    TEAM,
    TIMESTAMP,
    TOUCHPOINT,
    DatasetSettings,
)

# Pages not yet on the engine read the scope's events into pandas; beyond this many rows
# they ask the user to narrow the filters instead of filling the server's memory.
MAX_FRAME_ROWS: Final = 2_000_000

__all__ = [  # the dataset files of journey.query.engine.files, used through this module
    "APP_MEMORY_LIMIT",
    "CACHE_FOLDER",
    "cache_dir",
    "columns_of",
    "contacts_path",
    "copy_to_parquet",
    "dataset_key",
    "digest",
    "ensure_view",
    "export_scores",
    "export_stored",
    "frame_to_parquet",
    "is_file_view",
    "nba_folder",
    "open_engine",
    "parquet_view",
    "partial_path",
    "path_file",
    "prepare_file",
    "prepared_path",
    "prepared_view",
    "raw_events_path",
    "raw_transcripts_path",
    "scores_path",
    "touches_file",
    "warm",
]


def filtered_view(runner: DuckDBRunner, base: str, filters: Filters, scope_key: str) -> str:
    """The shared view of the prepared events the filters keep (`base` itself when none)."""
    if filters.is_empty():
        return base
    select = engine_filters.filtered_sql(base, filters, columns_of_view(runner, base))
    view = ensure_view(runner, f"scope_{digest(scope_key)}", select)
    ordered.note_subset(view, base)  # rows kept, columns unchanged: the base's path index
    return view


def columns_of_view(runner: DuckDBRunner, view: str) -> tuple[str, ...]:
    """The column names of a view."""
    found = runner.cursor().frame(f"DESCRIBE SELECT * FROM {ident(view)}")
    return tuple(str(c) for c in found["column_name"])


def counts(runner: DuckDBRunner, view: str) -> tuple[int, int]:
    """(customers, events) of a relation (from its path index when it has one)."""
    known = ordered.counts(runner.cursor(), view)
    if known is not None:
        return known
    row = runner.cursor().frame(
        f"SELECT count(DISTINCT {ident(CUSTOMER_ID)}) AS c, count(*) AS n FROM {ident(view)}"
    )
    return int(row["c"].iloc[0]), int(row["n"].iloc[0])


def date_bounds(runner: DuckDBRunner, view: str) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The first and last timestamp (naive UTC) of a relation, None when it is empty."""
    first, last = time_span(runner.cursor(), view)
    if first is None or last is None:
        return None
    return first, last


def frame_columns(raw_columns: Sequence[str], settings: DatasetSettings) -> tuple[str, ...]:
    """The columns `scope.prepare_events` gives for data with `raw_columns` and `settings`."""
    produced = [PHASE, PHASE_EXPLICIT, *([TEAM] if settings.team_map else [])]
    return tuple(dict.fromkeys([*raw_columns, *produced]))


def events_frame(
    runner: DuckDBRunner, view: str, keep: Sequence[str], limit: int | None = None
) -> pd.DataFrame:
    """A relation's prepared events as the pandas functions take them (tz-aware UTC stamps).

    Only the columns in `keep` (see `frame_columns`): the contract fills columns the data
    never had with NULL, which `scope.prepare_events` leaves out. More than `limit` rows is
    a SettingsError asking for narrower filters: the caller is a view not yet on the engine.
    """
    limit = MAX_FRAME_ROWS if limit is None else limit
    cursor = runner.cursor()
    n = int(cursor.scalar(f"SELECT count(*) FROM {ident(view)}"))
    if n > limit:
        raise SettingsError(
            f"this view still computes in the app's memory and takes at most {limit:,} "
            f"events; the filters leave {n:,}: narrow the date range or channels"
        )
    have = columns_of_view(runner, view)
    chosen = [c for c in have if c in keep]
    order = f"ORDER BY {ident(ROW)}" if ROW in have else ""
    frame = cursor.frame(f"SELECT {', '.join(ident(c) for c in chosen)} FROM {ident(view)} {order}")
    frame[TIMESTAMP] = pd.to_datetime(frame[TIMESTAMP]).dt.tz_localize("UTC")
    return frame


def read_file(runner: DuckDBRunner, path: str) -> pd.DataFrame:
    """Every row of a Parquet file as a pandas frame (transcripts; an upload being saved)."""
    return runner.cursor().frame(f"SELECT * FROM read_parquet({lit(path)})")


FILE_ROW: Final = "file_row_number"  # DuckDB's 0-based row of a Parquet file


def transcripts_of(
    runner: DuckDBRunner, path: str, customer_id: str
) -> tuple[pd.DataFrame, np.ndarray] | None:
    """One customer's transcript rows of a Parquet file, and their 0-based rows in the file.

    A point query (the file is never read whole). None when the file has no customer column
    or a column named like DuckDB's row number (then read it whole instead).
    """
    columns = columns_of(runner, Path(path))
    if CUSTOMER_ID not in columns or FILE_ROW in columns:
        return None
    found = runner.cursor().frame(
        f"SELECT * FROM read_parquet({lit(path)}, file_row_number = true) "
        f"WHERE {ident(CUSTOMER_ID)} = {lit(customer_id)} ORDER BY {ident(FILE_ROW)}"
    )
    positions = found[FILE_ROW].to_numpy(dtype="int64")
    return found.drop(columns=[FILE_ROW]).reset_index(drop=True), positions


def customers_of(runner: DuckDBRunner, view: str) -> pd.DataFrame:
    """The distinct customer ids of a relation, as a one-column frame."""
    return runner.cursor().frame(f"SELECT DISTINCT {ident(CUSTOMER_ID)} FROM {ident(view)}")


def read_columns(runner: DuckDBRunner, path: str, columns: Sequence[str]) -> pd.DataFrame:
    """Some columns of a Parquet file (those it has) as a pandas frame."""
    have = [c for c in columns if c in columns_of(runner, Path(path))]
    if not have:
        return pd.DataFrame()
    chosen = ", ".join(ident(c) for c in have)
    return runner.cursor().frame(f"SELECT {chosen} FROM read_parquet({lit(path)})")


def focus_view(
    runner: DuckDBRunner, view: str, phase: str | None, team: str | None, team_mode: str
) -> str:
    """The view a map works on: one team's (team view), then one phase's: `scope.focus_events`."""
    if not team and not phase:
        return view
    select, source = f"SELECT * FROM {ident(view)}", view
    if team:
        select, source = _team_view(runner, view, team, team_mode), "team"
    if phase:
        kept = f"SELECT * FROM ({select}) AS {ident(source)} WHERE {ident(PHASE)} = {lit(phase)}"
        found = runner.cursor().scalar(f"SELECT count(*) FROM ({kept}) AS f")
        if not found:
            where = f" of team {team!r}" if team else ""
            raise SettingsError(f"no events{where} in the {phase} phase: choose another phase")
        select = kept
    name = f"focus_{digest(repr((view, phase, team, team_mode)))}"
    focused = ensure_view(runner, name, select)
    if not team or team_mode == "hide":  # rows kept, columns unchanged ("fold" renames)
        ordered.note_subset(focused, view)
    return focused


def _team_view(runner: DuckDBRunner, view: str, team: str, mode: str) -> str:
    """SQL of `teams.scope_to_team`: one team's events ("hide"), or others renamed ("fold")."""
    if mode not in TEAM_MODES:
        raise SettingsError(f"team view mode {mode!r}: use one of {', '.join(TEAM_MODES)}")
    mine = f"coalesce({ident(TEAM)} = {lit(team)}, FALSE)"
    if not runner.cursor().scalar(f"SELECT count(*) FROM {ident(view)} WHERE {mine}"):
        teams = values_in(runner, view, TEAM)
        close = get_close_matches(str(team), teams, n=3, cutoff=0.5)
        hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise SettingsError(f"no events of team {team!r}.{hint}")
    if mode == "hide":
        return f"SELECT * FROM {ident(view)} WHERE {mine}"
    renamed = []
    for column in (TOUCHPOINT, CHANNEL):
        label = data_labels(values_in(runner, view, column), column, (OTHER_TEAMS,))
        value = ident(column)
        if label.get(OTHER_TEAMS, OTHER_TEAMS) != OTHER_TEAMS:  # a data value named so
            relabel = lit(label[OTHER_TEAMS])
            value = f"CASE WHEN {value} = {lit(OTHER_TEAMS)} THEN {relabel} ELSE {value} END"
        renamed.append(
            f"CASE WHEN {mine} THEN {value} ELSE {lit(OTHER_TEAMS)} END AS {ident(column)}"
        )
    return f"SELECT * REPLACE ({', '.join(renamed)}) FROM {ident(view)}"


def values_in(runner: DuckDBRunner, view: str, column: str) -> list[str]:
    """Sorted distinct non-missing values of a column of a view, as text."""
    return engine_filters.values_of(runner.cursor(), view, column)


def lookback_sensitivity(
    runner: DuckDBRunner, view: str, settings: AttributionSettings
) -> pd.DataFrame:
    """`uncertainty.lookback_sensitivity` on the engine: the shares at each lookback window."""
    frames = []
    for window in LOOKBACK_WINDOWS:
        windowed = replace(settings, window_days=window)
        result = engine_attribute(runner.cursor(), view, windowed)
        frames.append(
            result.assign(window_days=window)[
                ["window_days", "channel", "model", "conversions", "share"]
            ]
        )
    return pd.concat(frames, ignore_index=True)


def spool(data: bytes, digest_hex: str, name: str) -> Path:
    """Write an upload's bytes to the cache folder once (atomically); its path."""
    suffix = "".join(Path(name).suffixes[-2:]).lower()[:16]
    path = cache_dir() / "uploads" / f"{digest_hex[:32]}{suffix}"
    if path.exists():
        return path
    partial = partial_path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(data)
        partial.replace(path)
    except OSError as err:
        partial.unlink(missing_ok=True)
        msg = f"cannot keep the upload in the app's data cache {path}: {err}"
        raise WorkspaceError(msg) from err
    return path
