"""Language identification: py3langid equality, short texts, letter counts."""

from __future__ import annotations

import pandas as pd
import pytest
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from journey.schema import (
    LANGUAGE,
)
from journey.sentiment import language


def test_language_probabilities_equal_py3langid():
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(language.LANGUAGES))
    texts = [
        "The parcel never arrived and support does not answer.",
        "Paket saya belum sampai padahal sudah seminggu",
        "Paczka nie dotarła, a obsługa nie odpowiada.",
        "OK",
        "",
        "ÄRGERLICH UND LANGSAM",
    ]
    probs, names = language.language_probabilities(texts)
    for text, row in zip(texts, probs, strict=True):
        expected, confidence = identifier.classify(text)
        assert names[int(row.argmax())] == expected
        assert row.max() == pytest.approx(confidence, abs=1e-5)


def test_short_texts_take_their_conversation_then_file_language():
    texts = pd.Series(
        [
            "Dzień dobry, paczka nie dotarła, a obsługa nie odpowiada od tygodnia.",
            "OK",
            "My parcel has not arrived and nobody answers my emails.",
            "The courier left it at the wrong address again, please call me back.",
            "Thanks",
        ]
    )
    groups = pd.Series(["c1", "c1", "c2", "c3", "c4"])
    found = language.detect_languages(texts, groups)
    assert found[LANGUAGE].tolist() == ["pl", "pl", "en", "en", "en"]
    assert found["identified"].tolist() == [True, False, True, True, False]


def test_nothing_identifiable_is_undetermined():
    found = language.detect_languages(pd.Series(["OK", "2", ""]))
    assert found[LANGUAGE].tolist() == ["und", "und", "und"]


def test_letter_counts_equal_a_regex_count():
    # "\u00b2" (superscript two) is a word character but not a decimal digit: it counts
    texts = pd.Series(
        ["abc 12_x", "", "caf\u00e9 \u0663\u0664 \u00b2", "a\x00b", "Zo\u00eb!"], dtype="string"
    )
    assert language._letter_counts(texts).tolist() == [4, 0, 5, 2, 3]
    assert language._letter_counts(texts.iloc[:3]).tolist() == [4, 0, 5]
    assert language._letter_counts(pd.Series([], dtype="string")).tolist() == []
