"""Reading files: formats, delimiters, headers, bad input, size limits."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal, assert_series_equal

from journey.errors import FileTooLargeError, InputError, SettingsError
from journey.io import read
from journey.io.load import load_file, propose, validate_table
from journey.schema import (
    CHANNEL,
    CUSTOMER_ID,
    EVENT_COLUMNS,
    REVENUE,
    ROW,
    TIMESTAMP,
    DatasetSettings,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def stamps(*values: str) -> pd.Series:
    return pd.Series(pd.to_datetime(list(values), utc=True), name=TIMESTAMP).astype(
        "datetime64[us, UTC]"
    )


def load(name: str, **kwargs: object) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    result, mapping = load_file(FIXTURES / name, **kwargs)
    return result.accepted, result.rejects, mapping


def test_utf8_csv_keeps_polish_names_and_reads_iso_z():
    raw = read.read_table(FIXTURES / "events_utf8.csv")
    assert (raw.format, raw.encoding, raw.delimiter) == ("csv", "utf-8", ",")
    assert list(raw.frame.columns) == [
        "customer_id", "timestamp", "channel", "touchpoint", "event_type", "revenue", "city",
    ]  # fmt: skip
    accepted, rejects, _ = load("events_utf8.csv")
    assert rejects.empty
    assert accepted["city"].tolist() == ["Łódź", "Łódź", "Kraków"]
    assert_series_equal(
        accepted[TIMESTAMP],
        stamps("2025-03-21 14:05", "2025-03-22 09:30", "2025-03-23 18:00"),
    )
    # empty touchpoint defaults to the channel; empty revenue is 0.0; purchase converts
    assert accepted["touchpoint"].tolist() == ["Welcome email", "Pricing page", "Store"]
    assert accepted[REVENUE].tolist() == [0.0, 1234.56, 12.5]
    assert accepted["conversion"].tolist() == [False, True, True]
    assert accepted[ROW].tolist() == [1, 2, 3]


def test_utf8_bom_semicolon_with_decimal_comma():
    raw = read.read_table(FIXTURES / "events_utf8_bom.csv")
    assert (raw.encoding, raw.delimiter) == ("utf-8-sig", ";")
    assert raw.frame.columns[0] == "customer_id"  # BOM removed from the first header
    accepted, _, _ = load("events_utf8_bom.csv")
    assert accepted[REVENUE].tolist() == [0.0, 1234.56]


def test_pipe_delimited_with_offsets_and_synonyms():
    raw = read.read_table(FIXTURES / "events_pipe.txt")
    assert raw.delimiter == "|"
    accepted, _, mapping = load("events_pipe.txt")
    assert mapping == {
        CUSTOMER_ID: "user_id", TIMESTAMP: "event_time", CHANNEL: "source", REVENUE: "value",
    }  # fmt: skip
    # 14:05+02:00 is 12:05 UTC; 14:05-05:00 is 19:05 UTC
    assert_series_equal(accepted[TIMESTAMP], stamps("2025-03-21 12:05", "2025-03-21 19:05"))


def test_excel_workbook_native_dates_and_mixed_column():
    raw = read.read_table(FIXTURES / "events.xlsx")
    assert (raw.format, raw.encoding, raw.delimiter) == ("excel", None, None)
    accepted, rejects, mapping = load("events.xlsx")
    assert mapping[CUSTOMER_ID] == "Customer ID"
    assert rejects.empty
    assert_series_equal(
        accepted[TIMESTAMP],
        stamps("2025-03-21 14:05", "2025-03-22 09:30", "2025-03-23 18:00"),
    )
    assert accepted[REVENUE].tolist() == [0.0, 1234.56, 12.5]
    assert accepted["segment"].tolist() == ["VIP", "7", pd.NA]


def test_parquet_native_dtypes():
    raw = read.read_table(FIXTURES / "events.parquet")
    assert raw.format == "parquet"
    assert isinstance(raw.frame[TIMESTAMP].dtype, pd.DatetimeTZDtype)
    accepted, _, _ = load("events.parquet")
    assert accepted["conversion"].tolist() == [False, True]
    assert accepted[REVENUE].tolist() == [0.0, 99.9]
    assert_series_equal(accepted[TIMESTAMP], stamps("2025-03-21 14:05", "2025-03-22 09:30"))


def test_json_array_of_records_with_nested_and_numeric_ids():
    raw = read.read_table(FIXTURES / "events.json")
    assert raw.format == "json"
    accepted, _, _ = load("events.json")
    assert accepted[CUSTOMER_ID].tolist() == ["c1", "2"]
    assert accepted["meta"].tolist() == ['{"utm": "spring"}', pd.NA]
    assert accepted["conversion"].tolist() == [False, True]


def test_json_wrapped_and_column_oriented():
    wrapped = json.dumps({"events": [{"customer_id": "a", "channel": "Web"}]}).encode()
    assert read.read_table(wrapped, "w.json").frame.to_dict("list") == {
        "customer_id": ["a"], "channel": ["Web"],
    }  # fmt: skip
    columns = json.dumps({"customer_id": ["a", "b"], "channel": ["Web", "App"]}).encode()
    assert read.read_table(columns, "c.json").frame.to_dict("list") == {
        "customer_id": ["a", "b"], "channel": ["Web", "App"],
    }  # fmt: skip


def test_json_lines_rejects_the_broken_line_only():
    raw = read.read_table(FIXTURES / "events.jsonl")
    assert raw.format == "jsonl"
    result, _ = load_file(FIXTURES / "events.jsonl")
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (3, 2, 1)
    assert result.rejects[ROW].tolist() == [3]
    assert result.rejects["reason"].tolist() == ["not valid JSON: Expecting value (column 36)"]


def test_format_sniffed_from_content_without_extension():
    assert read.read_table(b'[{"a": 1}]', "upload").format == "json"
    assert read.read_table(b"a;b\n1;2\n", "upload").delimiter == ";"
    xlsx = (FIXTURES / "events.xlsx").read_bytes()
    assert read.read_table(xlsx, "upload").format == "excel"


def test_quoted_fields_keep_delimiters_and_newlines():
    data = b'customer_id,channel,note\nc1,Web,"a, b\nsecond line"\nc2,App,"say ""hi"""\n'
    frame = read.read_table(data, "q.csv").frame
    assert frame["note"].tolist() == ["a, b\nsecond line", 'say "hi"']


def test_duplicate_and_blank_headers_are_named():
    frame = read.read_table(b"a,a,,b\n1,2,3,4\n", "h.csv").frame
    assert list(frame.columns) == ["a", "a_2", "column_3", "b"]


def test_text_values_are_kept_verbatim_as_strings():
    frame = read.read_table(b"id,zip,flag\n007, 01234 ,NA\n", "t.csv").frame
    assert frame.to_dict("list") == {"id": ["007"], "zip": [" 01234 "], "flag": ["NA"]}


def test_empty_file_raises_naming_the_file():
    with pytest.raises(InputError, match=r"^empty\.csv: the file is empty$"):
        read.read_table(FIXTURES / "empty.csv")


def test_header_only_file_reads_zero_rows_and_does_not_load():
    raw = read.read_table(FIXTURES / "header_only.csv")
    assert list(raw.frame.columns) == ["customer_id", "timestamp", "channel"]
    assert len(raw.frame) == 0
    # the app validates it (and says "no data rows"); the CLI and load_file refuse it
    result = validate_table(raw, propose(raw), "events", DatasetSettings())
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (0, 0, 0)
    assert list(result.accepted.columns) == [*EVENT_COLUMNS, ROW]
    with pytest.raises(InputError, match=r"^header_only\.csv: no data rows"):
        load_file(FIXTURES / "header_only.csv")


def test_binary_garbage_raises():
    with pytest.raises(InputError, match=r"garbage\.csv: this is binary data, not text"):
        read.read_table(FIXTURES / "garbage.csv")


def test_xlsx_renamed_to_csv_raises():
    with pytest.raises(InputError, match=r"Excel workbook \(\.xlsx\) saved under a '\.csv' name"):
        read.read_table(FIXTURES / "xlsx_renamed.csv")


def test_png_renamed_to_csv_raises():
    with pytest.raises(InputError, match=r"png_renamed\.csv: this is a PNG image, not CSV"):
        read.read_table(FIXTURES / "png_renamed.csv")


def test_zip_and_gzip_and_old_xls_are_named():
    with pytest.raises(InputError, match=r"^e\.csv: the gzip data is damaged or truncated"):
        read.read_table(b"\x1f\x8b\x08\x00rest", "e.csv")
    with pytest.raises(InputError, match=r"old Excel 97-2003 \(\.xls\)"):
        read.read_table(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "e.xls")
    with pytest.raises(InputError, match=r"not an Excel \.xlsx workbook"):
        read.read_table(b"customer_id\nc1\n", "e.xlsx")


def test_missing_file_and_folder():
    with pytest.raises(InputError, match="no such file"):
        read.read_table(FIXTURES / "nope.csv")
    with pytest.raises(InputError, match="is a folder"):
        read.read_table(FIXTURES)


def test_file_over_the_limit(tmp_path: Path):
    path = tmp_path / "big.csv"
    path.write_bytes(b"a,b\n" + b"1,2\n" * 1000)
    expected = r"is 0\.0038 MB, over the 9\.5e-05 MB limit.*JOURNEY_MAX_UPLOAD_MB"
    with pytest.raises(FileTooLargeError, match=expected):
        read.read_table(path, max_bytes=100)
    with pytest.raises(FileTooLargeError, match=r"big\.csv"):
        read.read_table(path.read_bytes(), "big.csv", max_bytes=100)


def test_limit_from_environment(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("JOURNEY_MAX_UPLOAD_MB", "2")
    assert read.max_upload_bytes() == 2 * 1024 * 1024
    with pytest.raises(FileTooLargeError, match="over the 2 MB limit"):
        read.read_table(b"a\n" + b"1\n" * 1_100_000, "x.csv")
    monkeypatch.setenv("JOURNEY_MAX_UPLOAD_MB", "lots")
    with pytest.raises(SettingsError, match="JOURNEY_MAX_UPLOAD_MB"):
        read.max_upload_bytes()
    monkeypatch.delenv("JOURNEY_MAX_UPLOAD_MB")
    assert read.max_upload_bytes() == read.DEFAULT_MAX_BYTES == 2048 * 1024 * 1024


def test_ragged_rows_are_rejected_with_field_counts():
    raw = read.read_table(FIXTURES / "ragged.csv")
    assert len(raw.frame) == 4
    result, _ = load_file(FIXTURES / "ragged.csv")
    expected = pd.DataFrame(
        {
            ROW: pd.Series([2, 3], dtype="int64"),
            "column": pd.Series(["", ""], dtype="string"),
            "reason": pd.Series(
                ["expected 3 fields, found 4", "expected 3 fields, found 2"], dtype="string"
            ),
        }
    )
    assert_frame_equal(result.rejects, expected)
    assert result.accepted[CUSTOMER_ID].tolist() == ["c1", "c4"]
    assert result.accepted[ROW].tolist() == [1, 4]


def test_quoted_header_only_uses_the_fast_reader_and_reads_values():
    data = b'"customer_id","timestamp","channel"\nc1,2025-03-21,Web\nc2,2025-03-22,"App"\n'
    frame = read.read_table(data, "q.csv").frame
    assert frame.to_dict("list") == {
        "customer_id": ["c1", "c2"], "timestamp": ["2025-03-21", "2025-03-22"],
        "channel": ["Web", "App"],
    }  # fmt: skip


def test_broken_json_names_line_and_column():
    with pytest.raises(InputError, match=r"b\.json: not valid JSON: .* at line 2, column 1"):
        read.read_table(b'[{"a": 1},\n]', "b.json")
    with pytest.raises(InputError, match="no records with fields"):
        read.read_table(b"[]", "e.json")
    with pytest.raises(InputError, match="expected a JSON array of objects"):
        read.read_table(b'"just text"', "s.json")


def test_json_lines_saved_as_json_and_non_object_rows():
    raw = read.read_table(b'{"a": "x"}\n{"a": "y"}\n', "lines.json")
    assert raw.format == "jsonl"
    assert raw.frame["a"].tolist() == ["x", "y"]
    mixed = read.read_table(b'[{"a": "x"}, [1, 2], {"a": "z"}]', "m.json")
    assert mixed.frame["a"].tolist() == ["x", "", "z"]
    assert mixed.rejects.to_dict("records") == [
        {ROW: 2, "column": "", "reason": "expected a JSON object, found list"}
    ]


def test_truncated_workbook_and_plain_zip():
    xlsx = (FIXTURES / "events.xlsx").read_bytes()
    with pytest.raises(InputError, match=r"^t\.xlsx: the workbook is damaged or truncated$"):
        read.read_table(xlsx[:2000], "t.xlsx")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("notes.txt", "hello")
        zipped.writestr("more.txt", "world")
    with pytest.raises(InputError, match=r"^z\.zip: the ZIP archive holds 2 files \('notes"):
        read.read_table(archive.getvalue(), "z.zip")
    with pytest.raises(InputError, match=r"^z\.zip: the ZIP archive or workbook is damaged"):
        read.read_table(archive.getvalue()[:40], "z.zip")


def test_a_one_column_file_keeps_commas_inside_its_values():
    raw = read.read_table(b"text\nthe app keeps crashing, useless\nfine, thanks\n", "posts.csv")
    assert list(raw.frame.columns) == ["text"]
    assert raw.frame["text"].tolist() == ["the app keeps crashing, useless", "fine, thanks"]
    assert raw.delimiter is None
    assert len(raw.rejects) == 0
