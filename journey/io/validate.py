"""Row rules: turn a mapped RawTable into accepted rows (contract dtypes) and rejects.

Every data row ends up either accepted or rejected with one reject per (row, column, reason),
so rows read = rows accepted + distinct rejected rows, always. Parsers are vectorised: each
tries a few pandas/pyarrow formats on the values still unparsed, never one call per value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from difflib import get_close_matches
from typing import TYPE_CHECKING, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from journey.errors import MappingError, SettingsError, unknown_column
from journey.schema import (
    CHANNEL,
    CONVERSION,
    CUSTOMER_ID,
    EVENT_COLUMNS,
    EVENT_TYPE,
    LABEL,
    PHASE,
    REVENUE,
    ROW,
    SENTIMENT_LABELS,
    TEXT,
    TIMESTAMP,
    TOUCHPOINT,
    TRANSCRIPT_COLUMNS,
    DatasetSettings,
    Phase,
    ProgressFn,
    ValidationResult,
    empty_rejects,
    specs_for,
)

if TYPE_CHECKING:
    from journey.io.ingest import RawTable

STRING: Final = "string"  # dtype of text columns in accepted frames (missing is pd.NA)
TIMESTAMP_DTYPE: Final = "datetime64[us, UTC]"
DATE_FORMATS_TRIED: Final = (
    "ISO 8601 (2025-03-21T14:05:00+01:00), day/month/year or month/day/year with / . or - "
    "(21/03/2025 14:05), Unix epoch seconds or milliseconds, Excel serial days (45737.5), "
    "month names (21 Mar 2025)"
)
TRUE_WORDS: Final = frozenset({"true", "t", "yes", "y", "1", "1.0", "ya", "benar", "tak", "prawda"})
FALSE_WORDS: Final = frozenset(
    {"false", "f", "no", "n", "0", "0.0", "tidak", "salah", "nie", "fałsz", "falsz", ""}
)
_STR: Final = pd.StringDtype("pyarrow", na_value=np.nan)
_QUOTE_LIMIT: Final = 60
_US_PER_DAY: Final = 86_400 * 1_000_000
_EXCEL_EPOCH_US: Final = int(pd.Timestamp("1899-12-30").value // 1000)
_MIN_US: Final = int(pd.Timestamp("1900-01-01").value // 1000)
_MAX_US: Final = int(pd.Timestamp("2200-01-01").value // 1000)

# -- text helpers ------------------------------------------------------------------------


def _cell_text(value: object) -> str:
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float):
        if np.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def as_text(values: pd.Series) -> pd.Series:
    """Return values as strings ('' where missing; integral floats without '.0')."""
    dtype = values.dtype
    if isinstance(dtype, pd.StringDtype):
        return values.astype(_STR).fillna("")
    if pd.api.types.is_bool_dtype(dtype):
        return values.map({True: "true", False: "false"}).astype(_STR).fillna("")
    if pd.api.types.is_float_dtype(dtype):
        floats = values.astype("float64")
        integral = np.isfinite(floats) & (floats == np.round(floats)) & (floats.abs() < 2**53)
        text = floats.astype(_STR)
        if integral.any():
            ints = floats[integral].astype("int64").astype(_STR)
            text = text.mask(integral, ints)
        return text.fillna("")
    if pd.api.types.is_integer_dtype(dtype):
        return values.astype(_STR).fillna("")
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return values.astype(_STR).fillna("")
    return values.astype(object).map(_cell_text).astype(_STR)


def stripped_text(values: pd.Series) -> pd.Series:
    """Return values as strings without surrounding whitespace ('' where missing)."""
    text = as_text(values)
    array = pa.array(text.array)
    trimmed = pc.utf8_trim_whitespace(array)  # one pyarrow call: .str.strip() costs more
    if pc.sum(pc.binary_length(trimmed)) == pc.sum(pc.binary_length(array)):
        return text  # nothing trimmed: keep sharing the source buffers, no copy in memory
    return pd.Series(pd.arrays.ArrowStringArray(trimmed), index=text.index).astype(_STR)


def _quote(values: pd.Series) -> pd.Series:
    """Quote values for reasons, cut to a readable length."""
    text = values.astype(_STR)
    long = text.str.len() > _QUOTE_LIMIT
    text = text.mask(long, text.str.slice(0, _QUOTE_LIMIT) + "…")
    return "'" + text + "'"


def snake_case(name: str) -> str:
    """Turn a source column name into a snake_case attribute name ('Customer Segment' -> ...)."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", str(name).strip())
    snake = re.sub(r"\W+", "_", spaced.lower()).strip("_")
    if not snake:
        return "column"
    return f"c_{snake}" if snake[0].isdigit() else snake


def _is_text(values: pd.Series) -> bool:
    return isinstance(values.dtype, pd.StringDtype) or values.dtype == object


# -- numbers and booleans ----------------------------------------------------------------

_SPACES: Final = r"[\s\u00a0\u202f']"
_CURRENCY: Final = r"(?:[$€£¥₹]|rp\.?|zł|zl|pln|idr|usd|eur|gbp)"
_THOUSANDS_COMMA: Final = r"^[+-]?\d{1,3},\d{3}$"
_THOUSANDS_DOT: Final = r"^[+-]?\d{1,3}\.\d{3}$"


def parse_numbers(values: pd.Series) -> pd.Series:
    """Parse numbers with '.' or ',' decimals and thousands separators; NaN where unparseable.

    "1.234,56", "1,234.56", "12,5", "1 234,56" and "Rp 1.250.000" all work. When a value
    alone cannot tell ("1,234", "1.234"), the rest of the column decides: decimal commas
    elsewhere ("12,5") or dots grouping thousands ("1.250.000", "Rp") make "1.234" one
    thousand two hundred thirty-four; otherwise the usual reading holds. Currency is dropped.
    """
    if pd.api.types.is_bool_dtype(values.dtype) or pd.api.types.is_numeric_dtype(values.dtype):
        return values.astype("float64")
    text = stripped_text(values.reset_index(drop=True))
    return _parse_number_text(text).set_axis(values.index)


def _evidence(text: pd.Series, pattern: str) -> bool:
    return bool(text.str.contains(pattern, regex=True).any())


def _parse_number_text(text: pd.Series) -> pd.Series:
    fast = _arrow_floats(text)
    if fast is not None:
        return fast
    rupiah = _evidence(text, r"^[+-]?\s*(?:[Rr][Pp]|IDR)")
    t = text.str.replace(_SPACES, "", regex=True)
    t = t.str.replace(rf"^([+-]?){_CURRENCY}|{_CURRENCY}$", r"\1", regex=True, case=False)
    # What the column shows about its separators (a value alone may not tell).
    comma_decimals = _evidence(t, r",\d{1,2}$|,\d{4,}$|\.\d{3},\d+$")
    dot_decimals = _evidence(t, r"\.\d{1,2}$|\.\d{4,}$|,\d{3}\.\d+$")
    dot_thousands = rupiah or _evidence(t, r"^[+-]?\d{1,3}(?:\.\d{3}){2,}$|\.\d{3},")
    comma_thousands = _evidence(t, r"^[+-]?\d{1,3}(?:,\d{3}){2,}$|,\d{3}\.")
    has_comma = t.str.contains(",", regex=False).to_numpy(dtype=bool)
    has_dot = t.str.contains(".", regex=False).to_numpy(dtype=bool)
    last_comma = t.str.rfind(",").to_numpy()
    last_dot = t.str.rfind(".").to_numpy()
    n_commas = t.str.count(",").to_numpy()
    n_dots = t.str.count(r"\.").to_numpy()
    grouped_comma = t.str.match(_THOUSANDS_COMMA).to_numpy(dtype=bool)
    grouped_dot = t.str.match(_THOUSANDS_DOT).to_numpy(dtype=bool)
    lone_comma_decimal = (comma_decimals or dot_thousands) and not (comma_thousands or dot_decimals)
    lone_dot_thousands = (dot_thousands or comma_decimals) and not dot_decimals
    only_comma = has_comma & ~has_dot
    only_dot = has_dot & ~has_comma
    comma_is_decimal = (has_comma & has_dot & (last_comma > last_dot)) | (
        only_comma & (n_commas == 1) & (~grouped_comma | lone_comma_decimal)
    )
    dot_is_thousands = only_dot & ((n_dots > 1) | (grouped_dot & lone_dot_thousands))
    no_commas = t.str.replace(",", "", regex=False)
    no_dots = t.str.replace(".", "", regex=False)
    normalised = t.mask(comma_is_decimal, no_dots.str.replace(",", ".", regex=False))
    normalised = normalised.mask(~comma_is_decimal & has_comma, no_commas)
    normalised = normalised.mask(dot_is_thousands, no_dots)
    return pd.to_numeric(normalised.replace("", np.nan), errors="coerce").astype("float64")


def _arrow_floats(text: pd.Series) -> pd.Series | None:
    """Cast plain numbers ('12.5', '-3', '') in one pyarrow call; None if any needs work."""
    array = pa.array(text.array)
    if pc.any(pc.match_substring(array, ",")).as_py():
        return None
    try:
        floats = pc.cast(pc.if_else(pc.equal(array, ""), None, array), pa.float64())
    except pa.ArrowInvalid:
        return None
    return pd.Series(floats.to_numpy(zero_copy_only=False), index=text.index, dtype="float64")


def parse_bools(values: pd.Series) -> pd.Series:
    """Parse true/false, 1/0, yes/no, ya/tidak, tak/nie (any case); empty is False, else NA."""
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.astype("boolean").fillna(False)
    if pd.api.types.is_numeric_dtype(values.dtype):
        floats = values.astype("float64")
        out = pd.Series(pd.NA, index=values.index, dtype="boolean")
        out[(floats == 1).to_numpy()] = True
        out[((floats == 0) | floats.isna()).to_numpy()] = False
        return out
    text = stripped_text(values).str.lower()
    out = pd.Series(pd.NA, index=values.index, dtype="boolean")
    out[text.isin(TRUE_WORDS).to_numpy()] = True
    out[text.isin(FALSE_WORDS).to_numpy()] = False
    return out


# -- timestamps --------------------------------------------------------------------------

_TIME: Final = (
    r"(?:[ T,]+(?P<H>\d{1,2})[:.](?P<M>\d{2})(?:[:.](?P<S>\d{2})(?:[.,](?P<f>\d{1,9}))?)?"
    r"\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?)?\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?"
)
_DMY: Final = re.compile(
    r"^(?P<a>\d{1,2})(?P<sep>[/.\-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})" + _TIME + r"$"
)
_YMD: Final = re.compile(
    r"^(?P<y>\d{4})(?P<sep>[/.\-])(?P<b>\d{1,2})(?P=sep)(?P<a>\d{1,2})" + _TIME + r"$"
)
_DAY_MONTH_NAME: Final = re.compile(
    r"^(?:[^\W\d_]{2,9}\.?,?\s+)?(?P<a>\d{1,2})\.?[\s\-/]+(?P<mon>[^\W\d_]{3,})\.?[\s\-/,]+"
    r"(?P<y>\d{4})" + _TIME + r"$"
)
_MONTH_NAME_DAY: Final = re.compile(
    r"^(?:[^\W\d_]{2,9}\.?,?\s+)?(?P<mon>[^\W\d_]{3,})\.?\s+(?P<a>\d{1,2})(?:st|nd|rd|th)?,?\s+"
    r"(?P<y>\d{4})" + _TIME + r"$"
)
_NUMBER: Final = r"^[+-]?\d+(?:[.,]\d+)?$"
_OFFSET: Final = r"(?:Z|[+-]\d{2}(?::?\d{2})?)$"
# First three letters of month names in English, Indonesian and Polish (incl. genitive forms).
_MONTHS: Final = {
    "jan": 1, "feb": 2, "peb": 2, "mar": 3, "apr": 4, "may": 5, "mei": 5, "jun": 6, "jul": 7,
    "aug": 8, "agu": 8, "agt": 8, "sep": 9, "oct": 10, "okt": 10, "nov": 11, "dec": 12,
    "des": 12, "sty": 1, "lut": 2, "kwi": 4, "maj": 5, "cze": 6, "lip": 7, "sie": 8, "wrz": 9,
    "paź": 10, "paz": 10, "lis": 11, "gru": 12,
}  # fmt: skip


def check_timezone(tz: str) -> str:
    """Return `tz` if it names a time zone, else raise SettingsError."""
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(f"unknown time zone {tz!r}: use a name like 'Europe/Warsaw'") from None
    return tz


def parse_timestamps(
    values: pd.Series, tz: str = "UTC", day_first: bool | None = None
) -> pd.Series:
    """Parse timestamps to datetime64[us, UTC]; NaT where unparseable.

    Text may be ISO 8601 (offsets converted to UTC), day-first or month-first dates with
    / . or - (day-first when some first part is > 12, month-first when some second part is,
    else day-first; `day_first` overrides), month names, Unix epoch seconds or milliseconds,
    or Excel serial days (told apart by magnitude, see `_from_numbers`). Naive values are
    wall-clock times in `tz`. The result has the index of `values`.
    """
    check_timezone(tz)
    return _parse_any(values.reset_index(drop=True), tz, day_first).set_axis(values.index)


def _parse_any(values: pd.Series, tz: str, day_first: bool | None) -> pd.Series:
    dtype = values.dtype
    if isinstance(dtype, pd.DatetimeTZDtype):
        return values.dt.tz_convert("UTC").dt.as_unit("us")
    if pd.api.types.is_datetime64_dtype(dtype):
        return _localize(values.dt.as_unit("us"), tz)
    if pd.api.types.is_bool_dtype(dtype):
        return pd.Series(pd.NaT, index=values.index, dtype=TIMESTAMP_DTYPE)
    if pd.api.types.is_numeric_dtype(dtype):
        return _from_numbers(values.astype("float64"), tz)
    return _parse_text(stripped_text(values), tz, day_first)


def _localize(naive: pd.Series, tz: str) -> pd.Series:
    """Read naive wall-clock times in `tz` (ambiguous DST hours: the first; gaps: shifted)."""
    naive = naive.astype("datetime64[us]")
    if tz == "UTC":
        return naive.dt.tz_localize("UTC")
    local = naive.dt.tz_localize(
        tz, ambiguous=np.ones(len(naive), dtype=bool), nonexistent="shift_forward"
    )
    return local.dt.tz_convert("UTC").dt.as_unit("us")


def _parse_text(text: pd.Series, tz: str, day_first: bool | None) -> pd.Series:
    fast = _arrow_iso(text, tz)
    if fast is not None:
        return fast
    result = pd.Series(pd.NaT, index=text.index, dtype=TIMESTAMP_DTYPE)
    todo = np.array(text != "", dtype=bool)
    steps: list[Callable[[pd.Series], pd.Series]] = [
        lambda sub: _pandas_iso(sub, tz),
        lambda sub: _parse_numeric_dates(sub, day_first, tz),
        lambda sub: _parse_numbers_as_dates(sub, tz),
        lambda sub: _parse_month_names(sub, tz),
    ]
    for step in steps:
        if not todo.any():
            break
        parsed = step(text[todo])
        hit = parsed.notna().to_numpy(dtype=bool)
        if hit.any():
            result.loc[parsed.index[hit]] = parsed[hit]
        todo[todo] = ~hit
    return result


def _arrow_iso(text: pd.Series, tz: str) -> pd.Series | None:
    """Cast clean ISO 8601 text in one pyarrow call; None when any value needs the slow path."""
    array = pa.array(text.array)
    blanks = pc.equal(array, "")
    if pc.any(blanks).as_py():
        array = pc.if_else(blanks, None, array)
    first = next((v for v in text.head(100) if v), "")
    aware_first = re.search(_OFFSET, first) is not None and not re.fullmatch(
        r"\d{4}-\d{2}-\d{2}", first
    )
    targets = [pa.timestamp("us", "UTC"), pa.timestamp("us")]
    for target in targets if aware_first else targets[::-1]:
        try:
            cast = pc.cast(array, target)
        except pa.ArrowInvalid:
            continue
        parsed = cast.to_pandas().set_axis(text.index)
        if target.tz is None:
            return _localize(parsed, tz)
        return parsed.dt.as_unit("us")
    return None


def _pandas_iso(text: pd.Series, tz: str) -> pd.Series:
    numbers = text.str.match(_NUMBER).to_numpy(dtype=bool)
    candidates = text[~numbers]
    out = pd.Series(pd.NaT, index=text.index, dtype=TIMESTAMP_DTYPE)
    if candidates.empty:
        return out
    if tz == "UTC":
        parsed = pd.to_datetime(candidates, format="ISO8601", utc=True, errors="coerce")
        out.loc[candidates.index] = parsed.dt.as_unit("us")
        return out
    aware = candidates.str.contains(r"\d:\d{2}(?::\d{2}(?:\.\d+)?)?\s*" + _OFFSET, regex=True)
    aware = aware.to_numpy(dtype=bool)
    if aware.any():
        parsed = pd.to_datetime(candidates[aware], format="ISO8601", utc=True, errors="coerce")
        out.loc[parsed.index] = parsed.dt.as_unit("us")
    if (~aware).any():
        naive = pd.to_datetime(candidates[~aware], format="ISO8601", utc=True, errors="coerce")
        out.loc[naive.index] = _localize(naive.dt.tz_localize(None), tz)
    return out


def _components(parts: pd.DataFrame, day: pd.Series, month: pd.Series, tz: str) -> pd.Series:
    """Build timestamps from extracted date/time parts, honouring AM/PM and offsets."""
    year = pd.to_numeric(parts["y"], errors="coerce")
    year = year.where(year >= 100, np.where(year < 69, 2000 + year, 1900 + year))
    hour = pd.to_numeric(parts["H"], errors="coerce").fillna(0)
    minute = pd.to_numeric(parts["M"], errors="coerce").fillna(0)
    second = pd.to_numeric(parts["S"], errors="coerce").fillna(0)
    micro = pd.to_numeric(parts["f"].fillna("").str.slice(0, 6).str.ljust(6, "0"), errors="coerce")
    ampm = parts["ampm"].fillna("").str.lower().str.slice(0, 1)
    has_ampm = (ampm != "").to_numpy(dtype=bool)
    bad_hour = has_ampm & ((hour < 1) | (hour > 12)).to_numpy(dtype=bool)
    hour = hour.where(~has_ampm, hour % 12 + np.where(ampm == "p", 12, 0))
    frame = pd.DataFrame(
        {
            "year": year,
            "month": month,
            "day": day,
            "hour": hour,
            "minute": minute,
            "second": second,
            "microsecond": micro.fillna(0),
        }
    )
    naive = pd.to_datetime(frame, errors="coerce").astype("datetime64[us]")
    naive = naive.mask(bad_hour)
    offset = parts["tz"].fillna("")
    aware = (offset != "").to_numpy(dtype=bool)
    out = pd.Series(pd.NaT, index=parts.index, dtype=TIMESTAMP_DTYPE)
    if (~aware).any():
        out.loc[~aware] = _localize(naive[~aware], tz)
    if aware.any():
        text = offset[aware].str.replace(r"^(Z|UTC|GMT)$", "+00:00", regex=True)
        sign = np.where(text.str.slice(0, 1) == "-", -1, 1)
        hours = pd.to_numeric(text.str.slice(1, 3), errors="coerce")
        minutes = pd.to_numeric(text.str.replace(":", "").str.slice(3, 5), errors="coerce")
        delta = pd.to_timedelta(sign * (hours * 60 + minutes.fillna(0)), unit="min")
        out.loc[aware] = (naive[aware] - delta).dt.tz_localize("UTC")
    return out


def _parse_numeric_dates(text: pd.Series, day_first: bool | None, tz: str) -> pd.Series:
    """Parse 21/03/2025, 03/21/2025, 21.03.2025 and 2025.03.21 with optional time."""
    out = pd.Series(pd.NaT, index=text.index, dtype=TIMESTAMP_DTYPE)
    dmy = text.str.extract(_DMY)
    matched = dmy["a"].notna().to_numpy(dtype=bool)
    if matched.any():
        parts = dmy[matched]
        first = pd.to_numeric(parts["a"])
        second = pd.to_numeric(parts["b"])
        if day_first is None:
            if (first > 12).any():
                day_first = True
            elif (second > 12).any():
                day_first = False
            else:
                day_first = True  # ambiguous: most of our users write the day first
        day, month = (first, second) if day_first else (second, first)
        out.loc[parts.index] = _components(parts, day, month, tz)
    rest = text[~matched]
    ymd = rest.str.extract(_YMD)
    hit = ymd["a"].notna().to_numpy(dtype=bool)
    if hit.any():
        parts = ymd[hit]
        out.loc[parts.index] = _components(
            parts, pd.to_numeric(parts["a"]), pd.to_numeric(parts["b"]), tz
        )
    return out


def _parse_month_names(text: pd.Series, tz: str) -> pd.Series:
    """Parse '21 Mar 2025', 'March 21, 2025 2:05 PM', '21 marca 2025', 'Fri, 21 Mar 2025 ...'."""
    out = pd.Series(pd.NaT, index=text.index, dtype=TIMESTAMP_DTYPE)
    rest = text
    for pattern in (_DAY_MONTH_NAME, _MONTH_NAME_DAY):
        parts = rest.str.extract(pattern)
        hit = parts["a"].notna().to_numpy(dtype=bool)
        if not hit.any():
            continue
        parts = parts[hit]
        month = parts["mon"].str.lower().str.slice(0, 3).map(_MONTHS).astype("float64")
        out.loc[parts.index] = _components(parts, pd.to_numeric(parts["a"]), month, tz)
        rest = rest[~hit]
    return out


def _parse_numbers_as_dates(text: pd.Series, tz: str) -> pd.Series:
    numeric = text.str.match(_NUMBER).to_numpy(dtype=bool)
    out = pd.Series(pd.NaT, index=text.index, dtype=TIMESTAMP_DTYPE)
    if numeric.any():
        floats = pd.to_numeric(text[numeric].str.replace(",", ".", regex=False), errors="coerce")
        out.loc[floats.index] = _from_numbers(floats.astype("float64"), tz)
    return out


def _from_numbers(values: pd.Series, tz: str) -> pd.Series:
    """Numbers to timestamps, the unit chosen by each value's magnitude.

    Below 1e6: Excel serial days (wall-clock in `tz`); 8-digit integers: yyyymmdd; 1e8-1e11
    epoch seconds; 1e11-1e14 milliseconds; 1e14-1e17 microseconds; above, nanoseconds.
    Results outside 1900-2200 are NaT.
    """
    floats = values.to_numpy(dtype="float64", na_value=np.nan)
    size = np.abs(floats)
    finite = np.isfinite(floats)
    excel = finite & (size < 1e6)
    scale = np.select([size < 1e11, size < 1e14, size < 1e17], [1e6, 1e3, 1.0], default=1e-3)
    micros = np.where(excel, floats * _US_PER_DAY + _EXCEL_EPOCH_US, floats * scale)
    epoch = finite & (size >= 1e8)
    ok = (excel | epoch) & (micros >= _MIN_US) & (micros < _MAX_US)
    ints = np.zeros(len(floats), dtype="int64")
    ints[ok] = np.round(micros[ok]).astype("int64")
    stamps = pd.Series(ints.view("datetime64[us]"), index=values.index)
    out = stamps.mask(~epoch).dt.tz_localize("UTC")
    if excel.any():
        out = out.mask(excel, _localize(stamps.mask(~(excel & ok)), tz))
    compact = finite & (size >= 1e6) & (size < 1e8) & (floats == np.round(floats))
    if compact.any():
        digits = values[compact].astype("int64").astype(_STR)
        parsed = pd.to_datetime(digits, format="%Y%m%d", errors="coerce")
        out.loc[parsed.index] = _localize(parsed, tz)
    return out.mask(~ok & ~compact)


# -- mapping checks ----------------------------------------------------------------------


def check_mapping(
    mapping: Mapping[str, str],
    columns: Sequence[str],
    kind: str,
    file: str,
    *,
    stitched: bool = False,
) -> None:
    """Raise MappingError unless every required column is mapped to a column of the file.

    Args:
        mapping: canonical -> source column.
        columns: The file's columns.
        kind: "events" or "transcripts".
        file: Display name for messages.
        stitched: customer_id will come from identity stitching, so it may stay unmapped.
    """
    specs = specs_for(kind)
    canonical = [spec.name for spec in specs]
    columns = list(columns)
    for target, source in mapping.items():
        if target not in canonical:
            close = get_close_matches(target, canonical, n=1, cutoff=0.8)
            if close and close[0] not in mapping:
                raise MappingError(
                    file,
                    None,
                    source,
                    f"'{target}' is not a column of the data contract. Did you mean '{close[0]}'?",
                )
        if source not in columns:
            raise unknown_column(file, source, columns)
    for spec in specs:
        if not spec.required or spec.name in mapping:
            continue
        if spec.name == CUSTOMER_ID and stitched:
            continue
        listed = ", ".join(f"'{c}'" for c in columns[:20]) or "none"
        raise MappingError(
            file,
            None,
            spec.name,
            f"required column is not mapped: choose which column of the file holds it "
            f"(columns: {listed})",
        )


# -- rejects -----------------------------------------------------------------------------


class _Rejects:
    """Collects rejects; rows rejected while reading get no further checks."""

    def __init__(self, n_rows: int, read_rejects: pd.DataFrame) -> None:
        self.parts = [read_rejects] if len(read_rejects) else []
        self.bad = np.zeros(n_rows, dtype=bool)
        self.bad[read_rejects[ROW].to_numpy(dtype="int64") - 1] = True
        self.skip = self.bad.copy()

    def add(
        self,
        mask: np.ndarray,
        column: str,
        reason: str,
        shown: pd.Series | None = None,
        *,
        quoted: bool = True,
        suffix: str = "",
    ) -> None:
        """Reject the rows in `mask` for `column`: reason + the row's value in `shown` + suffix.

        Values are formatted only for the rejected rows, so few rejects in a big file cost
        little.
        """
        mask = mask & ~self.skip
        if not mask.any():
            return
        rows = np.flatnonzero(mask)
        if shown is None:
            reasons = pd.Series([reason] * len(rows), dtype=STRING)
        else:
            values = shown.iloc[rows].reset_index(drop=True)
            text = _quote(values) if quoted else values.astype(_STR)
            reasons = (reason + text + suffix).astype(STRING)
        self.parts.append(
            pd.DataFrame(
                {
                    ROW: pd.Series(rows + 1, dtype="int64"),
                    "column": pd.Series([column] * len(rows), dtype=STRING),
                    "reason": reasons.reset_index(drop=True),
                }
            )
        )
        self.bad |= mask

    def frame(self) -> pd.DataFrame:
        """All rejects by row (stable: within a row, in the order the checks ran)."""
        if not self.parts:
            return empty_rejects()
        rejects = pd.concat([empty_rejects(), *self.parts], ignore_index=True)
        return rejects.sort_values(ROW, kind="stable", ignore_index=True).astype(
            {ROW: "int64", "column": STRING, "reason": STRING}
        )


# -- column rules ------------------------------------------------------------------------


def _stripped(frame: pd.DataFrame, column: str) -> pd.Series:
    return stripped_text(frame[column])


def _missing(n_rows: int) -> pd.Series:
    """An all-missing column of the contract's string dtype."""
    nulls = pa.chunked_array([pa.nulls(n_rows, pa.large_string())])
    return pd.Series(pd.arrays.ArrowStringArray(nulls), dtype=STRING)


def _instants(stamps: pd.Series) -> np.ndarray:
    """Microseconds since the epoch (NaT as the smallest int64) of UTC timestamps."""
    return stamps.dt.tz_localize(None).to_numpy(dtype="datetime64[us]").view("int64")


def _optional(text: pd.Series) -> pd.Series:
    """Text as the contract's string dtype, '' becoming missing."""
    array = pa.array(text.array)
    blanks = pc.equal(array, "")
    if pc.any(blanks).as_py():
        array = pc.if_else(blanks, pa.scalar(None, array.type), array)
    return pd.Series(pd.arrays.ArrowStringArray(array), index=text.index, dtype=STRING)


def _timestamps(
    frame: pd.DataFrame,
    source: str,
    settings: DatasetSettings,
    rejects: _Rejects,
    *,
    required: bool,
) -> pd.Series:
    values = frame[source]
    if _is_text(values):
        text = stripped_text(values)  # once: parse and blank check share it
        check_timezone(settings.timezone)
        parsed = _parse_text(text, settings.timezone, settings.day_first)
        blank = (text == "").to_numpy(dtype=bool)
    else:
        parsed = parse_timestamps(values, settings.timezone, settings.day_first)
        blank = values.isna().to_numpy(dtype=bool)
    failed = parsed.isna().to_numpy(dtype=bool) & ~blank
    if required:
        rejects.add(blank, source, "missing timestamp")
    if failed.any():
        suffix = ""
        if not (~failed & ~blank).any():
            suffix = f" (no value in this column is a date; tried {DATE_FORMATS_TRIED})"
        rejects.add(failed, source, "not a date: ", stripped_text(values), suffix=suffix)
    return parsed


def _extras(
    frame: pd.DataFrame, mapping: Mapping[str, str], canonical: Sequence[str]
) -> dict[str, pd.Series]:
    """Mapped non-contract columns and unmapped source columns, as snake_case string columns."""
    used = set(canonical) | {ROW}
    out: dict[str, pd.Series] = {}

    def claim(name: str) -> str:
        candidate, k = name, 2
        while candidate in used:
            candidate, k = f"{name}_{k}", k + 1
        used.add(candidate)
        return candidate

    for target, source in mapping.items():
        if target not in canonical:
            out[claim(snake_case(target))] = _optional(_stripped(frame, source))
    mapped = set(mapping.values())
    for source in frame.columns:
        if source not in mapped:
            out[claim(snake_case(source))] = _optional(_stripped(frame, source))
    return out


def _codes(values: pd.Series) -> np.ndarray:
    if values.dtype == object:
        values = as_text(values)
    codes, _ = pd.factorize(values, use_na_sentinel=False)
    return codes.astype("int64")


def _shared(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Group ids of `key` (0..groups-1), and whether each row's group has other rows.

    Sorting beats hashing here: a hash table of 1e7 mostly distinct keys misses the cache
    on nearly every row.
    """
    order = np.argsort(key)
    ordered = key[order]
    starts = np.ones(len(key), dtype=bool)
    starts[1:] = ordered[1:] != ordered[:-1]
    groups = np.cumsum(starts) - 1
    codes = np.empty(len(key), dtype=np.int64)
    codes[order] = groups
    return codes, np.bincount(groups)[codes] > 1


def _duplicates(frame: pd.DataFrame, first: np.ndarray | None = None) -> int:
    """Count data rows identical to an earlier row, exactly (no hashing of whole rows).

    Rows are narrowed column by column to those whose values so far are shared by another
    row, so each later column is grouped on fewer rows; `first` (int64 keys that are a
    function of one source column, e.g. parsed timestamps) is a cheap first filter.
    """
    if frame.empty or len(frame.columns) == 0:
        return 0
    columns = [frame[c] for c in frame.columns]
    key, shared = _shared(first if first is not None else _codes(columns.pop(0)))
    keep, key = np.flatnonzero(shared), key[shared]
    for values in columns:
        if not len(keep):
            return 0
        codes = _codes(values.iloc[keep])
        key, shared = _shared(key * (int(codes.max()) + 1) + codes)
        keep, key = keep[shared], key[shared]
    return len(keep) - len(np.unique(key)) if len(keep) else 0


def _progress(progress: ProgressFn | None, fraction: float, message: str) -> None:
    if progress is not None:
        progress(fraction, message)


def _finish(
    raw: RawTable,
    columns: dict[str, pd.Series],
    rejects: _Rejects,
    progress: ProgressFn | None,
) -> ValidationResult:
    n_rows = len(raw.frame)
    columns[ROW] = pd.Series(np.arange(1, n_rows + 1, dtype="int64"))
    accepted = pd.DataFrame(
        {name: values.reset_index(drop=True) for name, values in columns.items()},
        index=pd.RangeIndex(n_rows),
    )
    if rejects.bad.any():
        accepted = accepted[~rejects.bad].reset_index(drop=True)
    _progress(progress, 0.9, "counting duplicates")
    duplicates = _duplicates(raw.frame, _instants(columns[TIMESTAMP]))
    _progress(progress, 1.0, "done")
    return ValidationResult(accepted, rejects.frame(), n_rows, duplicates, raw.file)


def validate_events(
    raw: RawTable,
    mapping: Mapping[str, str],
    settings: DatasetSettings,
    progress: ProgressFn | None = None,
) -> ValidationResult:
    """Apply the events rules to a mapped RawTable.

    Args:
        raw: The file as read.
        mapping: canonical -> source column (see `ingest.propose_mapping`).
        settings: Time zone, day-first and conversion events of the dataset.
        progress: Called with a fraction in 0..1 and a short message.

    Returns:
        Accepted rows in file order with the contract columns and dtypes of `journey.schema`
        (every events column, then other attributes as snake_case strings, then `row`), and
        rejects sorted by row.
    """
    frame = raw.frame
    check_mapping(mapping, list(frame.columns), "events", raw.file)
    rejects = _Rejects(len(frame), raw.rejects)
    missing = _missing(len(frame))  # one all-missing array shared by unmapped columns
    _progress(progress, 0.05, "customer ids")
    customer = _stripped(frame, mapping[CUSTOMER_ID])
    rejects.add((customer == "").to_numpy(dtype=bool), mapping[CUSTOMER_ID], "missing customer id")
    _progress(progress, 0.15, "timestamps")
    timestamps = _timestamps(frame, mapping[TIMESTAMP], settings, rejects, required=True)
    _progress(progress, 0.5, "channels")
    channel = _stripped(frame, mapping[CHANNEL])
    rejects.add((channel == "").to_numpy(dtype=bool), mapping[CHANNEL], "empty channel")
    if TOUCHPOINT in mapping:
        touchpoint = _stripped(frame, mapping[TOUCHPOINT])
        touchpoint = touchpoint.mask((touchpoint == "").to_numpy(dtype=bool), channel)
    else:
        touchpoint = channel
    event_type = (
        _optional(_stripped(frame, mapping[EVENT_TYPE])) if EVENT_TYPE in mapping else missing
    )
    _progress(progress, 0.6, "conversions and revenue")
    if CONVERSION in mapping:
        flags = parse_bools(frame[mapping[CONVERSION]])
        unknown = flags.isna().to_numpy(dtype=bool)
        if unknown.any():
            shown = _stripped(frame, mapping[CONVERSION])
            rejects.add(unknown, mapping[CONVERSION], "not true/false: ", shown)
        conversion = flags.fillna(False).astype(bool)
    else:
        wanted = [e.strip().lower() for e in settings.conversion_events]
        lowered = pc.utf8_lower(pa.array(event_type.array))
        hits = pc.fill_null(pc.is_in(lowered, value_set=pa.array(wanted, lowered.type)), False)
        conversion = pd.Series(np.asarray(hits, dtype=bool), index=frame.index)
    if REVENUE in mapping:
        revenue = _revenue(frame, mapping[REVENUE], rejects)
    else:
        revenue = pd.Series(0.0, index=frame.index, dtype="float64")
    columns: dict[str, pd.Series] = {
        CUSTOMER_ID: customer.astype(STRING),
        TIMESTAMP: timestamps,
        CHANNEL: channel.astype(STRING),
        TOUCHPOINT: touchpoint.astype(STRING),
        EVENT_TYPE: event_type,
        CONVERSION: conversion,
        REVENUE: revenue,
    }
    for name in EVENT_COLUMNS:
        if name in columns:
            continue
        if name not in mapping:
            columns[name] = missing
        elif name == PHASE:
            columns[name] = _phases(frame, mapping[PHASE], rejects)
        else:
            columns[name] = _optional(_stripped(frame, mapping[name]))
    _progress(progress, 0.8, "attributes")
    columns.update(_extras(frame, mapping, EVENT_COLUMNS))
    return _finish(raw, columns, rejects, progress)


def _revenue(frame: pd.DataFrame, source: str, rejects: _Rejects) -> pd.Series:
    values = frame[source]
    if _is_text(values):
        text = stripped_text(values)
        numbers = _parse_number_text(text)
        blank = (text == "").to_numpy(dtype=bool)
    else:
        numbers = parse_numbers(values)
        blank = values.isna().to_numpy(dtype=bool)
    floats = numbers.to_numpy(dtype="float64", na_value=np.nan)
    not_number = ~blank & ~np.isfinite(floats)
    negative = np.isfinite(floats) & (floats < 0)
    if not_number.any() or negative.any():
        text = stripped_text(values)
        rejects.add(not_number, source, "not a number: ", text)
        rejects.add(negative, source, "negative revenue: ", text, quoted=False)
    return numbers.where(~blank, 0.0).fillna(0.0).astype("float64")


def _phases(frame: pd.DataFrame, source: str, rejects: _Rejects) -> pd.Series:
    text = _stripped(frame, source)
    folded = text.str.lower().str.replace(r"[\s_]+", "-", regex=True)
    folded = folded.replace({"postpurchase": Phase.POST_PURCHASE.value})
    known = folded.isin([p.value for p in Phase]).to_numpy(dtype=bool)
    blank = (text == "").to_numpy(dtype=bool)
    names = ", ".join(p.value for p in Phase)
    rejects.add(~known & ~blank, source, "unknown phase: ", text, suffix=f" (use {names})")
    return _optional(folded.where(known, ""))


def validate_transcripts(
    raw: RawTable,
    mapping: Mapping[str, str],
    settings: DatasetSettings,
    progress: ProgressFn | None = None,
) -> ValidationResult:
    """Apply the transcripts rules: customer_id required, empty text kept, bad dates rejected.

    Returns:
        Accepted rows in file order with every transcripts column of `journey.schema`
        (timestamp may be NaT, text may be ''), other attributes, then `row`; rejects by row.
    """
    frame = raw.frame
    check_mapping(mapping, list(frame.columns), "transcripts", raw.file)
    rejects = _Rejects(len(frame), raw.rejects)
    missing = _missing(len(frame))  # one all-missing array shared by unmapped columns
    _progress(progress, 0.05, "customer ids")
    customer = _stripped(frame, mapping[CUSTOMER_ID])
    rejects.add((customer == "").to_numpy(dtype=bool), mapping[CUSTOMER_ID], "missing customer id")
    if TIMESTAMP in mapping:
        _progress(progress, 0.2, "timestamps")
        timestamps = _timestamps(frame, mapping[TIMESTAMP], settings, rejects, required=False)
    else:
        timestamps = pd.Series(pd.NaT, index=frame.index, dtype=TIMESTAMP_DTYPE)
    _progress(progress, 0.6, "texts")
    columns: dict[str, pd.Series] = {
        CUSTOMER_ID: customer.astype(STRING),
        TIMESTAMP: timestamps,
        TEXT: _stripped(frame, mapping[TEXT]).astype(STRING),
    }
    for name in TRANSCRIPT_COLUMNS:
        if name in columns:
            continue
        if name not in mapping:
            columns[name] = missing
            continue
        values = _stripped(frame, mapping[name])
        if name == LABEL:
            lower = values.str.lower()
            values = values.mask(lower.isin(SENTIMENT_LABELS).to_numpy(dtype=bool), lower)
        columns[name] = _optional(values)
    columns = {name: columns[name] for name in TRANSCRIPT_COLUMNS}
    columns.update(_extras(frame, mapping, TRANSCRIPT_COLUMNS))
    return _finish(raw, columns, rejects, progress)


__all__ = [
    "DATE_FORMATS_TRIED",
    "as_text",
    "check_mapping",
    "check_timezone",
    "parse_bools",
    "parse_numbers",
    "parse_timestamps",
    "snake_case",
    "stripped_text",
    "validate_events",
    "validate_transcripts",
]
