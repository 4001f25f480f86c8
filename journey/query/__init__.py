"""journey.query."""
