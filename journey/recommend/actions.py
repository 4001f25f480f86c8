"""Candidate actions a team can trigger, and the model's expected lift of each one.

"Expected lift (model)" = P(conversion | this touch added now) - P(conversion | without it):
the propensity model scores each customer's features twice, once as they are and once as if
the action's touch had just happened. It is an association learnt from history, not a
measured causal effect, and is labelled so wherever it is shown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Protocol, runtime_checkable

import numpy as np
import pandas as pd

from journey.errors import SettingsError
from journey.query.engine.features import WINDOWS


@dataclass(frozen=True)
class Action:
    """A touch the team can trigger: a stable id, a label and the channel it goes out on."""

    id: str
    label: str
    channel: str
    promotion: bool = True  # a service follow-up is not a promotion


DEFAULT_ACTIONS: Final = (
    Action("email", "Email", "Email"),
    Action("push", "Push notification", "Push"),
    Action("sms", "SMS", "SMS"),
    Action("retargeting_ad", "Retargeting ad", "Display"),
    Action("sales_call", "Sales call", "Call Center"),
    Action("service_follow_up", "Service follow-up", "Call Center", promotion=False),
    Action("in_app_message", "In-app message", "App"),
)
ACTION_COLUMNS: Final = ("id", "label", "channel", "promotion")
CHUNK_ROWS: Final = 100_000  # customers scored at a time (bounds the what-if matrices' memory)


@runtime_checkable
class Scorer(Protocol):
    """Anything with `predict_proba(features) -> (n, 2)` (a fitted PropensityModel)."""

    def predict_proba(self, features: pd.DataFrame) -> np.ndarray:
        """P(no conversion), P(conversion) per row."""
        ...


def actions_frame(actions: Sequence[Action] = DEFAULT_ACTIONS) -> pd.DataFrame:
    """The actions as an editable table: id, label, channel, promotion."""
    return pd.DataFrame(
        [[a.id, a.label, a.channel, a.promotion] for a in actions], columns=list(ACTION_COLUMNS)
    )


def parse_actions(table: pd.DataFrame) -> tuple[Action, ...]:
    """Read an edited actions table back; ids must be unique and channels filled."""
    missing = [c for c in ("id", "channel") if c not in table.columns]
    if missing:
        raise SettingsError(f"the actions table needs the column(s) {', '.join(missing)}")
    rows = table.dropna(how="all")
    out: list[Action] = []
    for id_, label, channel, promotion in zip(
        rows["id"].astype("str").str.strip(),
        rows.get("label", rows["id"]).astype("str"),
        rows["channel"].fillna("").astype("str").str.strip(),
        rows.get("promotion", pd.Series(True, index=rows.index)).fillna(True).astype(bool),
        strict=True,
    ):
        if not id_ or id_ == "none":
            raise SettingsError("every action needs an id other than 'none'")
        if not channel:
            raise SettingsError(f"action {id_!r} needs a channel")
        out.append(Action(id_, label or id_, channel, bool(promotion)))
    ids = [a.id for a in out]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise SettingsError(f"action ids must be unique: {', '.join(dupes)} repeats")
    if not out:
        raise SettingsError("list at least one candidate action")
    return tuple(out)


def touch_additions(features: pd.DataFrame, channel: str) -> dict[str, object]:
    """What a touch on `channel` sent at the cut-off adds to each count column (1 or per row)."""
    added: dict[str, object] = {}
    for w in WINDOWS:
        added[f"touches_{w}d"] = 1
        per_channel = f"touches_{w}d:{channel}"
        if per_channel in features.columns:
            added[per_channel] = 1
        for phase_column in [c for c in features.columns if c.startswith(f"phase_touches_{w}d:")]:
            phase = phase_column.split(":", 1)[1]
            at_phase = (features["current_phase"] == phase).fillna(False)
            added[phase_column] = at_phase.to_numpy(dtype=bool)
    since_cart = f"since_cart:{channel}"
    if since_cart in features.columns:
        added[since_cart] = features["open_cart"].astype("int64").to_numpy()
    added["frequency"] = 1
    # recency, last channel and last-is-support stay as they are: a message we send is not
    # the customer acting, and resetting recency would credit every action with "recent
    # activity" (a lift that says more about recency than about the action)
    return added


def with_touch(features: pd.DataFrame, action: Action) -> pd.DataFrame:
    """The features as if the action's touch had been sent at the cut-off (counts only)."""
    out = features.copy()
    for column, value in touch_additions(features, action.channel).items():
        out[column] = out[column] + value
    return out


@runtime_checkable
class WhatIfScorer(Scorer, Protocol):
    """A scorer that scores many what-ifs of the same rows in one pass (PropensityModel)."""

    def predict_proba_added(
        self, features: pd.DataFrame, additions: Sequence[Mapping[str, object]]
    ) -> list[np.ndarray]:
        """P(conversion) as the rows are, then with each mapping's values added."""
        ...


def score_actions(
    model: Scorer, features: pd.DataFrame, actions: Sequence[Action]
) -> tuple[np.ndarray, pd.DataFrame]:
    """P(conversion) per row and the expected lift (model) per row and action id.

    Rows are scored CHUNK_ROWS at a time, so memory stays bounded however many customers
    there are; the what-if features depend on the channel only, so each channel is scored once.
    """
    channels = list(dict.fromkeys(a.channel for a in actions))
    n = len(features)
    base = np.empty(n, dtype="float64")
    lifts = np.empty((n, len(channels)), dtype="float64")
    for start in range(0, n, CHUNK_ROWS):
        part = features.iloc[start : start + CHUNK_ROWS]
        additions = [touch_additions(part, ch) for ch in channels]
        if isinstance(model, WhatIfScorer):
            scored = model.predict_proba_added(part, additions)
        else:
            scored = [model.predict_proba(part)[:, 1]]
            for added in additions:
                changed = part.copy()
                for column, value in added.items():
                    changed[column] = changed[column] + value
                scored.append(model.predict_proba(changed)[:, 1])
        stop = start + len(part)
        base[start:stop] = scored[0]
        for j, probability in enumerate(scored[1:]):
            lifts[start:stop, j] = probability - scored[0]
    lift = pd.DataFrame(
        {a.id: lifts[:, channels.index(a.channel)] for a in actions}, index=features.index
    )
    return base, lift


def expected_lift(model: Scorer, features: pd.DataFrame, actions: Sequence[Action]) -> pd.DataFrame:
    """Per customer (rows as `features`) and action id: P(conv | touch now) - P(conv | none)."""
    return score_actions(model, features, actions)[1]


def recency_baseline(
    features: pd.DataFrame, actions: Sequence[Action], random_state: int = 0
) -> np.ndarray:
    """The baseline's pick per row (index into `actions`): the most recently used channel.

    Channels touched in the last 7 days beat those of the last 30, which beat the last 90;
    ties (and customers no action channel reached) are broken at random.
    """
    if not actions:
        raise SettingsError("list at least one candidate action")
    rng = np.random.default_rng(random_state)
    score = np.zeros((len(features), len(actions)))
    for j, action in enumerate(actions):
        for weight, window in ((4.0, 7), (2.0, 30), (1.0, 90)):
            column = f"touches_{window}d:{action.channel}"
            if column in features.columns:
                touched = pd.to_numeric(features[column], errors="coerce").fillna(0) > 0
                score[:, j] += weight * touched.to_numpy()
    score += rng.random(score.shape) * 0.5
    return np.argmax(score, axis=1)
