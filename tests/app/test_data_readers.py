"""The Data page's readers: sheet picker, compressed uploads, limits and Streamlit's size cap."""

from __future__ import annotations

import gzip
import html
import io
from collections.abc import Iterator

import openpyxl
import pytest
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

EVENTS = b"customer_id,timestamp,channel\nc1,2025-03-21 10:00,Web\nc2,2025-03-22 11:00,Email\n"


@pytest.fixture
def server_cap() -> Iterator[int]:
    """Streamlit's process-wide upload cap, restored after a test that may raise it."""
    before = st_config.get_option("server.maxUploadSize")
    yield before
    st_config.set_option("server.maxUploadSize", before)


def upload(app: AppTest, name: str, data: bytes) -> None:
    app.switch_page("views/data.py").run()
    app.file_uploader(key="data_events_file").upload(name, data, "application/octet-stream").run()


def two_sheet_workbook() -> bytes:
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Notes"
    notes.append(["remark"])
    notes.append(["exported by the CRM"])
    events = book.create_sheet("Events")
    events.append(["klient", "data", "kanał"])
    events.append(["k1", "2025-03-21 10:00", "Web"])
    events.append(["k2", "2025-03-22 11:00", "Email"])
    events.append(["k3", "2025-03-23 12:00", "Store"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_workbook_of_two_sheets_shows_a_picker_and_reads_the_chosen_sheet(app: AppTest):
    upload(app, "crm.xlsx", two_sheet_workbook())
    assert not app.exception
    picker = app.selectbox(key="data_events_sheet")
    assert picker.options == ["Notes", "Events"]
    assert picker.value == "Notes"
    assert any("required column is not mapped" in html.unescape(e.value) for e in app.error)
    picker.set_value("Events").run()
    assert not app.exception
    mapped = {s.label.rstrip(" *"): s.value for s in app.selectbox if s.key.startswith("data_map")}
    assert mapped["customer_id"] == "klient"
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Rows read"] == "3"
    assert metrics["Accepted"] == "3"


def test_a_one_sheet_file_shows_no_picker(app: AppTest):
    upload(app, "events.csv.gz", gzip.compress(EVENTS))
    assert not app.exception
    assert not [s for s in app.selectbox if s.key == "data_events_sheet"]
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Rows read"] == "2"


def test_a_header_of_many_columns_ends_in_the_column_limit_message(app: AppTest):
    upload(app, "wide.csv", b"a," * 100_000 + b"a\n")
    assert not app.exception
    assert any(
        "wide.csv: the table has 100,001 columns, over the 2,000 column limit"
        in html.unescape(e.value)
        for e in app.error
    )


def test_a_raised_app_limit_raises_streamlits_cap(
    app: AppTest, server_cap: int, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("JOURNEY_MAX_UPLOAD_MB", "3000")
    app.switch_page("views/data.py").run()
    assert not app.exception
    assert st_config.get_option("server.maxUploadSize") == 3000
    assert any("Files up to 3000 MB" in c.value for c in app.caption)


def test_a_lowered_app_limit_gives_the_apps_message(
    app: AppTest, server_cap: int, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("JOURNEY_MAX_UPLOAD_MB", "0.001")
    upload(app, "events.csv", EVENTS * 20)
    assert not app.exception
    # Streamlit's cap stays above the app's limit, so the app's own message is shown.
    assert st_config.get_option("server.maxUploadSize") == server_cap
    assert any(
        "events.csv: the file is 0.0015 MB, over the 0.001 MB limit" in html.unescape(e.value)
        for e in app.error
    )
