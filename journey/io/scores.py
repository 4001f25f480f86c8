"""Stored sentiment scores: one table per dataset and scorer, next to its transcripts.

Sentiment is scored once per dataset (when its transcripts are saved, or when a model is
trained), not per page view. `Workspace.save_scores` / `Workspace.scores` keep the scored
frame (see `journey.sentiment.stored.score_for_store`) in a `ja_scores_<hex>` table listed in
`journey_scores`, with the dataset key and the model key it was scored under. A score whose
dataset key or model key differs from the current one is stale: it is never returned, and it
is dropped when the dataset's data change or the dataset is deleted.

These helpers run inside the caller's workspace transaction (journey.io.store).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import duckdb
import pandas as pd

from journey.io import tables

SCHEMA_SQL: Final = (
    """CREATE TABLE IF NOT EXISTS journey_scores (
        dataset_id VARCHAR NOT NULL,
        scorer VARCHAR NOT NULL,
        dataset_key VARCHAR NOT NULL,
        model_key VARCHAR NOT NULL,
        scores_table VARCHAR NOT NULL,
        scores_columns VARCHAR NOT NULL,
        n_rows BIGINT NOT NULL,
        updated TIMESTAMP NOT NULL
    )""",
)


def encode(frame: pd.DataFrame, name: str) -> tuple[pd.DataFrame, str]:
    """Encode a scores frame for storage (raises on an unstorable column), before any write."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"scores must be a DataFrame, not {type(frame).__name__}")
    return tables.encode_frame(frame, name, "scores")


def write(
    con: duckdb.DuckDBPyConnection,
    dataset_id: str,
    dataset_key: str,
    scorer: str,
    model_key: str,
    encoded: tuple[pd.DataFrame, str],
    now: object,
) -> None:
    """Replace the dataset's scores for `scorer` with the encoded frame."""
    drop(con, dataset_id, scorer)
    frame, manifest = encoded
    table = tables.new_table_name("scores")
    tables.write_frame(con, table, frame)
    con.execute(
        "INSERT INTO journey_scores VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [dataset_id, scorer, dataset_key, model_key, table, manifest, len(frame), now],
    )


def table(
    con: duckdb.DuckDBPyConnection, dataset_id: str, dataset_key: str, scorer: str, model_key: str
) -> tuple[str, str] | None:
    """The (table, manifest) of current scores, or None when missing or stale."""
    rows = con.execute(
        "SELECT scores_table, scores_columns FROM journey_scores WHERE dataset_id = ? "
        "AND scorer = ? AND dataset_key = ? AND model_key = ?",
        [dataset_id, scorer, dataset_key, model_key],
    ).fetchall()
    return (rows[0][0], rows[0][1]) if rows else None


def read(
    con: duckdb.DuckDBPyConnection, dataset_id: str, dataset_key: str, scorer: str, model_key: str
) -> pd.DataFrame | None:
    """The current scores frame with its saved dtypes, or None when missing or stale."""
    found = table(con, dataset_id, dataset_key, scorer, model_key)
    return None if found is None else tables.read_frame(con, *found)


def read_positions(
    con: duckdb.DuckDBPyConnection,
    dataset_id: str,
    dataset_key: str,
    scorer: str,
    model_key: str,
    positions: Sequence[int],
) -> pd.DataFrame | None:
    """The current scores' records of some transcript rows (by `position`), or None as `read`."""
    found = table(con, dataset_id, dataset_key, scorer, model_key)
    if found is None:
        return None
    return tables.read_frame(con, *found, positions=positions)


def scorers(con: duckdb.DuckDBPyConnection, dataset_id: str, dataset_key: str) -> list[str]:
    """Scorers with current (not stale) scores for the dataset, sorted."""
    rows = con.execute(
        "SELECT scorer FROM journey_scores WHERE dataset_id = ? AND dataset_key = ?",
        [dataset_id, dataset_key],
    ).fetchall()
    return sorted(row[0] for row in rows)


def drop(con: duckdb.DuckDBPyConnection, dataset_id: str, scorer: str | None = None) -> None:
    """Drop the dataset's scores (of one scorer, or all) with their tables."""
    found = con.execute(
        "SELECT scorer, scores_table FROM journey_scores WHERE dataset_id = ?", [dataset_id]
    ).fetchall()
    for name, table_name in found:
        if scorer is None or name == scorer:
            con.execute(f"DROP TABLE IF EXISTS {tables.quoted_table(table_name)}")
            con.execute(
                "DELETE FROM journey_scores WHERE dataset_id = ? AND scorer = ?",
                [dataset_id, name],
            )
