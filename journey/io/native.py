"""Excel and Parquet readers (which keep native dtypes) and the header naming all readers share.

Each reader checks the column and row limits from the file's own metadata (the sheet's
header row, the Parquet footer) before it builds a frame, and lists an Excel workbook's
sheets so the caller can pick one.
"""

from __future__ import annotations

import io
import json
import zipfile
import zlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from journey.errors import InputError
from journey.io.archive import check_workbook
from journey.io.limits import check_columns, check_rows, check_size, max_rows
from journey.io.parse import STR_DTYPE, as_text
from journey.schema import ROW, RawTable

if TYPE_CHECKING:
    import openpyxl


def _broken_xlsx() -> tuple[type[BaseException], ...]:
    """What openpyxl raises on a damaged workbook: broken ZIP, missing or malformed XML parts.

    openpyxl is imported when a workbook is read, not with this module: reading CSV or
    Parquet (the CLI, big uploads) does not pay for it.
    """
    from openpyxl.utils.exceptions import InvalidFileException

    return (
        zipfile.BadZipFile,
        InvalidFileException,
        KeyError,
        ValueError,
        OSError,
        EOFError,
        zlib.error,
        SyntaxError,  # xml.etree.ElementTree.ParseError
        TypeError,
        IndexError,
    )


def clean_names(raw: Sequence[object]) -> list[str]:
    """Strip header names; name blank ones column_N and number repeats name_2, name_3.

    Linear in the number of names: each repeated name remembers its next free number.
    """
    names: list[str] = []
    seen: set[str] = set()
    next_number: dict[str, int] = {}
    for index, value in enumerate(raw, start=1):
        name = "" if value is None else str(value)
        name = name.replace("\ufeff", "").strip()
        if not name or (name.lower() == "nan" and not isinstance(value, str)):
            name = f"column_{index}"
        candidate = name
        if candidate in seen:
            k = next_number.get(name, 2)
            candidate = f"{name}_{k}"
            while candidate in seen:
                k += 1
                candidate = f"{name}_{k}"
            next_number[name] = k + 1
        seen.add(candidate)
        names.append(candidate)
    return names


def normalise_native(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Keep numeric/datetime/bool columns native; text and mixed columns become strings.

    Nested values (lists, structs) become JSON text; bytes that are not UTF-8 are shown
    decoded with U+FFFD and their cells rejected, so nothing is altered silently.
    """
    names = clean_names(list(frame.columns))
    out = {}
    found = []
    for position, name in enumerate(names):
        values = frame.iloc[:, position]
        if values.dtype == object:
            values, bad = _object_cells(values)
            found += [(row, name) for row in bad]
        if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
            out[position] = as_text(values).astype(STR_DTYPE)
        else:
            out[position] = values
    result = pd.DataFrame(out, index=pd.RangeIndex(len(frame)))
    result.columns = names
    found.sort()
    rejects = pd.DataFrame(
        {
            ROW: pd.Series([row + 1 for row, _ in found], dtype="int64"),
            "column": pd.Series([name for _, name in found], dtype="string"),
            "reason": pd.Series(["not UTF-8 text: binary bytes"] * len(found), dtype="string"),
        }
    )
    return result, rejects


def _object_cells(values: pd.Series) -> tuple[pd.Series, list[int]]:
    """Nested cells as JSON text, bytes decoded; the rows whose bytes are not UTF-8."""
    cells = values.tolist()
    bad = []
    for index, cell in enumerate(cells):
        if isinstance(cell, bytes):
            try:
                cells[index] = cell.decode("utf-8")
            except UnicodeDecodeError:
                cells[index] = cell.decode("utf-8", "replace")
                bad.append(index)
        elif isinstance(cell, list | tuple | dict | np.ndarray):
            cells[index] = json.dumps(cell, ensure_ascii=False, default=_json_default)
    return pd.Series(cells, index=values.index, dtype=object), bad


def _json_default(value: object) -> object:
    """JSON for the values nested Parquet cells hold (arrays, numpy scalars, dates, bytes)."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _open_workbook(data: bytes, display: str, limit: int) -> openpyxl.Workbook:
    import openpyxl

    check_workbook(data, display, limit)
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except _broken_xlsx() as err:
        raise InputError(display, None, None, f"not a readable .xlsx workbook: {err}") from None


def sheet_names(data: bytes, display: str, limit: int) -> list[str]:
    """List the sheets of an .xlsx workbook, in workbook order."""
    book = _open_workbook(data, display, limit)
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def read_excel(data: bytes, display: str, limit: int, sheet: str | None = None) -> RawTable:
    """Read one sheet (default the first) of an .xlsx workbook within the limits."""
    book = _open_workbook(data, display, limit)
    try:
        names = list(book.sheetnames)
        if not names:
            raise InputError(display, None, None, "the workbook has no sheets")
        chosen = names[0] if sheet is None else sheet
        if chosen not in names:
            listed = ", ".join(repr(n) for n in names)
            raise InputError(display, None, None, f"no sheet {chosen!r} (sheets: {listed})")
        where = display if len(names) == 1 else f"{display} [sheet {chosen!r}]"
        rows = max_rows()
        try:
            worksheet = book[chosen]
            header = next(worksheet.iter_rows(max_row=1, values_only=True), ())
            width = len(header) - next(
                (i for i, v in enumerate(reversed(header)) if v is not None), len(header)
            )
            check_columns(where, width)
            frame = pd.read_excel(book, sheet_name=chosen, engine="openpyxl", nrows=rows + 1)
        except _broken_xlsx() as err:
            raise InputError(where, None, None, f"not a readable .xlsx sheet: {err}") from None
    finally:
        book.close()
    check_rows(where, len(frame), rows, exact=len(frame) <= rows)
    check_columns(where, len(frame.columns))
    if frame.columns.empty:
        raise InputError(where, None, None, f"the sheet {chosen!r} of the workbook is empty")
    normalised, rejects = normalise_native(frame)
    return RawTable(normalised, where, "excel", None, None, rejects)


def _nested_as_json(table: pa.Table) -> pa.Table:
    """Replace list, struct and map columns with their cells as JSON text (ints stay ints)."""
    for index, field in enumerate(table.schema):
        if pa.types.is_nested(field.type):
            cells = [
                None if v is None else json.dumps(v, ensure_ascii=False, default=_json_default)
                for v in table.column(index).to_pylist()
            ]
            table = table.set_column(index, field.name, pa.array(cells, pa.large_string()))
    return table


def read_parquet(data: bytes, display: str, limit: int) -> RawTable:
    """Read a Parquet file, checking its footer's columns, rows and unpacked size first."""
    try:
        parquet = pq.ParquetFile(io.BytesIO(data))
        meta = parquet.metadata
        check_columns(display, len(parquet.schema_arrow))
        check_rows(display, meta.num_rows)
        unpacked = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
        check_size(display, unpacked, limit, "its data unpacks to")
        frame = _nested_as_json(parquet.read()).to_pandas()
    except (pa.ArrowException, OSError, ValueError, EOFError, IndexError) as err:
        raise InputError(display, None, None, f"not a readable Parquet file: {err}") from None
    if frame.columns.empty:
        raise InputError(display, None, None, "the Parquet file has no columns")
    if not isinstance(frame.index, pd.RangeIndex):
        frame = frame.reset_index()  # a saved index (e.g. customer_id) is a column to the user
    normalised, rejects = normalise_native(frame.reset_index(drop=True))
    return RawTable(normalised, display, "parquet", None, None, rejects)


__all__ = ["clean_names", "normalise_native", "read_excel", "read_parquet", "sheet_names"]
