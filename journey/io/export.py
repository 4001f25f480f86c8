"""Safe exports: CSV with spreadsheet formulas neutralised, HTML escaping helpers."""

from __future__ import annotations

import html

import pandas as pd

# A cell starting with one of these is run as a formula by Excel, LibreOffice and Sheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> object:
    """Prefix a formula-like string with a quote so spreadsheets show it as text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy whose text cells (and headers) cannot run as spreadsheet formulas."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column].dtype):
            text = out[column].astype("string")
            risky = text.str.match(r"^[=+\-@\t\r]", na=False)
            if risky.any():
                out[column] = text.mask(risky, "'" + text)
    out.columns = [neutralise_cell(str(c)) for c in out.columns]
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """Encode a frame as UTF-8 CSV (header, no index) with formulas neutralised."""
    return neutralise_frame(frame).to_csv(index=False).encode("utf-8")


def escape(text: object) -> str:
    """Escape any user value for HTML text or attribute context."""
    return html.escape("" if text is None else str(text), quote=True)
