"""Transcript sentiment: language, speaker-aware scoring, a trainable model, drivers, journey.

Semantics (DESIGN.md, "Sentiment"):

- `language` is an ISO 639-1 code, or `und`. Each text is identified with py3langid's
  model (run here over whole batches at once, same probabilities as `py3langid.classify` with
  normalised probabilities) restricted to `LANGUAGES`, with the file's own language mix as a
  prior. A text with fewer than `MIN_LETTERS` letters, or whose best language is below
  `MIN_CONFIDENCE`, is too short to identify: it takes the predominant language of its
  conversation, else of the file, else `und`.
- Only English texts go to the English lexicon scorer (`journey.sentiment.lexicon`).
  Other languages go to a model for their language (one the user trained, or one shipped in
  `journey/sentiment/models/`),
  or are left `unscored` with the reason given in `unscored_reason`.
- `sentiment_score` is in [-1, 1] (a model's is P(positive) - P(negative)) and missing
  exactly when the label is `unscored`. Rows with empty text are kept and `unscored`.
- Transcripts are conversations. Turns come from a `speaker` column (one turn per row, grouped
  by `conversation_id`), or from "Agent:" / "Customer:" style prefixes inside a text. A row's
  score is its customer's: a row holding a whole conversation is scored on its customer turns
  only (agent politeness does not lift an angry call); a row that is one agent turn is
  scored as itself and marked `role` = agent.
"""

from __future__ import annotations

import base64
import gzip
import html
import json
import math
import os
import re
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final, Self

import numpy as np
import pandas as pd
import scipy.sparse as sp
from py3langid.langid import MODEL_FILE, LanguageIdentifier
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.feature_selection import chi2
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.utils.validation import check_is_fitted

from journey.errors import InputError, ModelError, unknown_column
from journey.schema import (
    AGENT,
    CHANNEL,
    CONVERSATION_ID,
    CONVERSION,
    CUSTOMER_ID,
    LABEL,
    LANGUAGE,
    PHASE,
    SENTIMENT_LABEL,
    SENTIMENT_LABELS,
    SENTIMENT_SCORE,
    SPEAKER,
    SUPPORT_KEYWORDS,
    TEAM,
    TEXT,
    TIMESTAMP,
    TOUCHPOINT,
    UNDETERMINED_LANGUAGE,
    UNSCORED,
    ProgressFn,
)
from journey.sentiment import lexicon

NEGATIVE, NEUTRAL, POSITIVE = SENTIMENT_LABELS
CUSTOMER: Final = "customer"
AGENT_ROLE: Final = "agent"
ROLE: Final = "role"
SCORER: Final = "scorer"
UNSCORED_REASON: Final = "unscored_reason"
CONVERSATION: Final = "conversation"
LEXICON_SCORER: Final = "lexicon"

# -- language identification -----------------------------------------------------------------

# Languages a text may be identified as: the world's larger languages in py3langid's model.
# Malay ("ms") and Javanese ("jv") are left out on purpose: short Indonesian texts are often
# taken for them, and Indonesian has a shipped model.
LANGUAGES: Final = (
    "af", "ar", "bg", "bn", "ca", "cs", "da", "de", "el", "en", "es", "et", "fa", "fi", "fr",
    "he", "hi", "hr", "hu", "id", "it", "ja", "ko", "lt", "lv", "nl", "no", "pl", "pt", "ro",
    "ru", "sk", "sl", "sv", "sw", "ta", "th", "tl", "tr", "uk", "ur", "vi", "zh",
)  # fmt: skip
MIN_LETTERS: Final = 12  # fewer letters than this: too short to identify
MIN_CONFIDENCE: Final = 0.5  # best language below this probability: not identified
MAX_LANGID_BYTES: Final = 500  # language is read from a text's first 500 bytes
_LANGID_CHUNK: Final = 8192


@dataclass(frozen=True)
class _LangModel:
    """py3langid's byte n-gram DFA and naive-Bayes tables, restricted to some languages."""

    nextmove: np.ndarray
    rowbase: np.ndarray
    output: np.ndarray
    ptc: np.ndarray
    pc: np.ndarray
    languages: tuple[str, ...]


@cache
def _lang_model(languages: tuple[str, ...]) -> _LangModel:
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(languages))
    if len(set(identifier.nb_classes)) != len(identifier.nb_classes):
        msg = f"languages {languages} include a script alias; list each language once"
        raise ValueError(msg)
    return _LangModel(
        nextmove=np.asarray(identifier.tk_nextmove, dtype=np.int64),
        rowbase=np.asarray(identifier.tk_row, dtype=np.int64) << 8,
        output=np.asarray(identifier.tk_output, dtype=np.int64),
        ptc=np.asarray(identifier.nb_ptc, dtype=np.float32),
        pc=np.asarray(identifier.nb_pc, dtype=np.float32),
        languages=tuple(identifier.nb_classes),
    )


def language_probabilities(
    texts: Sequence[str], languages: Sequence[str] = LANGUAGES
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Return py3langid's normalised probabilities per text (rows) and language (columns).

    The same model and arithmetic as `LanguageIdentifier.classify` with `norm_probs=True`,
    but the byte DFA walks every text of a batch in step, so a batch costs a few hundred
    numpy operations instead of a Python loop over every byte.
    """
    model = _lang_model(tuple(languages))
    series = pd.Series(list(texts), dtype="string").fillna("").str.normalize("NFC")
    upper = series.str.isupper().fillna(False).to_numpy(dtype=bool)
    series = series.where(~upper, series.str.lower())
    encoded = [s.encode("utf-8", errors="surrogatepass")[:MAX_LANGID_BYTES] for s in series]
    n = len(encoded)
    lengths = np.fromiter((len(b) for b in encoded), dtype=np.int64, count=n)
    probs = np.zeros((n, len(model.languages)), dtype=np.float64)
    order = np.argsort(-lengths, kind="stable")
    for start in range(0, n, _LANGID_CHUNK):
        idx = order[start : start + _LANGID_CHUNK]
        probs[idx] = _langid_chunk(model, [encoded[i] for i in idx], lengths[idx])
    return probs, model.languages


def _langid_chunk(model: _LangModel, encoded: list[bytes], lengths: np.ndarray) -> np.ndarray:
    # Texts arrive longest first, so the texts still being read at byte k are a prefix.
    n, width = len(encoded), int(lengths[0]) if len(lengths) else 0
    matrix = np.zeros((n, max(width, 1)), dtype=np.uint8)
    for i, data in enumerate(encoded):
        matrix[i, : len(data)] = np.frombuffer(data, dtype=np.uint8)
    # active[k]: how many texts are longer than k bytes (lengths are sorted descending)
    active = np.searchsorted(-lengths, -np.arange(width), side="left")
    state = np.zeros(n, dtype=np.int64)
    rows, feats = [], []
    for k in range(width):
        m = int(active[k])
        current = model.nextmove[model.rowbase[state[:m]] + matrix[:m, k]]
        state[:m] = current
        out = model.output[current]
        hit = out >= 0
        rows.append(np.flatnonzero(hit))
        feats.append(out[hit])
    scores = np.tile(model.pc, (n, 1)).astype(np.float32)
    if rows:
        r = np.concatenate(rows)
        f = np.concatenate(feats)
        counts = sp.csr_matrix(
            (np.ones(len(r), dtype=np.float32), (r, f)), shape=(n, model.ptc.shape[0])
        )
        counts.sum_duplicates()
        counts.data = np.log1p(counts.data)
        scores = (counts @ model.ptc).astype(np.float32) + model.pc
    # py3langid: scores / sqrt(bytes) then softmax; a featureless text gets uniform odds.
    has_features = np.zeros(n, dtype=bool)
    if rows:
        has_features[np.unique(np.concatenate(rows))] = True
    scores = np.where(has_features[:, None], scores, 0.0).astype(np.float32)
    scores *= (1.0 / np.sqrt(np.maximum(lengths, 1))).astype(np.float32)[:, None]
    scores = np.exp(scores - scores.max(axis=1, keepdims=True))
    return scores / scores.sum(axis=1, keepdims=True)


_LETTERS: Final = re.compile(r"[^\W\d_]+")


def _letter_counts(texts: pd.Series) -> np.ndarray:
    """Count each text's letters (word characters but digits and "_"), in one regex pass."""
    values = texts.astype("string").fillna("").tolist()
    if not values:
        return np.zeros(0, dtype=np.int64)
    joined = "\x00".join(values)
    if joined.count("\x00") != max(len(values) - 1, 0):  # a text holds the separator itself
        return texts.str.count(r"[^\W\d_]").fillna(0).to_numpy(dtype=np.int64)
    rest = _LETTERS.sub("", joined).split("\x00")
    return np.fromiter((len(v) - len(r) for v, r in zip(values, rest, strict=True)), np.int64)


def detect_languages(
    texts: pd.Series,
    groups: pd.Series | None = None,
    languages: Sequence[str] = LANGUAGES,
) -> pd.DataFrame:
    """Identify each text's language; short texts take their group's or the file's language.

    Args:
        texts: The texts (any index).
        groups: Optional conversation key per text (same index): the first fallback.
        languages: ISO 639-1 codes a text may be identified as.

    Returns:
        Columns language (ISO 639-1 or "und"), confidence (0..1 for identified texts, else
        NaN) and identified (bool: False when the language came from the group or file);
        same index as `texts`.
    """
    raw = texts.astype("string").fillna("")
    masked = lexicon.strip_masked(raw)
    letters = _letter_counts(masked)
    n = len(raw)
    codes = np.full(n, UNDETERMINED_LANGUAGE, dtype=object)
    confidence = np.full(n, np.nan)
    candidates = np.flatnonzero(letters >= MIN_LETTERS)
    if len(candidates):
        probs, names = language_probabilities(masked.iloc[candidates].tolist(), languages)
        first = probs.argmax(axis=1)
        sure = probs.max(axis=1) >= MIN_CONFIDENCE
        # The file's own language mix as a prior: one stray Dutch-looking English tweet in an
        # English file stays English unless the text itself is clearly Dutch.
        counts = np.bincount(first[sure], minlength=len(names)).astype(np.float64)
        prior = (counts + 1.0) / (counts.sum() + len(names))
        posterior = probs * prior
        posterior /= posterior.sum(axis=1, keepdims=True)
        best = posterior.argmax(axis=1)
        best_p = posterior.max(axis=1)
        ok = best_p >= MIN_CONFIDENCE
        codes[candidates[ok]] = np.asarray(names, dtype=object)[best[ok]]
        confidence[candidates[ok]] = best_p[ok]
    identified = codes != UNDETERMINED_LANGUAGE
    frame = pd.DataFrame(
        {LANGUAGE: codes, "confidence": confidence, "identified": identified}, index=raw.index
    )
    if identified.all() or not identified.any():
        return frame.astype({LANGUAGE: "string"})
    file_language = _predominant(pd.Series(codes[identified]), None)
    fallback = pd.Series(file_language, index=raw.index, dtype=object)
    if groups is not None:
        key = groups.reindex(raw.index).astype("string").fillna("")
        known = pd.DataFrame({"g": key[identified], "lang": codes[identified]})
        per_group = _predominant(known["lang"], known["g"])
        from_group = key.map(per_group)
        fallback = from_group.where(from_group.notna(), fallback)
    frame[LANGUAGE] = np.where(identified, codes, fallback.to_numpy(dtype=object))
    return frame.astype({LANGUAGE: "string"})


def _predominant(languages: pd.Series, groups: pd.Series | None) -> object:
    """Most frequent language (ties: alphabetical) overall, or per group as a Series."""
    if groups is None:
        counts = languages.value_counts()
        ranked = sorted(counts.items(), key=lambda item: (-item[1], str(item[0])))
        return ranked[0][0] if ranked else UNDETERMINED_LANGUAGE
    frame = pd.DataFrame({"g": groups.to_numpy(), "lang": languages.to_numpy()})
    counts = frame.groupby(["g", "lang"], sort=True).size().rename("n").reset_index()
    counts = counts.sort_values(["g", "n", "lang"], ascending=[True, False, True], kind="stable")
    return counts.drop_duplicates("g").set_index("g")["lang"]


# -- turns -------------------------------------------------------------------------------------

# Speaker names that mark the company's side of a conversation (compared lowercased).
AGENT_SPEAKERS: Final = frozenset(
    {
        "agent", "rep", "representative", "operator", "advisor", "adviser", "consultant",
        "support", "staff", "bot", "chatbot", "assistant", "virtual assistant", "cs", "csr",
        "employee", "system", "company", "service", "konsultan", "petugas", "admin", "cs agent",
        "konsultant", "konsultantka", "doradca", "pracownik", "obsługa", "obsluga", "asystent",
    }
)  # fmt: skip
CUSTOMER_SPEAKERS: Final = frozenset(
    {
        "customer", "caller", "client", "user", "visitor", "guest", "me", "pelanggan", "klien",
        "penelepon", "klient", "klientka", "rozmówca", "rozmowca",
    }
)  # fmt: skip
_NAMES = "|".join(
    re.escape(n) for n in sorted(AGENT_SPEAKERS | CUSTOMER_SPEAKERS, key=len, reverse=True)
)
_STARTS_WITH_TURN: Final = re.compile(rf"(?i)^\s*(?:{_NAMES})\s*:")
_TURN: Final = re.compile(
    rf"(?is)(?:^|(?<=\s))(?P<speaker>{_NAMES})\s*:\s*(?P<text>.*?)\s*"
    rf"(?=(?<=\s)(?:{_NAMES})\s*:|\Z)"
)


def speaker_roles(speakers: pd.Series, agents: pd.Series | None = None) -> pd.Series:
    """Map speaker names to "agent" or "customer" (agent names, or the row's agent value)."""
    name = speakers.astype("string").str.strip().str.lower().fillna("")
    is_agent = name.isin(AGENT_SPEAKERS)
    if agents is not None:
        agent_name = agents.reindex(speakers.index).astype("string").str.strip().str.lower()
        is_agent |= (name == agent_name).fillna(False) & (name != "")
    return pd.Series(np.where(is_agent, AGENT_ROLE, CUSTOMER), index=speakers.index)


def split_turns(transcripts: pd.DataFrame) -> pd.DataFrame:
    """Split transcripts into turns.

    Args:
        transcripts: Rows with `text`, and optionally `speaker`, `agent`, `conversation_id`.

    Returns:
        One row per turn: position (0-based row of `transcripts`), turn (0-based within the
        row), role ("customer" or "agent"), speaker and text; by position, then turn. A row
        with a `speaker` is one turn; a text opening with "Agent:"/"Customer:" style prefixes
        gives one turn per prefix; any other row is one customer turn.
    """
    text = transcripts[TEXT].astype("string").fillna("") if TEXT in transcripts else None
    if text is None:
        raise InputError("transcripts", None, TEXT, "no text column")
    positions = pd.RangeIndex(len(transcripts))
    text = pd.Series(text.to_numpy(), index=positions, dtype="string")
    speaker = None
    if SPEAKER in transcripts:
        speaker = pd.Series(transcripts[SPEAKER].to_numpy(), index=positions, dtype="string")
    agents = (
        pd.Series(transcripts[AGENT].to_numpy(), index=positions, dtype="string")
        if AGENT in transcripts
        else None
    )
    has_speaker = speaker.notna() & (speaker.str.strip() != "") if speaker is not None else None
    prefixed = text.str.contains(_STARTS_WITH_TURN, regex=True).fillna(False)
    if has_speaker is not None:
        prefixed &= ~has_speaker
    parts = []
    if prefixed.any():
        found = text[prefixed].str.extractall(_TURN)
        found = found.reset_index().rename(columns={"level_0": "position", "match": "turn"})
        found["role"] = speaker_roles(found["speaker"]).to_numpy()
        parts.append(found[["position", "turn", "role", "speaker", TEXT]])
    single = ~prefixed
    if single.any():
        rows = pd.DataFrame(
            {"position": positions[single.to_numpy()], "turn": 0, TEXT: text[single].to_numpy()}
        )
        if speaker is not None:
            spk = speaker[single].to_numpy()
            roles = speaker_roles(pd.Series(spk), None if agents is None else agents[single])
            rows["speaker"] = spk
            rows["role"] = np.where(pd.isna(spk), CUSTOMER, roles.to_numpy())
        else:
            rows["speaker"] = pd.NA
            rows["role"] = CUSTOMER
        parts.append(rows[["position", "turn", "role", "speaker", TEXT]])
    turns = pd.concat(parts, ignore_index=True) if parts else _empty_turns()
    turns = turns.astype(
        {"position": "int64", "turn": "int64", "role": "string", "speaker": "string"}
    )
    turns[TEXT] = turns[TEXT].astype("string").fillna("")
    return turns.sort_values(["position", "turn"], kind="stable", ignore_index=True)


def _empty_turns() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "position": pd.Series(dtype="int64"),
            "turn": pd.Series(dtype="int64"),
            "role": pd.Series(dtype="string"),
            "speaker": pd.Series(dtype="string"),
            TEXT: pd.Series(dtype="string"),
        }
    )


# -- the trainable model -----------------------------------------------------------------------

_LABEL_SYNONYMS: Final = {
    NEGATIVE: (
        "negative", "neg", "-1", "0", "bad", "negatif", "negatywny", "negatywna", "negatywne",
        "complaint", "angry", "unhappy",
    ),
    NEUTRAL: ("neutral", "neu", "neut", "netral", "neutralny", "neutralna", "neutralne", "mixed"),
    POSITIVE: (
        "positive", "pos", "1", "+1", "2", "good", "positif", "pozytywny", "pozytywna",
        "pozytywne", "happy",
    ),
}  # fmt: skip
_LABEL_MAP: Final = {syn: label for label, syns in _LABEL_SYNONYMS.items() for syn in syns}


def normalise_labels(labels: pd.Series, file: str = "labels") -> pd.Series:
    """Map label spellings (neg, positif, pozytywny, 1/0 ...) to negative/neutral/positive.

    Raises:
        InputError: naming the first row whose label is none of these.
    """
    raw = labels.astype("string").str.strip().str.lower()
    mapped = raw.map(lambda v: _LABEL_MAP.get(v) if isinstance(v, str) else None)
    bad = raw.notna() & (raw != "") & mapped.isna()
    if bad.any():
        first = int(np.flatnonzero(bad.to_numpy())[0])
        value = labels.iloc[first]
        raise InputError(
            file, first + 1, LABEL, f"label {value!r} is not negative, neutral or positive"
        )
    return pd.Series(mapped.to_numpy(), index=labels.index, dtype="string")


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
        C: float = 3.0,  # scikit-learn's name for the inverse regularisation
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
        counts = self._counts(text_list)
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        n = len(text_list)
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
        decision = self.decision_function(texts)
        if len(self.classes_) == 2:
            p = 1.0 / (1.0 + np.exp(-decision[:, 0]))
            return np.column_stack([1.0 - p, p])
        decision = decision - decision.max(axis=1, keepdims=True)
        e = np.exp(decision)
        return e / e.sum(axis=1, keepdims=True)

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


MODEL_FORMAT: Final = "journey-atlas/sentiment-model/1"
MODELS_DIR: Final = Path(__file__).resolve().parent / "models"


def _b64(array: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(array).tobytes()).decode("ascii")


def _unb64(text: str, dtype: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype=dtype).astype(np.float64)


@cache
def shipped_models() -> dict[str, TranscriptSentiment]:
    """Return the models shipped in journey/models/, by language code."""
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


# -- scoring -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoredTranscripts:
    """Scored transcripts at three grains: input rows, turns and conversations."""

    rows: pd.DataFrame
    turns: pd.DataFrame
    conversations: pd.DataFrame

    def unscored_reasons(self) -> pd.DataFrame:
        """Count unscored rows by reason (columns reason, rows), most frequent first."""
        reasons = self.rows.loc[self.rows[SENTIMENT_LABEL] == UNSCORED, UNSCORED_REASON]
        counts = reasons.value_counts().rename_axis("reason").reset_index(name="rows")
        return counts.sort_values(["rows", "reason"], ascending=[False, True], ignore_index=True)


def _conversation_keys(transcripts: pd.DataFrame, turns_per_row: pd.Series) -> pd.Series:
    """Key each row's conversation: conversation_id, else customer+day for speaker rows."""
    n = len(transcripts)
    own = pd.Series([f"row {i + 1}" for i in range(n)], dtype="string")
    key = own
    if SPEAKER in transcripts and CUSTOMER_ID in transcripts:
        customer = pd.Series(transcripts[CUSTOMER_ID].to_numpy(), dtype="string")
        day = (
            pd.Series(pd.to_datetime(transcripts[TIMESTAMP], utc=True).to_numpy())
            .dt.strftime("%Y-%m-%d")
            .astype("string")
            if TIMESTAMP in transcripts
            else pd.Series("", index=range(n), dtype="string")
        )
        speaker_rows = pd.Series(transcripts[SPEAKER].to_numpy(), dtype="string").notna()
        combined = ("customer " + customer + " " + day.fillna("")).str.strip()
        key = key.where(~(speaker_rows & customer.notna()).to_numpy(), combined)
    if CONVERSATION_ID in transcripts:
        conv = pd.Series(transcripts[CONVERSATION_ID].to_numpy(), dtype="string")
        key = key.where(conv.isna().to_numpy(), conv)
    return key.astype("string")


def score_transcripts(
    transcripts: pd.DataFrame,
    *,
    model: TranscriptSentiment | None = None,
    shipped: bool = True,
    brands: Sequence[str] | None = None,
    progress: ProgressFn | None = None,
) -> ScoredTranscripts:
    """Score transcripts per DESIGN.md's sentiment semantics.

    Args:
        transcripts: Rows with `text` (and optionally speaker, conversation_id, agent,
            customer_id, timestamp, channel, label). A `label` column is never read here.
        model: A trained model; it scores every text in one of its `languages_` (and texts of
            undetermined language), before the lexicon and the shipped models.
        shipped: Use the models shipped in journey/models/ for their languages.
        brands: Brand names masked before lexicon scoring; default: `lexicon.BRANDS` plus
            brands named by the data's @handles.
        progress: Called with a fraction and a message while scoring.

    Returns:
        `ScoredTranscripts`: rows (the input rows in order + conversation, role,
        sentiment_score, sentiment_label, language, scorer, unscored_reason), turns (one row
        per turn with the same score columns) and conversations (see
        `summarise_conversations`).
    """
    report = progress or (lambda _f, _m: None)
    report(0.0, "splitting turns")
    turns = split_turns(transcripts)
    n_rows = len(transcripts)
    keys = _conversation_keys(transcripts, turns.groupby("position").size())
    turns[CONVERSATION] = keys.iloc[turns["position"].to_numpy()].to_numpy()
    if brands is None:
        brands = lexicon.BRANDS + lexicon.brands_from_mentions(turns[TEXT])
    report(0.05, "identifying languages")
    # A row's language is read from its whole text (all turns), so short turns inherit it.
    row_text = pd.Series(transcripts[TEXT].astype("string").fillna("").to_numpy(), dtype="string")
    # Only texts with a colon can hold a turn prefix: the regex runs over those alone.
    colon = row_text.str.contains(":", regex=False).to_numpy(dtype=bool)
    if colon.any():
        row_text.loc[colon] = row_text[colon].str.replace(_TURN_PREFIX, " ", regex=True)
    row_lang = detect_languages(row_text, groups=keys)
    turns[LANGUAGE] = row_lang[LANGUAGE].to_numpy()[turns["position"].to_numpy()]
    report(0.2, "scoring")
    turn_scores, turn_labels, turn_scorer, turn_reason = _score_texts(
        turns[TEXT], turns[LANGUAGE], model, shipped, tuple(brands), report
    )
    turns[SENTIMENT_SCORE] = turn_scores
    turns[SENTIMENT_LABEL] = turn_labels
    turns[SCORER] = turn_scorer
    turns[UNSCORED_REASON] = turn_reason
    report(0.85, "combining turns")
    rows = _row_scores(transcripts, turns, row_lang, keys, model, shipped, tuple(brands))
    conversations = summarise_conversations(rows, turns)
    report(1.0, f"scored {n_rows} transcripts")
    return ScoredTranscripts(rows=rows, turns=turns, conversations=conversations)


_TURN_PREFIX: Final = re.compile(rf"(?i)(?:^|(?<=\s))(?:{_NAMES})\s*:")


def _score_texts(
    texts: pd.Series,
    languages: pd.Series,
    model: TranscriptSentiment | None,
    shipped: bool,
    brands: tuple[str, ...],
    report: ProgressFn,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Score texts by language; return score, label, scorer and unscored reason arrays."""
    n = len(texts)
    text = texts.astype("string").fillna("")
    lang = languages.astype("string").fillna(UNDETERMINED_LANGUAGE).to_numpy(dtype=object)
    scores = np.full(n, np.nan)
    labels = np.full(n, UNSCORED, dtype=object)
    scorer = np.full(n, "", dtype=object)
    reason = np.full(n, "", dtype=object)
    empty = (text.str.strip() == "").to_numpy(dtype=bool)
    pending = ~empty
    reason[empty] = "empty text"
    if model is not None:
        model_langs = set(getattr(model, "languages_", ())) | {UNDETERMINED_LANGUAGE}
        use = pending & np.isin(lang, list(model_langs))
        if use.any():
            _apply_model(model, "trained model", text, use, scores, labels, scorer)
            pending &= ~use
    english = pending & (lang == "en")
    if english.any():
        cs = lexicon.CustomerServiceScorer(brands=brands)
        idx = np.flatnonzero(english)
        step = 5000
        for start in range(0, len(idx), step):
            part = idx[start : start + step]
            values = cs.scores(text.iloc[part])
            scores[part] = values
            labels[part] = cs.labels(values)
            report(0.2 + 0.6 * min(1.0, (start + step) / len(idx)), "scoring English texts")
        scorer[english] = LEXICON_SCORER
        pending &= ~english
    if shipped and pending.any():
        for language, shipped_model in shipped_models().items():
            use = pending & (lang == language)
            if use.any():
                _apply_model(
                    shipped_model, f"shipped model ({language})", text, use, scores, labels, scorer
                )
                pending &= ~use
    undetermined = pending & (lang == UNDETERMINED_LANGUAGE)
    reason[undetermined] = "language undetermined (text too short)"
    other = pending & ~undetermined
    reason[other] = [f"no model for language '{code}'" for code in lang[other]]
    return scores, labels, scorer, reason


def _apply_model(
    model: TranscriptSentiment,
    name: str,
    text: pd.Series,
    use: np.ndarray,
    scores: np.ndarray,
    labels: np.ndarray,
    scorer: np.ndarray,
) -> None:
    """Score the rows selected by `use` with `model`, writing into the output arrays."""
    idx = np.flatnonzero(use)
    probs = model.predict_proba(text.iloc[idx].tolist())
    classes = list(model.classes_)
    pos = probs[:, classes.index(POSITIVE)] if POSITIVE in classes else 0.0
    neg = probs[:, classes.index(NEGATIVE)] if NEGATIVE in classes else 0.0
    scores[idx] = np.clip(pos - neg, -1.0, 1.0)
    labels[idx] = np.asarray(classes, dtype=object)[probs.argmax(axis=1)]
    scorer[idx] = name


def _row_scores(
    transcripts: pd.DataFrame,
    turns: pd.DataFrame,
    row_lang: pd.DataFrame,
    keys: pd.Series,
    model: TranscriptSentiment | None,
    shipped: bool,
    brands: tuple[str, ...],
) -> pd.DataFrame:
    """One score per input row: its own turn, or its customer turns read as one text."""
    n = len(transcripts)
    per_row = turns.groupby("position", sort=True).size().reindex(range(n), fill_value=0)
    multi = per_row.to_numpy() > 1
    rows = transcripts.reset_index(drop=True).copy()
    rows[CONVERSATION] = keys.to_numpy()
    first_turn = turns.drop_duplicates("position").set_index("position").reindex(range(n))
    role = first_turn["role"].astype("string").fillna(CUSTOMER).to_numpy(dtype=object)
    score = first_turn[SENTIMENT_SCORE].to_numpy(dtype=np.float64).copy()
    label = first_turn[SENTIMENT_LABEL].astype(object).fillna(UNSCORED).to_numpy(dtype=object)
    scorer = first_turn[SCORER].astype(object).fillna("").to_numpy(dtype=object)
    reason = first_turn[UNSCORED_REASON].astype(object).fillna("empty text")
    label, scorer, reason = label.copy(), scorer.copy(), reason.to_numpy(dtype=object).copy()
    role = role.copy()
    if multi.any():
        # A row holding a conversation is scored on its customer's turns, read as one text;
        # a conversation with no customer turn is scored on all of its turns.
        many = turns[turns["position"].isin(np.flatnonzero(multi))]
        has_customer = many.groupby("position")["role"].agg(lambda r: (r == CUSTOMER).any())
        chosen = many[(many["role"] == CUSTOMER) | ~many["position"].map(has_customer).astype(bool)]
        joined = chosen.groupby("position", sort=True)[TEXT].agg(lambda t: "\n".join(t))
        positions = joined.index.to_numpy()
        s, lab, sc, rs = _score_texts(
            joined.reset_index(drop=True),
            pd.Series(row_lang[LANGUAGE].to_numpy()[positions]),
            model,
            shipped,
            brands,
            lambda _f, _m: None,
        )
        score[positions], label[positions], scorer[positions], reason[positions] = s, lab, sc, rs
        role[positions] = CUSTOMER
    rows[ROLE] = pd.Series(role, dtype="string")
    rows[SENTIMENT_SCORE] = score
    rows[SENTIMENT_LABEL] = pd.Series(label, dtype="string")
    rows[LANGUAGE] = row_lang[LANGUAGE].to_numpy()
    rows[SCORER] = pd.Series(scorer, dtype="string")
    rows[UNSCORED_REASON] = pd.Series(reason, dtype="string")
    return rows


def summarise_conversations(rows: pd.DataFrame, turns: pd.DataFrame) -> pd.DataFrame:
    """Per conversation: customer and agent sentiment and the first->last customer change.

    Returns:
        Columns conversation, customer_id, channel, timestamp (first), n_customer_turns,
        n_agent_turns, customer_score (mean of scored customer turns), agent_score,
        first_customer_score, last_customer_score, change (last - first; missing with fewer
        than two scored customer turns), customer_label (customer_score banded by the lexicon
        thresholds); in order of each conversation's first row.
    """
    t = turns.assign(
        _order=turns["position"] * 10_000 + turns["turn"],
    )
    if TIMESTAMP in rows and len(turns):
        t["_ts"] = pd.to_datetime(rows[TIMESTAMP], utc=True).to_numpy()[turns["position"]]
    scored = t[t[SENTIMENT_SCORE].notna()]
    sort_keys = ["_ts", "_order"] if "_ts" in t else ["_order"]
    customer = scored[scored["role"] == CUSTOMER].sort_values(sort_keys, kind="stable")
    agent = scored[scored["role"] == AGENT_ROLE]
    counts = t.pivot_table(index=CONVERSATION, columns="role", values="turn", aggfunc="size")
    counts = counts.fillna(0).astype("int64")
    order = t.sort_values("_order", kind="stable")[CONVERSATION].drop_duplicates()
    out = pd.DataFrame(index=pd.Index(order.to_numpy(), name=CONVERSATION))
    out["n_customer_turns"] = counts.get(CUSTOMER, pd.Series(dtype="int64")).reindex(
        out.index, fill_value=0
    )
    out["n_agent_turns"] = counts.get(AGENT_ROLE, pd.Series(dtype="int64")).reindex(
        out.index, fill_value=0
    )
    by_conv = customer.groupby(CONVERSATION)[SENTIMENT_SCORE]
    out["customer_score"] = by_conv.mean()
    out["agent_score"] = agent.groupby(CONVERSATION)[SENTIMENT_SCORE].mean()
    out["first_customer_score"] = by_conv.first()
    out["last_customer_score"] = by_conv.last()
    n_scored = by_conv.size().reindex(out.index, fill_value=0)
    out["change"] = (out["last_customer_score"] - out["first_customer_score"]).where(n_scored >= 2)
    out["customer_label"] = np.where(
        out["customer_score"].isna(),
        UNSCORED,
        lexicon.label_scores(
            out["customer_score"].fillna(0.0).to_numpy(),
            lexicon.NEGATIVE_THRESHOLD,
            lexicon.POSITIVE_THRESHOLD,
        ),
    )
    info_cols = [c for c in (CUSTOMER_ID, CHANNEL, TIMESTAMP) if c in rows]
    if info_cols:
        info = rows[[CONVERSATION, *info_cols]]
        if TIMESTAMP in info:
            info = info.assign(**{TIMESTAMP: pd.to_datetime(info[TIMESTAMP], utc=True)})
            info = info.sort_values(TIMESTAMP, kind="stable", na_position="last")
        first = info.drop_duplicates(CONVERSATION).set_index(CONVERSATION)
        for column in info_cols:
            out[column] = first[column].reindex(out.index)
    out = out.reset_index()
    front = [CONVERSATION, *info_cols]
    return out[front + [c for c in out.columns if c not in front]]


# -- drivers, highlights and topics ------------------------------------------------------------

_TOKEN_PATTERN: Final = r"(?u)\b[^\W\d_][\w']+\b"  # noqa: S105 - a regex, not a secret


def _customer_rows(scored: pd.DataFrame) -> pd.DataFrame:
    keep = scored[SENTIMENT_LABEL].isin(SENTIMENT_LABELS)
    if ROLE in scored:
        keep &= scored[ROLE] == CUSTOMER
    return scored[keep]


def _customer_text(scored: pd.DataFrame) -> pd.Series:
    """The customer's words of each row (agent turns of a conversation row dropped)."""
    text = scored[TEXT].astype("string").fillna("")
    text = text.str.replace(
        rf"(?is)(?:^|(?<=\s))(?:{'|'.join(re.escape(n) for n in AGENT_SPEAKERS)})\s*:.*?"
        rf"(?=(?<=\s)(?:{_NAMES})\s*:|\Z)",
        " ",
        regex=True,
    ).str.replace(_TURN_PREFIX, " ", regex=True)
    return lexicon.mask_texts(text, ())


def sentiment_drivers(
    scored: pd.DataFrame, by: str | None = None, top_n: int = 10, min_df: int = 2
) -> pd.DataFrame:
    """Find the words and phrases that separate negative from positive customer texts.

    Args:
        scored: `ScoredTranscripts.rows` (optionally with a `by` column, e.g. channel).
        by: Group column (channel, phase ...): drivers are found within each group.
        top_n: Terms kept per group and direction.
        min_df: Minimum number of texts a term must appear in.

    Returns:
        Columns group, term, direction (negative/positive: where the term is more frequent),
        chi2, n_negative, n_positive (texts containing the term); by group, direction, chi2
        descending, then term.
    """
    columns = ["group", "term", "direction", "chi2", "n_negative", "n_positive"]
    rows = _customer_rows(scored)
    rows = rows[rows[SENTIMENT_LABEL].isin([NEGATIVE, POSITIVE])]
    if by is not None and by not in rows:
        return pd.DataFrame(columns=columns)
    groups = (
        [("all", rows)]
        if by is None
        else [(str(g), part) for g, part in rows.groupby(by, sort=True, dropna=True)]
    )
    parts = []
    for name, part in groups:
        y = (part[SENTIMENT_LABEL] == NEGATIVE).to_numpy()
        if y.all() or not y.any() or len(part) < 4:
            continue
        vectoriser = CountVectorizer(
            ngram_range=(1, 2), min_df=min_df, binary=True, token_pattern=_TOKEN_PATTERN,
            stop_words=list(_STOP_WORDS),
        )  # fmt: skip
        try:
            matrix = vectoriser.fit_transform(_customer_text(part))
        except ValueError:  # no term reaches min_df
            continue
        stat, _p = chi2(matrix, y)
        n_neg = np.asarray(matrix[y].sum(axis=0)).ravel()
        n_pos = np.asarray(matrix[~y].sum(axis=0)).ravel()
        rate_neg = n_neg / max(int(y.sum()), 1)
        rate_pos = n_pos / max(int((~y).sum()), 1)
        frame = pd.DataFrame(
            {
                "group": name,
                "term": vectoriser.get_feature_names_out(),
                "direction": np.where(rate_neg >= rate_pos, NEGATIVE, POSITIVE),
                "chi2": np.nan_to_num(stat),
                "n_negative": n_neg.astype("int64"),
                "n_positive": n_pos.astype("int64"),
            }
        )
        frame = frame.sort_values(
            ["direction", "chi2", "term"], ascending=[True, False, True], kind="stable"
        )
        parts.append(frame.groupby("direction", sort=True).head(top_n))
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)[columns]


_STOP_WORDS: Final = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "for",
        "from",
        "had",
        "has",
        "have",
        "he",
        "her",
        "his",
        "i",
        "i'm",
        "im",
        "in",
        "is",
        "it",
        "it's",
        "its",
        "me",
        "my",
        "of",
        "on",
        "or",
        "our",
        "she",
        "so",
        "that",
        "the",
        "their",
        "them",
        "they",
        "this",
        "to",
        "was",
        "we",
        "were",
        "what",
        "when",
        "which",
        "who",
        "will",
        "with",
        "you",
        "your",
        "yang",
        "dan",
        "di",
        "ke",
        "dari",
        "ini",
        "itu",
        "untuk",
        "dengan",
        "i",
        "w",
        "z",
        "na",
        "się",
        "nie",
        "to",
        "że",
        "do",
    ]
)


def highlight(text: str, terms: Sequence[str]) -> str:
    """Return `text` as escaped HTML with each case-insensitive match of `terms` in <mark>."""
    source = "" if text is None else str(text)
    patterns = [_term_pattern(t) for t in terms if t and str(t).strip()]
    spans: list[tuple[int, int]] = []
    for pattern in patterns:
        spans.extend(m.span() for m in pattern.finditer(source) if m.end() > m.start())
    spans.sort()
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, last = [], 0
    for start, end in merged:
        out.append(html.escape(source[last:start]))
        out.append(f"<mark>{html.escape(source[start:end])}</mark>")
        last = end
    out.append(html.escape(source[last:]))
    return "".join(out)


_PHRASE_SOURCES: Final = {token.strip(): pattern for pattern, token in lexicon.CS_PHRASES}


def _term_pattern(term: str) -> re.Pattern[str]:
    term = str(term).strip()
    words = [re.escape(w) for w in term.replace("_", " ").split()]
    plain = r"\s+".join(words)
    if term in _PHRASE_SOURCES:
        plain = f"{_PHRASE_SOURCES[term]}|{plain}"
    return re.compile(rf"(?i)(?<!\w)(?:{plain})(?!\w)")


def most_negative(
    scored: pd.DataFrame,
    n: int = 10,
    drivers: pd.DataFrame | None = None,
    brands: Sequence[str] = lexicon.BRANDS,
) -> pd.DataFrame:
    """Return the `n` most negative customer rows with the phrases behind them highlighted.

    Highlighted: the words and phrases the lexicon rates negative, and the negative driver
    terms (from `sentiment_drivers`) that occur in the text. Columns: position (0-based row),
    the row's customer_id/channel/timestamp when present, sentiment_score, text, terms
    (comma-separated) and html (escaped text with <mark>); by score, then position.
    """
    rows = _customer_rows(scored).assign(position=lambda f: np.arange(len(scored))[
        scored.index.get_indexer(f.index)])  # fmt: skip
    rows = rows[rows[SENTIMENT_SCORE] < 0]
    rows = rows.sort_values([SENTIMENT_SCORE, "position"], kind="stable").head(n)
    neg_terms = (
        drivers.loc[drivers["direction"] == NEGATIVE, "term"].astype(str).tolist()
        if drivers is not None and len(drivers)
        else []
    )
    scorer = lexicon.CustomerServiceScorer(brands=tuple(brands))
    customer_text = _customer_text(rows) if len(rows) else pd.Series(dtype="string")
    terms_col, html_col = [], []
    for text, own in zip(rows[TEXT].astype("string").fillna(""), customer_text, strict=True):
        found = scorer.negative_terms(str(own))
        lowered = str(own).lower()
        found += [t for t in neg_terms if t.lower() in lowered and t not in found]
        terms_col.append(", ".join(t.replace("_", " ") for t in found))
        html_col.append(highlight(str(text), found))
    keep = ["position", *[c for c in (CUSTOMER_ID, CHANNEL, TIMESTAMP) if c in rows]]
    out = rows[[*keep, SENTIMENT_SCORE, TEXT]].copy()
    out["terms"] = terms_col
    out["html"] = html_col
    return out.reset_index(drop=True)


def topic_groups(
    scored: pd.DataFrame, n_topics: int = 6, n_terms: int = 6, random_state: int = 0
) -> tuple[pd.DataFrame, pd.Series]:
    """Group customer texts into topics (NMF over TF-IDF) with size and mean sentiment.

    Returns:
        (topics, assignment). topics: columns topic (1..k), terms (top words, comma-separated),
        n, mean_score, share_negative; by n descending, then topic. assignment: the topic of
        each scored customer row (index of `scored`), 0 for a text with no topic words.
    """
    columns = ["topic", "terms", "n", "mean_score", "share_negative"]
    rows = _customer_rows(scored)
    empty = (pd.DataFrame(columns=columns), pd.Series(dtype="int64"))
    if len(rows) < 4:
        return empty
    vectoriser = TfidfVectorizer(
        min_df=2, max_df=0.8, token_pattern=_TOKEN_PATTERN, stop_words=list(_STOP_WORDS),
        sublinear_tf=True,
    )  # fmt: skip
    try:
        matrix = vectoriser.fit_transform(_customer_text(rows))
    except ValueError:
        return empty
    k = int(min(n_topics, matrix.shape[1], len(rows) - 1))
    if k < 1:
        return empty
    nmf = NMF(n_components=k, init="nndsvda", random_state=random_state, max_iter=400)
    weights = nmf.fit_transform(matrix)
    assignment = np.where(weights.max(axis=1) > 0, weights.argmax(axis=1) + 1, 0)
    names = vectoriser.get_feature_names_out()
    terms = [", ".join(names[np.argsort(-row)[:n_terms]]) for row in nmf.components_]
    frame = pd.DataFrame(
        {
            "topic": assignment,
            SENTIMENT_SCORE: rows[SENTIMENT_SCORE].to_numpy(),
            "neg": (rows[SENTIMENT_LABEL] == NEGATIVE).to_numpy(),
        }
    )
    frame = frame[frame["topic"] > 0]
    stats = frame.groupby("topic").agg(
        n=("topic", "size"), mean_score=(SENTIMENT_SCORE, "mean"), share_negative=("neg", "mean")
    )
    topics = pd.DataFrame({"topic": np.arange(1, k + 1), "terms": terms}).merge(
        stats.reset_index(), on="topic", how="left"
    )
    topics["n"] = topics["n"].fillna(0).astype("int64")
    topics = topics.sort_values(["n", "topic"], ascending=[False, True], ignore_index=True)
    return topics[columns], pd.Series(assignment, index=rows.index, name="topic")


# -- sentiment on the journey ------------------------------------------------------------------

MATCH: Final = "match"
SAME_DAY_SUPPORT: Final = "same-day support event"
PRECEDING: Final = "preceding event"
UNMATCHED: Final = "unmatched"


def link_to_events(scored: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Join each scored customer row to the journey event it belongs to.

    A transcript belongs to (1) the customer's support event (channel or touchpoint naming a
    support keyword, or the transcript's own channel) on the same UTC day, nearest in time;
    else (2) the customer's nearest event at or before the transcript; else it stays
    unmatched. Rows without customer_id or timestamp are unmatched.

    Returns:
        The customer rows of `scored` with event_channel, touchpoint, phase, team (those the
        events have), event_timestamp and match; in the order of `scored`.
    """
    rows = _customer_rows(scored).copy()
    rows["_pos"] = np.arange(len(rows))
    levels = [c for c in (CHANNEL, TOUCHPOINT, PHASE, TEAM) if c in events]
    out_cols = {CHANNEL: "event_channel"}
    if CUSTOMER_ID not in rows or TIMESTAMP not in rows or not len(events):
        for level in levels:
            rows[out_cols.get(level, level)] = pd.NA
        rows["event_timestamp"] = pd.NaT
        rows[MATCH] = UNMATCHED
        return rows.drop(columns="_pos")
    ts = pd.to_datetime(rows[TIMESTAMP], utc=True)
    left = pd.DataFrame(
        {"_pos": rows["_pos"].to_numpy(), "_cust": rows[CUSTOMER_ID].astype("string").to_numpy(),
         "_ts": ts.to_numpy(), "_tchannel": rows.get(CHANNEL, pd.Series(pd.NA, index=rows.index))
         .astype("string").str.lower().to_numpy()}
    )  # fmt: skip
    left["_cust"] = left["_cust"].astype("string")
    left["_tchannel"] = left["_tchannel"].astype("string")
    left = left[left["_cust"].notna() & left["_ts"].notna()]
    ev = events[[CUSTOMER_ID, TIMESTAMP, *levels]].copy()
    ev["_cust"] = ev[CUSTOMER_ID].astype("string")
    ev["_ets"] = pd.to_datetime(ev[TIMESTAMP], utc=True)
    ev = ev[ev["_cust"].notna() & ev["_ets"].notna()]
    unit = left["_ts"].dtype
    ev["_ets"] = ev["_ets"].astype(unit)
    ev = ev.sort_values("_ets", kind="stable")
    left = left.sort_values("_ts", kind="stable")
    joined_cols = [*levels, "_ets"]
    preceding = pd.merge_asof(
        left, ev[["_cust", "_ets", *levels]], left_on="_ts", right_on="_ets", by="_cust",
        direction="backward",
    )  # fmt: skip
    text_of = (
        ev.get(CHANNEL, pd.Series("", index=ev.index)).astype("string").str.lower().fillna("")
        + " "
        + ev.get(TOUCHPOINT, pd.Series("", index=ev.index)).astype("string").str.lower()
        .fillna("")
    )  # fmt: skip
    support = text_of.str.contains("|".join(re.escape(k) for k in SUPPORT_KEYWORDS), regex=True)
    support_ev = ev[support.to_numpy()]
    nearest = pd.merge_asof(
        left, support_ev[["_cust", "_ets", *levels]], left_on="_ts", right_on="_ets",
        by="_cust", direction="nearest",
    )  # fmt: skip
    same_day = nearest["_ets"].notna() & (
        nearest["_ets"].dt.floor("D") == nearest["_ts"].dt.floor("D")
    )
    # Events in the transcript's own channel on the same day count as support events too.
    if CHANNEL in ev:
        own = ev.assign(_ch=ev[CHANNEL].astype("string").str.lower())
        own_left = left.dropna(subset=["_tchannel"])
        if len(own_left):
            own_near = pd.merge_asof(
                own_left,
                own[["_cust", "_ch", "_ets", *levels]].rename(columns={"_ch": "_tchannel"}),
                left_on="_ts", right_on="_ets", by=["_cust", "_tchannel"], direction="nearest",
            )  # fmt: skip
            own_near = own_near.set_index("_pos")
            nearest = nearest.set_index("_pos")
            own_ok = own_near["_ets"].notna() & (
                own_near["_ets"].dt.floor("D") == own_near["_ts"].dt.floor("D")
            )
            use_own = own_ok.reindex(nearest.index, fill_value=False) & ~same_day.to_numpy()
            for column in joined_cols:
                nearest.loc[use_own, column] = own_near.loc[use_own[use_own].index, column]
            same_day = pd.Series(same_day.to_numpy(), index=nearest.index) | use_own
            nearest = nearest.reset_index()
            same_day = same_day.to_numpy()
    chosen = preceding.set_index("_pos")[joined_cols].copy()
    near = nearest.set_index("_pos")[joined_cols]
    mask = pd.Series(np.asarray(same_day), index=nearest["_pos"].to_numpy())
    chosen.loc[mask[mask].index, joined_cols] = near.loc[mask[mask].index, joined_cols]
    match = pd.Series(UNMATCHED, index=rows["_pos"].to_numpy(), dtype=object)
    match[chosen.index[chosen["_ets"].notna().to_numpy()]] = PRECEDING
    match[mask[mask].index] = SAME_DAY_SUPPORT
    chosen = chosen.reindex(rows["_pos"].to_numpy())
    for level in levels:
        rows[out_cols.get(level, level)] = chosen[level].to_numpy()
    rows["event_timestamp"] = chosen["_ets"].to_numpy()
    rows[MATCH] = match.to_numpy()
    return rows.drop(columns="_pos")


def sentiment_by(linked: pd.DataFrame, level: str) -> pd.DataFrame:
    """Mean score, share negative and counts of customer sentiment per value of `level`.

    Returns:
        Columns <level>, mean_score, share_negative, n, n_negative; by n descending, then level.
        Rows whose level is missing are grouped as "(unmatched)".
    """
    column = "event_channel" if level == CHANNEL and "event_channel" in linked else level
    frame = _customer_rows(linked)
    if column not in frame:
        return pd.DataFrame(columns=[level, "mean_score", "share_negative", "n", "n_negative"])
    key = frame[column].astype("string").fillna("(unmatched)")
    stats = (
        frame.assign(_k=key.to_numpy(), _neg=(frame[SENTIMENT_LABEL] == NEGATIVE).to_numpy())
        .groupby("_k", sort=True)
        .agg(
            mean_score=(SENTIMENT_SCORE, "mean"),
            share_negative=("_neg", "mean"),
            n=("_neg", "size"),
            n_negative=("_neg", "sum"),
        )
        .rename_axis(level)
        .reset_index()
    )
    stats["n_negative"] = stats["n_negative"].astype("int64")
    return stats.sort_values(["n", level], ascending=[False, True], ignore_index=True)


def weekly_sentiment(scored: pd.DataFrame) -> pd.DataFrame:
    """Customer sentiment per week (weeks start on Monday, UTC).

    Returns:
        Columns week (Monday, tz-aware), mean_score, share_negative, n; by week.
    """
    columns = ["week", "mean_score", "share_negative", "n"]
    frame = _customer_rows(scored)
    if TIMESTAMP not in frame:
        return pd.DataFrame(columns=columns)
    ts = pd.to_datetime(frame[TIMESTAMP], utc=True)
    frame = frame.assign(_ts=ts.to_numpy()).dropna(subset=["_ts"])
    if frame.empty:
        return pd.DataFrame(columns=columns)
    days = frame["_ts"].dt.floor("D")
    week = days - pd.to_timedelta(days.dt.day_of_week, unit="D")
    out = (
        frame.assign(week=week, _neg=(frame[SENTIMENT_LABEL] == NEGATIVE))
        .groupby("week", sort=True)
        .agg(mean_score=(SENTIMENT_SCORE, "mean"), share_negative=("_neg", "mean"),
             n=("_neg", "size"))
        .reset_index()
    )  # fmt: skip
    return out[columns]


def node_sentiment(events: pd.DataFrame, scored: pd.DataFrame, level: str) -> pd.DataFrame:
    """Mean customer sentiment per journey node (for colouring Sankey/network nodes).

    Returns:
        Columns node, mean_score, n (scored transcripts linked to the node); by node.
    """
    linked = link_to_events(scored, events)
    stats = sentiment_by(linked[linked[MATCH] != UNMATCHED], level)
    out = stats.rename(columns={level: "node"})[["node", "mean_score", "n"]]
    return out.sort_values("node", ignore_index=True)


def outcome_link(events: pd.DataFrame, scored: pd.DataFrame) -> pd.DataFrame:
    """Do customers whose last contact was negative buy again less often?

    For each customer with a scored transcript, the label of their last scored contact
    (latest timestamp; ties: last row) and whether they converted after it.

    Returns:
        One row per label of the last contact (negative, neutral, positive, in that order):
        last_contact, customers, bought_again, rate (bought_again / customers; NaN for 0).
    """
    frame = _customer_rows(scored)
    labels = list(SENTIMENT_LABELS)
    empty = pd.DataFrame(
        {"last_contact": labels, "customers": 0, "bought_again": 0, "rate": np.nan}
    )
    if CUSTOMER_ID not in frame or TIMESTAMP not in frame or CONVERSION not in events:
        return empty
    frame = frame.assign(
        _ts=pd.to_datetime(frame[TIMESTAMP], utc=True).to_numpy(), _pos=np.arange(len(frame))
    ).dropna(subset=["_ts", CUSTOMER_ID])
    if frame.empty:
        return empty
    last = frame.sort_values([CUSTOMER_ID, "_ts", "_pos"], kind="stable").drop_duplicates(
        CUSTOMER_ID, keep="last"
    )
    conv = events.loc[events[CONVERSION].astype(bool), [CUSTOMER_ID, TIMESTAMP]]
    conv = conv.assign(_cts=pd.to_datetime(conv[TIMESTAMP], utc=True))
    latest = conv.groupby(CUSTOMER_ID)["_cts"].max()
    after = last[CUSTOMER_ID].map(latest)
    bought = (after.notna() & (after > last["_ts"])).to_numpy()
    table = pd.DataFrame({"last_contact": last[SENTIMENT_LABEL].to_numpy(), "bought": bought})
    stats = table.groupby("last_contact").agg(
        customers=("bought", "size"), bought_again=("bought", "sum")
    )
    stats = stats.reindex(labels, fill_value=0).rename_axis("last_contact").reset_index()
    stats["customers"] = stats["customers"].astype("int64")
    stats["bought_again"] = stats["bought_again"].astype("int64")
    stats["rate"] = (stats["bought_again"] / stats["customers"].replace(0, np.nan)).astype(float)
    return stats


def scorer_metrics(labels: pd.Series, predicted: pd.Series) -> dict[str, float | int]:
    """Accuracy and macro-F1 (over the gold labels present) of predictions that were scored."""
    gold = normalise_labels(labels.reset_index(drop=True))
    pred = predicted.reset_index(drop=True).astype("string")
    keep = (gold.notna() & pred.isin(SENTIMENT_LABELS)).to_numpy()
    if not keep.any():
        return {"n": 0, "accuracy": math.nan, "macro_f1": math.nan}
    g, p = gold[keep].to_numpy(dtype=object), pred[keep].to_numpy(dtype=object)
    present = sorted(set(g))
    return {
        "n": int(keep.sum()),
        "accuracy": float(accuracy_score(g, p)),
        "macro_f1": float(f1_score(g, p, average="macro", labels=present, zero_division=0)),
    }


def labelled_columns(
    frame: pd.DataFrame, mapping: dict[str, str], file: str, *, need_label: bool = True
) -> tuple[pd.Series, pd.Series | None]:
    """Return the text and label columns named by `mapping` (canonical -> source).

    Raises:
        MappingError: the file has no text column, or no label column when `need_label`.
    """
    columns = [str(c) for c in frame.columns]
    needed = (TEXT, LABEL) if need_label else (TEXT,)
    for column in needed:
        if column not in mapping or mapping[column] not in frame:
            raise unknown_column(file, column, columns)
    label = frame[mapping[LABEL]] if LABEL in mapping and mapping[LABEL] in frame else None
    return frame[mapping[TEXT]], label


def subset(scored: ScoredTranscripts, rows: pd.Series) -> ScoredTranscripts:
    """Keep the scored rows whose source `row` number is in `rows` (e.g. the filtered scope).

    Scores stay as they were (each text was scored once for the whole dataset); turns follow
    their rows and the conversations are summarised again over what is left.
    """
    if ROW_COLUMN not in scored.rows:
        return scored
    keep = scored.rows[ROW_COLUMN].isin(pd.Series(rows).dropna().astype("int64")).to_numpy()
    positions = np.flatnonzero(keep)
    kept_rows = scored.rows[keep].reset_index(drop=True)
    turns = scored.turns[scored.turns["position"].isin(positions)].copy()
    turns["position"] = np.searchsorted(positions, turns["position"].to_numpy())
    turns = turns.reset_index(drop=True)
    return ScoredTranscripts(
        rows=kept_rows, turns=turns, conversations=summarise_conversations(kept_rows, turns)
    )


ROW_COLUMN: Final = "row"


def summary_figures(scored: ScoredTranscripts) -> dict[str, float | int]:
    """Headline numbers: rows, scored/unscored, customer and agent means, start->end change."""
    rows = scored.rows
    conv = scored.conversations
    customer = rows[(rows[ROLE] == CUSTOMER) & rows[SENTIMENT_SCORE].notna()]
    changes = conv["change"].dropna()
    return {
        "rows": len(rows),
        "scored": int(rows[SENTIMENT_SCORE].notna().sum()),
        "unscored": int(rows[SENTIMENT_SCORE].isna().sum()),
        "conversations": len(conv),
        "customer_mean": float(conv["customer_score"].mean()) if len(conv) else math.nan,
        "agent_mean": float(conv["agent_score"].mean()) if len(conv) else math.nan,
        "share_negative": float((customer[SENTIMENT_LABEL] == NEGATIVE).mean())
        if len(customer)
        else math.nan,
        "mean_change": float(changes.mean()) if len(changes) else math.nan,
        "share_improved": float((changes > 0).mean()) if len(changes) else math.nan,
        "n_changes": len(changes),
    }
