"""Workspace JSON: settings round-trip exactly; damaged JSON is a WorkspaceError."""

from __future__ import annotations

import pytest

from journey.errors import WorkspaceError
from journey.io import serialise
from journey.schema import DatasetSettings, GroupingRule

SETTINGS = DatasetSettings(
    timezone="Europe/Warsaw",
    onboarding_days=14,
    conversion_events=("purchase", "zakup"),
    day_first=True,
    phase_overrides={"Support": "post-purchase"},
    team_map={"Pricing": "marketing"},
    grouping_rules=(
        GroupingRule("Welcome", "Welcome emails"),
        GroupingRule(r"^Till", "Store", True),
    ),
)


def test_settings_json_is_plain_and_round_trips():
    text = serialise.settings_to_json(SETTINGS)
    assert text == (
        '{"cart_event_types": null, "cart_touchpoints": null, '
        '"conversion_events": ["purchase", "zakup"], "day_first": true, '
        '"grouping_rules": [{"group": "Welcome emails", "pattern": "Welcome", "regex": false}, '
        '{"group": "Store", "pattern": "^Till", "regex": true}], "onboarding_days": 14, '
        '"phase_overrides": {"Support": "post-purchase"}, "team_map": {"Pricing": "marketing"}, '
        '"timezone": "Europe/Warsaw"}'
    )
    assert serialise.settings_from_json(text) == SETTINGS


def test_cart_settings_round_trip():
    settings = DatasetSettings(
        cart_touchpoints=("Add to cart", "Tambah ke keranjang"), cart_event_types=()
    )
    text = serialise.settings_to_json(settings)
    assert (
        '"cart_event_types": [], "cart_touchpoints": ["Add to cart", "Tambah ke keranjang"]' in text
    )
    assert serialise.settings_from_json(text) == settings


def test_settings_json_missing_keys_take_defaults_and_unknown_keys_are_ignored():
    loaded = serialise.settings_from_json('{"onboarding_days": 7, "from_a_newer_version": [1, 2]}')
    assert loaded == DatasetSettings(onboarding_days=7)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "not valid JSON"),
        ("[1, 2]", "expected a JSON object"),
        ('{"onboarding_days": "30"}', r"settings\.onboarding_days: expected int"),
        ('{"onboarding_days": true}', r"settings\.onboarding_days: expected int"),
        ('{"conversion_events": "purchase"}', "expected a list"),
        ('{"grouping_rules": [{"pattern": 1, "group": "g"}]}', r"grouping_rules\[0\]\.pattern"),
    ],
)
def test_bad_settings_json_is_a_workspace_error(text, message):
    with pytest.raises(WorkspaceError, match=message):
        serialise.settings_from_json(text)
