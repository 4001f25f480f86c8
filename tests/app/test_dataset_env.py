"""JOURNEY_DATASET=NAME: a fresh session opens on that workspace dataset instead of the sample."""

from __future__ import annotations

import pandas as pd
import pytest

from journey.io.store import Workspace
from journey.schema import DatasetSettings
from tests.app.conftest import new_app
from tests.app.shown import shown
from ui.state import Key


def _events() -> pd.DataFrame:
    stamps = pd.to_datetime(
        ["2025-01-01 09:00", "2025-01-02 10:00", "2025-01-03 11:00", "2025-01-01 12:00"], utc=True
    )
    return pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "b"],
            "timestamp": stamps,
            "channel": ["Email", "Web", "Store", "Web"],
            "touchpoint": ["Welcome", "Pricing", "Till", "Home"],
            "event_type": ["view", "view", "purchase", "view"],
            "conversion": [False, False, True, False],
            "revenue": [None, None, 40.0, None],
            "row": [1, 2, 3, 4],
        }
    )


@pytest.fixture
def workspace(tmp_path, monkeypatch) -> Workspace:
    monkeypatch.setenv("JOURNEY_WORKSPACE", str(tmp_path / "workspace.duckdb"))
    found = Workspace(tmp_path / "workspace.duckdb")
    found.save("Tiny shop", _events(), None, DatasetSettings(), {}, key="tiny-v1")
    return found


def test_a_fresh_session_opens_on_the_named_dataset(workspace, monkeypatch):
    monkeypatch.setenv("JOURNEY_DATASET", "Tiny shop")
    app = new_app()
    assert not app.exception
    assert app.selectbox(key=Key.WORKSPACE_PICK).value == "Tiny shop"
    caption = shown(app.caption[0].value)
    assert caption.startswith("Tiny shop: 2 customers · 4 events shown")
    scope = app.session_state[Key.SCOPE]
    assert scope.dataset.source == "workspace"
    assert (scope.n_customers, scope.n_events) == (2, 4)
    app.switch_page("views/journey_map.py").run()
    assert not app.exception
    assert not app.error


def test_a_missing_name_says_so_and_opens_the_sample(workspace, monkeypatch):
    monkeypatch.setenv("JOURNEY_DATASET", "No such shop")
    app = new_app()
    assert not app.exception
    notices = shown(" ".join(toast.value for toast in app.toast))
    assert "JOURNEY_DATASET names 'No such shop'" in notices
    assert "sample data" in notices
    assert shown(app.caption[0].value).startswith("Sample data:")


def test_an_unusable_workspace_still_opens_the_sample(tmp_path, monkeypatch):
    folder = tmp_path / "a folder"
    folder.mkdir()
    monkeypatch.setenv("JOURNEY_WORKSPACE", str(folder))  # a folder, not a workspace file
    app = new_app()
    assert not app.exception
    assert any("cannot be used" in w.value for w in app.sidebar.warning)
    assert shown(app.caption[0].value).startswith("Sample data:")
