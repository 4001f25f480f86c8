"""Two sessions of one process never see each other's uploads, filters, language or notices.

AppTest gives every instance its own session state (as the server does per browser tab), so
two instances driven turn by turn stand for two users working at once. The runs interleave on
purpose: a leak through module-level state would show in the other session's next run.
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from journey.io.store import Workspace
from tests.app.conftest import new_app
from tests.app.test_data import upload_events
from ui.state import Key


def _caption(app: AppTest) -> str:
    return app.caption[0].value


def _errors(app: AppTest) -> list[str]:
    return [e.value for e in app.error] + [str(e.value) for e in app.exception]


def test_two_sessions_keep_their_own_filters_upload_language_and_notice():
    first, second = new_app(), new_app()
    assert _errors(first) == []
    assert _errors(second) == []
    sample = _caption(second)
    assert sample.startswith("Sample data:")

    # the first user filters; the second user's next run is untouched
    first.multiselect(key=Key.CHANNELS).set_value(["Email"]).run()
    second.run()
    assert "Email" in _caption(first)
    assert second.multiselect(key=Key.CHANNELS).value == []
    assert _caption(second) == sample

    # the first user uploads a file and uses it now; the second sees neither file nor dataset
    upload_events(first)
    first.text_input(key="data_name").set_value("Private shop").run()
    first.button(key="data_use").click().run()
    assert _errors(first) == []
    assert _caption(first).startswith("Private shop: 2 customers · 4 events")
    assert [toast.value for toast in first.toast] == ["Now showing Private shop."]
    second.switch_page("views/data.py").run()
    assert _errors(second) == []
    assert second.file_uploader(key="data_events_file").value is None
    assert any("Upload an events file" in info.value for info in second.info)
    assert "Private shop" not in second.selectbox(key=Key.WORKSPACE_PICK).options
    assert _caption(second) == sample
    assert len(second.toast) == 0

    # the second user picks Polish; the first keeps English and its own dataset
    second.switch_page("views/home.py").run()
    second.selectbox(key=Key.LANGUAGE).set_value("pl").run()
    first.switch_page("views/home.py").run()
    assert second.sidebar.subheader[0].value == "Filtry"
    assert first.sidebar.subheader[0].value == "Filters"
    assert first.selectbox(key=Key.LANGUAGE).value == "en"
    assert _caption(first).startswith("Private shop:")
    assert len(first.toast) == 0  # the notice was shown once, to its own session

    # and the second user's filter change does not reach the first user's channels
    second.multiselect(key=Key.CHANNELS).set_value(["Store"]).run()
    first.run()
    assert first.multiselect(key=Key.CHANNELS).value == []  # reset for the new dataset
    assert "channels" not in _caption(first)
    assert _errors(first) == []
    assert _errors(second) == []


def test_sessions_opened_at_once_on_a_new_workspace_share_one_sample(monkeypatch, tmp_path):
    monkeypatch.setenv("JOURNEY_WORKSPACE", str(tmp_path / "ws.duckdb"))
    first = new_app()  # saves the sample in the new workspace
    assert first.session_state[Key.DATASET].source == "workspace"
    # the second session checked before the first had saved, then lost the race to save
    exists = Workspace.exists
    calls: list[str] = []

    def stale_exists(self: Workspace, name: str) -> bool:
        calls.append(name)
        return len(calls) > 1 and exists(self, name)

    monkeypatch.setattr(Workspace, "exists", stale_exists)
    second = new_app()
    assert _errors(second) == []
    assert [w.value for w in second.sidebar.warning] == []
    assert second.session_state[Key.DATASET].source == "workspace"
    assert _caption(second) == _caption(first)
    assert calls[0] == "Sample data"
