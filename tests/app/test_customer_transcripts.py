"""The Customer timeline's transcripts: a point query when the dataset's scores are stored.

A workspace dataset loaded with `python -m journey load` has its transcripts scored once and
stored; the page then reads only the chosen customer's transcript rows and their score records
(`handle.transcripts_of`, `Workspace.scores_of_rows`, `stored.scored_rows_from_store`), never
the whole file. The result must equal the whole-dataset path (score every row, then subset).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from journey.io.store import Workspace
from journey.query.engine.files import open_engine
from journey.schema import CUSTOMER_ID
from journey.sentiment import stored
from tests.app.conftest import STORED_SAMPLE, new_app
from ui import cache, handle

NAME = STORED_SAMPLE
# customers of data/sample/transcripts.csv: the first (a chat) and one with several calls
CUSTOMERS = ("C00073", "C00304")


@pytest.fixture(scope="module")
def workspace_path(stored_sample_path: Path) -> Path:
    """The sample loaded (and its transcripts scored) by the user's `load` command."""
    return stored_sample_path


@pytest.fixture
def workspace(workspace_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """The workspace, named by JOURNEY_WORKSPACE (its cache folder holds the Parquet files)."""
    monkeypatch.setenv("JOURNEY_WORKSPACE", str(workspace_path))
    return Workspace(workspace_path)


def _transcripts_file(workspace: Workspace) -> str:
    """The stored transcripts exported to the cache as the app exports them."""
    key = workspace.load(NAME, frames=False).info.key
    assert handle.export_stored(workspace, NAME, key)[1]
    return str(handle.raw_transcripts_path(key))


def _whole(workspace: Workspace) -> pd.DataFrame:
    """Every transcript row scored from the stored scores (the whole-dataset path)."""
    transcripts = handle.read_file(open_engine(), _transcripts_file(workspace))
    return stored.scored_from_store(transcripts, workspace.scores(NAME, stored.DEFAULT)).rows


def test_the_scores_of_some_rows_are_those_records_of_the_stored_scores(workspace: Workspace):
    every = workspace.scores(NAME, stored.DEFAULT)
    assert every is not None
    positions = [0, 3, 4, 40]
    some = workspace.scores_of_rows(NAME, stored.DEFAULT, positions)
    expected = every[every["position"].isin(positions)].reset_index(drop=True)
    pd.testing.assert_frame_equal(some.reset_index(drop=True), expected)
    assert set(some["position"]) == set(positions)
    assert workspace.scores_of_rows(NAME, stored.DEFAULT, []).empty
    assert workspace.scores_of_rows(NAME, "trained", positions) is None  # none stored


@pytest.mark.parametrize("customer", CUSTOMERS)
def test_a_customers_rows_from_a_point_read_equal_the_whole_datasets(
    workspace: Workspace, customer: str
):
    whole = _whole(workspace)
    found = handle.transcripts_of(open_engine(), _transcripts_file(workspace), customer)
    assert found is not None
    rows, positions = found
    expected_positions = np.flatnonzero((whole[CUSTOMER_ID] == customer).to_numpy())
    np.testing.assert_array_equal(positions, expected_positions)
    records = workspace.scores_of_rows(NAME, stored.DEFAULT, positions.tolist())
    got = stored.scored_rows_from_store(rows, positions, records).rows
    want = whole.iloc[expected_positions].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want)


def test_records_of_rows_not_given_are_refused():
    rows = pd.DataFrame({"text": ["a", "b"]})
    records = pd.DataFrame({"position": [5]})
    with pytest.raises(ValueError, match="not given"):
        stored.scored_rows_from_store(rows, np.array([2, 4]), records)
    with pytest.raises(ValueError, match="ascend"):
        stored.scored_rows_from_store(rows, np.array([4, 2]), records)


def test_the_customer_page_reads_one_customers_transcripts_only(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
):
    """Opened on the stored dataset, the page never reads or scores the whole transcripts."""
    whole = _whole(workspace)
    monkeypatch.setenv("JOURNEY_DATASET", NAME)

    def whole_read(*args: object, **kwargs: object) -> None:
        raise AssertionError("the customer page read every transcript")

    monkeypatch.setattr(cache, "default_scored_scope", whole_read)
    app = new_app()
    assert not app.exception, app.exception
    app.switch_page("views/customer.py").run()
    for customer in CUSTOMERS:
        app.text_input(key="customer_search").set_value(customer).run()
        app.selectbox(key="customer_pick").set_value(customer).run()
        assert not app.exception, app.exception
        assert not app.error
        (table,) = [d.value for d in app.dataframe if "sentiment_score" in d.value.columns]
        mine = whole[whole[CUSTOMER_ID] == customer].sort_values("timestamp", kind="stable")
        assert len(table) == len(mine) > 0
        np.testing.assert_allclose(
            table["sentiment_score"].to_numpy(dtype=float),
            mine["sentiment_score"].to_numpy(dtype=float),
        )
        assert list(table["text"]) == list(mine["text"])
