"""The English lexicon scorer: VADER equality, customer-service phrases, masking, fast paths."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from journey.schema import (
    TEXT,
)
from journey.sentiment import lexicon, lexicon_data
from tests.conftest import SAMPLE_DIR

VADER_CASES = [
    "VADER is smart, handsome, and funny.",
    "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
    "VADER is not smart, handsome, nor funny.",
    "At least it isn't a horrible book.",
    "The book was only kind of good.",
    "The plot was good, but the characters are uncompelling and the dialog is not great.",
    "Today only kinda sux! But I'll get by, lol",
    "Make sure you :) or :D today!",
    "Catch utf-8 emoji such as 💘 and 💋 and 😁",
    "Not bad at all",
    "Sentiment analysis has never been this good!",
    "Roger Dodger is one of the least compelling variations on this theme.",
    "no no no good",
    "good but good but bad???",
    "",
]


def score(texts: list[str]) -> np.ndarray:
    # VADER compound values: the hand computations below follow VADER's arithmetic
    return lexicon.CustomerServiceScorer().compounds(texts)


def label(text: str) -> str:
    scorer = lexicon.CustomerServiceScorer()
    return str(scorer.labels(scorer.scores([text]))[0])


@pytest.mark.parametrize("text", VADER_CASES)
def test_vader_reimplementation_equals_vadersentiment(text):
    expected = SentimentIntensityAnalyzer().polarity_scores(text)["compound"]
    assert lexicon.vader_compound(text, lexicon.VaderRules.plain()) == expected


def test_plain_vader_scores_repeats_once_and_keeps_order():
    analyzer = SentimentIntensityAnalyzer()
    texts = ["good", "bad", "good"]
    expected = [analyzer.polarity_scores(t)["compound"] for t in texts]
    assert lexicon.score_plain_vader(texts).tolist() == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The agent was not helpful at all", "negative"),
        ("not bad, the crew made up for it", "positive"),
        ("I have been on hold for an hour", "negative"),
        ("still waiting for my refund", "negative"),
        ("you charged me twice for one order", "negative"),
        ("my flight was cancelled and nobody told me", "negative"),
        ("lost my luggage again", "negative"),
        ("issue resolved quickly, thank you", "positive"),
        ("what time does the store open?", "neutral"),
        ("Can you please help me change my address", "neutral"),
        ("I didn’t get any answer", "negative"),
        ("😡 delayed again", "negative"),
    ],
)
def test_customer_service_sentences(text, expected):
    assert label(text) == expected


# Compound = sum / sqrt(sum^2 + 15) (VADER's normalisation), rounded to 4 places.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an information question: "dispute" (-0.9) and "charge" are its topic -> 0
        ("how do I dispute a charge", 0.0),
        ("can I get a refund?", 0.0),
        # thanks (+1.9) counts half next to a complaint: 0.95 - 2.3 = -1.35 -> -0.3291
        ("thanks for stranding me", -0.3291),
        # cant_access -1.8 -> -1.8 / sqrt(3.24 + 15) = -0.4215
        ("I can't log in to my account", -0.4215),
        # want_to_cancel -1.5 -> -1.5 / sqrt(2.25 + 15) = -0.3612
        ("I want to cancel my subscription", -0.3612),
        # still_waiting -2.0 and long_wait -1.6: -3.6 / sqrt(12.96 + 15) = -0.6808
        ("still without power, been weeks", -0.6808),
        # no complaint: thanks keeps its +1.9 -> 1.9 / sqrt(3.61 + 15) = 0.4404
        ("thanks", 0.4404),
    ],
)
def test_customer_service_context_rules_by_hand(text, expected):
    assert score([text]).tolist() == [expected]


def test_context_rules_leave_plain_vader_alone():
    texts = ["how do I dispute a charge", "thanks for stranding me"]
    expected = [SentimentIntensityAnalyzer().polarity_scores(t)["compound"] for t in texts]
    assert lexicon.score_plain_vader(texts).tolist() == expected


def test_plain_vader_misses_what_the_extension_reads():
    texts = ["on hold for 2 hours", "still waiting for a reply", "Can you please help me"]
    plain = lexicon.label_scores(lexicon.score_plain_vader(texts), -0.05, 0.05)
    assert plain.tolist() == ["neutral", "neutral", "positive"]
    assert [label(t) for t in texts] == ["negative", "negative", "neutral"]


def test_intensifiers_and_caps_raise_the_score():
    plain, very, caps = score(
        ["the agent was helpful", "the agent was very helpful", "the agent was very HELPFUL"]
    )
    assert 0 < plain < very < caps


def test_brand_names_are_not_words_of_feeling():
    # VADER rates "united" +1.8; as a brand it must not lift a complaint.
    assert SentimentIntensityAnalyzer().polarity_scores("United")["compound"] > 0
    with_brand, without = score(["United lost my bag", "lost my bag"])
    assert with_brand == without < 0
    assert score(["United", "@united", "@Delta https://t.co/x", "ticket #123456"]).tolist() == [
        0.0,
        0.0,
        0.0,
        0.0,
    ]


def test_brands_from_mentions_reads_handles():
    texts = pd.Series(["@AmericanAir late again", "@AmericanAir hi", "@united ok", "no handle"])
    assert lexicon.brands_from_mentions(texts, min_share=0.25) == (
        "americanair",
        "american",
        "united",
    )


def test_mask_texts_removes_mentions_urls_numbers_and_keeps_hashtag_words():
    masked = lexicon.mask_texts(
        pd.Series(["@Delta order #A-99812 see https://x.co/a #fail", "call 0800 123 4567 now"]),
        ("delta",),
    )
    assert masked.tolist() == ["see fail", "call now"]  # "order #A-99812" is one reference


def test_negative_terms_name_phrases():
    terms = lexicon.CustomerServiceScorer().negative_terms("Still waiting, on hold again!")
    assert terms == ["still_waiting", "on_hold", "again"]


# Texts that exercise every fast path: phrases in any case and next to each other, emoji,
# curly apostrophes, masks, brands, hashtags, idioms, non-ASCII words and a length-changing "İ".
FAST_PATH_CASES = [
    "Didn\u2019t get any reply. STILL WAITING on hold for 3 hours @AmericanAir #fail \U0001f621",
    "Flight UA1234 cancelled flight, never again!! Delta's staff hung up, no-one answered",
    "I was charged twice on order #55123, call 555-123-4567 or mail me@example.com",
    "https://t.co/AbC123 it's not working, wasn't fixed; yet another outage \U0001f44e",
    "The service was the bomb, kind of good, yeah right. Thank u so much \u2764",
    "Caf\u00e9 au lait ok but the na\u00efve agent was not bad at least, sorted it out",
    "\u0130stanbul office: Virgin Media charged me again, 45 mins on hold music",
    "no answer no reply no update no show, lost my luggage, bag was lost, missed my flight",
    "the wrong item arrived late, hidden fees and a late fee; switching providers on-time",
    "I CAN'T LOG IN, please fix this. So done with you, fed up! I want to cancel my plan",
    "couldn't activate it, unable to access the app, won't let me sign in for 3 days",
    "Want a full refund; still without power since Monday, been weeks. Got my refund ❤",
    "",
]


def _reference_prepare(texts: list[str], brands: tuple[str, ...]) -> list[str]:
    # The masking and phrase rewriting written plainly: one text, one pattern at a time.
    brand = lexicon.brand_pattern(brands)
    out = []
    for text in texts:
        for curly in ("\u2019", "\u2018", "\u02bc", "\u00b4"):
            text = text.replace(curly, "'")
        text = lexicon.MASK_PATTERN.sub(lambda m: " " * len(m.group(0)), text)
        text = brand.sub(lambda m: " " * len(m.group(0)), text)
        text = re.sub(r"#(?=[A-Za-z])", "", text)
        for emoji, token in lexicon_data.EMOJI_TOKENS.items():
            text = text.replace(emoji, token)
        for pattern, token in lexicon_data.CS_PHRASES:
            text = re.sub(pattern, token, text, flags=re.IGNORECASE)
        out.append(text)
    return out


def _fast_path_texts() -> list[str]:
    sample = pd.read_csv(SAMPLE_DIR / "transcripts.csv", dtype="string")[TEXT].dropna()
    return sample.sample(200, random_state=5).tolist() + FAST_PATH_CASES


def test_fast_preparation_equals_the_plain_reference():
    texts = [t for t in _fast_path_texts() if "\u0130" not in t]
    scorer = lexicon.CustomerServiceScorer()
    prepared = scorer.prepare(pd.Series(texts, dtype="string")).tolist()
    assert prepared == _reference_prepare(texts, scorer.brands)
    rules = lexicon.VaderRules.customer_service()
    expected = [lexicon.vader_compound(t, rules) for t in _reference_prepare(texts, scorer.brands)]
    assert scorer.compounds(texts).tolist() == expected
    # a batch holding a length-changing character takes the case-insensitive path: same scores
    mixed = [*texts, "\u0130stanbul"]
    assert scorer.compounds(mixed).tolist()[:-1] == expected


@pytest.mark.parametrize(
    "text", [*FAST_PATH_CASES, "I was on hold \u0130\u0130", "ok @x\u017f 12345"]
)
def test_fast_vader_equals_vadersentiment_on_fast_path_cases(text):
    rules = lexicon.VaderRules.plain()
    expected = SentimentIntensityAnalyzer().polarity_scores(text)["compound"]
    assert lexicon.vader_compound(text, rules) == expected


def test_strip_masked_equals_case_insensitive_replace():
    texts = pd.Series(
        [*_fast_path_texts(), "d\u0131 ticket 12345", "\u017fee @bob", "a\x00b 123456", None],
        dtype="string",
    )
    expected = texts.fillna("").str.replace(lexicon.MASK_PATTERN, " ", regex=True)
    assert lexicon.strip_masked(texts).tolist() == expected.tolist()
    # the batch path alone (no character forcing the fallback)
    plain = texts.iloc[:-4]
    assert lexicon.strip_masked(plain).tolist() == expected.iloc[:-4].tolist()
    assert lexicon.strip_masked(pd.Series([], dtype="string")).tolist() == []


MASK_PIECES = [*"ab-1234567890 @#.+_:()x\x00wthp/\n\u00e9\u0663", "http", "www.", "order", "fl"]


@given(st.lists(st.sampled_from([*MASK_PIECES, "ref", "ticket ", "no.", "case"]), max_size=30))
def test_mask_spans_equal_a_full_regex_scan(pieces):
    text = "".join(pieces)
    expected = [m.span() for m in lexicon._MASK_LOWER.finditer(text)]
    assert lexicon._mask_spans(text) == expected
