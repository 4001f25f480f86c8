"""Stop words per language: what the lists hold, and that drivers and topics use them."""

from __future__ import annotations

import pandas as pd
import pytest

from journey.schema import LANGUAGE, SENTIMENT_LABEL, SENTIMENT_SCORE, TEXT
from journey.sentiment import insights
from journey.sentiment.stopwords import STOP_WORDS, stop_words

NEGATIONS = {"not", "no", "never", "tidak", "belum", "bukan", "nie", "nigdy"}


def rows(texts_labels: list[tuple[str, str]], language: str | None) -> pd.DataFrame:
    texts, labels = zip(*texts_labels, strict=True)
    score = {"negative": -0.5, "positive": 0.5}
    frame = pd.DataFrame(
        {
            TEXT: list(texts),
            SENTIMENT_LABEL: list(labels),
            SENTIMENT_SCORE: [score[x] for x in labels],
            "role": "customer",
        }
    )
    return frame if language is None else frame.assign(**{LANGUAGE: language})


def test_lists_are_per_language_and_keep_negations_and_why():
    assert "saya" in stop_words(["id"])
    assert "saya" not in stop_words(["en"])
    assert "the" in stop_words(["en"])
    assert "the" not in stop_words(["pl"])
    assert "się" in stop_words(["pl"])
    assert stop_words() == STOP_WORDS["en"] | STOP_WORDS["id"] | STOP_WORDS["pl"]
    assert stop_words(["de", "und"]) == frozenset()
    for words in STOP_WORDS.values():
        assert not words & (NEGATIONS | {"why", "kenapa", "dlaczego"})
        assert all(w == w.lower().strip() and w for w in words)


INDONESIAN = [
    ("saya kecewa sekali", "negative"),
    ("saya kecewa", "negative"),
    ("pelayanan buruk", "negative"),
    ("saya senang", "positive"),
    ("pelayanan bagus", "positive"),
]


@pytest.mark.parametrize("language", ["id", None])
def test_indonesian_drivers_drop_saya_with_hand_computed_chi2(language):
    # After "saya" and "sekali" go, terms in >= 2 texts: kecewa (2 negative, 0 positive) and
    # pelayanan (1, 1). 5 texts, 3 negative: a term in 2 texts is expected 1.2 times among the
    # negative and 0.8 times among the positive ones, so
    # chi2(kecewa) = 0.8^2 / 1.2 + 0.8^2 / 0.8 = 4/3 and
    # chi2(pelayanan) = 0.2^2 / 1.2 + 0.2^2 / 0.8 = 1/12; pelayanan is in 1/3 of the
    # negative and 1/2 of the positive texts, so its direction is positive.
    drivers = insights.sentiment_drivers(rows(INDONESIAN, language))
    assert drivers[["term", "direction", "n_negative", "n_positive"]].to_numpy().tolist() == [
        ["kecewa", "negative", 2, 0],
        ["pelayanan", "positive", 1, 1],
    ]
    assert drivers["chi2"].tolist() == [pytest.approx(4 / 3), pytest.approx(1 / 12)]


def test_english_rows_keep_words_that_are_stop_words_only_in_other_languages():
    # "saya" is an Indonesian stop word: in rows identified as English it stays a term.
    frame = rows(
        [
            ("the saya app is not working", "negative"),
            ("saya app not working again", "negative"),
            ("great saya app", "positive"),
            ("great", "positive"),
        ],
        "en",
    )
    drivers = insights.sentiment_drivers(frame, top_n=10)
    terms = set(drivers["term"])
    assert "saya" in terms  # not an English stop word
    assert "not" in terms
    assert "not working" in terms
    assert not terms & {"the", "is"}


def test_topics_leave_out_stop_words_of_the_rows_language():
    frame = rows(
        [
            ("saya mau refund uang saya", "negative"),
            ("saya mau refund segera", "negative"),
            ("paket saya rusak", "negative"),
            ("paket saya rusak parah", "negative"),
            ("terima kasih banyak", "positive"),
            ("terima kasih cepat", "positive"),
        ],
        "id",
    )
    topics, assignment = insights.topic_groups(frame, n_topics=2)
    words = {w for terms in topics["terms"] for w in terms.split(", ")}
    assert not words & {"saya", "mau"}
    assert {"refund", "paket", "kasih"} <= words
    assert len(assignment) == len(frame)


def test_most_negative_marks_driver_terms_of_the_rows_own_language():
    # No lexicon reads Indonesian: "kecewa" is marked because, among the Indonesian rows, it is
    # a negative driver (2 negative texts, 0 positive), while "saya" is a stop word.
    frame = rows(INDONESIAN, "id")
    worst = insights.most_negative(frame, n=1)
    assert worst["text"].tolist() == ["saya kecewa sekali"]
    assert worst["terms"].tolist() == ["kecewa"]
    assert worst["html"].tolist() == ["saya <mark>kecewa</mark> sekali"]
