"""Deterministic sample transcripts: the calls, chats and emails behind contact events.

Conversations are written from the phrase pools (`phrases_en`, `phrases_id`, `phrases_pl`)
with one seeded `numpy.random.Generator`; a helper that draws must keep its place in the order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

import numpy as np
import pandas as pd

from journey.sample import phrases_en, phrases_id, phrases_pl
from journey.sample.constants import HOUR, MINUTE, NEG, NEU, POS, SAMPLE_TRANSCRIPT_COLUMNS
from journey.schema import (
    AGENT,
    CHANNEL,
    CONVERSATION_ID,
    CUSTOMER_ID,
    EVENT_TYPE,
    LABEL,
    SPEAKER,
    TEXT,
    TIMESTAMP,
    TOUCHPOINT,
)

BOT: Final = "Lumio Bot"
# contact events that get a transcript: calls, chats and support emails
_CONTACT_TOUCHES: Final = (
    "Call Center|Support call",
    "Call Center|Sales call",
    "Call Center|Demo call",
    "Chat|Chatbot",
    "Chat|Live chat",
    "Email|Support email",
)
_PRODUCTS: Final = (
    "Lumio Hub",
    "Lumio Cam 2",
    "Lumio Cam Pro",
    "Lumio Smart Lamp",
    "Lumio Air purifier",
    "Lumio Sense thermostat",
    "Lumio Doorbell",
    "Lumio Plug mini",
    "Lumio Leak sensor",
    "Lumio Smart Lock",
)
_AGENTS: Final = {
    "en": ("Emma", "Liam", "Olivia", "Noah", "Ava", "Lucas", "Mia", "Ethan", "Sofia", "Daniel"),
    "id": ("Ayu", "Budi", "Siti", "Rizky", "Dewi", "Fajar"),
    "pl": ("Kasia", "Tomasz", "Agnieszka", "Piotr"),
}
_NAMES: Final = (
    "Sarah", "Mark", "Jen", "Tom", "Priya", "Carlos", "Hannah", "Mike", "Lena", "Ben", "Aisha",
    "Jack", "Chloe", "Raj", "Nina", "Paul", "Dimas", "Putri", "Marta", "Kuba",
)  # fmt: skip
_PROBLEMS: Final = (
    "delivery", "double_charge", "refund", "password", "cancellation", "on_hold",
    "device_fault", "invoice", "return",
)  # fmt: skip
# topic mix per contact touch; pre-sales calls and chats (before any purchase) ask questions
_TOPIC_MIX: Final = {
    "presales": {"product_question": 4.0, "upgrade": 2.0, "delivery": 0.8, "praise": 0.4},
    "Call Center|Support call": {
        "delivery": 2.5,
        "double_charge": 2.0,
        "refund": 1.5,
        "on_hold": 2.2,
        "cancellation": 1.0,
        "device_fault": 1.5,
        "upgrade": 0.4,
        "invoice": 0.5,
    },
    "Chat|Live chat": {
        "delivery": 2.0,
        "product_question": 1.5,
        "password": 1.0,
        "refund": 1.5,
        "upgrade": 1.0,
        "praise": 1.0,
        "device_fault": 1.5,
        "return": 1.0,
    },
    "Chat|Chatbot": {
        "password": 3.0,
        "delivery": 2.5,
        "return": 1.5,
        "refund": 1.0,
        "device_fault": 0.5,
    },
    "Email|Support email": {
        "refund": 2.0,
        "invoice": 2.0,
        "cancellation": 1.5,
        "delivery": 1.5,
        "praise": 1.0,
        "return": 1.5,
        "double_charge": 1.0,
    },
}
# how the customer's mood runs: at their first, middle and last turn
_ARCS: Final = {
    "positive": (POS, POS, POS),
    "neutral": (NEU, NEU, NEU),
    "resolved": (NEU, NEU, POS),
    "negative": (NEG, NEG, NEG),
    "improving": (NEG, NEU, POS),
    "souring": (NEU, NEG, NEG),
}

_LANGS: Final = {"en": phrases_en.PHRASES, "id": phrases_id.PHRASES, "pl": phrases_pl.PHRASES}
_WEEKDAYS: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
_WEEKDAYS_ID: Final = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu")
_MONTHS: Final = ("March", "April", "May", "June", "July")
_MONTHS_ID: Final = ("Maret", "April", "Mei", "Juni", "Juli")
_CITIES: Final = ("Leeds", "Austin", "Dublin", "Perth", "Toronto", "Manchester", "Denver", "Cork")
_ECOSYSTEMS: Final = ("Alexa", "Google Home", "Apple Home", "SmartThings", "Home Assistant")
_OS: Final = ("iOS 18", "Android 15", "Android 14", "iPadOS 17")
_MAILS: Final = ("gmail.com", "outlook.com", "yahoo.com", "proton.me")
# informal Indonesian chat spelling
_ID_SLANG: Final = (
    (" yang ", " yg "), ("sudah", "sdh"), ("tidak", "gak"), ("terima kasih", "makasih"),
    ("saya", "sy"), ("belum", "blm"),
)  # fmt: skip
_PL_PLAIN: Final = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")
_KEEP_CAPITAL: Final = re.compile(r"^(?:I\b|I'|Lumio|[A-Z]{2}|#|\{)")


class _Writer:
    """Writes conversations from the phrase pools, drawing from one seeded generator."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng

    def one(self, options: Sequence[str]) -> str:
        """Pick one option uniformly."""
        return options[int(self.rng.integers(len(options)))]

    def chance(self, p: float) -> bool:
        """Return True with probability p."""
        return bool(self.rng.random() < p)

    def slots(self, agent: str) -> dict[str, str]:
        """Draw the values one conversation refers to: order number, product, amounts, ..."""
        r = self.rng
        order_no = f"A{int(r.integers(10000, 100000))}"
        first, second = r.choice(len(_PRODUCTS), size=2, replace=False)
        name = self.one(_NAMES)
        return {
            "order": f"#{order_no}",
            "order_no": order_no,
            "product": _PRODUCTS[first],
            "product2": _PRODUCTS[second],
            "days": str(int(r.integers(3, 15))),
            "years": str(int(r.integers(2, 9))),
            "minutes": str(int(r.integers(15, 75))),
            "amount": f"${int(r.integers(19, 400))}.{int(r.integers(0, 100)):02d}",
            "amount_idr": f"Rp{int(r.integers(150, 4000))}.000",
            "amount_pln": f"{int(r.integers(49, 1500))},{int(r.integers(0, 100)):02d} zł",
            "date": f"{self.one(_MONTHS)} {int(r.integers(1, 29))}",
            "day_id": f"{int(r.integers(1, 29))} {self.one(_MONTHS_ID)}",
            "weekday": self.one(_WEEKDAYS),
            "weekday_id": self.one(_WEEKDAYS_ID),
            "city": self.one(_CITIES),
            "ecosystem": self.one(_ECOSYSTEMS),
            "n": str(int(r.integers(3, 60))),
            "agent": agent,
            "agent2": self.one(_AGENTS["en"]),
            "email": f"{name.lower()}{int(r.integers(1, 99))}@{self.one(_MAILS)}",
            "version": f"4.{int(r.integers(0, 12))}.{int(r.integers(0, 9))}",
            "os": self.one(_OS),
            "last4": f"{int(r.integers(0, 10000)):04d}",
            "tracking": f"1Z{int(r.integers(10**9, 10**10))}",
            "ticket": f"TCK-{int(r.integers(100000, 1000000))}",
            "price": self.one(("$4.99", "$7.99", "$9.99")),
            "price_idr": self.one(("Rp49.000", "Rp79.000")),
            "name": name,
        }

    def roughen(self, text: str, lang: str) -> str:
        """Make a customer's message look typed: typos, lower case, slang, missing accents."""
        if lang == "id":
            if self.chance(0.4):
                for formal, slang in _ID_SLANG:
                    text = text.replace(formal, slang)
            return text
        if lang == "pl":
            return text.translate(_PL_PLAIN) if self.chance(0.3) else text
        if not self.chance(0.2):
            return text
        kind = int(self.rng.integers(4))
        words = text.split(" ")
        long_words = [i for i, word in enumerate(words) if len(word) > 4 and word.isalpha()]
        if kind < 2 and long_words:
            i = long_words[int(self.rng.integers(len(long_words)))]
            word = words[i]
            p = int(self.rng.integers(1, len(word) - 2))
            # kind 0 swaps two letters ("recieve"), kind 1 drops one ("delivry")
            words[i] = (
                word[:p] + word[p + 1] + word[p] + word[p + 2 :]
                if kind == 0
                else (word[:p] + word[p + 1 :])
            )
            return " ".join(words)
        if kind == 2:
            return text.lower()
        return text.rstrip(".!")


def _join(*parts: str) -> str:
    """Join sentence parts with spaces; after a greeting ending in a comma, lower-case the next."""
    out: list[str] = []
    for part in parts:
        if not part:
            continue
        if out and out[-1].endswith(",") and not _KEEP_CAPITAL.match(part):
            part = part[0].lower() + part[1:]
        out.append(part)
    return " ".join(out)


class _Conversation:
    """One call, chat or email: its language, topic, mood arc, agent and turns."""

    def __init__(
        self, w: _Writer, lang: str, channel: str, touch: str, topic: str, arc: str
    ) -> None:
        self.w, self.lang, self.channel, self.topic = w, lang, channel, topic
        self.pool = _LANGS[lang]
        self.agent = w.one(_AGENTS[lang])
        self.slots = w.slots(self.agent)
        self.bot = touch == "Chat|Chatbot"
        self.turns: list[tuple[str, str, str, str]] = []  # speaker, text, mood, agent
        first, middle, last = _ARCS[arc]
        n = int(w.rng.integers(1, 3)) if channel == "Email" else int(w.rng.integers(2, 5))
        self.moods = [first] if n == 1 else [first, *[middle] * (n - 2), last]
        self.outcome = last  # how the conversation ends, for the agent's last answer
        self.asked = False

    def fill(self, *parts: str) -> str:
        """Join parts and fill the conversation's slots."""
        return _join(*parts).format(**self.slots)

    def agent_says(self, text: str, who: str | None = None) -> None:
        """Append an agent turn."""
        self.turns.append(("agent", text, "", who or self.agent))

    def customer_says(self, i: int) -> None:
        """Append the customer's i-th turn, written in its planned mood."""
        w, p, mood = self.w, self.pool, self.moods[i]
        if i == 0:
            context = w.one(p["context"]) if "context" in p and w.chance(0.3) else ""
            detail = w.one(p["detail"]) if self.channel == "Email" or w.chance(0.25) else ""
            parts = [w.one(p["open"][mood]), context, w.one(p["issue"][self.topic]), detail]
            parts.append(w.one(p["tail"][mood]))
            if self.channel == "Email":
                parts.append(w.one(p["sign"][mood]))
        elif self.asked:  # the agent asked for an order number, an email, a device
            lead = w.one(p["give"][mood]) if "give" in p else w.one(p["react"][mood])
            parts = [lead, w.one(p["detail"])]
        elif i < len(self.moods) - 1:
            parts = [w.one(p["react"][mood]), w.one(p["detail"]) if w.chance(0.4) else ""]
        else:
            react = w.one(p["react"][mood]) if w.chance(0.25) else ""
            parts = [react, w.one(p["close"][mood])]
        text = w.roughen(self.fill(*parts), self.lang)
        self.turns.append(("customer", text, mood, self.agent))

    def answer(self, mood: str, outcome: str, ask: bool, greet: str = "") -> str:
        """Write the agent's reply to a customer in `mood` who will answer in `outcome`."""
        w, p = self.w, self.pool
        self.asked = ask
        empathy = w.one(p["empathy"]) if mood == NEG or (ask and self.topic in _PROBLEMS) else ""
        if ask:
            body = w.one(p["ask"])
        elif outcome == NEG:  # the reply that does not help comes before the angry answer
            body = w.one(p["fail"])
        else:
            body = w.one(p.get(self.topic, p.get("action", ())))
        return self.fill(greet, empathy, body)

    def write(self) -> list[tuple[str, str, str, str]]:
        """Write every turn: the agent greets calls, the bot greets chatbot chats."""
        w, p, n = self.w, self.pool, len(self.moods)
        if self.channel == "Email":
            self.customer_says(0)
            outcome = self.moods[1] if n == 2 else self.outcome
            reply = self.answer(self.moods[0], outcome, ask=False, greet=w.one(p["greet_email"]))
            self.agent_says(self.fill(reply, w.one(p["sign_agent"])))
            if n == 2:
                self.customer_says(1)
                if w.chance(0.4):
                    self.agent_says(self.fill(w.one(p["agent_close"])))
            return self.turns
        if self.channel == "Call Center":
            self.agent_says(self.fill(w.one(p["greet_call"])))
        elif self.bot:
            self.agent_says(self.fill(w.one(p["bot_greet"])), BOT)
        for i in range(n):
            self.customer_says(i)
            if i == n - 1:
                break
            greet = ""
            if i == 0 and self.bot:
                if w.chance(0.5):
                    self.agent_says(self.fill(w.one(p["bot_miss"])), BOT)
                self.agent_says(self.fill(w.one(p["bot_handoff"])), BOT)
                greet = w.one(p["greet_chat"])
            elif i == 0 and self.channel == "Chat":
                greet = w.one(p["greet_chat"])
            ask = i == 0 and n > 2
            self.agent_says(self.answer(self.moods[i], self.moods[i + 1], ask=ask, greet=greet))
        if w.chance(0.8):
            self.agent_says(self.fill(w.one(p["agent_close"])))
        return self.turns


def _draw_arc(rng: np.random.Generator, topic: str, touch: str, n_support: int) -> str:
    """Choose how a conversation's mood runs from its topic, touch and the customer's history."""
    if topic == "praise":
        p = {"positive": 0.9, "resolved": 0.1}
    elif topic in ("product_question", "upgrade"):
        p = {"neutral": 0.3, "resolved": 0.3, "positive": 0.3, "souring": 0.1}
    elif n_support >= 3 or topic == "on_hold":
        p = {"negative": 0.4, "souring": 0.2, "improving": 0.25, "neutral": 0.1, "resolved": 0.05}
    elif touch == "Chat|Chatbot":
        p = {"souring": 0.3, "negative": 0.25, "improving": 0.15, "resolved": 0.2, "neutral": 0.1}
    else:
        p = {"improving": 0.35, "resolved": 0.2, "negative": 0.2, "souring": 0.12, "neutral": 0.13}
    names = list(p)
    return names[int(rng.choice(len(names), p=np.array(list(p.values()))))]


def generate_transcripts(events: pd.DataFrame, seed: int = 7) -> pd.DataFrame:
    """Generate one row per turn of the calls, chats and emails behind contact events.

    Args:
        events: Output of `generate_events` (string columns, ISO timestamps).
        seed: Seed of the text generator.

    Returns:
        Columns customer_id, timestamp, channel, conversation_id, speaker, text, agent, label;
        in conversation order (by the contact's timestamp), turns in the order they were said.
        A conversation starts at its contact event's timestamp and lasts less than a day.
    """
    rng = np.random.default_rng([seed, 2])
    contacts = _contacts(rng, events)
    lang_of = _languages(rng, events)
    support = events[EVENT_TYPE] == "support_contact"
    # customers behind many support contacts are the unhappy ones
    n_support = events[support].groupby(CUSTOMER_ID).size()
    w = _Writer(rng)
    rows: list[tuple[str, int, str, str, str, str, str, str]] = []
    for n, (cid, channel, key, is_support, start) in enumerate(contacts):
        mix = _TOPIC_MIX[key] if is_support else _TOPIC_MIX["presales"]
        weights = np.array(list(mix.values()))
        topic = list(mix)[int(rng.choice(len(mix), p=weights / weights.sum()))]
        arc = _draw_arc(rng, topic, key, int(n_support.get(cid, 0)))
        turns = _Conversation(w, lang_of[cid], channel, key, topic, arc).write()
        # emails are answered within hours, calls and chats take seconds per turn
        low, high = (40 * MINUTE, 4 * HOUR) if channel == "Email" else (15.0, 150.0)
        offsets = np.r_[0, np.cumsum(rng.uniform(low, high, len(turns) - 1).astype(np.int64))]
        conversation = f"CV{n + 1:05d}"
        for (speaker, text, mood, agent), offset in zip(turns, offsets, strict=True):
            rows.append(
                (cid, int(start + offset), channel, conversation, speaker, text, agent, mood)
            )
    columns = [CUSTOMER_ID, "t", CHANNEL, CONVERSATION_ID, SPEAKER, TEXT, AGENT, "mood"]
    return _finish(rng, pd.DataFrame(rows, columns=columns))


def _contacts(
    rng: np.random.Generator, events: pd.DataFrame
) -> list[tuple[str, str, str, bool, int]]:
    """Pick the contact events that get a transcript: (customer, channel, touch, support, t)."""
    touch_key = events[CHANNEL] + "|" + events[TOUCHPOINT]
    is_contact = touch_key.isin(_CONTACT_TOUCHES).to_numpy()
    support = (events[EVENT_TYPE] == "support_contact").to_numpy()
    keep = is_contact & (rng.random(len(events)) < np.where(support, 0.62, 0.3))
    chosen = events[keep]
    # t: epoch seconds (timestamps parse at microsecond resolution)
    starts = pd.to_datetime(chosen[TIMESTAMP], utc=True).astype("int64").to_numpy() // 10**6
    return list(
        zip(
            chosen[CUSTOMER_ID],
            chosen[CHANNEL],
            touch_key[keep].to_numpy(),
            support[keep],
            starts,
            strict=True,
        )
    )


def _languages(rng: np.random.Generator, events: pd.DataFrame) -> dict[str, str]:
    """Draw each customer's language: about 10% Indonesian, 3% Polish, the rest English."""
    customers = np.unique(events[CUSTOMER_ID].to_numpy())
    draw = rng.random(customers.size)
    language = np.where(draw < 0.10, "id", np.where(draw < 0.13, "pl", "en"))
    return dict(zip(customers, language, strict=True))


def _finish(rng: np.random.Generator, frame: pd.DataFrame) -> pd.DataFrame:
    """Stamp the turns, drop a few texts, label 40% of customer turns; the canonical columns."""
    is_customer = (frame[SPEAKER] == "customer").to_numpy()
    empty = rng.random(len(frame)) < 0.006  # dropped lines: a few turns without text
    labelled = is_customer & ~empty & (rng.random(len(frame)) < 0.4)
    stamp = pd.to_datetime(frame["t"], unit="s", utc=True).dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return frame.assign(
        **{
            TIMESTAMP: stamp,
            TEXT: np.where(empty, "", frame[TEXT]),
            LABEL: np.where(labelled, frame["mood"], ""),
        }
    )[list(SAMPLE_TRANSCRIPT_COLUMNS)].astype("str")
