"""Conversation turns: speaker roles, splitting texts into turns, and label spellings.

DESIGN.md, "Sentiment": transcripts are conversations. Turns come from a `speaker` column
(one turn per row, grouped by `conversation_id`), or from "Agent:" / "Customer:" style
prefixes inside a text. A row's score is its customer's: a row holding a whole conversation
is scored on its customer turns only (agent politeness does not lift an angry call); a row
that is one agent turn is scored as itself and marked `role` = agent.
"""

from __future__ import annotations

import re
from typing import Final

import numpy as np
import pandas as pd

from journey.errors import InputError, unknown_column
from journey.schema import AGENT, LABEL, SENTIMENT_LABELS, SPEAKER, TEXT

NEGATIVE, NEUTRAL, POSITIVE = SENTIMENT_LABELS
CUSTOMER: Final = "customer"
AGENT_ROLE: Final = "agent"
ROLE: Final = "role"

# Speaker names that mark the company's side of a conversation (compared lowercased).
AGENT_SPEAKERS: Final = frozenset(
    {
        "agent", "rep", "representative", "operator", "advisor", "adviser", "consultant",
        "support", "staff", "bot", "chatbot", "assistant", "virtual assistant", "cs", "csr",
        "employee", "system", "company", "service", "konsultan", "petugas", "admin", "cs agent",
        "konsultant", "konsultantka", "doradca", "pracownik", "obsługa", "obsluga", "asystent",
    }
)  # fmt: skip
CUSTOMER_SPEAKERS: Final = frozenset(
    {
        "customer", "caller", "client", "user", "visitor", "guest", "me", "pelanggan", "klien",
        "penelepon", "klient", "klientka", "rozmówca", "rozmowca",
    }
)  # fmt: skip
_NAMES = "|".join(
    re.escape(n) for n in sorted(AGENT_SPEAKERS | CUSTOMER_SPEAKERS, key=len, reverse=True)
)
_STARTS_WITH_TURN: Final = re.compile(rf"(?i)^\s*(?:{_NAMES})\s*:")
_TURN: Final = re.compile(
    rf"(?is)(?:^|(?<=\s))(?P<speaker>{_NAMES})\s*:\s*(?P<text>.*?)\s*"
    rf"(?=(?<=\s)(?:{_NAMES})\s*:|\Z)"
)
_TURN_PREFIX: Final = re.compile(rf"(?i)(?:^|(?<=\s))(?:{_NAMES})\s*:")
_AGENT_TURN: Final = re.compile(
    rf"(?is)(?:^|(?<=\s))(?:{'|'.join(re.escape(n) for n in AGENT_SPEAKERS)})\s*:.*?"
    rf"(?=(?<=\s)(?:{_NAMES})\s*:|\Z)"
)


def speaker_roles(speakers: pd.Series, agents: pd.Series | None = None) -> pd.Series:
    """Map speaker names to "agent" or "customer" (agent names, or the row's agent value)."""
    name = speakers.astype("string").str.strip().str.lower().fillna("")
    is_agent = name.isin(AGENT_SPEAKERS)
    if agents is not None:
        agent_name = agents.reindex(speakers.index).astype("string").str.strip().str.lower()
        is_agent |= (name == agent_name).fillna(False) & (name != "")
    return pd.Series(np.where(is_agent, AGENT_ROLE, CUSTOMER), index=speakers.index)


def split_turns(transcripts: pd.DataFrame) -> pd.DataFrame:
    """Split transcripts into turns.

    Args:
        transcripts: Rows with `text`, and optionally `speaker`, `agent`, `conversation_id`.

    Returns:
        One row per turn: position (0-based row of `transcripts`), turn (0-based within the
        row), role ("customer" or "agent"), speaker and text; by position, then turn. A row
        with a `speaker` is one turn; a text opening with "Agent:"/"Customer:" style prefixes
        gives one turn per prefix; any other row is one customer turn.
    """
    if TEXT not in transcripts:
        raise InputError("transcripts", None, TEXT, "no text column")
    positions = pd.RangeIndex(len(transcripts))
    text = pd.Series(
        transcripts[TEXT].astype("string").fillna("").to_numpy(), index=positions, dtype="string"
    )
    speaker = _column(transcripts, SPEAKER, positions)
    agents = _column(transcripts, AGENT, positions)
    prefixed = text.str.contains(_STARTS_WITH_TURN, regex=True).fillna(False)
    if speaker is not None:
        prefixed &= ~(speaker.notna() & (speaker.str.strip() != ""))
    parts = []
    if prefixed.any():
        parts.append(_prefixed_turns(text[prefixed]))
    single = ~prefixed.to_numpy()
    if single.any():
        parts.append(_single_turns(text, speaker, agents, single))
    turns = pd.concat(parts, ignore_index=True) if parts else _empty_turns()
    turns = turns.astype(
        {"position": "int64", "turn": "int64", "role": "string", "speaker": "string"}
    )
    turns[TEXT] = turns[TEXT].astype("string").fillna("")
    return turns.sort_values(["position", "turn"], kind="stable", ignore_index=True)


def _column(frame: pd.DataFrame, column: str, index: pd.RangeIndex) -> pd.Series | None:
    """The column as strings on a 0-based index, or None when the frame lacks it."""
    if column not in frame:
        return None
    return pd.Series(frame[column].to_numpy(), index=index, dtype="string")


def _prefixed_turns(text: pd.Series) -> pd.DataFrame:
    """One turn per "Agent:" / "Customer:" style prefix of each text (index: position)."""
    found = text.str.extractall(_TURN)
    found = found.reset_index().rename(columns={"level_0": "position", "match": "turn"})
    found["role"] = speaker_roles(found["speaker"]).to_numpy()
    return found[["position", "turn", "role", "speaker", TEXT]]


def _single_turns(
    text: pd.Series, speaker: pd.Series | None, agents: pd.Series | None, single: np.ndarray
) -> pd.DataFrame:
    """One turn per selected row: its speaker's role, else the customer's."""
    rows = pd.DataFrame({"position": text.index[single], "turn": 0, TEXT: text[single].to_numpy()})
    if speaker is None:
        rows["speaker"] = pd.NA
        rows["role"] = CUSTOMER
        return rows[["position", "turn", "role", "speaker", TEXT]]
    spk = speaker[single].to_numpy()
    roles = speaker_roles(pd.Series(spk), None if agents is None else agents[single])
    rows["speaker"] = spk
    rows["role"] = np.where(pd.isna(spk), CUSTOMER, roles.to_numpy())
    return rows[["position", "turn", "role", "speaker", TEXT]]


def strip_turn_prefixes(text: pd.Series) -> pd.Series:
    """Replace each "Agent:" / "Customer:" style turn prefix by a space."""
    return text.str.replace(_TURN_PREFIX, " ", regex=True)


def drop_agent_turns(text: pd.Series) -> pd.Series:
    """Keep the customer's words: drop agent turns, then the remaining turn prefixes."""
    return strip_turn_prefixes(text.str.replace(_AGENT_TURN, " ", regex=True))


def _empty_turns() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "position": pd.Series(dtype="int64"),
            "turn": pd.Series(dtype="int64"),
            "role": pd.Series(dtype="string"),
            "speaker": pd.Series(dtype="string"),
            TEXT: pd.Series(dtype="string"),
        }
    )


_LABEL_SYNONYMS: Final = {
    NEGATIVE: (
        "negative", "neg", "-1", "0", "bad", "negatif", "negatywny", "negatywna", "negatywne",
        "complaint", "angry", "unhappy",
    ),
    NEUTRAL: ("neutral", "neu", "neut", "netral", "neutralny", "neutralna", "neutralne", "mixed"),
    POSITIVE: (
        "positive", "pos", "1", "+1", "2", "good", "positif", "pozytywny", "pozytywna",
        "pozytywne", "happy",
    ),
}  # fmt: skip
_LABEL_MAP: Final = {syn: label for label, syns in _LABEL_SYNONYMS.items() for syn in syns}


def normalise_labels(labels: pd.Series, file: str = "labels") -> pd.Series:
    """Map label spellings (neg, positif, pozytywny, 1/0 ...) to negative/neutral/positive.

    Raises:
        InputError: naming the first row whose label is none of these.
    """
    raw = labels.astype("string").str.strip().str.lower()
    mapped = raw.map(lambda v: _LABEL_MAP.get(v) if isinstance(v, str) else None)
    bad = raw.notna() & (raw != "") & mapped.isna()
    if bad.any():
        first = int(np.flatnonzero(bad.to_numpy())[0])
        value = labels.iloc[first]
        raise InputError(
            file, first + 1, LABEL, f"label {value!r} is not negative, neutral or positive"
        )
    return pd.Series(mapped.to_numpy(), index=labels.index, dtype="string")


def labelled_columns(
    frame: pd.DataFrame, mapping: dict[str, str], file: str, *, need_label: bool = True
) -> tuple[pd.Series, pd.Series | None]:
    """Return the text and label columns named by `mapping` (canonical -> source).

    Raises:
        MappingError: the file has no text column, or no label column when `need_label`.
    """
    columns = [str(c) for c in frame.columns]
    needed = (TEXT, LABEL) if need_label else (TEXT,)
    for column in needed:
        if column not in mapping or mapping[column] not in frame:
            raise unknown_column(file, column, columns)
    label = frame[mapping[LABEL]] if LABEL in mapping and mapping[LABEL] in frame else None
    return frame[mapping[TEXT]], label
