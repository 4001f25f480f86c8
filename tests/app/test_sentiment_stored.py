"""The Sentiment page on a workspace dataset: SQL over the transcripts and scores files.

A dataset loaded with `python -m journey load` has its transcripts scored once and stored.
The page then exports the scores to a Parquet file and aggregates the scope's scored rows on
the engine: it never reads every transcript row (`cache.dataset_transcripts`) or every score
record (`Workspace.scores`) into pandas, and shows what the pandas path showed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pandas.testing import assert_frame_equal
from streamlit.testing.v1 import AppTest

from journey.io.store import Workspace
from journey.query.engine.files import open_engine
from journey.query.filters import Filters, filter_transcripts
from journey.schema import CHANNEL, ROW
from journey.sentiment import insights, score, stored
from tests.app.conftest import STORED_SAMPLE, new_app
from tests.journey.query.engine.data import sample
from ui import cache, handle

NAME = STORED_SAMPLE


@pytest.fixture(scope="module")
def workspace_path(stored_sample_path: Path) -> Path:
    """The sample loaded (and its transcripts scored) by the user's `load` command."""
    return stored_sample_path


def _pandas_path(workspace: Workspace) -> score.ScoredTranscripts:
    """What the page built before: every row read and rebuilt from every stored record."""
    key = workspace.load(NAME, frames=False).info.key
    assert handle.export_stored(workspace, NAME, key)[1]
    transcripts = handle.read_file(open_engine(), str(handle.raw_transcripts_path(key)))
    return stored.scored_from_store(transcripts, workspace.scores(NAME, stored.DEFAULT))


def _refuse(what: str):
    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"the Sentiment page read {what}")

    return refused


def _table(app: AppTest, column: str):
    return next(d.value for d in app.dataframe if column in d.value.columns)


def test_the_page_aggregates_stored_scores_on_the_engine(
    workspace_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("JOURNEY_WORKSPACE", str(workspace_path))
    workspace = Workspace(workspace_path)
    expected = _pandas_path(workspace)
    figures = score.summary_figures(expected)
    monkeypatch.setenv("JOURNEY_DATASET", NAME)
    monkeypatch.setattr(cache, "dataset_transcripts", _refuse("every transcript row"))
    monkeypatch.setattr(Workspace, "scores", _refuse("every stored score record"))
    monkeypatch.setattr(stored, "scored_from_store", _refuse("a rebuilt ScoredTranscripts"))
    app = new_app()
    assert not app.exception, app.exception
    app.switch_page("views/sentiment.py").run()
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    shown = {m.label: m.value for m in app.metric}
    assert shown["Texts"] == f"{figures['rows']:,}"
    assert shown["Scored"] == f"{figures['scored']:,}"
    assert shown["Unscored"] == f"{figures['unscored']:,}"
    assert [m.value for m in app.metric][3:] == [
        f"{figures['customer_mean']:+.2f}",
        f"{figures['agent_mean']:+.2f}",
        f"{figures['mean_change']:+.2f}",
    ]
    events = sample()
    assert_frame_equal(
        _table(app, "last_contact"), insights.outcome_link(events, expected.rows), check_dtype=False
    )
    linked = insights.link_to_events(expected.rows, events)
    assert_frame_equal(
        _table(app, "n_negative"), insights.sentiment_by(linked, "channel"), check_dtype=False
    )
    assert_frame_equal(_table(app, "reason"), expected.unscored_reasons(), check_dtype=False)
    drivers = insights.sentiment_drivers(expected.rows)
    assert_frame_equal(_table(app, "direction"), drivers, check_dtype=False)
    marks = [m.value for m in app.markdown if "<mark>" in m.value]
    worst = insights.most_negative(expected.rows, n=8, drivers=drivers)
    pairs = zip(worst["sentiment_score"], worst["html"], strict=True)
    assert marks == [f"**{value:+.2f}** · {html}" for value, html in pairs]
    # a channel filter: the transcripts of the customers left, as `filter_transcripts` kept
    app.multiselect(key="frame_channels").set_value(["Email"]).run()
    assert not app.exception, app.exception
    kept = filter_transcripts(
        expected.rows, events[events[CHANNEL] == "Email"], Filters(channels=("Email",))
    )
    figures = score.summary_figures(score.subset(expected, kept[ROW]))
    assert 0 < figures["rows"] < len(expected.rows)
    shown = [m.value for m in app.metric]
    assert shown == [
        f"{figures['rows']:,}",
        f"{figures['scored']:,}",
        f"{figures['unscored']:,}",
        f"{figures['customer_mean']:+.2f}",
        f"{figures['agent_mean']:+.2f}",
        f"{figures['mean_change']:+.2f}",
    ]


def test_the_maps_node_sentiment_reads_stored_scores_on_the_engine(
    workspace_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("JOURNEY_WORKSPACE", str(workspace_path))
    expected = _pandas_path(Workspace(workspace_path))
    monkeypatch.setenv("JOURNEY_DATASET", NAME)
    monkeypatch.setattr(cache, "dataset_transcripts", _refuse("every transcript row"))
    monkeypatch.setattr(stored, "scored_from_store", _refuse("a rebuilt ScoredTranscripts"))
    app = new_app()
    app.switch_page("views/journey_map.py").run()
    app.toggle(key="journey_map_sentiment").set_value(True).run()
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    events = sample()

    def node_table() -> object:
        return next(
            d.value for d in app.dataframe if list(d.value.columns)[:2] == ["node", "mean_score"]
        )

    reference = insights.node_sentiment(events, expected.rows, CHANNEL)
    assert len(reference) >= 3
    assert_frame_equal(node_table(), reference, check_dtype=False)
    # a channel filter: the rows of the customers and dates left, linked to the kept events
    app.multiselect(key="frame_channels").set_value(["Chat", "Email"]).run()
    assert not app.exception, app.exception
    chosen = Filters(channels=("Chat", "Email"))
    kept_events = events[events[CHANNEL].isin(["Chat", "Email"])]
    kept = filter_transcripts(expected.rows, kept_events, chosen)
    reference = insights.node_sentiment(
        kept_events, score.subset(expected, kept[ROW]).rows, CHANNEL
    )
    assert set(reference["node"]) == {"Chat", "Email"}
    assert_frame_equal(node_table(), reference, check_dtype=False)
