"""Sentiment scored once per dataset: the frame the workspace stores, and back.

`score_for_store` scores every transcript row once (with progress) and returns one frame that
`Workspace.save_scores` keeps next to the transcripts; `scored_from_store` rebuilds exactly the
`ScoredTranscripts` that `score_transcripts` gives, from the transcripts and that frame, so
pages read stored scores instead of scoring on every view.

The stored frame has one record per input row (`turn` = -1: the row's own score) and one per
turn (`turn` >= 0), columns `STORED_COLUMNS`. A turn's `text` is kept only where it differs
from its row's text (a row split at "Agent:" prefixes); otherwise it is empty and read from
the transcripts.
"""

from __future__ import annotations

import hashlib
from typing import Final

import numpy as np
import pandas as pd

from journey.schema import (
    LABEL,
    LANGUAGE,
    SENTIMENT_LABEL,
    SENTIMENT_SCORE,
    SPEAKER,
    TEXT,
    ProgressFn,
)
from journey.sentiment.hashed import HashedSentiment
from journey.sentiment.score import (
    CONVERSATION,
    SCORER,
    UNSCORED_REASON,
    ScoredTranscripts,
    score_transcripts,
    summarise_conversations,
)
from journey.sentiment.turns import ROLE

DEFAULT: Final = "default"  # the lexicon for English, shipped models for their languages
LEXICON: Final = "lexicon"  # the English lexicon only
TRAINED: Final = "trained"  # a model trained on the dataset's own labels (cross-fitted)
SCORERS: Final = (DEFAULT, LEXICON, TRAINED)
ROW_RECORD: Final = -1  # `turn` of a row's own record
POSITION: Final = "position"
TURN: Final = "turn"
_SCORE_COLUMNS: Final = (CONVERSATION, LANGUAGE, SENTIMENT_SCORE, SENTIMENT_LABEL, SCORER,
                         UNSCORED_REASON)  # fmt: skip
STORED_COLUMNS: Final = (POSITION, TURN, ROLE, SPEAKER, TEXT, *_SCORE_COLUMNS)
# dtypes as `score_transcripts` gives them (pandas "str": text with NaN for missing)
_ROW_DTYPES: Final = {CONVERSATION: "str", ROLE: "string", SENTIMENT_SCORE: "float64",
                      SENTIMENT_LABEL: "string", LANGUAGE: "str", SCORER: "string",
                      UNSCORED_REASON: "string"}  # fmt: skip
_TURN_DTYPES: Final = {POSITION: "int64", TURN: "int64", ROLE: "string", SPEAKER: "string",
                       TEXT: "string", CONVERSATION: "str", LANGUAGE: "str",
                       SENTIMENT_SCORE: "float64", SENTIMENT_LABEL: "str", SCORER: "str",
                       UNSCORED_REASON: "str"}  # fmt: skip


def model_key(model: bytes | None) -> str:
    """The key stored scores carry for a model: a digest of its bytes ("" for none)."""
    return "" if not model else hashlib.sha256(model).hexdigest()[:32]


def score_for_store(
    transcripts: pd.DataFrame,
    model: HashedSentiment | None = None,
    progress: ProgressFn | None = None,
    *,
    scorer: str = DEFAULT,
) -> pd.DataFrame:
    """Score every transcript row once and return the frame `Workspace.save_scores` stores.

    Args:
        transcripts: The dataset's transcripts, as stored (a `label` column is never read to
            score its own row).
        model: For `scorer` "trained": the model trained on these transcripts' labels; each
            labelled text is then scored by a fold model that never saw it (cross-fitting).
        progress: Called with a fraction and a message while scoring.
        scorer: "default" (lexicon + shipped models), "lexicon" or "trained".
    """
    if scorer not in SCORERS:
        raise ValueError(f"unknown scorer {scorer!r}; expected one of {', '.join(SCORERS)}")
    if (scorer == TRAINED) != (model is not None):
        raise ValueError("a model is needed for the trained scorer, and only for it")
    scoring_model = None
    if model is not None:
        from journey.sentiment import crossfit  # scikit-learn: only when a model was trained

        scoring_model = crossfit.scoring_model(transcripts, model)
    scored = score_transcripts(
        transcripts.drop(columns=[LABEL], errors="ignore"),
        model=scoring_model,  # type: ignore[arg-type]  # cross-fitted: the same interface
        shipped=scorer != LEXICON,
        progress=progress,
    )
    return to_stored(scored)


def to_stored(scored: ScoredTranscripts) -> pd.DataFrame:
    """The stored frame of a `score_transcripts` result (see the module docstring)."""
    rows, turns = scored.rows, scored.turns
    n = len(rows)
    row_part = pd.DataFrame({POSITION: np.arange(n, dtype="int64"), TURN: ROW_RECORD})
    row_part[ROLE] = rows[ROLE].to_numpy()
    row_part[SPEAKER] = pd.NA
    row_part[TEXT] = pd.NA
    row_text = rows[TEXT].astype("string").fillna("").to_numpy(dtype=object)
    same = turns[TEXT].to_numpy(dtype=object) == row_text[turns[POSITION].to_numpy()]
    turn_part = turns[[POSITION, TURN, ROLE, SPEAKER]].copy()
    turn_part[TEXT] = turns[TEXT].astype("string").where(~same)
    for column in _SCORE_COLUMNS:
        row_part[column] = rows[column].to_numpy()
        turn_part[column] = turns[column].to_numpy()
    out = pd.concat([row_part, turn_part], ignore_index=True)
    out = out.sort_values([POSITION, TURN], kind="stable", ignore_index=True)
    text_columns = [ROLE, SPEAKER, TEXT, CONVERSATION, LANGUAGE, SENTIMENT_LABEL, SCORER,
                    UNSCORED_REASON]  # fmt: skip
    return out.astype(
        {POSITION: "int64", TURN: "int64", SENTIMENT_SCORE: "float64"}
        | dict.fromkeys(text_columns, "string")
    )[list(STORED_COLUMNS)]


def scored_from_store(transcripts: pd.DataFrame, stored: pd.DataFrame) -> ScoredTranscripts:
    """Rebuild `score_transcripts`' result from the transcripts and their stored scores.

    As when scoring, the rows leave out a `label` column (it never scores its own row).
    """
    missing = [c for c in STORED_COLUMNS if c not in stored]
    if missing:
        raise ValueError(f"stored scores lack columns {missing}; score the dataset again")
    is_row = (stored[TURN] == ROW_RECORD).to_numpy()
    row_part = stored[is_row].sort_values(POSITION, kind="stable")
    if len(row_part) != len(transcripts):
        msg = f"stored scores cover {len(row_part)} rows, the transcripts {len(transcripts)}"
        raise ValueError(msg)
    rows = transcripts.drop(columns=[LABEL], errors="ignore").reset_index(drop=True)
    for column, dtype in _ROW_DTYPES.items():
        rows[column] = row_part[column].astype(dtype).reset_index(drop=True)
    turns = stored[~is_row].sort_values([POSITION, TURN], kind="stable", ignore_index=True)
    turns = turns.drop(columns=[TEXT]).assign(
        **{TEXT: turns[TEXT].astype("string")}  # keep the column order of split_turns
    )
    row_text = pd.Series(rows[TEXT].astype("string").fillna("").to_numpy(), dtype="string")
    own = row_text.iloc[turns[POSITION].to_numpy()].reset_index(drop=True)
    turns[TEXT] = turns[TEXT].fillna(own)
    order = [POSITION, TURN, ROLE, SPEAKER, TEXT, *_SCORE_COLUMNS]
    turns = turns[order].astype(_TURN_DTYPES)
    turns = turns[[POSITION, TURN, ROLE, SPEAKER, TEXT, CONVERSATION, LANGUAGE,
                   SENTIMENT_SCORE, SENTIMENT_LABEL, SCORER, UNSCORED_REASON]]  # fmt: skip
    return ScoredTranscripts(
        rows=rows, turns=turns, conversations=summarise_conversations(rows, turns)
    )


def scored_rows_from_store(
    transcripts: pd.DataFrame, positions: np.ndarray, stored: pd.DataFrame
) -> ScoredTranscripts:
    """`scored_from_store` of some transcript rows: those at file `positions` and their records.

    `transcripts` holds the rows at the ascending 0-based `positions` of the dataset's
    transcripts, `stored` the stored records of exactly those rows (a point read); the result
    equals the whole dataset's result subset to these rows.
    """
    at = np.asarray(positions, dtype="int64")
    if len(at) != len(transcripts) or (np.diff(at) <= 0).any():
        raise ValueError("positions must ascend and name every transcript row given")
    records = stored[POSITION].to_numpy(dtype="int64")
    index = np.searchsorted(at, records)
    inside = index < len(at)
    if not (inside.all() and (at[index[inside]] == records).all()):
        raise ValueError("stored records name rows that were not given")
    return scored_from_store(transcripts, stored.assign(**{POSITION: index}))
