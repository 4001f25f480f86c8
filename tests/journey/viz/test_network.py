"""Network map: selection, pyvis elements, and an offline, escaped standalone page."""

from __future__ import annotations

import html
import json
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from journey.errors import SettingsError
from journey.schema import (
    CONVERTED,
    END_COLORS,
    FOLDED_COLOR,
    NEUTRAL_COLOR,
    NO_CONVERSION,
    OTHER,
    OTHER_TEAMS,
    PHASE_COLORS,
    START,
)
from journey.viz import network
from tests.journey.query.examples import FLOW_NAMES, reserved_events
from tests.oracle import flows, stats

XSS = "<img src=x onerror=alert(1)>"


def transitions() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source": ["Email", "Web", "Email", "Search", START],
            "target": ["Web", CONVERTED, "Search", "Web", "Email"],
            "count": [6, 4, 2, 1, 7],
            "customers": [5, 4, 2, 1, 7],
        }
    )


def node_stats() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "node": ["Email", "Web", "Search"],
            "volume": [9, 7, 3],
            "customers": [7, 6, 2],
            "dominant_phase": ["awareness", "onboarding", "awareness"],
            "conversion_rate_after": [0.5, 0.625, float("nan")],
        }
    )


def test_select_keeps_heavy_edges_and_largest_nodes():
    chosen = network.select_network(transitions(), node_stats(), min_weight=2, max_nodes=3)
    # edges >= 2: Email->Web 6, Web->Converted 4, Email->Search 2, Start->Email 7
    # nodes touched, by volume then name: Email 9, Start 7 (its outflow), Web 7, Converted 4
    # (its inflow), Search 3
    assert chosen.nodes["node"].tolist() == ["Email", START, "Web"]
    assert chosen.nodes["volume"].tolist() == [9, 7, 7]
    assert chosen.edges[["source", "target", "count"]].to_numpy().tolist() == [
        ["Email", "Web", 6],
        [START, "Email", 7],
    ]
    assert chosen.n_hidden_nodes == 2  # Converted and Search, of 5 nodes in all
    assert chosen.n_hidden_edges == 3


def test_select_with_no_limits_keeps_everything():
    chosen = network.select_network(transitions(), node_stats(), min_weight=1, max_nodes=0)
    assert chosen.nodes["node"].tolist() == ["Email", START, "Web", CONVERTED, "Search"]
    assert chosen.nodes["volume"].tolist() == [9, 7, 7, 4, 3]
    assert len(chosen.edges) == 5
    assert (chosen.n_hidden_nodes, chosen.n_hidden_edges) == (0, 0)


def test_select_rejects_bad_settings():
    with pytest.raises(SettingsError, match="minimum edge weight"):
        network.select_network(transitions(), node_stats(), min_weight=0)
    with pytest.raises(SettingsError, match="maximum number of nodes"):
        network.select_network(transitions(), node_stats(), max_nodes=-1)


@given(
    st.lists(
        st.tuples(st.sampled_from("ABCDEF"), st.sampled_from("ABCDEF"), st.integers(1, 20)),
        min_size=1,
        max_size=25,
        unique_by=lambda r: r[:2],
    ),
    st.integers(1, 10),
    st.integers(0, 6),
)
def test_selection_respects_limits_and_accounts_for_what_it_hides(rows, min_weight, max_nodes):
    frame = pd.DataFrame(rows, columns=["source", "target", "count"]).assign(customers=1)
    stats = pd.DataFrame(
        {
            "node": list("ABCDEF"),
            "volume": [60, 50, 40, 30, 20, 10],
            "customers": 1,
            "dominant_phase": "awareness",
            "conversion_rate_after": 0.0,
        }
    )
    chosen = network.select_network(frame, stats, min_weight=min_weight, max_nodes=max_nodes)
    assert (chosen.edges["count"] >= min_weight).all()
    assert max_nodes == 0 or len(chosen.nodes) <= max_nodes
    assert set(chosen.edges["source"]) | set(chosen.edges["target"]) <= set(chosen.nodes["node"])
    assert len(chosen.edges) + chosen.n_hidden_edges == len(frame)
    assert len(chosen.nodes) + chosen.n_hidden_nodes == 6


def test_pyvis_nodes_sized_by_volume_and_coloured_by_dominant_phase():
    chosen = network.select_network(transitions(), node_stats(), max_nodes=0)
    net = network.build_pyvis(chosen)
    by_id = {n["id"]: n for n in net.nodes}
    assert [n["id"] for n in net.nodes] == ["Email", START, "Web", CONVERTED, "Search"]
    assert by_id["Email"]["value"] == 9
    assert by_id["Email"]["color"]["background"] == PHASE_COLORS["awareness"]
    assert by_id["Web"]["color"]["background"] == PHASE_COLORS["onboarding"]
    assert by_id[START]["color"]["background"] == END_COLORS[START]
    assert by_id[CONVERTED]["color"]["background"] == END_COLORS[CONVERTED]
    assert by_id["Web"]["title"] == (
        "Web\nevents: 7\ncustomers: 6\nconversion rate after: 62.5%\ndominant phase: onboarding"
    )
    assert by_id["Search"]["title"].endswith(
        "conversion rate after: n/a\ndominant phase: awareness"
    )
    assert by_id[CONVERTED]["title"] == (
        f"{CONVERTED}\nevents: 4\ncustomers: n/a\nconversion rate after: n/a\ndominant phase: n/a"
    )


def test_pyvis_edges_have_width_by_count_arrows_and_tooltips():
    chosen = network.select_network(transitions(), node_stats(), max_nodes=0)
    net = network.build_pyvis(chosen)
    edges = [(e["from"], e["to"], e["value"], e["arrows"]) for e in net.edges]
    assert edges == [
        ("Email", "Web", 6, "to"),
        ("Web", CONVERTED, 4, "to"),
        ("Email", "Search", 2, "to"),
        ("Search", "Web", 1, "to"),
        (START, "Email", 7, "to"),
    ]
    assert net.edges[0]["title"] == "Email → Web\ntransitions: 6\ncustomers: 5"
    assert net.options["edges"]["arrows"]["to"]["enabled"] is True
    assert net.options["edges"]["scaling"] == {"min": 1, "max": 12}


def test_node_colors_override_phase_colours():
    chosen = network.select_network(transitions(), node_stats(), max_nodes=0)
    net = network.build_pyvis(chosen, node_colors={"Web": "#D55E00"})
    web = next(n for n in net.nodes if n["id"] == "Web")
    assert web["color"]["background"] == "#D55E00"


def test_folded_nodes_are_light_grey():
    frame = pd.DataFrame(
        {
            "source": ["Web", OTHER_TEAMS],
            "target": [OTHER_TEAMS, OTHER],
            "count": [2, 1],
            "customers": [2, 1],
        }
    )
    stats = pd.DataFrame(
        {
            "node": ["Web", OTHER_TEAMS, OTHER],
            "volume": [2, 2, 1],
            "customers": [2, 2, 1],
            "dominant_phase": ["awareness", "awareness", "engagement"],
            "conversion_rate_after": [0.0, 0.0, 0.0],
        }
    )
    net = network.build_pyvis(network.select_network(frame, stats))
    colors = {n["id"]: n["color"]["background"] for n in net.nodes}
    assert colors == {
        "Web": PHASE_COLORS["awareness"],
        OTHER_TEAMS: FOLDED_COLOR,
        OTHER: FOLDED_COLOR,
    }


def test_hierarchical_layout_puts_nodes_on_phase_levels():
    chosen = network.select_network(transitions(), node_stats(), max_nodes=0)
    net = network.build_pyvis(chosen, layout="hierarchical", physics=False)
    levels = {n["id"]: n["level"] for n in net.nodes}
    assert levels == {START: 0, "Email": 1, "Search": 1, "Web": 2, CONVERTED: 5}
    assert net.options["layout"]["hierarchical"]["enabled"] is True
    assert net.options["layout"]["hierarchical"]["direction"] == "LR"
    assert net.options["physics"]["enabled"] is False


def test_unknown_layout_is_a_settings_error():
    chosen = network.select_network(transitions(), node_stats())
    with pytest.raises(SettingsError, match="unknown network layout"):
        network.build_pyvis(chosen, layout="circular")  # type: ignore[arg-type]


def test_long_labels_are_shortened_but_tooltips_keep_the_name():
    name = "A very long touchpoint name that goes on and on and on"
    frame = pd.DataFrame({"source": [name], "target": ["B"], "count": [1], "customers": [1]})
    stats = pd.DataFrame(
        {
            "node": [name, "B"],
            "volume": [1, 1],
            "customers": [1, 1],
            "dominant_phase": ["engagement", None],
            "conversion_rate_after": [0.0, 0.0],
        }
    )
    net = network.build_pyvis(network.select_network(frame, stats))
    first = net.nodes[0]
    assert first["label"] == "A very long touchpoint name that goes o…"
    assert first["title"].startswith(name + "\n")
    assert net.nodes[1]["color"]["background"] == NEUTRAL_COLOR


FETCHING = re.compile(
    r"<(script|img|iframe|link|source|video|audio|embed|object|use|image)\b[^>]*"
    r"\b(src|href|data|srcset)\s*=|@import|url\(\s*['\"]?(?!data:)",
    re.IGNORECASE,
)
# URLs that occur in vis-network's code as licence notes and the SVG namespace: never fetched
NON_FETCHING = (
    "http://www.w3.org/2000/svg",
    "http://almende.com",
    "http://opensource.org/licenses/MIT",
    "http://www.apache.org/licenses/LICENSE-2.0",
    "https://github.com/",
    "https://visjs.github.io/vis-network/",
)
SCRIPT = re.compile(r"(<script\b[^>]*>)(.*?)</script>", re.DOTALL | re.IGNORECASE)


def test_page_is_standalone_with_nothing_fetched():
    html = network.build_network(transitions(), node_stats(), title="Map")
    assert html.startswith("<!DOCTYPE html>")
    scripts = SCRIPT.findall(html)
    assert [tag for tag, _ in scripts] == ["<script>", "<script>"]  # inline only, no src
    markup = SCRIPT.sub("", html)
    assert FETCHING.search(markup) is None
    assert re.search(r"https?://", markup) is None
    urls = re.findall(r"https?://[^\s\"')]+", "".join(code for _, code in scripts))
    assert all(url.startswith(NON_FETCHING) for url in urls), urls
    # vis-network is inlined from the pyvis package, and the network is built on #mynetwork
    assert "vis-network" in scripts[0][1]
    assert 'id="mynetwork"' in markup
    assert "new vis.Network(container" in scripts[1][1]


def test_markup_in_names_appears_only_escaped():
    frame = pd.DataFrame(
        {"source": [XSS, "Web"], "target": ["Web", XSS], "count": [3, 1], "customers": [3, 1]}
    )
    stats = pd.DataFrame(
        {
            "node": [XSS, "Web"],
            "volume": [3, 3],
            "customers": [3, 3],
            "dominant_phase": ["awareness", "engagement"],
            "conversion_rate_after": [0.5, 0.2],
        }
    )
    html = network.build_network(frame, stats, title="</title><script>alert(2)</script>")
    assert "<img" not in html
    assert "alert(2)</script>" not in html
    assert "&lt;/title&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in html
    escaped = "\\u003cimg src=x onerror=alert(1)\\u003e"
    assert f'"id": "{escaped}"' in html
    assert f'"title": "{escaped}\\nevents: 3' in html


def test_page_data_round_trips_to_the_original_names():
    frame = pd.DataFrame({"source": [XSS], "target": ["Web"], "count": [2], "customers": [2]})
    stats = pd.DataFrame(
        {
            "node": [XSS, "Web"],
            "volume": [2, 2],
            "customers": [2, 2],
            "dominant_phase": ["awareness", "engagement"],
            "conversion_rate_after": [1.0, 1.0],
        }
    )
    html = network.build_network(frame, stats)
    nodes = json.loads(re.search(r"new vis\.DataSet\((\[.*?\])\);", html).group(1))
    assert [n["id"] for n in nodes] == [XSS, "Web"]


def test_large_network_builds_and_freezes_after_layout():
    n_nodes = 300
    names = [f"Touchpoint {i:03d}" for i in range(n_nodes)]
    # each node links to the 10 nodes after it: 3,000 distinct edges, no self-loops
    source = [names[i % n_nodes] for i in range(3000)]
    target = [names[(i % n_nodes + 1 + i // n_nodes) % n_nodes] for i in range(3000)]
    frame = pd.DataFrame({"source": source, "target": target, "count": 1, "customers": 1})
    stats = pd.DataFrame(
        {
            "node": names,
            "volume": range(n_nodes, 0, -1),
            "customers": 1,
            "dominant_phase": "engagement",
            "conversion_rate_after": 0.1,
        }
    )
    assert len(frame) == 3000
    chosen = network.select_network(frame, stats, max_nodes=300)
    net = network.build_pyvis(chosen)
    assert (len(net.nodes), len(net.edges)) == (300, 3000)
    assert net.options["edges"]["smooth"] is False
    assert net.options["physics"]["stabilization"]["iterations"] == 150
    html = network.render_network(net, freeze=True)
    assert "network.setOptions({ physics: { enabled: false } });" in html


def test_small_network_with_physics_keeps_running():
    html = network.build_network(transitions(), node_stats(), physics=True)
    assert "setOptions({ physics: { enabled: false } })" not in html
    html_off = network.build_network(transitions(), node_stats(), physics=False)
    assert "setOptions({ physics: { enabled: false } })" in html_off
    # hierarchical without physics has no layout run: no progress note, framed once drawn
    static = network.build_network(
        transitions(), node_stats(), physics=False, layout="hierarchical"
    )
    assert 'id="status"' not in static
    assert 'network.once("afterDrawing"' in static


def test_empty_network_says_so_without_scripts():
    empty = transitions().iloc[0:0]
    html = network.build_network(empty, node_stats())
    assert "No transitions to draw" in html
    assert "<script" not in html


def test_node_notes_add_a_plain_text_tooltip_line():
    transitions = pd.DataFrame(
        {"source": ["Web"], "target": ["<i>Chat</i>"], "count": [3], "customers": [2]}
    )
    stats = pd.DataFrame(
        {
            "node": ["Web", "<i>Chat</i>"],
            "volume": [5, 3],
            "customers": [2, 2],
            "dominant_phase": ["awareness", "post-purchase"],
            "conversion_rate_after": [0.5, 0.0],
        }
    )
    html = network.build_network(
        transitions, stats, node_notes={"<i>Chat</i>": "mean customer sentiment: -0.40 (n=7)"}
    )
    assert "mean customer sentiment: -0.40 (n=7)" in html
    assert "<i>Chat</i>" not in html


def scores(rows: list[tuple[str, float, int]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["node", "mean_score", "n"])


def test_sentiment_notes_give_the_mean_and_count_per_node():
    scores = pd.DataFrame(
        {
            "node": ["Chat", "Store", "<b>x</b>"],
            "mean_score": [-0.456, 0.5, np.nan],
            "n": [12, 3, 0],
        }
    )
    assert network.sentiment_notes(scores) == {
        "Chat": "mean customer sentiment: -0.46 (n=12)",
        "Store": "mean customer sentiment: +0.50 (n=3)",
        "<b>x</b>": "mean customer sentiment: n/a (n=0)",
    }


def test_sandboxed_page_holds_the_page_in_a_frame_without_same_origin():
    page = '<p title="x">a & b</p></iframe><script>alert("hi")</script>'
    shell = network.sandboxed_page(page, title='Net "1"')
    frames = re.findall(r"<iframe [^>]*>", shell)
    assert len(frames) == 1
    assert 'sandbox="allow-scripts allow-downloads"' in frames[0]  # downloads: the PNG button
    assert "allow-same-origin" not in shell
    assert "<script" not in shell  # the shell itself runs nothing; the page is one attribute
    srcdoc = re.search(r'srcdoc="([^"]*)"', frames[0])
    assert srcdoc is not None
    assert html.unescape(srcdoc.group(1)) == page
    assert "<title>Net &quot;1&quot;</title>" in shell


@pytest.mark.parametrize("name", FLOW_NAMES)
def test_network_keeps_a_data_node_named_like_a_generated_one_apart(name):
    # a: name, Web, Email (converts); b: Web, name; c: name
    events = reserved_events(name)
    moves = flows.count_transitions(events, end_nodes=True)
    chosen = network.select_network(moves, stats.node_stats(events))
    net = network.build_pyvis(chosen, layout="hierarchical")
    data, middle, end = f"{name} (channel)", network.PHASE_LEVEL["engagement"], network.END_LEVEL
    expected = {  # id: volume (stats, else the larger of in- and outflow), level, colour
        data: (3, middle, NEUTRAL_COLOR),
        "Web": (2, middle, NEUTRAL_COLOR),
        "Email": (1, middle, NEUTRAL_COLOR),
        START: (3, network.START_LEVEL, END_COLORS[START]),
        NO_CONVERSION: (2, end, END_COLORS[NO_CONVERSION]),
        CONVERTED: (1, end, END_COLORS[CONVERTED]),
    }
    assert {
        n["id"]: (n["value"], n["level"], n["color"]["background"]) for n in net.nodes
    } == expected
    assert {(e["from"], e["to"]) for e in net.edges} == {
        (START, data),
        (START, "Web"),
        (data, "Web"),
        ("Web", data),
        ("Web", "Email"),
        (data, NO_CONVERSION),
        ("Email", CONVERTED),
    }


def test_network_page_offers_a_png_download_of_its_canvas():
    page = network.network_page(transitions(), node_stats()).html
    assert '<button id="download-png" type="button"' in page
    assert 'link.download = "journey_network.png"' in page
    assert 'out.toDataURL("image/png")' in page
