"""Fuzzing the readers: broken files end in a dataset or a JourneyError, never anything else.

The corpus in tests/data/bad/ (small files) and the large cases generated here go through the
whole load path (`load_file`: read -> map -> validate) in a subprocess with capped address
space and a per-file alarm, so a hang or unbounded memory fails the test instead of the
machine. Hypothesis then throws random bytes, random delimited text and random JSON at the
readers in-process. Every loaded file keeps rows read = accepted + rejected.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TypeVar

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journey.errors import JourneyError
from journey.io import load, read
from journey.schema import DatasetSettings, RawTable

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[3]
BAD = ROOT / "tests" / "data" / "bad"
MB = 1024 * 1024
MEMORY_MB = 4096  # address-space cap of the worker (pyarrow and numpy reserve a lot up front)
PER_FILE_SECONDS = 120  # a guard against hangs, far above any expected time
UPLOAD_MB = 64  # the worker's JOURNEY_MAX_UPLOAD_MB: bombs are sized against it

# file -> ("loaded", rows read, accepted, rejected) or ("error", the start of the message).
EXPECTED: dict[str, tuple] = {
    "bad_revenue.csv": ("loaded", 9, 2, 7),  # NaN, inf, -inf, 1e309, nan, Infinity, -5 out
    "bom_only.csv": ("error", "bom_only.csv: the file is empty"),
    "control_chars.csv": ("loaded", 199, 199, 0),  # control bytes in a few cells are data
    "duplicate_columns.csv": ("loaded", 2, 2, 0),
    "extreme_years.csv": ("loaded", 7, 5, 2),  # years 1 and 9999 are dates; 1e20 is not
    "header_only.tsv": ("error", "header_only.tsv: no data rows"),
    "json_broken_lines.jsonl": ("loaded", 5, 2, 3),
    "json_scalars.json": ("loaded", 5, 1, 4),
    "lone_surrogate.json": ("loaded", 1, 0, 1),
    "mixed_encodings.csv": ("loaded", 4, 2, 2),  # the cp1250 and cp1252 cells are rejected
    "nul_bytes.csv": ("loaded", 59, 59, 0),
    "only_newlines.csv": ("error", "only_newlines.csv: the file is empty"),
    "ragged.csv": ("loaded", 3, 1, 2),
    "random_bytes.bin": ("error", "random_bytes.bin: this is binary data, not text"),
    "random_bytes.csv": ("error", "random_bytes.csv: this is binary data, not text"),
    "rtl_emoji.csv": ("loaded", 5, 5, 0),
    "truncated.parquet": ("error", "truncated.parquet: not a readable Parquet file"),
    "truncated.xlsx": ("error", "truncated.xlsx: the workbook is damaged or truncated"),
    "unterminated_quote.csv": ("loaded", 1, 0, 1),
    "utf16_no_bom.csv": ("loaded", 1, 1, 0),
    "utf16_odd_length.csv": ("error", "utf16_odd_length.csv: not valid utf-16 text"),
    # generated below
    "single_line_50mb.csv": ("error", "single_line_50mb.csv: the table has 26,214,401 columns"),
    "columns_10000.csv": ("error", "columns_10000.csv: the table has 10,000 columns, over"),
    "columns_3000.xlsx": ("error", "columns_3000.xlsx: the table has 3,000 columns, over"),
    "columns_3000.parquet": ("error", "columns_3000.parquet: the table has 3,000 columns"),
    "deep.json": ("error", "deep.json: the JSON is nested too deeply"),
    "deep_line.jsonl": ("loaded", 2, 1, 1),
    "gzip_bomb.csv.gz": ("error", "gzip_bomb.csv.gz: it unpacks to more than"),
    "zip_bomb.xlsx": ("error", "zip_bomb.xlsx: the workbook unpacks to 128 MB, over the 64 MB"),
    "lying_zip_bomb.xlsx": ("error", "lying_zip_bomb.xlsx: not a readable .xlsx workbook"),
    "weird_types.parquet": ("loaded", 4, 1, 3),  # NaN revenue is missing; inf, -5 are not
}


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _understate(data: bytes, member: str, size: int) -> bytes:
    """Rewrite one member's uncompressed size in its local and central ZIP headers."""
    out = bytearray(data)
    encoded = member.encode()
    local = out.find(b"PK\x03\x04")
    while local >= 0 and out[local + 30 : local + 30 + len(encoded)] != encoded:
        local = out.find(b"PK\x03\x04", local + 4)
    out[local + 22 : local + 26] = size.to_bytes(4, "little")
    central = out.find(b"PK\x01\x02")
    while central >= 0 and out[central + 46 : central + 46 + len(encoded)] != encoded:
        central = out.find(b"PK\x01\x02", central + 4)
    out[central + 24 : central + 28] = size.to_bytes(4, "little")
    return bytes(out)


def _wide_workbook(columns: int) -> bytes:
    book = openpyxl.Workbook()
    book.active.append([f"c{i}" for i in range(columns)])
    book.active.append(list(range(columns)))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _weird_parquet() -> bytes:
    """Native types a reader must survive: nested, binary, tz-aware, NaN/inf revenue."""
    table = pa.table(
        {
            "customer_id": pa.array([b"c1", b"c2", b"c3", b"\xff\xfe"], pa.binary()),
            "timestamp": pa.array(
                [datetime(1, 1, 1), datetime(9999, 12, 31), datetime(2025, 3, 1), None],
                pa.timestamp("us", tz="Asia/Jakarta"),
            ),
            "channel": pa.array(["Web", "Email", "Store", "App"]).dictionary_encode(),
            "revenue": pa.array([float("nan"), float("inf"), -5.0, 12.5]),
            "tags": pa.array([[1, 2], [], None, [3]], pa.list_(pa.int64())),
            "meta": pa.array([{"a": 1}, {"a": None}, None, {"a": 4}]),
        }
    )
    out = io.BytesIO()
    pq.write_table(table, out)
    return out.getvalue()


def _generate(folder: Path) -> list[Path]:
    """Write the large or computed cases (not committed) and return their paths."""
    wide = ",".join(f"c{i}" for i in range(10_000))
    deep = b'{"a":' * 100_000 + b"1" + b"}" * 100_000
    sheet = "xl/worksheets/sheet1.xml"
    workbook = _zip({"[Content_Types].xml": b"<Types/>", sheet: b" " * (128 * MB)})
    lying = _understate(
        _zip({"[Content_Types].xml": b"<Types/>", sheet: b" " * (4 * UPLOAD_MB * MB)}), sheet, 64
    )
    cases = {
        "single_line_50mb.csv": b"a," * (25 * MB),
        "columns_10000.csv": f"{wide}\n{wide}\n".encode(),
        "columns_3000.xlsx": _wide_workbook(3_000),
        "columns_3000.parquet": _parquet_of_width(3_000),
        "deep.json": deep,
        "deep_line.jsonl": deep + b'\n{"customer_id": "c1", "timestamp": "2025-03-01", '
        b'"channel": "Web"}\n',
        "gzip_bomb.csv.gz": gzip.compress(b"0" * (2 * UPLOAD_MB * MB), compresslevel=1),
        "zip_bomb.xlsx": workbook,
        "lying_zip_bomb.xlsx": lying,
        "weird_types.parquet": _weird_parquet(),
    }
    for name, data in cases.items():
        (folder / name).write_bytes(data)
    return [folder / name for name in cases]


def _parquet_of_width(columns: int) -> bytes:
    out = io.BytesIO()
    pq.write_table(pa.table({f"c{i}": [i] for i in range(columns)}), out)
    return out.getvalue()


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """Load every corpus file in one bounded worker process; its outcome per file name."""
    generated = _generate(tmp_path_factory.mktemp("fuzz"))
    files = [*sorted(p for p in BAD.iterdir() if p.suffix != ".md"), *generated]
    env = {**os.environ, "JOURNEY_MAX_UPLOAD_MB": str(UPLOAD_MB)}
    for name in ("JOURNEY_MAX_COLUMNS", "JOURNEY_MAX_ROWS"):
        env.pop(name, None)
    worker = [sys.executable, "-m", "tests.journey.io.fuzz_worker"]
    try:
        done = subprocess.run(
            [*worker, str(MEMORY_MB), str(PER_FILE_SECONDS), *map(str, files)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=PER_FILE_SECONDS * 4,
            check=False,
        )
    except subprocess.TimeoutExpired as err:
        lines = (err.stdout or b"").decode().splitlines() if err.stdout else []
        pytest.fail(f"the worker hung; its last lines: {lines[-2:]}")
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    found = {Path(line["file"]).name: line for line in lines if "file" in line}
    started = [Path(line["start"]).name for line in lines if "start" in line]
    assert done.returncode == 0, f"worker died in {started[-1:]}: {done.stderr[-2000:]}"
    return found


def test_the_corpus_is_the_expected_one():
    committed = {p.name for p in BAD.iterdir() if p.suffix != ".md"}
    assert committed <= set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_broken_file_ends_in_a_dataset_or_a_named_error(outcomes: dict, name: str):
    found = outcomes[name]
    expected = EXPECTED[name]
    assert found["outcome"] == expected[0], found
    if expected[0] == "error":
        assert found["message"].startswith(expected[1]), found["message"]
        return
    assert found["read"] == found["accepted"] + found["rejected"]
    assert found["accepted"] == found["accepted_rows"]
    assert (found["read"], found["accepted"], found["rejected"]) == expected[1:], found


def test_rejects_say_why(outcomes: dict):
    assert outcomes["bad_revenue.csv"]["reasons"] == [
        "negative revenue: -5",
        "not a number: '-inf'",
        "not a number: '1e309'",
        "not a number: 'Infinity'",
        "not a number: 'NaN'",
        "not a number: 'inf'",
        "not a number: 'nan'",
    ]
    assert outcomes["lone_surrogate.json"]["reasons"] == [
        "not valid text: holds a lone UTF-16 surrogate escape (e.g. \\ud800)"
    ]
    assert outcomes["deep_line.jsonl"]["reasons"] == ["not valid JSON: nested too deeply"]
    assert outcomes["weird_types.parquet"]["reasons"] == [
        "negative revenue: -5",
        "not UTF-8 text: binary bytes",  # the reader's reason for row 4 (no timestamp either)
        "not a number: 'inf'",
    ]


def test_nested_parquet_cells_read_as_json_text():
    raw = read.read_table(_weird_parquet(), "w.parquet")
    assert raw.frame["tags"].tolist() == ["[1, 2]", "[]", "", "[3]"]
    assert raw.frame["meta"].tolist() == ['{"a": 1}', '{"a": null}', "", '{"a": 4}']
    assert raw.frame["customer_id"].tolist() == ["c1", "c2", "c3", "\ufffd\ufffd"]
    assert raw.rejects.to_dict("records") == [
        {"row": 4, "column": "customer_id", "reason": "not UTF-8 text: binary bytes"}
    ]


def test_duplicate_and_blank_header_names_are_numbered():
    raw = read.read_table(BAD / "duplicate_columns.csv")
    assert list(raw.frame.columns) == [
        "customer_id", "timestamp", "channel", "channel_2", "note", "note_2", "note_2_2",
        "column_8", "column_9",
    ]  # fmt: skip


def test_user_text_is_kept_as_it_is():
    raw = read.read_table(BAD / "rtl_emoji.csv")
    assert raw.frame["channel"].tolist()[:2] == ["قناة 😀", "Web 🚀👨\u200d👩\u200d👧"]
    assert raw.frame["customer_id"].tolist()[1] == "\u202ec1\u202c"
    assert raw.frame["channel"].tolist()[3] == "<script>alert(1)</script>"


# -- hypothesis: random input, in-process ---------------------------------------------------

NAMES = ("f.csv", "f.tsv", "f.txt", "f.json", "f.jsonl", "f.xlsx", "f.parquet", "f.gz", "f")
FUZZ = settings(
    max_examples=int(os.environ.get("JOURNEY_FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
CELL = st.text(
    alphabet=st.sampled_from(
        [*"ab1 -.,;\t|\"'\n\r\x00=", "é", "ł", "ü", "😀", "\u202e", "\ufeff", "٣"]
    ),
    max_size=12,
)


def _attempt(action: Callable[[], T]) -> T | JourneyError:
    """Run `action`; a JourneyError is an answer (returned), any other exception fails."""
    try:
        return action()
    except JourneyError as err:
        return err


def _check_raw(raw: RawTable) -> None:
    """A read table: one frame row per data row; rejects point at rows of the frame."""
    assert raw.frame.index.equals(pd.RangeIndex(len(raw.frame)))
    assert raw.rejects["row"].between(1, max(len(raw.frame), 1)).all()


@FUZZ
@given(data=st.binary(max_size=3000), name=st.sampled_from(NAMES))
def test_random_bytes_read_or_raise_a_journey_error(data: bytes, name: str):
    raw = _attempt(lambda: read.read_table(data, name))
    if isinstance(raw, JourneyError):
        assert str(raw).startswith(name), raw
        return
    _check_raw(raw)


@FUZZ
@given(
    rows=st.lists(st.lists(CELL, min_size=0, max_size=6), max_size=25),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    compress=st.booleans(),
)
def test_random_delimited_text_loads_with_every_row_counted(rows, delimiter, compress):
    header = delimiter.join(["customer_id", "timestamp", "channel", "revenue"])
    body = "\n".join(delimiter.join(row) for row in rows)
    data = f"{header}\n{body}\n".encode()
    data = gzip.compress(data) if compress else data
    _load_counts(data, "events.csv.gz" if compress else "events.csv")


def _valid_files() -> dict[str, bytes]:
    """Small valid files of every binary format, for mutation."""
    events = b"customer_id,timestamp,channel\nc1,2025-03-01 10:00,Web\nc2,2025-03-02 11:00,App\n"
    book = openpyxl.Workbook()
    for row in csv_rows(events):
        book.active.append(row)
    workbook = io.BytesIO()
    book.save(workbook)
    table = io.BytesIO()
    pq.write_table(pa.table({"customer_id": ["c1", "c2"], "channel": ["Web", "App"]}), table)
    return {
        "f.xlsx": workbook.getvalue(),
        "f.parquet": table.getvalue(),
        "f.csv.gz": gzip.compress(events),
        "f.zip": _zip({"f.csv": events}),
    }


def csv_rows(data: bytes) -> list[list[str]]:
    return [line.split(",") for line in data.decode().splitlines()]


VALID = _valid_files()


@FUZZ
@given(
    name=st.sampled_from(sorted(VALID)),
    flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), max_size=8),
    cut=st.floats(0.05, 1),
)
def test_mutated_binary_files_read_or_raise_a_journey_error(name, flips, cut):
    data = bytearray(VALID[name])
    for where, value in flips:
        data[int(where * len(data))] = value
    data = bytes(data[: max(1, int(cut * len(data)))])
    raw = _attempt(lambda: read.read_table(data, name))
    if isinstance(raw, JourneyError):
        assert str(raw).startswith(name), raw
        return
    _check_raw(raw)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | CELL,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(CELL, inner, max_size=4),
    max_leaves=20,
)


@FUZZ
@given(
    records=st.lists(
        st.fixed_dictionaries(
            {"customer_id": JSON_VALUES, "timestamp": JSON_VALUES, "channel": JSON_VALUES},
            optional={"revenue": JSON_VALUES},
        )
        | JSON_VALUES,
        max_size=15,
    ),
    lines=st.booleans(),
)
def test_random_json_loads_with_every_row_counted(records, lines):
    text = "\n".join(json.dumps(r) for r in records) if lines else json.dumps(records)
    _load_counts(text.encode(), "events.jsonl" if lines else "events.json")


def _load_counts(data: bytes, name: str) -> None:
    """Read -> map -> validate bytes; a JourneyError is fine, any other exception is not."""
    read_in = _attempt(lambda: load.read_mapped(data, "events", name=name))
    if isinstance(read_in, JourneyError):
        assert str(read_in).startswith(name), read_in
        return
    raw, mapping = read_in
    result = _attempt(lambda: load.validate_table(raw, mapping, "events", DatasetSettings()))
    if isinstance(result, JourneyError):
        assert str(result).startswith(name), result
        return
    _check_raw(raw)
    assert result.rows_read == len(raw.frame)
    assert result.rows_read == result.rows_accepted + result.rows_rejected
    assert len(result.accepted) == result.rows_accepted
