"""journey.query.engine.opening: every page's opening results, kept, equal the engine's own."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from journey.attribution import engine as engine_attribution
from journey.present import opening
from journey.query.engine import compare as engine_compare
from journey.query.engine import files, results
from journey.query.engine import flows as engine_flows
from journey.query.engine import funnels as engine_funnels
from journey.query.engine import maps as engine_maps
from journey.query.engine import metrics as engine_metrics
from journey.query.engine import overview as engine_overview
from journey.query.scope import Cohorts
from journey.schema import CHANNEL, EVENT_TYPE, TOUCHPOINT
from tests.journey.query.engine.data import register, same_figures, sample


@pytest.fixture(scope="module")
def whole(tmp_path_factory):
    """The sample's first 300 customers as a dataset's whole view (a Parquet file view)."""
    folder = tmp_path_factory.mktemp("opening")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JOURNEY_WORKSPACE", str(folder / "workspace.duckdb"))
        runner = files.open_engine()
        register(runner, sample(customers=300), "ev")
        path = files.copy_to_parquet(runner, "SELECT * FROM ev", folder / "prepared.parquet")
        view = files.parquet_view(runner, path)
        seen: list[tuple[float, str]] = []
        done = opening.warm_pages(runner, view, lambda f, m: seen.append((f, m)))
        yield runner, view, done, seen, folder


def test_warm_keeps_every_page_with_progress(whole):
    _runner, _view, done, seen, folder = whole
    assert done == [
        "overview",
        "journey map",
        "network and compare",
        "funnels",
        "attribution",
        "channel metrics",
    ]
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions)
    assert seen[-1] == (1.0, "pages")
    assert len(list((folder / "cache").glob("result-*"))) == 12


def test_kept_results_equal_the_engines_own(whole, monkeypatch):
    runner, view, _done, _seen, _folder = whole
    monkeypatch.setattr(results, "write_result", _refuse)  # every call below reads a kept one
    # sums in another order: equal to 1e-9
    same_figures(opening.overview_kpis(runner, view), engine_overview.kpis(runner, view))
    assert_frame_equal(
        opening.channel_overview(runner, view), engine_overview.channel_overview(runner, view)
    )
    assert_frame_equal(
        opening.phase_summary(runner, view), engine_overview.phase_summary(runner, view)
    )
    steps, fold, phases, top = opening.journey_map(runner, view, None, CHANNEL, 5, False, 8)
    fresh = engine_maps.journey_map(runner, view, CHANNEL, 5, False, 8, n=opening.TOP_PATHS)
    assert_frame_equal(steps, fresh.steps)
    assert fold == fresh.fold
    assert_frame_equal(phases, fresh.phases)
    assert_frame_equal(top, fresh.top_paths)
    assert_frame_equal(
        opening.phase_flows(runner, view, CHANNEL),
        engine_flows.phase_flows(runner, view, CHANNEL),
    )
    transitions, node_stats = opening.network_map(runner, view, None, CHANNEL, False, False)
    fresh_transitions, fresh_stats = engine_maps.network_map(runner, view, CHANNEL, False, False)
    assert_frame_equal(transitions, fresh_transitions)
    assert_frame_equal(node_stats, fresh_stats)
    compared = opening.compare_cohorts(runner, view, Cohorts.conversion(), CHANNEL, False, 5)
    fresh_compared = engine_compare.compare_cohorts(
        runner, view, Cohorts.conversion(), CHANNEL, False, 5
    )
    for side, fresh_side in ((compared.a, fresh_compared.a), (compared.b, fresh_compared.b)):
        assert side.n_customers == fresh_side.n_customers
        assert side.phases == fresh_side.phases
        assert_frame_equal(side.steps, fresh_side.steps)
        assert_frame_equal(side.transitions, fresh_side.transitions)
        assert_frame_equal(side.node_stats, fresh_side.node_stats)
    assert_frame_equal(compared.compare, fresh_compared.compare)
    page = opening.funnel_page(runner, view, TOUCHPOINT)
    fresh_page = engine_funnels.funnel_page(runner, view, TOUCHPOINT, (TOUCHPOINT,), n=15)
    assert page.stages == fresh_page.stages
    assert page.stages  # the sample proposes a funnel
    assert_frame_equal(page.funnel, fresh_page.funnel)
    assert_frame_equal(page.dropped_next, fresh_page.dropped_next)
    for level, (drops, over) in fresh_page.dropoffs.items():
        assert_frame_equal(page.dropoffs[level][0], drops)
        assert_frame_equal(page.dropoffs[level][1], over)


def test_kept_attribution_and_metrics_equal_the_engines_own(whole, monkeypatch):
    runner, view, _done, _seen, _folder = whole
    monkeypatch.setattr(results, "write_result", _refuse)
    settings = opening.attribution_opening(("customer_id", CHANNEL, TOUCHPOINT))
    assert settings is not None
    assert settings.level == CHANNEL
    result, method = opening.attribution_result(view, settings, _refuse)
    fresh = engine_attribution.engine_attribute(runner, view, settings)
    assert_frame_equal(result, fresh, check_exact=False, rtol=1e-9)
    assert method == fresh.attrs["shapley_method"]
    markov = opening.attribution_markov(runner, view, settings, _refuse)
    chain = engine_attribution.engine_fit_markov(
        runner, view, opening.markov_chain_settings(settings)
    )
    assert_frame_equal(markov.removal_effects, chain.removal_effects, check_exact=False, rtol=1e-9)
    assert markov.conversion_probability == pytest.approx(chain.conversion_probability)
    args = opening.metrics_opening(runner, view)
    assert args is not None
    assert args.granularity == "week"
    assert args.qualifying_column == EVENT_TYPE
    assert isinstance(args.start, dt.date)
    table = opening.channel_metrics(runner, view, args)
    fresh_table = engine_metrics.channel_metrics(
        runner,
        view,
        args.start,
        args.end,
        args.granularity,
        args.level,
        args.qualifying,
        args.qualifying_column,
        args.window_days,
    )
    assert_frame_equal(table, fresh_table)
    contacts = opening.contact_list(runner, view, args.start, args.end, args.level, True)
    fresh_contacts = engine_metrics.contact_list(runner, view, args.start, args.end, args.level)
    assert_frame_equal(contacts, fresh_contacts)
    assert len(contacts) == 300
    # a shorter range is computed, never kept: one customer list per range would pile up
    monkeypatch.setattr(results, "write_result", _refuse_write)
    shorter = opening.contact_list(runner, view, args.start, args.start, args.level, False)
    fresh_shorter = engine_metrics.contact_list(runner, view, args.start, args.start, args.level)
    assert_frame_equal(shorter, fresh_shorter)
    assert len(shorter) < 300


def _refuse_write(*_args: object, **_kwargs: object) -> None:
    raise AssertionError("kept a contact list of a part of the span")


def _refuse(*_args: object, **_kwargs: object) -> pd.DataFrame:
    raise AssertionError("computed a result warm_pages kept")
