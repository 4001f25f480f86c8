"""The trainable model: held-out accuracy, serialisation, hashing, cross-validation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.exceptions import NotFittedError
from sklearn.metrics import log_loss
from sklearn.model_selection import StratifiedKFold

from journey.errors import ModelError
from journey.schema import (
    TEXT,
)
from journey.sentiment.hashed import _word_hashes
from journey.sentiment.model import (
    TranscriptSentiment,
    choose_c,
    compare_scorers,
    ngram_counts,
    normalise_codepoints,
    shipped_models,
)
from tests.conftest import SAMPLE_DIR


@pytest.fixture(scope="module")
def sample_labels() -> pd.DataFrame:
    transcripts = pd.read_csv(SAMPLE_DIR / "transcripts.csv", dtype="string")
    labelled = transcripts[transcripts["label"].notna()].reset_index(drop=True)
    return labelled[[TEXT, "label"]]


def test_trained_model_beats_the_majority_class_on_held_out_rows(sample_labels):
    rng = np.random.default_rng(0)
    test = rng.random(len(sample_labels)) < 0.25
    train, held_out = sample_labels[~test], sample_labels[test]
    model = TranscriptSentiment(random_state=0).fit(train[TEXT], train["label"])
    predicted = model.predict(held_out[TEXT])
    accuracy = float((predicted == held_out["label"].to_numpy()).mean())
    majority = float(held_out["label"].value_counts(normalize=True).max())
    assert accuracy > majority + 0.1


def test_model_round_trips_through_bytes_and_fast_path_equals_matrix_path(sample_labels):
    part = sample_labels.head(300)
    model = TranscriptSentiment(random_state=0).fit(part[TEXT], part["label"])
    texts = part[TEXT].head(40).tolist()
    matrix = model._features(model._counts(texts)) @ model.coef_.T + model.intercept_
    np.testing.assert_allclose(model.decision_function(texts), matrix, atol=1e-5)
    loaded = TranscriptSentiment.from_bytes(model.to_bytes(languages=["en"]))
    np.testing.assert_allclose(loaded.predict_proba(texts), model.predict_proba(texts), atol=1e-5)
    assert loaded.languages_ == ("en",)
    scores = loaded.sentiment_score(texts)
    assert np.all((scores >= -1) & (scores <= 1))


def test_untrained_model_and_bad_inputs_fail_clearly():
    with pytest.raises(NotFittedError):
        TranscriptSentiment().predict(["hello"])
    with pytest.raises(ModelError, match="two sentiments"):
        TranscriptSentiment().fit(["a", "b"], ["positive", "positive"])
    with pytest.raises(ModelError, match="not a Journey Atlas sentiment model"):
        TranscriptSentiment.from_bytes(b"not gzip")


def test_word_hashes_are_polynomial_hashes_and_documents_stay_apart():
    codes = normalise_codepoints(["Hi, you!"])
    assert "".join(chr(c) if c else "|" for c in codes) == " hi , you ! "
    _starts, hashes = _word_hashes(codes)
    # hash("hi") = 104 * 1000003 + 105, by hand
    assert int(hashes[0]) == 104 * 1_000_003 + 105
    together = ngram_counts(["good day", "bad"])
    apart = sp_vstack([ngram_counts(["good day"]), ngram_counts(["bad"])])
    assert (together != apart).nnz == 0


def sp_vstack(parts):
    return sp.vstack(parts).tocsr()


def test_compare_scorers_reports_model_and_lexicon_on_the_same_rows(sample_labels):
    part = sample_labels.head(400)
    metrics = compare_scorers(part[TEXT], part["label"], folds=3)
    assert metrics["n"] == 400
    assert metrics["folds"] == 3
    assert 0 < metrics["n_english"] <= 400
    for key in ("model_accuracy", "model_macro_f1", "lexicon_accuracy", "lexicon_macro_f1"):
        assert 0.0 <= metrics[key] <= 1.0


def test_choose_c_returns_the_lowest_cross_validated_log_loss(sample_labels):
    part = sample_labels.head(240).reset_index(drop=True)
    best, losses = choose_c(part[TEXT], part["label"], grid=(0.05, 1.0), folds=2)
    assert best == min(losses, key=losses.get)
    # the same folds fitted through the public text path give the same losses
    y = part["label"].to_numpy()
    splitter = StratifiedKFold(n_splits=2, shuffle=True, random_state=0)
    for c in (0.05, 1.0):
        expected = 0.0
        for train, test in splitter.split(np.zeros(len(y)), y):
            model = TranscriptSentiment(C=c).fit(part[TEXT].iloc[train], y[train])
            probs = model.predict_proba(part[TEXT].iloc[test])
            expected += log_loss(y[test], probs, labels=list(model.classes_)) * len(test) / len(y)
        assert losses[c] == pytest.approx(expected, rel=1e-4)
    with pytest.raises(ModelError, match="at least two labelled texts"):
        choose_c(pd.Series(["a", "b", "c"]), pd.Series(["positive", "positive", "negative"]))


def test_shipped_model_is_calibrated_and_not_saturated():
    model = shipped_models()["id"]
    assert model.metrics_["C"] == model.C
    assert model.metrics_["held_out_calibration_error"] < 0.05
    texts = ["pelayanan buruk, saya kecewa", "terima kasih, cepat sekali", "paket sudah sampai"]
    scores = model.sentiment_score(texts)
    assert scores[0] < 0 < scores[1]
    assert np.all(np.abs(scores) < 0.99)
