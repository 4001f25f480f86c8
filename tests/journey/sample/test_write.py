"""Tests of writing the sample: the committed bytes, and `main --out`."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from journey.sample.constants import EVENTS_FILE, SAMPLE_EVENT_COLUMNS
from journey.sample.write import main, write_sample
from tests.conftest import SAMPLE_DIR


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_regenerating_gives_the_committed_bytes(tmp_path: Path):
    written = write_sample(tmp_path)
    for name, path in written.items():
        committed = SAMPLE_DIR / path.name
        assert committed.exists(), f"{committed} missing: run python -m journey.sample"
        assert _sha(path) == _sha(committed), f"{name}: regenerate with python -m journey.sample"


def test_main_writes_to_the_out_folder(tmp_path: Path):
    out = tmp_path / "nested" / "sample"
    assert main(["--out", str(out)]) == 0
    frame = _read(out / EVENTS_FILE)
    assert list(frame.columns) == list(SAMPLE_EVENT_COLUMNS)
