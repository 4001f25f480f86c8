"""What the sample's events and transcripts share: files, columns, time span, moods."""

from __future__ import annotations

from pathlib import Path
from typing import Final

import pandas as pd

from journey.schema import (
    AGENT,
    CAMPAIGN,
    CHANNEL,
    CONVERSATION_ID,
    CONVERSION,
    CUSTOMER_ID,
    DEVICE,
    EVENT_TYPE,
    LABEL,
    REVENUE,
    SEGMENT,
    SESSION_ID,
    SPEAKER,
    TEAM,
    TEXT,
    TIMESTAMP,
    TOUCHPOINT,
)

SAMPLE_DIR: Final = Path(__file__).resolve().parents[2] / "data" / "sample"
EVENTS_FILE: Final = "events.csv"
TRANSCRIPTS_FILE: Final = "transcripts.csv"
SAMPLE_EVENT_COLUMNS: Final = (
    CUSTOMER_ID,
    TIMESTAMP,
    CHANNEL,
    TOUCHPOINT,
    EVENT_TYPE,
    CONVERSION,
    REVENUE,
    TEAM,
    CAMPAIGN,
    DEVICE,
    SEGMENT,
    SESSION_ID,
)
SAMPLE_TRANSCRIPT_COLUMNS: Final = (
    CUSTOMER_ID,
    TIMESTAMP,
    CHANNEL,
    CONVERSATION_ID,
    SPEAKER,
    TEXT,
    AGENT,
    LABEL,
)

START: Final = pd.Timestamp("2025-01-01T00:00:00Z")
END: Final = pd.Timestamp("2025-08-01T00:00:00Z")  # exclusive: data runs to 2025-07-31
SPAN: Final = int((END - START).total_seconds())
EPOCH: Final = int(START.timestamp())
MINUTE: Final = 60.0
HOUR: Final = 3600.0
DAY: Final = 86400.0

# a customer turn's mood: the label it was written in
NEG: Final = "negative"
NEU: Final = "neutral"
POS: Final = "positive"
