"""Scores stored once per dataset: the stored frame, its round trip, and the workspace."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from journey.errors import WorkspaceError
from journey.io.store import Workspace
from journey.schema import (
    CHANNEL,
    CUSTOMER_ID,
    LABEL,
    SENTIMENT_LABEL,
    SPEAKER,
    TEXT,
    TIMESTAMP,
    DatasetSettings,
)
from journey.sentiment import stored
from journey.sentiment.model import TranscriptSentiment
from journey.sentiment.score import score_transcripts
from tests.conftest import SAMPLE_DIR

FRAMES = ("rows", "turns", "conversations")


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return pd.read_csv(SAMPLE_DIR / "transcripts.csv")


@pytest.fixture(scope="module")
def sample_stored(sample: pd.DataFrame) -> pd.DataFrame:
    return stored.score_for_store(sample)


def _events() -> pd.DataFrame:
    return pd.DataFrame(
        {
            CUSTOMER_ID: ["C1"],
            TIMESTAMP: pd.to_datetime(["2025-01-01"], utc=True),
            CHANNEL: ["Web"],
        }
    )


def test_stored_scores_rebuild_the_scoring_of_the_sample(sample, sample_stored):
    expected = score_transcripts(sample.drop(columns=[LABEL]))
    rebuilt = stored.scored_from_store(sample, sample_stored)
    for name in FRAMES:
        assert_frame_equal(getattr(rebuilt, name), getattr(expected, name))


def test_the_stored_frame_keeps_a_turn_text_only_where_it_differs_from_its_row():
    transcripts = pd.DataFrame(
        {TEXT: ["Agent: hello there\nCustomer: my parcel is late, terrible", "thanks, great"]}
    )
    frame = stored.score_for_store(transcripts)
    # row 0: its record and two turns; row 1: its record and one turn (its own text)
    assert frame[stored.POSITION].tolist() == [0, 0, 0, 1, 1]
    assert frame[stored.TURN].tolist() == [-1, 0, 1, -1, 0]
    assert frame[TEXT].tolist()[:3] == [pd.NA, "hello there", "my parcel is late, terrible"]
    assert frame[TEXT].isna().tolist()[3:] == [True, True]
    # the row is its customer's: the angry turn, not the agent's greeting
    assert frame[SENTIMENT_LABEL].tolist()[0] == "negative"
    rebuilt = stored.scored_from_store(transcripts, frame)
    expected = score_transcripts(transcripts)
    for name in FRAMES:
        assert_frame_equal(getattr(rebuilt, name), getattr(expected, name))


def test_the_trained_scorer_cross_fits_the_datasets_own_labels():
    texts = [f"great lamp {i}" for i in range(8)] + [f"broken lamp {i}" for i in range(8)]
    labels = ["positive"] * 8 + ["negative"] * 8
    transcripts = pd.DataFrame({TEXT: texts, LABEL: labels})
    model = TranscriptSentiment(min_df=1, random_state=0).fit(texts, labels)
    frame = stored.score_for_store(transcripts, model, scorer=stored.TRAINED)
    rows = frame[frame[stored.TURN] == stored.ROW_RECORD]
    assert (rows[stored.SCORER] == "trained model").all()
    # each labelled text is scored by a fold model that never saw it: not the full model
    full = model.sentiment_score(texts)
    assert not np.allclose(rows["sentiment_score"].to_numpy(), full)


def test_score_for_store_refuses_a_model_without_the_trained_scorer():
    transcripts = pd.DataFrame({TEXT: ["fine"]})
    with pytest.raises(ValueError, match="trained scorer"):
        stored.score_for_store(transcripts, scorer=stored.TRAINED)
    with pytest.raises(ValueError, match="unknown scorer"):
        stored.score_for_store(transcripts, scorer="vader")


def test_scored_from_store_refuses_scores_of_other_transcripts(sample_stored):
    with pytest.raises(ValueError, match="cover 14703 rows, the transcripts 2"):
        stored.scored_from_store(pd.DataFrame({TEXT: ["a", "b"]}), sample_stored)


def test_model_key_names_a_model_by_its_bytes():
    assert stored.model_key(None) == ""
    assert stored.model_key(b"abc") == stored.model_key(b"abc") != stored.model_key(b"abd")
    assert len(stored.model_key(b"abc")) == 32


def test_the_workspace_keeps_scores_until_the_data_change(tmp_path: Path, sample, sample_stored):
    ws = Workspace(tmp_path / "w.duckdb")
    ws.save("shop", _events(), sample, DatasetSettings(), {}, key="k1")
    assert ws.scores("shop", "default") is None
    ws.save_scores("shop", "default", sample_stored)
    assert_frame_equal(ws.scores("shop", "default"), sample_stored)
    loaded = ws.load("shop").transcripts
    rebuilt = stored.scored_from_store(loaded, ws.scores("shop", "default"))
    expected = score_transcripts(sample.drop(columns=[LABEL]))
    assert_frame_equal(rebuilt.turns, expected.turns)
    # another scorer or model has no scores; a rename keeps them; new data drop them
    assert ws.scores("shop", "lexicon") is None
    assert ws.scores("shop", "default", model_key="m") is None
    ws.rename("shop", "store")
    assert ws.scores("store", "default") is not None
    ws.save("store", _events(), sample, DatasetSettings(), {}, key="k1", overwrite=True)
    assert ws.scores("store", "default") is not None  # same data (same key): still valid
    ws.save("store", _events(), sample.head(3), DatasetSettings(), {}, key="k2", overwrite=True)
    assert ws.scores("store", "default") is None
    with pytest.raises(WorkspaceError, match="no dataset named 'gone'"):
        ws.scores("gone", "default")


def test_saving_scores_again_replaces_them_and_delete_drops_their_table(tmp_path: Path):
    ws = Workspace(tmp_path / "w.duckdb")
    transcripts = pd.DataFrame({TEXT: ["my order is late", "thank you"], SPEAKER: ["c", "c"]})
    ws.save("s", _events(), transcripts, DatasetSettings(), {}, key="k")
    first = stored.score_for_store(transcripts)
    ws.save_scores("s", "default", first)
    ws.save_scores("s", "default", first.head(2))
    assert len(ws.scores("s", "default")) == 2
    ws.delete("s")
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    try:
        left = con.execute("SELECT count(*) FROM journey_scores").fetchone()[0]
        tables = con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'ja_scores_%'"
        ).fetchone()[0]
    finally:
        con.close()
    assert (left, tables) == (0, 0)


def test_scoring_never_imports_scikit_learn():
    """Scoring (the CLI, saving a dataset) reads models without scikit-learn (1 s to import)."""
    import subprocess
    import sys

    code = (
        "import sys, pandas as pd\n"
        "from journey.sentiment import stored\n"
        "from journey.sentiment.hashed import shipped_models\n"
        "stored.score_for_store(pd.DataFrame({'text': ['pelayanan buruk, saya kecewa']}))\n"
        "assert shipped_models(), 'no shipped model'\n"
        "print('sklearn' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "False"
