"""Cross-fitting: a training text is scored by the fold model that did not see it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from journey.errors import ModelError
from journey.sentiment.crossfit import CrossFittedSentiment, cross_fit, scoring_model
from journey.sentiment.model import TranscriptSentiment

POSITIVE = [f"great quick friendly service number {i}" for i in range(6)]
NEGATIVE = [f"terrible slow rude service number {i}" for i in range(6)]
NEUTRAL = [f"my order arrived on day {i}" for i in range(6)]
TEXTS = pd.Series(POSITIVE + NEGATIVE + NEUTRAL)
LABELS = pd.Series(["positive"] * 6 + ["negative"] * 6 + ["neutral"] * 6)


@pytest.fixture(scope="module")
def fitted():
    full = TranscriptSentiment(random_state=0).fit(TEXTS, LABELS)
    return full, cross_fit(full, TEXTS, LABELS, n_splits=3)


def test_every_training_text_has_a_fold_and_unseen_texts_have_none(fitted):
    _full, model = fitted
    folds = model.fold_ids(TEXTS)
    assert sorted(np.bincount(folds).tolist()) == [6, 6, 6]
    assert model.fold_ids(
        ["a text nobody labelled", "  great quick friendly service number 0 "]
    ).tolist() == [-1, folds[0]]


def test_training_texts_are_scored_by_their_fold_model_and_others_by_the_full_one(fitted):
    full, model = fitted
    texts = [TEXTS[0], TEXTS[7], "the courier was friendly"]
    probs = model.predict_proba(texts)
    folds = model.fold_ids(texts)
    for row, (text, fold) in enumerate(zip(texts, folds, strict=True)):
        reference = full if fold == -1 else model.folds[fold]
        expected = reference.predict_proba([text])[0]
        order = [list(reference.classes_).index(c) for c in model.classes_]
        np.testing.assert_allclose(probs[row], expected[order])
    assert folds[2] == -1


def test_fold_models_never_saw_their_texts(fitted):
    _full, model = fitted
    folds = model.fold_ids(TEXTS)
    for index in range(len(model.folds)):
        held_out = set(TEXTS[folds == index])
        assert held_out  # each fold holds texts out
        assert len(held_out) == 6


def test_identical_texts_share_a_fold():
    texts = pd.Series([*TEXTS, TEXTS[0], TEXTS[0]])
    labels = pd.Series([*LABELS, "positive", "positive"])
    full = TranscriptSentiment(random_state=0).fit(texts, labels)
    model = cross_fit(full, texts, labels, n_splits=3)
    ids = model.fold_ids(texts)
    assert ids[0] == ids[-1] == ids[-2]


def test_too_few_labels_per_sentiment_is_a_clear_error():
    texts = pd.Series(["good", "bad", "bad again"])
    labels = pd.Series(["positive", "negative", "negative"])
    full = TranscriptSentiment(random_state=0).fit(texts, labels)
    with pytest.raises(ModelError, match="at least two labelled texts"):
        cross_fit(full, texts, labels)


def test_scoring_model_cross_fits_on_the_transcripts_own_labels(fitted):
    full, _model = fitted
    transcripts = pd.DataFrame({"text": [*TEXTS, "unlabelled text"], "label": [*LABELS, None]})
    chosen = scoring_model(transcripts, full)
    assert isinstance(chosen, CrossFittedSentiment)
    assert chosen.full is full
    assert len(chosen.folds) == 5  # the default: 6 texts of each sentiment allow 5 splits
    assert (chosen.fold_ids(TEXTS) >= 0).all()
    assert chosen.fold_ids(["unlabelled text"]).tolist() == [-1]


def test_scoring_model_without_labels_is_the_model_itself(fitted):
    full, _model = fitted
    assert scoring_model(pd.DataFrame({"text": ["anything"]}), full) is full
