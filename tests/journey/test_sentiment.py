"""Transcript sentiment: lexicon scorer, languages, turns, model, drivers and journey links."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import given
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal
from py3langid.langid import MODEL_FILE, LanguageIdentifier
from sklearn.exceptions import NotFittedError
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from journey.errors import InputError, ModelError
from journey.schema import (
    CHANNEL,
    CONVERSATION_ID,
    CONVERSION,
    CUSTOMER_ID,
    LANGUAGE,
    PHASE,
    SENTIMENT_LABEL,
    SENTIMENT_SCORE,
    SPEAKER,
    TEXT,
    TIMESTAMP,
    TOUCHPOINT,
    UNSCORED,
)
from journey.sentiment import core as sentiment
from journey.sentiment import lexicon
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
    return lexicon.CustomerServiceScorer().scores(texts)


def label(text: str) -> str:
    scorer = lexicon.CustomerServiceScorer()
    return str(scorer.labels(scorer.scores([text]))[0])


# -- the lexicon scorer ---------------------------------------------------------------------


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


# -- languages ------------------------------------------------------------------------------


def test_language_probabilities_equal_py3langid():
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(sentiment.LANGUAGES))
    texts = [
        "The parcel never arrived and support does not answer.",
        "Paket saya belum sampai padahal sudah seminggu",
        "Paczka nie dotarła, a obsługa nie odpowiada.",
        "OK",
        "",
        "ÄRGERLICH UND LANGSAM",
    ]
    probs, names = sentiment.language_probabilities(texts)
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
    found = sentiment.detect_languages(texts, groups)
    assert found[LANGUAGE].tolist() == ["pl", "pl", "en", "en", "en"]
    assert found["identified"].tolist() == [True, False, True, True, False]


def test_nothing_identifiable_is_undetermined():
    found = sentiment.detect_languages(pd.Series(["OK", "2", ""]))
    assert found[LANGUAGE].tolist() == ["und", "und", "und"]


# -- turns and scoring ----------------------------------------------------------------------


def test_split_turns_reads_prefixes_and_speaker_rows():
    frame = pd.DataFrame(
        {
            TEXT: ["Agent: Hello! How can I help?\nCustomer: my order is late", "just a text"],
        }
    )
    turns = sentiment.split_turns(frame)
    assert turns[["position", "turn", "role", TEXT]].to_numpy().tolist() == [
        [0, 0, "agent", "Hello! How can I help?"],
        [0, 1, "customer", "my order is late"],
        [1, 0, "customer", "just a text"],
    ]
    rows = pd.DataFrame({TEXT: ["hi", "hello"], SPEAKER: ["Operator", "client"]})
    assert sentiment.split_turns(rows)["role"].tolist() == ["agent", "customer"]


def test_agent_politeness_does_not_lift_an_angry_customer():
    text = (
        "Agent: Thank you so much for calling, we really appreciate you, happy to help!\n"
        "Customer: my order never arrived and nobody answers my emails. unacceptable"
    )
    scored = sentiment.score_transcripts(pd.DataFrame({TEXT: [text]}), shipped=False)
    assert scored.rows[SENTIMENT_LABEL].tolist() == ["negative"]
    turns = scored.turns.set_index("role")[SENTIMENT_SCORE]
    assert turns["agent"] > 0 > turns["customer"]
    conversation = scored.conversations.iloc[0]
    assert conversation["n_agent_turns"] == 1
    assert conversation["n_customer_turns"] == 1
    assert conversation["agent_score"] > 0 > conversation["customer_score"]


def test_conversation_change_from_first_to_last_customer_turn():
    frame = pd.DataFrame(
        {
            CONVERSATION_ID: ["x"] * 4,
            SPEAKER: ["customer", "agent", "customer", "customer"],
            TEXT: [
                "I was charged twice and I am furious",
                "I am sorry, I have refunded the second charge.",
                "ok",
                "great, thank you so much!",
            ],
        }
    )
    scored = sentiment.score_transcripts(frame, shipped=False)
    row_scores = scored.rows[SENTIMENT_SCORE].tolist()
    assert scored.rows["role"].tolist() == ["customer", "agent", "customer", "customer"]
    conversation = scored.conversations.iloc[0]
    assert conversation["first_customer_score"] == row_scores[0] < 0
    assert conversation["last_customer_score"] == row_scores[3] > 0
    assert conversation["change"] == pytest.approx(row_scores[3] - row_scores[0])
    assert conversation["customer_score"] == pytest.approx(
        (row_scores[0] + row_scores[2] + row_scores[3]) / 3
    )


def test_non_english_without_model_is_unscored_and_empty_text_is_kept():
    frame = pd.DataFrame(
        {
            TEXT: [
                "Der Kundenservice war furchtbar, ich warte seit drei Wochen auf mein Paket.",
                "",
                "The support team sorted it out in minutes, brilliant service.",
                "My parcel arrived today.",
            ]
        }
    )
    scored = sentiment.score_transcripts(frame, shipped=False)
    rows = scored.rows
    # the empty text takes the file's predominant language
    assert rows[LANGUAGE].tolist() == ["de", "en", "en", "en"]
    assert rows[SENTIMENT_LABEL].tolist() == [UNSCORED, UNSCORED, "positive", "neutral"]
    assert rows[SENTIMENT_SCORE].isna().tolist() == [True, True, False, False]
    assert rows["unscored_reason"].tolist() == ["no model for language 'de'", "empty text", "", ""]
    reasons = scored.unscored_reasons()
    assert reasons.to_numpy().tolist() == [["empty text", 1], ["no model for language 'de'", 1]]


def test_indonesian_is_scored_by_the_shipped_model():
    frame = pd.DataFrame(
        {
            TEXT: [
                "pelayanan sangat buruk dan lambat sekali, saya kecewa berat",
                "makanannya enak sekali dan pelayanannya ramah, saya puas",
            ]
        }
    )
    rows = sentiment.score_transcripts(frame).rows
    assert rows[LANGUAGE].tolist() == ["id", "id"]
    assert rows[SENTIMENT_LABEL].tolist() == ["negative", "positive"]
    assert rows["scorer"].tolist() == ["shipped model (id)"] * 2
    assert rows[SENTIMENT_SCORE].iloc[0] < 0 < rows[SENTIMENT_SCORE].iloc[1]


texts_strategy = st.lists(
    st.sampled_from(
        [
            "still waiting for my refund",
            "great service, thanks!",
            "what time do you open?",
            "",
            "ok",
            "Paczka nie dotarła, jestem bardzo zły na obsługę klienta.",
            "Agent: hello\nCustomer: my bill is wrong again",
        ]
    ),
    min_size=1,
    max_size=12,
)


@given(texts_strategy, st.randoms(use_true_random=False))
def test_scoring_invariants_and_row_order(texts, rnd):
    frame = pd.DataFrame({TEXT: texts})
    rows = sentiment.score_transcripts(frame, shipped=False).rows
    assert len(rows) == len(texts)
    assert rows[TEXT].tolist() == texts
    unscored = rows[SENTIMENT_LABEL] == UNSCORED
    assert (rows[SENTIMENT_SCORE].isna() == unscored).all()
    assert rows[SENTIMENT_SCORE].dropna().between(-1, 1).all()
    assert set(rows[SENTIMENT_LABEL]) <= {"negative", "neutral", "positive", UNSCORED}
    order = list(range(len(texts)))
    rnd.shuffle(order)
    shuffled = sentiment.score_transcripts(frame.iloc[order].reset_index(drop=True)).rows
    back = shuffled.iloc[np.argsort(order)].reset_index(drop=True)
    cols = [SENTIMENT_SCORE, SENTIMENT_LABEL, LANGUAGE]
    assert_frame_equal(back[cols], rows[cols])


# -- the trainable model --------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_labels() -> pd.DataFrame:
    transcripts = pd.read_csv(SAMPLE_DIR / "transcripts.csv", dtype="string")
    labelled = transcripts[transcripts["label"].notna()].reset_index(drop=True)
    return labelled[[TEXT, "label"]]


def test_trained_model_beats_the_majority_class_on_held_out_rows(sample_labels):
    rng = np.random.default_rng(0)
    test = rng.random(len(sample_labels)) < 0.25
    train, held_out = sample_labels[~test], sample_labels[test]
    model = sentiment.TranscriptSentiment(random_state=0).fit(train[TEXT], train["label"])
    predicted = model.predict(held_out[TEXT])
    accuracy = float((predicted == held_out["label"].to_numpy()).mean())
    majority = float(held_out["label"].value_counts(normalize=True).max())
    assert accuracy > majority + 0.1


def test_model_round_trips_through_bytes_and_fast_path_equals_matrix_path(sample_labels):
    part = sample_labels.head(300)
    model = sentiment.TranscriptSentiment(random_state=0).fit(part[TEXT], part["label"])
    texts = part[TEXT].head(40).tolist()
    matrix = model._features(model._counts(texts)) @ model.coef_.T + model.intercept_
    np.testing.assert_allclose(model.decision_function(texts), matrix, atol=1e-5)
    loaded = sentiment.TranscriptSentiment.from_bytes(model.to_bytes(languages=["en"]))
    np.testing.assert_allclose(loaded.predict_proba(texts), model.predict_proba(texts), atol=1e-5)
    assert loaded.languages_ == ("en",)
    scores = loaded.sentiment_score(texts)
    assert np.all((scores >= -1) & (scores <= 1))


def test_untrained_model_and_bad_inputs_fail_clearly():
    with pytest.raises(NotFittedError):
        sentiment.TranscriptSentiment().predict(["hello"])
    with pytest.raises(ModelError, match="two sentiments"):
        sentiment.TranscriptSentiment().fit(["a", "b"], ["positive", "positive"])
    with pytest.raises(ModelError, match="not a Journey Atlas sentiment model"):
        sentiment.TranscriptSentiment.from_bytes(b"not gzip")


def test_normalise_labels_reads_spellings_and_names_the_bad_row():
    labels = pd.Series(["Positive", "neg", "netral", "pozytywny", None])
    assert sentiment.normalise_labels(labels).tolist() == [
        "positive",
        "negative",
        "neutral",
        "positive",
        pd.NA,
    ]
    with pytest.raises(InputError, match=r"row 2.*'meh'"):
        sentiment.normalise_labels(pd.Series(["positive", "meh"]))


def test_word_hashes_are_polynomial_hashes_and_documents_stay_apart():
    codes = sentiment.normalise_codepoints(["Hi, you!"])
    assert "".join(chr(c) if c else "|" for c in codes) == " hi , you ! "
    _starts, hashes = sentiment._word_hashes(codes)
    # hash("hi") = 104 * 1000003 + 105, by hand
    assert int(hashes[0]) == 104 * 1_000_003 + 105
    together = sentiment.ngram_counts(["good day", "bad"])
    apart = sp_vstack([sentiment.ngram_counts(["good day"]), sentiment.ngram_counts(["bad"])])
    assert (together != apart).nnz == 0


def sp_vstack(parts):
    return sp.vstack(parts).tocsr()


def test_compare_scorers_reports_model_and_lexicon_on_the_same_rows(sample_labels):
    part = sample_labels.head(400)
    metrics = sentiment.compare_scorers(part[TEXT], part["label"], folds=3)
    assert metrics["n"] == 400
    assert metrics["folds"] == 3
    assert 0 < metrics["n_english"] <= 400
    for key in ("model_accuracy", "model_macro_f1", "lexicon_accuracy", "lexicon_macro_f1"):
        assert 0.0 <= metrics[key] <= 1.0


# -- drivers, highlights, topics ------------------------------------------------------------


def scored_rows(texts_labels, **extra) -> pd.DataFrame:
    texts, labels = zip(*texts_labels, strict=True)
    score = {"negative": -0.5, "neutral": 0.0, "positive": 0.5}
    frame = pd.DataFrame(
        {
            TEXT: list(texts),
            SENTIMENT_LABEL: list(labels),
            SENTIMENT_SCORE: [score[x] for x in labels],
            "role": "customer",
        }
    )
    return frame.assign(**extra)


def test_drivers_separate_negative_from_positive_terms():
    frame = scored_rows(
        [
            ("refund not received", "negative"),
            ("where is my refund", "negative"),
            ("refund delayed again", "negative"),
            ("thanks so much", "positive"),
            ("lovely thanks", "positive"),
            ("all good thanks", "positive"),
        ]
    )
    drivers = sentiment.sentiment_drivers(frame, top_n=1)
    assert drivers[
        ["group", "term", "direction", "n_negative", "n_positive"]
    ].to_numpy().tolist() == [
        ["all", "refund", "negative", 3, 0],
        ["all", "thanks", "positive", 0, 3],
    ]
    # chi2 of a term in all 3 negative and no positive texts: 3 (sklearn's chi2 on counts)
    assert drivers["chi2"].tolist() == [pytest.approx(3.0), pytest.approx(3.0)]
    by_channel = sentiment.sentiment_drivers(frame.assign(channel=["Chat"] * 6), by="channel")
    assert set(by_channel["group"]) == {"Chat"}


def test_highlight_escapes_html_and_marks_terms():
    html = sentiment.highlight("<b>Late</b> & on hold", ["late", "on_hold"])
    assert html == "&lt;b&gt;<mark>Late</mark>&lt;/b&gt; &amp; <mark>on hold</mark>"


def test_most_negative_lists_lowest_scores_with_marks():
    frame = scored_rows([("fine thanks", "positive"), ("still waiting, unacceptable", "negative")])
    frame.loc[1, SENTIMENT_SCORE] = -0.8
    out = sentiment.most_negative(frame, n=5)
    assert out["position"].tolist() == [1]
    assert out["html"].iloc[0] == "<mark>still waiting</mark>, <mark>unacceptable</mark>"


def test_topic_groups_cover_rows_and_are_deterministic():
    frame = scored_rows(
        [
            ("refund late refund", "negative"),
            ("refund missing money", "negative"),
            ("refund please money", "neutral"),
            ("delivery courier parcel", "negative"),
            ("courier parcel lost", "negative"),
            ("parcel delivery fast", "positive"),
        ]
    )
    topics, assignment = sentiment.topic_groups(frame, n_topics=2)
    again, _ = sentiment.topic_groups(frame, n_topics=2)
    assert_frame_equal(topics, again)
    assert topics["n"].sum() == int((assignment > 0).sum())
    assert len(topics) == 2


# -- the journey ----------------------------------------------------------------------------


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


@pytest.fixture
def journey_events() -> pd.DataFrame:
    return pd.DataFrame(
        {
            CUSTOMER_ID: ["a", "a", "a", "a", "b"],
            TIMESTAMP: [
                ts("2025-01-01 10:00"),
                ts("2025-01-02 09:00"),
                ts("2025-01-02 18:00"),
                ts("2025-02-01 12:00"),
                ts("2025-01-05 10:00"),
            ],
            CHANNEL: ["Web", "Call Center", "Email", "Web", "Store"],
            TOUCHPOINT: ["Pricing page", "Support call", "Survey", "Checkout", "Till"],
            PHASE: ["awareness", "post-purchase", "engagement", "engagement", "onboarding"],
            CONVERSION: [False, False, False, True, True],
        }
    )


@pytest.fixture
def journey_scored() -> pd.DataFrame:
    return pd.DataFrame(
        {
            CUSTOMER_ID: ["a", "a", "b", "c"],
            TIMESTAMP: [
                ts("2025-01-02 12:00"),
                ts("2025-01-03 08:00"),
                ts("2025-01-01 08:00"),
                ts("2025-01-09 08:00"),
            ],
            CHANNEL: ["Phone", "Chat", "Chat", "Chat"],
            TEXT: ["x", "y", "z", "w"],
            "role": "customer",
            SENTIMENT_SCORE: [-0.6, 0.4, -0.2, 0.0],
            SENTIMENT_LABEL: ["negative", "positive", "negative", "neutral"],
        }
    )


def test_link_to_events_prefers_same_day_support_then_preceding(journey_events, journey_scored):
    linked = sentiment.link_to_events(journey_scored, journey_events)
    assert linked["match"].tolist() == [
        "same-day support event",  # the 09:00 support call, though Email at 18:00 is later
        "preceding event",  # no support event on Jan 3: the Email of Jan 2, 18:00
        "unmatched",  # b's first event is on Jan 5
        "unmatched",  # c has no events
    ]
    assert linked[TOUCHPOINT].tolist()[:2] == ["Support call", "Survey"]
    assert linked["event_channel"].tolist()[:2] == ["Call Center", "Email"]


def test_sentiment_by_level_counts_and_shares(journey_events, journey_scored):
    linked = sentiment.link_to_events(journey_scored, journey_events)
    by_phase = sentiment.sentiment_by(linked, PHASE)
    assert by_phase.to_numpy().tolist() == [
        ["(unmatched)", -0.1, 0.5, 2, 1],
        ["engagement", 0.4, 0.0, 1, 0],
        ["post-purchase", -0.6, 1.0, 1, 1],
    ]


def test_node_sentiment_uses_matched_rows_only(journey_events, journey_scored):
    nodes = sentiment.node_sentiment(journey_events, journey_scored, CHANNEL)
    assert nodes.to_numpy().tolist() == [["Call Center", -0.6, 1], ["Email", 0.4, 1]]


def test_weekly_sentiment_groups_by_monday(journey_scored):
    weekly = sentiment.weekly_sentiment(journey_scored)
    # Jan 1 2025 is a Wednesday: its week starts Mon Dec 30; Jan 9 is in the week of Jan 6.
    assert weekly["week"].tolist() == [ts("2024-12-30"), ts("2025-01-06")]
    assert weekly["n"].tolist() == [3, 1]
    assert weekly["mean_score"].tolist() == [pytest.approx(-0.4 / 3), 0.0]
    assert weekly["share_negative"].tolist() == [pytest.approx(2 / 3), 0.0]


def test_outcome_link_counts_purchases_after_the_last_contact(journey_events, journey_scored):
    out = sentiment.outcome_link(journey_events, journey_scored)
    # a: last contact positive (Jan 3), buys Feb 1; b: negative (Jan 1), buys Jan 5;
    # c: neutral, never buys.
    assert out.to_numpy().tolist() == [
        ["negative", 1, 1, 1.0],
        ["neutral", 1, 0, 0.0],
        ["positive", 1, 1, 1.0],
    ]


def test_sample_transcripts_score_end_to_end():
    transcripts = pd.read_csv(SAMPLE_DIR / "transcripts.csv", dtype="string").head(300)
    scored = sentiment.score_transcripts(transcripts)
    assert len(scored.rows) == 300
    assert set(scored.rows["role"]) == {"agent", "customer"}
    conversations = scored.conversations
    assert conversations["conversation"].is_unique
    assert (conversations["n_customer_turns"] + conversations["n_agent_turns"]).sum() == 300


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
        for emoji, token in lexicon.EMOJI_TOKENS.items():
            text = text.replace(emoji, token)
        for pattern, token in lexicon.CS_PHRASES:
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
    assert scorer.scores(texts).tolist() == expected
    # a batch holding a length-changing character takes the case-insensitive path: same scores
    mixed = [*texts, "\u0130stanbul"]
    assert scorer.scores(mixed).tolist()[:-1] == expected


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


def test_letter_counts_equal_a_regex_count():
    # "\u00b2" (superscript two) is a word character but not a decimal digit: it counts
    texts = pd.Series(
        ["abc 12_x", "", "caf\u00e9 \u0663\u0664 \u00b2", "a\x00b", "Zo\u00eb!"], dtype="string"
    )
    assert sentiment._letter_counts(texts).tolist() == [4, 0, 5, 2, 3]
    assert sentiment._letter_counts(texts.iloc[:3]).tolist() == [4, 0, 5]
    assert sentiment._letter_counts(pd.Series([], dtype="string")).tolist() == []
