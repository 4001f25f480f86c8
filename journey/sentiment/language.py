"""Language identification of transcripts, batched over py3langid's model.

DESIGN.md, "Sentiment": `language` is an ISO 639-1 code, or `und`. Each text is identified
with py3langid's model (run here over whole batches at once, same probabilities as
`py3langid.classify` with normalised probabilities) restricted to `LANGUAGES`, with the file's
own language mix as a prior. A text with fewer than `MIN_LETTERS` letters, or whose best
language is below `MIN_CONFIDENCE`, is too short to identify: it takes the predominant
language of its conversation, else of the file, else `und`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Final

import numpy as np
import pandas as pd
import scipy.sparse as sp
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from journey.schema import LANGUAGE, UNDETERMINED_LANGUAGE
from journey.sentiment import lexicon

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
    # Each distinct text is identified once (transcripts repeat greetings and bot lines); its
    # multiplicity weighs the file's language mix exactly as the repeats would.
    inverse, uniques = pd.factorize(raw.to_numpy(dtype=object))
    weights = np.bincount(inverse, minlength=len(uniques)).astype(np.float64)
    masked = lexicon.strip_masked(pd.Series(uniques, dtype="string"))
    unique_codes, unique_confidence = _identify(masked, languages, weights)
    codes, confidence = unique_codes[inverse], unique_confidence[inverse]
    identified = codes != UNDETERMINED_LANGUAGE
    frame = pd.DataFrame(
        {LANGUAGE: codes, "confidence": confidence, "identified": identified}, index=raw.index
    )
    if not identified.all() and identified.any():
        frame[LANGUAGE] = _fill_unidentified(codes, identified, raw.index, groups)
    return frame.astype({LANGUAGE: "string"})


def _identify(
    masked: pd.Series, languages: Sequence[str], weights: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Language code ("und" when unsure) and confidence (NaN when unsure) of each text.

    `weights` counts how often each text occurs in the file (default 1 each), for the prior.
    """
    letters = _letter_counts(masked)
    n = len(masked)
    codes = np.full(n, UNDETERMINED_LANGUAGE, dtype=object)
    confidence = np.full(n, np.nan)
    candidates = np.flatnonzero(letters >= MIN_LETTERS)
    if not len(candidates):
        return codes, confidence
    probs, names = language_probabilities(masked.iloc[candidates].tolist(), languages)
    first = probs.argmax(axis=1)
    sure = probs.max(axis=1) >= MIN_CONFIDENCE
    # The file's own language mix as a prior: one stray Dutch-looking English tweet in an
    # English file stays English unless the text itself is clearly Dutch.
    weight = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    counts = np.bincount(first[sure], weights=weight[candidates][sure], minlength=len(names))
    prior = (counts + 1.0) / (counts.sum() + len(names))
    posterior = probs * prior
    posterior /= posterior.sum(axis=1, keepdims=True)
    best = posterior.argmax(axis=1)
    best_p = posterior.max(axis=1)
    ok = best_p >= MIN_CONFIDENCE
    codes[candidates[ok]] = np.asarray(names, dtype=object)[best[ok]]
    confidence[candidates[ok]] = best_p[ok]
    return codes, confidence


def _fill_unidentified(
    codes: np.ndarray, identified: np.ndarray, index: pd.Index, groups: pd.Series | None
) -> np.ndarray:
    """Give each unidentified text its group's predominant language, else the file's."""
    file_language = _predominant(pd.Series(codes[identified]), None)
    fallback = pd.Series(file_language, index=index, dtype=object)
    if groups is not None:
        key = groups.reindex(index).astype("string").fillna("")
        known = pd.DataFrame({"g": key[identified], "lang": codes[identified]})
        per_group = _predominant(known["lang"], known["g"])
        from_group = key.map(per_group)
        fallback = from_group.where(from_group.notna(), fallback)
    return np.where(identified, codes, fallback.to_numpy(dtype=object))


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
