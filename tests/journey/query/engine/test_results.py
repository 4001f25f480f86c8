"""journey.query.engine.results: whole views' results kept as Parquet + JSON, read back exactly."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from journey.attribution.markov import MarkovResult
from journey.query.engine import results
from journey.query.flows import FoldResult

WHOLE = "file_0123456789abcdef01234567"  # a dataset's whole view (files.is_file_view)


@pytest.fixture(autouse=True)
def _workspace(tmp_path, monkeypatch):
    monkeypatch.setenv("JOURNEY_WORKSPACE", str(tmp_path / "workspace.duckdb"))


def _frame() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "channel": pd.Series(["Web", None, "Email"], dtype="str"),
            "n": np.array([3, 0, 7], dtype="int64"),
            "share": [0.5, np.nan, 0.25],
            "period": pd.to_datetime(["2025-01-06", "2025-01-13", None], utc=True).astype(
                "datetime64[s, UTC]"
            ),
            "converted": [True, False, True],
        }
    )
    frame.attrs["shapley_method"] = "exact"
    return frame


def test_frames_dataclasses_and_scalars_read_back_as_written(tmp_path):
    fold = FoldResult(
        mapping={"Web": "Web", "Fax": "Other"}, n_folded=1, folded_volume=4, kept=["Web"]
    )
    markov = MarkovResult(_frame(), _frame().head(1), _frame().iloc[0:0], 0.25, 12.5, 2)
    value = {
        "pair": (_frame(), "exact"),
        "fold": fold,
        "markov": markov,
        "numbers": [np.int64(3), np.float64(0.5), float("nan"), float("inf"), True, None],
        "days": (dt.date(2025, 1, 6), pd.Timestamp("2025-01-06 09:30", tz="UTC")),
        "empty": pd.DataFrame(),
        "numbered": pd.DataFrame({0: [1], "x": [2]}, index=pd.Index(["k"], name="key")),
    }
    back = results.read_result(results.write_result(tmp_path / "kept", value))
    assert_frame_equal(back["pair"][0], _frame())
    assert back["pair"][0].attrs == {"shapley_method": "exact"}
    assert back["pair"][1] == "exact"
    assert isinstance(back["pair"], tuple)
    assert back["fold"] == fold
    assert isinstance(back["markov"], MarkovResult)
    assert (back["markov"].conversion_probability, back["markov"].order) == (0.25, 2)
    assert_frame_equal(back["markov"].transitions, _frame().iloc[0:0])
    numbers = back["numbers"]
    assert numbers[:2] == [3, 0.5]
    assert np.isnan(numbers[2])
    assert numbers[3] == float("inf")
    assert numbers[4:] == [True, None]
    assert back["days"] == (dt.date(2025, 1, 6), pd.Timestamp("2025-01-06 09:30", tz="UTC"))
    assert_frame_equal(back["empty"], pd.DataFrame())
    assert_frame_equal(back["numbered"], value["numbered"])


def test_only_the_named_dataclasses_are_written_or_built(tmp_path):
    @dataclasses.dataclass
    class Stranger:
        x: int

    with pytest.raises(TypeError, match="KEPT_TYPES"):
        results.write_result(tmp_path / "a", Stranger(1))
    with pytest.raises(TypeError, match="text keys"):
        results.write_result(tmp_path / "b", {1: "one"})
    with pytest.raises(TypeError, match="cannot hold set"):
        results.write_result(tmp_path / "c", {"s": {1, 2}})
    assert not list(tmp_path.iterdir())  # nothing half written
    # a folder naming any other class is refused, never imported and built
    folder = results.write_result(tmp_path / "d", FoldResult({}, 0, 0, []))
    body = json.loads((folder / results.META).read_text())
    body["value"]["dataclass"] = "os:system"
    (folder / results.META).write_text(json.dumps(body))
    with pytest.raises(TypeError, match="KEPT_TYPES"):
        results.read_result(folder)


def test_a_whole_view_is_computed_once_then_read():
    calls: list[int] = []

    def compute() -> pd.DataFrame:
        calls.append(1)
        return _frame()

    first = results.kept(WHOLE, "table", ("week", 30.0), compute)
    again = results.kept(WHOLE, "table", ("week", 30.0), compute)
    assert len(calls) == 1
    assert_frame_equal(again, first)
    assert results.is_kept(WHOLE, "table", ("week", 30.0))
    # any other setting, or computation, is a result of its own
    results.kept(WHOLE, "table", ("day", 30.0), compute)
    results.kept(WHOLE, "other", ("week", 30.0), compute)
    assert len(calls) == 3
    assert not results.is_kept(WHOLE, "table", ("month", 30.0))


def test_a_filtered_scope_is_computed_every_time_and_never_kept():
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return 5

    for _ in range(2):
        assert results.kept("q_scope_1234", "figure", (), compute) == 5
    assert len(calls) == 2
    assert not results.is_kept("q_scope_1234", "figure", ())
    assert not list(results.result_folder(WHOLE, "x", ()).parent.glob("result-*"))


def test_a_damaged_result_is_computed_and_written_again(caplog):
    results.kept(WHOLE, "table", (), _frame)
    folder = results.result_folder(WHOLE, "table", ())
    (folder / "f0.parquet").write_bytes(b"not parquet")
    again = results.kept(WHOLE, "table", (), _frame)
    assert_frame_equal(again, _frame())
    assert "unreadable" in caplog.text
    assert_frame_equal(results.read_result(folder), _frame())


def test_a_result_kept_by_an_older_format_is_not_read(tmp_path, monkeypatch):
    folder = results.write_result(tmp_path / "old", {"n": 1})
    monkeypatch.setattr(results, "RESULTS_FORMAT", results.RESULTS_FORMAT + 1)
    with pytest.raises(ValueError, match="format"):
        results.read_result(folder)
