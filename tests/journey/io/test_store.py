"""Workspace store: round trips, catalogue operations, errors, atomicity under failure and kill."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from journey.errors import WorkspaceError
from journey.io import store, tables
from journey.io.store import (
    ENV_VAR,
    DatasetInfo,
    Workspace,
    default_workspace_path,
)
from journey.schema import (
    AGENT,
    CHANNEL,
    CONVERSION,
    CUSTOMER_ID,
    EVENT_TYPE,
    LABEL,
    PHASE,
    PHASE_DTYPE,
    REVENUE,
    ROW,
    SEGMENT,
    TEXT,
    TIMESTAMP,
    TOUCHPOINT,
    DatasetSettings,
    GroupingRule,
)

ROOT = Path(__file__).resolve().parents[3]
CATALOGUE_TABLES = {"journey_info", "journey_datasets", "journey_models", "journey_scores"}
MAPPING = {"events": {"user_id": CUSTOMER_ID, "ts": TIMESTAMP}, "transcripts": {"msg": TEXT}}


def utc(*values: str | None) -> pd.Series:
    return pd.Series(pd.to_datetime(list(values), utc=True, format="ISO8601")).astype(
        "datetime64[us, UTC]"
    )


def make_events(tag: str = "v1", n: int = 4) -> pd.DataFrame:
    """A frame in the accepted-events contract, with missing values where they may occur."""
    base = pd.DataFrame(
        {
            CUSTOMER_ID: pd.Series(["c1", "Łucja", "c1", "c3"], dtype="str"),
            TIMESTAMP: utc(
                "2025-01-01T10:00:00.123456Z",
                "2025-01-02T09:30:00+02:00",
                "2025-02-01T00:00:00Z",
                "2025-03-01T12:00:00Z",
            ),
            CHANNEL: pd.Series(["Email", "Web", "Store", "Call Center"], dtype="str"),
            TOUCHPOINT: pd.Series([f"Welcome {tag}", "Pricing", "Till", "Support"], dtype="str"),
            EVENT_TYPE: pd.Series(["view", None, "purchase", "support_contact"], dtype="str"),
            CONVERSION: [False, False, True, False],
            REVENUE: [0.0, np.nan, 1234.56, 0.0],
            SEGMENT: pd.Series(["=HYPERLINK()", None, "ż é", ""], dtype="str"),
            PHASE: pd.Series(["awareness", "awareness", "onboarding", None], dtype=PHASE_DTYPE),
            ROW: np.array([1, 2, 3, 4], dtype="int64"),
        }
    )
    return base.iloc[:n].reset_index(drop=True)


def make_transcripts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            CUSTOMER_ID: pd.Series(["c1", "c3"], dtype="str"),
            TIMESTAMP: utc("2025-03-01T12:05:00Z", None),
            CHANNEL: pd.Series(["Call Center", "Chat"], dtype="str"),
            TEXT: pd.Series(["Dziękuję, wszystko działa!", ""], dtype="str"),
            LABEL: pd.Series(["positive", None], dtype="str"),
            AGENT: pd.Series([None, "bot"], dtype="str"),
            ROW: np.array([1, 2], dtype="int64"),
        }
    )


SETTINGS = DatasetSettings(
    timezone="Europe/Warsaw",
    onboarding_days=14,
    conversion_events=("purchase", "zakup"),
    day_first=True,
    phase_overrides={"Support": "post-purchase"},
    team_map={"Pricing": "marketing"},
    grouping_rules=(
        GroupingRule("Welcome", "Welcome emails"),
        GroupingRule(r"^Till", "Store", True),
    ),
)


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return Workspace(tmp_path / "nested" / "folder" / "ws.duckdb", lock_timeout=2.0)


def save_v1(ws: Workspace, name: str = "Shop 2025", **kwargs: object) -> DatasetInfo:
    return ws.save(
        name,
        make_events("v1"),
        make_transcripts(),
        SETTINGS,
        MAPPING,
        key="key-v1",
        meta={"rows_read": 5, "rows_rejected": 1},
        **kwargs,
    )


def tables_in(path: Path) -> set[str]:
    con = duckdb.connect(str(path), config=dict(store.DUCKDB_CONFIG))
    try:
        return {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    finally:
        con.close()


def orphan_tables(path: Path) -> set[str]:
    """Tables in the file that neither belong to the catalogue nor are named by it."""
    con = duckdb.connect(str(path), config=dict(store.DUCKDB_CONFIG))
    try:
        named = con.execute(
            "SELECT events_table FROM journey_datasets UNION ALL "
            "SELECT transcripts_table FROM journey_datasets WHERE transcripts_table IS NOT NULL"
        ).fetchall()
        tables = con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
    finally:
        con.close()
    return {t[0] for t in tables} - CATALOGUE_TABLES - {n[0] for n in named}


def test_default_path_is_under_home_without_env_var(monkeypatch, tmp_path):
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_workspace_path() == tmp_path / ".journey-atlas" / "workspace.duckdb"


def test_env_var_sets_path_and_expands_home(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv(ENV_VAR, "~/team/atlas.duckdb")
    assert default_workspace_path() == tmp_path / "team" / "atlas.duckdb"
    monkeypatch.setenv(ENV_VAR, "   ")
    assert default_workspace_path() == tmp_path / ".journey-atlas" / "workspace.duckdb"


def test_workspace_without_path_uses_env_var_and_creates_folders(monkeypatch, tmp_path):
    target = tmp_path / "a" / "b" / "w.duckdb"
    monkeypatch.setenv(ENV_VAR, str(target))
    workspace = Workspace()
    assert workspace.path == target
    assert target.is_file()
    assert workspace.list_datasets() == []


def test_save_then_load_gives_back_frames_dtypes_settings_mapping_meta(ws):
    info = save_v1(ws)
    assert (info.name, info.key, info.n_events, info.n_transcripts) == ("Shop 2025", "key-v1", 4, 2)
    assert info.n_customers == 3  # c1, Łucja, c3
    assert info.created == info.updated
    assert str(info.created.tz) == "UTC"

    stored = ws.load("Shop 2025")
    assert stored.info == info
    assert_frame_equal(stored.events, make_events("v1"))
    assert_frame_equal(stored.transcripts, make_transcripts())
    assert stored.settings == SETTINGS
    assert stored.mapping == MAPPING
    assert stored.meta == {"rows_read": 5, "rows_rejected": 1}


def test_load_without_frames_gives_settings_mapping_meta_only(ws):
    info = save_v1(ws)
    stored = ws.load("Shop 2025", frames=False)
    assert stored.info == info
    assert stored.events.empty
    assert stored.transcripts is None
    assert (stored.settings, stored.mapping) == (SETTINGS, MAPPING)
    assert stored.meta == {"rows_read": 5, "rows_rejected": 1}


def test_events_dtypes_are_exactly_the_contract_after_load(ws):
    save_v1(ws)
    dtypes = ws.load("Shop 2025").events.dtypes
    assert str(dtypes[TIMESTAMP]) == "datetime64[us, UTC]"
    assert dtypes[CUSTOMER_ID] == pd.StringDtype(na_value=np.nan)
    assert dtypes[CONVERSION] == np.dtype(bool)
    assert dtypes[REVENUE] == np.dtype("float64")
    assert dtypes[ROW] == np.dtype("int64")
    assert dtypes[PHASE] == PHASE_DTYPE


def test_less_common_dtypes_and_case_twin_columns_round_trip(ws):
    frame = pd.DataFrame(
        {
            "Segment": pd.Series(["a", None, "c"], dtype="string"),
            "segment": pd.Series(["x", None, "z"], dtype=object),
            "big": pd.Series([2**62 + 1, None, -3], dtype="Int64"),
            "flag": pd.Series([True, None, False], dtype="boolean"),
            "local": pd.Series(pd.to_datetime(["2025-01-01 10:00", None, "2025-06-01 10:00"]))
            .astype("datetime64[us]")
            .dt.tz_localize("Europe/Warsaw"),
            "naive": pd.Series(pd.to_datetime(["2025-01-01", "2025-01-02", None])).astype(
                "datetime64[us]"
            ),
            "small": np.array([1, 2, 3], dtype="int32"),
            "ratio": np.array([0.5, -np.inf, np.inf], dtype="float32"),
        }
    )
    ws.save("odd", frame, None, DatasetSettings(), {}, key="k")
    assert_frame_equal(ws.load("odd").events, frame)


def test_index_is_not_stored(ws):
    events = make_events().set_axis([10, 20, 30, 40])
    ws.save("x", events, None, DatasetSettings(), {}, key="k")
    assert_frame_equal(ws.load("x").events, events.reset_index(drop=True))


def test_empty_frame_keeps_its_columns_and_dtypes(ws):
    empty = make_events().iloc[:0]
    info = ws.save("empty", empty, None, DatasetSettings(), {}, key="k")
    assert (info.n_events, info.n_customers) == (0, 0)
    assert_frame_equal(ws.load("empty").events, empty)


def test_large_frame_keeps_row_order(ws):
    n = 300_000  # more than two DuckDB row groups, written in parallel
    frame = pd.DataFrame({ROW: np.arange(n, dtype="int64"), CHANNEL: np.arange(n).astype(str)})
    ws.save("big", frame, None, DatasetSettings(), {}, key="k")
    assert_frame_equal(ws.load("big").events, frame)


def test_inputs_are_not_mutated(ws):
    events, transcripts = make_events(), make_transcripts()
    save_v1(ws)
    ws.save("again", events, transcripts, SETTINGS, MAPPING, key="k")
    assert_frame_equal(events, make_events())
    assert_frame_equal(transcripts, make_transcripts())


def test_workspace_reopened_after_restart_finds_datasets(ws):
    save_v1(ws)
    ws.save_model("Shop 2025", "sentiment", b"\x00\x01model")
    reopened = Workspace(ws.path)
    assert [i.name for i in reopened.list_datasets()] == ["Shop 2025"]
    assert_frame_equal(reopened.load("Shop 2025").events, make_events())
    assert reopened.load_model("Shop 2025", "sentiment") == b"\x00\x01model"


def test_list_is_sorted_by_name_ignoring_case(ws):
    for name in ["beta", "Alpha", "gamma", "alpha"]:
        ws.save(name, make_events(), None, DatasetSettings(), {}, key=name)
    assert [i.name for i in ws.list_datasets()] == ["Alpha", "alpha", "beta", "gamma"]


def test_name_taken_without_overwrite_is_refused_and_keeps_old(ws):
    save_v1(ws)
    with pytest.raises(WorkspaceError, match=r"'Shop 2025' already exists"):
        ws.save("Shop 2025", make_events("v2"), None, DatasetSettings(), {}, key="key-v2")
    stored = ws.load("Shop 2025")
    assert_frame_equal(stored.events, make_events("v1"))
    assert stored.info.key == "key-v1"


def test_overwrite_replaces_data_keeps_created_and_drops_old_tables(ws):
    first = save_v1(ws)
    tables_before = tables_in(ws.path)
    second = ws.save(
        "Shop 2025", make_events("v2", n=2), None, DatasetSettings(), {}, "key-v2", overwrite=True
    )
    assert second.created == first.created
    assert second.updated > first.updated
    assert (second.n_events, second.n_transcripts, second.n_customers) == (2, 0, 2)
    stored = ws.load("Shop 2025")
    assert_frame_equal(stored.events, make_events("v2", n=2))
    assert stored.transcripts is None
    assert stored.settings == DatasetSettings()
    assert stored.meta == {}
    tables_after = tables_in(ws.path)
    assert len(tables_after) == len(tables_before) - 1  # events replaced, transcripts gone
    assert not tables_after & (tables_before - CATALOGUE_TABLES)
    assert orphan_tables(ws.path) == set()


def test_overwrite_keeps_models_only_when_key_is_unchanged(ws):
    save_v1(ws)
    ws.save_model("Shop 2025", "nba", b"m1")
    save_v1(ws, overwrite=True)
    assert ws.list_models("Shop 2025") == ["nba"]
    ws.save("Shop 2025", make_events("v2"), None, SETTINGS, MAPPING, "key-v2", overwrite=True)
    assert ws.list_models("Shop 2025") == []


def test_names_are_stripped_and_compared_exactly(ws):
    save_v1(ws, name="  Shop 2025 ")
    assert ws.exists("Shop 2025")
    assert ws.exists(" Shop 2025")
    assert not ws.exists("shop 2025")


@pytest.mark.parametrize(
    "name",
    [
        "x'); DROP TABLE journey_datasets; --",
        'a"; DELETE FROM journey_models; --',
        "Zażółć gęślą jaźń 🚀",
        "events_0123",
    ],
)
def test_names_are_data_not_sql(ws, name):
    save_v1(ws, name=name)
    ws.save_model(name, "m'; --", b"p")
    assert [i.name for i in ws.list_datasets()] == [name]
    assert_frame_equal(ws.load(name).events, make_events())
    assert ws.load_model(name, "m'; --") == b"p"
    assert tables_in(ws.path) >= CATALOGUE_TABLES
    ws.rename(name, name + " (2)")
    ws.delete(name + " (2)")
    assert ws.list_datasets() == []


def test_rename_moves_data_settings_and_models(ws):
    save_v1(ws)
    ws.save_model("Shop 2025", "sentiment", b"abc")
    ws.rename("Shop 2025", "Shop (old)")
    assert not ws.exists("Shop 2025")
    stored = ws.load("Shop (old)")
    assert_frame_equal(stored.events, make_events())
    assert stored.settings == SETTINGS
    assert stored.info.key == "key-v1"
    assert ws.list_models("Shop (old)") == ["sentiment"]
    # the old name is free again
    ws.save("Shop 2025", make_events("v2"), None, DatasetSettings(), {}, key="key-v2")
    assert [i.name for i in ws.list_datasets()] == ["Shop (old)", "Shop 2025"]


def test_rename_onto_existing_name_is_refused(ws):
    save_v1(ws, name="a")
    save_v1(ws, name="b")
    with pytest.raises(WorkspaceError, match=r"'b' already exists"):
        ws.rename("a", "b")
    assert ws.load("a").info.name == "a"


def test_rename_to_same_name_changes_nothing(ws):
    info = save_v1(ws)
    ws.rename("Shop 2025", " Shop 2025 ")
    assert ws.list_datasets() == [info]


def test_delete_removes_dataset_tables_and_models(ws):
    save_v1(ws, name="keep")
    save_v1(ws, name="drop")
    ws.save_model("drop", "m", b"x")
    ws.delete("drop")
    assert [i.name for i in ws.list_datasets()] == ["keep"]
    assert len(tables_in(ws.path)) == len(CATALOGUE_TABLES) + 2  # keep's events + transcripts
    assert orphan_tables(ws.path) == set()
    save_v1(ws, name="drop")
    assert ws.list_models("drop") == []


def test_save_settings_replaces_settings_only(ws):
    first = save_v1(ws)
    new = DatasetSettings(phase_overrides={"Till": "engagement"})
    ws.save_settings("Shop 2025", new)
    stored = ws.load("Shop 2025")
    assert stored.settings == new
    assert stored.info.updated > first.updated
    assert stored.info.created == first.created
    assert_frame_equal(stored.events, make_events())


def test_models_save_replace_list_and_load(ws):
    save_v1(ws)
    assert ws.list_models("Shop 2025") == []
    assert ws.load_model("Shop 2025", "nba") is None
    ws.save_model("Shop 2025", "sentiment", b"one")
    ws.save_model("Shop 2025", "nba", bytearray(b"two"))
    ws.save_model("Shop 2025", "sentiment", b"three")
    assert ws.list_models("Shop 2025") == ["nba", "sentiment"]
    assert ws.load_model("Shop 2025", "sentiment") == b"three"
    assert ws.load_model("Shop 2025", "nba") == b"two"


def test_concurrent_saves_from_threads_all_land(ws):
    errors: list[BaseException] = []

    def save(i: int) -> None:
        try:
            ws.save(f"set {i}", make_events(f"t{i}"), None, DatasetSettings(), {}, key=str(i))
        except BaseException as err:  # collected and re-raised by the test thread below
            errors.append(err)

    threads = [threading.Thread(target=save, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [i.name for i in ws.list_datasets()] == [f"set {i}" for i in range(6)]
    for i in range(6):
        assert_frame_equal(ws.load(f"set {i}").events, make_events(f"t{i}"))


def test_sessions_reading_and_saving_at_once_never_collide(ws):
    # Streamlit sessions are threads: each operation opens and closes its own connection, and
    # DuckDB refused a connect racing another thread's connect or close ("Unique file handle
    # conflict") on many operations of this test before opening and closing took turns.
    save_v1(ws)
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            for j in range(25):
                assert ws.exists("Shop 2025")
                assert "Shop 2025" in [info.name for info in ws.list_datasets()]
                if j % 5 == 0:
                    ws.save(f"t{i}", make_events(f"t{i}"), None, DatasetSettings(), {}, key="k")
                    ws.delete(f"t{i}")
        except BaseException as err:  # collected and re-raised by the test thread below
            errors.append(err)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)  # a guard against a hang, not a timing
    assert [thread.is_alive() for thread in threads] == [False] * 8
    assert errors == []
    assert [info.name for info in ws.list_datasets()] == ["Shop 2025"]


@pytest.mark.parametrize("bad", ["", "   ", "\t\n"])
def test_blank_names_are_refused_everywhere(ws, bad):
    save_v1(ws)
    calls = [
        lambda: ws.exists(bad),
        lambda: ws.load(bad),
        lambda: save_v1(ws, name=bad),
        lambda: ws.rename("Shop 2025", bad),
        lambda: ws.rename(bad, "x"),
        lambda: ws.delete(bad),
        lambda: ws.save_settings(bad, SETTINGS),
        lambda: ws.save_model("Shop 2025", bad, b"x"),
        lambda: ws.list_models(bad),
    ]
    for call in calls:
        with pytest.raises(WorkspaceError, match="cannot be empty or blank"):
            call()
    assert [i.name for i in ws.list_datasets()] == ["Shop 2025"]


def test_names_with_control_characters_or_too_long_are_refused(ws):
    with pytest.raises(WorkspaceError, match="control characters"):
        save_v1(ws, name="two\nlines")
    with pytest.raises(WorkspaceError, match="too long"):
        save_v1(ws, name="x" * 201)
    assert ws.list_datasets() == []


def test_unknown_dataset_is_named_in_the_error(ws):
    calls = [
        lambda: ws.load("nope"),
        lambda: ws.rename("nope", "x"),
        lambda: ws.delete("nope"),
        lambda: ws.save_settings("nope", SETTINGS),
        lambda: ws.save_model("nope", "m", b"x"),
        lambda: ws.load_model("nope", "m"),
        lambda: ws.list_models("nope"),
    ]
    for call in calls:
        with pytest.raises(
            WorkspaceError, match=r"no dataset named 'nope' in workspace .*ws\.duckdb"
        ):
            call()


def test_unstorable_input_fails_before_touching_the_file(ws):
    save_v1(ws)
    before = tables_in(ws.path)
    mixed = make_events().assign(extra=pd.Series([1, "a", None, 2.5], dtype=object))
    with pytest.raises(WorkspaceError, match=r"column 'extra'.*mix of text"):
        ws.save("new", mixed, None, DatasetSettings(), {}, key="k")
    with pytest.raises(WorkspaceError, match=r"column 'gap'.*timedelta"):
        ws.save("new", make_events().assign(gap=pd.Timedelta("1h")), None, SETTINGS, {}, "k")
    with pytest.raises(WorkspaceError, match="meta value of type object"):
        ws.save("new", make_events(), None, SETTINGS, {}, "k", meta={"x": object()})
    with pytest.raises(WorkspaceError, match="duplicate column names"):
        ws.save("new", pd.concat([make_events(), make_events()], axis=1), None, SETTINGS, {}, "k")
    assert [i.name for i in ws.list_datasets()] == ["Shop 2025"]
    assert tables_in(ws.path) == before


def test_text_file_is_not_a_workspace(tmp_path):
    path = tmp_path / "notes.duckdb"
    path.write_text("customer_id,timestamp\n" * 50)
    with pytest.raises(WorkspaceError, match=r"notes\.duckdb is not a Journey Atlas workspace"):
        Workspace(path)
    assert path.read_text() == "customer_id,timestamp\n" * 50


def test_sqlite_and_empty_files_are_not_workspaces(tmp_path):
    lite = tmp_path / "lite.db"
    con = sqlite3.connect(lite)
    con.execute("CREATE TABLE t (a)")
    con.commit()
    con.close()
    empty = tmp_path / "empty.duckdb"
    empty.write_bytes(b"")
    for path in (lite, empty):
        with pytest.raises(WorkspaceError, match="not a DuckDB database file"):
            Workspace(path)


def test_folder_is_not_a_workspace(tmp_path):
    with pytest.raises(WorkspaceError, match="is a folder"):
        Workspace(tmp_path)


def test_file_of_a_newer_format_is_refused(ws):
    con = duckdb.connect(str(ws.path))
    con.execute("UPDATE journey_info SET value = '99' WHERE key = 'format'")
    con.close()
    with pytest.raises(WorkspaceError, match="format 99, newer"):
        Workspace(ws.path)


HOLD_LOCK = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
"""


def test_file_locked_by_another_process_gives_clear_error(ws):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(ws.path), "30"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(WorkspaceError, match=r"ws\.duckdb is in use by another program"):
            Workspace(ws.path, lock_timeout=0.2)
        ws.lock_timeout = 0.2
        with pytest.raises(WorkspaceError, match=r"ws\.duckdb is in use by another program"):
            ws.list_datasets()
    finally:
        holder.kill()
        holder.wait()
    assert ws.list_datasets() == []


def test_operation_waits_for_a_short_lock_to_be_released(ws):
    save_v1(ws)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(ws.path), "0.5"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        waiting = Workspace(ws.path, lock_timeout=30)
        assert [i.name for i in waiting.list_datasets()] == ["Shop 2025"]
    finally:
        holder.kill()
        holder.wait()


class Boom(RuntimeError):
    pass


def fail_after_events_table(monkeypatch) -> list[str]:
    """Make the save fail right after its events table was written; return written tables."""
    written: list[str] = []
    original = tables.write_frame

    def write_then_fail(con, table, frame):
        original(con, table, frame)
        written.append(table)
        raise Boom(table)

    monkeypatch.setattr(tables, "write_frame", write_then_fail)
    return written


def test_failure_mid_overwrite_keeps_previous_version_and_leaves_no_tables(ws, monkeypatch):
    info = save_v1(ws)
    ws.save_model("Shop 2025", "nba", b"m")
    before = tables_in(ws.path)
    written = fail_after_events_table(monkeypatch)
    with pytest.raises(Boom):
        ws.save("Shop 2025", make_events("v2"), None, DatasetSettings(), {}, "v2", overwrite=True)
    assert len(written) == 1  # the new events table existed inside the transaction
    monkeypatch.undo()
    stored = ws.load("Shop 2025")
    assert stored.info == info
    assert_frame_equal(stored.events, make_events("v1"))
    assert_frame_equal(stored.transcripts, make_transcripts())
    assert stored.settings == SETTINGS
    assert ws.load_model("Shop 2025", "nba") == b"m"
    assert tables_in(ws.path) == before
    assert orphan_tables(ws.path) == set()


def test_failure_mid_new_save_leaves_nothing(ws, monkeypatch):
    save_v1(ws)
    before = tables_in(ws.path)
    fail_after_events_table(monkeypatch)
    with pytest.raises(Boom):
        ws.save("brand new", make_events(), make_transcripts(), SETTINGS, {}, "k")
    monkeypatch.undo()
    assert not ws.exists("brand new")
    assert tables_in(ws.path) == before
    # the name is usable afterwards
    save_v1(ws, name="brand new")
    assert ws.exists("brand new")


CRASH_MID_SAVE = """
import os, signal, sys
from pathlib import Path
import numpy as np, pandas as pd
from journey.io import store, tables
from journey.schema import DatasetSettings

path, how = Path(sys.argv[1]), sys.argv[2]
original = tables.write_frame

def write_then_die(con, table, frame):
    original(con, table, frame)
    print("events table written", flush=True)
    if how == "sigkill":
        os.kill(os.getpid(), signal.SIGKILL)
    os._exit(17)

tables.write_frame = write_then_die
n = 200_000  # over one row group (122,880 rows): DuckDB writes blocks before commit
big = pd.DataFrame({"row": np.arange(n, dtype="int64"), "channel": np.arange(n).astype(str)})
ws = store.Workspace(path)
ws.save("Shop 2025", big, None, DatasetSettings(), {}, "v2", overwrite=True)
print("save returned", flush=True)
"""


@pytest.mark.parametrize("how", ["exit", "sigkill"])
def test_process_dying_mid_save_keeps_previous_version(ws, how):
    info = save_v1(ws)
    before = tables_in(ws.path)
    child = subprocess.run(
        [sys.executable, "-c", CRASH_MID_SAVE, str(ws.path), how],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert child.stdout.splitlines() == ["events table written"], child.stderr
    assert child.returncode == (17 if how == "exit" else -signal.SIGKILL)
    reopened = Workspace(ws.path)
    stored = reopened.load("Shop 2025")
    assert stored.info == info
    assert_frame_equal(stored.events, make_events("v1"))
    assert_frame_equal(stored.transcripts, make_transcripts())
    assert tables_in(ws.path) == before
    assert orphan_tables(ws.path) == set()


SAVE_FOREVER = """
import sys
from pathlib import Path
import numpy as np, pandas as pd
from journey.io import store
from journey.schema import DatasetSettings

ws = store.Workspace(Path(sys.argv[1]))
n = 150_000
for i in range(10_000):
    version = i % 2
    frame = pd.DataFrame({"row": np.arange(n, dtype="int64") + version, "v": np.full(n, version)})
    ws.save("loop", frame, None, DatasetSettings(), {}, str(version), overwrite=True)
    print(i, flush=True)
"""


@pytest.mark.parametrize("saves_before_kill", [1, 3])
def test_sigkill_during_repeated_overwrites_leaves_one_whole_version(ws, saves_before_kill):
    child = subprocess.Popen(
        [sys.executable, "-c", SAVE_FOREVER, str(ws.path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        for _ in range(saves_before_kill):
            child.stdout.readline()
        # The child is now somewhere inside its next save.
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
    stored = Workspace(ws.path).load("loop")
    version = int(stored.info.key)
    n = 150_000
    expected = pd.DataFrame(
        {"row": np.arange(n, dtype="int64") + version, "v": np.full(n, version)}
    )
    assert_frame_equal(stored.events, expected)
    assert orphan_tables(ws.path) == set()


TEXTS = st.text(st.characters(codec="utf-8"), max_size=8)


NAMES = st.text(
    st.characters(codec="utf-8", categories=["L", "N", "P", "S", "Zs"]), min_size=1, max_size=20
).filter(lambda s: s.strip() != "")


@st.composite
def event_frames(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(0, 6))
    texts = st.lists(st.none() | TEXTS, min_size=n, max_size=n)
    stamps = st.lists(
        st.none()
        | st.datetimes(
            min_value=pd.Timestamp("1900-01-01").to_pydatetime(),
            max_value=pd.Timestamp("2200-01-01").to_pydatetime(),
        ),
        min_size=n,
        max_size=n,
    )
    floats = st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=n, max_size=n)
    return pd.DataFrame(
        {
            CUSTOMER_ID: pd.Series(draw(texts), dtype="str"),
            TIMESTAMP: pd.Series(
                pd.to_datetime(draw(stamps)), dtype="datetime64[us]"
            ).dt.tz_localize("UTC"),
            CHANNEL: pd.Series(draw(texts), dtype="str"),
            CONVERSION: pd.Series(
                draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool
            ),
            REVENUE: pd.Series(draw(floats), dtype="float64"),
            ROW: pd.Series(
                draw(st.lists(st.integers(-(2**63), 2**63 - 1), min_size=n, max_size=n)),
                dtype="int64",
            ),
            draw(
                NAMES.filter(lambda s: s not in (CUSTOMER_ID, TIMESTAMP, CHANNEL, ROW))
            ): pd.Series(draw(texts), dtype="string"),
        }
    )


@pytest.fixture(scope="module")
def shared_ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """One workspace for a property test's examples, held open so that each operation skips
    DuckDB's ~25 ms instance start-up (the workspace's own connections join this instance)."""
    path = tmp_path_factory.mktemp("hyp") / "ws.duckdb"
    anchor = duckdb.connect(str(path), config=dict(store.DUCKDB_CONFIG))
    try:
        yield Workspace(path)
    finally:
        anchor.close()


def emptied(ws: Workspace) -> Workspace:
    for info in ws.list_datasets():
        ws.delete(info.name)
    return ws


@given(events=event_frames(), name=NAMES, key=TEXTS)
def test_any_frame_round_trips(shared_ws, events, name, key):
    with nullcontext(emptied(shared_ws)) as ws:
        info = ws.save(name, events, None, DatasetSettings(), {"events": {}}, key=key)
        stored = ws.load(name)
    assert_frame_equal(stored.events, events)
    assert stored.info == info
    assert info.n_customers == events[CUSTOMER_ID].nunique()


@given(events=event_frames(), old=NAMES, new=NAMES)
def test_rename_then_load_finds_the_same_data_under_the_new_name(shared_ws, events, old, new):
    with nullcontext(emptied(shared_ws)) as ws:
        ws.save(old, events, None, SETTINGS, MAPPING, key="k")
        ws.rename(old, new)
        assert ws.exists(new.strip())
        assert ws.exists(old.strip()) == (old.strip() == new.strip())
        stored = ws.load(new)
    assert_frame_equal(stored.events, events)
    assert stored.settings == SETTINGS
    assert stored.info.name == new.strip()


@given(names=st.lists(NAMES, min_size=1, max_size=4, unique_by=str.strip), data=st.data())
def test_delete_then_list_shows_the_others(shared_ws, names, data):
    with nullcontext(emptied(shared_ws)) as ws:
        for name in names:
            ws.save(name, make_events(n=1), None, DatasetSettings(), {}, key=name)
        victim = data.draw(st.sampled_from(names))
        ws.delete(victim)
        listed = [i.name for i in ws.list_datasets()]
        assert not ws.exists(victim)
        assert orphan_tables(ws.path) == set()
    assert listed == sorted(
        (n.strip() for n in names if n != victim), key=lambda s: (s.casefold(), s)
    )


def test_workspace_connections_draw_no_duckdb_progress_bar(ws):
    # a long streamed save would otherwise print DuckDB's bar on stderr beside the CLI's own
    con = ws._connect()
    try:
        assert con.execute("SELECT current_setting('enable_progress_bar')").fetchone() == (False,)
    finally:
        con.close()
