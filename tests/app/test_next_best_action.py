"""The Next best action page, driven through app.py on the sample data."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from journey.recommend.rules import RULE_IDS
from tests.app.conftest import new_app

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def session() -> AppTest:
    """One app session on the Next best action page for the module."""
    app = new_app()
    assert not app.exception, app.exception
    app.switch_page("views/next_best_action.py").run()
    return app


def problems(app: AppTest) -> list[str]:
    return [e.value for e in app.error] + [str(e.value) for e in app.exception]


def table_with(app: AppTest, column: str):
    """The page's table that has `column` (st.dataframe keys are not visible to AppTest)."""
    return next(d.value for d in app.dataframe if column in d.value.columns)


def decisions(app: AppTest):
    return table_with(app, "reason")


def test_page_renders_one_decision_per_customer(session: AppTest):
    assert problems(session) == []
    table = decisions(session)
    assert list(table.columns) == ["customer_id", "action", "channel", "rule", "reason", "score"]
    assert table["customer_id"].is_unique
    assert len(table) == 5000
    assert set(table["rule"]) <= set(RULE_IDS)
    assert table["reason"].str.len().gt(10).all()
    assert float(session.metric[0].value) > 0.6  # ROC AUC on the sample


def test_a_switched_off_rule_never_fires(session: AppTest):
    session.multiselect(key="nba_rules").unselect("abandoned_cart").run()
    assert problems(session) == []
    assert "abandoned_cart" not in set(decisions(session)["rule"])
    session.multiselect(key="nba_rules").select("abandoned_cart").run()


def test_the_replay_respects_the_caps(session: AppTest):
    session.number_input(key="nba_cap_any").set_value(2).run()
    session.toggle(key="nba_replay").set_value(True).run()
    assert problems(session) == []
    caps = table_with(session, "customer_days")
    assert caps.set_index("cap").loc["*", "limit"] == 2
    triggers = table_with(session, "median_hours_to_fire")
    assert triggers["fired"].sum() > 0


def test_a_stored_dataset_opens_on_the_results_load_kept(stored_sample_path, monkeypatch):
    """`load` kept the opening results: the page and the report train and decide nothing."""
    from pandas.testing import assert_frame_equal

    from journey.present import content
    from journey.recommend import kept
    from journey.recommend import pipeline as recommend_pipeline
    from tests.app.conftest import STORED_SAMPLE, refusal
    from ui import cache

    monkeypatch.setenv("JOURNEY_WORKSPACE", str(stored_sample_path))
    monkeypatch.setenv("JOURNEY_DATASET", STORED_SAMPLE)
    for name in ("fit_model", "recommend", "evaluate"):
        monkeypatch.setattr(recommend_pipeline, name, refusal(f"ran {name}"))
    monkeypatch.setattr(cache, "dataset_transcripts", refusal("read every transcript row"))
    app = new_app()
    app.switch_page("views/next_best_action.py").run()
    assert problems(app) == []
    folders = list((stored_sample_path.parent / "cache").glob("nba-*"))
    assert len(folders) == 1  # the opening settings, with the contacts' sentiment
    run = kept.read_run(folders[0])
    shown = decisions(app).reset_index(drop=True)
    assert_frame_equal(shown, run.decisions[list(shown.columns)], check_dtype=False)
    assert len(shown) == 5000
    assert app.metric[0].value == f"{run.evaluation.auc:.3f}"
    app.switch_page("views/report.py").run()  # the report's section: the same kept decisions
    assert problems(app) == []
    assert content.SECTION_TITLES["next_best_action"] in [s.value for s in app.main.subheader]


def test_the_customer_table_narrows_by_id_and_action():
    app = new_app()
    app.switch_page("views/next_best_action.py").run()
    assert problems(app) == []
    everyone = decisions(app)
    app.text_input(key="nba_search").input("c001").run()  # ids C00100 ... C00199, any case
    table = decisions(app)
    assert len(table) == everyone["customer_id"].str.lower().str.contains("c001").sum() > 0
    assert table["customer_id"].str.startswith("C001").all()
    assert f"{len(table):,} of 5,000 customers." in [c.value for c in app.caption]
    assert app.selectbox(key="nba_customer").options == list(table["customer_id"])
    action = str(everyone["action"].iloc[0])
    app.text_input(key="nba_search").input("").run()
    app.multiselect(key="nba_actions_shown").select(action).run()
    table = decisions(app)
    assert set(table["action"]) == {action}
    assert len(table) == (everyone["action"] == action).sum()
