"""Value parsing: text, numbers, booleans and timestamps as vectorised column parsers.

Each parser tries a few pandas/pyarrow formats on the values still unparsed, never one call
per value, and keeps the index of its input.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from journey.errors import SettingsError

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
STR_DTYPE: Final = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas 3's default `str`
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
        return values.astype(STR_DTYPE).fillna("")
    if pd.api.types.is_bool_dtype(dtype):
        return values.map({True: "true", False: "false"}).astype(STR_DTYPE).fillna("")
    if pd.api.types.is_float_dtype(dtype):
        floats = values.astype("float64")
        integral = np.isfinite(floats) & (floats == np.round(floats)) & (floats.abs() < 2**53)
        text = floats.astype(STR_DTYPE)
        if integral.any():
            ints = floats[integral].astype("int64").astype(STR_DTYPE)
            text = text.mask(integral, ints)
        return text.fillna("")
    if pd.api.types.is_integer_dtype(dtype):
        return values.astype(STR_DTYPE).fillna("")
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return values.astype(STR_DTYPE).fillna("")
    return values.astype(object).map(_cell_text).astype(STR_DTYPE)


ArrowText = TypeVar("ArrowText", pa.Array, pa.ChunkedArray)


def trim_whitespace(array: ArrowText) -> ArrowText:
    """Arrow text without surrounding whitespace; `array` itself when no value has any.

    Returning the input keeps sharing its buffers: no second copy of a column in memory.
    """
    trimmed = pc.utf8_trim_whitespace(array)  # one pyarrow call: .str.strip() costs more
    if pc.sum(pc.binary_length(trimmed)) == pc.sum(pc.binary_length(array)):
        return array
    return trimmed


def stripped_text(values: pd.Series) -> pd.Series:
    """Return values as strings without surrounding whitespace ('' where missing)."""
    text = as_text(values)
    array = pa.array(text.array)
    trimmed = trim_whitespace(array)
    if trimmed is array:
        return text  # nothing trimmed: keep sharing the source buffers
    return pd.Series(pd.arrays.ArrowStringArray(trimmed), index=text.index).astype(STR_DTYPE)


def is_text(values: pd.Series) -> bool:
    """Tell whether a column holds text (string or object dtype), not native values."""
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
    return parse_number_text(text).set_axis(values.index)


def _evidence(text: pd.Series, pattern: str) -> bool:
    return bool(text.str.contains(pattern, regex=True).any())


def parse_number_text(text: pd.Series) -> pd.Series:
    """Parse stripped text (see `stripped_text`) as numbers; NaN where unparseable."""
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
    return parse_timestamp_text(stripped_text(values), tz, day_first)


def _localize(naive: pd.Series, tz: str) -> pd.Series:
    """Read naive wall-clock times in `tz` (ambiguous DST hours: the first; gaps: shifted)."""
    naive = naive.astype("datetime64[us]")
    if tz == "UTC":
        return naive.dt.tz_localize("UTC")
    local = naive.dt.tz_localize(
        tz, ambiguous=np.ones(len(naive), dtype=bool), nonexistent="shift_forward"
    )
    return local.dt.tz_convert("UTC").dt.as_unit("us")


def parse_timestamp_text(text: pd.Series, tz: str, day_first: bool | None) -> pd.Series:
    """Parse stripped text (see `stripped_text`) as timestamps in UTC; NaT where unparseable."""
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
        digits = values[compact].astype("int64").astype(STR_DTYPE)
        parsed = pd.to_datetime(digits, format="%Y%m%d", errors="coerce")
        out.loc[parsed.index] = _localize(parsed, tz)
    return out.mask(~ok & ~compact)


__all__ = [
    "DATE_FORMATS_TRIED",
    "FALSE_WORDS",
    "STRING",
    "STR_DTYPE",
    "TIMESTAMP_DTYPE",
    "TRUE_WORDS",
    "as_text",
    "check_timezone",
    "is_text",
    "parse_bools",
    "parse_number_text",
    "parse_numbers",
    "parse_timestamp_text",
    "parse_timestamps",
    "stripped_text",
]
