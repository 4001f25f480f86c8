"""Safe exports: CSV with spreadsheet formulas neutralised, download names, HTML escaping."""

from __future__ import annotations

import html
import re
from pathlib import PurePath
from typing import Final

import pandas as pd

# A cell starting with one of these is run as a formula by Excel, LibreOffice and Sheets.
FORMULA_PREFIXES: Final = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_START: Final = r"^[=+\-@\t\r]"
# Characters kept in a download name: letters and digits of any script, space, . - _ ( )
_UNSAFE_NAME_CHARS: Final = re.compile(r"[^\w .()-]")


def neutralise_cell(value: object) -> object:
    """Prefix a formula-like string with a quote so spreadsheets show it as text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _neutralise_column(values: pd.Series) -> pd.Series:
    """Quote the formula-like text cells of one column; numbers and missing values stay."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype(object)  # quoting could make two categories equal
    if values.dtype == object:
        # mixed columns: only str cells are text; -5 stays the number -5, None stays missing
        return values.map(neutralise_cell)
    if not pd.api.types.is_string_dtype(values.dtype):
        return values
    risky = values.str.match(_FORMULA_START, na=False)
    return values.mask(risky, "'" + values) if risky.any() else values


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy whose text cells (and headers) cannot run as spreadsheet formulas.

    Numeric columns, and numbers in mixed (object) columns, are left as numbers: a
    spreadsheet reads -5 as minus five, not as a formula.
    """
    out = frame.copy()
    for position in range(out.shape[1]):
        out.isetitem(position, _neutralise_column(out.iloc[:, position]))
    out.columns = [neutralise_cell(str(c)) for c in out.columns]
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """Encode a frame as UTF-8 CSV (header, no index, CRLF rows) with formulas neutralised."""
    # CRLF (RFC 4180) makes the writer quote any cell holding a CR or LF: an unquoted CR
    # inside a cell ends the row in Excel, and the rest of the cell would start a new one.
    return neutralise_frame(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8")


def rejects_file_name(source: str | None) -> str:
    """Name the rejects download of an input file: 'events.csv' -> 'rejects_events.csv'."""
    stem = PurePath(PurePath(source or "").name).stem if source else ""
    stem = _UNSAFE_NAME_CHARS.sub("_", stem).strip(" .")
    return f"rejects_{stem or 'input'}.csv"


def escape(text: object) -> str:
    """Escape any user value for HTML text or attribute context."""
    return html.escape("" if text is None else str(text), quote=True)
