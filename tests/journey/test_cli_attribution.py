"""`python -m journey attribution`: exit codes, columns, model names and values."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from journey.cli import main

ROOT = Path(__file__).resolve().parents[2]

# The main example of test_attribution.py as a user's CSV. Paths (30-day window):
#   a: Email > Display > Direct > Web (100)   b: Display > Display (50), then Email (none)
#   c: Email (none)   d: Social > Direct (20)   e: Direct (10)
CSV = """customer_id,timestamp,channel,touchpoint,event_type,conversion,revenue,campaign
a,2024-01-01,Email,Newsletter,click,false,0,Spring
a,2024-01-05,Display,Banner,impression,false,0,Spring
a,2024-01-09,Direct,Home,visit,false,0,
a,2024-01-10,Web,Checkout,purchase,true,100,Spring
b,2024-01-02,Display,Banner,impression,false,0,Winter
b,2024-01-03,Display,Video,purchase,true,50,Winter
b,2024-01-20,Email,Newsletter,click,false,0,Winter
c,2024-01-04,Email,Newsletter,click,false,0,Spring
d,2024-01-06,Social,Post,click,false,0,Winter
d,2024-01-07,Direct,Home,purchase,true,20,
e,2024-01-08,Direct,Home,purchase,true,10,
"""


@pytest.fixture
def events_csv(tmp_path: Path) -> Path:
    path = tmp_path / "events.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def test_attribution_writes_the_contract_columns(events_csv: Path, tmp_path: Path, capsys):
    out = tmp_path / "out" / "attribution.csv"
    code = main(["attribution", str(events_csv), "--models", "last,first", "--out", str(out)])
    assert code == 0
    assert "11 rows read, 11 accepted, 0 rejected" in capsys.readouterr().err
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines == [
        "channel,model,conversions,revenue,share",
        "Direct,last,2.0,30.0,0.5",
        "Display,last,1.0,50.0,0.25",
        "Web,last,1.0,100.0,0.25",
        "Email,last,0.0,0.0,0.0",
        "Social,last,0.0,0.0,0.0",
        "Direct,first,1.0,10.0,0.25",
        "Display,first,1.0,50.0,0.25",
        "Email,first,1.0,100.0,0.25",
        "Social,first,1.0,20.0,0.25",
        "Web,first,0.0,0.0,0.0",
    ]


def test_attribution_runs_every_model_by_default(events_csv: Path, tmp_path: Path):
    out = tmp_path / "all.csv"
    assert main(["attribution", str(events_csv), "--out", str(out)]) == 0
    result = pd.read_csv(out)
    assert list(result["model"].unique()) == [
        "first",
        "last",
        "last_non_direct",
        "linear",
        "time_decay",
        "position",
        "markov",
        "shapley",
    ]
    totals = result.groupby("model")[["conversions", "revenue", "share"]].sum()
    assert totals["conversions"].tolist() == pytest.approx([4.0] * 8)
    assert totals["revenue"].tolist() == pytest.approx([180.0] * 8)
    assert totals["share"].tolist() == pytest.approx([1.0] * 8)
    markov = result[result["model"] == "markov"].set_index("channel")["conversions"]
    # removal effects 3/4, 1/2, 1/4, 1/4, 1/4 (worked out in test_attribution.py)
    assert markov.to_dict() == pytest.approx(
        {"Direct": 1.5, "Display": 1.0, "Email": 0.5, "Social": 0.5, "Web": 0.5}
    )


def test_attribution_by_campaign_names_the_first_column_channel(events_csv: Path, tmp_path: Path):
    out = tmp_path / "campaign.csv"
    code = main(["attribution", str(events_csv), "--by", "campaign", "--models", "last"])
    assert code == 2  # --out is required: argparse usage error
    code = main(
        ["attribution", str(events_csv), "--by", "campaign", "--models", "last", "--out", str(out)]
    )
    assert code == 0
    result = pd.read_csv(out, keep_default_na=False)
    assert list(result.columns) == ["channel", "model", "conversions", "revenue", "share"]
    # last touches: a Spring (Web), b Winter (Video), d and e without campaign
    assert dict(zip(result["channel"], result["conversions"], strict=True)) == {
        "(not set)": 2.0,
        "Spring": 1.0,
        "Winter": 1.0,
    }


def test_attribution_window_days_zero_is_unlimited(tmp_path: Path):
    events = tmp_path / "long.csv"
    events.write_text(
        "customer_id,timestamp,channel,conversion,revenue\n"
        "a,2023-01-01,TV,false,0\n"
        "a,2024-01-01,Web,true,10\n",
        encoding="utf-8",
    )
    out = tmp_path / "first.csv"
    assert main(["attribution", str(events), "--models", "first", "--out", str(out)]) == 0
    assert pd.read_csv(out)["channel"].tolist() == ["Web"]  # TV is 365 days back
    assert (
        main(
            [
                "attribution",
                str(events),
                "--models",
                "first",
                "--window-days",
                "0",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert pd.read_csv(out)["channel"].tolist() == ["TV", "Web"]
    assert pd.read_csv(out)["conversions"].tolist() == [1.0, 0.0]


def test_attribution_options_reach_the_models(events_csv: Path, tmp_path: Path):
    out = tmp_path / "options.csv"
    code = main(
        [
            "attribution",
            str(events_csv),
            "--models",
            "position,last",
            "--position-weights",
            "0.3,0.6,0.1",
            "--exclude-channels",
            "Direct",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    result = pd.read_csv(out)
    last = result[result["model"] == "last"].set_index("channel")["conversions"]
    # without Direct: d ends at Social; e has no touch left and keeps (none)
    assert last.to_dict() == {
        "(none)": 1.0,
        "Display": 1.0,
        "Social": 1.0,
        "Web": 1.0,
        "Email": 0.0,
    }


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--models", "first,u_shape"], "unknown attribution model 'u_shape'"),
        (["--window-days", "-3"], "window_days"),
        (["--position-weights", "0.5,0.5,0.5"], "position weights"),
        (["--position-weights", "a,b,c"], "--position-weights"),
        (["--half-life-days", "0", "--models", "time_decay"], "half-life"),
    ],
)
def test_attribution_bad_options_exit_2(events_csv: Path, tmp_path: Path, capsys, option, message):
    out = tmp_path / "x.csv"
    code = main(["attribution", str(events_csv), *option, "--out", str(out)])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") or "rows read" in err
    assert message in err
    assert "Traceback" not in err


def test_attribution_as_a_module(events_csv: Path, tmp_path: Path):
    out = tmp_path / "module.csv"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "journey",
            "attribution",
            str(events_csv),
            "--models",
            "shapley",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "shapley: exact: per-coalition formula" in done.stderr
    result = pd.read_csv(out)
    # Shapley over sets {Email, Display, Direct, Web}, {Display}, {Social, Direct}, {Direct}
    assert dict(zip(result["channel"], result["conversions"], strict=True)) == pytest.approx(
        {"Direct": 1.75, "Display": 1.25, "Social": 0.5, "Email": 0.25, "Web": 0.25}
    )
