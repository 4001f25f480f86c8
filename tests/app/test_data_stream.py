"""A big events upload is validated by DuckDB from disk (journey.io.stream), then used or saved."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from journey.io.store import Workspace
from tests.app.shown import shown
from ui.state import Key

EVENTS_CSV = (
    b"user_id,event_time,source,page,action,amount\n"
    b"u1,2025-03-21 14:05,Email,Newsletter,view,\n"
    b"u1,2025-03-22 09:00,Web,Checkout,purchase,12.50\n"
    b",2025-03-22 10:00,Web,Home,view,\n"
    b"u2,not a date,Store,Visit,view,\n"
    b"u2,2025-03-23 10:00,Store,Visit,purchase,30\n"
    b"u3,2025-03-24 11:00,Social,Post,view,\n"
)


@pytest.fixture
def big(tmp_path, monkeypatch) -> AppTest:
    """The Data page after uploading a file over a tiny streaming threshold."""
    monkeypatch.setenv("JOURNEY_WORKSPACE", str(tmp_path / "workspace.duckdb"))
    monkeypatch.setenv("JOURNEY_STREAM_MB", "0.0001")
    from tests.app.conftest import new_app

    app = new_app()
    app.switch_page("views/data.py").run()
    app.file_uploader(key="data_events_file").upload("big.csv", EVENTS_CSV, "text/csv").run()
    assert not app.exception
    return app


def test_a_big_file_is_mapped_validated_and_its_rejects_listed(big: AppTest):
    assert any("A big file" in i.value for i in big.info)
    assert big.selectbox(key="data_big_map_customer_id").value == "user_id"
    assert big.selectbox(key="data_big_map_timestamp").value == "event_time"
    metrics = {m.label: m.value for m in big.metric}
    assert (metrics["Rows read"], metrics["Accepted"], metrics["Rejected"]) == (
        "6",
        "4",
        "2",
    )
    rejects = next(d.value for d in big.dataframe if "reason" in d.value.columns)
    assert list(rejects["row"]) == [3, 4]
    assert list(rejects["column"]) == ["user_id", "event_time"]  # named as in the file


def test_use_makes_it_the_scope_and_save_stores_it(big: AppTest):
    big.button(key="data_big_use").click().run()
    assert not big.exception
    scope = big.session_state[Key.SCOPE]
    assert (scope.dataset.name, scope.dataset.source) == ("big", "session")
    assert (scope.n_customers, scope.n_events) == (3, 4)
    assert shown(big.caption[0].value).startswith("big: 3 customers · 4 events")

    big.switch_page("views/data.py").run()
    big.text_input(key="data_big_name").set_value("Big shop").run()
    big.button(key="data_big_save").click().run()
    assert not big.exception
    scope = big.session_state[Key.SCOPE]
    assert (scope.dataset.name, scope.dataset.source) == ("Big shop", "workspace")
    assert scope.n_events == 4
    infos = {i.name: i for i in Workspace().list_datasets()}
    assert infos["Big shop"].n_events == 4
