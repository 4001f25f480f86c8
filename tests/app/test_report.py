"""The Report page, driven through app.py on the sample data."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from journey.present import content
from journey.recommend import pipeline as recommend_pipeline
from tests.app.conftest import new_app
from ui import cache, handle


@pytest.fixture(scope="module")
def session() -> AppTest:
    """One app session on the Report page for the module."""
    app = new_app()
    assert not app.exception, app.exception
    app.switch_page("views/report.py").run()
    return app


def problems(app: AppTest) -> list[str]:
    return [e.value for e in app.error] + [str(e.value) for e in app.exception]


def download_labels(app: AppTest) -> list[str]:
    """The page's download buttons, without each chart's own SVG download."""
    labels = [button.proto.label for button in app.get("download_button")]
    return [label for label in labels if label != "SVG"]


def svg_keys(app: AppTest) -> list[str]:
    """The widget keys of the charts' SVG downloads."""
    buttons = app.get("download_button")
    return [b.proto.id.rsplit("-", 1)[-1] for b in buttons if b.proto.label == "SVG"]


def test_page_previews_every_section_and_offers_the_html(session: AppTest):
    assert problems(session) == []
    subheaders = [s.value for s in session.main.subheader]
    assert subheaders[0] == "Key figures"
    assert subheaders[1:] == [content.SECTION_TITLES[s] for s in content.SECTIONS]
    assert [m.label for m in session.main.metric] == [
        "Customers",
        "Conversions",
        "Customers converting",
        "Revenue",
    ]
    assert session.main.metric[0].value == "5,000"  # the sample's customers
    assert download_labels(session) == ["Download the report (HTML)"]
    charts = session.get("plotly_chart")
    assert len(charts) == 7  # six charts and the next best action mix
    assert len(svg_keys(session)) == 7
    assert "report_chart_next_best_action_mix_svg" in svg_keys(session)
    figures = [m.value for m in session.main.markdown if m.value.startswith("**Next best")]
    assert len(figures) == 1
    assert figures[0].startswith("**Next best action mix**: ")


def test_next_best_action_is_opt_in_on_many_events(monkeypatch):
    monkeypatch.setattr(cache, "NBA_REPORT_MAX_EVENTS", 1_000)  # the sample has 82,684 events
    monkeypatch.setattr(cache, "nba_kept_ready", lambda _scope: False)  # nothing kept yet
    app = new_app()
    app.switch_page("views/report.py").run()
    assert problems(app) == []
    chosen = app.multiselect(key="report_sections").value
    assert "next_best_action" not in chosen
    assert "Next best action" in app.multiselect(key="report_sections").options  # offered
    assert any("82,684 events" in c.value for c in app.caption)
    titles = [s.value for s in app.main.subheader]
    assert content.SECTION_TITLES["next_best_action"] not in titles
    assert content.SECTION_TITLES["funnel"] in titles


def test_report_reads_no_pandas_copy_of_the_events(monkeypatch):
    def never(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the report read the scope's events into pandas")

    monkeypatch.setattr(handle, "events_frame", never)
    monkeypatch.setattr(cache, "NBA_REPORT_MAX_EVENTS", 1_000)  # no model trained here
    monkeypatch.setattr(cache, "nba_kept_ready", lambda _scope: False)  # nor one read
    app = new_app()
    app.switch_page("views/report.py").run()
    assert problems(app) == []
    titles = [s.value for s in app.main.subheader]
    assert titles[1:] == [content.SECTION_TITLES[s] for s in content.SECTIONS[:-1]]
    assert app.main.metric[0].value == "5,000"


@pytest.mark.slow  # the Next best action page trains and evaluates its model
def test_report_reuses_the_next_best_action_pages_decisions(monkeypatch):
    app = new_app()
    app.switch_page("views/next_best_action.py").run()
    assert problems(app) == []

    def never(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the report computed the decisions again")

    # from here on a cache miss would fail: the report must find the page's decisions
    monkeypatch.setattr(recommend_pipeline, "recommend", never)
    monkeypatch.setattr(recommend_pipeline, "fit_model", never)
    app.switch_page("views/report.py").run()
    assert problems(app) == []
    assert content.SECTION_TITLES["next_best_action"] in [s.value for s in app.main.subheader]


def test_fewer_sections_and_the_deck(session: AppTest):
    session.multiselect(key="report_sections").set_value(["funnel"]).run()
    assert problems(session) == []
    assert [s.value for s in session.main.subheader] == [
        "Key figures",
        content.SECTION_TITLES["funnel"],
    ]
    session.button(key="report_build_deck").click().run()
    assert problems(session) == []
    assert download_labels(session) == ["Download the report (HTML)", "Download the deck (PPTX)"]
    # a machine without Chromium still gets its deck, with a warning saying why
    assert all("Chart images could not be rendered" in w.value for w in session.warning)


def test_empty_section_choice_asks_for_one(session: AppTest):
    session.multiselect(key="report_sections").set_value([]).run()
    assert problems(session) == []
    assert [i.value for i in session.info] == ["Pick at least one section."]


def test_every_app_chart_saves_a_named_png():
    """Each st.plotly_chart call passes widgets.chart_config (toolbar PNG named after it)."""
    root = Path(__file__).resolve().parents[2]
    missing = []
    for path in [*root.glob("views/*.py"), *root.glob("ui/*.py"), root / "app.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "plotly_chart"
            ):
                config = [k for k in node.keywords if k.arg == "config"]
                if not config or "chart_config" not in ast.unparse(config[0].value):
                    missing.append(f"{path.name}:{node.lineno}")
    assert missing == []


def test_report_chart_config_names_the_png(session: AppTest):
    session.multiselect(key="report_sections").set_value(["funnel"]).run()
    configs = [json.loads(c.proto.config) for c in session.get("plotly_chart")]
    assert [c["toImageButtonOptions"] for c in configs] == [
        {"format": "png", "filename": "funnel", "scale": 2},
        {"format": "png", "filename": "dropoffs", "scale": 2},
    ]


def test_presentation_mode_ends_on_the_next_best_action():
    app = new_app()
    app.switch_page("views/report.py")
    app.query_params["present"] = "1"
    app.query_params["section"] = "99"  # past the end: the last section
    app.run()
    assert problems(app) == []
    # the overview, then six sections and the next best action as the last
    assert app.main.markdown[0].value == "**8 / 8**"
    assert app.main.header[0].value == content.SECTION_TITLES["next_best_action"]
    assert len(app.get("plotly_chart")) == 1  # the action mix


def test_report_of_a_stored_dataset_reads_the_kept_files(
    stored_sample_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A dataset `load` stored: no pandas transcripts, no path table, touches or model built."""
    from journey.query.engine import attribution as attribution_sql
    from journey.query.engine import flows
    from tests.app.conftest import STORED_SAMPLE, refusal

    monkeypatch.setenv("JOURNEY_WORKSPACE", str(stored_sample_path))
    monkeypatch.setenv("JOURNEY_DATASET", STORED_SAMPLE)
    # past this many events, the section is selected only because `load` kept its results
    monkeypatch.setattr(cache, "NBA_REPORT_MAX_EVENTS", 1_000)
    app = new_app()
    assert problems(app) == []
    for name in ("fit_model", "recommend", "evaluate"):
        monkeypatch.setattr(recommend_pipeline, name, refusal(f"ran {name}"))
    monkeypatch.setattr(cache, "dataset_transcripts", refusal("read every transcript row"))
    monkeypatch.setattr(flows, "path_select", refusal("built a path table again"))
    monkeypatch.setattr(attribution_sql, "touches", refusal("built the touches again"))
    app.switch_page("views/report.py").run()
    assert problems(app) == []
    titles = [s.value for s in app.main.subheader]  # sentiment and next best action included
    assert titles[1:] == [content.SECTION_TITLES[s] for s in content.SECTIONS]
    assert not any(
        "events: the next best action section is not selected" in c.value for c in app.caption
    )
