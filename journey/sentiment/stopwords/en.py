"""English stop words, written for Journey Atlas (no negations: "not", "no", "never" stay)."""

from __future__ import annotations

from typing import Final

WORDS: Final = frozenset(
    [
        "a", "about", "above", "after", "against", "all", "also", "am", "an", "and", "any",
        "are", "as", "at", "be", "because", "been", "before", "being", "below", "between",
        "both", "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during",
        "each", "few", "for", "from", "further", "had", "has", "have", "having", "he", "he's",
        "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "i'd", "i'll",
        "i'm", "i've", "if", "in", "into", "is", "it", "it's", "its", "itself", "just", "let's",
        "me", "more", "most", "my", "myself", "of", "off", "on", "once", "only", "or", "other",
        "our", "ours", "ourselves", "out", "over", "own", "same", "she", "she's", "should",
        "so", "some", "such", "than", "that", "that's", "the", "their", "theirs", "them",
        "themselves", "then", "there", "there's", "these", "they", "they're", "this", "those",
        "through", "to", "too", "under", "until", "up", "us", "very", "was", "we", "we're",
        "we've", "were", "what", "when", "where", "which", "while", "who", "whom", "will",
        "with", "would", "you", "you're", "you've", "your", "yours", "yourself", "really", "im",
        "ive", "dont",
    ]
)  # fmt: skip
