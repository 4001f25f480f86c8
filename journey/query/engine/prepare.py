"""Prepared events in SQL: grouping rules, the team table and phases over a raw relation.

The semantics are those of `tests.oracle.scope.prepare_events` (grouping.apply_grouping,
then teams.apply_team_map, then phases.assign_phases), which the tests hold this module to:

- the grouping rules, the touchpoint -> team table and the touchpoint -> phase overrides are
  resolved in Python over the DISTINCT raw touchpoints (few) and joined as a VALUES table;
- phases come from window functions in path order (customer_id, timestamp, row): events
  before the first conversion are awareness, the first conversion onboarding, later support
  touches (`schema.SUPPORT_KEYWORDS` in lower(channel) or lower(touchpoint)) post-purchase,
  others onboarding up to first conversion time + onboarding_days, then engagement;
- an override replaces the rule's phase; an explicit `phase` value (normalised as
  `phases.normalise_phase`) replaces both. Unknown explicit phases are an InputError naming
  the first row holding one (`explicit_phases`).

The raw relation holds accepted events as the validator gives them: the canonical columns it
has, `row`, and a TIMESTAMP (naive UTC) or TIMESTAMPTZ timestamp. A missing touchpoint column
defaults to channel and a missing conversion column is derived as the validator does
(event types in `settings.conversion_events`, else revenue > 0). The output follows the
contract of `journey.query.engine.relation`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Final

import pandas as pd

from journey.errors import InputError, SettingsError
from journey.query.engine.relation import PREPARED_COLUMNS
from journey.query.engine.runner import Runner
from journey.query.engine.sql import DUCKDB, ident, lit, lit_list
from journey.query.grouping import apply_grouping
from journey.query.phases import normalise_phase
from journey.schema import (
    CAMPAIGN,
    CHANNEL,
    CONVERSION,
    CUSTOMER_ID,
    EVENT_TYPE,
    PHASE,
    PHASE_EXPLICIT,
    REVENUE,
    ROW,
    SUPPORT_KEYWORDS,
    TEAM,
    TIMESTAMP,
    TOUCHPOINT,
    DatasetSettings,
    Phase,
)

REQUIRED: Final = (CUSTOMER_ID, TIMESTAMP, CHANNEL, ROW)
_PREFIX: Final = "__jp_"  # internal column names; a raw column may not start with it
_PHASE_NAMES: Final = tuple(p.value for p in Phase)


def _name(suffix: str) -> str:
    return ident(_PREFIX + suffix)


def _check_columns(columns: Sequence[str]) -> None:
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        known = ", ".join(map(str, columns))
        raise SettingsError(f"events have no column(s) {', '.join(missing)} (columns: {known})")
    clash = [c for c in columns if str(c).startswith(_PREFIX)]
    if clash:
        raise SettingsError(f"column name(s) {', '.join(clash)} are reserved for the engine")


def _overrides(settings: DatasetSettings) -> dict[str, str]:
    """Touchpoint -> normalised phase; an unknown phase is the SettingsError pandas raises."""
    table: dict[str, str] = {}
    for touchpoint, phase in dict(settings.phase_overrides).items():
        name = normalise_phase(phase)
        if name is None:
            allowed = ", ".join(_PHASE_NAMES)
            msg = (
                f"phase override for {touchpoint!r}: unknown phase {phase!r}; use one of {allowed}"
            )
            raise SettingsError(msg)
        table[str(touchpoint)] = name
    return table


def touchpoint_table(
    touchpoints: Sequence[str], settings: DatasetSettings
) -> list[tuple[str, str, str | None, str | None]]:
    """(raw touchpoint, grouped touchpoint, mapped team, override phase) where any applies."""
    overrides = _overrides(settings)
    team_map = {str(k): str(v) for k, v in dict(settings.team_map).items()}
    distinct = list(dict.fromkeys(str(t) for t in touchpoints if t is not None))
    raw = pd.DataFrame({TOUCHPOINT: pd.Series(distinct, dtype="str")})
    grouped = apply_grouping(raw, settings.grouping_rules)[TOUCHPOINT].tolist()
    rows = []
    for before, after in zip(distinct, grouped, strict=True):
        team, phase = team_map.get(after), overrides.get(after)
        if after != before or team is not None or phase is not None:
            rows.append((before, after, team, phase))
    return rows


def values_table(rows: Sequence[tuple[object, ...]], names: Sequence[str], alias: str) -> str:
    """A VALUES table `alias(names)`; every cell a VARCHAR (NULLs typed: no engine guesses)."""
    cells = ["(" + ", ".join(f"CAST({lit(v)} AS VARCHAR)" for v in row) + ")" for row in rows]
    columns = ", ".join(ident(n) for n in names)
    return f"(VALUES {', '.join(cells)}) AS {ident(alias)}({columns})"


def _text(column: str, columns: Sequence[str], qualifier: str = "r") -> str:
    if column not in columns:
        return "CAST(NULL AS VARCHAR)"
    return f"CAST({qualifier}.{ident(column)} AS VARCHAR)"


def _conversion(raw: str, columns: Sequence[str], settings: DatasetSettings) -> tuple[str, str]:
    """The conversion expression, and a FROM addition it needs (validator's rule)."""
    if CONVERSION in columns:
        return f"coalesce(CAST(r.{ident(CONVERSION)} AS BOOLEAN), FALSE)", ""
    wanted = [e.strip().lower() for e in settings.conversion_events]
    if EVENT_TYPE in columns and wanted:
        lowered = f"lower(CAST(r.{ident(EVENT_TYPE)} AS VARCHAR))"
        hit = f"coalesce({lowered} IN {lit_list(wanted)}, FALSE)"
    else:
        hit = "FALSE"
    if REVENUE not in columns:
        return hit, ""
    # no event of a conversion type: a row that earned money is a conversion
    revenue = f"coalesce(CAST(r.{ident(REVENUE)} AS DOUBLE) > 0, FALSE)"
    any_hit = f"(SELECT count(*) > 0 AS {_name('any')} FROM {ident(raw)} AS r WHERE {hit})"
    expression = f"CASE WHEN h.{_name('any')} THEN {hit} ELSE {revenue} END"
    return expression, f" CROSS JOIN {any_hit} AS h"


def _explicit(columns: Sequence[str], spellings: Mapping[str, str]) -> tuple[str, str]:
    """The explicit phase (normalised) and the phase_explicit flag expressions."""
    if PHASE not in columns:
        return "CAST(NULL AS VARCHAR)", "FALSE"
    whens = " ".join(f"WHEN {lit(k)} THEN {lit(v)}" for k, v in spellings.items())
    value = (
        f"CASE CAST(r.{ident(PHASE)} AS VARCHAR) {whens} END" if whens else "CAST(NULL AS VARCHAR)"
    )
    if PHASE_EXPLICIT in columns:
        return value, f"coalesce(CAST(r.{ident(PHASE_EXPLICIT)} AS BOOLEAN), FALSE)"
    return value, f"({value}) IS NOT NULL"


def _support(channel: str, touchpoint: str) -> str:
    """SQL: a support-type touch (`phases.is_support`): a keyword in lower(channel/touchpoint)."""
    # one regular expression (RE2 in DuckDB, Java's in Spark via RLIKE): the keywords are
    # plain lower-case words, so the alternation matches exactly their substrings
    if not all(re.fullmatch(r"[a-z ]+", keyword) for keyword in SUPPORT_KEYWORDS):
        raise SettingsError("support keywords must be lower-case letters and spaces")
    pattern = lit("|".join(SUPPORT_KEYWORDS))
    tests = [f"regexp_matches(lower({column}), {pattern})" for column in (channel, touchpoint)]
    return "coalesce(" + " OR ".join(tests) + ", FALSE)"


def prepare_sql(
    raw: str,
    columns: Sequence[str],
    settings: DatasetSettings,
    touchpoints: Sequence[str],
    phase_spellings: Mapping[str, str] | None = None,
    timestamp_tz: bool = False,
    phases: bool = True,
) -> str:
    """A SELECT of prepared events (relation contract) from the raw relation `raw`.

    Without `phases`, the events without their `phase` and `phase_explicit` columns: no
    first conversion per customer is looked for (a query reading no phase pays nothing
    for it; DuckDB keeps that join in every plan otherwise).

    Args:
        raw: The relation of accepted events.
        columns: Its columns, in order (optional canonical columns may be missing).
        settings: Grouping rules, team table, phase overrides, onboarding window.
        touchpoints: The distinct raw touchpoints (channels when there is no touchpoint).
        phase_spellings: Explicit phase value -> phase (`explicit_phases`); others are not
            explicit.
        timestamp_tz: The raw timestamp is a DuckDB TIMESTAMPTZ (converted to naive UTC).
        phases: With the phase columns (else see above).
    """
    _check_columns(columns)
    if settings.onboarding_days < 0:
        msg = f"onboarding window must be 0 days or more, got {settings.onboarding_days}"
        raise SettingsError(msg)
    table = touchpoint_table(touchpoints, settings)
    raw_tp = _text(TOUCHPOINT if TOUCHPOINT in columns else CHANNEL, columns)
    ts = f"r.{ident(TIMESTAMP)}"
    stamp = f"timezone('UTC', {ts})" if timestamp_tz else f"CAST({ts} AS TIMESTAMP)"
    team = _text(TEAM, columns)
    joins = ""
    touchpoint, override = raw_tp, "CAST(NULL AS VARCHAR)"
    if table:
        names = [_PREFIX + n for n in ("tp", "grouped", "team", "phase")]
        joins = f" LEFT JOIN {values_table(table, names, 'm')} ON {raw_tp} = m.{_name('tp')}"
        touchpoint = f"coalesce(m.{_name('grouped')}, {raw_tp})"
        team = f"coalesce(m.{_name('team')}, {team})"
        override = f"m.{_name('phase')}"
    conversion, cross = _conversion(raw, columns, settings)
    explicit_value, explicit_flag = _explicit(columns, phase_spellings or {})
    extras = [c for c in columns if c not in PREPARED_COLUMNS]
    select = [
        f"CAST(r.{ident(CUSTOMER_ID)} AS VARCHAR) AS {ident(CUSTOMER_ID)}",
        f"{stamp} AS {ident(TIMESTAMP)}",
        f"CAST(r.{ident(ROW)} AS BIGINT) AS {ident(ROW)}",
        f"{_text(CHANNEL, columns)} AS {ident(CHANNEL)}",
        f"{touchpoint} AS {ident(TOUCHPOINT)}",
        f"{_text(EVENT_TYPE, columns)} AS {ident(EVENT_TYPE)}",
        f"{_text(CAMPAIGN, columns)} AS {ident(CAMPAIGN)}",
        f"{team} AS {ident(TEAM)}",
        f"{conversion} AS {ident(CONVERSION)}",
        (f"CAST(r.{ident(REVENUE)} AS DOUBLE)" if REVENUE in columns else "CAST(NULL AS DOUBLE)")
        + f" AS {ident(REVENUE)}",
        f"{override} AS {_name('override')}",
        f"{explicit_value} AS {_name('explicit')}",
        f"{explicit_flag} AS {ident(PHASE_EXPLICIT)}",
        *(f"{_text(c, columns)} AS {ident(c)}" for c in extras),
    ]
    source = f"{ident(raw)} AS r{joins}{cross}"
    if not phases:
        head = [n for n in PREPARED_COLUMNS if n not in (PHASE, PHASE_EXPLICIT)] + extras
        outputs = ", ".join(ident(n) for n in head)
        return f"SELECT {outputs} FROM (SELECT {', '.join(select)} FROM {source}) AS e"
    return _phase_query(", ".join(select), source, settings.onboarding_days, extras)


def _phase_query(select: str, source: str, onboarding_days: int, extras: Sequence[str]) -> str:
    """Wrap the per-event SELECT with the first conversion per customer and the phase rules.

    The first conversion in path order is the conversion with the least (timestamp, row):
    found by grouping the conversions (few) and joined back, so no event is sorted.
    """
    c, ts, row, conv = ident(CUSTOMER_ID), ident(TIMESTAMP), ident(ROW), ident(CONVERSION)
    src, first_ts, first_row = _name("src"), _name("conv_ts"), _name("conv_row")
    awareness, onboarding, engagement, post = (lit(p) for p in _PHASE_NAMES)
    at_first = f"e.{ts} = f.{first_ts} AND e.{row} = f.{first_row}"
    before = f"e.{ts} < f.{first_ts} OR (e.{ts} = f.{first_ts} AND e.{row} < f.{first_row})"
    phase = (
        f"CASE WHEN e.{ident(PHASE_EXPLICIT)} THEN e.{_name('explicit')} "
        f"WHEN e.{_name('override')} IS NOT NULL THEN e.{_name('override')} "
        f"WHEN f.{first_ts} IS NULL OR {before} THEN {awareness} "
        f"WHEN {at_first} THEN {onboarding} "
        f"WHEN {_support(f'e.{ident(CHANNEL)}', f'e.{ident(TOUCHPOINT)}')} THEN {post} "
        f"WHEN e.{ts} <= f.{first_ts} + INTERVAL {int(onboarding_days)} DAY THEN {onboarding} "
        f"ELSE {engagement} END"
    )
    head = [name for name in PREPARED_COLUMNS if name not in (PHASE, PHASE_EXPLICIT)]
    outputs = [f"e.{ident(name)}" for name in head]
    outputs += [f"{phase} AS {ident(PHASE)}", f"e.{ident(PHASE_EXPLICIT)}"]
    outputs += [f"e.{ident(name)}" for name in extras]
    return (
        f"WITH {src} AS (SELECT {select} FROM {source}), "
        f"{_name('first_ts')} AS (SELECT {c}, min({ts}) AS {first_ts} FROM {src} "
        f"WHERE {conv} GROUP BY {c}), "
        f"{_name('firsts')} AS (SELECT s.{c}, f.{first_ts}, min(s.{row}) AS {first_row} "
        f"FROM {src} AS s JOIN {_name('first_ts')} AS f "
        f"ON s.{c} = f.{c} AND s.{ts} = f.{first_ts} WHERE s.{conv} "
        f"GROUP BY s.{c}, f.{first_ts}) "
        f"SELECT {', '.join(outputs)} FROM {src} AS e LEFT JOIN {_name('firsts')} AS f "
        f"ON e.{c} = f.{c}"
    )


def relation_columns(runner: Runner, relation: str) -> pd.DataFrame:
    """An empty frame with the relation's columns and (pandas) types."""
    return runner.frame(f"SELECT * FROM {ident(relation)} LIMIT 0")


def explicit_phases(runner: Runner, raw: str, columns: Sequence[str]) -> dict[str, str]:
    """Explicit phase spellings -> phase; an unknown one is an InputError naming its first row."""
    if PHASE not in columns:
        return {}
    p = ident(PHASE)
    flagged = PHASE_EXPLICIT in columns
    where = f"{p} IS NOT NULL" + (
        f" AND coalesce(CAST({ident(PHASE_EXPLICIT)} AS BOOLEAN), FALSE)" if flagged else ""
    )
    found = runner.frame(
        f"SELECT CAST({p} AS VARCHAR) AS v, min({ident(ROW)}) AS r "
        f"FROM {ident(raw)} WHERE {where} GROUP BY CAST({p} AS VARCHAR)"
    )
    spellings: dict[str, str] = {}
    bad: list[tuple[int, str]] = []
    for value, row in zip(found["v"].tolist(), found["r"].tolist(), strict=True):
        if not flagged and not str(value).strip():
            continue  # blank: no explicit phase
        name = normalise_phase(value)
        if name is None:
            bad.append((int(row), str(value)))
        else:
            spellings[str(value)] = name
    if bad:
        row, value = min(bad)
        allowed = ", ".join(_PHASE_NAMES)
        raise InputError("events", row, PHASE, f"unknown phase {value!r}; use one of {allowed}")
    return spellings


def prepare(
    runner: Runner,
    raw: str,
    settings: DatasetSettings,
    name: str,
    materialise: bool = True,
    phases: bool = True,
) -> None:
    """Create `name` (a table, or a view when not `materialise`) of prepared events from `raw`.

    Without `phases` it has no `phase` and `phase_explicit` columns (see `prepare_sql`).
    """
    empty = relation_columns(runner, raw)
    columns = [str(c) for c in empty.columns]
    _check_columns(columns)
    touchpoints: list[str] = []
    if settings.grouping_rules or settings.team_map or settings.phase_overrides:
        # the touchpoint table lists only touchpoints a rule, team or override applies to:
        # without any, it is empty whatever the data (no scan of it)
        source = TOUCHPOINT if TOUCHPOINT in columns else CHANNEL
        distinct = runner.frame(
            f"SELECT DISTINCT CAST({ident(source)} AS VARCHAR) AS t FROM {ident(raw)} "
            f"WHERE {ident(source)} IS NOT NULL"
        )
        touchpoints = distinct["t"].tolist()
    stamps = empty[TIMESTAMP].dtype
    timestamp_tz = runner.dialect == DUCKDB and isinstance(stamps, pd.DatetimeTZDtype)
    sql = prepare_sql(
        raw,
        columns,
        settings,
        touchpoints,
        explicit_phases(runner, raw, columns) if phases else {},
        timestamp_tz,
        phases,
    )
    runner.drop(name)  # a view and a table of one name cannot replace each other
    if materialise:
        runner.table(name, sql)
    else:
        runner.view(name, sql)
