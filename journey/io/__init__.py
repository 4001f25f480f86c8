"""journey.io."""
