"""Scored transcripts as SQL over two Parquet files: the transcripts and their stored scores.

Sentiment is scored once per dataset (`journey.sentiment.stored`); its records are kept as a
Parquet file beside the transcripts' (`files.scores_path`). `scored_relation` joins the two
into the relations of `journey.query.engine.sentiment` (SCORED ROWS: each transcript row with
its own record, `turn` = -1, matched on `position` = the row's 0-based row in the transcripts
file; SCORED TURNS: the turn records of those rows, with their row's timestamp), restricted
to a scope (customers left in a filtered events view, transcript dates in the date range)
by a SQL condition. Pages aggregate these views; only small results come back as pandas:
the unscored reasons, a bounded seeded sample of customer texts for the word work
(`text_sample`, as `journey.sentiment.sample.text_sample`), the most negative rows, and the
CSV of every row, built batch by batch when asked for.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

import pandas as pd

from journey.errors import SettingsError
from journey.io.export import neutralise_frame
from journey.query.engine.common import relation_columns
from journey.query.engine.runner import DuckDBRunner, Runner
from journey.query.engine.sentiment import (
    CONVERSATION,
    CUSTOMER_ROWS,
    POSITION,
    ROLE,
    TURN,
)
from journey.query.engine.sql import ident, lit
from journey.schema import (
    CHANNEL,
    CUSTOMER_ID,
    LABEL,
    LANGUAGE,
    PHASE,
    SENTIMENT_LABEL,
    SENTIMENT_SCORE,
    TEXT,
    TIMESTAMP,
)

ROW_RECORD: Final = -1  # `turn` of a row's own record (journey.sentiment.stored.ROW_RECORD)
SCORER: Final = "scorer"  # as journey.sentiment.score (query may not import sentiment)
UNSCORED_REASON: Final = "unscored_reason"
UNSCORED: Final = "unscored"
# a row's record columns, in the order `stored.scored_from_store` adds them to the rows
SCORE_COLUMNS: Final = (CONVERSATION, ROLE, SENTIMENT_SCORE, SENTIMENT_LABEL, LANGUAGE, SCORER,
                        UNSCORED_REASON)  # fmt: skip
_FILE_ROW: Final = "file_row_number"  # DuckDB's 0-based row of a Parquet file
_CSV_BATCH: Final = 100_000


@dataclass(frozen=True)
class ScoredRelation:
    """The views of a scope's scored transcripts, and the columns of its rows as pandas has them.

    `rows` holds position plus `columns` (the transcript columns without label, then the score
    columns: those of `stored.scored_from_store(...).rows`), with timestamp as naive UTC (and
    customer_id, channel, timestamp as NULL when the transcripts have none); `turns` the
    SCORED TURNS of those rows.
    """

    rows: str
    turns: str
    columns: tuple[str, ...]
    timestamp_column: bool  # whether the transcripts have a timestamp (else NULL in `rows`)


def file_types(runner: Runner, path: str) -> dict[str, str]:
    """The column names and DuckDB types of a Parquet file, in file order."""
    found = runner.frame(f"DESCRIBE SELECT * FROM read_parquet({lit(path)})")
    names, kinds = found["column_name"].astype(str), found["column_type"].astype(str)
    return dict(zip(names, kinds, strict=True))


def count_rows(runner: Runner, path: str) -> int:
    """The number of rows of a Parquet file (read from its metadata)."""
    return int(runner.scalar(f"SELECT count(*) FROM read_parquet({lit(path)})"))


def has_labels(runner: Runner, path: str) -> bool:
    """Whether a transcripts file has a label column with at least one label."""
    if LABEL not in file_types(runner, path):
        return False
    sql = f"SELECT 1 FROM read_parquet({lit(path)}) WHERE {ident(LABEL)} IS NOT NULL LIMIT 1"
    return runner.scalar(sql) is not None


def _naive_utc(column: str, kind: str) -> str:
    """SQL: a transcript time column as naive UTC (instants are converted, wall times kept)."""
    if kind.upper().startswith("TIMESTAMP WITH TIME ZONE"):
        return f"timezone('UTC', t.{ident(column)})"
    return f"CAST(t.{ident(column)} AS TIMESTAMP)"


def scope_condition(
    events: str | None, start: date | None = None, end: date | None = None, alias: str = "r"
) -> str:
    """SQL condition of `filters.filter_transcripts` on a relation `alias` with naive UTC times.

    Rows of customers left in the `events` view (None: every row, as without filters), with
    a missing time or a time within [start, end] (dates in UTC, `end` inclusive).
    """
    parts = ["TRUE"]
    if events is not None:
        parts.append(
            f"{alias}.{ident(CUSTOMER_ID)} IN (SELECT {ident(CUSTOMER_ID)} FROM {ident(events)})"
        )
    ts = f"{alias}.{ident(TIMESTAMP)}"
    if start is not None:
        parts.append(f"({ts} IS NULL OR {ts} >= {lit(pd.Timestamp(start).to_pydatetime())})")
    if end is not None:
        stop = pd.Timestamp(end + timedelta(days=1)).to_pydatetime()
        parts.append(f"({ts} IS NULL OR {ts} < {lit(stop)})")
    return " AND ".join(parts)


def scored_rows_sql(
    transcripts: str, scores: str, types: dict[str, str], condition: str = "TRUE"
) -> tuple[str, tuple[str, ...]]:
    """SQL of the SCORED ROWS of two files (rows kept by `condition` on alias r), its columns.

    Args:
        transcripts: The transcripts' Parquet file.
        scores: The stored scores' Parquet file (`stored.STORED_COLUMNS`).
        types: `file_types` of the transcripts.
        condition: A `scope_condition` over the joined row (alias r).
    """
    if _FILE_ROW in types:
        raise SettingsError(
            f"transcripts with a column named {_FILE_ROW!r} cannot be joined to their scores "
            "by row: rename that column and load them again"
        )
    select, columns = [f"t.{ident(_FILE_ROW)} AS {ident(POSITION)}"], []
    for name, kind in types.items():
        if name == LABEL:
            continue  # as when scoring: a label never travels with its row's score
        if name in SCORE_COLUMNS:
            select.append(f"s.{ident(name)}")  # the score replaces it, in its place
        elif name == TIMESTAMP:
            select.append(f"{_naive_utc(name, kind)} AS {ident(name)}")
        else:
            select.append(f"t.{ident(name)} AS {ident(data_column(name))}")
        columns.append(name)
    for name in SCORE_COLUMNS:
        if name not in columns:
            select.append(f"s.{ident(name)}")
            columns.append(name)
    for name, null in ((CUSTOMER_ID, "VARCHAR"), (CHANNEL, "VARCHAR"), (TIMESTAMP, "TIMESTAMP")):
        if name not in types:  # the relation contract names them; pandas rows lack them
            select.append(f"CAST(NULL AS {null}) AS {ident(name)}")
    records = (
        f"SELECT {ident(POSITION)}, {', '.join(ident(c) for c in SCORE_COLUMNS)} "
        f"FROM read_parquet({lit(scores)}) WHERE {ident(TURN)} = {ROW_RECORD}"
    )
    sql = f"""
SELECT * FROM (
  SELECT {", ".join(select)}
  FROM read_parquet({lit(transcripts)}, file_row_number = true) t
  JOIN ({records}) s ON s.{ident(POSITION)} = t.{ident(_FILE_ROW)}
) r
WHERE {condition}"""
    return sql, tuple(columns)


def data_column(name: str) -> str:
    """The view's name of a transcript column (one named `position` is renamed: see below)."""
    # the relation contract's `position` is the file row; a data column of that name is kept
    # under another name and written back under its own in the CSV
    return f"q_data_{name}" if name == POSITION else name


def scored_turns_sql(scores: str, rows: str) -> str:
    """SQL of the SCORED TURNS of the rows of view `rows`: each turn with its row's time."""
    return f"""
SELECT s.{ident(CONVERSATION)}, s.{ident(POSITION)}, s.{ident(TURN)}, s.{ident(ROLE)},
       s.{ident(SENTIMENT_SCORE)}, r.{ident(TIMESTAMP)}
FROM read_parquet({lit(scores)}) s JOIN {ident(rows)} r ON r.{ident(POSITION)} = s.{ident(POSITION)}
WHERE s.{ident(TURN)} <> {ROW_RECORD}"""


def check_cover(runner: Runner, transcripts: str, scores: str) -> None:
    """Raise ValueError unless the scores hold one row record per transcript row."""
    n_rows = count_rows(runner, transcripts)
    sql = (
        f"SELECT count(*) FROM read_parquet({lit(scores)}) WHERE {ident(TURN)} = {ROW_RECORD} "
        f"AND {ident(POSITION)} >= 0 AND {ident(POSITION)} < {n_rows}"
    )
    n_records = int(runner.scalar(sql))
    if n_records != n_rows:
        msg = f"stored scores cover {n_records} rows, the transcripts {n_rows}"
        raise ValueError(msg)


def scored_relation(
    runner: DuckDBRunner,
    name: str,
    transcripts: str,
    scores: str,
    condition: str = "TRUE",
) -> ScoredRelation:
    """Create the shared views `<name>_rows` and `<name>_turns` (unless they exist).

    `condition`: a `scope_condition` (alias r); the default keeps every row.
    """
    check_cover(runner, transcripts, scores)
    types = file_types(runner, transcripts)
    rows_sql, columns = scored_rows_sql(transcripts, scores, types, condition)
    rows, turns = f"{name}_rows", f"{name}_turns"
    con = runner.con
    con.execute(f"CREATE VIEW IF NOT EXISTS {ident(rows)} AS {rows_sql}")
    con.execute(f"CREATE VIEW IF NOT EXISTS {ident(turns)} AS {scored_turns_sql(scores, rows)}")
    return ScoredRelation(rows, turns, columns, TIMESTAMP in types)


def unscored_reasons(runner: Runner, rows: str) -> pd.DataFrame:
    """As `ScoredTranscripts.unscored_reasons`: reason, rows; most frequent first, then reason."""
    reason = ident(UNSCORED_REASON)
    out = runner.frame(
        f"SELECT {reason} AS reason, count(*) AS rows FROM {ident(rows)} "
        f"WHERE {ident(SENTIMENT_LABEL)} = {lit(UNSCORED)} AND {reason} IS NOT NULL "
        f"GROUP BY {reason} ORDER BY rows DESC, reason"
    )
    return pd.DataFrame(
        {"reason": out["reason"].astype("string"), "rows": out["rows"].astype("int64")}
    )


def _text_columns(runner: Runner, rows: str) -> list[str]:
    """The columns the word work reads (those `rows` has)."""
    wanted = (POSITION, CUSTOMER_ID, CHANNEL, TIMESTAMP, TEXT, ROLE, SENTIMENT_LABEL,
              SENTIMENT_SCORE, LANGUAGE)  # fmt: skip
    have = relation_columns(runner, rows)
    return [c for c in wanted if c in have]


def _as_pandas_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Query output in the dtypes of the scored rows: times as UTC instants, text as strings."""
    out = frame.reset_index(drop=True)
    if TIMESTAMP in out:
        out[TIMESTAMP] = pd.to_datetime(out[TIMESTAMP]).dt.tz_localize("UTC")
    for column in (TEXT, ROLE, SENTIMENT_LABEL):
        if column in out:
            out[column] = out[column].astype("string")
    if SENTIMENT_SCORE in out:
        out[SENTIMENT_SCORE] = out[SENTIMENT_SCORE].astype("float64")
    return out


def count_texts(runner: Runner, rows: str) -> int:
    """The customer texts of `rows` the word work reads (`sample.customer_text_rows`)."""
    return int(runner.scalar(f"SELECT count(*) FROM {ident(rows)} WHERE {CUSTOMER_ROWS}"))


def text_sample(
    runner: Runner, rows: str, cap: int, seed: int = 0, linked: str | None = None
) -> pd.DataFrame:
    """At most `cap` customer texts of `rows`, by position: all of them when they are fewer.

    A seeded sample otherwise: the `cap` rows of smallest hash(position, seed), so the same
    rows on every render and in every process. With `linked` (a `sentiment.link_table` of
    `rows`), each row carries the phase of the event it was linked to. Columns position,
    customer_id, channel, timestamp (UTC), text, role, sentiment_label, sentiment_score,
    language (those `rows` has) [, phase].
    """
    if cap < 1:
        raise ValueError(f"the sample needs at least one row, got cap={cap}")
    chosen = ", ".join(ident(c) for c in _text_columns(runner, rows))
    sampled = f"""
  SELECT {chosen} FROM {ident(rows)} WHERE {CUSTOMER_ROWS}
  ORDER BY hash({ident(POSITION)}, {int(seed)}), {ident(POSITION)} LIMIT {int(cap)}"""
    if linked is None:
        sql = f"SELECT * FROM ({sampled}) q ORDER BY {ident(POSITION)}"
    else:
        sql = f"""
SELECT q.*, k.{ident(PHASE)} FROM ({sampled}) q
LEFT JOIN {ident(linked)} k ON k.{ident(POSITION)} = q.{ident(POSITION)}
ORDER BY q.{ident(POSITION)}"""
    return _as_pandas_rows(runner.frame(sql))


def most_negative_rows(runner: Runner, rows: str, n: int) -> pd.DataFrame:
    """The `n` most negative customer rows (score < 0; by score, then position), as pandas."""
    chosen = ", ".join(ident(c) for c in _text_columns(runner, rows))
    sql = f"""
SELECT {chosen} FROM {ident(rows)}
WHERE {CUSTOMER_ROWS} AND {ident(SENTIMENT_SCORE)} < 0
ORDER BY {ident(SENTIMENT_SCORE)}, {ident(POSITION)}
LIMIT {int(n)}"""
    return _as_pandas_rows(runner.frame(sql))


def csv_batches(runner: DuckDBRunner, relation: ScoredRelation) -> Iterator[bytes]:
    """Every scored row as UTF-8 CSV in batches (`export.to_csv_bytes` of the pandas rows)."""
    columns = ", ".join(f"q_r.{ident(data_column(c))} AS {ident(c)}" for c in relation.columns)
    # qualified: a data column named `position` is an output name here, not the file row
    sql = f"SELECT {columns} FROM {ident(relation.rows)} q_r ORDER BY q_r.{ident(POSITION)}"
    first = True
    for batch in runner.con.sql(sql).to_arrow_reader(_CSV_BATCH):
        frame = neutralise_frame(_csv_frame(batch.to_pandas(), relation))
        yield frame.to_csv(index=False, header=first, lineterminator="\r\n").encode("utf-8")
        first = False
    if first:  # no rows: the header alone
        empty = pd.DataFrame(columns=list(relation.columns))
        yield neutralise_frame(empty).to_csv(index=False, lineterminator="\r\n").encode("utf-8")


def _csv_frame(frame: pd.DataFrame, relation: ScoredRelation) -> pd.DataFrame:
    """A batch with times as UTC instants, as the pandas rows print them."""
    if relation.timestamp_column and TIMESTAMP in frame:
        frame[TIMESTAMP] = pd.to_datetime(frame[TIMESTAMP]).dt.tz_localize("UTC")
    return frame


def scored_csv(runner: DuckDBRunner, relation: ScoredRelation) -> bytes:
    """Every scored row of `relation` as one CSV file (built when a user asks for it)."""
    return b"".join(csv_batches(runner, relation))
