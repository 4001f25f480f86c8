"""The trainable transcript-sentiment model, its hashed n-gram features and shipped models.

A model scores every text in one of its `languages_`; other languages go to the English
lexicon scorer or to a model shipped in `journey/sentiment/models/` (see `score`).
`sentiment_score` is P(positive) - P(negative), in [-1, 1].
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, Self

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, log_loss
from sklearn.model_selection import StratifiedKFold
from sklearn.utils.validation import check_is_fitted

from journey.errors import ModelError
from journey.schema import LABEL, LANGUAGE, TEXT, ProgressFn
from journey.sentiment import lexicon
from journey.sentiment.hashed import (
    MODEL_FORMAT,
    MODELS_DIR,
    HashedSentiment,
    _softmax,
    iter_hashed_ngrams,
    ngram_counts,
    normalise_codepoints,
    shipped_models,
)
from journey.sentiment.language import detect_languages
from journey.sentiment.turns import normalise_labels

__all__ = [
    "MODELS_DIR",
    "MODEL_FORMAT",
    "TranscriptSentiment",
    "choose_c",
    "compare_scorers",
    "iter_hashed_ngrams",
    "ngram_counts",
    "normalise_codepoints",
    "shipped_models",
    "train_model",
]


class TranscriptSentiment(ClassifierMixin, BaseEstimator, HashedSentiment):
    """Label transcripts negative, neutral or positive from labelled examples.

    Features are TF-IDF weights of hashed word (1-2) and character (2-5) n-grams, scaled by
    1/sqrt(number of n-grams in the text); a multinomial logistic regression reads them.
    Prediction sums per-n-gram weights straight from the hashes (no sparse matrix), which
    keeps scoring above 20,000 transcripts a second on two cores.
    """

    def __init__(
        self,
        char_ngrams: tuple[int, int] = (2, 5),
        word_ngrams: tuple[int, int] = (1, 2),
        n_features_log2: int = 18,
        min_df: int = 2,
        C: float = 1.0,  # scikit-learn's name for the inverse regularisation (see `choose_c`)
        max_iter: int = 2000,
        random_state: int | None = None,
    ) -> None:
        self.char_ngrams = char_ngrams
        self.word_ngrams = word_ngrams
        self.n_features_log2 = n_features_log2
        self.min_df = min_df
        self.C = C
        self.max_iter = max_iter
        self.random_state = random_state

    def _counts(self, texts: Sequence[str]) -> sp.csr_matrix:
        return ngram_counts(
            list(texts), tuple(self.char_ngrams), tuple(self.word_ngrams), self.n_features_log2
        )

    def _features(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        total = np.asarray(counts.sum(axis=1)).ravel()
        scale = 1.0 / np.sqrt(np.maximum(total, 1.0))
        return sp.diags(scale) @ counts @ sp.diags(self.idf_)

    def fit(self, texts: Sequence[str] | pd.Series, labels: Sequence[str] | pd.Series) -> Self:
        """Learn n-gram weights from labelled texts (labels: negative/neutral/positive)."""
        text_list = [str(t) for t in texts]
        y = np.asarray(normalise_labels(pd.Series(list(labels), dtype="string")), dtype=object)
        if len(text_list) != len(y):
            raise ModelError(f"{len(text_list)} texts but {len(y)} labels")
        known = pd.notna(y)
        if len(set(y[known])) < 2:
            raise ModelError("training needs labelled texts of at least two sentiments")
        text_list = [t for t, k in zip(text_list, known, strict=True) if k]
        y = y[known].astype(str)
        return self._fit_counts(self._counts(text_list), y)

    def _fit_counts(self, counts: sp.csr_matrix, y: np.ndarray) -> Self:
        """Fit on an n-gram count matrix (`ngram_counts`) and its string labels."""
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        n = counts.shape[0]
        idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
        idf[df < self.min_df] = 0.0
        self.idf_ = idf
        # Buckets under min_df are all-zero columns: fit on the used ones only (the optimum is
        # the same, their weights are zero), which makes small training sets fit in a second.
        used = np.flatnonzero(idf > 0)
        classifier = LogisticRegression(C=self.C, max_iter=self.max_iter)
        classifier.fit(self._features(counts)[:, used], y)
        self.classes_ = classifier.classes_
        self.coef_ = np.zeros((classifier.coef_.shape[0], counts.shape[1]))
        self.coef_[:, used] = classifier.coef_
        self.intercept_ = classifier.intercept_
        self.n_train_ = n
        self.class_counts_ = {
            str(k): int(v) for k, v in zip(*np.unique(y, return_counts=True), strict=True)
        }
        self._weights = None
        return self

    def _proba_counts(self, counts: sp.csr_matrix) -> np.ndarray:
        """Class probabilities from a count matrix (the slow path of `predict_proba`)."""
        decision = np.asarray(self._features(counts) @ self.coef_.T) + self.intercept_
        return _softmax(decision)

    def _check_fitted(self) -> None:
        """scikit-learn's NotFittedError when the model is not fitted."""
        check_is_fitted(self, "coef_")


def train_model(
    texts: pd.Series,
    labels: pd.Series,
    *,
    folds: int = 5,
    random_state: int = 0,
    progress: ProgressFn | None = None,
) -> TranscriptSentiment:
    """Fit a `TranscriptSentiment` on labelled texts and attach cross-validated metrics.

    The model's languages are those of at least 10% of the identified training texts.
    `metrics_` holds the model's and the lexicon scorer's accuracy and macro-F1 over the same
    held-out folds (the lexicon only on the English rows; see `compare_scorers`).
    """
    frame = pd.DataFrame(
        {TEXT: texts.astype("string").fillna("").to_numpy(), LABEL: labels.to_numpy()}
    )
    frame[LABEL] = normalise_labels(frame[LABEL])
    frame = frame[frame[LABEL].notna() & (frame[TEXT].str.strip() != "")]
    if frame[LABEL].nunique() < 2:
        raise ModelError("training needs labelled texts of at least two sentiments")
    if len(frame) < 10:
        raise ModelError(f"training needs at least 10 labelled texts, got {len(frame)}")
    metrics = compare_scorers(
        frame[TEXT], frame[LABEL], folds=folds, random_state=random_state, progress=progress
    )
    model = TranscriptSentiment(random_state=random_state).fit(frame[TEXT], frame[LABEL])
    languages = detect_languages(frame[TEXT].reset_index(drop=True))
    identified = languages.loc[languages["identified"], LANGUAGE]
    shares = identified.value_counts(normalize=True)
    model.languages_ = tuple(sorted(shares[shares >= 0.10].index.astype(str)))
    model.metrics_ = metrics
    if progress is not None:
        progress(1.0, "model trained")
    return model


C_GRID: Final = (0.1, 0.3, 1.0, 3.0)


def choose_c(
    texts: pd.Series,
    labels: pd.Series,
    *,
    grid: Sequence[float] = C_GRID,
    folds: int = 3,
    random_state: int = 0,
) -> tuple[float, dict[float, float]]:
    """Return the C with the lowest cross-validated log loss, and each C's mean log loss.

    Log loss rewards calibrated probabilities: a weakly regularised model that fits its
    training texts too closely says P = 0.999 where it is right 90% of the time, and its
    score P(positive) - P(negative) piles up at -1 and +1. Ties go to the smaller C.
    """
    y = normalise_labels(labels.reset_index(drop=True)).to_numpy(dtype=object)
    known = pd.notna(y)
    x = texts.astype("string").fillna("").reset_index(drop=True)[known]
    y = y[known].astype(str)
    k = int(min(folds, pd.Series(y).value_counts().min())) if len(y) else 0
    if k < 2 or len(set(y)) < 2:
        raise ModelError("choosing C needs at least two labelled texts of each sentiment")
    counts = TranscriptSentiment()._counts(x.tolist())
    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=random_state)
    losses = {float(c): 0.0 for c in grid}
    for train, test in splitter.split(np.zeros(len(y)), y):
        for c in losses:
            fold = TranscriptSentiment(C=c)._fit_counts(counts[train], y[train])
            probs = fold._proba_counts(counts[test])
            loss = log_loss(y[test], probs, labels=list(fold.classes_))
            losses[c] += loss * len(test) / len(y)
    best = min(losses, key=lambda c: (round(losses[c], 6), c))
    return best, losses


def compare_scorers(
    texts: pd.Series,
    labels: pd.Series,
    *,
    folds: int = 5,
    random_state: int = 0,
    progress: ProgressFn | None = None,
) -> dict[str, float | int]:
    """Cross-validate the model and score the same held-out rows with the lexicon scorer.

    Returns accuracy and macro-F1 of the model (`model_*`) over stratified folds (each row is
    predicted once, by a model that never saw it), of the lexicon scorer on the English rows
    among them (`lexicon_*`), and the counts behind them.
    """
    y = normalise_labels(labels.reset_index(drop=True)).to_numpy(dtype=object)
    x = texts.astype("string").fillna("").reset_index(drop=True)
    counts = pd.Series(y).value_counts()
    k = int(min(folds, counts.min())) if len(counts) else 0
    if k < 2:
        raise ModelError("cross-validation needs at least two labelled texts of each sentiment")
    predicted = np.empty(len(y), dtype=object)
    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=random_state)
    for i, (train, test) in enumerate(splitter.split(np.zeros(len(y)), y)):
        fold = TranscriptSentiment(random_state=random_state).fit(x.iloc[train], y[train])
        predicted[test] = fold.predict(x.iloc[test])
        if progress is not None:
            progress((i + 1) / (k + 1), f"cross-validation fold {i + 1} of {k}")
    labels_present = sorted(set(y))
    result: dict[str, float | int] = {
        "n": len(y),
        "folds": k,
        "model_accuracy": float(accuracy_score(y, predicted)),
        "model_macro_f1": float(
            f1_score(y, predicted, average="macro", labels=labels_present, zero_division=0)
        ),
        "majority_accuracy": float(counts.max() / len(y)),
    }
    english = detect_languages(x)[LANGUAGE].to_numpy() == "en"
    result["n_english"] = int(english.sum())
    if english.any():
        scorer = lexicon.CustomerServiceScorer()
        lex = scorer.labels(scorer.scores(x[english]))
        present = sorted(set(y[english]))
        result["lexicon_accuracy"] = float(accuracy_score(y[english], lex))
        result["lexicon_macro_f1"] = float(
            f1_score(y[english], lex, average="macro", labels=present, zero_division=0)
        )
        result["model_accuracy_english"] = float(accuracy_score(y[english], predicted[english]))
        result["model_macro_f1_english"] = float(
            f1_score(y[english], predicted[english], average="macro", labels=present,
                     zero_division=0)
        )  # fmt: skip
    return result
