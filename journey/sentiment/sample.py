"""A bounded, seeded sample of scored rows for the text analyses (drivers, topics, highlights).

Word counts and topic models read every text they are given, so their time grows with the
transcripts; a scope of millions of rows would keep a page busy for minutes. Scopes with at
most `TEXT_SAMPLE_ROWS` customer texts are read whole (the result is exact); larger ones
through a uniform random sample of that many customer texts (seed 0: the same rows on every
render), which pages say. Headline figures, trends and joins to the journey never sample.
The Sentiment page draws its sample in SQL over the scored files instead
(`journey.query.engine.scored.text_sample`: the same rows when they are few; else the `cap`
rows of smallest hash(position, seed), also fixed across renders).
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from journey.schema import SENTIMENT_LABEL, SENTIMENT_LABELS
from journey.sentiment.turns import CUSTOMER, ROLE

TEXT_SAMPLE_ROWS: Final = 20_000


def customer_text_rows(rows: pd.DataFrame) -> np.ndarray:
    """Positions of the rows the text analyses read: scored customer rows."""
    keep = rows[SENTIMENT_LABEL].isin(SENTIMENT_LABELS)
    if ROLE in rows:
        keep = keep & (rows[ROLE] == CUSTOMER).fillna(False)
    return np.flatnonzero(keep.to_numpy(dtype=bool))


def text_sample(rows: pd.DataFrame, cap: int = TEXT_SAMPLE_ROWS, seed: int = 0) -> pd.DataFrame:
    """`rows` when they hold at most `cap` customer texts, else `cap` of those texts at random.

    The sample keeps the rows' order and index (so it joins back to `rows`); rows the text
    analyses never read (agent turns, unscored rows) are left out of a sample.
    """
    if cap < 1:
        raise ValueError(f"the sample needs at least one row, got cap={cap}")
    positions = customer_text_rows(rows)
    if len(positions) <= cap:
        return rows
    chosen = np.sort(np.random.default_rng(seed).choice(positions, size=cap, replace=False))
    return rows.iloc[chosen]
