"""Column and row limits, and header naming that stays linear for huge headers."""

from __future__ import annotations

import signal
from collections.abc import Iterator

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from journey.errors import InputError, SettingsError
from journey.io import limits, read
from journey.io.native import clean_names


@pytest.fixture
def guard_seconds() -> Iterator[None]:
    """Fail instead of hanging: an alarm far above the expected time (a guard, not a timing)."""

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError("over the guard time: the reader is not linear")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def test_clean_names_numbers_repeats_like_before():
    assert clean_names(["a", "a", "a_2", "", "a", " b ", None]) == [
        "a", "a_2", "a_2_2", "column_4", "a_3", "b", "column_7",
    ]  # fmt: skip
    assert clean_names(["a_2", "a", "a", "a"]) == ["a_2", "a", "a_3", "a_4"]


def test_clean_names_of_200_000_repeats_is_linear(guard_seconds: None):
    names = clean_names(["a"] * 200_000)
    assert names[:3] == ["a", "a_2", "a_3"]
    assert names[-1] == "a_200000"
    assert len(set(names)) == 200_000


def test_a_50_mb_single_line_ends_in_the_column_message(guard_seconds: None):
    line = b"a," * (25 * 1024 * 1024)
    with pytest.raises(InputError, match=r"^line\.csv: the table has 26,214,401 columns, over"):
        read.read_table(line, "line.csv")


def test_the_column_limit_is_set_by_the_environment(monkeypatch: pytest.MonkeyPatch):
    data = b"a,b,c\n1,2,3\n"
    monkeypatch.setenv(limits.MAX_COLUMNS_ENV, "2")
    with pytest.raises(InputError, match=r"3 columns, over the 2 column limit.*JOURNEY_MAX_COL"):
        read.read_table(data, "t.csv")
    monkeypatch.setenv(limits.MAX_COLUMNS_ENV, "3")
    assert read.read_table(data, "t.csv").frame.shape == (1, 3)
    monkeypatch.setenv(limits.MAX_COLUMNS_ENV, "many")
    with pytest.raises(SettingsError, match="JOURNEY_MAX_COLUMNS='many'"):
        limits.max_columns()
    monkeypatch.delenv(limits.MAX_COLUMNS_ENV)
    assert limits.max_columns() == limits.DEFAULT_MAX_COLUMNS == 2_000


def test_quoted_delimiters_in_the_header_do_not_count():
    data = b'"a,b",c\n"1,2",3\n'
    assert limits.max_columns() == 2_000
    assert read.read_table(data, "q.csv").frame.columns.tolist() == ["a,b", "c"]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("r.csv", b"a,b\n1,2\n3,4\n5,6\n"),
        ("r.csv", b"a,b\n1,2\n3\n5,6\n"),  # ragged: the row-by-row reader
        ("r.json", b'[{"a": 1}, {"a": 2}, {"a": 3}]'),
        ("r.jsonl", b'{"a": 1}\n{"a": 2}\n{"a": 3}\n'),
    ],
)
def test_the_row_limit_names_the_count(monkeypatch: pytest.MonkeyPatch, name: str, data: bytes):
    monkeypatch.setenv(limits.MAX_ROWS_ENV, "2")
    with pytest.raises(InputError, match=r"the table has 3 data rows, over the 2 row limit.*ROWS"):
        read.read_table(data, name)
    monkeypatch.setenv(limits.MAX_ROWS_ENV, "3")
    assert len(read.read_table(data, name).frame) == 3


def test_parquet_limits_come_from_its_footer(monkeypatch: pytest.MonkeyPatch, tmp_path):
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"a": [1, 2, 3], "b": ["x", "y", "z"]}), path)
    monkeypatch.setenv(limits.MAX_ROWS_ENV, "2")
    with pytest.raises(InputError, match=r"^t\.parquet: the table has 3 data rows"):
        read.read_table(path)
    monkeypatch.setenv(limits.MAX_COLUMNS_ENV, "1")
    monkeypatch.delenv(limits.MAX_ROWS_ENV)
    with pytest.raises(InputError, match=r"^t\.parquet: the table has 2 columns"):
        read.read_table(path)


def test_deeply_nested_json_is_refused_or_rejected_per_line():
    deep = b'{"a":' * 100_000 + b"1" + b"}" * 100_000
    with pytest.raises(InputError, match=r"^d\.json: the JSON is nested too deeply"):
        read.read_table(deep, "d.json")
    raw = read.read_table(deep + b'\n{"a": 2}\n', "d.jsonl")
    assert raw.frame["a"].tolist() == ["", "2"]
    assert raw.rejects.to_dict("records") == [
        {"row": 1, "column": "", "reason": "not valid JSON: nested too deeply"}
    ]


def test_bundled_files_are_read_without_the_upload_limits(monkeypatch: pytest.MonkeyPatch):
    data = b"a,b,c\n1,2,3\n4,5,6\n"
    monkeypatch.setenv(limits.MAX_UPLOAD_ENV, "0.00001")
    monkeypatch.setenv(limits.MAX_COLUMNS_ENV, "2")
    monkeypatch.setenv(limits.MAX_ROWS_ENV, "1")
    with pytest.raises(InputError, match="over the"):
        read.read_table(data, "t.csv")
    with limits.bundled():
        assert read.read_table(data, "t.csv").frame.shape == (2, 3)
    with pytest.raises(InputError, match="over the"):
        read.read_table(data, "t.csv")
