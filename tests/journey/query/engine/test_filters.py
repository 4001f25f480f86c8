"""Engine filters keep exactly the events and transcripts the pandas filters keep."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from journey.query.engine import filters
from journey.query.engine.relation import conform_frame
from journey.query.engine.runner import DuckDBRunner
from journey.query.filters import Filters, filter_transcripts
from journey.schema import CUSTOMER_ID, ROW, SEGMENT, TEAM, TEXT, TIMESTAMP, DatasetSettings
from tests.journey.query.engine.cases import CHANNELS, HOSTILE, assert_same, raw_events, raw_frame
from tests.oracle import filters as pandas_filters
from tests.oracle.scope import prepare_events

# a Jan 1 23:30 (Web), Jan 2 00:00 (Email, team crm); b Jan 3 (Store, SMB), Jan 5 (hostile)
EVENTS = prepare_events(
    raw_frame(
        [
            ("a", "2024-01-01 23:30", "Web", "Home", False),
            ("a", "2024-01-02 00:00", "Email", "News", False),
            ("b", "2024-01-03 12:00", "Store", "Till", True),
            ("b", "2024-01-05 08:00", HOSTILE, HOSTILE, False),
        ],
        **{TEAM: [None, "crm", "sales", "sales"], SEGMENT: [None, None, "SMB", HOSTILE]},
    ),
    DatasetSettings(),
)
WEIRD = 'we"ird col'


def _rows(runner, events: pd.DataFrame, flt: Filters) -> list[int]:
    runner.register_frame("events", conform_frame(events))
    columns = filters.columns_of(runner, "events")
    kept = runner.frame(filters.filtered_sql("events", flt, columns) + " ORDER BY row")
    return kept[ROW].tolist()


@pytest.mark.parametrize(
    ("flt", "rows"),
    [
        (Filters(), [1, 2, 3, 4]),
        (Filters(start=date(2024, 1, 2)), [2, 3, 4]),
        (Filters(end=date(2024, 1, 1)), [1]),
        (Filters(start=date(2024, 1, 2), end=date(2024, 1, 3)), [2, 3]),
        (Filters(channels=("Web", HOSTILE)), [1, 4]),
        (Filters(teams=("sales",)), [3, 4]),  # a missing team never matches
        (Filters(attributes={SEGMENT: (HOSTILE,)}), [4]),
        (Filters(attributes={SEGMENT: ()}), [1, 2, 3, 4]),  # nothing chosen: everything
        (Filters(attributes={"no_such_column": ("x",)}), [1, 2, 3, 4]),  # ignored
        (Filters(channels=("Store", "Web"), attributes={SEGMENT: ("SMB",)}), [3]),
    ],
)
def test_filters_hand_computed(duck, flt, rows):
    assert _rows(duck, EVENTS, flt) == rows
    assert EVENTS[pandas_filters.event_mask(EVENTS, flt)][ROW].tolist() == rows


def test_where_sql_is_true_when_empty_and_quotes_hostile_names():
    assert filters.where_sql(Filters()) == "TRUE"
    sql = filters.where_sql(Filters(attributes={WEIRD: ("'; DROP TABLE x; --",)}))
    assert sql == """coalesce("we""ird col" IN ('''; DROP TABLE x; --'), FALSE)"""


def test_filters_on_a_hostile_column_name(duck):
    events = EVENTS.assign(**{WEIRD: ["x", "y'", None, "y'"]})
    assert _rows(duck, events, Filters(attributes={WEIRD: ("y'",)})) == [2, 4]


RUNNER = DuckDBRunner()


@st.composite
def random_filters(draw: st.DrawFn) -> Filters:
    days = st.none() | st.dates(date(2023, 12, 31), date(2024, 2, 20))
    return Filters(
        start=draw(days),
        end=draw(days),
        channels=tuple(draw(st.lists(st.sampled_from(CHANNELS), max_size=2))),
        teams=tuple(draw(st.lists(st.sampled_from(["sales", "service", "x"]), max_size=2))),
        attributes=draw(
            st.dictionaries(
                st.sampled_from([SEGMENT, "campaign", "phase", "missing"]),
                st.lists(st.sampled_from(["SMB", HOSTILE, "Spring", "awareness"]), max_size=2).map(
                    tuple
                ),
                max_size=2,
            )
        ),
    )


@given(raw_events(), random_filters())
def test_filters_equal_pandas_property(raw, flt):
    events = prepare_events(raw, DatasetSettings())
    expected = events[pandas_filters.event_mask(events, flt)][ROW].tolist()
    assert _rows(RUNNER, events, flt) == sorted(expected)


def _transcripts() -> pd.DataFrame:
    stamps = ["2024-01-01 10:00", None, "2024-01-04 00:00", "2024-01-02 00:00", "2024-01-09 00:00"]
    return pd.DataFrame(
        {
            CUSTOMER_ID: pd.array(["a", "a", "b", "z", None], dtype="str"),
            TIMESTAMP: pd.to_datetime(stamps, utc=True).as_unit("us"),
            TEXT: pd.array(["hi", "no time", "late", "unknown customer", "nobody"], dtype="str"),
            ROW: np.arange(1, 6, dtype=np.int64),
        }
    )


@pytest.mark.parametrize(
    ("flt", "rows"),
    [
        (Filters(), [1, 2, 3]),
        (Filters(start=date(2024, 1, 2)), [2, 3]),  # a no-time transcript stays
        (Filters(channels=("Store",)), [3]),  # only b is left in the events
        (Filters(end=date(2024, 1, 3)), [1, 2]),  # b's events end Jan 3, its call is Jan 4
    ],
)
def test_transcripts_follow_the_filtered_events(duck, flt, rows):
    transcripts = _transcripts()
    duck.register_frame("events", conform_frame(EVENTS))
    duck.register_frame("transcripts", transcripts)
    # a DuckDB TIMESTAMPTZ column, as a tz-aware frame registers
    sql = filters.transcripts_sql("transcripts", "events", flt, timestamp_tz=True)
    assert duck.frame(sql + " ORDER BY row")[ROW].tolist() == rows
    kept_events = pandas_filters.apply_filters(EVENTS, flt)
    expected = filter_transcripts(transcripts, kept_events, flt)
    assert expected[ROW].tolist() == rows
    naive = transcripts.assign(**{TIMESTAMP: transcripts[TIMESTAMP].dt.tz_localize(None)})
    duck.register_frame("naive", naive)
    sql = filters.transcripts_sql("naive", "events", flt, has_timestamp=True)
    assert duck.frame(sql + " ORDER BY row")[ROW].tolist() == rows


def test_transcripts_without_timestamps_keep_only_customers(duck):
    duck.register_frame("events", conform_frame(EVENTS))
    duck.register_frame("t", _transcripts().drop(columns=[TIMESTAMP]))
    sql = filters.transcripts_sql("t", "events", Filters(start=date(2024, 1, 3)), False)
    assert duck.frame(sql + " ORDER BY row")[ROW].tolist() == [3]


def test_attribute_columns_and_values_equal_pandas_on_prepared_sample(duck):
    from journey.io.load import load_file
    from tests.conftest import SAMPLE_DIR

    accepted = load_file(SAMPLE_DIR / "events.csv")[0].accepted
    events = prepare_events(accepted, DatasetSettings()).assign(
        **{WEIRD: "same", "odd": np.where(np.arange(len(accepted)) % 2, "x'", "y\\")}
    )
    duck.register_frame("events", conform_frame(events))
    columns = filters.attribute_columns(duck, "events")
    assert columns == pandas_filters.attribute_columns(events)
    assert "odd" in columns
    assert WEIRD not in columns
    for column in [*columns, "no_such_column"]:
        assert filters.values_of(duck, "events", column) == pandas_filters.values_of(events, column)
    assert filters.values_of(duck, "events", "odd") == ["x'", "y\\"]


@pytest.mark.spark
def test_filters_on_spark_with_hostile_values(spark, duck):
    flt = Filters(
        start=date(2024, 1, 2),
        channels=("Email", "Store", HOSTILE),
        attributes={SEGMENT: ("SMB", HOSTILE)},
    )
    expected = _rows(duck, EVENTS, flt)
    assert expected == [3, 4]
    assert _rows(spark, EVENTS, flt) == expected
    spark.register_frame("transcripts", _transcripts())
    sql = filters.transcripts_sql("transcripts", "events", Filters(channels=("Store",)))
    assert_same(spark.frame(sql)[[ROW]], pd.DataFrame({ROW: [3]}))
    assert filters.values_of(spark, "events", SEGMENT) == sorted(["SMB", HOSTILE])
