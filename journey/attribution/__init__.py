"""journey.attribution."""
