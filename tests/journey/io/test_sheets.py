"""Excel workbooks: list the sheets, read a chosen one, refuse damaged or oversized ones."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from journey.cli import main
from journey.errors import InputError
from journey.io import read
from journey.io.load import load_file


def workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


BOOK = workbook(
    {
        "Read me": [["note"], ["exported 2025-03-31"]],
        "Orders": [
            ["customer_id", "timestamp", "channel", "revenue"],
            ["c1", "2025-03-21 10:00", "Web", 12.5],
            ["c2", "2025-03-22 11:00", "Store", 40],
        ],
    }
)


def test_sheets_are_listed_in_workbook_order():
    assert read.list_sheets(BOOK, "b.xlsx") == ["Read me", "Orders"]
    assert read.list_sheets(b"a,b\n1,2\n", "t.csv") == []


def test_the_first_sheet_is_the_default_and_a_named_one_is_read():
    first = read.read_table(BOOK, "b.xlsx")
    assert first.frame.to_dict("list") == {"note": ["exported 2025-03-31"]}
    assert first.file == "b.xlsx [sheet 'Read me']"
    orders = read.read_table(BOOK, "b.xlsx", sheet="Orders")
    assert orders.file == "b.xlsx [sheet 'Orders']"
    assert orders.frame["channel"].tolist() == ["Web", "Store"]
    assert orders.frame["revenue"].tolist() == [12.5, 40.0]


def test_an_unknown_sheet_names_the_sheets():
    with pytest.raises(
        InputError, match=r"^b\.xlsx: no sheet 'Nope' \(sheets: 'Read me', 'Orders'\)"
    ):
        read.read_table(BOOK, "b.xlsx", sheet="Nope")


def test_truncated_workbooks_give_a_clear_error():
    for cut in (len(BOOK) // 3, len(BOOK) - 30):
        with pytest.raises(InputError, match=r"^t\.xlsx: the workbook is damaged or truncated$"):
            read.read_table(BOOK[:cut], "t.xlsx")


def test_load_file_and_the_cli_read_a_chosen_sheet(tmp_path: Path, capsys):
    path = tmp_path / "book.xlsx"
    path.write_bytes(BOOK)
    result, mapping = load_file(path, sheet="Orders")
    assert (result.rows_read, result.rows_accepted) == (2, 2)
    assert mapping["channel"] == "channel"
    assert main(["validate", str(path), "--sheet", "Orders"]) == 0
    assert "2 rows read, 2 accepted" in capsys.readouterr().out
    assert main(["validate", str(path), "--sheet", "Nope"]) == 2
    assert "no sheet 'Nope'" in capsys.readouterr().err
