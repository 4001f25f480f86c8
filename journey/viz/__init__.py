"""journey.viz."""
