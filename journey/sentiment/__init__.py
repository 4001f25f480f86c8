"""journey.sentiment."""
