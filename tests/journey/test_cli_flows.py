"""`python -m journey phases | flows | funnel`: exit codes, files, columns and values."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from journey.cli import main

ROOT = Path(__file__).resolve().parents[2]

# The main example of tests/journey/query/examples.py, as a user's CSV in the canonical columns.
CSV = """customer_id,timestamp,channel,touchpoint,conversion,revenue,team
a,2024-01-01,Email,Newsletter,false,0,marketing
a,2024-01-01,Web,Home,false,0,product
a,2024-01-02,Web,Product,false,0,product
a,2024-01-03,Web,Cart,false,0,product
a,2024-01-04,Web,Checkout,true,50,product
b,2024-01-05,Social,Post,false,0,marketing
b,2024-01-06,Web,Home,false,0,product
b,2024-01-07,Web,Cart,false,0,product
c,2024-01-02,Email,Newsletter,false,0,marketing
d,2024-01-01,Web,Home,false,0,product
d,2024-01-02,Store,Till,true,50,sales
d,2024-01-10,Store,Till,true,50,sales
d,2024-01-12,Email,Newsletter,false,0,marketing
"""


@pytest.fixture
def events_csv(tmp_path: Path) -> Path:
    path = tmp_path / "events.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def test_flows_writes_transitions_and_steps(events_csv: Path, tmp_path: Path, capsys):
    out = tmp_path / "new" / "flows"
    code = main(
        [
            "flows",
            str(events_csv),
            "--by",
            "channel",
            "--steps",
            "4",
            "--end-nodes",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    assert "13 rows read, 13 accepted, 0 rejected" in capsys.readouterr().err
    transitions = (out / "transitions.csv").read_text(encoding="utf-8").splitlines()
    assert transitions == [
        "source,target,count,customers",
        "Start,Email,2,2",
        "Email,Converted,1,1",
        "Email,No conversion,1,1",
        "Email,Web,1,1",
        "Social,Web,1,1",
        "Start,Social,1,1",
        "Start,Web,1,1",
        "Store,Email,1,1",
        "Web,Converted,1,1",
        "Web,No conversion,1,1",
        "Web,Store,1,1",
    ]
    steps = (out / "steps.csv").read_text(encoding="utf-8").splitlines()
    assert steps == [
        "step,source,target,count",
        "1,Email,No conversion,1",
        "1,Email,Web,1",
        "1,Social,Web,1",
        "1,Web,Store,1",
        "2,No conversion,No conversion,1",
        "2,Store,Email,1",
        "2,Web,Converted,1",
        "2,Web,No conversion,1",
        "3,No conversion,No conversion,2",
        "3,Converted,Converted,1",
        "3,Email,Converted,1",
    ]


def test_flows_keep_repeats_and_top_k_report_folding(events_csv: Path, tmp_path: Path, capsys):
    out = tmp_path / "flows"
    args = ["flows", str(events_csv), "--steps", "3", "--keep-repeats", "--top-k", "2"]
    assert main([*args, "--out", str(out)]) == 0
    assert "folded 2 channel nodes (2 events) into 'Other', kept 2" in capsys.readouterr().err
    steps = pd.read_csv(out / "steps.csv")
    assert steps.to_numpy().tolist() == [
        [1, "Email", "No conversion", 1],
        [1, "Email", "Web", 1],
        [1, "Other", "Web", 1],
        [1, "Web", "Other", 1],
        [2, "Web", "Web", 2],
        [2, "No conversion", "No conversion", 1],
        [2, "Other", "Other", 1],  # d: Store Store, both folded
    ]
    transitions = pd.read_csv(out / "transitions.csv")
    assert list(transitions.columns) == ["source", "target", "count", "customers"]
    assert transitions["count"].sum() == 13 - 4  # events - customers, repeats kept


def test_flows_by_phase_assigns_phases(events_csv: Path, tmp_path: Path):
    out = tmp_path / "flows"
    assert main(["flows", str(events_csv), "--by", "phase", "--steps", "2", "--out", str(out)]) == 0
    steps = pd.read_csv(out / "steps.csv")
    assert steps.to_numpy().tolist() == [
        [1, "awareness", "No conversion", 2],  # b, c ("N" sorts before "o")
        [1, "awareness", "onboarding", 2],  # a, d
    ]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--steps", "1"], "at least 2 steps"),
        (["--top-k", "-1"], "top-K"),
    ],
)
def test_flows_bad_settings_exit_2(events_csv: Path, tmp_path: Path, capsys, extra, message):
    assert main(["flows", str(events_csv), *extra, "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "error:" in err
    assert message in err
    assert "Traceback" not in err


def test_flows_out_must_be_a_folder(events_csv: Path, tmp_path: Path, capsys):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x", encoding="utf-8")
    assert main(["flows", str(events_csv), "--out", str(blocker)]) == 2
    assert "is not a folder" in capsys.readouterr().err


def test_phases_writes_events_with_phase(events_csv: Path, tmp_path: Path):
    out = tmp_path / "phased.csv"
    assert main(["phases", str(events_csv), "--out", str(out)]) == 0
    phased = pd.read_csv(out)
    assert len(phased) == 13
    assert "phase_explicit" not in phased.columns
    assert (
        phased["phase"].tolist()
        == ["awareness"] * 4 + ["onboarding"] + ["awareness"] * 5 + ["onboarding"] * 3
    )
    assert main(["phases", str(events_csv), "--onboarding-days", "5", "--out", str(out)]) == 0
    assert pd.read_csv(out)["phase"].tolist()[-2:] == ["engagement", "engagement"]


def test_funnel_writes_one_row_per_stage(events_csv: Path, tmp_path: Path):
    out = tmp_path / "funnel.csv"
    assert (
        main(["funnel", str(events_csv), "--stages", "Home, Cart,Checkout", "--out", str(out)]) == 0
    )
    assert out.read_text(encoding="utf-8").splitlines() == [
        "stage,customers,conversion_rate,step_conversion_rate",
        "Home,3,0.75,0.75",
        "Cart,2,0.5,0.6666666666666666",
        "Checkout,1,0.25,0.5",
    ]
    assert (
        main(
            [
                "funnel",
                str(events_csv),
                "--stages",
                "Web,Store",
                "--by",
                "channel",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert pd.read_csv(out)["customers"].tolist() == [3, 1]


@pytest.mark.parametrize(
    ("stages", "message"),
    [("Hom,Cart", "Did you mean 'Home'?"), ("Home,,Cart", "a stage name is empty")],
)
def test_funnel_bad_stages_exit_2(events_csv: Path, tmp_path: Path, capsys, stages, message):
    assert (
        main(["funnel", str(events_csv), "--stages", stages, "--out", str(tmp_path / "f.csv")]) == 2
    )
    assert message in capsys.readouterr().err
    assert not (tmp_path / "f.csv").exists()


def test_strict_rejects_exit_2(tmp_path: Path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text(CSV + "e,not a date,Web,Home,false,0,product\n", encoding="utf-8")
    out = tmp_path / "f.csv"
    assert main(["funnel", str(path), "--stages", "Home", "--out", str(out)]) == 0
    assert main(["funnel", str(path), "--stages", "Home", "--strict", "--out", str(out)]) == 2
    assert "row 14" in capsys.readouterr().err


def test_module_entry_point_runs_flows(events_csv: Path, tmp_path: Path):
    out = tmp_path / "flows"
    done = subprocess.run(
        [sys.executable, "-m", "journey", "flows", str(events_csv), "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["steps.csv", "transitions.csv"]
    unknown = subprocess.run(
        [
            sys.executable,
            "-m",
            "journey",
            "flows",
            str(events_csv),
            "--by",
            "page",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert unknown.returncode == 2


def test_flows_label_touchpoints_named_like_generated_nodes(tmp_path: Path):
    # a: Other, Converted (converts); b: Converted (no conversion)
    path = tmp_path / "named.csv"
    path.write_text(
        "customer_id,timestamp,channel,touchpoint,conversion\n"
        "a,2024-01-01,Web,Other,false\n"
        "a,2024-01-02,Web,Converted,true\n"
        "b,2024-01-01,Web,Converted,false\n",
        encoding="utf-8",
    )
    out = tmp_path / "flows"
    args = ["flows", str(path), "--by", "touchpoint", "--steps", "2", "--end-nodes"]
    assert main([*args, "--out", str(out)]) == 0
    assert (out / "transitions.csv").read_text(encoding="utf-8").splitlines() == [
        "source,target,count,customers",
        "Converted (touchpoint),Converted,1,1",
        "Converted (touchpoint),No conversion,1,1",
        "Other (touchpoint),Converted (touchpoint),1,1",
        "Start,Converted (touchpoint),1,1",
        "Start,Other (touchpoint),1,1",
    ]
    assert (out / "steps.csv").read_text(encoding="utf-8").splitlines() == [
        "step,source,target,count",
        "1,Converted (touchpoint),No conversion,1",
        "1,Other (touchpoint),Converted (touchpoint),1",
    ]
