"""Workspace.export_events / export_transcripts: a stored frame to Parquet without pandas."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from pandas.testing import assert_frame_equal

from journey.errors import WorkspaceError
from journey.io.store import Workspace
from journey.schema import (
    CHANNEL,
    CONVERSION,
    CUSTOMER_ID,
    PHASE,
    PHASE_DTYPE,
    REVENUE,
    ROW,
    TEXT,
    TIMESTAMP,
    DatasetSettings,
)


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return Workspace(tmp_path / "ws.duckdb", lock_timeout=2.0)


def events() -> pd.DataFrame:
    stamps = pd.Series(
        pd.to_datetime(
            ["2025-01-01T10:00:00.5Z", "2025-01-02T09:30:00+02:00", None],
            utc=True,
            format="ISO8601",
        )
    ).astype("datetime64[us, UTC]")
    return pd.DataFrame(
        {
            CUSTOMER_ID: pd.Series(["c1", "Łucja", "c'2"], dtype="str"),
            TIMESTAMP: stamps,
            CHANNEL: pd.Series(["Email", None, "Web"], dtype="str"),
            CONVERSION: [False, True, False],
            REVENUE: [0.0, 12.5, np.nan],
            PHASE: pd.Series(["awareness", None, "onboarding"], dtype=PHASE_DTYPE),
            "Segment": pd.Series(["a", None, "b"], dtype="str"),
            "segment": pd.Series(["x", "y", None], dtype="str"),  # a case twin: DuckDB renames
            ROW: np.array([1, 2, 4], dtype="int64"),
        }
    )


def test_export_events_writes_the_stored_columns_and_values(ws, tmp_path):
    ws.save("shop", events(), None, DatasetSettings(), {}, key="k")
    out = ws.export_events("shop", tmp_path / "new folder" / "it's.parquet")
    assert out == tmp_path / "new folder" / "it's.parquet"
    back = pd.read_parquet(out)
    assert list(back.columns) == list(events().columns)
    assert str(back[TIMESTAMP].dtype) == "datetime64[us, UTC]"
    assert back[TIMESTAMP].tolist()[:2] == [
        pd.Timestamp("2025-01-01 10:00:00.5", tz="UTC"),
        pd.Timestamp("2025-01-02 07:30:00", tz="UTC"),
    ]
    assert back[TIMESTAMP].isna().tolist() == [False, False, True]
    expected = events().astype({PHASE: "str"})
    for column in (CUSTOMER_ID, CHANNEL, PHASE, "Segment", "segment"):
        assert back[column].tolist() == expected[column].tolist(), column
    assert back[ROW].tolist() == [1, 2, 4]
    assert back[CONVERSION].tolist() == [False, True, False]
    assert_frame_equal(back[[REVENUE]], events()[[REVENUE]])
    assert not list(out.parent.glob(".*partial"))  # the partial file was renamed onto out


def test_export_replaces_an_existing_file_and_transcripts_export_too(ws, tmp_path):
    transcripts = pd.DataFrame(
        {CUSTOMER_ID: pd.Series(["c1"], dtype="str"), TEXT: pd.Series(["hi"], dtype="str")}
    )
    ws.save("shop", events(), transcripts, DatasetSettings(), {}, key="k")
    ws.save("bare", events().drop(columns="segment"), None, DatasetSettings(), {}, key="k")
    target = tmp_path / "events.parquet"
    target.write_bytes(b"old")
    ws.export_events("shop", target)
    assert pq.read_metadata(target).num_rows == 3
    out = ws.export_transcripts("shop", tmp_path / "t.parquet")
    assert pd.read_parquet(out)[TEXT].tolist() == ["hi"]
    assert ws.export_transcripts("bare", tmp_path / "none.parquet") is None
    # no case twins: DuckDB's own COPY writes the file, with the same names and types
    copied = pd.read_parquet(ws.export_events("bare", tmp_path / "bare.parquet"))
    assert list(copied.columns) == list(events().drop(columns="segment").columns)
    assert str(copied[TIMESTAMP].dtype) == "datetime64[us, UTC]"
    assert copied["Segment"].isna().tolist() == [False, True, False]
    assert not (tmp_path / "none.parquet").exists()


def test_export_of_unknown_dataset_or_to_a_folder_is_a_clear_error(ws, tmp_path):
    with pytest.raises(WorkspaceError, match="no dataset named 'nope'"):
        ws.export_events("nope", tmp_path / "x.parquet")
    ws.save("shop", events(), None, DatasetSettings(), {}, key="k")
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "f").write_text("x")
    with pytest.raises(WorkspaceError, match="cannot write the events of dataset 'shop'"):
        ws.export_events("shop", tmp_path / "taken")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken", "ws.duckdb"]
