"""Read user files into raw tables: limits, format sniffing and the readers.

`read_table` turns CSV/TSV/semicolon/pipe text, Excel (.xlsx), Parquet, JSON and JSON Lines,
plain or compressed (gzip, bzip2, xz, a one-file ZIP), into a `RawTable` whose frame holds the
source columns (text formats as strings, Excel and Parquet may keep native dtypes). Text is
decoded by `journey.io.decode`, archives unpacked by `journey.io.archive`, Excel and Parquet
read by `journey.io.native`. Every step is linear in the input, and the size, column and row
limits of `journey.io.limits` are checked before the work they bound.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from journey.errors import InputError
from journey.io.archive import compression_of, is_workbook, unpack
from journey.io.decode import (
    SAMPLE_BYTES,
    SUPPORTED_TEXT,
    Decoded,
    decode,
    repair_stray_bytes,
)
from journey.io.limits import (
    DEFAULT_MAX_BYTES,
    MAX_UPLOAD_ENV,
    check_columns,
    check_rows,
    check_size,
    max_upload_bytes,
)
from journey.io.native import clean_names, read_excel, read_parquet, sheet_names
from journey.io.parse import STR_DTYPE
from journey.schema import ROW, RawTable, empty_rejects

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


def read_table(
    source: bytes | str | Path,
    name: str | None = None,
    *,
    max_bytes: int | None = None,
    sheet: str | None = None,
) -> RawTable:
    """Read a CSV/TSV/Excel/Parquet/JSON/JSON Lines file (a path or its bytes) into a RawTable.

    Args:
        source: A path, or the file's bytes (an upload).
        name: Display name used in messages and to tell the format by extension; defaults to
            the path's file name, or "upload" for bytes.
        max_bytes: Size limit, also for what a compressed file unpacks to; defaults to
            `max_upload_bytes()`.
        sheet: The Excel sheet to read; defaults to the first.

    Raises:
        FileTooLargeError: The file, or what it unpacks to, is over the limit.
        InputError: Empty, unreadable, binary or mislabelled file, broken syntax, or over the
            column (JOURNEY_MAX_COLUMNS) or row (JOURNEY_MAX_ROWS) limit.
    """
    limit = max_upload_bytes() if max_bytes is None else max_bytes
    data, display = _source_bytes(source, name, limit)
    kind_name = display
    if compression_of(data) is not None:
        unpacked = unpack(data, display, limit)
        data, kind_name = unpacked.data, unpacked.name
        if compression_of(data) is not None:
            raise InputError(
                display, None, None, "a compressed file inside a compressed file: unpack one level"
            )
    if not data or data.isspace():
        raise InputError(display, None, None, "the file is empty")
    kind = _detect_format(data, display, Path(kind_name).suffix.lower())
    if kind == "excel":
        return read_excel(data, display, limit, sheet)
    if kind == "parquet":
        return read_parquet(data, display, limit)
    decoded = decode(data, display)
    if kind in ("json", "jsonl"):
        return _read_json(decoded, display, lines=kind == "jsonl")
    return _read_delimited(decoded, display, Path(kind_name).suffix.lower())


def list_sheets(
    source: bytes | str | Path, name: str | None = None, *, max_bytes: int | None = None
) -> list[str]:
    """List the sheets of an Excel workbook (a path or its bytes); [] for any other file."""
    limit = max_upload_bytes() if max_bytes is None else max_bytes
    data, display = _source_bytes(source, name, limit)
    if not data.startswith(b"PK") or not is_workbook(data):
        return []
    return sheet_names(data, display, limit)


def _source_bytes(source: bytes | str | Path, name: str | None, limit: int) -> tuple[bytes, str]:
    """The bytes of an upload or a path, and the name messages use; checks the size."""
    if isinstance(source, bytes | bytearray | memoryview):
        display = name or "upload"
        check_size(display, len(source), limit)
        return bytes(source), display
    path = Path(source)
    display = name or path.name
    return _read_path(path, display, limit), display


def _read_path(path: Path, display: str, limit: int) -> bytes:
    try:
        if path.is_dir():
            raise InputError(display, None, None, "is a folder, not a file")
        check_size(display, path.stat().st_size, limit)
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
                return "xlsx" if is_workbook(data) else _DAMAGED_ZIP
            return kind
    return None


_DAMAGED_ZIP: Final = "a damaged or truncated ZIP/Excel file"


def _detect_format(data: bytes, display: str, ext: str) -> str:
    """Tell the format from the extension `ext`, checked against the file's first bytes."""
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
    if magic == _DAMAGED_ZIP:
        what = "workbook" if expected == "excel" else "ZIP archive or workbook"
        raise InputError(display, None, None, f"the {what} is damaged or truncated")
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


def _read_delimited(decoded: Decoded, display: str, ext: str) -> RawTable:
    data = decoded.data
    sample = data[:SAMPLE_BYTES].decode("utf-8", "replace")
    if not sample.strip():
        raise InputError(display, None, None, "the file is empty")
    delimiter = _sniff_delimiter(sample, ext)
    check_columns(display, _header_width(data, delimiter))
    table = None
    if decoded.stray_codepage is None:
        table = _parse_arrow(data, delimiter, display)
    if table is not None:
        frame = table
        rejects = empty_rejects()
    else:
        text = data.decode("utf-8", "surrogateescape")
        frame, rejects = _parse_python(text, delimiter, display)
        if decoded.stray_codepage is not None:
            frame, rejects = repair_stray_bytes(frame, rejects, decoded.stray_codepage)
        frame = frame.astype(STR_DTYPE)
        frame.columns = [str(c) for c in frame.columns]
    shown = None if delimiter == SINGLE_COLUMN else delimiter
    return RawTable(frame, display, "csv", decoded.encoding, shown, rejects)


_QUOTED: Final = re.compile(rb'"[^"]*"')


def _header_width(data: bytes, delimiter: str) -> int:
    """Count the header's fields from its first line, without splitting it (linear, cheap).

    Quoted sections are dropped before counting delimiters; a quote left open on the first
    line ends the count there (the csv reader counts that header exactly later).
    """
    if delimiter == SINGLE_COLUMN:
        return 1
    end = data.find(b"\n")
    line = _QUOTED.sub(b"", data if end < 0 else data[:end])
    line = line.split(b'"', 1)[0]
    return line.count(delimiter.encode()) + 1


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


def _parse_arrow(data: bytes, delimiter: str, display: str) -> pd.DataFrame | None:
    """Parse clean UTF-8 text with pyarrow (multithreaded); None when a row is ragged."""
    sample = io.StringIO(data[:SAMPLE_BYTES].decode("utf-8", "replace"), newline="")
    try:
        first = next(csv.reader(sample, delimiter=delimiter), [])
    except csv.Error:
        return None  # the python reader reports where the text cannot be split
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
    check_rows(display, table.num_rows - 1)
    header = table.slice(0, 1).to_pylist()[0]
    body = table.slice(1)
    frame = body.to_pandas(types_mapper={pa.large_string(): STR_DTYPE}.get)
    frame.columns = clean_names([header[g] for g in generated])
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
    check_columns(display, n_fields)
    check_rows(display, len(rows))
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
    # object labels: names holding stray bytes are repaired by the caller, not inferred here
    frame.columns = pd.Index(clean_names(header), dtype=object)
    return frame, rejects


# -- JSON ----------------------------------------------------------------------------------


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
        except RecursionError:
            raise InputError(display, None, None, _TOO_DEEP) from None
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


_TOO_DEEP: Final = "the JSON is nested too deeply: expected records of fields, one per row"


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
    check_rows(display, len(records))
    objects = [r if isinstance(r, dict) else {} for r in records]
    names = list(dict.fromkeys(str(k) for r in objects for k in r))
    if not names:
        raise InputError(display, None, None, "no records with fields in the JSON file")
    check_columns(display, len(names))
    found = [(r, ROW_COLUMN, reason) for r, reason in bad.items()]
    cleaned = clean_names([_without_surrogates(n) for n in names])
    columns = {}
    try:
        for position, name in enumerate(names):
            cells = [_json_cell(r.get(name)) for r in objects]
            columns[position], rows = _text_series(cells)
            found += [(r, cleaned[position], _SURROGATE_REASON) for r in rows if r not in bad]
    except RecursionError:
        raise InputError(display, None, None, _TOO_DEEP) from None
    frame = pd.DataFrame(columns, index=pd.RangeIndex(len(objects)))
    frame.columns = cleaned
    found.sort(key=lambda item: item[0])
    rejects = pd.DataFrame(
        {
            ROW: pd.Series([r + 1 for r, _, _ in found], dtype="int64"),
            "column": pd.Series([c for _, c, _ in found], dtype="string"),
            "reason": pd.Series([reason for _, _, reason in found], dtype="string"),
        }
    )
    return RawTable(frame, display, kind, encoding, None, rejects)


_SURROGATE: Final = re.compile("[\ud800-\udfff]")
_SURROGATE_REASON: Final = "not valid text: holds a lone UTF-16 surrogate escape (e.g. \\ud800)"


def _without_surrogates(text: str) -> str:
    """Replace lone UTF-16 surrogates (left by JSON escapes) with U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


def _text_series(cells: list[str]) -> tuple[pd.Series, list[int]]:
    """The cells as a string Series; cells holding lone surrogates are shown with U+FFFD."""
    try:
        return pd.Series(cells, dtype=STR_DTYPE), []
    except UnicodeEncodeError:
        rows = [i for i, cell in enumerate(cells) if _SURROGATE.search(cell)]
        for i in rows:
            cells[i] = _without_surrogates(cells[i])
        return pd.Series(cells, dtype=STR_DTYPE), rows


def _read_json_lines(text: str, display: str, encoding: str | None) -> RawTable:
    records: list[object] = []
    bad: dict[int, str] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except RecursionError:
            bad[len(records)] = "not valid JSON: nested too deeply"
            records.append({})
        except json.JSONDecodeError as err:
            bad[len(records)] = f"not valid JSON: {err.msg} (column {err.colno})"
            records.append({})
    return _records_table(records, display, "jsonl", encoding, bad)


__all__ = [
    "DEFAULT_MAX_BYTES",
    "DELIMITERS",
    "FORMATS",
    "MAX_UPLOAD_ENV",
    "list_sheets",
    "max_upload_bytes",
    "read_table",
]
