"""The hand-worked example of the attribution tests as a fixture."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.journey.attribution.examples import EXAMPLE, make_events


@pytest.fixture
def example() -> pd.DataFrame:
    return make_events(EXAMPLE)
