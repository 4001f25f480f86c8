"""The sidebar's date range follows the dataset: switching shows the new data's dates.

The browser keeps a keyed widget's value across reruns unless the script sets one (the
proto's `set_value`), so the tests check that flag as well as the value AppTest reads.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from journey.io.load import fingerprint, load_file
from journey.io.store import Workspace, default_workspace_path
from journey.schema import DatasetSettings
from tests.app.conftest import new_app
from ui.state import Key

SPRING = "Spring shop"  # 2025-02-01 .. 2025-04-30
WINTER = "Winter shop"  # 2025-09-01 .. 2025-12-20
ROWS = {
    SPRING: [
        "a,2025-02-01 10:00,Web",
        "a,2025-03-01 10:00,Email",
        "b,2025-04-30 10:00,Store",
    ],
    WINTER: [
        "c,2025-09-01 10:00,Web",
        "c,2025-10-01 10:00,Email",
        "d,2025-11-15 10:00,Web",
        "d,2025-12-20 10:00,Store",
    ],
}


@pytest.fixture(scope="module")
def two_datasets(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """Save two small datasets with different date ranges in the test workspace."""
    folder = tmp_path_factory.mktemp("datasets")
    workspace = Workspace(default_workspace_path())
    for name, rows in ROWS.items():
        path = Path(folder) / f"{name}.csv"
        path.write_text("customer_id,timestamp,channel\n" + "\n".join(rows) + "\n")
        result, mapping = load_file(path)
        assert result.rows_rejected == 0
        key = fingerprint(path.read_bytes(), mapping, {})
        workspace.save(
            name, result.accepted, None, DatasetSettings(), {"events": mapping}, key, overwrite=True
        )
    return SPRING, WINTER


def pick(app: AppTest, name: str) -> AppTest:
    """Choose a workspace dataset in the sidebar picker and check the run went through."""
    app.selectbox(key=Key.WORKSPACE_PICK).set_value(name).run()
    assert [e.value for e in app.error] == []
    assert not app.exception, app.exception
    assert app.session_state[Key.SCOPE].dataset.name == name
    return app


def shown(app: AppTest) -> tuple[date, ...]:
    """The date range the widget holds, after checking the browser is told to show it."""
    widget = app.date_input(key=Key.DATE_RANGE)
    assert widget.proto.set_value, "the browser would keep showing the previous dates"
    assert list(widget.proto.value) == [day.isoformat() for day in widget.value]
    assert widget.proto.min == widget.value[0].isoformat()  # the whole range: the data's bounds
    assert widget.proto.max == widget.value[1].isoformat()
    return tuple(widget.value)


def events_in_scope(app: AppTest) -> int:
    return app.session_state[Key.SCOPE].n_events


def test_switching_datasets_shows_the_new_date_range(two_datasets: tuple[str, str]):
    spring, winter = two_datasets
    app = new_app()
    assert app.date_input(key=Key.DATE_RANGE).value == (date(2025, 1, 1), date(2025, 7, 31))
    pick(app, winter)
    assert shown(app) == (date(2025, 9, 1), date(2025, 12, 20))
    assert events_in_scope(app) == 4
    pick(app, spring)
    assert shown(app) == (date(2025, 2, 1), date(2025, 4, 30))
    assert events_in_scope(app) == 3
    # an unrelated rerun keeps the range and the counts
    app.run()
    assert app.date_input(key=Key.DATE_RANGE).value == (date(2025, 2, 1), date(2025, 4, 30))
    assert events_in_scope(app) == 3


def test_a_picked_range_resets_on_a_dataset_switch(two_datasets: tuple[str, str]):
    spring, winter = two_datasets
    app = pick(new_app(), spring)
    app.date_input(key=Key.DATE_RANGE).set_value((date(2025, 2, 10), date(2025, 3, 5))).run()
    assert events_in_scope(app) == 1  # 2025-03-01 only
    pick(app, winter)  # the picked range lies outside the winter data
    assert shown(app) == (date(2025, 9, 1), date(2025, 12, 20))
    assert events_in_scope(app) == 4
    pick(app, spring)  # back: the whole range, not the old pick
    assert shown(app) == (date(2025, 2, 1), date(2025, 4, 30))
    assert events_in_scope(app) == 3


def test_a_held_range_outside_the_data_resets(two_datasets: tuple[str, str]):
    _, winter = two_datasets
    app = pick(new_app(), winter)
    app.session_state[Key.DATE_RANGE] = (date(2024, 1, 1), date(2024, 2, 1))
    app.run()
    assert not app.exception, app.exception
    # back to what the browser last showed, so no set_value is needed here
    assert app.date_input(key=Key.DATE_RANGE).value == (date(2025, 9, 1), date(2025, 12, 20))
    assert events_in_scope(app) == 4
