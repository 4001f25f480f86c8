"""Sentiment aggregations on the engine, over stored scores (scored once per dataset).

The same results as the pandas references in `journey.sentiment.insights` (sentiment_by,
weekly_sentiment, outcome_link) and `journey.sentiment.score.summary_figures`, computed in
SQL over two relations:

- SCORED ROWS: one row per transcript row: position BIGINT (0-based), customer_id VARCHAR,
  timestamp TIMESTAMP (naive UTC; NULL when missing), channel, role, sentiment_label,
  language VARCHAR, sentiment_score DOUBLE (NULL when unscored), and for `sentiment_by` the
  journey level columns a row was linked to (event_channel, touchpoint, phase, team).
- SCORED TURNS: one row per turn: conversation VARCHAR, position BIGINT, turn BIGINT,
  role VARCHAR, sentiment_score DOUBLE, timestamp TIMESTAMP (its row's).

`conform_rows` / `conform_turns` build them from pandas frames (`ScoredTranscripts.rows`,
`.turns`, or `insights.link_to_events` output); Python per row is only their vectorised
column conversion. Only customer rows with a label count, as in the references.
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np
import pandas as pd

from journey.query.engine.common import (
    EPOCH,
    generated_clashes,
    micros,
    relation_columns,
    temp_name,
    typed,
)
from journey.query.engine.runner import Runner
from journey.query.engine.sql import ident, lit, lit_list
from journey.schema import (
    CHANNEL,
    CONVERSION,
    CUSTOMER_ID,
    LANGUAGE,
    PHASE,
    ROW,
    SENTIMENT_LABEL,
    SENTIMENT_LABELS,
    SENTIMENT_SCORE,
    SUPPORT_KEYWORDS,
    TEAM,
    TIMESTAMP,
    TOUCHPOINT,
)

POSITION: Final = "position"
TURN: Final = "turn"
ROLE: Final = "role"  # as journey.sentiment.turns.ROLE (query may not import sentiment)
CUSTOMER_ROLE: Final = "customer"
AGENT_ROLE: Final = "agent"
CONVERSATION: Final = "conversation"
EVENT_CHANNEL: Final = "event_channel"
UNMATCHED_LEVEL: Final = "(unmatched)"
MATCH: Final = "match"  # as journey.sentiment.insights: how a row was linked to an event
SAME_DAY_SUPPORT: Final = "same-day support event"
PRECEDING: Final = "preceding event"
UNMATCHED: Final = "unmatched"
EVENT_TIMESTAMP: Final = "event_timestamp"
NEGATIVE: Final = SENTIMENT_LABELS[0]
_LINK_LEVELS: Final = (EVENT_CHANNEL, TOUCHPOINT, PHASE, TEAM)
_ROW_TEXT: Final = (CUSTOMER_ID, CHANNEL, ROLE, SENTIMENT_LABEL, LANGUAGE)

_S, _L, _R, _TS, _C = (
    ident(SENTIMENT_SCORE),
    ident(SENTIMENT_LABEL),
    ident(ROLE),
    ident(TIMESTAMP),
    ident(CUSTOMER_ID),
)
# the references' `_customer_rows`: a labelled row of the customer
CUSTOMER_ROWS: Final = (
    f"{_L} IN {lit_list(SENTIMENT_LABELS)} AND coalesce({_R}, {lit(CUSTOMER_ROLE)}) = "
    f"{lit(CUSTOMER_ROLE)}"
)
_NEG: Final = f"CASE WHEN {_L} = {lit(NEGATIVE)} THEN 1 ELSE 0 END"


def _naive_utc(values: pd.Series | None, n: int) -> pd.Series:
    if values is None:
        return pd.Series(pd.NaT, index=range(n), dtype="datetime64[us]")
    ts = pd.to_datetime(pd.Series(values).reset_index(drop=True), utc=True)
    return ts.dt.tz_localize(None).astype("datetime64[us]")


def _text(values: pd.Series | None, n: int) -> pd.Series:
    """Text as Arrow-backed strings (no Python object per value: millions of rows stay small)."""
    if values is None:
        return pd.Series([None] * n, dtype="string[pyarrow]")
    return pd.Series(values).reset_index(drop=True).astype("string[pyarrow]")


def conform_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """Scored (or linked) transcript rows in the SCORED ROWS contract (see the module)."""
    n = len(rows)
    out = {POSITION: np.arange(n, dtype="int64")}
    for column in _ROW_TEXT:
        out[column] = _text(rows.get(column), n)
    out[TIMESTAMP] = _naive_utc(rows.get(TIMESTAMP), n)
    out[SENTIMENT_SCORE] = pd.to_numeric(rows[SENTIMENT_SCORE]).astype("float64").to_numpy()
    for column in _LINK_LEVELS:
        if column in rows:
            out[column] = _text(rows[column], n)
    return pd.DataFrame(out)


def conform_turns(turns: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """Scored turns in the SCORED TURNS contract; each takes its row's timestamp."""
    n = len(turns)
    positions = turns[POSITION].to_numpy(dtype="int64")
    row_ts = _naive_utc(rows.get(TIMESTAMP), len(rows))
    return pd.DataFrame(
        {
            CONVERSATION: _text(turns[CONVERSATION], n),
            POSITION: positions,
            TURN: turns[TURN].to_numpy(dtype="int64"),
            ROLE: _text(turns[ROLE], n),
            SENTIMENT_SCORE: turns[SENTIMENT_SCORE].astype("float64").to_numpy(),
            TIMESTAMP: row_ts.iloc[positions].reset_index(drop=True),
        }
    )


def _nearest_key() -> str:
    """Order key picking merge_asof's "nearest" event (smallest wins; unique per event).

    Smallest distance in time; at equal distance the event at or before the row (its last
    one by input row), then the one after (its first).
    """
    return (
        "struct_pack(d := q_dist, a := CASE WHEN q_back THEN 0 ELSE 1 END, "
        "r := CASE WHEN q_back THEN -q_row ELSE q_row END)"
    )


def link_sql(rows: str, events: str) -> str:
    """SQL: the customer rows of `rows`, each linked to its journey event.

    As `insights.link_to_events`: the customer's support event (channel or touchpoint naming a
    support keyword) nearest in time if on the same UTC day, else the nearest same-day event
    in the row's own channel, else the customer's latest event at or before the row (ties: the
    last by input row), else none. Columns position, customer_id, timestamp, channel, role,
    sentiment_label, language, sentiment_score, event_channel, touchpoint, phase, team,
    event_timestamp, match.

    Each row's three candidate events are picked in one hash aggregate over the (row, event)
    pairs of its customer (arg-min/max with a filter each), not by sorting the pairs.
    """
    low = [f"lower(coalesce({ident(c)}, ''))" for c in (CHANNEL, TOUCHPOINT)]
    support_text = f"{low[0]} || ' ' || {low[1]}"
    support = " OR ".join(f"instr({support_text}, {lit(k)}) > 0" for k in SUPPORT_KEYWORDS)
    levels = (CHANNEL, TOUCHPOINT, PHASE, TEAM)
    picked = ", ".join(f"{ident(c)} AS q_{c}" for c in levels)
    event = ", ".join(f"q_{c} := e.q_{c}" for c in levels)
    same_day = "CAST(k.{a}.q_ets AS DATE) = CAST(t.q_ts AS DATE)"
    sup_ok, own_ok = same_day.format(a="q_s"), same_day.format(a="q_o")
    outputs = {CHANNEL: EVENT_CHANNEL, TOUCHPOINT: TOUCHPOINT, PHASE: PHASE, TEAM: TEAM,
               "ets": EVENT_TIMESTAMP}  # fmt: skip
    chosen = ", ".join(
        f"CASE WHEN {sup_ok} THEN k.q_s.q_{c} WHEN {own_ok} THEN k.q_o.q_{c} "
        f"ELSE k.q_p.q_{c} END AS {ident(name)}"
        for c, name in outputs.items()
    )
    nearest = _nearest_key()
    return f"""
WITH q_rows AS (
  SELECT * FROM {ident(rows)} WHERE {CUSTOMER_ROWS}
), q_t AS (
  SELECT {ident(POSITION)} AS q_pos, {_C} AS q_cust, {_TS} AS q_ts, {micros(_TS)} AS q_tus,
         lower({ident(CHANNEL)}) AS q_tch
  FROM q_rows WHERE {_C} IS NOT NULL AND {_TS} IS NOT NULL
), q_e AS (
  SELECT {_C} AS q_cust, {_TS} AS q_ets, {micros(_TS)} AS q_eus, {ident(ROW)} AS q_row,
         lower({ident(CHANNEL)}) AS q_ech, ({support}) AS q_support, {picked}
  FROM {ident(events)} WHERE {_C} IS NOT NULL AND {_TS} IS NOT NULL
), q_pairs AS (
  SELECT t.q_pos, e.q_ets, e.q_row, e.q_support, e.q_ech = t.q_tch AS q_own,
         e.q_ets <= t.q_ts AS q_back, abs(t.q_tus - e.q_eus) AS q_dist,
         struct_pack({event}, q_ets := e.q_ets) AS q_ev
  FROM q_t t JOIN q_e e ON t.q_cust = e.q_cust
), q_picked AS (
  SELECT q_pos,
         max_by(q_ev, struct_pack(t := q_ets, r := q_row)) FILTER (WHERE q_back) AS q_p,
         min_by(q_ev, {nearest}) FILTER (WHERE q_support) AS q_s,
         min_by(q_ev, {nearest}) FILTER (WHERE q_own) AS q_o
  FROM q_pairs GROUP BY q_pos
)
SELECT r.{ident(POSITION)}, r.{_C}, r.{_TS}, r.{ident(CHANNEL)}, r.{_R}, r.{_L},
       r.{ident(LANGUAGE)}, r.{_S}, {chosen},
       CASE WHEN {sup_ok} OR {own_ok} THEN {lit(SAME_DAY_SUPPORT)}
            WHEN k.q_p IS NOT NULL THEN {lit(PRECEDING)} ELSE {lit(UNMATCHED)} END
         AS {ident(MATCH)}
FROM q_rows r
LEFT JOIN q_t t ON r.{ident(POSITION)} = t.q_pos
LEFT JOIN q_picked k ON r.{ident(POSITION)} = k.q_pos"""


def link_view(runner: Runner, name: str, rows: str, events: str) -> str:
    """Create (or replace) view `name` of `link_sql(rows, events)`; return its name."""
    runner.view(name, link_sql(rows, events))
    return name


def link_table(runner: Runner, name: str, rows: str, events: str) -> str:
    """Create (or replace) temp table `name` holding `link_sql(rows, events)`; its name.

    Computed once, then read by `table_frame` and `sentiment_by` (a view would link twice).
    """
    runner.table(name, link_sql(rows, events))
    return name


def table_frame(runner: Runner, linked: str) -> pd.DataFrame:
    """A `link_table` as a frame, by position (as `linked_frame`)."""
    out = runner.frame(f"SELECT * FROM {ident(linked)} ORDER BY {ident(POSITION)}")
    return out.reset_index(drop=True)


def linked_frame(runner: Runner, rows: str, events: str) -> pd.DataFrame:
    """`link_sql` as a frame, by position (event_timestamp naive UTC)."""
    out = runner.frame(link_sql(rows, events) + f"\nORDER BY r.{ident(POSITION)}")
    return out.reset_index(drop=True)


def node_sentiment(runner: Runner, rows: str, events: str, level: str) -> pd.DataFrame:
    """Mean customer sentiment per journey node, as `insights.node_sentiment`.

    Rows linked to an event (`link_sql`) grouped by the event's `level`; columns node,
    mean_score, n; by node. Nodes named like generated ones carry the level, as in the flows.
    """
    name = temp_name("node_sentiment")
    matched = f"{ident(MATCH)} <> {lit(UNMATCHED)}"
    runner.view(name, f"SELECT * FROM ({link_sql(rows, events)}) q_l WHERE {matched}")
    try:
        stats = sentiment_by(runner, name, level)
    finally:
        runner.drop(name)
    labels = generated_clashes(runner, events, level)
    out = stats.rename(columns={level: "node"})[["node", "mean_score", "n"]]
    out = out.assign(node=out["node"].astype("str").replace(labels))
    return out.sort_values("node", ignore_index=True)


def sentiment_by(runner: Runner, rows: str, level: str) -> pd.DataFrame:
    """Mean score, share negative and counts of customer sentiment per value of `level`.

    As `insights.sentiment_by` over linked rows: columns <level>, mean_score, share_negative,
    n, n_negative; by n descending, then level; a missing level value is "(unmatched)".
    """
    columns = relation_columns(runner, rows)
    column = EVENT_CHANNEL if level == CHANNEL and EVENT_CHANNEL in columns else level
    names = [level, "mean_score", "share_negative", "n", "n_negative"]
    if column not in columns:
        return pd.DataFrame(columns=names)
    key = f"coalesce(CAST({ident(column)} AS VARCHAR), {lit(UNMATCHED_LEVEL)})"
    sql = f"""
SELECT {key} AS q_key, avg({_S}) AS mean_score, avg(CAST({_NEG} AS DOUBLE)) AS share_negative,
       count(*) AS n, CAST(sum({_NEG}) AS BIGINT) AS n_negative
FROM {ident(rows)} WHERE {CUSTOMER_ROWS}
GROUP BY {key}
ORDER BY n DESC, q_key"""
    out = runner.frame(sql).rename(columns={"q_key": level})
    return typed(
        out, dict(zip(names, ["str", "float64", "float64", "int64", "int64"], strict=True))
    )


def weekly_sentiment(runner: Runner, rows: str) -> pd.DataFrame:
    """Customer sentiment per week (Monday, UTC): week, mean_score, share_negative, n; by week."""
    sql = f"""
SELECT date_trunc('week', {_TS}) AS week, avg({_S}) AS mean_score,
       avg(CAST({_NEG} AS DOUBLE)) AS share_negative, count(*) AS n
FROM {ident(rows)} WHERE {CUSTOMER_ROWS} AND {_TS} IS NOT NULL
GROUP BY date_trunc('week', {_TS})
ORDER BY week"""
    out = runner.frame(sql)
    out["week"] = pd.to_datetime(out["week"]).dt.tz_localize("UTC")
    return typed(
        out,
        {"week": "datetime64[us, UTC]", "mean_score": "float64", "share_negative": "float64",
         "n": "int64"},
    )  # fmt: skip


def outcome_link(runner: Runner, events: str, rows: str) -> pd.DataFrame:
    """Do customers whose last contact was negative buy again less often?

    As `insights.outcome_link`: per label of each customer's last scored contact (latest
    timestamp; ties: last row), the customers and how many converted after it (`events`: a
    prepared-events relation). One row per label (negative, neutral, positive): last_contact,
    customers, bought_again, rate (NaN for no customers).
    """
    sql = f"""
WITH q_last AS (
  SELECT {_C} AS q_customer, {_TS} AS q_ts, {_L} AS q_label,
         row_number() OVER (PARTITION BY {_C} ORDER BY {_TS} DESC, {ident(POSITION)} DESC)
           AS q_rank
  FROM {ident(rows)}
  WHERE {CUSTOMER_ROWS} AND {_TS} IS NOT NULL AND {_C} IS NOT NULL
), q_conv AS (
  SELECT {_C} AS q_customer, max({_TS}) AS q_cts
  FROM {ident(events)} WHERE {ident(CONVERSION)} GROUP BY {_C}
)
SELECT l.q_label AS last_contact, count(*) AS customers,
       CAST(sum(CASE WHEN c.q_cts > l.q_ts THEN 1 ELSE 0 END) AS BIGINT) AS bought_again
FROM q_last l LEFT JOIN q_conv c ON l.q_customer = c.q_customer
WHERE l.q_rank = 1
GROUP BY l.q_label"""
    found = runner.frame(sql).set_index("last_contact")
    labels = list(SENTIMENT_LABELS)
    customers = found["customers"].reindex(labels, fill_value=0).astype("int64")
    bought = found["bought_again"].reindex(labels, fill_value=0).astype("int64")
    rate = (bought / customers.replace(0, np.nan)).astype(float)
    return pd.DataFrame(
        {
            "last_contact": labels,
            "customers": customers.to_numpy(),
            "bought_again": bought.to_numpy(),
            "rate": rate.to_numpy(),
        }
    )


def summary_figures(runner: Runner, rows: str, turns: str) -> dict[str, float | int]:
    """Headline numbers as `score.summary_figures`: rows, scored, customer vs agent, change.

    A conversation's first and last customer turns are the smallest and largest by (time,
    missing times last; row; turn), picked in one hash aggregate (arg-min/max), not by sorts.
    """
    sql = f"""
WITH q_scored AS (
  SELECT {ident(CONVERSATION)} AS q_conv, {_R} AS q_role, {_S} AS q_score,
         struct_pack(n := CASE WHEN {_TS} IS NULL THEN 1 ELSE 0 END,
                     t := coalesce({_TS}, {EPOCH}), p := {ident(POSITION)}, u := {ident(TURN)})
           AS q_key
  FROM {ident(turns)} WHERE {_S} IS NOT NULL
), q_per AS (
  SELECT q_conv,
         avg(q_score) FILTER (WHERE q_role = {lit(CUSTOMER_ROLE)}) AS q_customer,
         avg(q_score) FILTER (WHERE q_role = {lit(AGENT_ROLE)}) AS q_agent,
         count(*) FILTER (WHERE q_role = {lit(CUSTOMER_ROLE)}) AS q_n,
         max_by(q_score, q_key) FILTER (WHERE q_role = {lit(CUSTOMER_ROLE)})
           - min_by(q_score, q_key) FILTER (WHERE q_role = {lit(CUSTOMER_ROLE)}) AS q_change
  FROM q_scored GROUP BY q_conv
), q_convs AS (
  SELECT count(DISTINCT {ident(CONVERSATION)}) AS conversations FROM {ident(turns)}
), q_changes AS (
  SELECT avg(q_customer) AS customer_mean, avg(q_agent) AS agent_mean,
         avg(CASE WHEN q_n >= 2 THEN q_change END) AS mean_change,
         avg(CASE WHEN q_n >= 2 THEN CASE WHEN q_change > 0 THEN 1.0 ELSE 0.0 END END)
           AS share_improved,
         sum(CASE WHEN q_n >= 2 THEN 1 ELSE 0 END) AS n_changes
  FROM q_per
), q_rows AS (
  SELECT count(*) AS n_rows, count({_S}) AS scored,
         avg(CASE WHEN {_R} = {lit(CUSTOMER_ROLE)} AND {_S} IS NOT NULL
             THEN CAST({_NEG} AS DOUBLE) END) AS share_negative
  FROM {ident(rows)}
)
SELECT * FROM q_rows CROSS JOIN q_convs CROSS JOIN q_changes"""
    row = runner.frame(sql).iloc[0]
    n_rows, scored = int(row["n_rows"]), int(row["scored"])
    conversations = int(row["conversations"])
    n_changes = 0 if pd.isna(row["n_changes"]) else int(row["n_changes"])
    return {
        "rows": n_rows,
        "scored": scored,
        "unscored": n_rows - scored,
        "conversations": conversations,
        "customer_mean": _number(row["customer_mean"]) if conversations else math.nan,
        "agent_mean": _number(row["agent_mean"]) if conversations else math.nan,
        "share_negative": _number(row["share_negative"]),
        "mean_change": _number(row["mean_change"]) if n_changes else math.nan,
        "share_improved": _number(row["share_improved"]) if n_changes else math.nan,
        "n_changes": n_changes,
    }


def _number(value: object) -> float:
    return math.nan if value is None or pd.isna(value) else float(value)  # type: ignore[arg-type]
