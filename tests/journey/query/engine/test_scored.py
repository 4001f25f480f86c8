"""The Sentiment page's engine over files equals the pandas path it replaced.

The pandas path read every transcript row and every stored score record, rebuilt
`ScoredTranscripts` (`stored.scored_from_store`), subset it to the scope (`score.subset` of
`filters.filter_transcripts`), then ran `score.summary_figures`, `unscored_reasons`, the
`insights` functions and `export.to_csv_bytes`: those are the oracle here.
"""

from __future__ import annotations

import math
import tempfile
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from journey.io import export
from journey.io.load import load_file
from journey.query.engine import scored as engine_scored
from journey.query.engine import sentiment as engine
from journey.query.engine.files import frame_to_parquet
from journey.query.engine.runner import DuckDBRunner
from journey.query.filters import Filters, filter_transcripts
from journey.schema import CHANNEL, CUSTOMER_ID, PHASE, ROW, TEXT, TIMESTAMP
from journey.sentiment import insights, score, stored
from journey.sentiment.sample import customer_text_rows
from tests.conftest import SAMPLE_DIR
from tests.journey.query.engine.data import register, sample

LEVELS = ("channel", "touchpoint", "phase", "team")


def _write(runner: DuckDBRunner, folder: Path, transcripts: pd.DataFrame, records: pd.DataFrame):
    """The two files the app keeps: transcripts and stored scores."""
    t_path, s_path = folder / "transcripts.parquet", folder / "scores.parquet"
    frame_to_parquet(runner, transcripts, t_path)
    frame_to_parquet(runner, records, s_path)
    return str(t_path), str(s_path)


def _customers_view(runner: DuckDBRunner, customers: list[str], name: str = "kept") -> str:
    runner.register_frame(name, pd.DataFrame({CUSTOMER_ID: pd.array(customers, dtype="str")}))
    return name


def _expected(
    transcripts: pd.DataFrame, records: pd.DataFrame, events: pd.DataFrame | None, chosen: Filters
) -> score.ScoredTranscripts:
    """The pandas path: rebuild every row, then subset to the scope when filters are set."""
    whole = stored.scored_from_store(transcripts, records)
    if events is None:
        return whole
    kept = filter_transcripts(transcripts, events, chosen)
    return score.subset(whole, kept[ROW])


# -- by hand ------------------------------------------------------------------------------------

HAND_TRANSCRIPTS = pd.DataFrame(
    {
        CUSTOMER_ID: pd.array(["C1", "C1", "C1", "C2", "C2"], dtype="string"),
        TIMESTAMP: pd.to_datetime(
            ["2025-01-06 10:00", "2025-01-06 10:05", "2025-01-06 10:10", "2025-01-14 09:00", None],
            utc=True,
        ),
        CHANNEL: pd.array(["Chat", "Chat", "Chat", "Call", "Call"], dtype="string"),
        TEXT: pd.array(["so bad", "sorry", "great now", "", "fine"], dtype="string"),
        "label": pd.array(["negative", None, None, None, None], dtype="string"),
        ROW: np.arange(1, 6, dtype="int64"),
    }
)
# one record per row (turn -1) and per turn (one turn a row): a chat of three turns (K1),
# an empty call and a call without a time
_HAND = [  # position, role, conversation, score, label, reason
    (0, "customer", "K1", -0.6, "negative", ""),
    (1, "agent", "K1", 0.4, "positive", ""),
    (2, "customer", "K1", 0.8, "positive", ""),
    (3, "customer", "row 4", math.nan, "unscored", "empty text"),
    (4, "customer", "row 5", 0.0, "neutral", ""),
]


def _hand_records() -> pd.DataFrame:
    parts = []
    for turn in (stored.ROW_RECORD, 0):
        for position, role, conv, value, label, reason in _HAND:
            parts.append(
                {
                    "position": position,
                    "turn": turn,
                    "role": role,
                    "speaker": None,
                    "text": None,
                    "conversation": conv,
                    "language": "en",
                    "sentiment_score": value,
                    "sentiment_label": label,
                    "scorer": "" if reason else "lexicon",
                    "unscored_reason": reason,
                }
            )
    frame = pd.DataFrame(parts).sort_values(["position", "turn"], ignore_index=True)
    return frame.astype({"sentiment_score": "float64"})


def test_the_figures_of_the_whole_and_of_a_scope_by_hand(duck: DuckDBRunner, tmp_path: Path):
    records = _hand_records()
    files = _write(duck, tmp_path, HAND_TRANSCRIPTS, records)
    whole = engine_scored.scored_relation(duck, "whole", *files)
    # K1: customer -0.6 then +0.8 (change +1.4), agent +0.4; row 4 unscored; row 5 neutral 0.0
    assert engine.summary_figures(duck, whole.rows, whole.turns) == {
        "rows": 5,
        "scored": 4,
        "unscored": 1,
        "conversations": 3,
        "customer_mean": pytest.approx(0.05),
        "agent_mean": pytest.approx(0.4),
        "share_negative": pytest.approx(1 / 3),
        "mean_change": pytest.approx(1.4),
        "share_improved": 1.0,
        "n_changes": 1,
    }
    reasons = engine_scored.unscored_reasons(duck, whole.rows)
    assert reasons.to_dict("list") == {"reason": ["empty text"], "rows": [1]}
    # C2 only, up to 2025-01-06: its call of the 14th leaves, the one without a time stays
    view = _customers_view(duck, ["C2"])
    condition = engine_scored.scope_condition(view, None, date(2025, 1, 6))
    scoped = engine_scored.scored_relation(duck, "scoped", *files, condition=condition)
    figures = engine.summary_figures(duck, scoped.rows, scoped.turns)
    assert (figures["rows"], figures["scored"], figures["conversations"]) == (1, 1, 1)
    assert figures["customer_mean"] == 0.0
    assert math.isnan(figures["agent_mean"])
    assert figures["n_changes"] == 0
    assert math.isnan(figures["mean_change"])
    assert engine_scored.unscored_reasons(duck, scoped.rows).empty
    for relation, events in ((whole, None), (scoped, pd.DataFrame({CUSTOMER_ID: ["C2"]}))):
        expected = _expected(HAND_TRANSCRIPTS, records, events, Filters(end=date(2025, 1, 6)))
        got = engine.summary_figures(duck, relation.rows, relation.turns)
        assert got == pytest.approx(score.summary_figures(expected), nan_ok=True)


def test_the_text_sample_and_most_negative_by_hand(duck: DuckDBRunner, tmp_path: Path):
    files = _write(duck, tmp_path, HAND_TRANSCRIPTS, _hand_records())
    rel = engine_scored.scored_relation(duck, "hand", *files)
    texts = engine_scored.text_sample(duck, rel.rows, cap=10)
    # customer rows with a label: 0, 2 and 4 (1 is the agent's, 3 unscored)
    assert texts["position"].tolist() == [0, 2, 4]
    assert texts[TEXT].tolist() == ["so bad", "great now", "fine"]
    assert str(texts[TIMESTAMP].dtype) == "datetime64[us, UTC]"
    assert engine_scored.count_texts(duck, rel.rows) == 3
    two = engine_scored.text_sample(duck, rel.rows, cap=2)
    assert len(two) == 2
    assert set(two["position"]) < {0, 2, 4}
    assert two.equals(engine_scored.text_sample(duck, rel.rows, cap=2))  # seeded: the same
    worst = engine_scored.most_negative_rows(duck, rel.rows, 5)
    assert worst["position"].tolist() == [0]  # the only negative score
    with pytest.raises(ValueError, match="at least one"):
        engine_scored.text_sample(duck, rel.rows, cap=0)


def test_scores_that_do_not_cover_the_transcripts_are_refused(duck, tmp_path: Path):
    records = _hand_records()
    files = _write(duck, tmp_path, HAND_TRANSCRIPTS, records[records["position"] < 4])
    with pytest.raises(ValueError, match="cover 4 rows, the transcripts 5"):
        engine_scored.scored_relation(duck, "short", *files)


def test_a_transcript_column_named_position_keeps_its_values(duck, tmp_path: Path):
    transcripts = HAND_TRANSCRIPTS.assign(position=[9, 8, 7, 6, 5])
    records = _hand_records()
    rel = engine_scored.scored_relation(duck, "pos", *_write(duck, tmp_path, transcripts, records))
    assert engine_scored.scored_csv(duck, rel) == export.to_csv_bytes(
        stored.scored_from_store(transcripts, records).rows
    )


# -- the bundled sample ------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _sample() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The sample's accepted transcripts (as the app loads them) and their stored scores."""
    result, _ = load_file(SAMPLE_DIR / "transcripts.csv", kind="transcripts")
    transcripts = result.accepted
    return transcripts, stored.score_for_store(transcripts)


def _same_pages(duck: DuckDBRunner, rel, expected: score.ScoredTranscripts, events: str, prepared):
    """Every figure of the page from the views equals the pandas path's."""
    rows = expected.rows
    assert engine.summary_figures(duck, rel.rows, rel.turns) == pytest.approx(
        score.summary_figures(expected), nan_ok=True
    )
    assert_frame_equal(
        engine_scored.unscored_reasons(duck, rel.rows),
        expected.unscored_reasons(),
        check_dtype=False,
    )
    assert_frame_equal(
        engine.weekly_sentiment(duck, rel.rows), insights.weekly_sentiment(rows), check_dtype=False
    )
    assert_frame_equal(
        engine.outcome_link(duck, events, rel.rows), insights.outcome_link(prepared, rows)
    )
    linked = insights.link_to_events(rows, prepared)
    table = engine.link_table(duck, "linked", rel.rows, events)
    for level in LEVELS:
        assert_frame_equal(
            engine.sentiment_by(duck, table, level),
            insights.sentiment_by(linked, level),
            check_dtype=False,
        )
    # word work: the scope holds fewer customer texts than the cap, so the sample is all of them
    texts = engine_scored.text_sample(duck, rel.rows, cap=20_000, linked=table)
    customer = rows.iloc[customer_text_rows(rows)]
    assert len(texts) == len(customer) == engine_scored.count_texts(duck, rel.rows)
    assert texts[TEXT].tolist() == customer[TEXT].tolist()
    assert texts[PHASE].astype(object).where(texts[PHASE].notna(), None).tolist() == (
        linked[PHASE].astype(object).where(linked[PHASE].notna(), None).tolist()
    )
    drivers = insights.sentiment_drivers(texts)
    assert_frame_equal(drivers, insights.sentiment_drivers(rows))
    assert_frame_equal(
        insights.sentiment_drivers(texts, by=CHANNEL, top_n=5),
        insights.sentiment_drivers(rows, by=CHANNEL, top_n=5),
    )
    phased = rows.iloc[linked.index].assign(**{PHASE: linked[PHASE].to_numpy()})
    assert_frame_equal(
        insights.sentiment_drivers(texts, by=PHASE, top_n=5),
        insights.sentiment_drivers(phased, by=PHASE, top_n=5),
    )
    assert_frame_equal(insights.topic_groups(texts)[0], insights.topic_groups(rows)[0])
    worst = engine_scored.most_negative_rows(duck, rel.rows, 8)
    got = insights.most_negative(worst, n=8, drivers=drivers, terms_from=texts)
    want = insights.most_negative(rows, n=8, drivers=drivers, terms_from=rows)
    shown = ["sentiment_score", "text", "terms", "html", CUSTOMER_ID, CHANNEL]
    assert_frame_equal(got[shown], want[shown], check_dtype=False)
    assert engine_scored.scored_csv(duck, rel) == export.to_csv_bytes(rows)
    duck.drop(table)


def test_the_sample_equals_the_pandas_path(duck: DuckDBRunner, tmp_path: Path):
    transcripts, records = _sample()
    files = _write(duck, tmp_path, transcripts, records)
    prepared = sample()
    events = register(duck, prepared, "events")
    rel = engine_scored.scored_relation(duck, "sample", *files)
    _same_pages(duck, rel, stored.scored_from_store(transcripts, records), events, prepared)


def test_a_filtered_sample_scope_equals_the_pandas_subset(duck: DuckDBRunner, tmp_path: Path):
    transcripts, records = _sample()
    files = _write(duck, tmp_path, transcripts, records)
    prepared = sample()
    # the scope: a third of the customers, two months of transcripts
    customers = sorted(prepared[CUSTOMER_ID].unique())[::3]
    events = prepared[prepared[CUSTOMER_ID].isin(customers)].reset_index(drop=True)
    name = register(duck, events, "scope_events")
    chosen = Filters(start=date(2025, 2, 1), end=date(2025, 3, 31))
    condition = engine_scored.scope_condition(name, chosen.start, chosen.end)
    rel = engine_scored.scored_relation(duck, "scoped", *files, condition=condition)
    expected = _expected(transcripts, records, events, chosen)
    assert 0 < len(expected.rows) < len(transcripts)
    _same_pages(duck, rel, expected, name, events)


def test_a_big_scope_reads_a_seeded_sample_of_its_texts(duck: DuckDBRunner, tmp_path: Path):
    transcripts, records = _sample()
    rel = engine_scored.scored_relation(duck, "big", *_write(duck, tmp_path, transcripts, records))
    total = engine_scored.count_texts(duck, rel.rows)
    texts = engine_scored.text_sample(duck, rel.rows, cap=500)
    assert len(texts) == 500 < total
    assert texts["position"].is_monotonic_increasing
    whole = stored.scored_from_store(transcripts, records).rows
    allowed = set(customer_text_rows(whole))
    assert set(texts["position"]) <= allowed
    assert (
        texts["position"].tolist()
        == engine_scored.text_sample(duck, rel.rows, 500)["position"].tolist()
    )
    other = engine_scored.text_sample(duck, rel.rows, cap=500, seed=1)
    assert set(other["position"]) != set(texts["position"])
    # spread over the file, not its first rows
    assert texts["position"].max() > len(whole) // 2


# -- random small datasets ---------------------------------------------------------------------


@st.composite
def _random_dataset(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Random transcripts and stored records: several turns a row, ties, missing values."""
    n = draw(st.integers(1, 10))
    pick = lambda values, k=n: st.lists(st.sampled_from(values), min_size=k, max_size=k)  # noqa: E731
    hours = draw(pick([None, 0, 5, 5, 30, 200, 400]))
    transcripts = pd.DataFrame(
        {
            CUSTOMER_ID: pd.array(draw(pick(["a", "b", "c"])), dtype="string"),
            TIMESTAMP: pd.to_datetime(
                [
                    None if h is None else pd.Timestamp("2024-01-01") + pd.Timedelta(hours=h)
                    for h in hours
                ],
                utc=True,
            ),
            CHANNEL: pd.array(draw(pick(["Chat", "Call", None])), dtype="string"),
            TEXT: pd.array(draw(pick(["bad", "good", "ok thanks", ""])), dtype="string"),
            ROW: np.arange(1, n + 1, dtype="int64"),
        }
    )
    convs = draw(pick(["k1", "k2", "k3"]))
    parts = []
    for position in range(n):
        n_turns = draw(st.integers(1, 3))
        for turn in [stored.ROW_RECORD, *range(n_turns)]:
            label = draw(st.sampled_from(["negative", "neutral", "positive", "unscored"]))
            value = math.nan if label == "unscored" else draw(st.sampled_from([-0.8, 0.0, 0.6]))
            role = "customer" if turn == stored.ROW_RECORD and n_turns > 1 else None
            parts.append(
                {
                    "position": position,
                    "turn": turn,
                    "role": role or draw(st.sampled_from(["customer", "agent"])),
                    "speaker": None,
                    "text": None,
                    "conversation": convs[position],
                    "language": "en",
                    "sentiment_score": value,
                    "sentiment_label": label,
                    "scorer": "" if label == "unscored" else "lexicon",
                    "unscored_reason": draw(st.sampled_from(["empty text", "no model for 'pl'"]))
                    if label == "unscored"
                    else "",
                }
            )
    records = pd.DataFrame(parts).astype({"sentiment_score": "float64"})
    return transcripts, records


@given(
    _random_dataset(),
    st.lists(st.sampled_from(["a", "b", "c"]), unique=True),
    st.sampled_from([None, date(2024, 1, 1), date(2024, 1, 2)]),
    st.sampled_from([None, date(2024, 1, 1), date(2024, 1, 9)]),
)
def test_random_datasets_and_scopes_equal_the_pandas_path(dataset, customers, start, end):
    transcripts, records = dataset
    runner = DuckDBRunner()
    runner.con.execute("SET TimeZone = 'UTC'")
    with tempfile.TemporaryDirectory() as folder:
        files = _write(runner, Path(folder), transcripts, records)
        chosen = Filters(start=start, end=end, channels=("Chat",) if not customers else ())
        view = _customers_view(runner, customers)
        condition = engine_scored.scope_condition(view, chosen.start, chosen.end)
        cases = [
            ("whole", "TRUE", None),
            ("scope", condition, pd.DataFrame({CUSTOMER_ID: customers})),
        ]
        for name, where, events in cases:
            rel = engine_scored.scored_relation(runner, name, *files, condition=where)
            expected = _expected(transcripts, records, events, chosen)
            got = engine.summary_figures(runner, rel.rows, rel.turns)
            assert got == pytest.approx(score.summary_figures(expected), nan_ok=True)
            assert_frame_equal(
                engine_scored.unscored_reasons(runner, rel.rows),
                expected.unscored_reasons(),
                check_dtype=False,
                check_index_type=False,
            )
            assert_frame_equal(
                engine.weekly_sentiment(runner, rel.rows),
                insights.weekly_sentiment(expected.rows),
                check_dtype=False,
                check_index_type=False,
            )
            texts = engine_scored.text_sample(runner, rel.rows, cap=20_000)
            customer = expected.rows.iloc[customer_text_rows(expected.rows)]
            assert texts[TEXT].tolist() == customer[TEXT].tolist()
            assert engine_scored.scored_csv(runner, rel) == export.to_csv_bytes(expected.rows)
    runner.con.close()
