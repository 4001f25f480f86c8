"""Network map of transitions: pyvis graph rendered through our own offline template.

pyvis's stock template links Bootstrap from a CDN and writes node titles into innerHTML,
so `build_network` fills a pyvis `Network` and renders it with `templates/network.html`,
which inlines vis-network from the installed pyvis package and nothing else. User strings
reach the page only inside `tojson` (with `<`, `>`, `&`, `'` as unicode escapes), and
vis-network 9 shows string titles with `innerText`, so a touchpoint named like markup shows
as text.
"""

from __future__ import annotations

import html as html_lib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pandas as pd
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape

from journey.errors import SettingsError
from journey.schema import CONVERTED, NO_CONVERSION, START, Phase
from journey.viz.figure import short_label
from journey.viz.palette import node_color, rgba

if TYPE_CHECKING:  # pyvis (and networkx) load when a network is drawn, not with the app
    from pyvis.network import Network

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
PYVIS_TEMPLATES = Path(find_spec("pyvis").origin).resolve().parent / "templates"
VIS_JS = "lib/vis-9.1.2/vis-network.min.js"  # shipped inside the pyvis package
Layout = Literal["physics", "hierarchical"]
LAYOUTS: tuple[str, ...] = ("physics", "hierarchical")

# Hierarchical levels: Start, then the phases in journey order, then the end nodes.
PHASE_LEVEL: Mapping[str, int] = {phase.value: i + 1 for i, phase in enumerate(Phase)}
START_LEVEL = 0
END_LEVEL = len(PHASE_LEVEL) + 1
# Above these sizes physics stops once the layout has settled, so the page stays responsive.
LARGE_NODES = 150
LARGE_EDGES = 1000
# The embedded page may run scripts (vis-network) but gets an opaque origin: no same-origin.
# allow-downloads lets its "Download as PNG" button save the canvas (nested sandboxes intersect,
# and Streamlit's own iframe allows downloads too).
SANDBOX = "allow-scripts allow-downloads"
_SHELL = (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
    "<style>html, body {{ margin: 0; padding: 0; height: 100%; overflow: hidden; }}"
    " iframe {{ display: block; border: 0; width: 100%; height: 100%; }}</style></head>"
    '<body><iframe sandbox="{sandbox}" title="{title}" srcdoc="{page}"></iframe></body></html>'
)


@dataclass(frozen=True)
class NetworkSelection:
    """The nodes and edges a network map shows, and how many it leaves out.

    `nodes` has node, volume, customers, dominant_phase, conversion_rate_after, ordered by
    volume descending then node; `edges` has source, target, count, customers in the order
    of the input transitions.
    """

    nodes: pd.DataFrame
    edges: pd.DataFrame
    n_hidden_nodes: int
    n_hidden_edges: int


def select_network(
    transitions: pd.DataFrame,
    node_stats: pd.DataFrame,
    *,
    min_weight: int = 1,
    max_nodes: int = 100,
) -> NetworkSelection:
    """Keep edges with count >= min_weight and the `max_nodes` largest nodes they touch.

    Args:
        transitions: Columns source, target, count, customers (`flows.count_transitions`).
        node_stats: Columns node, volume, customers, dominant_phase, conversion_rate_after
            (`stats.node_stats`); nodes missing there (Start, end nodes) take their volume
            from the transitions.
        min_weight: Smallest transition count drawn.
        max_nodes: Most nodes drawn, the largest by volume (ties by name); 0 keeps all.

    Returns:
        The selection; hidden counts are against every node and transition given.
    """
    if min_weight < 1:
        raise SettingsError(f"minimum edge weight must be at least 1, got {min_weight}")
    if max_nodes < 0:
        raise SettingsError(f"maximum number of nodes must be 0 (all) or more, got {max_nodes}")
    universe = _node_universe(transitions, node_stats)
    edges = transitions[transitions["count"] >= min_weight]
    touched = pd.unique(pd.concat([edges["source"], edges["target"]], ignore_index=True))
    nodes = universe[universe["node"].isin(touched)].sort_values(
        ["volume", "node"], ascending=[False, True], ignore_index=True
    )
    if max_nodes:
        nodes = nodes.head(max_nodes)
    kept = edges["source"].isin(nodes["node"]) & edges["target"].isin(nodes["node"])
    edges = edges[kept].reset_index(drop=True)
    return NetworkSelection(
        nodes=nodes,
        edges=edges,
        n_hidden_nodes=len(universe) - len(nodes),
        n_hidden_edges=len(transitions) - len(edges),
    )


def _node_universe(transitions: pd.DataFrame, node_stats: pd.DataFrame) -> pd.DataFrame:
    """Every node of the transitions with its stats; Start and end nodes get only a volume."""
    # A node's events: outgoing + incoming would double count; the larger side is its volume.
    out_in = pd.concat(
        [
            transitions.groupby("source")["count"].sum().rename_axis("node"),
            transitions.groupby("target")["count"].sum().rename_axis("node"),
        ],
        axis=1,
    ).max(axis=1)
    stats = node_stats[
        ["node", "volume", "customers", "dominant_phase", "conversion_rate_after"]
    ].set_index("node")
    missing = out_in.index.difference(stats.index)
    extra = pd.DataFrame(
        {
            "volume": out_in.loc[missing].astype("int64"),
            "customers": pd.NA,
            "dominant_phase": pd.NA,
            "conversion_rate_after": pd.NA,
        },
        index=missing,
    )
    universe = pd.concat([stats, extra]) if len(extra) else stats
    return universe.rename_axis("node").reset_index()


def _level(name: str, phase: object) -> int:
    """Hierarchical level of a node: Start 0, phases 1-4 in journey order, end nodes 5.

    Names come from the query layer, which labels data values named like generated nodes
    ("Start (channel)", `journey.query.nodes`): a name equal to START is the generated one.
    """
    if name == START:
        return START_LEVEL
    if name in (CONVERTED, NO_CONVERSION):
        return END_LEVEL
    middle = PHASE_LEVEL[Phase.ENGAGEMENT.value]  # unknown phase: keep it mid-journey
    return PHASE_LEVEL.get(phase, middle) if isinstance(phase, str) else middle


def _count(value: object) -> str:
    """Format a count for a tooltip, or 'n/a' when missing."""
    return "n/a" if pd.isna(value) else f"{int(value):,}"


def _rate(value: object) -> str:
    """Format a rate for a tooltip, or 'n/a' when missing."""
    return "n/a" if pd.isna(value) else f"{float(value):.1%}"


def sentiment_notes(node_scores: pd.DataFrame) -> dict[str, str]:
    """One plain-text tooltip line per node: its mean customer sentiment and transcript count.

    Args:
        node_scores: Columns node, mean_score, n (`sentiment.node_sentiment`).
    """
    notes: dict[str, str] = {}
    for node, mean, n in node_scores[["node", "mean_score", "n"]].itertuples(index=False):
        value = "n/a" if pd.isna(mean) else f"{float(mean):+.2f}"
        notes[str(node)] = f"mean customer sentiment: {value} (n={int(n)})"
    return notes


def _solver(hierarchical: bool) -> dict[str, object]:
    """Physics solver: repulsion between levels when hierarchical, else Barnes-Hut."""
    if hierarchical:
        return {
            "solver": "hierarchicalRepulsion",
            "hierarchicalRepulsion": {"nodeDistance": 120, "avoidOverlap": 0.5},
        }
    return {
        "solver": "barnesHut",
        "barnesHut": {
            "gravitationalConstant": -9000,
            "centralGravity": 0.25,
            "springLength": 170,
            "springConstant": 0.03,
            "damping": 0.4,
            "avoidOverlap": 0.3,
        },
    }


def _placement(hierarchical: bool, large: bool) -> dict[str, object]:
    """Initial layout: phase levels left to right when hierarchical, else a seeded layout."""
    if hierarchical:
        return {
            "improvedLayout": not large,
            "hierarchical": {
                "enabled": True,
                "direction": "LR",
                "levelSeparation": 420,
                "nodeSpacing": 80,
                "sortMethod": "directed",
                "shakeTowards": "roots",
            },
        }
    return {"improvedLayout": not large, "randomSeed": 7}


def network_options(
    n_nodes: int, n_edges: int, *, physics: bool = True, layout: Layout = "physics"
) -> dict[str, object]:
    """Return the vis-network options for a graph of this size, physics setting and layout."""
    large = n_nodes > LARGE_NODES or n_edges > LARGE_EDGES
    iterations = 150 if large else 400
    hierarchical = layout == "hierarchical"
    solver, placement = _solver(hierarchical), _placement(hierarchical, large)
    return {
        "nodes": {
            "shape": "dot",
            "borderWidth": 1,
            # a phase column can hold dozens of nodes: larger labels stay legible once fitted
            "font": {
                "size": 24 if hierarchical else 14,
                "face": "sans-serif",
                "strokeWidth": 3,
                "strokeColor": "#ffffff",
            },
            "scaling": {"min": 8, "max": 48, "label": {"enabled": False}},
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
            "scaling": {"min": 1, "max": 12},
            "smooth": False if large else {"type": "continuous", "roundness": 0.35},
            "selectionWidth": 2,
        },
        "interaction": {
            "hover": True,
            "tooltipDelay": 120,
            "hideEdgesOnDrag": large,
            "hideEdgesOnZoom": large,
            "navigationButtons": False,
            "keyboard": False,
        },
        "layout": placement,
        # the hierarchical layout places nodes by itself: physics there is optional
        "physics": {
            "enabled": physics or not hierarchical,
            "stabilization": {"enabled": True, "iterations": iterations, "updateInterval": 25},
            "minVelocity": 0.75,
            **solver,
        },
    }


def build_pyvis(
    selection: NetworkSelection,
    *,
    physics: bool = True,
    layout: Layout = "physics",
    node_colors: Mapping[str, str] | None = None,
    height: str = "640px",
    node_notes: Mapping[str, str] | None = None,
) -> Network:
    """Fill a pyvis Network: node value = volume, colour = dominant phase, edge value = count.

    `node_notes` adds one more tooltip line per node (e.g. its mean customer sentiment).
    """
    if layout not in LAYOUTS:
        raise SettingsError(f"unknown network layout {layout!r}: use one of {', '.join(LAYOUTS)}")
    from pyvis.network import Network

    net = Network(height=height, width="100%", directed=True, cdn_resources="in_line")
    colors = _add_nodes(net, selection.nodes, node_colors, node_notes)
    _add_edges(net, selection.edges, colors)
    net.options = network_options(
        len(selection.nodes), len(selection.edges), physics=physics, layout=layout
    )
    return net


def _add_nodes(
    net: Network,
    nodes: pd.DataFrame,
    node_colors: Mapping[str, str] | None,
    node_notes: Mapping[str, str] | None,
) -> dict[str, str]:
    """Add the selected nodes with their tooltips; return each node's colour."""
    colors: dict[str, str] = {}
    for row in nodes.itertuples(index=False):
        name = str(row.node)
        color = node_color(name, row.dominant_phase, node_colors)
        colors[name] = color
        phase = row.dominant_phase if isinstance(row.dominant_phase, str) else "n/a"
        title = "\n".join(
            [
                name,
                f"events: {_count(row.volume)}",
                f"customers: {_count(row.customers)}",
                f"conversion rate after: {_rate(row.conversion_rate_after)}",
                f"dominant phase: {phase}",
                *([node_notes[name]] if node_notes and name in node_notes else []),
            ]
        )
        net.add_node(
            name,
            label=short_label(name),  # the tooltip keeps it whole
            title=title,
            value=int(row.volume),
            color={
                "background": color,
                "border": color,
                "highlight": {"background": color, "border": "#000000"},
                "hover": {"background": color, "border": "#000000"},
            },
            level=_level(name, row.dominant_phase),
        )
    return colors


def _add_edges(net: Network, edges: pd.DataFrame, colors: Mapping[str, str]) -> None:
    """Add the selected edges, each in its source node's colour."""
    for row in edges.itertuples(index=False):
        source, target = str(row.source), str(row.target)
        net.add_edge(
            source,
            target,
            value=int(row.count),
            title=f"{source} → {target}\ntransitions: {int(row.count):,}\n"
            f"customers: {_count(row.customers)}",
            color={
                "color": rgba(colors[source], 0.45),
                "highlight": colors[source],
                "hover": colors[source],
                "inherit": False,
            },
        )


@lru_cache(maxsize=1)
def _environment() -> Environment:
    """Jinja environment over our templates, falling back to pyvis's for the vis-network JS."""
    loader = ChoiceLoader([FileSystemLoader(TEMPLATE_DIR), FileSystemLoader(PYVIS_TEMPLATES)])
    return Environment(loader=loader, autoescape=select_autoescape(["html"]))


def render_network(net: Network, *, title: str = "", freeze: bool = False) -> str:
    """Render a pyvis Network to one standalone, offline HTML page with our template."""
    nodes, edges, _heading, height, width, _options = net.get_network_data()
    options = net.options if isinstance(net.options, dict) else {}
    physics = options.get("physics", {})
    return (
        _environment()
        .get_template("network.html")
        .render(
            title=title,
            nodes=nodes,
            edges=edges,
            options=options,
            height=height,
            width=width,
            vis_js=VIS_JS,
            stabilising=bool(physics.get("enabled", False)) and bool(nodes),
            freeze=freeze,
        )
    )


def build_network(
    transitions: pd.DataFrame,
    node_stats: pd.DataFrame,
    *,
    min_weight: int = 1,
    max_nodes: int = 100,
    physics: bool = True,
    layout: Layout = "physics",
    node_colors: Mapping[str, str] | None = None,
    title: str = "",
    height: str = "640px",
    node_notes: Mapping[str, str] | None = None,
) -> str:
    """Return a standalone offline HTML page with the transition network.

    Args:
        transitions: Columns source, target, count, customers.
        node_stats: Columns node, volume, customers, dominant_phase, conversion_rate_after.
        min_weight: Smallest transition count drawn.
        max_nodes: Most nodes drawn, the largest by volume; 0 keeps all.
        physics: Keep physics running after the first layout; off freezes the nodes once
            the layout has settled (large graphs always freeze, to stay responsive).
        layout: "physics" (force-directed) or "hierarchical" (left to right by phase).
        node_colors: Node name -> colour overriding the phase colours.
        title: Page title (escaped).
        height: CSS height of the drawing area.
        node_notes: Node name -> one more tooltip line (plain text).
    """
    page = network_page(
        transitions,
        node_stats,
        min_weight=min_weight,
        max_nodes=max_nodes,
        physics=physics,
        layout=layout,
        node_colors=node_colors,
        title=title,
        height=height,
        node_notes=node_notes,
    )
    return page.html


@dataclass(frozen=True)
class NetworkPage:
    """A standalone network page, with how many nodes and edges it shows and leaves out."""

    html: str
    n_nodes: int
    n_edges: int
    n_hidden_nodes: int
    n_hidden_edges: int


def network_page(
    transitions: pd.DataFrame,
    node_stats: pd.DataFrame,
    *,
    min_weight: int = 1,
    max_nodes: int = 100,
    physics: bool = True,
    layout: Layout = "physics",
    node_colors: Mapping[str, str] | None = None,
    title: str = "",
    height: str = "640px",
    node_notes: Mapping[str, str] | None = None,
) -> NetworkPage:
    """Build the network page of `build_network` and count what it shows and hides."""
    selection = select_network(transitions, node_stats, min_weight=min_weight, max_nodes=max_nodes)
    net = build_pyvis(
        selection,
        physics=physics,
        layout=layout,
        node_colors=node_colors,
        height=height,
        node_notes=node_notes,
    )
    large = len(selection.nodes) > LARGE_NODES or len(selection.edges) > LARGE_EDGES
    return NetworkPage(
        html=render_network(net, title=title, freeze=large or not physics),
        n_nodes=len(selection.nodes),
        n_edges=len(selection.edges),
        n_hidden_nodes=selection.n_hidden_nodes,
        n_hidden_edges=selection.n_hidden_edges,
    )


def sandboxed_page(page: str, title: str = "Journey network") -> str:
    """Wrap a network page in a script-free shell whose one iframe is sandboxed to scripts.

    An embedder that can only allow same-origin (st.iframe) shows the shell; the network
    page inside runs in an opaque origin, so it cannot read or script the embedding app.
    """
    return _SHELL.format(
        title=html_lib.escape(title, quote=True),
        sandbox=SANDBOX,
        page=html_lib.escape(page, quote=True),
    )
