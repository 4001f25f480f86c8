"""Safe exports: spreadsheet formulas neutralised, HTML escaped."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from journey.io import export
from journey.io.load import load_file
from journey.schema import CUSTOMER_ID

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+48 600 100 200", "'+48 600 100 200"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("a=b", "a=b"),  # only a leading sign runs as a formula
        (" =1", " =1"),
        ("", ""),
        (-5, -5),  # numbers are not text: a spreadsheet shows them as numbers
        (None, None),
    ],
)
def test_neutralise_cell_quotes_only_formula_like_text(value: object, expected: object):
    assert export.neutralise_cell(value) == expected


def test_neutralise_frame_quotes_text_cells_and_headers_not_numbers():
    frame = pd.DataFrame(
        {
            "=h": pd.Series(["=1+1", "ok", None], dtype="str"),
            "n": [-1, 2, 3],
            "safe": ["a", "b", "c"],
        }
    )
    out = export.neutralise_frame(frame)
    assert list(out.columns) == ["'=h", "n", "safe"]
    assert out["'=h"].tolist()[:2] == ["'=1+1", "ok"]
    assert out["'=h"].isna().tolist() == [False, False, True]
    assert out["n"].tolist() == [-1, 2, 3]
    assert out["safe"].tolist() == ["a", "b", "c"]
    assert list(frame.columns) == ["=h", "n", "safe"]  # the input is not touched
    assert frame["=h"].tolist()[0] == "=1+1"


def test_to_csv_bytes_writes_inert_utf8_csv():
    frame = pd.DataFrame({"name": ["=cmd|' /C calc'!A0", "Łódź"], "n": [-1, 2]})
    assert export.to_csv_bytes(frame) == ("name,n\r\n'=cmd|' /C calc'!A0,-1\r\nŁódź,2\r\n").encode()


def test_tab_and_cr_prefixes_are_quoted_and_cells_with_line_breaks_are_enclosed():
    frame = pd.DataFrame({"t": ["\t=1+1", "\r=2+2", "a\r=HYPERLINK(1)", "b\nc"]})
    assert export.to_csv_bytes(frame) == (
        b't\r\n\'\t=1+1\r\n"\'\r=2+2"\r\n"a\r=HYPERLINK(1)"\r\n"b\nc"\r\n'
    )


def test_numbers_stay_numbers_in_numeric_and_mixed_columns():
    frame = pd.DataFrame(
        {
            "int": [-5, 7],
            "float": [-0.5, 2.25],
            "mixed": pd.Series([-5, "-5"], dtype=object),
            "text": pd.Series(["+48 600", "-2+3"], dtype="str"),
        }
    )
    # -5 as a number is minus five in any spreadsheet; "-5" as text is quoted like any
    # text starting with a sign (documented: formula-like cells are prefixed).
    assert export.to_csv_bytes(frame) == (
        b"int,float,mixed,text\r\n-5,-0.5,-5,'+48 600\r\n7,2.25,'-5,'-2+3\r\n"
    )
    read_back = pd.read_csv(io.BytesIO(export.to_csv_bytes(frame[["int", "float"]])))
    assert read_back["int"].tolist() == [-5, 7]
    assert read_back["float"].tolist() == [-0.5, 2.25]


def test_categorical_and_missing_cells_are_neutralised_and_kept():
    frame = pd.DataFrame(
        {
            "cat": pd.Categorical(["=A1", "ok", "=A1", None]),
            "s": pd.Series(["@x", None, "", "y"], dtype="string"),
        }
    )
    assert export.to_csv_bytes(frame) == (b"cat,s\r\n'=A1,'@x\r\nok,\r\n'=A1,\r\n,y\r\n")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("events.csv", "rejects_events.csv"),
        ("events.CSV", "rejects_events.csv"),
        ("transcripts.xlsx", "rejects_transcripts.csv"),
        ("events", "rejects_events.csv"),
        ("Łódź 2025.tsv", "rejects_Łódź 2025.csv"),
        ("../../etc/passwd", "rejects_passwd.csv"),
        ('a"; rm -rf.csv', "rejects_a__ rm -rf.csv"),
        (".csv", "rejects_csv.csv"),  # a dot file: its whole name is the stem
        ("", "rejects_input.csv"),
        (None, "rejects_input.csv"),
    ],
)
def test_rejects_file_name_has_one_csv_suffix_and_no_path(source: str | None, expected: str):
    assert export.rejects_file_name(source) == expected


CELLS = st.one_of(
    st.text(max_size=6),
    st.sampled_from(["=1", "+1", "-1", "@a", "\t1", "\r1", "'=1"]).map(lambda p: p + "x"),
)


@given(st.lists(CELLS, min_size=1, max_size=8))
def test_no_exported_text_cell_starts_a_formula(cells: list[str]):
    exported = export.to_csv_bytes(pd.DataFrame({"c": pd.Series(cells, dtype=object)}))
    read_back = pd.read_csv(
        io.BytesIO(exported), dtype=str, keep_default_na=False, skip_blank_lines=False
    )["c"].tolist()
    assert len(read_back) == len(cells)
    for original, cell in zip(cells, read_back, strict=True):
        assert not cell.startswith(export.FORMULA_PREFIXES)
        assert cell in (original, "'" + original)


def test_to_csv_bytes_of_a_safe_frame_is_plain_csv():
    frame = pd.DataFrame({"a": ["x", "y"], "b": [1.5, 2.0]})
    assert_frame_equal(pd.read_csv(io.BytesIO(export.to_csv_bytes(frame))), frame)


def test_escape_makes_any_value_safe_html():
    assert (
        export.escape('<b title="x">&\'</b>')
        == "&lt;b title=&quot;x&quot;&gt;&amp;&#x27;&lt;/b&gt;"
    )
    assert export.escape(None) == ""
    assert export.escape(3.5) == "3.5"


def test_formula_like_cells_are_kept_verbatim_and_exported_inert():
    result, _ = load_file(FIXTURES / "formulas.csv")
    assert result.accepted[CUSTOMER_ID].tolist() == ['=HYPERLINK("http://x")', "@SUM(A1)"]
    assert result.accepted["touchpoint"].tolist() == ["+1+1", "-2+3"]
    exported = pd.read_csv(
        io.BytesIO(export.to_csv_bytes(result.accepted[[CUSTOMER_ID, "touchpoint"]])), dtype=str
    )
    assert exported[CUSTOMER_ID].tolist() == ['\'=HYPERLINK("http://x")', "'@SUM(A1)"]
    assert exported["touchpoint"].tolist() == ["'+1+1", "'-2+3"]
