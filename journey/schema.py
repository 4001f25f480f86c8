"""The data contract: column names, phases, column specs and result types.

Every other module imports its column names from here, never retypes them.

Accepted events (the output of `validate.validate_events`) hold these dtypes:

| column | dtype | notes |
|---|---|---|
| customer_id | string | never missing |
| timestamp | datetime64[us, UTC] | never missing |
| channel | string | never missing or empty |
| touchpoint | string | never missing (defaults to channel) |
| event_type | string | may be missing |
| conversion | bool | never missing (derived from event_type when not given) |
| revenue | float64 | >= 0; 0.0 when not given |
| team, phase, campaign, device, session_id, segment, ... | string | may be missing |
| row | int64 | 1-based data row of the source file (header not counted) |

Accepted transcripts hold customer_id, timestamp (may be missing), channel, text
(may be empty: kept and labelled unscored), label, agent, conversation_id, speaker, row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

import pandas as pd

# -- event columns ---------------------------------------------------------------------
CUSTOMER_ID: Final = "customer_id"
TIMESTAMP: Final = "timestamp"
CHANNEL: Final = "channel"
TOUCHPOINT: Final = "touchpoint"
EVENT_TYPE: Final = "event_type"
CONVERSION: Final = "conversion"
REVENUE: Final = "revenue"
TEAM: Final = "team"
PHASE: Final = "phase"
CAMPAIGN: Final = "campaign"
DEVICE: Final = "device"
SESSION_ID: Final = "session_id"
SEGMENT: Final = "segment"
ROW: Final = "row"  # 1-based data row in the source file, as in rejects
# True where `phase` came from the data (it wins over the rules); set by the engine's prepare
PHASE_EXPLICIT: Final = "phase_explicit"

# -- transcript columns ----------------------------------------------------------------
TEXT: Final = "text"
LABEL: Final = "label"
AGENT: Final = "agent"
CONVERSATION_ID: Final = "conversation_id"
SPEAKER: Final = "speaker"

# -- reject columns --------------------------------------------------------------------
REJECT_COLUMNS: Final = (ROW, "column", "reason")

# -- flow node names -------------------------------------------------------------------
START: Final = "Start"
CONVERTED: Final = "Converted"
NO_CONVERSION: Final = "No conversion"
OTHER: Final = "Other"
OTHER_TEAMS: Final = "Other teams"
END_NODES: Final = (CONVERTED, NO_CONVERSION)
MISSING_NODE: Final = "(missing)"  # a node whose level value is missing
NO_FURTHER_EVENTS: Final = "(no further events)"  # a funnel drop-off with no next event
PATH_SEPARATOR: Final = " > "  # joins the nodes of a path shown as text
# Names the query layer generates. A data value equal to one of them is shown with its level,
# e.g. "Converted (touchpoint)" (journey.query.nodes), so a generated node never merges with it.
GENERATED_NODES: Final = (START, CONVERTED, NO_CONVERSION, OTHER, MISSING_NODE, NO_FURTHER_EVENTS)

# -- levels ----------------------------------------------------------------------------
LEVELS: Final = (CHANNEL, TOUCHPOINT, PHASE)
ATTRIBUTION_LEVELS: Final = (CHANNEL, TOUCHPOINT, CAMPAIGN)

DEFAULT_CONVERSION_EVENTS: Final = ("purchase", "order")
DEFAULT_ONBOARDING_DAYS: Final = 30
# Touchpoints/channels that count as support after a conversion (matched case-insensitively
# as substrings of channel or touchpoint): these are post-purchase under the default rules.
SUPPORT_KEYWORDS: Final = (
    "call center",
    "call centre",
    "chat",
    "help center",
    "help centre",
    "support",
    "return",
    "complaint",
    "refund",
)
SENTIMENT_LABELS: Final = ("negative", "neutral", "positive")
UNSCORED: Final = "unscored"
UNDETERMINED_LANGUAGE: Final = "und"
# Sentiment output columns (CLI contract: sentiment_score, sentiment_label, language).
SENTIMENT_SCORE: Final = "sentiment_score"
SENTIMENT_LABEL: Final = "sentiment_label"
LANGUAGE: Final = "language"


class Phase(StrEnum):
    """Journey phases, declared in journey order."""

    AWARENESS = "awareness"
    ONBOARDING = "onboarding"
    ENGAGEMENT = "engagement"
    POST_PURCHASE = "post-purchase"


PHASE_DTYPE: Final = pd.CategoricalDtype([p.value for p in Phase], ordered=True)

# One colour-blind-safe palette everywhere (Okabe-Ito).
PHASE_COLORS: Final = {
    Phase.AWARENESS.value: "#0072B2",
    Phase.ONBOARDING.value: "#E69F00",
    Phase.ENGAGEMENT.value: "#009E73",
    Phase.POST_PURCHASE.value: "#CC79A7",
}
END_COLORS: Final = {CONVERTED: "#117733", NO_CONVERSION: "#999999", START: "#333333"}
NEUTRAL_COLOR: Final = "#56B4E9"
FOLDED_COLOR: Final = "#BBBBBB"  # "Other" / "Other teams" nodes: lighter than No conversion
CATEGORY_COLORS: Final = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#999933",  # olive, not Okabe-Ito's yellow (1.3:1 on white)
    "#8C8C8C",  # grey, not black (1.1:1 on the dark theme)
)


@dataclass(frozen=True)
class ColumnSpec:
    """One input column of the contract: canonical name, kind, whether required, synonyms."""

    name: str
    kind: str  # "id", "datetime", "text", "bool", "float", "category"
    required: bool = False
    synonyms: tuple[str, ...] = ()


EVENTS: Final = (
    ColumnSpec(
        CUSTOMER_ID,
        "id",
        True,
        (
            "customer_id",
            "customer",
            "customerid",
            "cust_id",
            "custid",
            "user_id",
            "userid",
            "user",
            "client",
            "client_id",
            "clientid",
            "visitor_id",
            "person_id",
            "contact_id",
            "pelanggan",
            "id_pelanggan",
            "klient",
            "id_klienta",
            "klient_id",
            "uzytkownik",
            "użytkownik",
            "id_uzytkownika",
            "id_użytkownika",
        ),
    ),
    ColumnSpec(
        TIMESTAMP,
        "datetime",
        True,
        (
            "timestamp",
            "ts",
            "time",
            "datetime",
            "date",
            "event_time",
            "event_date",
            "event_timestamp",
            "created_at",
            "occurred_at",
            "waktu",
            "tanggal",
            "tanggal_waktu",
            "data",
            "czas",
            "data_czas",
            "data_zdarzenia",
        ),
    ),
    ColumnSpec(
        CHANNEL,
        "category",
        True,
        (
            "channel",
            "source",
            "medium",
            "source_medium",
            "utm_source",
            "utm_medium",
            "channel_name",
            "saluran",
            "kanal",
            "kanał",
            "media",
            "źródło",
            "zrodlo",
        ),
    ),
    ColumnSpec(
        TOUCHPOINT,
        "category",
        False,
        (
            "touchpoint",
            "touch_point",
            "step",
            "page",
            "page_name",
            "event_name",
            "action",
            "titik_sentuh",
            "langkah",
            "halaman",
            "punkt_styku",
            "punkt_kontaktu",
            "strona",
        ),
    ),
    ColumnSpec(
        EVENT_TYPE,
        "category",
        False,
        (
            "event_type",
            "event",
            "type",
            "eventtype",
            "jenis",
            "jenis_event",
            "typ",
            "typ_zdarzenia",
        ),
    ),
    ColumnSpec(
        CONVERSION,
        "bool",
        False,
        ("conversion", "converted", "is_conversion", "purchase_flag", "konversi", "konwersja"),
    ),
    ColumnSpec(
        REVENUE,
        "float",
        False,
        (
            "revenue",
            "value",
            "amount",
            "order_value",
            "sales",
            "pendapatan",
            "nilai",
            "jumlah",
            "przychód",
            "przychod",
            "wartość",
            "wartosc",
            "kwota",
        ),
    ),
    ColumnSpec(TEAM, "category", False, ("team", "owner", "department", "tim", "zespół", "zespol")),
    ColumnSpec(
        PHASE, "category", False, ("phase", "stage", "journey_phase", "fase", "etap", "faza")
    ),
    ColumnSpec(CAMPAIGN, "category", False, ("campaign", "utm_campaign", "kampanye", "kampania")),
    ColumnSpec(
        DEVICE,
        "category",
        False,
        ("device", "device_type", "platform", "perangkat", "urządzenie", "urzadzenie"),
    ),
    ColumnSpec(SESSION_ID, "id", False, ("session_id", "session", "sessionid", "sesi", "sesja")),
    ColumnSpec(SEGMENT, "category", False, ("segment", "customer_segment", "tier", "segmen")),
)

TRANSCRIPTS: Final = (
    EVENTS[0],
    ColumnSpec(TIMESTAMP, "datetime", False, EVENTS[1].synonyms),
    ColumnSpec(CHANNEL, "category", False, EVENTS[2].synonyms),
    ColumnSpec(
        TEXT,
        "text",
        True,
        (
            "text",
            "transcript",
            "message",
            "body",
            "content",
            "utterance",
            "comment",
            "teks",
            "pesan",
            "isi",
            "tekst",
            "wiadomość",
            "wiadomosc",
            "treść",
            "tresc",
        ),
    ),
    ColumnSpec(
        LABEL, "category", False, ("label", "sentiment", "sentimen", "etykieta", "sentyment")
    ),
    ColumnSpec(
        AGENT,
        "category",
        False,
        ("agent", "agent_id", "agent_name", "operator", "konsultan", "konsultant"),
    ),
    ColumnSpec(
        CONVERSATION_ID,
        "id",
        False,
        (
            "conversation_id",
            "conversation",
            "ticket_id",
            "ticket",
            "case_id",
            "call_id",
            "chat_id",
            "percakapan",
            "rozmowa",
        ),
    ),
    ColumnSpec(
        SPEAKER,
        "category",
        False,
        ("speaker", "role", "author", "from", "sender", "pembicara", "mówca", "mowca"),
    ),
)

EVENT_COLUMNS: Final = tuple(spec.name for spec in EVENTS)
TRANSCRIPT_COLUMNS: Final = tuple(spec.name for spec in TRANSCRIPTS)


def specs_for(kind: str) -> tuple[ColumnSpec, ...]:
    """Return the column specs of an input kind: 'events' or 'transcripts'."""
    if kind == "events":
        return EVENTS
    if kind == "transcripts":
        return TRANSCRIPTS
    msg = f"unknown input kind {kind!r}: use 'events' or 'transcripts'"
    raise ValueError(msg)


@dataclass(frozen=True)
class GroupingRule:
    """Merge touchpoints matching `pattern` (plain substring or regular expression) into `group`."""

    pattern: str
    group: str
    regex: bool = False


@dataclass(frozen=True)
class DatasetSettings:
    """Per-dataset settings saved with it in the workspace."""

    timezone: str = "UTC"
    onboarding_days: int = DEFAULT_ONBOARDING_DAYS
    conversion_events: tuple[str, ...] = DEFAULT_CONVERSION_EVENTS
    day_first: bool | None = None  # None: detect from the data
    phase_overrides: dict[str, str] = field(default_factory=dict)  # touchpoint -> phase
    team_map: dict[str, str] = field(default_factory=dict)  # touchpoint -> team
    grouping_rules: tuple[GroupingRule, ...] = ()
    # what counts as a cart (next best action); None: proposed from names holding cart,
    # keranjang or koszyk
    cart_touchpoints: tuple[str, ...] | None = None
    cart_event_types: tuple[str, ...] | None = None


class ConversionRule(StrEnum):
    """What marks an event as a conversion, in order of precedence."""

    COLUMN = "column"  # a mapped conversion column
    EVENT_TYPE = "event_type"  # an event type listed in DatasetSettings.conversion_events
    REVENUE = "revenue"  # revenue > 0, when neither of the above marks any event
    NONE = "none"  # nothing in the file marks conversions


@dataclass(frozen=True)
class ValidationResult:
    """Accepted rows, and one reject per (row, column, reason)."""

    accepted: pd.DataFrame
    rejects: pd.DataFrame  # columns row, column, reason; a row may have several reasons
    rows_read: int
    duplicates: int = 0  # exact duplicate data rows (kept, counted and reported)
    file: str = ""
    conversion_rule: ConversionRule | None = None  # events only: what marked conversions

    def __post_init__(self) -> None:
        n_rejected = self.rejects[ROW].nunique() if len(self.rejects) else 0
        if self.rows_read != len(self.accepted) + n_rejected:
            msg = f"{self.rows_read} read != {len(self.accepted)} accepted + {n_rejected} rejected"
            raise ValueError(msg)

    @property
    def rows_accepted(self) -> int:
        """Number of accepted rows."""
        return len(self.accepted)

    @property
    def rows_rejected(self) -> int:
        """Number of distinct rejected rows."""
        return int(self.rejects[ROW].nunique()) if len(self.rejects) else 0

    def summary(self) -> str:
        """One line: rows read / accepted / rejected / duplicates."""
        return (
            f"{self.file or 'input'}: {self.rows_read} rows read, {self.rows_accepted} accepted, "
            f"{self.rows_rejected} rejected, {self.duplicates} exact duplicates"
        )


def empty_rejects() -> pd.DataFrame:
    """Return an empty rejects frame with the contract's columns and dtypes."""
    return pd.DataFrame(
        {
            ROW: pd.Series(dtype="int64"),
            "column": pd.Series(dtype="string"),
            "reason": pd.Series(dtype="string"),
        }
    )


@dataclass(frozen=True)
class RawTable:
    """A file as read: source columns (text formats as strings), before mapping and rules.

    `frame` has one row per data row in file order (frame row i is data row i + 1), headers
    stripped and the BOM removed. Rows the reader could not split into the header's columns
    (ragged CSV rows, broken JSON lines) stay in `frame`, padded or cut to the header, and are
    listed in `rejects` (row, column, reason) so validation rejects them with that reason.
    """

    frame: pd.DataFrame
    file: str
    format: str  # "csv" | "excel" | "parquet" | "json" | "jsonl"
    encoding: str | None
    delimiter: str | None
    rejects: pd.DataFrame = field(default_factory=empty_rejects)


# Long-running library functions take `progress: ProgressFn | None`; they call it with a
# fraction in 0..1 and a short message. The app passes st.progress, the CLI a stderr bar.
ProgressFn = Callable[[float, str], None]
