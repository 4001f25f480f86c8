"""Turns and labels: prefixes and speaker rows, label spellings."""

from __future__ import annotations

import pandas as pd
import pytest

from journey.errors import InputError
from journey.schema import (
    SPEAKER,
    TEXT,
)
from journey.sentiment.turns import normalise_labels, split_turns


def test_split_turns_reads_prefixes_and_speaker_rows():
    frame = pd.DataFrame(
        {
            TEXT: ["Agent: Hello! How can I help?\nCustomer: my order is late", "just a text"],
        }
    )
    turns = split_turns(frame)
    assert turns[["position", "turn", "role", TEXT]].to_numpy().tolist() == [
        [0, 0, "agent", "Hello! How can I help?"],
        [0, 1, "customer", "my order is late"],
        [1, 0, "customer", "just a text"],
    ]
    rows = pd.DataFrame({TEXT: ["hi", "hello"], SPEAKER: ["Operator", "client"]})
    assert split_turns(rows)["role"].tolist() == ["agent", "customer"]


def test_normalise_labels_reads_spellings_and_names_the_bad_row():
    labels = pd.Series(["Positive", "neg", "netral", "pozytywny", None])
    assert normalise_labels(labels).tolist() == [
        "positive",
        "negative",
        "neutral",
        "positive",
        pd.NA,
    ]
    with pytest.raises(InputError, match=r"row 2.*'meh'"):
        normalise_labels(pd.Series(["positive", "meh"]))
