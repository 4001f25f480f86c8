"""Prepared events in SQL equal `scope.prepare_events` (the pandas oracle), on DuckDB and Spark."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given

from journey.errors import InputError, SettingsError
from journey.io.load import load_file
from journey.query.engine.prepare import prepare, prepare_sql
from journey.query.engine.relation import PREPARED_COLUMNS, conform_frame
from journey.query.engine.runner import DuckDBRunner
from journey.schema import (
    CONVERSION,
    EVENT_TYPE,
    PHASE,
    PHASE_EXPLICIT,
    REVENUE,
    ROW,
    TEAM,
    TOUCHPOINT,
    DatasetSettings,
    GroupingRule,
)
from tests.conftest import SAMPLE_DIR
from tests.journey.query.engine.cases import assert_same, dataset_settings, raw_events, raw_frame
from tests.oracle.scope import prepare_events

SETTINGS = DatasetSettings(
    onboarding_days=10,
    grouping_rules=(GroupingRule("email", "Emails"), GroupingRule("^Web", "Site", regex=True)),
    team_map={"Emails": "crm"},
    phase_overrides={"Store visit": "Engagement"},
)


def _prepared(runner, raw: pd.DataFrame, settings: DatasetSettings, **kw) -> pd.DataFrame:
    runner.register_frame("raw", raw)
    prepare(runner, "raw", settings, "prepared", **kw)
    return runner.frame("SELECT * FROM prepared ORDER BY row")


def _oracle(raw: pd.DataFrame, settings: DatasetSettings) -> pd.DataFrame:
    return conform_frame(prepare_events(raw, settings))


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return load_file(SAMPLE_DIR / "events.csv")[0].accepted


@pytest.mark.parametrize("settings", [DatasetSettings(), SETTINGS], ids=["default", "rules"])
def test_prepare_equals_pandas_on_the_sample(duck, sample, settings):
    got = _prepared(duck, sample, settings)
    assert list(got.columns[: len(PREPARED_COLUMNS)]) == list(PREPARED_COLUMNS)
    assert_same(got, _oracle(sample, settings))


def test_prepare_hand_computed_phases(duck):
    # a: web (t0), email (t0, row 2: after web), buys (day 1), chat (day 2: support),
    #    web (day 5: inside the 10-day window), web (day 20: after it), buys again (day 30)
    # b: never buys, a support touch stays awareness; its store visit is overridden
    raw = raw_frame(
        [
            ("a", "2024-01-01", "Web", "Web home", False),
            ("a", "2024-01-01", "Email", "Email news", False),
            ("a", "2024-01-02", "Store", "Till", True),
            ("a", "2024-01-03", "Chat", "Chat", False),
            ("a", "2024-01-06", "Web", "Web home", False),
            ("a", "2024-01-21", "Web", "Web home", False),
            ("a", "2024-01-31", "Store", "Till", True),
            ("b", "2024-01-01", "Call Center", "Call", False),
            ("b", "2024-01-02", "Store", "Store visit", False),
        ]
    )
    got = _prepared(duck, raw, SETTINGS)
    assert got[PHASE].tolist() == [
        "awareness",
        "awareness",
        "onboarding",
        "post-purchase",
        "onboarding",
        "engagement",
        "engagement",
        "awareness",
        "engagement",
    ]
    assert got[TOUCHPOINT].tolist()[:2] == ["Site", "Emails"]
    assert got[TEAM].isna().tolist()[:2] == [True, False]
    assert got[TEAM][1] == "crm"
    assert not got[PHASE_EXPLICIT].any()


def test_prepare_explicit_phases_win_and_unknown_ones_name_the_row(duck):
    rows = [("a", "2024-01-01", "Web", "Web", False), ("a", "2024-01-02", "Web", "Web", True)]
    raw = raw_frame(rows, **{PHASE: ["Post_purchase", None]})
    got = _prepared(duck, raw, DatasetSettings())
    assert got[PHASE].tolist() == ["post-purchase", "onboarding"]
    assert got[PHASE_EXPLICIT].tolist() == [True, False]
    bad = raw_frame(rows * 2, **{PHASE: [None, "soon", "later", None], ROW: [4, 5, 7, 9]})
    with pytest.raises(InputError, match=r"row 5, column 'phase': unknown phase 'soon'"):
        _prepared(duck, bad, DatasetSettings())
    with pytest.raises(SettingsError, match="phase override for 'Web'"):
        _prepared(duck, raw, DatasetSettings(phase_overrides={"Web": "later"}))


def test_prepare_derives_conversion_as_the_validator_does(duck):
    rows = [("a", "2024-01-01", "Web", "Web", False), ("a", "2024-01-02", "Store", "Till", False)]
    base = raw_frame(rows, **{EVENT_TYPE: ["view", "Purchase"]}).drop(columns=[CONVERSION])
    assert _prepared(duck, base, DatasetSettings())[CONVERSION].tolist() == [False, True]
    # no event of a conversion type: revenue > 0 marks the sale
    by_revenue = base.assign(**{EVENT_TYPE: ["view", "visit"], REVENUE: [5.0, 0.0]})
    assert _prepared(duck, by_revenue, DatasetSettings())[CONVERSION].tolist() == [True, False]
    # neither: no conversions; no touchpoint column: the channel
    bare = base.drop(columns=[EVENT_TYPE, REVENUE, TOUCHPOINT])
    got = _prepared(duck, bare, DatasetSettings())
    assert got[CONVERSION].tolist() == [False, False]
    assert got[TOUCHPOINT].tolist() == ["Web", "Store"]
    assert got[REVENUE].isna().all()


def test_prepare_view_and_naive_timestamps(duck):
    rows = [("a", "2024-01-01 05:00", "Web", "Web", False), ("a", "2024-01-02", "Web", "Web", 1)]
    aware = raw_frame(rows)
    naive = aware.assign(timestamp=aware["timestamp"].dt.tz_localize(None))
    got = _prepared(duck, naive, DatasetSettings(), materialise=False)
    assert_same(got, _prepared(duck, aware, DatasetSettings()))
    assert got["timestamp"].tolist() == [
        pd.Timestamp("2024-01-01 05:00"),
        pd.Timestamp("2024-01-02"),
    ]


def test_prepare_sql_refuses_missing_and_reserved_columns():
    with pytest.raises(SettingsError, match="no column"):
        prepare_sql("raw", ["customer_id", "timestamp"], DatasetSettings(), [])
    with pytest.raises(SettingsError, match="reserved"):
        prepare_sql("raw", ["customer_id", "timestamp", "channel", "row", "__jp_pos"], SETTINGS, [])
    with pytest.raises(SettingsError, match="onboarding window"):
        prepare_sql("raw", ["customer_id", "timestamp", "channel", "row"],
                    DatasetSettings(onboarding_days=-1), [])  # fmt: skip


RUNNER = DuckDBRunner()  # one connection for every example


@given(raw_events(), dataset_settings())
def test_prepare_equals_pandas_property(raw, settings):
    assert_same(_prepared(RUNNER, raw, settings), _oracle(raw, settings))


@given(raw_events(), dataset_settings())
def test_prepare_without_phases_is_the_same_events_without_the_phase_columns(raw, settings):
    got = _prepared(RUNNER, raw, settings, materialise=False, phases=False)
    assert PHASE not in got.columns
    assert PHASE_EXPLICIT not in got.columns
    expected = _oracle(raw, settings).drop(columns=[PHASE, PHASE_EXPLICIT])
    assert_same(got, expected)


@given(raw_events(), dataset_settings(), dataset_settings())
def test_preparing_prepared_events_again_equals_pandas_property(raw, first, second):
    # the phase_explicit column keeps explicit phases explicit; rule phases are recomputed
    once = _prepared(RUNNER, raw, first)
    RUNNER.register_frame("once", once)
    prepare(RUNNER, "once", second, "twice")
    twice = RUNNER.frame("SELECT * FROM twice ORDER BY row")
    assert_same(twice, _oracle(prepare_events(raw, first), second))


@pytest.mark.spark
def test_prepare_on_spark_equals_pandas(spark):
    raw = raw_frame(
        [
            ("a", "2024-01-01", "Web", "Web home", False),
            ("a", "2024-01-01", "Email", "it's \\ email", False),
            ("a", "2024-01-02", "Store", "Till", True),
            ("a", "2024-01-03", "Chat", "Chat", False),
            ("a", "2024-01-25", "Web", "Store visit", False),
            ("b", "2024-01-01", "Call Center", "Call", False),
        ],
        **{PHASE: [None, None, None, None, None, "Engagement"]},
    )
    assert_same(_prepared(spark, raw, SETTINGS), _oracle(raw, SETTINGS))
