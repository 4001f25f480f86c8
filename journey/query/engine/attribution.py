"""What attribution needs from the events, in SQL: heuristic credits and unique path counts.

The paths are those of `journey.attribution.paths.build_path_set` (the pandas reference):
events cut at conversions (`journey.query.engine.segments`), touches outside the lookback
window or of an excluded channel / event type dropped, a conversion left without any touch
keeping one `(none)` touch, a non-converting path left empty dropped. On those paths:

- `heuristic_credits`: per level value, the conversions and revenue each heuristic model
  credits (per-touch weights summed in SQL; revenue by the same weights as the conversion);
- `unique_paths`: distinct paths (consecutive repeats collapsed, as the Markov chain reads
  them) with their conversions, non-conversions and revenue: what Markov and Shapley consume;
- `chain_counts`: the order-k Markov chain's transitions (collapsed paths, states keyed by
  their last k label codes) with their counts, and revenue by last state: all the Markov model
  reads, so a chain never brings one row per path or per touch out of the engine;
- `path_counts`: distinct uncollapsed paths as text, as `paths.count_paths` lists them.

This module computes no attribution maths (the arrows: query never imports attribution);
`journey.attribution.engine` turns these frames into model results.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from journey.errors import SettingsError
from journey.query.engine.common import (
    ENUM_MAX_VALUES,
    US_PER_DAY,
    distinct_text,
    micros,
    temp_name,
    typed,
)
from journey.query.engine.runner import Runner
from journey.query.engine.segments import DEFAULT_WINDOW_DAYS, NOT_SET, path_events
from journey.query.engine.sql import DUCKDB, ident, lit, lit_list
from journey.schema import CHANNEL, CUSTOMER_ID, PATH_SEPARATOR

NO_TOUCH = "(none)"  # a conversion whose every touch was excluded
DIRECT = "direct"  # channel skipped by last_non_direct, compared case-insensitively
HEURISTIC_MODELS = ("first", "last", "last_non_direct", "linear", "time_decay", "position")


@dataclass(frozen=True)
class PathSpec:
    """Which paths: the level, the lookback window (0 = unlimited) and the exclusions."""

    level: str = CHANNEL
    window_days: float = DEFAULT_WINDOW_DAYS
    exclude_channels: tuple[str, ...] = ()
    exclude_event_types: tuple[str, ...] = ()


def touches_sql(events: str, spec: PathSpec, names: Sequence[str] | None = None) -> str:
    """SQL: one row per kept touch of each path (c, path_no), in the relation `touches` holds.

    Columns c, path_no, r (row; NULL for a `(none)` touch), value, direct, age_days (days
    before the conversion; 0 on non-converting paths), conv (1.0 / 0.0), revenue (the path's),
    pos (1-based in path order), length, non_direct_r (row of the path's last non-direct
    touch), youngest (the path's smallest age), run_start (the value differs from the touch
    before), previous (the value of the touch before; NULL on the first), final (the path's
    last value). One window specification (per path, in path order) computes the per-path
    columns.
    `names` (DuckDB, `value_names`): every value; the windows sort them as an ENUM.
    """
    excluded = []
    if spec.exclude_channels:
        excluded.append(f"coalesce(channel IN {lit_list(spec.exclude_channels)}, FALSE)")
    if spec.exclude_event_types:
        excluded.append(f"coalesce(event_type IN {lit_list(spec.exclude_event_types)}, FALSE)")
    keep = "in_window" + "".join(f" AND NOT {e}" for e in excluded)
    age = f"CAST({micros('conv_time')} - {micros('ts')} AS DOUBLE) / {US_PER_DAY}.0"
    path = "PARTITION BY c, path_no ORDER BY ts, r"
    whole = f"({path} ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)"
    zero, one = _double(0), _double(1)
    # a converting event is always in its window: only exclusions leave a conversion untouched
    none = (
        f""", q_none AS (
    SELECT c, path_no, CAST(NULL AS BIGINT) AS r, {lit(NO_TOUCH)} AS value, FALSE AS direct,
           {zero} AS age_days, {one} AS conv, path_revenue AS revenue,
           CAST(1 AS BIGINT) AS pos, CAST(1 AS BIGINT) AS length,
           CAST(NULL AS BIGINT) AS non_direct_r, {zero} AS youngest, TRUE AS run_start,
           CAST(NULL AS VARCHAR) AS previous, {lit(NO_TOUCH)} AS final
    FROM q_pe p WHERE conv AND NOT ({keep}) AND NOT EXISTS (
        SELECT 1 FROM q_kept k WHERE k.c = p.c AND k.path_no = p.path_no)
)"""
        if excluded
        else ""
    )
    return f"""
WITH q_pe AS ({path_events(events, spec.level, spec.window_days, names)}),
q_kept AS (
    SELECT c, path_no, r, CAST(v AS VARCHAR) AS value, direct, age_days, conv, revenue,
           row_number() OVER ({path}) AS pos,
           count(*) OVER {whole} AS length,
           last_value(CASE WHEN NOT direct THEN r END IGNORE NULLS) OVER {whole} AS non_direct_r,
           min(age_days) OVER {whole} AS youngest,
           lag(v) OVER ({path}) IS DISTINCT FROM v AS run_start,
           lag(v) OVER ({path}) AS previous, last_value(v) OVER {whole} AS final
    FROM (
        SELECT c, path_no, ts, r, value AS v,
               coalesce(lower(channel) = {lit(DIRECT)}, FALSE) AS direct,
               CASE WHEN converted THEN {age} ELSE {zero} END AS age_days,
               CASE WHEN converted THEN {one} ELSE {zero} END AS conv, path_revenue AS revenue
        FROM q_pe WHERE {keep}
    ) AS k
){none}
SELECT * FROM q_kept{" UNION ALL SELECT * FROM q_none" if excluded else ""}"""


def _check_weights(weights: Sequence[float]) -> tuple[float, float, float]:
    if len(weights) != 3 or any((not math.isfinite(w)) or w < 0 for w in weights):
        raise SettingsError(
            "position weights must be three non-negative numbers: first, middle, last"
        )
    first, middle, last = (float(w) for w in weights)
    if abs(first + middle + last - 1.0) > 1e-6 or first + last <= 0:
        raise SettingsError(
            "position weights must add up to 1 with first + last > 0, "
            f"got {first}, {middle}, {last}"
        )
    return first, middle, last


def _weights(half_life_days: float, position_weights: Sequence[float]) -> dict[str, str]:
    """SQL per model: a touch's fraction of its path's conversion (sums to 1 per path)."""
    first, middle, last = _check_weights(position_weights)
    ends = first + last
    if not math.isfinite(half_life_days) or half_life_days <= 0:
        raise SettingsError(f"half-life must be a positive number of days, got {half_life_days}")
    one, zero = _double(1.0), _double(0.0)
    return {
        "first": f"CASE WHEN pos = 1 THEN {one} ELSE {zero} END",
        "last": f"CASE WHEN pos = length THEN {one} ELSE {zero} END",
        "last_non_direct": (
            "CASE WHEN (non_direct_r IS NULL AND pos = length) OR r = non_direct_r "
            f"THEN {one} ELSE {zero} END"
        ),
        "linear": f"{one} / length",
        "time_decay": "decay / sum(decay) OVER (PARTITION BY c, path_no)",
        "position": f"""CASE WHEN length = 1 THEN {one}
            WHEN length = 2 THEN (CASE WHEN pos = 1 THEN {_double(first / ends)}
                                  ELSE {_double(last / ends)} END)
            WHEN pos = 1 THEN {_double(first)} WHEN pos = length THEN {_double(last)}
            ELSE {_double(middle)} / (length - 2) END""",
    }


def _double(value: float) -> str:
    """SQL: a DOUBLE literal (a bare 0.4 is a DECIMAL in DuckDB and Spark)."""
    return f"CAST({float(value)!r} AS DOUBLE)"


@contextmanager
def touches(runner: Runner, events: str, spec: PathSpec) -> Iterator[str]:
    """Materialise the kept touches of `events` as a temporary table; yield its name, drop it."""
    name = temp_name("q_touches")
    runner.table(name, touches_sql(events, spec, value_names(runner, events, spec.level)))
    try:
        yield name
    finally:
        runner.drop(name)


def value_names(runner: Runner, events: str, level: str) -> list[str] | None:
    """Every value `touches_sql` gives at `level`, on DuckDB and when few; else None."""
    if runner.dialect != DUCKDB:
        return None
    names = sorted({*distinct_text(runner, events, level), NOT_SET})
    return names if len(names) <= ENUM_MAX_VALUES else None


def heuristic_credits(
    runner: Runner,
    kept: str,
    models: Sequence[str] = HEURISTIC_MODELS,
    half_life_days: float = 7.0,
    position_weights: Sequence[float] = (0.4, 0.2, 0.4),
) -> pd.DataFrame:
    """Per level value of the `touches` (sorted): conversions and revenue each model credits.

    Columns value, then `<model>_conversions` and `<model>_revenue` per model, and
    `total_conversions` (repeated: the number of converting paths) and `total_revenue`.
    """
    unknown = [m for m in models if m not in HEURISTIC_MODELS]
    if unknown:
        raise SettingsError(f"unknown heuristic model {unknown[0]!r}")
    needed = _weights(
        half_life_days if "time_decay" in models else 1.0,
        position_weights if "position" in models else (0.4, 0.2, 0.4),
    )
    decay = f"pow({_double(2)}, -(age_days - youngest) / {_double(half_life_days)})"
    sums = "".join(
        f", sum(w_{m} * conv) AS {m}_conversions, sum(w_{m} * revenue) AS {m}_revenue"
        for m in models
    )
    weights = "".join(f", {needed[m]} AS w_{m}" for m in models)
    sql = f"""
WITH q_t AS (SELECT * FROM {ident(kept)}),
q_d AS (
    SELECT *, {decay if "time_decay" in models else _double(1)} AS decay FROM q_t
), q_w AS (SELECT *{weights} FROM q_d),
q_totals AS (
    SELECT sum(conv) AS total_conversions, sum(revenue) AS total_revenue
    FROM q_t WHERE pos = 1
)
SELECT v.*, t.total_conversions, t.total_revenue FROM (
    SELECT value{sums} FROM q_w GROUP BY value
) AS v CROSS JOIN q_totals t
ORDER BY value"""
    out = runner.frame(sql)
    dtypes = {"value": "str"} | {
        f"{m}_{kind}": "float64" for m in models for kind in ("conversions", "revenue")
    }
    return typed(out, dtypes | {"total_conversions": "float64", "total_revenue": "float64"})


@dataclass(frozen=True)
class CountedPaths:
    """Distinct paths in ragged form: touches of path p are `codes[offsets[p]:offsets[p + 1]]`."""

    offsets: np.ndarray  # int64, n_paths + 1
    codes: np.ndarray  # int64 per touch: index into the labels
    conversions: np.ndarray  # float64 per path
    nulls: np.ndarray  # float64 per path
    revenue: np.ndarray  # float64 per path


def list_arrays(column: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """An Arrow list column as (offsets, flat int64 values); a NULL list reads as empty."""
    lengths = pc.fill_null(pc.list_value_length(column), 0).to_numpy()
    values = pc.list_flatten(column).to_numpy()
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return offsets, np.asarray(values, dtype=np.int64)


def key_arrays(keys: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Space-separated code keys ("3 0 2"; "" is an empty path) as (offsets, flat int64 values)."""
    text = keys.astype("str").fillna("")
    lengths = np.where(text.str.len().to_numpy() > 0, text.str.count(" ").to_numpy() + 1, 0)
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    joined = " ".join(text[lengths > 0].tolist())
    return offsets, np.array(joined.split(), dtype=np.int64)


def unique_paths(runner: Runner, kept: str) -> tuple[list[str], CountedPaths]:
    """The labels (sorted) and the distinct collapsed paths of `touches` as codes, weighted.

    Each path's codes are in touch order, consecutive repeats collapsed; paths are grouped
    and ordered by their text key inside the engine (DuckDB spills it under its memory
    limit). DuckDB hands them over as an Arrow list column (flat values and offsets: no
    Python object per path); Spark, whose ordered list aggregate does not translate, as the
    text keys, split in numpy.
    """
    labels = [
        str(v)
        for v in runner.frame(f"SELECT DISTINCT value FROM {ident(kept)} ORDER BY value")["value"]
    ]
    duck = runner.dialect == DUCKDB
    # grouped by text (DuckDB spills it within its memory limit), handed over as integer lists
    key = "CAST(string_split(path_key, ' ') AS BIGINT[])" if duck else "path_key"
    sql = f"""
WITH q_t AS (SELECT * FROM {ident(kept)}),
q_labels AS (
    SELECT value, row_number() OVER (ORDER BY value) - 1 AS code
    FROM (SELECT DISTINCT value FROM q_t) AS d
), q_paths AS (
    SELECT string_agg(CAST(l.code AS VARCHAR), ' ' ORDER BY t.pos) AS path_key,
           max(t.conv) AS conv, max(t.revenue) AS revenue
    FROM q_t t JOIN q_labels l ON l.value = t.value WHERE t.run_start
    GROUP BY t.c, t.path_no
)
SELECT {key} AS path_key, conversions, nulls, revenue FROM (
    SELECT path_key, CAST(sum(conv) AS DOUBLE) AS conversions,
           CAST(sum(1 - conv) AS DOUBLE) AS nulls, CAST(sum(revenue) AS DOUBLE) AS revenue
    FROM q_paths GROUP BY path_key
) AS g ORDER BY g.path_key"""
    if duck:
        table = runner.arrow(sql)
        offsets, codes = list_arrays(table.column("path_key"))
        weights = {c: table.column(c).to_numpy() for c in ("conversions", "nulls", "revenue")}
    else:
        out = runner.frame(sql)
        offsets, codes = key_arrays(out["path_key"])
        weights = {c: out[c].to_numpy() for c in ("conversions", "nulls", "revenue")}
    return labels, CountedPaths(
        offsets=offsets,
        codes=codes,
        **{c: np.asarray(w, dtype=np.float64) for c, w in weights.items()},
    )


def path_counts(runner: Runner, kept: str) -> pd.DataFrame:
    """Distinct paths of `touches` as text (" > "-joined, uncollapsed), with their counts.

    Columns path, n_conversions, n_null, revenue.
    As `paths.count_paths(paths.conversion_paths(...))`: by n_conversions descending, n_null
    descending, path.
    """
    sql = f"""
WITH q_t AS (SELECT * FROM {ident(kept)}),
q_paths AS (
    SELECT string_agg(value, {lit(PATH_SEPARATOR)} ORDER BY pos) AS path,
           max(conv) AS conv, max(revenue) AS revenue
    FROM q_t GROUP BY c, path_no
)
SELECT path, CAST(sum(conv) AS BIGINT) AS n_conversions, CAST(sum(1 - conv) AS BIGINT) AS n_null,
       sum(revenue) AS revenue
FROM q_paths GROUP BY path
ORDER BY n_conversions DESC, n_null DESC, path"""
    dtypes = {"path": "str", "n_conversions": "int64", "n_null": "int64", "revenue": "float64"}
    return typed(runner.frame(sql), dtypes)


START_KEY = 0  # chain_counts' key of the (start) state
CONVERSION_KEY = -1  # chain_counts' target key of (conversion)
NULL_KEY = -2  # chain_counts' target key of (null)


@dataclass(frozen=True)
class ChainCounts:
    """An order-k chain's observed transitions, counted in the engine.

    A state's key is sum over lag < k of (code + 1) * base**lag, the code of the touch `lag`
    steps back on the collapsed path (-1 where the path is shorter), base = labels + 1: the
    keys `journey.attribution.markov` numbers its states by. Target keys -1 and -2 are
    (conversion) and (null); `revenue` is non-zero on rows into (conversion) only.
    """

    labels: list[str]
    base: int
    source: np.ndarray  # int64 state key (START_KEY = (start))
    target: np.ndarray  # int64 state key, CONVERSION_KEY or NULL_KEY
    count: np.ndarray  # float64: paths taking the transition
    revenue: np.ndarray  # float64: revenue of the paths ending with it (into conversion)


def _state_key(codes: Sequence[str], base: int) -> str:
    """SQL: a state key from the codes at lag 0, 1, ... (NULL where the path is shorter)."""
    return " + ".join(
        f"(coalesce({code}, -1) + 1) * CAST({base**lag} AS BIGINT)"
        for lag, code in enumerate(codes)
    )


def chain_counts(runner: Runner, kept: str, order: int) -> ChainCounts:
    """The collapsed paths' order-`order` transitions of `touches`, with counts and revenue.

    One window pass over the run starts gives each touch its last `order` codes (its state)
    and the `order` before (the previous state); the grouped rows are one per observed
    transition, so what leaves the engine grows with the states, not with paths or events.
    """
    if order not in (1, 2, 3):
        raise SettingsError(f"Markov order must be 1, 2 or 3, got {order}")
    labels = [
        str(v)
        for v in runner.frame(f"SELECT DISTINCT value FROM {ident(kept)} ORDER BY value")["value"]
    ]
    base = len(labels) + 1
    if base**order >= 2**62:
        raise SettingsError(
            f"too many distinct values ({base - 1}) for a Markov chain of order {order}"
        )
    transitions = _first_order_sql(kept) if order == 1 else _transitions_sql(kept, order, base)
    sql = f"""{transitions}
SELECT source, target, CAST(sum(w) AS DOUBLE) AS count, CAST(sum(rev) AS DOUBLE) AS revenue
FROM q_x
GROUP BY source, target
ORDER BY source, target"""
    out = runner.frame(sql)
    return ChainCounts(
        labels=labels,
        base=base,
        source=out["source"].to_numpy(dtype=np.int64),
        target=out["target"].to_numpy(dtype=np.int64),
        count=out["count"].to_numpy(dtype=np.float64),
        revenue=out["revenue"].fillna(0.0).to_numpy(dtype=np.float64),
    )


def _first_order_sql(kept: str) -> str:
    """SQL: `_transitions_sql`'s q_x at order 1, read off the touches without a sort.

    A run's first touch goes from the value before it (the previous run's: runs are maximal)
    or from (start); each path, on its first touch, leaves its final value for (conversion)
    with its weight and revenue, and for (null) with the rest. The touches are grouped by
    value first (few groups), and a state's key is its code + 1.
    """
    zero = _double(0)
    table = ident(kept)
    return f"""
WITH q_labels AS (
    SELECT value, row_number() OVER (ORDER BY value) - 1 AS code
    FROM (SELECT DISTINCT value FROM {table}) AS d
), q_runs AS (
    SELECT previous, value, count(*) AS n FROM {table} WHERE run_start
    GROUP BY previous, value
), q_ends AS (
    SELECT final, sum(conv) AS conv, sum(revenue) AS rev, count(*) AS n FROM {table}
    WHERE pos = 1 GROUP BY final
), q_x AS (
    SELECT CASE WHEN r.previous IS NULL THEN CAST({START_KEY} AS BIGINT)
                ELSE CAST(p.code + 1 AS BIGINT) END AS source,
           CAST(l.code + 1 AS BIGINT) AS target, CAST(r.n AS DOUBLE) AS w, {zero} AS rev
    FROM q_runs r JOIN q_labels l ON l.value = r.value
    LEFT JOIN q_labels p ON p.value = r.previous
    UNION ALL
    SELECT CAST(f.code + 1 AS BIGINT) AS source, CAST({CONVERSION_KEY} AS BIGINT) AS target,
           e.conv AS w, e.rev AS rev
    FROM q_ends e JOIN q_labels f ON f.value = e.final
    UNION ALL
    SELECT CAST(f.code + 1 AS BIGINT) AS source, CAST({NULL_KEY} AS BIGINT) AS target,
           CAST(e.n AS DOUBLE) - e.conv AS w, {zero} AS rev
    FROM q_ends e JOIN q_labels f ON f.value = e.final
)"""


def _transitions_sql(kept: str, order: int, base: int, ranks: str | None = None) -> str:
    """SQL: CTEs ending with q_x, one row per transition of each collapsed path of `touches`.

    Columns source, target (state keys), w (the path's weight: 1 between touches, conv into
    (conversion), 1 - conv into (null)) and rev (its revenue, on the row into (conversion)).
    With `ranks` (a `customer_ranks` table) rows also carry the customer's rank, `customer`.
    """
    path = "PARTITION BY t.c, t.path_no ORDER BY t.pos"
    lags = "".join(f", lag(l.code, {k}) OVER ({path}) AS k{k}" for k in range(1, order + 1))
    codes = ["k0", *(f"k{k}" for k in range(1, order + 1))]
    target = _state_key(codes[:order], base)
    source = f"CASE WHEN k1 IS NULL THEN {START_KEY} ELSE {_state_key(codes[1:], base)} END"
    zero, one = _double(0), _double(1)
    customer, join, carry = "", "", ""
    if ranks is not None:
        customer = "k.c_rank AS customer, "
        join = f" JOIN {ident(ranks)} k ON k.c = t.c"
        carry = "customer, "
    return f"""
WITH q_t AS (SELECT * FROM {ident(kept)}),
q_labels AS (
    SELECT value, row_number() OVER (ORDER BY value) - 1 AS code
    FROM (SELECT DISTINCT value FROM q_t) AS d
), q_c AS (
    SELECT {customer}t.conv AS conv, t.revenue AS revenue, l.code AS k0{lags},
           lead(l.code) OVER ({path}) IS NULL AS is_last
    FROM q_t t JOIN q_labels l ON l.value = t.value{join} WHERE t.run_start
), q_s AS (
    SELECT {carry}CAST({source} AS BIGINT) AS source, CAST({target} AS BIGINT) AS target,
           conv, revenue, is_last
    FROM q_c
), q_x AS (
    SELECT {carry}source, target, {one} AS w, {zero} AS rev FROM q_s
    UNION ALL
    SELECT {carry}target AS source, CAST({CONVERSION_KEY} AS BIGINT) AS target, conv AS w,
           revenue AS rev
    FROM q_s WHERE is_last
    UNION ALL
    SELECT {carry}target AS source, CAST({NULL_KEY} AS BIGINT) AS target, {one} - conv AS w,
           {zero} AS rev
    FROM q_s WHERE is_last
)"""


# -- per customer, for the bootstrap ----------------------------------------------------------

SHAPLEY = "shapley"  # `customer_credits`' equal split over a path's distinct values


@contextmanager
def customer_ranks(runner: Runner, events: str) -> Iterator[tuple[str, int]]:
    """Materialise every customer of `events` with its rank in id order (c, c_rank; 0-based).

    Yields the temporary table's name and the number of customers; drops it afterwards.
    Ids are ranked as text, code point by code point, as `paths.customer_rank` ranks them.
    """
    name = temp_name("q_ranks")
    c = ident(CUSTOMER_ID)
    runner.table(
        name,
        f"""SELECT c, row_number() OVER (ORDER BY CAST(c AS VARCHAR)) - 1 AS c_rank
FROM (SELECT DISTINCT {c} AS c FROM {ident(events)} WHERE {c} IS NOT NULL) AS d""",
    )
    try:
        # a frame, not `scalar`: DuckDB refuses `arrow` after an unfetched `scalar` result
        count = runner.frame(f"SELECT count(*) AS n FROM {ident(name)}")["n"].iloc[0]
        yield name, int(count)
    finally:
        runner.drop(name)


def touch_labels(runner: Runner, kept: str) -> list[str]:
    """The level values of `touches`, sorted: label code i is the i-th."""
    sql = f"SELECT DISTINCT value FROM {ident(kept)} ORDER BY value"
    return [str(v) for v in runner.frame(sql)["value"]]


@dataclass(frozen=True)
class CustomerCredits:
    """Credited conversions per (customer rank, label code), one float64 column per model."""

    customer: np.ndarray  # int64 rank (`customer_ranks`)
    code: np.ndarray  # int64 label code (`touch_labels`)
    credit: dict[str, np.ndarray]  # model -> float64 per row


def customer_credits(
    runner: Runner,
    kept: str,
    ranks: str,
    models: Sequence[str],
    half_life_days: float = 7.0,
    position_weights: Sequence[float] = (0.4, 0.2, 0.4),
) -> CustomerCredits:
    """Each model's credited conversions per customer and level value of `touches`.

    Heuristic models: the touch weights of `heuristic_credits` times the conversion;
    `SHAPLEY`: each converting path's conversion split equally over its distinct values.
    Only converting paths carry credit; one row per (customer, value) they touch.
    """
    unknown = [m for m in models if m not in (*HEURISTIC_MODELS, SHAPLEY)]
    if unknown:
        raise SettingsError(f"unknown attribution model {unknown[0]!r}")
    heuristics = [m for m in models if m in HEURISTIC_MODELS]
    needed = _weights(
        half_life_days if "time_decay" in heuristics else 1.0,
        position_weights if "position" in heuristics else (0.4, 0.2, 0.4),
    )
    zero, one = _double(0), _double(1)
    decay = (
        f"pow({_double(2)}, -(age_days - youngest) / {_double(half_life_days)})"
        if "time_decay" in heuristics
        else one
    )
    weights = "".join(f", {needed[m]} AS w_{m}" for m in heuristics)
    sums = ", ".join(
        f"CAST(sum(t.w_{m} * t.conv) AS DOUBLE) AS m_{m}"
        if m in heuristics
        else f"CAST(sum(CASE WHEN t.first_of_value THEN t.conv / t.n_values ELSE {zero} END)"
        f" AS DOUBLE) AS m_{m}"
        for m in models
    )
    sql = f"""
WITH q_t AS (SELECT * FROM {ident(kept)} WHERE conv > 0),
q_labels AS (
    SELECT value, row_number() OVER (ORDER BY value) - 1 AS code
    FROM (SELECT DISTINCT value FROM {ident(kept)}) AS d
), q_d AS (
    SELECT *, {decay} AS decay,
           row_number() OVER (PARTITION BY c, path_no, value ORDER BY pos) = 1 AS first_of_value
    FROM q_t
), q_w AS (
    SELECT *{weights},
           sum(CASE WHEN first_of_value THEN {one} ELSE {zero} END)
               OVER (PARTITION BY c, path_no) AS n_values
    FROM q_d
)
SELECT k.c_rank AS customer, l.code AS code{", " + sums if sums else ""}
FROM q_w t JOIN q_labels l ON l.value = t.value JOIN {ident(ranks)} k ON k.c = t.c
GROUP BY k.c_rank, l.code"""
    table = runner.arrow(sql)
    return CustomerCredits(
        customer=np.asarray(table.column("customer").to_numpy(), dtype=np.int64),
        code=np.asarray(table.column("code").to_numpy(), dtype=np.int64),
        credit={m: np.asarray(table.column(f"m_{m}").to_numpy(), dtype=np.float64) for m in models},
    )


@dataclass(frozen=True)
class CustomerTransitions:
    """An order-k chain's transitions counted per customer (keys as `ChainCounts`)."""

    labels: list[str]
    base: int
    order: int
    customer: np.ndarray  # int64 rank (`customer_ranks`)
    source: np.ndarray  # int64 state key (START_KEY = (start))
    target: np.ndarray  # int64 state key, CONVERSION_KEY or NULL_KEY
    count: np.ndarray  # float64: the customer's paths taking the transition (never 0)


def customer_transitions(runner: Runner, kept: str, ranks: str, order: int) -> CustomerTransitions:
    """`chain_counts`' transitions of `touches` per customer rank (rows of count 0 left out)."""
    if order not in (1, 2, 3):
        raise SettingsError(f"Markov order must be 1, 2 or 3, got {order}")
    labels = touch_labels(runner, kept)
    base = len(labels) + 1
    if base**order >= 2**62:
        raise SettingsError(
            f"too many distinct values ({base - 1}) for a Markov chain of order {order}"
        )
    sql = f"""{_transitions_sql(kept, order, base, ranks)}
SELECT customer, source, target, CAST(sum(w) AS DOUBLE) AS count
FROM q_x
GROUP BY customer, source, target
HAVING sum(w) <> 0"""
    table = runner.arrow(sql)
    return CustomerTransitions(
        labels=labels,
        base=base,
        order=order,
        **{
            c: np.asarray(table.column(c).to_numpy(), dtype=np.int64)
            for c in ("customer", "source", "target")
        },
        count=np.asarray(table.column("count").to_numpy(), dtype=np.float64),
    )
