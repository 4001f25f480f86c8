"""The orchestration rules, in order, each with a fixed id, and the reason each row fired.

Every customer gets exactly one decision: the first enabled rule that applies wins.

1. `do_not_contact`: an opt-out attribute is true → action `none`, no channel;
2. `service_first`: the last contact was negative or an unresolved support contact → a
   service follow-up, never a promotion;
3. `frequency_cap`: every channel is at its cap → `none` (a single capped channel is skipped
   by every later rule, which then says so);
4. `abandoned_cart`: a cart opened in the last `cart_hours` with no purchase since → a
   reminder on the best-responding channel that is not capped;
5. `onboarding`: a first purchase within the onboarding window and no onboarding touch yet
   → the next onboarding step;
6. `win_back`: no touch for `win_back_days` after a purchase → a win-back offer;
7. `model`: otherwise the candidate with the highest expected lift (model).

All of it is column arithmetic over the per-customer frame: no loop per customer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import pandas as pd

from journey.errors import SettingsError
from journey.recommend.actions import Action
from journey.recommend.reasons import explain

RULE_IDS: Final = (
    "do_not_contact",
    "service_first",
    "frequency_cap",
    "abandoned_cart",
    "onboarding",
    "win_back",
    "model",
)
ANY: Final = "*"  # the cap on touches of any kind
NONE: Final = "none"
RULE_ACTIONS: Final = {
    "abandoned_cart": "cart_reminder",
    "onboarding": "onboarding_step",
    "win_back": "win_back_offer",
}
DECISION_COLUMNS: Final = ("customer_id", "action", "channel", "rule", "reason", "score")


@dataclass(frozen=True)
class RuleSettings:
    """Which rules run and their parameters (caps: channel or "*" -> max touches per window)."""

    enabled: tuple[str, ...] = RULE_IDS
    caps: Mapping[str, int] = field(default_factory=lambda: {"Email": 3, "SMS": 1, ANY: 5})
    cap_days: int = 7
    cart_hours: float = 48.0
    onboarding_days: int = 30
    win_back_days: int = 60
    negative_below: float = -0.25
    service_action: str = "service_follow_up"
    min_lift: float = 0.0  # the model rule sends nothing when no action lifts more than this

    def __post_init__(self) -> None:
        unknown = sorted(set(self.enabled) - set(RULE_IDS))
        if unknown:
            raise SettingsError(f"unknown rule id(s) {', '.join(unknown)}: use {RULE_IDS}")
        bad = {k: v for k, v in self.caps.items() if int(v) < 0}
        if bad:
            raise SettingsError(f"caps must be 0 or more: {bad}")
        if self.cap_days != 7:
            raise SettingsError("caps count the last 7 days: the features hold 7-day counts")
        for name in ("cart_hours", "onboarding_days", "win_back_days"):
            if getattr(self, name) <= 0:
                raise SettingsError(f"{name} must be positive")


def _col(frame: pd.DataFrame, name: str, default: float = np.nan) -> pd.Series:
    """A numeric column, or `default` everywhere when the frame has none."""
    if name in frame.columns:
        return pd.to_numeric(frame[name], errors="coerce").astype("float64")
    return pd.Series(default, index=frame.index, dtype="float64")


def sent_counts(features: pd.DataFrame, actions: Sequence[Action]) -> pd.DataFrame:
    """Touches per action channel in the last 7 days (a customer x channel count frame)."""
    channels = list(dict.fromkeys(a.channel for a in actions))
    return pd.DataFrame(
        {ch: _col(features, f"touches_7d:{ch}", 0.0).fillna(0.0) for ch in channels},
        index=features.index,
    )


def capped_matrix(
    sent: pd.DataFrame, actions: Sequence[Action], settings: RuleSettings
) -> np.ndarray:
    """(customers x actions) True where the action's channel, or any-kind total, is at its cap."""
    total = sent.sum(axis=1).to_numpy()
    any_cap = settings.caps.get(ANY)
    columns = []
    for action in actions:
        cap = settings.caps.get(action.channel)
        hit = np.zeros(len(sent), dtype=bool)
        if cap is not None:
            hit |= sent[action.channel].to_numpy() >= cap
        if any_cap is not None:
            hit |= total >= any_cap
        columns.append(hit)
    return np.column_stack(columns) if columns else np.zeros((len(sent), 0), dtype=bool)


def _pick(score: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """Per row, the column with the highest score among allowed ones (-1 when none)."""
    masked = np.where(allowed, score, -np.inf)
    best = np.argmax(masked, axis=1) if masked.shape[1] else np.zeros(len(masked), dtype=int)
    ok = allowed.any(axis=1) if masked.shape[1] else np.zeros(len(masked), dtype=bool)
    return np.where(ok, best, -1)


def _response(features: pd.DataFrame, actions: Sequence[Action]) -> np.ndarray:
    """(customers x actions) response rate of each action's channel (-1 when unknown)."""
    cols = [_col(features, f"response_rate:{a.channel}").fillna(-1.0) for a in actions]
    return np.column_stack(cols) if cols else np.zeros((len(features), 0))


@dataclass(frozen=True)
class _Masks:
    """Which rule applies to which customer, before the rule order is applied."""

    facts: dict[str, np.ndarray]
    capped: np.ndarray
    probability: np.ndarray


def _masks(
    features: pd.DataFrame,
    probability: np.ndarray,
    actions: Sequence[Action],
    settings: RuleSettings,
) -> _Masks:
    """Each rule's condition as a boolean column."""
    sentiment = _col(features, "last_sentiment")
    since_first = _col(features, "days_since_first_conversion")
    facts = {
        "do_not_contact": _col(features, "opted_out", 0.0).fillna(0.0).to_numpy() > 0,
        "service_first": (
            (sentiment < settings.negative_below).to_numpy()
            | (_col(features, "last_is_support", 0.0).fillna(0.0).to_numpy() > 0)
        ),
        "abandoned_cart": (
            (_col(features, "open_cart", 0.0).fillna(0.0).to_numpy() > 0)
            & (_col(features, "hours_since_cart").to_numpy() <= settings.cart_hours)
        ),
        "onboarding": (
            (since_first <= settings.onboarding_days).to_numpy()
            & (_col(features, "onboarding_touches", 0.0).fillna(0.0).to_numpy() == 0)
        ),
        "win_back": (
            (_col(features, "conversions", 0.0).to_numpy() > 0)
            & (_col(features, "recency_days").to_numpy() >= settings.win_back_days)
        ),
    }
    capped = capped_matrix(sent_counts(features, actions), actions, settings)
    if "frequency_cap" not in settings.enabled:  # switched off: no caps at all
        capped = np.zeros_like(capped)
    return _Masks(facts, capped, probability)


def decide(
    features: pd.DataFrame,
    probability: np.ndarray,
    lift: pd.DataFrame,
    actions: Sequence[Action],
    settings: RuleSettings | None = None,
) -> pd.DataFrame:
    """One decision per customer: columns customer_id, action, channel, rule, reason, score.

    Args:
        features: One row per customer (engine features at the cut-off).
        probability: The model's P(conversion) per row.
        lift: Expected lift (model) per row and action id (`actions.expected_lift`).
        actions: The candidate actions, in the team's order (ties go to the earlier one).
        settings: Rules switched on and their parameters.

    Returns:
        Rows in the order of `features`, plus the working columns `rule_index` (position of
        the rule in RULE_IDS) and `action_index` (position in `actions`, -1 for none).
    """
    settings = settings or RuleSettings()
    if not actions:
        raise SettingsError("list at least one candidate action")
    n, enabled = len(features), set(settings.enabled)
    m = _masks(features, probability, actions, settings)
    promo = np.array([a.promotion for a in actions])
    lift_m = lift[[a.id for a in actions]].to_numpy(dtype="float64")
    free = ~m.capped
    best_any = _pick(lift_m, np.broadcast_to(promo, lift_m.shape))
    best_free = _pick(lift_m, free & promo)
    ids = [a.id for a in actions]
    service = ids.index(settings.service_action) if settings.service_action in ids else -1
    rule = np.full(n, -1)
    choice = np.full(n, -1)

    def assign(rule_id: str, mask: np.ndarray, pick: np.ndarray) -> None:
        todo = (rule == -1) & mask & (rule_id in enabled)
        rule[todo] = RULE_IDS.index(rule_id)
        choice[todo] = pick[todo]

    assign("do_not_contact", m.facts["do_not_contact"], np.full(n, -1))
    service_pick = np.full(n, service)
    if service >= 0:
        service_pick = np.where(m.capped[:, service], -1, service)
    assign("service_first", m.facts["service_first"] & (service >= 0), service_pick)
    all_capped = ~(free & promo).any(axis=1)
    assign("frequency_cap", all_capped, np.full(n, -1))
    promo_m = np.broadcast_to(promo, lift_m.shape)
    cart_pick = _pick(np.where(free, _response(features, actions), -2.0) + 1e-9 * lift_m, promo_m)
    cart_pick = np.where(free[np.arange(n), np.maximum(cart_pick, 0)], cart_pick, best_free)
    assign("abandoned_cart", m.facts["abandoned_cart"], cart_pick)
    assign("onboarding", m.facts["onboarding"], best_free)
    assign("win_back", m.facts["win_back"], best_free)
    capped_top = (best_any >= 0) & (best_any != best_free)
    capped_top &= lift_m[np.arange(n), np.maximum(best_any, 0)] > settings.min_lift
    assign("frequency_cap", capped_top & ("model" in enabled), best_free)
    lifts = lift_m[np.arange(n), np.maximum(best_free, 0)]
    worth = np.where(lifts > settings.min_lift, best_free, -1)
    assign("model", np.ones(n, dtype=bool), worth)
    # every rule switched off: no decision, say so
    rule = np.where(rule == -1, RULE_IDS.index("model"), rule)
    return _frame(features, actions, rule, choice, m, lift_m, best_any, settings)


def _frame(
    features: pd.DataFrame,
    actions: Sequence[Action],
    rule: np.ndarray,
    choice: np.ndarray,
    m: _Masks,
    lift_m: np.ndarray,
    best_any: np.ndarray,
    settings: RuleSettings,
) -> pd.DataFrame:
    """Assemble the decision table with actions, channels, scores and reasons."""
    n = len(features)
    ids = np.array([a.id for a in actions] + [NONE], dtype=object)
    channels = np.array([a.channel for a in actions] + [""], dtype=object)
    rule_ids = np.asarray(RULE_IDS, dtype=object)[rule]
    action = ids[choice]
    for rule_id, name in RULE_ACTIONS.items():
        action = np.where((rule_ids == rule_id) & (choice >= 0), name, action)
    chosen_lift = np.where(choice >= 0, lift_m[np.arange(n), np.maximum(choice, 0)], np.nan)
    by_lift = np.isin(rule_ids, ("model", "frequency_cap"))
    score = np.where(by_lift & (choice >= 0), chosen_lift, m.probability)
    out = pd.DataFrame(
        {
            "customer_id": features["customer_id"].astype("str").to_numpy(),
            "action": action,
            "channel": channels[choice],
            "rule": rule_ids,
            "score": np.round(score.astype("float64"), 6),
            "rule_index": rule,
            "action_index": choice,
        },
        index=features.index,
    )
    out["reason"] = explain(
        features, out, actions, (lift_m, best_any, m.probability), settings.negative_below
    )
    return out[[*DECISION_COLUMNS, "rule_index", "action_index"]].reset_index(drop=True)
