"""`python -m journey report`: HTML and PPTX by extension, exit 2 on bad input."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "data" / "sample" / "events.csv"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "journey", "report", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
        env={**os.environ, **(env or {})},
    )


def test_report_writes_a_self_contained_html_file(small_files, tmp_path):
    events, transcripts = small_files
    out = tmp_path / "out" / "report.html"
    done = run(str(events), "--transcripts", str(transcripts), "--out", str(out))
    assert done.returncode == 0, done.stderr
    document = out.read_text(encoding="utf-8")
    assert document.startswith("<!DOCTYPE html>")
    assert 'id="section-sentiment"' in document
    # twelve days of data are too short to train the next best action model: left out, warned
    assert 'id="section-next_best_action"' not in document
    assert "warning: next best action left out: too little history" in done.stderr
    assert f"wrote {out}" in done.stderr
    assert "\r" not in done.stderr  # no progress bar when stderr is not a terminal


def test_report_writes_a_deck_and_warns_without_a_browser(small_files, tmp_path):
    events, _ = small_files
    out = tmp_path / "deck.pptx"
    done = run(
        str(events),
        "--sections",
        "funnel,network",
        "--out",
        str(out),
        env={"JOURNEY_CHROMIUM": str(tmp_path / "no-such-browser")},
    )
    assert done.returncode == 0, done.stderr
    assert "warning: chart images: JOURNEY_CHROMIUM=" in done.stderr
    deck = Presentation(io.BytesIO(out.read_bytes()))
    pictures = [
        s for slide in deck.slides for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE
    ]
    assert pictures == []
    assert any(s.shape_type == MSO_SHAPE_TYPE.TABLE for slide in deck.slides for s in slide.shapes)


def test_report_deck_has_pictures_with_the_browser(small_files, tmp_path):
    events, _ = small_files
    out = tmp_path / "deck.pptx"
    done = run(str(events), "--sections", "funnel", "--out", str(out))
    assert done.returncode == 0, done.stderr
    if "warning: chart images" in done.stderr:  # no Chromium on this machine
        return
    deck = Presentation(io.BytesIO(out.read_bytes()))
    kinds = [s.shape_type for slide in deck.slides for s in slide.shapes]
    assert kinds.count(MSO_SHAPE_TYPE.PICTURE) == 2  # funnel and drop-off charts


def test_bad_inputs_exit_2_with_an_error_line(small_files, tmp_path):
    events, _ = small_files
    wrong_format = run(str(events), "--out", str(tmp_path / "report.pdf"))
    assert wrong_format.returncode == 2
    assert wrong_format.stderr.strip().splitlines()[-1] == (
        f"error: --out {tmp_path / 'report.pdf'}: the file name must end in .html or .pptx"
    )
    unknown = run(str(events), "--sections", "funnel,bogus", "--out", str(tmp_path / "r.html"))
    assert unknown.returncode == 2
    assert "error: unknown report sections ['bogus']" in unknown.stderr
    missing = run(str(tmp_path / "missing.csv"), "--out", str(tmp_path / "r.html"))
    assert missing.returncode == 2
    assert missing.stderr.startswith("error: ")
    garbage = run(
        str(ROOT / "tests" / "fixtures" / "garbage.csv"), "--out", str(tmp_path / "g.html")
    )
    assert garbage.returncode == 2
    assert "error: " in garbage.stderr
    assert not (tmp_path / "r.html").exists()


def test_next_best_action_asked_for_on_too_short_data_exits_2(small_files, tmp_path):
    events, _ = small_files
    done = run(str(events), "--sections", "next_best_action", "--out", str(tmp_path / "r.html"))
    assert done.returncode == 2
    assert (
        done.stderr.strip()
        .splitlines()[-1]
        .startswith("error: next_best_action section: too little history before 2025-03-13")
    )
    assert not (tmp_path / "r.html").exists()


@pytest.mark.slow  # trains the propensity model twice on the sample (about 25 s)
def test_report_states_the_decisions_recommend_writes(tmp_path):
    out, csv = tmp_path / "report.html", tmp_path / "nba.csv"
    done = run(str(SAMPLE), "--sections", "funnel,next_best_action", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "next best action: 5,000 customers decided as of 2025-08-01" in done.stderr
    document = out.read_text(encoding="utf-8")
    assert 'id="section-next_best_action"' in document
    assert 'id="chart-next_best_action_mix"' in document
    recommended = subprocess.run(
        [sys.executable, "-m", "journey", "recommend", str(SAMPLE), "--out", str(csv)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert recommended.returncode == 0, recommended.stderr
    decisions = pd.read_csv(csv, keep_default_na=False)
    touched = int((decisions["action"] != "none").sum())
    top = decisions[decisions["action"] != "none"].value_counts(["action", "channel", "rule"])
    (action, channel, rule), n_top = top.index[0], int(top.iloc[0])
    assert (
        f"At the cut-off 2025-08-01, {touched:,} of {len(decisions):,} customers "
        f"({touched / len(decisions):.0%}) get a touch; the most common is {action} on "
        f"{channel} ({rule}, {n_top:,} customers)."
    ) in document
