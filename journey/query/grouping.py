"""Grouping rules: rename touchpoints to groups by substring or regular expression."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from journey.errors import SettingsError
from journey.schema import TOUCHPOINT, GroupingRule


def _rule_matches(values: pd.Series, rule: GroupingRule) -> np.ndarray:
    """Which distinct touchpoints a rule catches; an unusable rule is a SettingsError."""
    if not str(rule.pattern).strip():
        raise SettingsError(
            "grouping rule with an empty pattern: give text or a regular expression"
        )
    if not str(rule.group).strip():
        raise SettingsError(f"grouping rule {rule.pattern!r} has no group name")
    if rule.regex:
        try:
            compiled = re.compile(rule.pattern)
        except re.error as err:
            raise SettingsError(
                f"grouping rule {rule.pattern!r}: invalid regular expression ({err})"
            ) from err
        return values.str.contains(compiled, regex=True).to_numpy(dtype=bool, na_value=False)
    needle = str(rule.pattern).lower()
    return values.str.lower().str.contains(needle, regex=False).to_numpy(dtype=bool, na_value=False)


def _require_touchpoint(events: pd.DataFrame) -> None:
    """Raise a SettingsError naming the columns the events have when touchpoint is not one."""
    if TOUCHPOINT not in events.columns:
        known = ", ".join(map(str, events.columns))
        raise SettingsError(f"events have no column(s) {TOUCHPOINT} (columns: {known})")


def _first_rule(values: pd.Series, rules: Sequence[GroupingRule]) -> np.ndarray:
    """Index of the first rule catching each distinct value, -1 when none does."""
    first = np.full(len(values), -1, dtype=np.int64)
    for i, rule in enumerate(rules):  # a loop over rules, vectorised over distinct touchpoints
        first[(first < 0) & _rule_matches(values, rule)] = i
    return first


def apply_grouping(events: pd.DataFrame, rules: Sequence[GroupingRule]) -> pd.DataFrame:
    """Rename each touchpoint to the group of the first rule that catches it.

    A plain pattern matches as a case-insensitive substring, a regex pattern by `re.search`
    (case-sensitive unless it says `(?i)`). An empty pattern or group, or an invalid regular
    expression, is a SettingsError naming the pattern.
    """
    _require_touchpoint(events)
    if not rules:
        return events.copy()
    codes, uniques = pd.factorize(events[TOUCHPOINT])
    distinct = pd.Series(uniques, dtype="str")
    first = _first_rule(distinct, rules)
    groups = np.array([str(r.group) for r in rules], dtype=object)
    renamed = np.where(first >= 0, groups[np.maximum(first, 0)], distinct.to_numpy(dtype=object))
    values = np.append(renamed, None).astype(object)[codes]  # code -1: missing stays missing
    return events.assign(**{TOUCHPOINT: pd.Series(values, index=events.index, dtype="str")})


def preview_grouping(events: pd.DataFrame, rules: Sequence[GroupingRule]) -> pd.DataFrame:
    """Which touchpoints each rule catches (first matching rule wins), with their events.

    Returns:
        Columns rule (1-based, in table order), pattern, group, touchpoint, events; a rule
        catching nothing has one row with an empty touchpoint and 0 events. Sorted by rule,
        events descending, touchpoint.
    """
    _require_touchpoint(events)
    counts = events[TOUCHPOINT].value_counts()
    distinct = pd.Series(counts.index, dtype="str")
    first = _first_rule(distinct, rules) if rules else np.full(len(distinct), -1, dtype=np.int64)
    caught = first >= 0
    frame = pd.DataFrame(
        {
            "rule": first[caught] + 1,
            "touchpoint": distinct[caught].to_numpy(dtype=object),
            "events": counts.to_numpy(dtype=np.int64)[caught],
        }
    )
    empty = sorted(set(range(1, len(rules) + 1)) - set(frame["rule"].tolist()))
    frame = pd.concat(
        [frame, pd.DataFrame({"rule": empty, "touchpoint": [""] * len(empty), "events": 0})],
        ignore_index=True,
    )
    frame = frame.sort_values(["rule", "events", "touchpoint"], ascending=[True, False, True])
    rule_index = frame["rule"].to_numpy(dtype=np.int64) - 1
    return pd.DataFrame(
        {
            "rule": frame["rule"].to_numpy(dtype=np.int64),
            "pattern": pd.array([str(rules[i].pattern) for i in rule_index], dtype="str"),
            "group": pd.array([str(rules[i].group) for i in rule_index], dtype="str"),
            "touchpoint": pd.array(frame["touchpoint"].to_numpy(dtype=object), dtype="str"),
            "events": frame["events"].to_numpy(dtype=np.int64),
        }
    )
