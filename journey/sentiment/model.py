"""The trainable transcript-sentiment model, its hashed n-gram features and shipped models.

A model scores every text in one of its `languages_`; other languages go to the English
lexicon scorer or to a model shipped in `journey/sentiment/models/` (see `score`).
`sentiment_score` is P(positive) - P(negative), in [-1, 1].
"""

from __future__ import annotations

import base64
import gzip
import json
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path
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
from journey.sentiment.language import detect_languages
from journey.sentiment.turns import NEGATIVE, POSITIVE, normalise_labels

# -- hashed n-gram features --------------------------------------------------------------------

_M64: Final = np.uint64
_BASE: Final = np.uint64(1_000_003)
_BASE_INV: Final = np.uint64(pow(1_000_003, -1, 2**64))
_SEP: Final = 0
_SPACE: Final = 32
_ASCII_WORD: Final = np.zeros(128, dtype=bool)
_ASCII_WORD[[ord(c) for c in "abcdefghijklmnopqrstuvwxyz0123456789_'"]] = True


_THREADS: Final = max(1, min(2, os.cpu_count() or 1))
_SPREAD: Final = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: 2^64 / golden ratio


def normalise_codepoints(texts: Sequence[str]) -> np.ndarray:
    """Return all texts as one code-point array: lowercased, digits as 0, spaced punctuation.

    Documents are joined by a 0 code point; each document is wrapped in single spaces,
    runs of white space become one space, and every character that is not a letter, digit,
    underscore or apostrophe stands alone between spaces ("bagus!" reads as "bagus !", as in
    the tokenised SmSA training text). Returns uint64 code points.
    """
    joined = "\x00".join(str(t).replace("\x00", " ") for t in texts).lower()
    c = np.frombuffer(joined.encode("utf-32-le", errors="surrogatepass"), dtype=np.uint32)
    c = np.where((c >= 48) & (c <= 57), np.uint32(48), c)
    white = (c == 9) | (c == 10) | (c == 11) | (c == 12) | (c == 13) | (c == 0xA0)
    c = np.where(white, np.uint32(_SPACE), c)
    word = np.where(c < 128, _ASCII_WORD[np.minimum(c, 127)], True)
    alone = (~word & (c != _SPACE)) | (c == _SEP)
    width = np.where(alone, 3, 1)
    out = np.full(int(width.sum()) + 2, _SPACE, dtype=np.uint64)
    out[1 + np.cumsum(width) - width + alone] = c
    keep = np.ones(len(out), dtype=bool)
    keep[1:] = ~((out[1:] == _SPACE) & (out[:-1] == _SPACE))
    return out[keep]


def iter_hashed_ngrams(
    texts: Sequence[str],
    char_ngrams: tuple[int, int] = (2, 5),
    word_ngrams: tuple[int, int] = (1, 2),
    n_features_log2: int = 18,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield (document, bucket) arrays for the character and word n-grams of the texts.

    Character n-grams run over the normalised text (`normalise_codepoints`), spaces included
    and never across documents; words are runs of non-space characters. An n-gram's 64-bit
    polynomial hash (base 1,000,003, modulo 2^64), xor a salt per n-gram kind, times the
    golden-ratio constant, keeps its top `n_features_log2` bits as the bucket: no vocabulary to
    store, and the same buckets from any language that computes the hash. Documents ascend
    within each yielded pair; one pair per n-gram kind.
    """
    c = normalise_codepoints(texts)
    is_sep = c == _SEP
    doc = np.cumsum(is_sep, dtype=np.int32)
    shift = np.uint64(64 - n_features_log2)
    lo, hi = char_ngrams
    if hi >= 1:
        sep_at = np.append(np.flatnonzero(is_sep), len(c))
        room = sep_at[doc] - np.arange(len(c))  # characters left before the next document
        room[is_sep] = 0
        h = c.copy()
        for n in range(1, hi + 1):
            if n > 1:
                h = h[:-1] * _BASE + c[n - 1 :]
            if n >= max(lo, 1):
                ok = room[: len(h)] >= n
                salt = np.uint64((n * 0x2545F4914F6CDD1D) % 2**64)
                yield doc[: len(h)][ok], ((h[ok] ^ salt) * _SPREAD) >> shift
    wlo, whi = word_ngrams
    if whi >= 1:
        start, word_hash = _word_hashes(c)
        word_doc = doc[start]
        if wlo <= 1:
            yield word_doc, ((word_hash ^ np.uint64(0xA5A5A5A5)) * _SPREAD) >> shift
        if whi >= 2 and len(start) > 1:
            same = word_doc[:-1] == word_doc[1:]
            pair = word_hash[:-1] * np.uint64(0x100000001B3) + word_hash[1:]
            yield word_doc[:-1][same], ((pair[same] ^ np.uint64(0x5BD1E995)) * _SPREAD) >> shift


def _word_hashes(c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # Substring hashes from prefix sums: with G[k] = sum_{i<k} c[i] * B^-(i+1) (mod 2^64),
    # hash(c[s:e]) = B^e * (G[e] - G[s]) = sum c[i] * B^(e-1-i): the polynomial hash of the
    # word, computed for all words at once (uint64 arithmetic wraps modulo 2^64).
    n = len(c)
    is_word = (c != _SPACE) & (c != _SEP)
    inv_pow = np.cumprod(np.full(n, _BASE_INV, dtype=np.uint64), dtype=np.uint64)
    g = np.concatenate([np.zeros(1, np.uint64), np.cumsum(c * inv_pow, dtype=np.uint64)])
    powers = np.concatenate(
        [np.ones(1, np.uint64), np.cumprod(np.full(n, _BASE, dtype=np.uint64), dtype=np.uint64)]
    )
    before = np.concatenate([[False], is_word[:-1]])
    after = np.concatenate([is_word[1:], [False]])
    starts = np.flatnonzero(is_word & ~before)
    ends = np.flatnonzero(is_word & ~after) + 1
    return starts, powers[ends] * (g[ends] - g[starts])


def ngram_counts(
    texts: Sequence[str],
    char_ngrams: tuple[int, int] = (2, 5),
    word_ngrams: tuple[int, int] = (1, 2),
    n_features_log2: int = 18,
) -> sp.csr_matrix:
    """Return the n-gram count matrix (texts x 2**n_features_log2) of `iter_hashed_ngrams`."""
    pairs = list(iter_hashed_ngrams(texts, char_ngrams, word_ngrams, n_features_log2))
    docs = np.concatenate([d for d, _ in pairs]) if pairs else np.zeros(0, np.int32)
    buckets = np.concatenate([b for _, b in pairs]) if pairs else np.zeros(0, np.uint64)
    matrix = sp.csr_matrix(
        (np.ones(len(docs), dtype=np.float64), (docs, buckets.astype(np.int64))),
        shape=(len(texts), 2**n_features_log2),
    )
    matrix.sum_duplicates()
    return matrix


# -- the model ---------------------------------------------------------------------------------


def _softmax(decision: np.ndarray) -> np.ndarray:
    """Probabilities from decision values: logistic for one column, softmax for several."""
    if decision.shape[1] == 1:
        p = 1.0 / (1.0 + np.exp(-decision[:, 0]))
        return np.column_stack([1.0 - p, p])
    decision = decision - decision.max(axis=1, keepdims=True)
    e = np.exp(decision)
    return e / e.sum(axis=1, keepdims=True)


class TranscriptSentiment(ClassifierMixin, BaseEstimator):
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

    def _bucket_weights(self) -> np.ndarray:
        # idf folded into the coefficients once: weight[bucket, class], float32 so that the
        # table (2^18 x 3) stays in the CPU cache while n-grams look their weights up.
        if getattr(self, "_weights", None) is None:
            folded = (self.coef_ * self.idf_[None, :]).T
            self._weights = np.ascontiguousarray(folded, dtype=np.float32)
        return self._weights

    def _decide_chunk(self, chunk: list[str]) -> np.ndarray:
        weights = self._bucket_weights()
        m = len(chunk)
        total = np.zeros(m)
        sums = np.zeros((m, weights.shape[1]))
        for docs, buckets in iter_hashed_ngrams(
            chunk, tuple(self.char_ngrams), tuple(self.word_ngrams), self.n_features_log2
        ):
            if not len(docs):
                continue
            # docs ascend: sum each document's n-gram weights in one reduceat pass
            counts = np.bincount(docs, minlength=m)
            present = np.flatnonzero(counts)
            starts = np.concatenate([[0], np.cumsum(counts)[:-1]])[present]
            gathered = weights.take(buckets.astype(np.intp), axis=0)
            sums[present] += np.add.reduceat(gathered, starts, axis=0, dtype=np.float64)
            total += counts
        return sums / np.sqrt(np.maximum(total, 1.0))[:, None]

    def decision_function(self, texts: Sequence[str] | pd.Series) -> np.ndarray:
        """Return the per-class decision values (texts x classes)."""
        check_is_fitted(self, "coef_")
        text_list = [str(t) for t in texts]
        self._bucket_weights()
        # Small chunks keep the n-gram arrays in the CPU cache; numpy releases the GIL, so
        # two threads use both cores.
        step = 256
        chunks = [text_list[i : i + step] for i in range(0, len(text_list), step)]
        with ThreadPoolExecutor(max_workers=_THREADS) as pool:
            parts = list(pool.map(self._decide_chunk, chunks))
        out = np.vstack(parts) if parts else np.zeros((0, len(self.intercept_)))
        return out + self.intercept_[None, :]

    def predict_proba(self, texts: Sequence[str] | pd.Series) -> np.ndarray:
        """Return class probabilities (texts x classes, in `classes_` order)."""
        check_is_fitted(self, "coef_")
        return _softmax(self.decision_function(texts))

    def predict(self, texts: Sequence[str] | pd.Series) -> np.ndarray:
        """Return the most probable label of each text."""
        check_is_fitted(self, "coef_")
        return self.classes_[self.predict_proba(texts).argmax(axis=1)]

    def sentiment_score(self, texts: Sequence[str] | pd.Series) -> np.ndarray:
        """Return P(positive) - P(negative) per text, in [-1, 1]."""
        check_is_fitted(self, "coef_")
        probs = self.predict_proba(texts)
        classes = list(self.classes_)
        pos = probs[:, classes.index(POSITIVE)] if POSITIVE in classes else 0.0
        neg = probs[:, classes.index(NEGATIVE)] if NEGATIVE in classes else 0.0
        return np.clip(pos - neg, -1.0, 1.0)

    def to_bytes(self, languages: Sequence[str] = (), metrics: dict | None = None) -> bytes:
        """Serialise the fitted model as gzipped JSON (portable: hash spec, idf, weights)."""
        check_is_fitted(self, "coef_")
        used = np.flatnonzero(self.idf_ > 0)
        coef = self.coef_[:, used].astype("<f4")
        document = {
            "format": MODEL_FORMAT,
            "params": {
                "char_ngrams": list(self.char_ngrams),
                "word_ngrams": list(self.word_ngrams),
                "n_features_log2": self.n_features_log2,
                "min_df": self.min_df,
                "C": self.C,
                "max_iter": self.max_iter,
                "random_state": self.random_state,
            },
            "classes": [str(c) for c in self.classes_],
            "languages": sorted(languages or getattr(self, "languages_", ())),
            "n_train": self.n_train_,
            "class_counts": self.class_counts_,
            "metrics": metrics or getattr(self, "metrics_", {}),
            "buckets": _b64(used.astype("<u4")),
            "idf": _b64(self.idf_[used].astype("<f4")),
            "coef": [_b64(row) for row in coef],
            "intercept": [float(v) for v in self.intercept_],
        }
        payload = json.dumps(document, sort_keys=True).encode("utf-8")
        return gzip.compress(payload, mtime=0)

    @classmethod
    def from_bytes(cls, data: bytes) -> TranscriptSentiment:
        """Load a model written by `to_bytes`."""
        try:
            document = json.loads(gzip.decompress(data).decode("utf-8"))
        except (OSError, EOFError, ValueError) as err:
            raise ModelError(f"not a Journey Atlas sentiment model: {err}") from err
        if not isinstance(document, dict) or document.get("format") != MODEL_FORMAT:
            raise ModelError("not a Journey Atlas sentiment model (format field missing)")
        params = document["params"]
        model = cls(
            char_ngrams=tuple(params["char_ngrams"]),
            word_ngrams=tuple(params["word_ngrams"]),
            n_features_log2=int(params["n_features_log2"]),
            min_df=int(params["min_df"]),
            C=float(params["C"]),
            max_iter=int(params["max_iter"]),
            random_state=params["random_state"],
        )
        size = 2**model.n_features_log2
        used = _unb64(document["buckets"], "<u4").astype(np.int64)
        model.idf_ = np.zeros(size)
        model.idf_[used] = _unb64(document["idf"], "<f4")
        model.coef_ = np.zeros((len(document["coef"]), size))
        for k, row in enumerate(document["coef"]):
            model.coef_[k, used] = _unb64(row, "<f4")
        model.intercept_ = np.asarray(document["intercept"], dtype=np.float64)
        model.classes_ = np.asarray(document["classes"], dtype=object)
        model.languages_ = tuple(document["languages"])
        model.n_train_ = int(document["n_train"])
        model.class_counts_ = dict(document["class_counts"])
        model.metrics_ = dict(document.get("metrics", {}))
        model._weights = None
        return model


# -- serialisation, shipped models, training -----------------------------------------------------

MODEL_FORMAT: Final = "journey-atlas/sentiment-model/1"
MODELS_DIR: Final = Path(__file__).resolve().parent / "models"


def _b64(array: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(array).tobytes()).decode("ascii")


def _unb64(text: str, dtype: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype=dtype).astype(np.float64)


@cache
def shipped_models() -> dict[str, TranscriptSentiment]:
    """Return the models shipped in journey/sentiment/models/, by language code."""
    models: dict[str, TranscriptSentiment] = {}
    for path in sorted(MODELS_DIR.glob("*.json.gz")):
        model = TranscriptSentiment.from_bytes(path.read_bytes())
        for language in model.languages_:
            models.setdefault(language, model)
    return models


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
