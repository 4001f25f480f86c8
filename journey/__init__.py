"""Journey Atlas: a pure library for customer-journey analytics (no streamlit import)."""

__all__ = [
    "attribution",
    "charts",
    "cli",
    "engine",
    "errors",
    "export",
    "identity",
    "ingest",
    "network",
    "paths",
    "phases",
    "report",
    "schema",
    "sentiment",
    "store",
    "validate",
]
