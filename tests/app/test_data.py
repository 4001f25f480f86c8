"""The Data page: upload, mapping change, validation report, use, save, workspace."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.app.shown import shown
from ui.state import Key

EVENTS_CSV = (
    "klient;data;kanał;punkt_styku;typ;przychód\n"
    "k1;21/03/2025 14:05;Email;Newsletter;view;\n"
    "k1;22/03/2025 09:00;Web;Checkout;purchase;1.234,56\n"
    ";22/03/2025 10:00;Web;Home;view;\n"
    "k2;not a date;Store;Visit;view;\n"
    "k2;23/03/2025 10:00;Store;Visit;purchase;-5\n"
    "k3;24/03/2025 11:00;Social;Post;view;\n"
    "k3;24/03/2025 11:00;Social;Post;view;\n"
).encode("cp1250")


def upload_events(app: AppTest, data: bytes = EVENTS_CSV, name: str = "zdarzenia.csv") -> None:
    app.switch_page("views/data.py").run()
    app.file_uploader(key="data_events_file").upload(name, data, "text/csv").run()


def test_data_page_without_upload_shows_the_hint(app: AppTest):
    app.switch_page("views/data.py").run()
    assert not app.exception
    assert any("Upload an events file" in i.value for i in app.info)


def test_upload_maps_polish_columns_and_reports_rejects(app: AppTest):
    upload_events(app)
    assert not app.exception
    assert app.selectbox(key="data_map_events_customer_id").value == "klient"
    assert app.selectbox(key="data_map_events_timestamp").value == "data"
    assert app.selectbox(key="data_map_events_channel").value == "kanał"
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Rows read"] == "7"
    assert metrics["Accepted"] == "4"
    assert metrics["Rejected"] == "3"
    assert metrics["Exact duplicates"] == "1"
    rejects = next(
        d.value for d in app.dataframe if list(d.value.columns) == ["row", "column", "reason"]
    )
    assert sorted(rejects["row"].tolist()) == [3, 4, 5]
    # rejects name the user's own columns, so they can find them in their file
    assert set(rejects["column"]) == {"klient", "data", "przychód"}


def test_changing_the_mapping_revalidates(app: AppTest):
    upload_events(app)
    app.selectbox(key="data_map_events_channel").set_value("punkt_styku").run()
    assert not app.exception
    assert app.selectbox(key="data_map_events_channel").value == "punkt_styku"
    app.selectbox(key="data_map_events_customer_id").set_value("—").run()
    assert any("customer_id" in shown(e.value) for e in app.error)


def test_use_now_switches_the_dataset_and_every_page_follows(app: AppTest):
    upload_events(app)
    app.text_input(key="data_name").set_value("Polish shop").run()
    app.button(key="data_use").click().run()
    assert not app.exception
    assert app.caption[0].value.startswith("Polish shop: 2 customers · 4 events")
    app.switch_page("views/home.py").run()
    assert app.caption[0].value.startswith("Polish shop:")


def test_save_then_find_it_in_the_workspace_after_a_restart(app: AppTest):
    upload_events(app)
    app.text_input(key="data_name").set_value("Saved shop").run()
    app.checkbox(key="data_overwrite").check().run()
    app.button(key="data_save").click().run()
    assert not app.exception
    fresh = AppTest.from_file(app._script_path, default_timeout=180)
    fresh.run()
    assert "Saved shop" in fresh.selectbox(key=Key.WORKSPACE_PICK).options
    fresh.selectbox(key=Key.WORKSPACE_PICK).set_value("Saved shop").run()
    assert fresh.caption[0].value.startswith("Saved shop: 2 customers")


def test_binary_garbage_gets_a_clear_error_not_a_traceback(app: AppTest):
    upload_events(app, data=bytes(range(256)) * 40, name="garbage.csv")
    assert not app.exception
    assert any("garbage.csv" in shown(e.value) for e in app.error)


def test_identity_stitching_merges_identifiers(app: AppTest):
    data = (
        b"email,device,ts,channel\n"
        b"a@x.com,d1,2025-01-01T10:00:00Z,Web\n"
        b",d1,2025-01-02T10:00:00Z,App\n"
        b"b@x.com,,2025-01-03T10:00:00Z,Email\n"
    )
    upload_events(app, data=data, name="ids.csv")
    app.multiselect(key="data_identity").set_value(["email", "device"]).run()
    assert not app.exception
    assert any("merged into 2 customers" in s.value for s in app.success)
