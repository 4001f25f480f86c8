"""The Data page: what marks conversions (next to the mapping), and the rejects download."""

from __future__ import annotations

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

REVENUE_NOTICE = "rows with revenue above 0 count as conversions"
REVENUE_ONLY = (
    b"customer_id,timestamp,channel,revenue\n"
    b"a,2025-01-01,Email,\n"
    b"a,2025-01-02,Web,100\n"
    b"b,2025-01-03,Store,20.5\n"
)


def upload(app: AppTest, data: bytes) -> None:
    app.switch_page("views/data.py").run()
    app.file_uploader(key="data_events_file").upload("events.csv", data, "text/csv").run()
    assert not app.exception


def test_revenue_only_file_says_revenue_marks_conversions(app: AppTest):
    upload(app, REVENUE_ONLY)
    assert [i.value for i in app.info if REVENUE_NOTICE in i.value] != []
    assert not app.warning


def test_mapping_an_event_type_with_purchases_removes_the_notice(app: AppTest):
    upload(
        app,
        b"customer_id,timestamp,channel,revenue,kind\n"
        b"a,2025-01-01,Email,,view\n"
        b"a,2025-01-02,Web,100,purchase\n"
        b"b,2025-01-03,Store,20.5,view\n",
    )
    assert any(REVENUE_NOTICE in i.value for i in app.info)  # kind is not mapped yet
    app.selectbox(key="data_map_events_event_type").set_value("kind").run()
    assert not app.exception
    assert not any(REVENUE_NOTICE in i.value for i in app.info)


def test_nothing_marking_conversions_is_a_warning(app: AppTest):
    upload(app, b"customer_id,timestamp,channel\na,2025-01-01,Email\n")
    assert any("Nothing marks conversions" in w.value for w in app.warning)


def test_rejects_download_is_named_after_the_upload_with_one_suffix(
    app: AppTest, monkeypatch: pytest.MonkeyPatch
):
    # AppTest keeps no file name on a download button; the media store receives it.
    stored: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        stored[filename] = path_or_data
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    upload(app, REVENUE_ONLY + b"c,not a date,Email,\n")
    assert stored["rejects_events.csv"] == (
        b"row,column,reason\r\n4,timestamp,not a date: 'not a date'\r\n"
    )
