"""Deterministic sample data: Lumio's customer journeys and support transcripts.

Owns the generator behind data/sample/ (events, transcripts, their phrase tables) and
`python -m journey.sample`. May import every journey package but cli (it sits after viz in
the arrow); today it needs journey.schema only.
"""
