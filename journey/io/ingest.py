"""Read user files into raw tables, sniff encodings and delimiters, and map columns.

`read_table` turns CSV/TSV/semicolon/pipe text, Excel (.xlsx), Parquet, JSON and JSON Lines
into a `RawTable` whose frame holds the source columns (text formats as strings, Excel and
Parquet may keep native dtypes). `propose_mapping` guesses which source column holds which
canonical column from the synonyms in `journey.schema`; `load_file` reads, maps and validates.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import hashlib
import io
import json
import os
import re
import unicodedata
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import charset_normalizer
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
from openpyxl.utils.exceptions import InvalidFileException

from journey.errors import FileTooLargeError, InputError, SettingsError
from journey.io import validate
from journey.io.validate import check_mapping
from journey.schema import (
    ROW,
    DatasetSettings,
    ProgressFn,
    ValidationResult,
    empty_rejects,
    specs_for,
)

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

_STR: Final = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas 3's default `str` dtype
_SAMPLE_BYTES: Final = 64 * 1024
_BOMS: Final = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
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


@dataclass(frozen=True)
class RawTable:
    """A file as read: source columns (text formats as strings), before mapping and rules.

    `frame` has one row per data row in file order (frame row i is data row i + 1), headers
    stripped and the BOM removed. Rows the reader could not split into the header's columns
    (ragged CSV rows, broken JSON lines) stay in `frame`, padded or cut to the header, and are
    listed in `rejects` (row, column, reason) so validation rejects them with that reason.
    """

    frame: pd.DataFrame
    file: str
    format: str  # "csv" | "excel" | "parquet" | "json" | "jsonl"
    encoding: str | None
    delimiter: str | None
    rejects: pd.DataFrame = field(default_factory=empty_rejects)


@dataclass(frozen=True)
class _Decoded:
    """Text bytes re-encoded as UTF-8 (BOM removed), or raw bytes with stray non-UTF-8 bytes."""

    data: bytes
    encoding: str
    stray_codepage: str | None = None  # set when `data` is UTF-8 with a few legacy bytes


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
    decoded = _decode(data, display)
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
            display, None, None, f"this is {magic}, not {wanted}: upload {_SUPPORTED_TEXT}"
        )
    if expected == "excel":
        raise InputError(display, None, None, "not an Excel .xlsx workbook (the file is damaged?)")
    if expected == "parquet":
        raise InputError(display, None, None, "not a Parquet file (it lacks the PAR1 marker)")
    if expected is not None:
        return expected
    head = data[:_SAMPLE_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"[", b"{")):
        return "json"
    return "csv"


_SUPPORTED_TEXT: Final = "CSV/TSV text, Excel (.xlsx), Parquet, JSON or JSON Lines"


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


# -- encodings ---------------------------------------------------------------------------


def _decode(data: bytes, display: str) -> _Decoded:
    """Detect the text encoding and return UTF-8 bytes without a BOM."""
    label = "utf-8"
    if data.startswith(codecs.BOM_UTF8):
        data, label = data[len(codecs.BOM_UTF8) :], "utf-8-sig"
    else:
        for bom, encoding in _BOMS:
            if data.startswith(bom):
                text = _decode_strict(data, encoding, display)
                _reject_binary(text[:_SAMPLE_BYTES], display)
                return _Decoded(text.encode("utf-8"), encoding)
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            text = _decode_strict(data, utf16, display)
            _reject_binary(text[:_SAMPLE_BYTES], display)
            return _Decoded(text.encode("utf-8"), utf16)
    _reject_binary(data[:_SAMPLE_BYTES].decode("latin-1"), display)
    if data.isascii() or _is_utf8(data):
        return _Decoded(data, label)
    text = data.decode("utf-8", "surrogateescape")
    n_invalid = len(_SURROGATES.findall(text))
    n_valid = len(_NON_ASCII.findall(text)) - n_invalid
    if n_valid > n_invalid or label == "utf-8-sig":
        # Mostly UTF-8 with a few stray legacy bytes: parsed cell by cell, those cells rejected.
        stray = "".join(_STRAY_WORDS.findall(text)).encode("utf-8", "surrogateescape")
        codepage = _guess_codepage(stray, display, guess=False)
        return _Decoded(data, label, stray_codepage=codepage)
    codepage = _guess_codepage(data, display)
    return _Decoded(_decode_strict(data, codepage, display).encode("utf-8"), codepage)


_SURROGATES: Final = re.compile("[\udc80-\udcff]")
_STRAY_WORDS: Final = re.compile("[A-Za-z]*[\udc80-\udcff]+[A-Za-z]*[\x00-\x7f]?")
_NON_ASCII: Final = re.compile("[^\x00-\x7f]")


def _decode_strict(data: bytes, encoding: str, display: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        raise InputError(
            display,
            None,
            None,
            f"not valid {encoding} text: byte {data[err.start : err.start + 1]!r} at offset "
            f"{err.start} ({err.reason})",
        ) from None


def _is_utf8(data: bytes) -> bool:
    """Check UTF-8 validity in chunks, so a large file is never held twice as str."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    step = 16 * 1024 * 1024
    try:
        for start in range(0, len(data), step):
            decoder.decode(data[start : start + step], final=start + step >= len(data))
    except UnicodeDecodeError:
        return False
    return True


def _utf16_without_bom(data: bytes) -> str | None:
    """Recognise BOM-less UTF-16 by the zero byte in every other position of ASCII text."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    sample = sample[: len(sample) // 2 * 2]
    even = np.frombuffer(sample[0::2], dtype=np.uint8)
    odd = np.frombuffer(sample[1::2], dtype=np.uint8)
    if (odd == 0).mean() > 0.9 and (even == 0).mean() < 0.1:
        return "utf-16-le"
    if (even == 0).mean() > 0.9 and (odd == 0).mean() < 0.1:
        return "utf-16-be"
    return None


_CONTROL: Final = re.compile("[\x00-\x08\x0e-\x1f\x7f]")


def _reject_binary(sample: str, display: str) -> None:
    """Refuse data that is not text: control characters make up over 1% of the start."""
    if not sample:
        return
    hits = _CONTROL.findall(sample)
    if len(hits) > max(1, len(sample) // 100) or "\x00" in sample[:16]:
        first = _CONTROL.search(sample)
        where = first.start() if first else 0
        raise InputError(
            display,
            None,
            None,
            f"this is binary data, not text (control byte 0x{ord(sample[where]):02x} at offset "
            f"{where}): upload {_SUPPORTED_TEXT}",
        )


def _letter_weights(encoding: str) -> np.ndarray:
    """Score each byte 0x80-0xFF as decoded in `encoding`: letter 1, other 0, undefined -10."""
    weights = np.zeros(256)
    for byte in range(0x80, 0x100):
        try:
            char = bytes([byte]).decode(encoding)
        except UnicodeDecodeError:
            weights[byte] = -10.0
            continue
        category = unicodedata.category(char)
        if category.startswith("L"):
            weights[byte] = 1.0
        elif category == "Cc":
            weights[byte] = -10.0
    return weights


_WEIGHTS: Final = {enc: _letter_weights(enc) for enc in ("cp1250", "cp1252")}
_ASCII_LETTER: Final = np.zeros(256, dtype=bool)
_ASCII_LETTER[np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", np.uint8)] = (
    True
)
_WORDY: Final = _ASCII_LETTER.copy()
_WORDY[0x80:] = True
_VOWEL: Final = np.zeros(256, dtype=bool)
_VOWEL[np.frombuffer(b"aeiouyAEIOUY", np.uint8)] = True
_CONSONANT: Final = _ASCII_LETTER & ~_VOWEL


def _guess_codepage(data: bytes, display: str, *, guess: bool = True) -> str:
    """Choose cp1250 (Polish, Central Europe) or cp1252 (Western) for legacy 8-bit text.

    Each byte >= 0x80 scores in both code pages: a letter 1 (2 inside a word), a symbol 0,
    an undefined byte -10. 'ń' and 'ñ' share byte 0xF1: Polish writes 'ń' only before a
    consonant or at a word end, Spanish 'ñ' only before a vowel, so the next byte decides.
    Ties go to cp1252. When neither code page fits, charset-normalizer guesses.
    """
    codes = np.frombuffer(data, dtype=np.uint8)
    high = np.flatnonzero(codes >= 0x80)
    values = codes[high]
    before = codes[np.maximum(high - 1, 0)]
    after = codes[np.minimum(high + 1, len(codes) - 1)]
    in_word = _WORDY[before] | _WORDY[after]
    scores = {}
    for encoding, weights in _WEIGHTS.items():
        base = weights[values]
        scores[encoding] = float(np.where(base > 0, base * (1 + in_word), base).sum())
    n_tilde = (values == 0xF1) | (values == 0xD1)
    scores["cp1252"] -= 3.0 * float((n_tilde & (_CONSONANT[after] | ~_WORDY[after])).sum())
    scores["cp1250"] -= 3.0 * float((n_tilde & _VOWEL[after]).sum())
    best = "cp1250" if scores["cp1250"] > scores["cp1252"] else "cp1252"
    if not (weights_undefined := (_WEIGHTS[best][values] < 0)).any() or not guess:
        return best
    guess = charset_normalizer.from_bytes(data[: 1024 * 1024]).best()
    if guess is not None:
        return str(guess.encoding)
    first = int(high[np.flatnonzero(weights_undefined)[0]])
    raise InputError(
        display, None, None, f"unknown text encoding (byte 0x{codes[first]:02x} at offset {first})"
    )


# -- delimited text ----------------------------------------------------------------------


# The ASCII unit separator splits nothing in a one-column text file.
SINGLE_COLUMN: Final = "\x1f"


def _sniff_delimiter(sample: str, ext: str) -> str:
    """Pick the delimiter that splits the first lines into the most consistent field counts."""
    lines = sample.splitlines()
    if len(sample) >= _SAMPLE_BYTES and len(lines) > 1:
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


def _read_delimited(decoded: _Decoded, display: str, ext: str) -> RawTable:
    data = decoded.data
    sample = data[:_SAMPLE_BYTES].decode("utf-8", "replace")
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
            frame, rejects = _repair_stray_bytes(frame, rejects, decoded.stray_codepage)
        frame = frame.astype(_STR)
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
            io.StringIO(data[:_SAMPLE_BYTES].decode("utf-8", "replace")), delimiter=delimiter
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
    frame = body.to_pandas(types_mapper={pa.large_string(): _STR}.get)
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


def _repair_stray_bytes(
    frame: pd.DataFrame, rejects: pd.DataFrame, codepage: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Reject cells holding bytes that are not UTF-8; keep them readable via the code page."""
    found = [rejects]
    repaired = {}
    for column in frame.columns:
        values = frame[column]
        bad = values.str.contains(_SURROGATES.pattern, regex=True)
        if not bad.any():
            continue
        fixed = values[bad].map(lambda v: _unstray(v, codepage))
        repaired[column] = values.mask(bad, fixed)
        found.append(
            pd.DataFrame(
                {
                    ROW: pd.Series(np.flatnonzero(bad.to_numpy()) + 1, dtype="int64"),
                    "column": pd.Series([column] * int(bad.sum()), dtype="string"),
                    "reason": (
                        "not UTF-8 text: "
                        + fixed.map(repr)
                        + f" holds bytes that are not UTF-8 (shown as {codepage})"
                    )
                    .astype("string")
                    .to_numpy(),
                }
            )
        )
    out = frame.assign(**repaired) if repaired else frame
    out.columns = [_unstray(c, codepage) for c in out.columns]
    merged = pd.concat(found, ignore_index=True).sort_values(ROW, kind="stable", ignore_index=True)
    return out, merged


def _unstray(value: str, codepage: str) -> str:
    """Re-read the stray bytes of a surrogate-escaped string in `codepage`."""
    name = f"journey-{codepage}"
    codecs.register_error(
        name,
        lambda err: (bytes(err.object[err.start : err.end]).decode(codepage, "replace"), err.end),
    )
    return value.encode("utf-8", "surrogateescape").decode("utf-8", name)


# -- Excel, Parquet, JSON ----------------------------------------------------------------


def _normalise_native(frame: pd.DataFrame) -> pd.DataFrame:
    """Keep numeric/datetime/bool columns native; text and mixed columns become strings."""
    out = {}
    for column in frame.columns:
        values = frame[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
            out[column] = validate.as_text(values).astype(_STR)
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


def _read_json(decoded: _Decoded, display: str, *, lines: bool) -> RawTable:
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
        name: pd.Series([_json_cell(r.get(name)) for r in objects], dtype=_STR) for name in names
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


# -- column mapping ----------------------------------------------------------------------


def _normalise_name(name: str) -> str:
    """Fold case, accents, spaces, '-' and '_' so 'Klient ID' and 'klient_id' compare equal."""
    folded = unicodedata.normalize("NFKD", str(name).strip().lower().replace("ł", "l"))
    return "".join(ch for ch in folded if ch.isalnum() and not unicodedata.combining(ch))


def propose_mapping(columns: Sequence[str], kind: str = "events") -> dict[str, str]:
    """Propose canonical -> source column from the schema's synonyms.

    Names compare without case, accents, spaces, '-' and '_'. A column named like a canonical
    column is taken first; then each canonical column, in contract order, takes the column
    matching its earliest synonym. Each source column is used at most once.
    """
    specs = specs_for(kind)
    normalised = {c: _normalise_name(c) for c in columns}
    taken: set[str] = set()
    mapping: dict[str, str] = {}
    for spec in specs:
        exact = [c for c in columns if c == spec.name] or [
            c for c in columns if normalised[c] == _normalise_name(spec.name)
        ]
        if exact:
            mapping[spec.name] = exact[0]
            taken.add(exact[0])
    for spec in specs:
        if spec.name in mapping:
            continue
        for synonym in (_normalise_name(s) for s in spec.synonyms):
            match = next((c for c in columns if c not in taken and normalised[c] == synonym), None)
            if match is not None:
                mapping[spec.name] = match
                taken.add(match)
                break
    order = [spec.name for spec in specs]
    return {name: mapping[name] for name in order if name in mapping}


def fingerprint(source: bytes, mapping: Mapping[str, str], settings: object) -> str:
    """Name a dataset by its bytes, column mapping and settings (a hex SHA-256)."""
    if dataclasses.is_dataclass(settings) and not isinstance(settings, type):
        settings = dataclasses.asdict(settings)
    digest = hashlib.sha256(source)
    digest.update(json.dumps([dict(mapping), settings], sort_keys=True, default=str).encode())
    return digest.hexdigest()


def apply_overrides(
    proposed: Mapping[str, str], overrides: Mapping[str, str] | None
) -> dict[str, str]:
    """Merge user overrides (canonical -> source; '' unmaps) into a proposed mapping.

    A source column the user assigns elsewhere leaves the canonical column it was proposed for.
    """
    mapping = dict(proposed)
    if not overrides:
        return mapping
    moved = {source for source in overrides.values() if source}
    for target in list(mapping):
        if target not in overrides and mapping[target] in moved:
            del mapping[target]
    for target, source in overrides.items():
        if source:
            mapping[target] = source
        else:
            mapping.pop(target, None)
    return mapping


def load_file(
    path: Path,
    kind: str = "events",
    overrides: Mapping[str, str] | None = None,
    settings: DatasetSettings | None = None,
    progress: ProgressFn | None = None,
) -> tuple[ValidationResult, dict[str, str]]:
    """Read a file, propose a mapping, apply overrides (canonical -> source) and validate."""
    settings = settings or DatasetSettings()
    if progress:
        progress(0.0, "reading")
    raw = read_table(path)
    if progress:
        progress(0.3, "mapping columns")
    columns = list(raw.frame.columns)
    mapping = apply_overrides(propose_mapping(columns, kind), overrides)
    check_mapping(mapping, columns, kind, raw.file)
    if kind == "events":
        result = validate.validate_events(raw, mapping, settings, _scaled(progress))
    else:
        result = validate.validate_transcripts(raw, mapping, settings, _scaled(progress))
    return result, mapping


def _scaled(progress: ProgressFn | None) -> ProgressFn | None:
    if progress is None:
        return None

    def inner(fraction: float, message: str) -> None:
        progress(0.3 + 0.7 * fraction, message)

    return inner


__all__ = [
    "DEFAULT_MAX_BYTES",
    "FORMATS",
    "RawTable",
    "apply_overrides",
    "check_mapping",
    "fingerprint",
    "load_file",
    "max_upload_bytes",
    "propose_mapping",
    "read_table",
]
