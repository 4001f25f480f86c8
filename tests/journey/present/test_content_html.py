"""The report's content and its self-contained HTML."""

from __future__ import annotations

import html as html_lib
import re
from html.parser import HTMLParser

import pandas as pd
import pytest

from journey.errors import SettingsError
from journey.present import content
from journey.present.html import render_html, script_json

from .conftest import DATASET, EVENTS, EVIL, EVIL_ACTION, nba_input


class _Links(HTMLParser):
    """Collect every src/href/action attribute and every srcdoc document."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.srcdocs: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "action", "data"):
                self.urls.append(value or "")
            if name == "srcdoc":
                self.srcdocs.append(value or "")


def parse(document: str) -> _Links:
    parser = _Links()
    parser.feed(document)
    return parser


@pytest.fixture(scope="module")
def report_html(small_report: content.ReportContent) -> str:
    return render_html(small_report)


def test_every_section_is_built_with_its_figures(small_report):
    assert [s.key for s in small_report.sections] == list(content.SECTIONS)
    labels = [k.label for k in small_report.key_figures]
    assert labels[:4] == ["Customers", "Conversions", "Customers converting", "Revenue"]
    values = dict((k.label, k.value) for k in small_report.key_figures)
    # 12 customers; c01, c03, c06, c08, c12 bought: 5 conversions, revenue 120+80+60+200+40
    assert values["Customers"] == "12"
    assert values["Conversions"] == "5"
    assert values["Customers converting"] == "42%"  # 5 / 12
    assert values["Revenue"] == "500"
    charts = small_report.charts()
    assert set(charts) == {
        "step_sankey",
        "phase_sankey",
        "funnel",
        "dropoffs",
        "attribution",
        "sentiment",
        "next_best_action_mix",
    }
    network = next(s for s in small_report.sections if s.key == "network")
    assert "vis.Network" in network.network_html


def test_sentences_quote_the_tables(small_report):
    funnel = next(s for s in small_report.sections if s.key == "funnel")
    table = funnel.tables[0].frame
    first, last = table.iloc[0], table.iloc[-1]
    sentence = next(s for s in funnel.sentences if s.startswith("Of "))
    assert f"Of {first['customers']} customers who reached {first['stage']}" in sentence
    assert f"{last['customers']} (" in sentence


def test_sentiment_section_is_left_out_without_transcripts(small_engine):
    options = content.ReportOptions(sections=("funnel", "sentiment"))
    report = content.build_report(small_engine, EVENTS, None, options)
    assert [s.key for s in report.sections] == ["funnel"]
    empty = content.build_report(small_engine, EVENTS, pd.DataFrame(), options)
    assert [s.key for s in empty.sections] == ["funnel"]


def test_a_scope_without_events_is_a_settings_error(small_engine):
    small_engine.view("no_events", "SELECT * FROM events WHERE false")
    with pytest.raises(SettingsError, match="no events to report on"):
        content.build_report(small_engine, "no_events")


def test_unknown_sections_and_too_few_steps_are_settings_errors():
    with pytest.raises(SettingsError, match="unknown report sections"):
        content.ReportOptions(sections=("journeys", "nope"))
    with pytest.raises(SettingsError, match="at least 2 steps"):
        content.ReportOptions(steps=1)


def test_next_best_action_section_states_the_decisions(small_report):
    section = next(s for s in small_report.sections if s.key == "next_best_action")
    assert section.title == content.SECTION_TITLES["next_best_action"]
    # 12 customers: 3 get none (c10, c11 by the model; c12 do_not_contact), 9 a touch
    assert section.sentences == (
        "At the cut-off 2025-03-13, 9 of 12 customers (75%) get a touch; the most common is "
        "email on Email (model, 5 customers).",
        "Rules decide for 3 customers (25%): do_not_contact 1, service_first 1, "
        "abandoned_cart 1; the model ranks the actions of the other 9.",
        "3 customers (25%) get no touch now: opted out, at a frequency cap, or no action is "
        "expected to lift them (expected lift (model): an association learnt from history, "
        "not a measured effect).",
        "2 customers (17%) are high value and high propensity: VIP journey: personal offer.",
    )
    figures = {k.label: k.value for k in small_report.key_figures}
    assert figures["Customers with a next touch"] == "9 (75%)"
    # email 5/12, the hostile action 2/12, then the earlier rule's action of the 1-customer tie
    assert figures["Next best action mix"] == f"email 42%, {EVIL_ACTION} 17%, service_follow_up 8%"
    assert section.sentences[0] in small_report.summary
    mix, matrix = (t.frame for t in section.tables)
    # largest first, ties in the mix's rule order: what a deck's first rows should show
    assert mix["customers"].tolist() == ["5", "2", "2", "1", "1", "1"]
    assert mix["action"].tolist() == [
        "email",
        EVIL_ACTION,
        "none",
        "none",
        "service_follow_up",
        "cart_reminder",
    ]
    assert mix.iloc[0].to_dict() == {
        "rule": "model",
        "action": "email",
        "channel": "Email",
        "customers": "5",
        "share": "42%",
    }
    assert mix.iloc[3].to_dict() == {
        "rule": "do_not_contact",
        "action": "none",
        "channel": "",
        "customers": "1",
        "share": "8%",
    }
    assert matrix["customers"].tolist() == ["2", "3", "1", "6"]
    assert matrix["share"].tolist() == ["17%", "25%", "8%", "50%"]


def test_next_best_action_chart_stacks_rules_in_size_order(small_report):
    figure = small_report.charts()["next_best_action_mix"]
    assert [trace.name for trace in figure.data] == [
        "do_not_contact",
        "service_first",
        "abandoned_cart",
        "model",
    ]
    evil = "&lt;svg onload=alert(2)&gt;Promo &amp; co · Push"  # escaped for plotly's markup
    assert list(figure.layout.yaxis.categoryarray) == [
        "email · Email",
        "none",  # 2 by the model + 1 do_not_contact, stacked on one bar
        evil,
        "service_follow_up · Call Center",
        "cart_reminder · Email",
    ]
    assert sum(sum(trace.x) for trace in figure.data) == 12


def test_next_best_action_section_is_left_out_without_decisions(small_engine):
    options = content.ReportOptions(sections=("funnel", "next_best_action"), n_resamples=5)
    report = content.build_report(small_engine, EVENTS, None, options)
    assert [s.key for s in report.sections] == ["funnel"]
    assert "Next best action mix" not in {k.label for k in report.key_figures}
    with_it = content.build_report(
        small_engine, EVENTS, None, options, next_best_action=nba_input()
    )
    assert [s.key for s in with_it.sections] == ["funnel", "next_best_action"]


def test_html_fetches_nothing_from_outside(report_html):
    outer = parse(report_html)
    assert len(outer.srcdocs) == 1
    inner = parse(outer.srcdocs[0])
    for url in [*outer.urls, *inner.urls]:
        assert not re.match(r"\s*(https?:)?//", url), url
    assert 'http-equiv="Content-Security-Policy"' in report_html
    assert "default-src 'none'" in report_html


def test_html_has_every_section_and_chart(report_html, small_report):
    for section in small_report.sections:
        assert f'id="section-{section.key}"' in report_html
        assert f"<h2>{html_lib.escape(section.title)}</h2>" in report_html
    for name in small_report.charts():
        assert f'id="chart-{name}"' in report_html
        assert f'journeyConfig("{name}")' in report_html  # a JS string, not a name
    assert report_html.count("Plotly.newPlot(") == len(small_report.charts())
    assert report_html.count("function journeyConfig") == 1  # plotly.js and config inlined once


def test_html_escapes_user_strings(report_html):
    outer = parse(report_html)
    assert "img" not in outer.tags  # the channel name never becomes an element
    assert "<script>alert('name')" not in report_html
    assert html_lib.escape(DATASET) in report_html
    assert html_lib.escape(f"channel: {EVIL}") in report_html
    inner = parse(outer.srcdocs[0])
    assert "img" not in inner.tags


def test_html_escapes_a_hostile_action_name(report_html):
    assert "svg" not in parse(report_html).tags  # the action name never becomes an element
    assert EVIL_ACTION not in report_html
    assert f"<td>{html_lib.escape(EVIL_ACTION)}</td>" in report_html  # the mix table
    assert html_lib.escape(f"{EVIL_ACTION} 17%") in report_html  # the key figure


def test_script_json_cannot_close_a_script():
    text = script_json({"label": "</script><script>alert(1)</script>&"})
    assert not {"<", ">", "&"} & set(text)
    assert text == (
        '{"label": "\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\\u0026"}'
    )
