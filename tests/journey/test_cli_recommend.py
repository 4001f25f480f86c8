"""`python -m journey recommend EVENTS [--transcripts T] [--cutoff DATE] --out F`."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from journey.cli import main
from journey.recommend.rules import RULE_IDS
from tests.conftest import SAMPLE_DIR

pytestmark = pytest.mark.slow
HOSTILE = "=HYPERLINK(1)"


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The first 1,500 sample customers (one renamed to a formula), with their transcripts."""
    folder = tmp_path_factory.mktemp("recommend")
    events = pd.read_csv(SAMPLE_DIR / "events.csv", dtype=str, keep_default_na=False)
    talk = pd.read_csv(SAMPLE_DIR / "transcripts.csv", dtype=str, keep_default_na=False)
    keep = sorted(events["customer_id"].unique())[:1500]
    events = events[events["customer_id"].isin(keep)].replace({"customer_id": {keep[0]: HOSTILE}})
    talk = talk[talk["customer_id"].isin(keep)]
    events.to_csv(folder / "events.csv", index=False)
    talk.to_csv(folder / "transcripts.csv", index=False)
    return folder / "events.csv", folder / "transcripts.csv"


def test_one_row_per_customer_with_the_exact_columns(files, tmp_path: Path, capsys):
    events, transcripts = files
    out = tmp_path / "nba.csv"
    args = ["recommend", str(events), "--transcripts", str(transcripts), "--out", str(out)]
    assert main([*args, "--cutoff", "2025-07-01"]) == 0
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(table.columns) == ["customer_id", "action", "channel", "rule", "reason", "score"]
    assert table["customer_id"].is_unique
    assert set(table["rule"]) <= set(RULE_IDS)
    assert {"model", "service_first"} <= set(table["rule"])
    assert (table.loc[table["action"] == "none", "channel"] == "").all()
    assert table["reason"].str.len().gt(10).all()
    assert pd.to_numeric(table["score"]).notna().all()
    assert "'" + HOSTILE in set(table["customer_id"])  # formula cells neutralised
    assert "customers decided as of 2025-07-01" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("cutoff", "message"),
    [("soon", "--cutoff 'soon': not a date"), ("2025-01-10", "too little history")],
)
def test_bad_cutoffs_are_bad_input(files, tmp_path: Path, capsys, cutoff, message):
    events, _transcripts = files
    out = tmp_path / "nba.csv"
    assert main(["recommend", str(events), "--cutoff", cutoff, "--out", str(out)]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()
