"""Journey Atlas: a pure library for customer-journey analytics (no streamlit import).

Each module is a public part of the library; import the ones you need, e.g.
`from journey import ingest, paths, attribution`.
"""

__all__ = [
    "attribution",
    "charts",
    "cli",
    "crossfit",
    "engine",
    "errors",
    "export",
    "filters",
    "identity",
    "ingest",
    "lexicon",
    "network",
    "overview",
    "paths",
    "phases",
    "sample",
    "schema",
    "sentiment",
    "store",
    "validate",
]
