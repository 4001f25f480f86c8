"""Hashed n-gram sentiment models: features, prediction, serialisation, the shipped models.

Everything needed to score texts with a trained or shipped model, without scikit-learn: the
trainable `journey.sentiment.model.TranscriptSentiment` adds fitting on top of
`HashedSentiment`. Scoring (and the `sentiment` command) then never imports scikit-learn,
which takes about a second to import.
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

from journey.errors import ModelError
from journey.sentiment.turns import NEGATIVE, POSITIVE

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


class HashedSentiment:
    """A fitted hashed n-gram model's prediction side (see `TranscriptSentiment`)."""

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

    def _check_fitted(self) -> None:
        """Raise ModelError when the model holds no weights (not fitted or loaded)."""
        if not hasattr(self, "coef_"):
            raise ModelError("this sentiment model is not fitted yet")

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
        self._check_fitted()
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
        self._check_fitted()
        return _softmax(self.decision_function(texts))

    def predict(self, texts: Sequence[str] | pd.Series) -> np.ndarray:
        """Return the most probable label of each text."""
        self._check_fitted()
        return self.classes_[self.predict_proba(texts).argmax(axis=1)]

    def sentiment_score(self, texts: Sequence[str] | pd.Series) -> np.ndarray:
        """Return P(positive) - P(negative) per text, in [-1, 1]."""
        self._check_fitted()
        probs = self.predict_proba(texts)
        classes = list(self.classes_)
        pos = probs[:, classes.index(POSITIVE)] if POSITIVE in classes else 0.0
        neg = probs[:, classes.index(NEGATIVE)] if NEGATIVE in classes else 0.0
        return np.clip(pos - neg, -1.0, 1.0)

    def to_bytes(self, languages: Sequence[str] = (), metrics: dict | None = None) -> bytes:
        """Serialise the fitted model as gzipped JSON (portable: hash spec, idf, weights)."""
        self._check_fitted()
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
    def from_bytes(cls, data: bytes) -> Self:
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


# -- serialisation, shipped models --------------------------------------------------------------

# -- serialisation, shipped models, training -----------------------------------------------------

MODEL_FORMAT: Final = "journey-atlas/sentiment-model/1"
MODELS_DIR: Final = Path(__file__).resolve().parent / "models"


def _b64(array: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(array).tobytes()).decode("ascii")


def _unb64(text: str, dtype: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype=dtype).astype(np.float64)


@cache
def shipped_models() -> dict[str, HashedSentiment]:
    """Return the models shipped in journey/sentiment/models/, by language code."""
    models: dict[str, HashedSentiment] = {}
    for path in sorted(MODELS_DIR.glob("*.json.gz")):
        model = HashedSentiment.from_bytes(path.read_bytes())
        for language in model.languages_:
            models.setdefault(language, model)
    return models
