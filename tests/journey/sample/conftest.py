"""Shared fixtures of the sample-data tests: the default sample, generated once."""

from __future__ import annotations

import pandas as pd
import pytest

from journey.sample.events import generate_events
from journey.sample.transcripts import generate_transcripts


@pytest.fixture(scope="package")
def events() -> pd.DataFrame:
    return generate_events()


@pytest.fixture(scope="package")
def transcripts(events: pd.DataFrame) -> pd.DataFrame:
    return generate_transcripts(events)
