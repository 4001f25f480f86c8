"""The text analyses' bounded sample of scored rows."""

from __future__ import annotations

import pandas as pd
import pytest

from journey.schema import SENTIMENT_LABEL, TEXT
from journey.sentiment.sample import customer_text_rows, text_sample
from journey.sentiment.turns import ROLE


def rows() -> pd.DataFrame:
    """Six rows: four scored customer texts (positions 0, 2, 3, 5), an agent row, an unscored."""
    return pd.DataFrame(
        {
            ROLE: ["customer", "agent", "customer", "customer", "customer", "customer"],
            SENTIMENT_LABEL: ["negative", "positive", "neutral", "positive", None, "negative"],
            TEXT: ["a", "b", "c", "d", "e", "f"],
        },
        index=[10, 11, 12, 13, 14, 15],
    )


def test_customer_text_rows_are_scored_customer_rows():
    assert customer_text_rows(rows()).tolist() == [0, 2, 3, 5]


def test_small_scopes_are_read_whole():
    frame = rows()
    assert text_sample(frame, cap=4) is frame  # four customer texts, cap four: exact


def test_big_scopes_sample_customer_texts_in_order_and_the_same_each_time():
    sample = text_sample(rows(), cap=2)
    assert len(sample) == 2
    assert set(sample.index) <= {10, 12, 13, 15}  # never the agent or the unscored row
    assert list(sample.index) == sorted(sample.index)  # the rows' order is kept
    assert sample.equals(text_sample(rows(), cap=2))  # seeded: the same rows every render


def test_a_cap_below_one_is_refused():
    with pytest.raises(ValueError, match="at least one row"):
        text_sample(rows(), cap=0)
