"""Read user files into raw tables: size limit, format sniffing and the readers.

`read_table` turns CSV/TSV/semicolon/pipe text, Excel (.xlsx), Parquet, JSON and JSON Lines
into a `RawTable` whose frame holds the source columns (text formats as strings, Excel and
Parquet may keep native dtypes). Text is decoded by `journey.io.decode`.
"""

from __future__ import annotations

import csv
import io
import json
import os
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
from openpyxl.utils.exceptions import InvalidFileException

from journey.errors import FileTooLargeError, InputError, SettingsError
from journey.io.decode import (
    SAMPLE_BYTES,
    SUPPORTED_TEXT,
    Decoded,
    decode,
    repair_stray_bytes,
)
from journey.io.parse import STR_DTYPE, as_text
from journey.schema import ROW, RawTable, empty_rejects

DEFAULT_MAX_BYTES: Final = 500 * 1024 * 1024
MAX_UPLOAD_ENV: Final = "JOURNEY_MAX_UPLOAD_MB"
FORMATS: Final = ("csv", "excel", "parquet", "json", "jsonl")
DELIMITERS: Final = (",", ";", "\t", "|")
ROW_COLUMN: Final = ""  # the `column` of a reject that concerns a whole row

TEXT_EXTENSIONS: Final = frozenset({".csv", ".tsv", ".tab", ".txt", ".psv", ".dat", ".text"})
EXCEL_EXTENSIONS: Final = frozenset({".xlsx", ".xlsm"})
PARQUET_EXTENSIONS: Final = frozenset({".parquet", ".pq"})
JSON_EXTENSIONS: Final = frozenset({".json"})
JSONL_EXTENSIONS: Final = frozenset({".jsonl", ".ndjson"})

# Long text fields (transcripts) exceed the csv module's default 128 KiB field limit.
csv.field_size_limit(2**31 - 1)

# Magic numbers of files people upload by mistake, with a name a user recognises.
_MAGIC: Final = (
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"PAR1", "parquet"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"BZh", "a bzip2-compressed file"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel 97-2003 (.xls) or Office file"),
    (b"\x7fELF", "a program (ELF binary)"),
    (b"SQLite format 3\x00", "an SQLite database"),
)
_FORMAT_NAMES: Final = {
    "csv": "CSV/TSV text",
    "excel": "Excel (.xlsx)",
    "parquet": "Parquet",
    "json": "JSON",
    "jsonl": "JSON Lines",
}


def max_upload_bytes() -> int:
    """Return the upload size limit in bytes: JOURNEY_MAX_UPLOAD_MB, else 500 MB."""
    raw = os.environ.get(MAX_UPLOAD_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_BYTES
    try:
        megabytes = float(raw)
    except ValueError:
        raise SettingsError(f"{MAX_UPLOAD_ENV}={raw!r}: expected a number of megabytes") from None
    if megabytes <= 0:
        raise SettingsError(f"{MAX_UPLOAD_ENV}={raw!r}: expected a positive number of megabytes")
    return int(megabytes * 1024 * 1024)


def read_table(
    source: bytes | str | Path, name: str | None = None, *, max_bytes: int | None = None
) -> RawTable:
    """Read a CSV/TSV/Excel/Parquet/JSON/JSON Lines file (a path or its bytes) into a RawTable.

    Args:
        source: A path, or the file's bytes (an upload).
        name: Display name used in messages and to tell the format by extension; defaults to
            the path's file name, or "upload" for bytes.
        max_bytes: Size limit; defaults to `max_upload_bytes()`.

    Raises:
        FileTooLargeError: The file is over the limit.
        InputError: Empty, unreadable, binary or mislabelled file, or broken syntax.
    """
    limit = max_upload_bytes() if max_bytes is None else max_bytes
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        display = name or "upload"
        _check_size(display, len(data), limit)
    else:
        path = Path(source)
        display = name or path.name
        data = _read_path(path, display, limit)
    if not data or data.isspace():
        raise InputError(display, None, None, "the file is empty")
    kind = _detect_format(data, display)
    if kind == "excel":
        return _read_excel(data, display)
    if kind == "parquet":
        return _read_parquet(data, display)
    decoded = decode(data, display)
    if kind in ("json", "jsonl"):
        return _read_json(decoded, display, lines=kind == "jsonl")
    return _read_delimited(decoded, display, Path(display).suffix.lower())


def _check_size(file: str, size: int, limit: int) -> None:
    if size > limit:
        raise FileTooLargeError(
            file,
            None,
            None,
            f"the file is {_megabytes(size)} MB, over the {_megabytes(limit)} MB limit "
            f"(set the environment variable {MAX_UPLOAD_ENV} to raise it)",
        )


def _megabytes(size: int) -> str:
    megabytes = size / 1024**2
    return f"{megabytes:,.0f}" if megabytes >= 10 else f"{megabytes:.2g}"


def _read_path(path: Path, display: str, limit: int) -> bytes:
    try:
        if path.is_dir():
            raise InputError(display, None, None, "is a folder, not a file")
        _check_size(display, path.stat().st_size, limit)
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(display, None, None, f"no such file: {path}") from None
    except PermissionError:
        raise InputError(display, None, None, "cannot be read: permission denied") from None
    except OSError as err:
        raise InputError(display, None, None, f"cannot be read: {err.strerror or err}") from None


def _magic(data: bytes) -> str | None:
    for prefix, kind in _MAGIC:
        if data.startswith(prefix):
            if kind == "zip":
                return _zip_kind(data)
            return kind
    return None


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile:
        return _DAMAGED_ZIP
    return "xlsx" if any(n.startswith("xl/") for n in names) else "a ZIP archive"


_DAMAGED_ZIP: Final = "a damaged or truncated ZIP/Excel file"


def _detect_format(data: bytes, display: str) -> str:
    """Tell the format from the extension, checked against the file's first bytes."""
    ext = Path(display).suffix.lower()
    magic = _magic(data)
    expected = _format_of_extension(ext)
    if magic == "xlsx":
        if expected in (None, "excel"):
            return "excel"
        raise InputError(
            display,
            None,
            None,
            f"this is an Excel workbook (.xlsx) saved under a '{ext}' name: upload it with the "
            f".xlsx extension, or export the sheet as CSV",
        )
    if magic == "parquet":
        if expected in (None, "parquet"):
            return "parquet"
        raise InputError(
            display,
            None,
            None,
            f"this is a Parquet file saved under a '{ext}' name: upload it as .parquet",
        )
    if magic == _DAMAGED_ZIP and expected == "excel":
        raise InputError(display, None, None, "the workbook is damaged or truncated")
    if magic is not None:
        wanted = _FORMAT_NAMES[expected] if expected else "a table"
        raise InputError(
            display, None, None, f"this is {magic}, not {wanted}: upload {SUPPORTED_TEXT}"
        )
    if expected == "excel":
        raise InputError(display, None, None, "not an Excel .xlsx workbook (the file is damaged?)")
    if expected == "parquet":
        raise InputError(display, None, None, "not a Parquet file (it lacks the PAR1 marker)")
    if expected is not None:
        return expected
    head = data[:SAMPLE_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"[", b"{")):
        return "json"
    return "csv"


def _format_of_extension(ext: str) -> str | None:
    if ext in TEXT_EXTENSIONS:
        return "csv"
    if ext in EXCEL_EXTENSIONS:
        return "excel"
    if ext in PARQUET_EXTENSIONS:
        return "parquet"
    if ext in JSON_EXTENSIONS:
        return "json"
    if ext in JSONL_EXTENSIONS:
        return "jsonl"
    return None


# -- delimited text ----------------------------------------------------------------------


# The ASCII unit separator splits nothing in a one-column text file.
SINGLE_COLUMN: Final = "\x1f"


def _sniff_delimiter(sample: str, ext: str) -> str:
    """Pick the delimiter that splits the first lines into the most consistent field counts."""
    lines = sample.splitlines()
    if len(sample) >= SAMPLE_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last line of a cut sample may be partial
    lines = [line for line in lines if line.strip()][:200]
    if not lines:
        return ","
    header = lines[0]
    if not any(d in header for d in DELIMITERS):
        # A one-column file (e.g. a list of texts): commas inside its values are text.
        return SINGLE_COLUMN
    preferred = {".tsv": "\t", ".tab": "\t", ".psv": "|"}.get(ext)
    best, best_score = ",", (-1.0, 0, 0)
    for delimiter in DELIMITERS:
        counts = [len(r) for r in csv.reader(lines, delimiter=delimiter, strict=False) if r]
        if not counts or counts[0] < 2:
            continue
        consistency = sum(c == counts[0] for c in counts) / len(counts)
        score = (consistency, int(delimiter == preferred), counts[0])
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _clean_names(raw: Sequence[object]) -> list[str]:
    """Strip header names; name blank ones column_N and number repeats name_2, name_3."""
    names: list[str] = []
    seen: set[str] = set()
    for index, value in enumerate(raw, start=1):
        name = "" if value is None else str(value)
        name = name.replace("\ufeff", "").strip()
        if not name or (name.lower() == "nan" and not isinstance(value, str)):
            name = f"column_{index}"
        candidate, k = name, 2
        while candidate in seen:
            candidate, k = f"{name}_{k}", k + 1
        seen.add(candidate)
        names.append(candidate)
    return names


def _read_delimited(decoded: Decoded, display: str, ext: str) -> RawTable:
    data = decoded.data
    sample = data[:SAMPLE_BYTES].decode("utf-8", "replace")
    if not sample.strip():
        raise InputError(display, None, None, "the file is empty")
    delimiter = _sniff_delimiter(sample, ext)
    table = None
    if decoded.stray_codepage is None:
        table = _parse_arrow(data, delimiter)
    if table is not None:
        frame = table
        rejects = empty_rejects()
    else:
        text = data.decode("utf-8", "surrogateescape")
        frame, rejects = _parse_python(text, delimiter, display)
        if decoded.stray_codepage is not None:
            frame, rejects = repair_stray_bytes(frame, rejects, decoded.stray_codepage)
        frame = frame.astype(STR_DTYPE)
    shown = None if delimiter == SINGLE_COLUMN else delimiter
    return RawTable(frame, display, "csv", decoded.encoding, shown, rejects)


def _has_quoted_newline(data: bytes) -> bool:
    """Tell whether a line break sits inside quotes (pyarrow then parses serially, slower).

    A line break is inside quotes when an odd number of quote characters precede it. Works
    on 64 MB chunks with positions only, so large files need no large temporary arrays.
    """
    first, last = data.find(b'"'), data.rfind(b'"')
    if first < 0:
        return False
    # Before the first quote no break is quoted; after the last one all are, or none.
    codes = np.frombuffer(data, dtype=np.uint8)[first : last + 1]
    carry = 0
    step = 64 * 1024 * 1024
    for offset in range(0, len(codes), step):
        chunk = codes[offset : offset + step]
        quotes = np.flatnonzero(chunk == ord('"'))
        breaks = np.flatnonzero(chunk == ord("\n"))
        if ((np.searchsorted(quotes, breaks) + carry) % 2).any():
            return True
        carry = (carry + len(quotes)) % 2
    return bool(carry) and data.find(b"\n", last) >= 0


def _parse_arrow(data: bytes, delimiter: str) -> pd.DataFrame | None:
    """Parse clean UTF-8 text with pyarrow (multithreaded); None when a row is ragged."""
    first = next(
        csv.reader(
            io.StringIO(data[:SAMPLE_BYTES].decode("utf-8", "replace")), delimiter=delimiter
        ),
        [],
    )
    n_fields = len(first)
    if n_fields == 0:
        return None
    generated = [f"f{i}" for i in range(n_fields)]
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(column_names=generated),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=_has_quoted_newline(data)
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(generated, pa.large_string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:
        return None  # ragged rows or broken quoting: the python reader reports them per row
    if table.num_rows == 0:
        return None
    header = table.slice(0, 1).to_pylist()[0]
    body = table.slice(1)
    frame = body.to_pandas(types_mapper={pa.large_string(): STR_DTYPE}.get)
    frame.columns = _clean_names([header[g] for g in generated])
    return frame


def _parse_python(text: str, delimiter: str, display: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Parse text with the csv module, rejecting rows whose field count differs from the header."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        records = [record for record in reader if record]
    except csv.Error as err:
        raise InputError(
            display, reader.line_num, None, f"cannot split into fields: {err}"
        ) from None
    if not records:
        raise InputError(display, None, None, "the file is empty")
    header, rows = records[0], records[1:]
    n_fields = len(header)
    lengths = np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows))
    ragged = np.flatnonzero(lengths != n_fields)
    for index in ragged:  # only the bad rows: padded or cut to the header, then rejected
        row = rows[index]
        rows[index] = (row + [""] * n_fields)[:n_fields]
    rejects = pd.DataFrame(
        {
            ROW: pd.Series(ragged + 1, dtype="int64"),
            "column": pd.Series([ROW_COLUMN] * len(ragged), dtype="string"),
            "reason": pd.Series(
                [f"expected {n_fields} fields, found {lengths[i]}" for i in ragged], dtype="string"
            ),
        }
    )
    columns = list(zip(*rows, strict=True)) if rows else [()] * n_fields
    frame = pd.DataFrame(
        {f"f{i}": pd.Series(list(col), dtype=object) for i, col in enumerate(columns)},
        index=pd.RangeIndex(len(rows)),
    )
    frame.columns = _clean_names(header)
    return frame, rejects


# -- Excel, Parquet, JSON ----------------------------------------------------------------


def _normalise_native(frame: pd.DataFrame) -> pd.DataFrame:
    """Keep numeric/datetime/bool columns native; text and mixed columns become strings."""
    out = {}
    for column in frame.columns:
        values = frame[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
            out[column] = as_text(values).astype(STR_DTYPE)
        else:
            out[column] = values
    result = pd.DataFrame(out, index=pd.RangeIndex(len(frame)))
    result.columns = _clean_names(list(frame.columns))
    return result


def _read_excel(data: bytes, display: str) -> RawTable:
    try:
        frame = pd.read_excel(io.BytesIO(data), sheet_name=0, engine="openpyxl")
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as err:
        raise InputError(display, None, None, f"not a readable .xlsx workbook: {err}") from None
    if frame.columns.empty:
        raise InputError(display, None, None, "the first sheet of the workbook is empty")
    return RawTable(_normalise_native(frame), display, "excel", None, None)


def _read_parquet(data: bytes, display: str) -> RawTable:
    try:
        frame = pd.read_parquet(io.BytesIO(data))
    except (pa.ArrowException, OSError, ValueError) as err:
        raise InputError(display, None, None, f"not a readable Parquet file: {err}") from None
    if frame.columns.empty:
        raise InputError(display, None, None, "the Parquet file has no columns")
    if not isinstance(frame.index, pd.RangeIndex):
        frame = frame.reset_index()  # a saved index (e.g. customer_id) is a column to the user
    return RawTable(_normalise_native(frame.reset_index(drop=True)), display, "parquet", None, None)


def _json_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _read_json(decoded: Decoded, display: str, *, lines: bool) -> RawTable:
    text = decoded.data.decode("utf-8", "replace")
    if not text.strip():
        raise InputError(display, None, None, "the file is empty")
    if not lines:
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as err:
            if err.msg != "Extra data":
                raise InputError(
                    display,
                    None,
                    None,
                    f"not valid JSON: {err.msg} at line {err.lineno}, column {err.colno}",
                ) from None
            lines = True  # several JSON values, one per line: JSON Lines saved as .json
        else:
            records = _records_of(parsed, display)
            return _records_table(records, display, "json", decoded.encoding)
    return _read_json_lines(text, display, decoded.encoding)


def _records_of(parsed: object, display: str) -> list[object]:
    """Accept an array of objects, {"key": [objects]} or {"column": [values], ...}."""
    if isinstance(parsed, list):
        return parsed
    if isinstance(parsed, dict):
        lists = [v for v in parsed.values() if isinstance(v, list)]
        if len(parsed) == 1 and lists:
            return lists[0]
        if parsed and len(lists) == len(parsed) and len({len(v) for v in lists}) == 1:
            keys = list(parsed)
            return [dict(zip(keys, values, strict=True)) for values in zip(*lists, strict=True)]
        return [parsed]
    raise InputError(display, None, None, "expected a JSON array of objects, one per row")


def _records_table(
    records: list[object],
    display: str,
    kind: str,
    encoding: str | None,
    bad: dict[int, str] | None = None,
) -> RawTable:
    bad = dict(bad or {})
    for index, record in enumerate(records):
        if not isinstance(record, dict) and index not in bad:
            bad[index] = f"expected a JSON object, found {type(record).__name__}"
    objects = [r if isinstance(r, dict) else {} for r in records]
    names = list(dict.fromkeys(str(k) for r in objects for k in r))
    if not names:
        raise InputError(display, None, None, "no records with fields in the JSON file")
    columns = {
        name: pd.Series([_json_cell(r.get(name)) for r in objects], dtype=STR_DTYPE)
        for name in names
    }
    frame = pd.DataFrame(columns, index=pd.RangeIndex(len(objects)))
    frame.columns = _clean_names(names)
    rows = sorted(bad)
    rejects = pd.DataFrame(
        {
            ROW: pd.Series([r + 1 for r in rows], dtype="int64"),
            "column": pd.Series([ROW_COLUMN] * len(rows), dtype="string"),
            "reason": pd.Series([bad[r] for r in rows], dtype="string"),
        }
    )
    return RawTable(frame, display, kind, encoding, None, rejects)


def _read_json_lines(text: str, display: str, encoding: str | None) -> RawTable:
    records: list[object] = []
    bad: dict[int, str] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as err:
            bad[len(records)] = f"not valid JSON: {err.msg} (column {err.colno})"
            records.append({})
    return _records_table(records, display, "jsonl", encoding, bad)


__all__ = [
    "DEFAULT_MAX_BYTES",
    "DELIMITERS",
    "FORMATS",
    "MAX_UPLOAD_ENV",
    "max_upload_bytes",
    "read_table",
]
