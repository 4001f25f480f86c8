"""Stop words per language for sentiment drivers and topics (hand-written data modules).

Each list holds function words (pronouns, articles, prepositions, conjunctions, auxiliaries,
particles, intensifiers) that appear in negative and positive texts alike. Negations ("not",
"tidak", "nie") and "why" are never stop words: they carry the complaint.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

from journey.sentiment.stopwords import en, pl
from journey.sentiment.stopwords import id as indonesian

STOP_WORDS: Final[Mapping[str, frozenset[str]]] = {
    "en": en.WORDS,
    "id": indonesian.WORDS,
    "pl": pl.WORDS,
}


def stop_words(languages: Iterable[str] | None = None) -> frozenset[str]:
    """Return the stop words of `languages` together (every shipped list when None)."""
    codes = STOP_WORDS.keys() if languages is None else {str(c) for c in languages}
    return frozenset().union(*(STOP_WORDS[c] for c in codes if c in STOP_WORDS))
