"""Streaming ingest through DuckDB: the same accepted rows and rejects as the pandas path."""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import re
from collections.abc import Mapping
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from journey.errors import InputError, MappingError
from journey.io import load, stream_source
from journey.io.load import fingerprint, load_file
from journey.io.stream import StreamResult, file_key, validate_file
from journey.schema import (
    CHANNEL,
    CONVERSION,
    CUSTOMER_ID,
    PHASE,
    REVENUE,
    ROW,
    TIMESTAMP,
    TOUCHPOINT,
    ConversionRule,
    DatasetSettings,
)

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "data" / "sample" / "events.csv"
BAD = ROOT / "tests" / "data" / "bad"
HEADER = "customer_id,timestamp,channel,touchpoint,event_type,conversion,revenue,phase,Region"


def write(tmp_path: Path, text: str, name: str = "events.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def same_as_pandas(
    path: Path,
    overrides: Mapping[str, str] | None = None,
    dataset: DatasetSettings | None = None,
    *,
    fast: bool | None = True,
) -> StreamResult:
    """Validate both ways; assert equal results; return the stream result (still open)."""
    try:
        expected, mapping = load_file(path, overrides=overrides, settings=dataset)
    except InputError as err:
        error: InputError | None = err
    else:
        error = None
    if error is not None:
        with pytest.raises(type(error), match=re.escape(str(error))):
            validate_file(path, overrides=overrides, settings=dataset)
        return None  # type: ignore[return-value]
    result = validate_file(path, overrides=overrides, settings=dataset)
    if fast is not None:
        assert (result.fallback is None) == fast, result.fallback
    got = result.validation_result()
    assert_frame_equal(got.rejects, expected.rejects)
    assert_frame_equal(got.accepted, expected.accepted)
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (
        expected.rows_read,
        expected.rows_accepted,
        expected.rows_rejected,
    )
    assert result.duplicates == expected.duplicates
    assert result.conversion_rule == expected.conversion_rule
    assert result.mapping == mapping
    assert result.summary() == expected.summary()
    same_from_checked_rows(result)
    return result


CHECKED_COLUMNS = [CUSTOMER_ID, TIMESTAMP, CHANNEL, TOUCHPOINT, CONVERSION, REVENUE, PHASE, ROW]


def same_from_checked_rows(result: StreamResult) -> None:
    """The columns the rules worked out read from the checked rows equal the accepted view's."""
    columns = [c for c in CHECKED_COLUMNS if c in result.columns]
    from_checks = result.con.sql(result.accepted_sql(columns)).to_arrow_table()
    from_view = result.con.view(result.accepted).select(*columns).to_arrow_table()
    assert from_checks.equals(from_view)


def test_sample_events_take_the_fast_path_and_match():
    result = same_as_pandas(SAMPLE)
    assert result.engine == "duckdb"
    assert result.rows_read == SAMPLE.read_text(encoding="utf-8").count("\n") - 1
    result.close()


def test_rules_and_reject_texts_by_hand(tmp_path):
    text = "\n".join(
        [
            HEADER,
            "c1,2025-03-21T14:05:00Z,Email,,view,yes,12.5,awareness,North",
            " ,2025-03-21T14:06:00Z,Email,,view,no,,,",
            "c3,not a time,,Pricing,view,maybe,-3,launch,",
            "c4,,Web,Pricing,purchase,TRUE,abc,Post Purchase, x ",
        ]
    )
    result = same_as_pandas(write(tmp_path, text + "\n"))
    rejects = result.rejects_frame()
    assert rejects.to_dict("records") == [
        {ROW: 2, "column": "customer_id", "reason": "missing customer id"},
        {ROW: 3, "column": "timestamp", "reason": "not a date: 'not a time'"},
        {ROW: 3, "column": "channel", "reason": "empty channel"},
        {ROW: 3, "column": "conversion", "reason": "not true/false: 'maybe'"},
        {ROW: 3, "column": "revenue", "reason": "negative revenue: -3"},
        {
            ROW: 3,
            "column": "phase",
            "reason": "unknown phase: 'launch' (use awareness, onboarding, engagement, "
            "post-purchase)",
        },
        {ROW: 4, "column": "timestamp", "reason": "missing timestamp"},
        {ROW: 4, "column": "revenue", "reason": "not a number: 'abc'"},
    ]
    accepted = result.accepted_frame()
    assert accepted[ROW].tolist() == [1]
    assert accepted["touchpoint"].tolist() == ["Email"]  # blank touchpoint takes the channel
    assert accepted["region"].tolist() == ["North"]
    assert result.rejects_frame(limit=2)[ROW].tolist() == [2, 3]
    result.close()


def test_the_checked_columns_are_read_without_the_file(tmp_path):
    text = "\n".join(
        [
            HEADER,
            "\u3000c1 ,2025-03-21T14:05:00Z, Email\t,,view,yes,12.5,Post_Purchase,North",
            "c2,2025-03-21T14:06:00Z,Web, Pricing ,view, NIE ,,,",
            "c3,2025-03-21T14:07:00Z,,Pricing,view,no,,,",
            "c4,2025-03-21T14:08:00Z,App,Home,buy,tak,3,ENGAGEMENT,",
        ]
    )
    path = write(tmp_path, text + "\n")
    result = validate_file(path)
    path.unlink()  # the checked rows hold these columns: the file is not read again
    columns = [CUSTOMER_ID, CHANNEL, TOUCHPOINT, CONVERSION, PHASE, ROW]
    rows = result.con.sql(result.accepted_sql(columns)).fetchall()
    assert rows == [
        ("c1", "Email", "Email", True, "post-purchase", 1),
        ("c2", "Web", "Pricing", False, None, 2),
        ("c4", "App", "Home", True, "engagement", 4),
    ]
    with pytest.raises(duckdb.Error):  # event_type is not checked: it is read from the file
        result.con.sql(result.accepted_sql([CUSTOMER_ID, "event_type"])).fetchall()
    result.close()


def test_day_first_time_zone_and_decimal_commas(tmp_path):
    text = "\ufeffklient;data;kanał;przychód\nk1;21/03/2025 14:05;Email;12,5\n"
    text += "k2;03/04/2025 08:00;Web;1.250,75\nk3;31/12/2025 23:59;Sklep;\n"
    path = write(tmp_path, text)
    result = same_as_pandas(path, dataset=DatasetSettings(timezone="Europe/Warsaw"))
    accepted = result.accepted_frame()
    assert accepted[TIMESTAMP].tolist() == [
        pd.Timestamp("2025-03-21 13:05", tz="UTC"),
        pd.Timestamp("2025-04-03 06:00", tz="UTC"),  # day first, summer time
        pd.Timestamp("2025-12-31 22:59", tz="UTC"),
    ]
    assert accepted["revenue"].tolist() == [12.5, 1250.75, 0.0]
    assert result.conversion_rule is ConversionRule.REVENUE
    result.close()
    same_as_pandas(path, dataset=DatasetSettings(day_first=False)).close()


def test_quoted_delimiters_and_newlines_and_crlf(tmp_path):
    rows = [
        ["customer_id", "timestamp", "channel", "note"],
        ["c1", "2025-01-01 10:00", "Email", 'says "hi", then\nleaves'],
        ["c2", "2025-01-02 10:00", "Web, mobile", ""],
        ["c2", "2025-01-02 10:00", "Web, mobile", ""],
    ]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    result = same_as_pandas(write(tmp_path, buffer.getvalue()))
    assert result.duplicates == 1
    assert result.accepted_frame()["note"].tolist()[0] == 'says "hi", then\nleaves'
    result.close()


OVERRIDES = {"customer_id": "who", "timestamp": "when", "channel": "where", "event_type": "what"}


def test_event_type_rule_overrides_and_unmapped_columns(tmp_path):
    text = "who,when,where,what,extra col,Extra-Col\n"
    text += "a,2025-01-01,Web,ORDER,1,2\nb,2025-01-02,Store,view,,3\n"
    path = write(tmp_path, text)
    result = same_as_pandas(path, overrides=OVERRIDES)
    assert result.conversion_rule is ConversionRule.EVENT_TYPE
    assert list(result.columns[-3:]) == ["extra_col", "extra_col_2", ROW]
    result.close()
    with pytest.raises(MappingError, match="required column is not mapped"):
        validate_file(path)


@pytest.mark.parametrize("path", sorted(BAD.iterdir()), ids=lambda p: p.name)
def test_broken_files_give_the_pandas_paths_result_or_error(path):
    if path.suffix not in (".csv", ".tsv", ".parquet", ".json", ".jsonl", ".bin"):
        pytest.skip("not an input file")
    try:
        expected, _ = load_file(path)
    except (InputError, MappingError) as err:
        error: Exception | None = err
    else:
        error = None
    if error is not None:
        with pytest.raises(type(error), match=re.escape(str(error))):
            validate_file(path)
        return
    with validate_file(path) as result:
        got = result.validation_result()
        assert_frame_equal(got.rejects, expected.rejects)
        assert_frame_equal(got.accepted, expected.accepted)
        assert result.duplicates == expected.duplicates


def test_inputs_the_fast_path_cannot_read_exactly_fall_back_with_a_reason(tmp_path):
    body = "customer_id,timestamp,channel\nc1,2025-01-01,Zażółć\n"
    cases = {
        "gz.csv.gz": (gzip.compress(body.encode()), "compressed"),
        "utf16.csv": (codecs.BOM_UTF16_LE + body.encode("utf-16-le"), "UTF-16"),
        "cp1250.csv": (body.encode("cp1250"), "not UTF-8"),
        "ragged.csv": ((body + "c2,2025-01-02\n").encode(), "cannot split"),
        "spaced.csv": ((body + 'c2, "2025-01-02",Web\n').encode(), "space beside a quote"),
        "long.csv": (  # a row longer than DuckDB reads with both threads
            (body + "c2,2025-01-02," + "x" * stream_source.MAX_LINE_BYTES + "\n").encode(),
            "cannot split",
        ),
        "events.json": (
            b'[{"customer_id": "c1", "timestamp": "2025-01-01", "channel": "W"}]',
            "json",
        ),
    }
    for name, (data, reason) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        expected, _ = load_file(path)
        with validate_file(path) as result:
            assert result.engine == "pandas"
            assert reason in result.fallback, (name, result.fallback)
            assert_frame_equal(result.accepted_frame(), expected.accepted)
            assert_frame_equal(result.rejects_frame(), expected.rejects)
    with validate_file(tmp_path / "cp1250.csv", id_columns=["customer_id"]) as result:
        assert "stitching" in result.fallback


def test_header_only_file_is_bad_input(tmp_path):
    path = write(tmp_path, "customer_id,timestamp,channel\n")
    with pytest.raises(InputError, match="no data rows"):
        validate_file(path)
    assert stream_source.NO_DATA_ROWS == load.NO_DATA_ROWS  # one message, two modules


def test_write_parquet_streams_the_accepted_rows(tmp_path):
    with validate_file(SAMPLE) as result:
        out = result.write_parquet(tmp_path / "out" / "accepted.parquet")
        back = pd.read_parquet(out)
        expected = result.accepted_frame()
    assert list(back.columns) == list(expected.columns)
    assert back[ROW].tolist() == expected[ROW].tolist()
    assert back[TIMESTAMP].tolist() == expected[TIMESTAMP].tolist()
    assert str(back[TIMESTAMP].dtype) == "datetime64[us, UTC]"
    assert back["customer_id"].tolist() == expected["customer_id"].tolist()


def test_file_key_is_the_fingerprint_of_the_bytes(tmp_path):
    mapping = {"customer_id": "customer_id"}
    assert file_key(SAMPLE, mapping, DatasetSettings()) == fingerprint(
        SAMPLE.read_bytes(), mapping, DatasetSettings()
    )


# -- property: random CSV text with bad cells --------------------------------------------------

CELLS = {
    "customer_id": ["c1", "c2", " c3 ", "", "\u00a0", "Łucja", 'a"b', "x,y"],
    "timestamp": [
        "2025-03-21T14:05:00Z",
        "2025-03-21 14:05",
        "21/03/2025 14:05",
        "03/04/2025",
        "2025-03-21T14:05:00+02:00",
        "21 Mar 2025",
        "1742565900",
        "",
        "soon",
        " 2025-01-01 ",
        "2025-02-30",
        "13/13/2025",
        "2025-03-30 02:30",
        "45737.5",
        "0001-01-01",
    ],
    "channel": ["Email", "Web", "", " ", "Paid\nSearch", "Store\u3000"],
    "conversion": ["true", "0", "Yes", "", "maybe", " n ", "TAK", "FAŁSZ", "1.0"],
    "revenue": ["", "12.5", "12,5", "1.234,5", "-1", "abc", "1e3", " 7 ", "Rp 1.250.000", "1,234"],
    "phase": ["", "awareness", "Post Purchase", "post_purchase", "nope", "post\u00a0purchase", " "],
    "note": ["", "a", "b;c", "tab\there", "line\nbreak", '"quoted"', "cr\rhere", "\u2003"],
}


@st.composite
def csv_files(draw: st.DrawFn) -> tuple[str, DatasetSettings]:
    optional = st.lists(st.sampled_from(["conversion", "revenue", "phase", "note"]), unique=True)
    columns = ["customer_id", "timestamp", "channel", *draw(optional)]
    rows = draw(
        st.lists(
            st.fixed_dictionaries({c: st.sampled_from(CELLS[c]) for c in columns}),
            min_size=1,
            max_size=12,
        )
    )
    rows += draw(st.lists(st.sampled_from(rows), max_size=3))  # exact duplicates
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    buffer = io.StringIO()
    writer = csv.writer(
        buffer, delimiter=delimiter, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))
    )
    writer.writerow(columns)
    writer.writerows([[row[c] for c in columns] for row in rows])
    dataset = DatasetSettings(
        timezone=draw(st.sampled_from(["UTC", "Europe/Warsaw", "America/New_York"])),
        day_first=draw(st.sampled_from([None, True, False])),
    )
    bom = "\ufeff" if draw(st.booleans()) else ""
    return bom + buffer.getvalue(), dataset


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=csv_files())
def test_random_csv_text_gives_the_pandas_paths_rows_and_rejects(tmp_path, case):
    text, dataset = case
    path = write(tmp_path, text)
    # A bare carriage return inside a field splits the row for pyarrow: DuckDB refuses such a
    # file and the pandas path reads it; every other generated file takes the fast path.
    result = same_as_pandas(
        path, dataset=dataset, fast=None if re.search("\r(?!\n)", text) else True
    )
    if result is not None:
        if result.fallback is not None:
            assert result.fallback.startswith("DuckDB cannot split the file")
        result.close()


def test_save_streams_the_accepted_rows_into_the_workspace(tmp_path):
    from journey.io.store import Workspace

    ws = Workspace(tmp_path / "ws.duckdb")
    text = HEADER + "\nc1,2025-03-21T14:05:00Z,Email,,view,yes,12.5,,North\nc2,,Web,,,,,,\n"
    path = write(tmp_path, text)
    transcripts = pd.DataFrame({"customer_id": pd.Series(["c1"], dtype="str")})
    for overwrite in (False, True):
        with validate_file(path) as result:
            info = result.save(
                ws,
                "big",
                DatasetSettings(),
                key="k1",
                meta={"rows_read": result.rows_read},
                overwrite=overwrite,
                transcripts=transcripts,
            )
            expected = result.accepted_frame()
    assert (info.n_events, info.n_transcripts, info.n_customers) == (1, 1, 1)
    stored = ws.load("big")
    assert_frame_equal(stored.events, expected)
    assert_frame_equal(stored.transcripts, transcripts)
    assert stored.mapping["events"]["customer_id"] == "customer_id"
    assert stored.meta == {"rows_read": 2}
    # the same dataset saved from the pandas path's frame loads identically
    pandas_result, _ = load_file(path)
    ws.save("small", pandas_result.accepted, None, DatasetSettings(), {}, key="k1")
    assert_frame_equal(ws.load("small").events, stored.events)


# -- Parquet ---------------------------------------------------------------------------------


def parquet_events() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": [101, 102, 103, 101],
            "timestamp": pd.to_datetime(
                ["2025-01-01 10:00", "2025-01-02 11:00", None, "2025-01-01 10:00"]
            ),
            "channel": pd.Series(["Email", " Web ", "", "Email"], dtype="str"),
            "conversion": [True, False, True, True],
            "revenue": [10.0, float("nan"), -2.0, 10.0],
            "session_id": pd.array([1, None, 3, 1], dtype="Int64"),
            "vip": [True, False, True, True],
            "note": pd.Series(["a", None, "c", "a"], dtype="str"),
        }
    )


@pytest.mark.parametrize(
    "change",
    [
        {},
        {"timestamp": lambda f: f["timestamp"].dt.tz_localize("Europe/Warsaw")},
        {"timestamp": lambda f: f["timestamp"].astype(str)},
        {"conversion": lambda f: pd.Series([1.0, 0.0, 2.0, 1.0])},
        {"revenue": lambda f: pd.Series(["10,5", "", "x", "10,5"], dtype="str")},
        {"channel": lambda f: f["channel"].astype("category")},
    ],
    ids=["native", "aware", "text-time", "numeric-flags", "text-revenue", "category"],
)
def test_parquet_takes_the_fast_path_and_matches(tmp_path, change):
    frame = parquet_events()
    for name, make in change.items():
        frame[name] = make(frame)
    path = tmp_path / "events.parquet"
    frame.to_parquet(path, index=False)
    result = same_as_pandas(path, dataset=DatasetSettings(timezone="Europe/Warsaw"))
    assert result.duplicates == 1
    result.close()


def test_sample_as_parquet_takes_the_fast_path(tmp_path):
    path = tmp_path / "sample.parquet"
    pd.read_csv(SAMPLE, dtype="str", keep_default_na=False).to_parquet(path, index=False)
    same_as_pandas(path).close()


def test_parquet_columns_pandas_would_format_fall_back(tmp_path):
    frame = parquet_events().assign(score=[0.1, 0.2, 1e20, None])
    frame.to_parquet(tmp_path / "floats.parquet", index=False)
    big = pd.array([2**60 + 1, None, 3, 4], dtype="Int64")
    parquet_events().assign(big=big).to_parquet(tmp_path / "big.parquet", index=False)
    parquet_events().set_index("note").to_parquet(tmp_path / "indexed.parquet")
    cases = (
        ("floats", "'score' holds double"),
        ("big", "'big' holds integers pandas rounds"),
        ("indexed", "pandas index"),
    )
    for name, reason in cases:
        result = same_as_pandas(tmp_path / f"{name}.parquet", fast=False)
        assert reason in result.fallback
        result.close()


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=csv_files())
def test_random_text_as_parquet_gives_the_pandas_paths_rows_and_rejects(tmp_path, case):
    text, dataset = case
    body = io.StringIO(text.removeprefix("\ufeff"), newline="")
    header = body.readline()
    delimiter = max([",", ";", "\t"], key=header.count)
    body.seek(0)
    rows = list(csv.reader(body, delimiter=delimiter))
    if len({len(row) for row in rows}) != 1:  # a bare carriage return split a row
        return
    frame = pd.DataFrame(rows[1:], columns=rows[0], dtype="str")
    path = tmp_path / "events.parquet"
    frame.to_parquet(path, index=False)
    same_as_pandas(path, dataset=dataset).close()


def test_sample_transcripts_take_the_fast_path_and_match(tmp_path):
    path = ROOT / "data" / "sample" / "transcripts.csv"
    expected, mapping = load_file(path, kind="transcripts")
    with validate_file(path, kind="transcripts") as result:
        assert result.engine == "duckdb"
        assert result.mapping == mapping
        assert result.conversion_rule is None
        got = result.validation_result()
        assert_frame_equal(got.accepted, expected.accepted)
        assert_frame_equal(got.rejects, expected.rejects)
        out = pd.read_parquet(result.write_parquet(tmp_path / "t.parquet"))
        assert out["text"].tolist() == expected.accepted["text"].tolist()
    with validate_file(path, kind="transcripts", id_columns=["customer_id"]) as result:
        assert "stitching" in result.fallback


TRANSCRIPT_CELLS = {
    "customer_id": CELLS["customer_id"],
    "timestamp": CELLS["timestamp"],
    "text": ["", "Thanks!", " spaced ", "multi\nline", "a;b", "\u3000"],
    "label": ["", "Positive", "NEGATIVE", " neutral ", "meh"],
    "channel": CELLS["channel"],
    "note": CELLS["note"],
}


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_random_transcripts_give_the_pandas_paths_rows_and_rejects(tmp_path, data):
    optional = st.lists(st.sampled_from(["timestamp", "label", "channel", "note"]), unique=True)
    columns = ["customer_id", "text", *data.draw(optional)]
    rows = data.draw(
        st.lists(
            st.fixed_dictionaries({c: st.sampled_from(TRANSCRIPT_CELLS[c]) for c in columns}),
            min_size=1,
            max_size=10,
        )
    )
    rows += data.draw(st.lists(st.sampled_from(rows), max_size=2))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([[row[c] for c in columns] for row in rows])
    path = write(tmp_path, buffer.getvalue())
    dataset = DatasetSettings(timezone=data.draw(st.sampled_from(["UTC", "Asia/Jakarta"])))
    expected, _ = load_file(path, kind="transcripts", settings=dataset)
    with validate_file(path, kind="transcripts", settings=dataset) as result:
        assert result.engine == "duckdb", result.fallback
        got = result.validation_result()
        assert_frame_equal(got.accepted, expected.accepted)
        assert_frame_equal(got.rejects, expected.rejects)
        assert result.duplicates == expected.duplicates
