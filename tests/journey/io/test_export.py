"""Safe exports: spreadsheet formulas neutralised, HTML escaped."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
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
    assert export.to_csv_bytes(frame) == ("name,n\n'=cmd|' /C calc'!A0,-1\nŁódź,2\n").encode()


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
