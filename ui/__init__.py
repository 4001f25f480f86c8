"""Streamlit glue: navigation, session state, caching, shared widgets, errors, UI text."""
