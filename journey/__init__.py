"""Journey Atlas: a pure library for customer-journey analytics (no streamlit import).

Packages by concern, arrows pointing one way (a package imports only those before it):
schema/errors <- io <- query <- attribution | sentiment <- viz <- sample <- cli.
"""

__all__ = ["attribution", "cli", "errors", "io", "query", "sample", "schema", "sentiment", "viz"]
