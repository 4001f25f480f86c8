"""The Sentiment page, driven through app.py on the sample data."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import new_app


@pytest.fixture(scope="module")
def session() -> AppTest:
    """One app session on the Sentiment page for the module."""
    app = new_app()
    assert not app.exception, app.exception
    app.switch_page("views/sentiment.py").run()
    return app


def table(app: AppTest, column: str):
    """The first dataframe on the page that has `column`."""
    return next(d.value for d in app.dataframe if column in d.value.columns)


def problems(app: AppTest) -> list[str]:
    return [e.value for e in app.error] + [str(e.value) for e in app.exception]


def test_page_scores_the_sample_and_shows_every_section(session: AppTest):
    assert problems(session) == []
    labels = [m.label for m in session.metric]
    assert labels[:3] == ["Texts", "Scored", "Unscored"]
    assert int(session.metric[0].value.replace(",", "")) > 0
    assert table(session, "last_contact")["last_contact"].tolist() == [
        "negative",
        "neutral",
        "positive",
    ]
    drivers = table(session, "direction")
    assert set(drivers["direction"]) == {"negative", "positive"}
    assert not table(session, "share_negative").empty
    marks = [m.value for m in session.markdown if "<mark>" in m.value]
    assert marks


def test_changing_the_level_and_scorer_keeps_the_page_whole(session: AppTest):
    session.radio(key="sentiment_level").set_value("phase").run()
    assert problems(session) == []
    phases = table(session, "share_negative")["phase"].tolist()
    assert phases
    session.radio(key="sentiment_scorer").set_value("trained").run(timeout=240)
    assert problems(session) == []
    metrics = table(session, "model_macro_f1")
    assert metrics["model_macro_f1"].iloc[0] > 0.5


def test_trained_model_is_kept_in_the_workspace():
    app = new_app()
    app.switch_page("views/sentiment.py").run()
    app.radio(key="sentiment_scorer").set_value("trained").run(timeout=240)
    assert problems(app) == []
    assert any("kept in the workspace" in c.value for c in app.caption)
    from ui import cache

    assert cache.workspace().load_model("Sample data", cache.SENTIMENT_MODEL_NAME) is not None


def test_drivers_are_shown_per_journey_phase(session: AppTest):
    session.radio(key="sentiment_scorer").set_value("default").run(timeout=240)
    by_phase = next(
        d.value
        for d in session.dataframe
        if "group" in d.value.columns and set(d.value["group"]) & {"onboarding", "post-purchase"}
    )
    assert set(by_phase["direction"]) <= {"negative", "positive"}


def test_sentiment_is_scored_once_and_kept_in_the_workspace():
    """Saving the sample scores its transcripts; the page then reads the stored scores."""
    from journey.sentiment import stored
    from ui import cache

    app = new_app()
    assert problems(app) == []
    frame = cache.workspace().scores("Sample data", stored.DEFAULT)
    assert frame is not None
    rows = frame[frame[stored.TURN] == stored.ROW_RECORD]
    app.switch_page("views/sentiment.py").run()
    assert problems(app) == []
    assert int(app.metric[0].value.replace(",", "")) == len(rows)
    assert int(app.metric[1].value.replace(",", "")) == int(rows["sentiment_score"].notna().sum())
