"""journey.sample."""
