"""Workspace safety: hostile dataset names are data, and killed processes leave it whole."""

from __future__ import annotations

import hashlib
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from pandas.testing import assert_frame_equal

from journey.errors import WorkspaceError
from journey.io.store import Workspace
from journey.schema import DatasetSettings
from tests.journey.io.test_store import (
    MAPPING,
    SETTINGS,
    make_events,
    make_transcripts,
    orphan_tables,
    tables_in,
)

ROOT = Path(__file__).resolve().parents[3]
JOURNEY_IO = ROOT / "journey" / "io"


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return Workspace(tmp_path / "work" / "ws.duckdb", lock_timeout=5.0)


def save(ws: Workspace, name: str, tag: str = "v1") -> None:
    ws.save(name, make_events(tag), make_transcripts(), SETTINGS, MAPPING, key=f"key-{tag}")


def snapshot(ws: Workspace) -> dict[str, object]:
    """Everything a user can see of the workspace, plus the files in its folder."""
    datasets = {}
    for info in ws.list_datasets():
        stored = ws.load(info.name)
        datasets[info.name] = (info, stored.events, stored.transcripts, stored.settings)
    files = sorted(p.name for p in ws.path.parent.iterdir())
    return {"datasets": datasets, "files": files, "tables": tables_in(ws.path)}


def assert_same(before: dict[str, object], after: dict[str, object]) -> None:
    assert after["files"] == before["files"]
    assert after["tables"] == before["tables"]
    assert after["datasets"].keys() == before["datasets"].keys()
    for name, (info, events, transcripts, settings) in before["datasets"].items():
        info_after, events_after, transcripts_after, settings_after = after["datasets"][name]
        assert info_after == info
        assert_frame_equal(events_after, events)
        if transcripts is None:
            assert transcripts_after is None
        else:
            assert_frame_equal(transcripts_after, transcripts)
        assert settings_after == settings


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


HOSTILE_NAMES = [
    "x'; DROP TABLE datasets; --",
    "x'); DROP TABLE journey_datasets; --",
    "../../etc/passwd",
    "..\\..\\Windows\\win.ini",
    '"quoted"',
    '"; DROP TABLE journey_models; --',
    "ja_events_" + "0" * 32,  # looks like one of our table names
    "%s %d {} $1 ?",
    "Zażółć \u202egnp.exe",  # right-to-left override: shown oddly, stored exactly
    "x" * 200,  # the longest name allowed
]


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=range(len(HOSTILE_NAMES)))
def test_hostile_names_round_trip_and_touch_nothing_else(ws: Workspace, name: str):
    save(ws, "Shop 2025")
    bystander = snapshot(ws)
    save(ws, name, tag="hostile")
    ws.save_model(name, name, b"model bytes")
    ws.save_settings(name, DatasetSettings(timezone="Asia/Jakarta"))
    stored = ws.load(name)
    assert stored.info.name == name
    assert_frame_equal(stored.events, make_events("hostile"))
    assert stored.settings == DatasetSettings(timezone="Asia/Jakarta")
    assert ws.load_model(name, name) == b"model bytes"
    assert [i.name for i in ws.list_datasets()] == sorted(
        ["Shop 2025", name], key=lambda s: (s.casefold(), s)
    )
    ws.rename(name, name[:190] + " (2)")
    ws.rename(name[:190] + " (2)", name)
    assert ws.exists(name)
    ws.delete(name)
    assert_same(bystander, snapshot(ws))
    assert orphan_tables(ws.path) == set()
    assert not Path("/etc/passwd").with_name("passwd (2)").exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("bad\x00name", "contains control characters"),
        ("two\nlines", "contains control characters"),
        ("carriage\rreturn", "contains control characters"),
        ("line\u2028separator", "contains control characters"),
        ("x" * 10_000, r"is too long \(10000 > 200\)"),
        ("x" * 201, r"is too long \(201 > 200\)"),
        ("", "cannot be empty or blank"),
        (" \t ", "cannot be empty or blank"),
    ],
    ids=["nul", "newline", "cr", "u2028", "10000", "201", "empty", "blank"],
)
def test_unusable_names_are_refused_everywhere_and_leave_the_file_untouched(
    ws: Workspace, name: str, message: str
):
    save(ws, "Shop 2025")
    ws.save_model("Shop 2025", "nba", b"m")
    before, before_digest = snapshot(ws), digest(ws.path)
    calls = [
        lambda: save(ws, name),
        lambda: ws.load(name),
        lambda: ws.exists(name),
        lambda: ws.rename("Shop 2025", name),
        lambda: ws.rename(name, "Shop 2026"),
        lambda: ws.delete(name),
        lambda: ws.save_settings(name, DatasetSettings()),
        lambda: ws.save_model("Shop 2025", name, b"x"),
        lambda: ws.load_model("Shop 2025", name),
    ]
    for call in calls:
        with pytest.raises(WorkspaceError, match=message):
            call()
    assert digest(ws.path) == before_digest  # refused before the file was opened
    assert_same(before, snapshot(ws))
    assert ws.load_model("Shop 2025", "nba") == b"m"


def test_refusal_messages_show_control_characters_escaped(ws: Workspace):
    with pytest.raises(WorkspaceError) as caught:
        save(ws, "bad\x00name\n")
    assert str(caught.value) == (
        "dataset name 'bad\\x00name' contains control characters (tab, newline...)"
    )


SQL_WITH_TEXT = re.compile(r"""(?:execute|sql)\(\s*f["']""")


def test_sql_is_built_from_parameters_and_one_quoting_function():
    """Every f-string SQL statement in the workspace code quotes its identifier one way."""
    found = 0
    for path in (JOURNEY_IO / "store.py", JOURNEY_IO / "tables.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if SQL_WITH_TEXT.search(line):
                found += 1
                where = f"{path.name}:{number}"
                if line.strip().startswith('con.execute(f"COPY ({select}) TO {_text('):
                    continue  # export: `select` is checked below, the file name is a literal
                assert "quoted_table(" in line, f"{where} builds SQL from text: {line.strip()}"
                assert line.count("{") == line.count("quoted_table(") + line.count("{_VIEW}"), (
                    f"{where} interpolates something other than a quoted table: {line.strip()}"
                )
    # create, select and drop of our own uuid-named tables; streamed saves and exports; the
    # point read of score records by position
    assert found == 9
    export = (JOURNEY_IO / "tables.py").read_text(encoding="utf-8")
    assert 'parts = ", ".join(f"{_ident(s)} AS {_ident(n)}" for s, n in pairs)' in export
    assert 'select = f"SELECT {parts} FROM {quoted_table(table)}"' in export


# -- crash safety: a process killed in the middle of a settings change, rename or delete ---

DIE_BEFORE_COMMIT = """
import os, signal, sys
from pathlib import Path
from journey.io import store
from journey.schema import DatasetSettings

path, operation, how = Path(sys.argv[1]), sys.argv[2], sys.argv[3]


class DiesAtCommit:
    # The operation's statements all run; the process dies where COMMIT would be sent.
    def __init__(self, con):
        self._con = con

    def execute(self, sql, *args):
        if sql == "COMMIT":
            print("about to commit", flush=True)
            if how == "sigkill":
                os.kill(os.getpid(), signal.SIGKILL)
            os._exit(17)
        return self._con.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self._con, name)


ws = store.Workspace(path)
connect = store.Workspace._connect
store.Workspace._connect = lambda self: DiesAtCommit(connect(self))
if operation == "settings":
    ws.save_settings("Shop 2025", DatasetSettings(timezone="Asia/Jakarta", onboarding_days=7))
elif operation == "rename":
    ws.rename("Shop 2025", "Renamed")
elif operation == "delete":
    ws.delete("Shop 2025")
print("returned", flush=True)
"""


def save_three(ws: Workspace) -> None:
    save(ws, "Shop 2025")
    ws.save_model("Shop 2025", "nba", b"model")
    save(ws, "Other", tag="other")
    ws.save("Third", make_events("third", n=2), None, DatasetSettings(), {}, key="k3")


@pytest.mark.parametrize("how", ["exit", "sigkill"])
@pytest.mark.parametrize("operation", ["settings", "rename", "delete"])
def test_process_dying_mid_operation_keeps_every_dataset(ws: Workspace, operation: str, how: str):
    save_three(ws)
    before = snapshot(ws)
    child = subprocess.run(
        [sys.executable, "-c", DIE_BEFORE_COMMIT, str(ws.path), operation, how],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert child.stdout.splitlines() == ["about to commit"], child.stderr
    assert child.returncode == (17 if how == "exit" else -signal.SIGKILL)
    reopened = Workspace(ws.path)
    assert_same(before, snapshot(reopened))
    assert reopened.load_model("Shop 2025", "nba") == b"model"
    assert orphan_tables(ws.path) == set()


CHURN_FOREVER = """
import sys
from pathlib import Path
import numpy as np, pandas as pd
from journey.io import store
from journey.schema import DatasetSettings

ws = store.Workspace(Path(sys.argv[1]))
names = ["moving", "moved"]
settings = [DatasetSettings(timezone="UTC"), DatasetSettings(timezone="Asia/Jakarta")]
scratch = pd.DataFrame({"row": np.arange(130_000, dtype="int64")})  # over one row group
for i in range(100_000):
    step = i % 3
    if step == 0:
        ws.rename(names[i // 3 % 2], names[(i // 3 + 1) % 2])
    elif step == 1:
        ws.save_settings(names[(i // 3 + 1) % 2], settings[i // 3 % 2])
    else:
        if ws.exists("scratch"):
            ws.delete("scratch")
        ws.save("scratch", scratch, None, DatasetSettings(), {}, "s")
    print(i, flush=True)
"""


@pytest.mark.parametrize("steps_before_kill", [2, 4, 9])
def test_sigkill_during_renames_settings_and_deletes_leaves_whole_datasets(
    ws: Workspace, steps_before_kill: int
):
    save(ws, "keep", tag="keep")
    ws.save("moving", make_events("moving"), None, DatasetSettings(), {}, key="m")
    kept = snapshot(ws)["datasets"]["keep"]
    child = subprocess.Popen(
        [sys.executable, "-c", CHURN_FOREVER, str(ws.path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        for _ in range(steps_before_kill):
            assert child.stdout.readline() != "", "the child ended early"
        os.kill(child.pid, signal.SIGKILL)  # somewhere inside its next operation
    finally:
        child.kill()
        child.wait(timeout=60)
    reopened = Workspace(ws.path)
    after = snapshot(reopened)["datasets"]
    info, events, transcripts, settings = after["keep"]
    assert info == kept[0]
    assert_frame_equal(events, kept[1])
    assert_frame_equal(transcripts, kept[2])
    assert settings == kept[3]
    moved = [name for name in ("moving", "moved") if name in after]
    assert len(moved) == 1  # renamed or not, never both or neither
    assert_frame_equal(after[moved[0]][1], make_events("moving"))
    assert after[moved[0]][3].timezone in {"UTC", "Asia/Jakarta"}
    assert set(after) - {"keep", "moving", "moved"} <= {"scratch"}
    if "scratch" in after:
        assert after["scratch"][1]["row"].tolist() == list(range(130_000))
    assert orphan_tables(ws.path) == set()
