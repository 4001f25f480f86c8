"""Text decoding: tell the encoding of text bytes and hand back UTF-8 without a BOM.

Handles BOMs, BOM-less UTF-16, legacy 8-bit code pages (cp1250 vs cp1252) and UTF-8 files
with a few stray legacy bytes, whose cells are then read via the code page and rejected.
Refuses binary data with a message saying what the file seems to be.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from journey.errors import InputError
from journey.schema import ROW

SAMPLE_BYTES: Final = 64 * 1024
SUPPORTED_TEXT: Final = "CSV/TSV text, Excel (.xlsx), Parquet, JSON or JSON Lines"
_BOMS: Final = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True)
class Decoded:
    """Text bytes re-encoded as UTF-8 (BOM removed), or raw bytes with stray non-UTF-8 bytes."""

    data: bytes
    encoding: str
    stray_codepage: str | None = None  # set when `data` is UTF-8 with a few legacy bytes


def decode(data: bytes, display: str) -> Decoded:
    """Detect the text encoding and return UTF-8 bytes without a BOM."""
    label = "utf-8"
    if data.startswith(codecs.BOM_UTF8):
        data, label = data[len(codecs.BOM_UTF8) :], "utf-8-sig"
    else:
        for bom, encoding in _BOMS:
            if data.startswith(bom):
                text = _decode_strict(data, encoding, display)
                _reject_binary(text[:SAMPLE_BYTES], display)
                return Decoded(text.encode("utf-8"), encoding)
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            text = _decode_strict(data, utf16, display)
            _reject_binary(text[:SAMPLE_BYTES], display)
            return Decoded(text.encode("utf-8"), utf16)
    _reject_binary(data[:SAMPLE_BYTES].decode("latin-1"), display)
    if data.isascii() or _is_utf8(data):
        return Decoded(data, label)
    text = data.decode("utf-8", "surrogateescape")
    n_invalid = len(_SURROGATES.findall(text))
    n_valid = len(_NON_ASCII.findall(text)) - n_invalid
    if n_valid > n_invalid or label == "utf-8-sig":
        # Mostly UTF-8 with a few stray legacy bytes: parsed cell by cell, those cells rejected.
        stray = "".join(_STRAY_WORDS.findall(text)).encode("utf-8", "surrogateescape")
        codepage = _guess_codepage(stray, display, guess=False)
        return Decoded(data, label, stray_codepage=codepage)
    codepage = _guess_codepage(data, display)
    return Decoded(_decode_strict(data, codepage, display).encode("utf-8"), codepage)


_SURROGATES: Final = re.compile("[\udc80-\udcff]")
_STRAY_WORDS: Final = re.compile("[A-Za-z]*[\udc80-\udcff]+[A-Za-z]*[\x00-\x7f]?")
_NON_ASCII: Final = re.compile("[^\x00-\x7f]")


def _decode_strict(data: bytes, encoding: str, display: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        raise InputError(
            display,
            None,
            None,
            f"not valid {encoding} text: byte {data[err.start : err.start + 1]!r} at offset "
            f"{err.start} ({err.reason})",
        ) from None


def _is_utf8(data: bytes) -> bool:
    """Check UTF-8 validity in chunks, so a large file is never held twice as str."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    step = 16 * 1024 * 1024
    try:
        for start in range(0, len(data), step):
            decoder.decode(data[start : start + step], final=start + step >= len(data))
    except UnicodeDecodeError:
        return False
    return True


def _utf16_without_bom(data: bytes) -> str | None:
    """Recognise BOM-less UTF-16 by the zero byte in every other position of ASCII text."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    sample = sample[: len(sample) // 2 * 2]
    even = np.frombuffer(sample[0::2], dtype=np.uint8)
    odd = np.frombuffer(sample[1::2], dtype=np.uint8)
    if (odd == 0).mean() > 0.9 and (even == 0).mean() < 0.1:
        return "utf-16-le"
    if (even == 0).mean() > 0.9 and (odd == 0).mean() < 0.1:
        return "utf-16-be"
    return None


_CONTROL: Final = re.compile("[\x00-\x08\x0e-\x1f\x7f]")


def _reject_binary(sample: str, display: str) -> None:
    """Refuse data that is not text: control characters make up over 1% of the start."""
    if not sample:
        return
    hits = _CONTROL.findall(sample)
    if len(hits) > max(1, len(sample) // 100) or "\x00" in sample[:16]:
        first = _CONTROL.search(sample)
        where = first.start() if first else 0
        raise InputError(
            display,
            None,
            None,
            f"this is binary data, not text (control byte 0x{ord(sample[where]):02x} at offset "
            f"{where}): upload {SUPPORTED_TEXT}",
        )


def _letter_weights(encoding: str) -> np.ndarray:
    """Score each byte 0x80-0xFF as decoded in `encoding`: letter 1, other 0, undefined -10."""
    weights = np.zeros(256)
    for byte in range(0x80, 0x100):
        try:
            char = bytes([byte]).decode(encoding)
        except UnicodeDecodeError:
            weights[byte] = -10.0
            continue
        category = unicodedata.category(char)
        if category.startswith("L"):
            weights[byte] = 1.0
        elif category == "Cc":
            weights[byte] = -10.0
    return weights


_WEIGHTS: Final = {enc: _letter_weights(enc) for enc in ("cp1250", "cp1252")}
_ASCII_LETTER: Final = np.zeros(256, dtype=bool)
_ASCII_LETTER[np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", np.uint8)] = (
    True
)
_WORDY: Final = _ASCII_LETTER.copy()
_WORDY[0x80:] = True
_VOWEL: Final = np.zeros(256, dtype=bool)
_VOWEL[np.frombuffer(b"aeiouyAEIOUY", np.uint8)] = True
_CONSONANT: Final = _ASCII_LETTER & ~_VOWEL


def _guess_codepage(data: bytes, display: str, *, guess: bool = True) -> str:
    """Choose cp1250 (Polish, Central Europe) or cp1252 (Western) for legacy 8-bit text.

    Each byte >= 0x80 scores in both code pages: a letter 1 (2 inside a word), a symbol 0,
    an undefined byte -10. 'ń' and 'ñ' share byte 0xF1: Polish writes 'ń' only before a
    consonant or at a word end, Spanish 'ñ' only before a vowel, so the next byte decides.
    Ties go to cp1252. When neither code page fits, charset-normalizer guesses.
    """
    codes = np.frombuffer(data, dtype=np.uint8)
    high = np.flatnonzero(codes >= 0x80)
    values = codes[high]
    before = codes[np.maximum(high - 1, 0)]
    after = codes[np.minimum(high + 1, len(codes) - 1)]
    in_word = _WORDY[before] | _WORDY[after]
    scores = {}
    for encoding, weights in _WEIGHTS.items():
        base = weights[values]
        scores[encoding] = float(np.where(base > 0, base * (1 + in_word), base).sum())
    n_tilde = (values == 0xF1) | (values == 0xD1)
    scores["cp1252"] -= 3.0 * float((n_tilde & (_CONSONANT[after] | ~_WORDY[after])).sum())
    scores["cp1250"] -= 3.0 * float((n_tilde & _VOWEL[after]).sum())
    best = "cp1250" if scores["cp1250"] > scores["cp1252"] else "cp1252"
    if not (weights_undefined := (_WEIGHTS[best][values] < 0)).any() or not guess:
        return best
    import charset_normalizer  # only for text no code page fits: it is slow to import

    guess = charset_normalizer.from_bytes(data[: 1024 * 1024]).best()
    if guess is not None:
        return str(guess.encoding)
    first = int(high[np.flatnonzero(weights_undefined)[0]])
    raise InputError(
        display, None, None, f"unknown text encoding (byte 0x{codes[first]:02x} at offset {first})"
    )


def repair_stray_bytes(
    frame: pd.DataFrame, rejects: pd.DataFrame, codepage: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Reject cells holding bytes that are not UTF-8; keep them readable via the code page."""
    found = [rejects]
    repaired = {}
    for column in frame.columns:
        values = frame[column]
        bad = values.str.contains(_SURROGATES.pattern, regex=True)
        if not bad.any():
            continue
        fixed = values[bad].map(lambda v: _unstray(v, codepage))
        repaired[column] = values.mask(bad, fixed)
        found.append(
            pd.DataFrame(
                {
                    ROW: pd.Series(np.flatnonzero(bad.to_numpy()) + 1, dtype="int64"),
                    "column": pd.Series([column] * int(bad.sum()), dtype="string"),
                    "reason": (
                        "not UTF-8 text: "
                        + fixed.map(repr)
                        + f" holds bytes that are not UTF-8 (shown as {codepage})"
                    )
                    .astype("string")
                    .to_numpy(),
                }
            )
        )
    out = frame.assign(**repaired) if repaired else frame
    out.columns = [_unstray(c, codepage) for c in out.columns]
    merged = pd.concat(found, ignore_index=True).sort_values(ROW, kind="stable", ignore_index=True)
    return out, merged


def _unstray(value: str, codepage: str) -> str:
    """Re-read the stray bytes of a surrogate-escaped string in `codepage`."""
    name = f"journey-{codepage}"
    codecs.register_error(
        name,
        lambda err: (bytes(err.object[err.start : err.end]).decode(codepage, "replace"), err.end),
    )
    return value.encode("utf-8", "surrogateescape").decode("utf-8", name)


__all__ = ["SAMPLE_BYTES", "SUPPORTED_TEXT", "Decoded", "decode", "repair_stray_bytes"]
