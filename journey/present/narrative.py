"""Sentences written from figures.

Pure functions over the small frames that the query, attribution and sentiment functions
return. Every number in a sentence is the figure it describes, rounded for reading (shares to whole
percent, scores to two decimals); a function returns None when its frame holds nothing to say.
Sentences are plain text: user strings (channel, touchpoint names) stay as they are and are
escaped where they are rendered.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from journey.attribution.models import MODEL_NAMES

ARROW = "→"
SENTIMENT_MIN_N = 20  # fewer customer texts than this at a touchpoint: too few to call a hot spot


def percent(value: float) -> str:
    """A share as a whole percent, e.g. 0.415 -> '42%'."""
    return f"{value:.0%}"


def count(value: float) -> str:
    """A count with thousands separators, e.g. 12345 -> '12,345'."""
    return f"{int(value):,}"


def kpi_sentence(kpis: Mapping[str, object]) -> str:
    """Customers, touchpoints, dates, converting share, conversions and revenue in one line."""
    span = f" between {kpis['first']} and {kpis['last']}" if kpis.get("first") else ""
    return (
        f"{count(kpis['customers'])} customers made {count(kpis['events'])} touchpoints{span}; "
        f"{percent(kpis['conversion_rate'])} of them converted, with "
        f"{count(kpis['conversions'])} conversions and {float(kpis['revenue']):,.0f} in revenue."
    )


def top_path_sentence(top: pd.DataFrame) -> str | None:
    """The most common journey and its share of customers (`flows.top_paths` frame)."""
    if top.empty:
        return None
    first = top.iloc[0]
    return (
        f"The most common journey is {first['path']}: {count(first['customers'])} customers "
        f"({percent(first['share'])} of all), of whom {percent(first['conversion_rate'])} "
        "converted."
    )


def step_flow_sentence(steps: pd.DataFrame) -> str | None:
    """How many customers the step Sankey follows and their most common first move."""
    first_step = steps[steps["step"] == 1]
    total = int(first_step["count"].sum())
    if total == 0:
        return None
    top = first_step.sort_values(["count", "source", "target"], ascending=[False, True, True])
    move = top.iloc[0]
    return (
        f"Each step of the map adds up to all {count(total)} customers; the most common first "
        f"move is {move['source']} {ARROW} {move['target']} ({count(move['count'])} customers, "
        f"{percent(move['count'] / total)})."
    )


def phase_sentence(summary: pd.DataFrame) -> str | None:
    """Which share of customers reaches each phase (`engine.overview.phase_summary` frame)."""
    if summary.empty:
        return None
    parts = [
        f"{percent(row.share_of_customers)} reach {row.phase}"
        for row in summary.itertuples(index=False)
    ]
    listed = ", ".join(parts[:-1]) + f" and {parts[-1]}" if len(parts) > 1 else parts[0]
    return f"Of all customers, {listed}."


def network_sentence(transitions: pd.DataFrame) -> str | None:
    """The strongest link of the network map (`flows.count_transitions` frame)."""
    if transitions.empty:
        return None
    top = transitions.iloc[0]
    return (
        f"The strongest link is {top['source']} {ARROW} {top['target']}: "
        f"{count(top['count'])} transitions by {count(top['customers'])} customers."
    )


def network_shown_sentence(n_nodes: int, n_edges: int, n_hidden_nodes: int) -> str:
    """What the network map shows and leaves out."""
    hidden = f"; {count(n_hidden_nodes)} smaller nodes are left out" if n_hidden_nodes else ""
    return f"The map shows {count(n_nodes)} nodes and {count(n_edges)} links{hidden}."


def funnel_sentence(funnel: pd.DataFrame) -> str | None:
    """How many who entered the funnel finished it, and its weakest step (`funnels.funnel`)."""
    if funnel.empty or int(funnel["customers"].iloc[0]) == 0:
        return None
    entered, finished = int(funnel["customers"].iloc[0]), int(funnel["customers"].iloc[-1])
    sentence = (
        f"Of {count(entered)} customers who reached {funnel['stage'].iloc[0]}, "
        f"{count(finished)} ({percent(finished / entered)}) got to {funnel['stage'].iloc[-1]}."
    )
    if len(funnel) > 1:
        later = funnel.iloc[1:]
        weakest = later.loc[later["step_conversion_rate"].idxmin()]
        before = funnel["stage"].iloc[funnel.index.get_loc(weakest.name) - 1]
        sentence += (
            f" The weakest step is {before} {ARROW} {weakest['stage']}: only "
            f"{percent(weakest['step_conversion_rate'])} went on."
        )
    return sentence


def dropoff_sentence(dropoffs: pd.DataFrame) -> str | None:
    """The node where most journeys end without a conversion (`funnels.biggest_dropoffs`)."""
    if dropoffs.empty or int(dropoffs["ended_here"].iloc[0]) == 0:
        return None
    top = dropoffs.iloc[0]
    return (
        f"The biggest drop-off is {top['node']} {ARROW} no conversion: "
        f"{count(top['ended_here'])} customers ended there, {percent(top['dropoff_rate'])} "
        f"of the {count(top['reached'])} who reached it."
    )


def best_and_worst(result: pd.DataFrame) -> pd.DataFrame:
    """Best and worst channel by share under each model (`attribution.attribute` frame).

    Returns:
        Columns model, best, best_share, worst, worst_share; models in the result's order.
        Ties go to the channel first in alphabetical order.
    """
    rows = []
    for model in dict.fromkeys(result["model"]):
        ranked = result[result["model"] == model].sort_values(
            ["share", "channel"], ascending=[False, True]
        )
        lowest = ranked.sort_values(["share", "channel"], ascending=[True, True])
        rows.append(
            {
                "model": model,
                "best": ranked["channel"].iloc[0],
                "best_share": float(ranked["share"].iloc[0]),
                "worst": lowest["channel"].iloc[0],
                "worst_share": float(lowest["share"].iloc[0]),
            }
        )
    return pd.DataFrame(rows, columns=["model", "best", "best_share", "worst", "worst_share"])


def first_touch_sentence(result: pd.DataFrame) -> str | None:
    """Where converters' journeys started, by the first-touch model's largest share."""
    first = result[result["model"] == "first"]
    if first.empty or float(first["conversions"].sum()) == 0:
        return None
    top = first.sort_values(["share", "channel"], ascending=[False, True]).iloc[0]
    return (
        f"{percent(top['share'])} of conversions ({count(round(top['conversions']))}) first "
        f"met us on {top['channel']} (first-touch attribution)."
    )


def attribution_sentence(extremes: pd.DataFrame) -> str | None:
    """Whether the models agree on the best channel (`best_and_worst` frame)."""
    if extremes.empty:
        return None
    best = extremes["best"].value_counts()
    leader, n_models = best.index[0], int(best.iloc[0])
    total = len(extremes)
    if n_models == total:
        return f"All {total} models credit {leader} most."
    return f"{n_models} of {total} models credit {leader} most; the others disagree."


def model_sentence(row: Mapping[str, object]) -> str:
    """One model's best and worst channel, e.g. 'Markov chain: best Email (31%), worst TV (2%)'."""
    name = MODEL_NAMES.get(str(row["model"]), str(row["model"]))
    return (
        f"{name[:1].upper()}{name[1:]}: best {row['best']} ({percent(row['best_share'])}), "
        f"worst {row['worst']} ({percent(row['worst_share'])})."
    )


def sentiment_sentence(figures: Mapping[str, float]) -> str | None:
    """Mean customer sentiment and the share of negative customer texts (`summary_figures`)."""
    if not figures.get("conversations") or math.isnan(float(figures["customer_mean"])):
        return None
    sentence = (
        f"Across {count(figures['conversations'])} conversations customers' mean sentiment "
        f"is {float(figures['customer_mean']):+.2f} (from -1 to +1)"
    )
    if not math.isnan(float(figures["share_negative"])):
        sentence += f"; {percent(figures['share_negative'])} of customer texts are negative"
    return sentence + "."


def hot_spots(by_level: pd.DataFrame, level: str, n: int = 3) -> pd.DataFrame:
    """The `n` values of `level` with the largest share of negative texts, each with enough texts.

    Args:
        by_level: `insights.sentiment_by` frame (level, mean_score, share_negative, n, ...).
        level: Its first column.
        n: How many to keep.
    """
    known = by_level[(by_level["n"] >= SENTIMENT_MIN_N) & (by_level[level] != "(unmatched)")]
    return known.sort_values(["share_negative", "n", level], ascending=[False, False, True]).head(n)


def hot_spot_sentence(spots: pd.DataFrame, level: str) -> str | None:
    """Name the sentiment hot spots (`hot_spots` frame) with their share negative."""
    if spots.empty:
        return None
    parts = [
        f"{row[level]} ({percent(row['share_negative'])} negative of {count(row['n'])})"
        for _, row in spots.iterrows()
    ]
    return "Sentiment hot spots: " + "; ".join(parts) + "."


def driver_sentence(drivers: pd.DataFrame, n: int = 3) -> str | None:
    """The words that mark negative and positive texts most (`insights.sentiment_drivers`)."""
    parts = []
    for direction in ("negative", "positive"):
        terms = drivers.loc[drivers["direction"] == direction, "term"].head(n).tolist()
        if terms:
            parts.append(f"{direction} texts by {', '.join(repr(t) for t in terms)}")
    if not parts:
        return None
    return "Customers' words mark " + " and ".join(parts) + "."


NO_ACTION = "none"  # the action id of a customer who gets no touch now (journey.recommend)


def action_name(action: object, channel: object) -> str:
    """An action as read in a sentence: 'email on Email', or just the id without a channel."""
    channel_text = "" if channel is None or pd.isna(channel) else str(channel)
    return f"{action} on {channel_text}" if channel_text else str(action)


def _touched(mix: pd.DataFrame) -> pd.DataFrame:
    """The rows of a decision mix whose action is a touch (not `none`)."""
    return mix[mix["action"] != NO_ACTION]


def nba_mix_sentence(mix: pd.DataFrame, cutoff: object) -> str | None:
    """How many customers get a touch at the cut-off and the most common action.

    Args:
        mix: `journey.recommend.pipeline.decision_mix` frame (rule, action, channel,
            customers) in rule order; ties for the most common go to the earlier rule.
        cutoff: The decisions' cut-off date.
    """
    total = int(mix["customers"].sum())
    if total == 0:
        return None
    day = f"{pd.Timestamp(cutoff):%Y-%m-%d}"
    touched = _touched(mix)
    n_touched = int(touched["customers"].sum())
    if n_touched == 0:
        return f"At the cut-off {day}, none of the {count(total)} customers gets a touch."
    top = touched.sort_values("customers", ascending=False, kind="stable").iloc[0]
    return (
        f"At the cut-off {day}, {count(n_touched)} of {count(total)} customers "
        f"({percent(n_touched / total)}) get a touch; the most common is "
        f"{action_name(top['action'], top['channel'])} ({top['rule']}, "
        f"{count(top['customers'])} customers)."
    )


def nba_rules_sentence(mix: pd.DataFrame) -> str | None:
    """How many customers the rules decide, per rule in order, and how many the model ranks."""
    total = int(mix["customers"].sum())
    if total == 0:
        return None
    by_rule = mix.groupby("rule", sort=False)["customers"].sum()
    ruled = by_rule[(by_rule.index != "model") & (by_rule > 0)]
    n_model = int(by_rule.get("model", 0))
    if ruled.empty:
        return f"The model ranks the actions of all {count(total)} customers; no rule fired."
    n_ruled = int(ruled.sum())
    parts = ", ".join(f"{rule} {count(n)}" for rule, n in ruled.items())
    return (
        f"Rules decide for {count(n_ruled)} customers ({percent(n_ruled / total)}): {parts}; "
        f"the model ranks the actions of the other {count(n_model)}."
    )


def nba_wait_sentence(mix: pd.DataFrame) -> str | None:
    """How many customers get no touch now (None when every customer gets one)."""
    total = int(mix["customers"].sum())
    n_none = total - int(_touched(mix)["customers"].sum())
    if total == 0 or n_none == 0:
        return None
    return (
        f"{count(n_none)} customers ({percent(n_none / total)}) get no touch now: opted out, "
        "at a frequency cap, or no action is expected to lift them (expected lift (model): an "
        "association learnt from history, not a measured effect)."
    )


def value_propensity_sentence(matrix: pd.DataFrame) -> str | None:
    """The high-value, high-propensity customers and the journey they get (`value_propensity`)."""
    total = int(matrix["customers"].sum())
    if total == 0:
        return None
    vip = matrix[(matrix["value"] == "high value") & (matrix["propensity"] == "high propensity")]
    n_vip = int(vip["customers"].sum())
    journey = f": {vip['journey'].iloc[0]}" if len(vip) else ""
    return (
        f"{count(n_vip)} customers ({percent(n_vip / total)}) are high value and high "
        f"propensity{journey}."
    )


def top_actions(mix: pd.DataFrame, n: int = 3) -> str | None:
    """The `n` most common touches with their share of all customers, e.g. 'email 13%, sms 4%'."""
    total = int(mix["customers"].sum())
    touched = _touched(mix)
    if total == 0 or touched.empty:
        return None
    by_action = touched.groupby("action", sort=False)["customers"].sum()
    by_action = by_action.sort_values(ascending=False, kind="stable").head(n)
    return ", ".join(f"{action} {percent(c / total)}" for action, c in by_action.items())
