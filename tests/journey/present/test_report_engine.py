"""The report built on the engine equals the pandas-built one (the oracle), section by section."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from functools import lru_cache

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from journey.io import load
from journey.present import content
from journey.query.engine.runner import DuckDBRunner
from journey.schema import DatasetSettings
from tests.conftest import SAMPLE_DIR
from tests.oracle import report as oracle
from tests.oracle import scope

from .conftest import EVENTS, engine_of, nba_input, small_frames, small_options


def decoded(value: object) -> object:
    """A plotly typed array ({"dtype", "bdata"[, "shape"]}) as a numpy array; else as is."""
    if isinstance(value, dict) and "bdata" in value and "dtype" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = value.get("shape")
        if shape:
            array = array.reshape([int(n) for n in str(shape).split(",")])
        return array
    return value


def same_values(left: object, right: object, where: str = "") -> None:
    """Equal nested plotly JSON; floats within 1e-9 (sums differ in their last bits by order)."""
    left, right = decoded(left), decoded(right)
    if isinstance(left, dict) and isinstance(right, dict):
        assert left.keys() == right.keys(), where
        for key in left:
            same_values(left[key], right[key], f"{where}.{key}")
    elif isinstance(left, list | tuple) and isinstance(right, list | tuple):
        assert len(left) == len(right), where
        for i, (a, b) in enumerate(zip(left, right, strict=True)):
            same_values(a, b, f"{where}[{i}]")
    elif isinstance(left, np.ndarray) or isinstance(right, np.ndarray):
        a, b = np.asarray(left), np.asarray(right)
        if a.dtype.kind in "fc" or b.dtype.kind in "fc":
            np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12, err_msg=where)
        else:
            assert a.tolist() == b.tolist(), where
    elif isinstance(left, float) or isinstance(right, float):
        assert left == pytest.approx(right, rel=1e-9, abs=1e-12, nan_ok=True), where
    else:
        assert left == right, where


def same_figure(left: go.Figure, right: go.Figure, name: str) -> None:
    same_values(left.to_plotly_json(), right.to_plotly_json(), name)


def same_report(engine: content.ReportContent, expected: content.ReportContent) -> None:
    """Key figures, summary, tables and sentences equal; charts equal up to float rounding."""
    assert engine.key_figures == expected.key_figures
    assert engine.summary == expected.summary
    assert [t.title for t in engine.key_tables] == [t.title for t in expected.key_tables]
    for mine, theirs in zip(engine.key_tables, expected.key_tables, strict=True):
        pd.testing.assert_frame_equal(mine.frame, theirs.frame)
    assert [s.key for s in engine.sections] == [s.key for s in expected.sections]
    for mine, theirs in zip(engine.sections, expected.sections, strict=True):
        assert mine.title == theirs.title
        assert mine.sentences == theirs.sentences, mine.key
        assert mine.key_figures == theirs.key_figures, mine.key
        assert mine.network_html == theirs.network_html, mine.key
        assert [t.title for t in mine.tables] == [t.title for t in theirs.tables]
        for table, other in zip(mine.tables, theirs.tables, strict=True):
            pd.testing.assert_frame_equal(
                table.frame, other.frame, obj=f"{mine.key}: {table.title}"
            )
        assert [(c.name, c.title, c.caption) for c in mine.charts] == [
            (c.name, c.title, c.caption) for c in theirs.charts
        ]
        for chart, other in zip(mine.charts, theirs.charts, strict=True):
            same_figure(chart.figure, other.figure, chart.name)


def test_small_report_equals_the_pandas_report(small_files, small_report):
    events, transcripts = small_frames(small_files)
    expected = oracle.build_report(events, transcripts, small_options(), nba_input())
    same_report(small_report, expected)


def test_small_report_quotes_the_hand_counted_top_journey(small_report):
    # by channel, repeats collapsed: c01, c02, c08, c12 go Paid Search > Web; 3 of 4 bought
    journeys = next(s for s in small_report.sections if s.key == "journeys")
    top = journeys.tables[0].frame.iloc[0]
    assert top.to_dict() == {
        "path": "Paid Search > Web",
        "customers": "4",
        "share": "33%",
        "conversion_rate": "75%",
    }
    assert ("Most common journey", "Paid Search > Web") in [
        (k.label, k.value) for k in small_report.key_figures
    ]


def test_scored_transcripts_give_the_report_of_raw_ones(small_files, small_engine, small_report):
    from journey.schema import LABEL
    from journey.sentiment import score

    transcripts = small_frames(small_files)[1]
    scored = score.score_transcripts(transcripts.drop(columns=[LABEL], errors="ignore"))
    options = content.ReportOptions(sections=("sentiment",), n_resamples=5)
    from_scores = content.build_report(small_engine, EVENTS, scored, options)
    from_rows = content.build_report(small_engine, EVENTS, transcripts, options)
    same_report(from_scores, from_rows)
    sentiment = next(s for s in small_report.sections if s.key == "sentiment")
    assert sentiment.sentences == from_scores.sections[0].sentences


@lru_cache(maxsize=1)
def _sample() -> tuple[pd.DataFrame, pd.DataFrame]:
    events, _ = load.load_file(SAMPLE_DIR / "events.csv", kind="events")
    transcripts, _ = load.load_file(SAMPLE_DIR / "transcripts.csv", kind="transcripts")
    return scope.prepare_events(events.accepted, DatasetSettings()), transcripts.accepted


@pytest.fixture(scope="module")
def sample_engine() -> Iterator[DuckDBRunner]:
    runner = engine_of(_sample()[0])
    yield runner
    runner.con.close()


def test_sample_report_equals_the_pandas_report(sample_engine):
    events, transcripts = _sample()
    options = content.ReportOptions(dataset="events.csv", n_resamples=10)
    report = content.build_report(sample_engine, EVENTS, transcripts, options)
    same_report(report, oracle.build_report(events, transcripts, options))
    assert [s.key for s in report.sections] == [
        s for s in content.SECTIONS if s != "next_best_action"
    ]
    assert report.key_figures[0] == content.KeyFigure("Customers", "5,000")


def test_sample_report_by_touchpoint_equals_the_pandas_report(sample_engine):
    events, _ = _sample()
    options = content.ReportOptions(
        sections=("journeys", "phases", "network"), level="touchpoint", steps=4, top_k=6
    )
    report = content.build_report(sample_engine, EVENTS, None, options)
    same_report(report, oracle.build_report(events, None, options))


def test_kept_relations_and_scored_files_give_the_same_report(
    small_files, small_engine, tmp_path, monkeypatch
):
    """Kept paths and touches, and sentiment from the Sentiment page's files: the same report."""
    from journey.attribution.engine import path_spec
    from journey.query.engine import attribution as attribution_sql
    from journey.query.engine import flows
    from journey.query.engine import scored as engine_scored
    from journey.query.engine.files import frame_to_parquet
    from journey.schema import LABEL, ROW
    from journey.sentiment import score, stored

    transcripts = small_frames(small_files)[1]
    options = small_options()
    expected = content.build_report(small_engine, EVENTS, transcripts, options, nba_input())

    # the files the app keeps: transcripts with their row number, and the default scores
    numbered = transcripts.assign(**{ROW: np.arange(1, len(transcripts) + 1, dtype="int64")})
    scored = score.score_transcripts(numbered.drop(columns=[LABEL], errors="ignore"))
    t_path, s_path = tmp_path / "transcripts.parquet", tmp_path / "scores.parquet"
    frame_to_parquet(small_engine, numbered, t_path)
    frame_to_parquet(small_engine, stored.to_stored(scored), s_path)
    relation = engine_scored.scored_relation(small_engine, "report_kept", str(t_path), str(s_path))
    sentiment = content.sentiment_input(small_engine, relation.rows, relation.turns, EVENTS)

    paths, touches = "report_kept_paths", "report_kept_touches"
    small_engine.table(paths, flows.path_select(small_engine, EVENTS, options.level, False, True))
    spec = path_spec(content.attribution.DEFAULT_SETTINGS)
    small_engine.table(touches, attribution_sql.touches_sql(EVENTS, spec))
    calls: list[str] = []  # the kept tables are read, not built again: count path builds
    original = flows.path_select

    def counted(*args: object, **kwargs: object) -> str:
        calls.append("path")
        return original(*args, **kwargs)

    def touched(*args: object, **kwargs: object) -> str:
        calls.append("touches")
        return original_touches(*args, **kwargs)

    original_touches = attribution_sql.touches
    monkeypatch.setattr(flows, "path_select", counted)
    monkeypatch.setattr(attribution_sql, "touches", touched)
    try:
        kept = content.build_report(
            small_engine,
            EVENTS,
            sentiment,
            options,
            nba_input(),
            kept=content.Kept(paths=paths, touches=touches),
        )
    finally:
        small_engine.drop(paths)
        small_engine.drop(touches)
    same_report(kept, expected)
    assert calls == []  # no path table (journeys, network) and no touches were built
    sentiment_section = next(s for s in kept.sections if s.key == "sentiment")
    assert sentiment_section.tables[0].frame.shape[0] > 0


def test_a_scope_without_transcript_rows_leaves_the_sentiment_section_out(small_engine):
    figures = {"rows": 0}
    empty = content.SentimentInput(figures, pd.DataFrame(), pd.DataFrame())
    options = content.ReportOptions(sections=("funnel", "sentiment"), n_resamples=5)
    report = content.build_report(small_engine, EVENTS, empty, options)
    assert [s.key for s in report.sections] == ["funnel"]
