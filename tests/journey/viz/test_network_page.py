"""network_page: the page of build_network and the counts of what it shows and hides."""

from __future__ import annotations

from journey.viz import network
from tests.journey.viz.test_network import node_stats, transitions


def test_network_page_counts_what_the_selection_keeps_and_hides():
    page = network.network_page(
        transitions(), node_stats(), min_weight=2, max_nodes=3, physics=False, title="Map"
    )
    # as in test_select_keeps_heavy_edges_and_largest_nodes: Email, Start, Web and two edges
    assert (page.n_nodes, page.n_edges) == (3, 2)
    assert (page.n_hidden_nodes, page.n_hidden_edges) == (2, 3)
    assert page.html == network.build_network(
        transitions(), node_stats(), min_weight=2, max_nodes=3, physics=False, title="Map"
    )


def test_network_page_of_nothing_left_counts_zero():
    page = network.network_page(transitions(), node_stats(), min_weight=100, max_nodes=0)
    assert (page.n_nodes, page.n_edges, page.n_hidden_edges) == (0, 0, 5)
