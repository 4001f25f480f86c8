"""Path tables from a prepared file's path index equal the SQL path and the pandas oracle."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from journey.errors import SettingsError
from journey.query.engine import files, flows, maps, ordered
from journey.query.engine import filters as engine_filters
from journey.query.engine.runner import DuckDBRunner
from journey.query.engine.sql import ident
from journey.query.filters import Filters
from journey.schema import (
    CHANNEL,
    CONVERSION,
    CUSTOMER_ID,
    PHASE,
    ROW,
    TIMESTAMP,
    TOUCHPOINT,
    DatasetSettings,
)
from tests.journey.query.engine import data
from tests.journey.query.engine.data import CHANNELS, random_events, register, same, sample
from tests.oracle import flows as oracle_flows
from tests.oracle.filters import apply_filters
from tests.oracle.phases import assign_phases

PATH_ORDER = f"ORDER BY {ident(CUSTOMER_ID)}, {ident(TIMESTAMP)}, {ident(ROW)}"


def prepared_file(runner: DuckDBRunner, events: pd.DataFrame, folder, order: str = PATH_ORDER):
    """Write prepared events to Parquet as `files.prepare_file` does (path order); its view."""
    name = register(runner, events, "incoming")
    out = folder / "prepared-test.parquet"
    files.copy_to_parquet(runner, f"SELECT * FROM {ident(name)} {order}", out)
    runner.drop(name)
    runner.con.unregister(name)
    view = f"file_{abs(hash(str(out)))}"
    runner.view(view, f"SELECT * FROM read_parquet('{out}')")
    ordered.note_file(view, out)
    return out, view


def subset(runner: DuckDBRunner, base: str, chosen: Filters, name: str) -> str:
    """A filtered view over `base`, noted as its row subset (as the app's scopes are)."""
    columns = [str(c) for c in runner.frame(f"SELECT * FROM {ident(base)} LIMIT 0").columns]
    runner.view(name, engine_filters.filtered_sql(base, chosen, columns))
    ordered.note_subset(name, base)
    return name


def check_maps(runner, view, events, level, steps, keep, top_k) -> None:
    """The map figures of `view` equal the oracle's on `events` (its rows, in pandas)."""
    data.check_journey_map(runner, view, events, level, steps, keep, top_k)
    data.check_network_map(runner, view, events, level, keep, end_nodes=True)


# -- hand-computed ---------------------------------------------------------------------------


def hand_events() -> pd.DataFrame:
    """a: Web, Web (converts), Email, Web; b: Store; input rows out of path order."""
    rows = [
        ("a", "2024-01-01 09:00", 5, "Web", True),  # same time as row 2: after it
        ("a", "2024-01-01 09:00", 2, "Web", False),
        ("a", "2024-01-03 09:00", 1, "Email", False),
        ("a", "2024-01-04 21:00", 3, "Web", False),
        ("b", "2024-01-02 00:00", 4, "Store", False),
    ]
    frame = pd.DataFrame(rows, columns=[CUSTOMER_ID, TIMESTAMP, ROW, CHANNEL, CONVERSION])
    frame[TIMESTAMP] = pd.to_datetime(frame[TIMESTAMP], utc=True).dt.as_unit("us")
    frame[TOUCHPOINT] = frame[CHANNEL]
    return assign_phases(frame.astype({CUSTOMER_ID: "str", CHANNEL: "str", TOUCHPOINT: "str"}),
                         DatasetSettings())  # fmt: skip


def test_hand_computed_path_table(duck, tmp_path):
    _, view = prepared_file(duck, hand_events(), tmp_path)
    table = ordered.path_arrow(duck, view, CHANNEL, keep_repeats=False, phase=True)
    assert table is not None
    got = table.to_pandas()
    # a's path collapses to Web, Email, Web; b's is Store
    assert got["c"].tolist() == [0, 0, 0, 1]
    assert got["node"].astype(str).tolist() == ["Web", "Email", "Web", "Store"]
    assert got["position"].tolist() == [1, 2, 3, 1]
    assert got["next_node"].astype(object).where(got["next_node"].notna(), None).tolist() == [
        "Email",
        "Web",
        None,
        None,
    ]
    assert got["converted"].tolist() == [1, 1, 1, 0]
    # the conversion is a's 2nd event (row 5 at 09:00): the kept first Web (row 2) is before it
    assert got["conv_after"].tolist() == [1, 0, 0, 0]
    # a: 2024-01-01 09:00 to 2024-01-04 21:00 is 3.5 days; b has one event
    assert got["days"].tolist() == [3.5, 3.5, 3.5, 0.0]
    assert got["run_start"].tolist() == [True, True, True, True]
    # before the first conversion: awareness; then onboarding (30 days); b never converts
    assert got["phase"].astype(str).tolist() == ["awareness", "onboarding", "onboarding",
                                                 "awareness"]  # fmt: skip
    kept = ordered.path_arrow(duck, view, CHANNEL, keep_repeats=True).to_pandas()
    assert kept["position"].tolist() == [1, 2, 3, 4, 1]
    assert kept["run_start"].tolist() == [True, False, True, True, True]
    assert kept["conv_after"].tolist() == [1, 1, 0, 0, 0]
    assert "phase" not in kept.columns


def test_hand_computed_filtered_scope_equals_sql_and_pandas(duck, tmp_path):
    events = hand_events()
    _, view = prepared_file(duck, events, tmp_path)
    chosen = Filters(channels=("Web",))
    name = subset(duck, view, chosen, "scope_web")
    table = ordered.path_arrow(duck, name, CHANNEL, keep_repeats=True).to_pandas()
    # a's Web events only: rows 2, 5 (09:00) and 3; no Email between them
    assert table["position"].tolist() == [1, 2, 3]
    assert table["run_start"].tolist() == [True, False, False]
    check_maps(duck, name, apply_filters(events, chosen), CHANNEL, 3, False, 0)


# -- against pandas and the SQL path, on random data and filters -----------------------------


@st.composite
def scoped(draw: st.DrawFn) -> tuple[pd.DataFrame, Filters]:
    """Random prepared events and random filters over them (channels, a date range)."""
    events = draw(random_events())
    channels = tuple(draw(st.lists(st.sampled_from(CHANNELS), unique=True, max_size=3)))
    start = draw(st.none() | st.integers(0, 30).map(lambda d: date(2024, 1, 1 + d)))
    return events, Filters(start=start, channels=channels)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(scoped(), st.sampled_from([CHANNEL, TOUCHPOINT, PHASE]), st.booleans(), st.integers(0, 3))
def test_random_scopes_equal_pandas(tmp_path_factory, case, level, keep, top_k):
    events, chosen = case
    runner = DuckDBRunner()
    try:
        _, view = prepared_file(runner, events, tmp_path_factory.mktemp("ordered"))
        name = subset(runner, view, chosen, "scope_random")
        kept = apply_filters(events, chosen).reset_index(drop=True)
        assert ordered.path_arrow(runner, name, level, keep) is not None
        check_maps(runner, name, kept, level, 4, keep, top_k)
        phase_level = CHANNEL if level == PHASE else level
        same(flows.phase_flows(runner, name, phase_level),
             oracle_flows.phase_flows(kept, phase_level))  # fmt: skip
        left = runner.scalar("SELECT count(*) FROM duckdb_tables() WHERE temporary")
        assert left == 0
    finally:
        runner.con.close()


def test_sample_scope_equals_the_sql_path(duck, tmp_path):
    events = sample()
    _, view = prepared_file(duck, events, tmp_path)
    name = subset(duck, view, Filters(channels=("Email", "Web", "Paid Search")), "scope_s")
    fast = maps.journey_map(duck, name, CHANNEL, 5, False, 8)
    fast_phases = flows.phase_flows(duck, name, CHANNEL)
    duck.view("scope_plain", f"SELECT * FROM {ident(name)}")  # not noted: the SQL path
    assert ordered.path_arrow(duck, "scope_plain", CHANNEL, False) is None
    slow = maps.journey_map(duck, "scope_plain", CHANNEL, 5, False, 8)
    assert_frame_equal(fast.steps, slow.steps)
    assert fast.fold == slow.fold
    assert_frame_equal(fast.phases, slow.phases)
    assert_frame_equal(fast.top_paths, slow.top_paths)
    assert_frame_equal(fast_phases, flows.phase_flows(duck, "scope_plain", CHANNEL))


# -- labels, errors, refusals ----------------------------------------------------------------


def test_data_named_like_generated_nodes_is_labelled_as_the_sql_labels_it(duck, tmp_path):
    events = hand_events()
    events[CHANNEL] = events[CHANNEL].replace({"Web": "Converted", "Store": "(missing)"})
    events.loc[3, CHANNEL] = None
    _, view = prepared_file(duck, events, tmp_path)
    got = ordered.path_arrow(duck, view, CHANNEL, keep_repeats=False).to_pandas()
    assert got["node"].astype(str).tolist() == [
        "Converted (channel)",
        "Email",
        "(missing)",
        "(missing) (channel)",
    ]
    check_maps(duck, view, events, CHANNEL, 3, False, 0)


def test_missing_and_unknown_phases_are_the_sql_errors(duck, tmp_path):
    events = hand_events()
    events[PHASE] = events[PHASE].astype(object)
    events.loc[0, PHASE] = None
    _, view = prepared_file(duck, events, tmp_path)
    with pytest.raises(SettingsError, match="some events have no phase"):
        ordered.path_arrow(duck, view, PHASE, keep_repeats=False)
    with pytest.raises(SettingsError, match="no known phase"):
        flows.phase_flows(duck, view, CHANNEL)


def test_an_empty_scope_gives_empty_figures(duck, tmp_path):
    events = hand_events()
    _, view = prepared_file(duck, events, tmp_path)
    name = subset(duck, view, Filters(channels=("Chat",)), "scope_none")
    table = ordered.path_arrow(duck, name, CHANNEL, keep_repeats=False)
    assert table is not None
    assert table.num_rows == 0
    check_maps(duck, name, apply_filters(events, Filters(channels=("Chat",))), CHANNEL, 3, False, 0)
    assert flows.phase_flows(duck, name, CHANNEL).empty


def test_index_is_written_once_and_refused_for_files_out_of_path_order(duck, tmp_path):
    events = hand_events()
    path, _ = prepared_file(duck, events, tmp_path)
    folder = ordered.build_index(duck, path)
    assert folder == ordered.index_folder(path)
    assert (folder / "index.json").exists()
    stamp = (folder / "index.json").stat().st_mtime_ns
    assert ordered.build_index(duck, path) == folder
    assert (folder / "index.json").stat().st_mtime_ns == stamp
    assert not list(tmp_path.glob("*.partial"))

    other = tmp_path / "other"
    other.mkdir()
    shuffled, view2 = prepared_file(duck, events, other, order=f"ORDER BY {ident(ROW)}")
    refused = ordered.build_index(duck, shuffled)
    assert json.loads((refused / "refused.json").read_text())["reason"]
    assert ordered.path_arrow(duck, view2, CHANNEL, keep_repeats=False) is None
    check_maps(duck, view2, events, CHANNEL, 3, False, 2)  # the SQL path, same figures


def test_repeated_input_rows_are_refused(duck, tmp_path):
    events = hand_events()
    events.loc[events[CUSTOMER_ID] == "b", ROW] = 1  # a's Email is row 1 too
    path, view = prepared_file(duck, events, tmp_path)
    refused = ordered.build_index(duck, path)
    assert json.loads((refused / "refused.json").read_text()) == {"reason": "input rows repeat"}
    assert ordered.path_arrow(duck, view, CHANNEL, keep_repeats=False) is None


def test_relations_not_noted_and_other_levels_take_the_sql_path(duck, tmp_path):
    events = hand_events()
    _, view = prepared_file(duck, events, tmp_path)
    duck.view("renamed", f"SELECT * REPLACE ('x' AS {ident(CHANNEL)}) FROM {ident(view)}")
    assert ordered.source_file("renamed") is None
    assert ordered.path_arrow(duck, "renamed", CHANNEL, keep_repeats=False) is None
    assert ordered.path_arrow(duck, view, "campaign", keep_repeats=False) is None
    ordered.note_subset("not_a_subset", "renamed")
    assert ordered.source_file("not_a_subset") is None


def test_counts_and_rows_read_once_per_scope(duck, tmp_path, monkeypatch):
    events = sample(customers=40)
    path, view = prepared_file(duck, events, tmp_path)
    assert ordered.counts(duck, view) is None  # no index yet: never built for a count
    name = subset(duck, view, Filters(channels=("Email", "Web")), "scope_counts")
    kept = apply_filters(events, Filters(channels=("Email", "Web")))
    reads = []
    original = DuckDBRunner.arrow
    monkeypatch.setattr(
        DuckDBRunner, "arrow", lambda self, sql: reads.append(sql) or original(self, sql)
    )
    expected = (kept[CUSTOMER_ID].nunique(), len(kept))
    assert ordered.counts(duck, name) == expected
    assert ordered.path_arrow(duck, name, CHANNEL, keep_repeats=False) is not None
    assert flows.phase_flows(duck, name, CHANNEL) is not None
    listed = [sql for sql in reads if sql.endswith(f"FROM {ident(name)}")]
    assert len(listed) == 1  # the scope's rows, listed once for all three
    _, rows = ordered.subset(duck, name)
    assert list(rows.nodes) == [CHANNEL]  # node names worked out once for both
    assert listed[0].startswith(f"SELECT CAST({ident(ROW)} - ")
    assert ordered.counts(duck, view) == (events[CUSTOMER_ID].nunique(), len(events))
    assert ordered.index_folder(path).exists()


@pytest.mark.parametrize("cells", [0, 1 << 26])
def test_phase_flow_nodes_by_flags_or_by_sorting_equal_pandas(duck, tmp_path, monkeypatch, cells):
    monkeypatch.setattr(ordered, "_SEEN_CELLS", cells)  # 0: always the sort
    events = sample(customers=60)
    _, view = prepared_file(duck, events, tmp_path)
    chosen = Filters(channels=("Email", "Web", "Store"))
    name = subset(duck, view, chosen, f"scope_cells_{cells}")
    kept = apply_filters(events, chosen).reset_index(drop=True)
    for level in (CHANNEL, TOUCHPOINT):
        same(flows.phase_flows(duck, name, level), oracle_flows.phase_flows(kept, level))
    nodes = ordered.phase_nodes(duck, name, CHANNEL).to_pandas()
    assert not nodes.duplicated().any()


def test_compare_cohorts_read_the_index_and_equal_the_sql_path(duck, tmp_path, monkeypatch):
    from journey.query.engine import compare
    from journey.query.scope import Cohorts

    events = sample(customers=80)
    _, view = prepared_file(duck, events, tmp_path)
    name = subset(duck, view, Filters(channels=("Email", "Web", "Store")), "scope_compare")
    served = []
    original = ordered.path_arrow
    monkeypatch.setattr(
        ordered, "path_arrow", lambda *a, **k: served.append(1) or original(*a, **k)
    )
    fast = compare.compare_cohorts(duck, name, Cohorts.conversion(), CHANNEL, False, 4)
    assert len(served) == 2  # both cohorts' path tables
    assert not any(v.startswith("q_cohort") for v in ordered._SUBSETS)  # forgotten
    monkeypatch.setattr(ordered, "path_arrow", lambda *a, **k: None)
    slow = compare.compare_cohorts(duck, name, Cohorts.conversion(), CHANNEL, False, 4)
    for got, expected in ((fast.a, slow.a), (fast.b, slow.b)):
        assert got.n_customers == expected.n_customers
        assert_frame_equal(got.steps, expected.steps)
        assert_frame_equal(got.transitions, expected.transitions)
        assert_frame_equal(got.node_stats, expected.node_stats)
    assert_frame_equal(fast.compare, slow.compare)


def test_next_reached_phase_is_the_customers_next_phase_run_by_hand():
    # rows c * 4 + p, sorted: customer 0 reached phases 0 (twice: two nodes) and 2; customer
    # 1 only phase 1; customer 2 phases 0, 1 and 3
    rest = np.array([0, 0, 2, 5, 8, 9, 11], dtype=np.int64)
    q = ordered._next_rank(rest).to_pylist()
    assert q == [2, 2, None, None, 1, 3, None]
    assert ordered._next_rank(np.empty(0, dtype=np.int64)).to_pylist() == []
