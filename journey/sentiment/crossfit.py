"""Score a dataset with a model trained on its own labels, without scoring a row by its label.

DESIGN.md: a `label` column inside the transcripts is never used to score its own rows. When
the app trains on a dataset's labelled transcripts and then scores that dataset, every text
that was in the training set is scored by a fold model that did not see it (cross-fitting);
every other text is scored by the model trained on all labels.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold

from journey.errors import ModelError
from journey.schema import LABEL, TEXT
from journey.sentiment.model import TranscriptSentiment
from journey.sentiment.turns import normalise_labels


def _key(texts: Sequence[str] | pd.Series) -> np.ndarray:
    """The form in which texts are matched to the training texts: stripped, as objects."""
    return pd.Series(texts, dtype="string").fillna("").str.strip().to_numpy(dtype=object)


class CrossFittedSentiment:
    """The full model for unseen texts, and for each training text the fold model without it."""

    def __init__(
        self,
        full: TranscriptSentiment,
        folds: list[TranscriptSentiment],
        fold_of_text: dict[str, int],
    ) -> None:
        self.full = full
        self.folds = folds
        self.fold_of_text = fold_of_text
        self.classes_ = full.classes_
        self.languages_ = getattr(full, "languages_", ())
        self.metrics_ = getattr(full, "metrics_", {})

    def fold_ids(self, texts: Sequence[str] | pd.Series) -> np.ndarray:
        """Fold index of each text that was trained on, else -1 (scored by the full model)."""
        keys = pd.Series(_key(texts))
        return keys.map(self.fold_of_text).fillna(-1).to_numpy(dtype=np.int64)

    def predict_proba(self, texts: Sequence[str] | pd.Series) -> np.ndarray:
        """Class probabilities, each text scored by a model that never saw its label."""
        values = list(texts)
        fold = self.fold_ids(values)
        out = np.zeros((len(values), len(self.classes_)))
        for index, model in [(-1, self.full), *enumerate(self.folds)]:
            rows = np.flatnonzero(fold == index)
            if len(rows) == 0:
                continue
            probs = model.predict_proba([values[i] for i in rows])
            # a fold model may lack a rare class: place its columns by class name
            for j, cls in enumerate(model.classes_):
                out[rows, list(self.classes_).index(cls)] = probs[:, j]
        return out


def cross_fit(
    full: TranscriptSentiment,
    texts: pd.Series,
    labels: pd.Series,
    n_splits: int = 5,
    random_state: int = 0,
) -> CrossFittedSentiment:
    """Train one fold model per split of the labelled texts, next to the full model."""
    frame = pd.DataFrame({TEXT: _key(texts), LABEL: normalise_labels(labels).to_numpy()})
    frame = frame[frame[LABEL].notna() & (frame[TEXT] != "")]
    # identical texts share a fold, so no copy of a text teaches the model that scores it
    distinct = frame.drop_duplicates(TEXT).reset_index(drop=True)
    smallest = int(distinct[LABEL].value_counts().min()) if len(distinct) else 0
    splits = min(n_splits, smallest)
    if splits < 2:
        raise ModelError(
            "cross-fitting needs at least two labelled texts of every sentiment it learns"
        )
    splitter = StratifiedKFold(n_splits=splits, shuffle=True, random_state=random_state)
    fold_of_text: dict[str, int] = {}
    folds: list[TranscriptSentiment] = []
    for index, (_train, test) in enumerate(splitter.split(distinct[TEXT], distinct[LABEL])):
        held_out = set(distinct[TEXT].iloc[test])
        fold_of_text.update(dict.fromkeys(held_out, index))
        train = frame[~frame[TEXT].isin(held_out)]
        folds.append(TranscriptSentiment(random_state=random_state).fit(train[TEXT], train[LABEL]))
    return CrossFittedSentiment(full, folds, fold_of_text)


def scoring_model(
    transcripts: pd.DataFrame, model: TranscriptSentiment
) -> CrossFittedSentiment | TranscriptSentiment:
    """The model to score `transcripts` with when `model` learned their own labels.

    With a `label` column, every labelled text is scored by a fold model that never saw it
    (`cross_fit`); without one, `model` scores everything as it is.
    """
    if LABEL not in transcripts:
        return model
    labelled = transcripts[transcripts[LABEL].notna()]
    return cross_fit(model, labelled[TEXT], labelled[LABEL])
