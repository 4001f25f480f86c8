"""Scoring: customer turns, conversations, languages, shipped model, invariants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from journey.schema import (
    CONVERSATION_ID,
    LANGUAGE,
    SENTIMENT_LABEL,
    SENTIMENT_SCORE,
    SPEAKER,
    TEXT,
    UNSCORED,
)
from journey.sentiment import score
from tests.conftest import SAMPLE_DIR


def test_agent_politeness_does_not_lift_an_angry_customer():
    text = (
        "Agent: Thank you so much for calling, we really appreciate you, happy to help!\n"
        "Customer: my order never arrived and nobody answers my emails. unacceptable"
    )
    scored = score.score_transcripts(pd.DataFrame({TEXT: [text]}), shipped=False)
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
    scored = score.score_transcripts(frame, shipped=False)
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
    scored = score.score_transcripts(frame, shipped=False)
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
    rows = score.score_transcripts(frame).rows
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
    rows = score.score_transcripts(frame, shipped=False).rows
    assert len(rows) == len(texts)
    assert rows[TEXT].tolist() == texts
    unscored = rows[SENTIMENT_LABEL] == UNSCORED
    assert (rows[SENTIMENT_SCORE].isna() == unscored).all()
    assert rows[SENTIMENT_SCORE].dropna().between(-1, 1).all()
    assert set(rows[SENTIMENT_LABEL]) <= {"negative", "neutral", "positive", UNSCORED}
    order = list(range(len(texts)))
    rnd.shuffle(order)
    shuffled = score.score_transcripts(frame.iloc[order].reset_index(drop=True)).rows
    back = shuffled.iloc[np.argsort(order)].reset_index(drop=True)
    cols = [SENTIMENT_SCORE, SENTIMENT_LABEL, LANGUAGE]
    assert_frame_equal(back[cols], rows[cols])


def test_sample_transcripts_score_end_to_end():
    transcripts = pd.read_csv(SAMPLE_DIR / "transcripts.csv", dtype="string").head(300)
    scored = score.score_transcripts(transcripts)
    assert len(scored.rows) == 300
    assert set(scored.rows["role"]) == {"agent", "customer"}
    conversations = scored.conversations
    assert conversations["conversation"].is_unique
    assert (conversations["n_customer_turns"] + conversations["n_agent_turns"]).sum() == 300
